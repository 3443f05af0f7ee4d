"""The per-type caches of client names: one set of values per type, bounded over all types."""

from __future__ import annotations

import dataclasses

from reference_server.typecache import TypeCache
from schemas import GROUP_TYPE, USER_TYPE


def test_values_are_kept_per_type_and_bounded_over_all_types() -> None:
    cache: TypeCache[str, int] = TypeCache(3)
    users, groups = cache.of(USER_TYPE), cache.of(GROUP_TYPE)
    cache.put(users, "a", 1)
    cache.put(groups, "a", 2)
    cache.put(users, "b", 3)
    assert (cache.of(USER_TYPE), cache.of(GROUP_TYPE)) == ({"a": 1, "b": 3}, {"a": 2})
    cache.put(groups, "c", 4)  # the fourth empties the cache first
    assert (cache.of(USER_TYPE), cache.of(GROUP_TYPE)) == ({}, {"c": 4})


def test_a_type_equal_to_another_by_value_has_values_of_its_own() -> None:
    cache: TypeCache[str, int] = TypeCache(10)
    twin = dataclasses.replace(USER_TYPE)
    assert twin == USER_TYPE and twin is not USER_TYPE
    cache.put(cache.of(USER_TYPE), "a", 1)
    assert cache.of(twin) == {}
