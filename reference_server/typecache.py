"""Bounded caches of what a resource type makes of the names clients send.

A client sends the same few filter paths, body keys and ``schemas`` lists with every request, and
resolving one against a :class:`~schemas.ResourceType` goes through case-folded lookups each time
(issue 17). The keys are the client's, so each cache holds at most ``limit`` values in all and is
emptied when full. Types are told apart by identity: a ``ResourceType`` compares by value, and
hashing one would walk its schemas.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from schemas import ResourceType

K = TypeVar("K")
V = TypeVar("V")


class TypeCache(Generic[K, V]):
    """Values by resource type and key: :meth:`of` a type gives its values by key (read them with
    ``get``), and :meth:`put` adds one."""

    __slots__ = ("_limit", "_size", "_types")

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._size = 0
        self._types: dict[int, tuple[ResourceType, dict[K, V]]] = {}

    def of(self, rtype: ResourceType) -> dict[K, V]:
        known = self._types.get(id(rtype))
        if known is None or known[0] is not rtype:
            known = self._types[id(rtype)] = (rtype, {})
        return known[1]

    def put(self, values: dict[K, V], key: K, value: V) -> None:
        """Add ``value`` under ``key`` to ``values`` (what :meth:`of` gave), emptying the cache
        first if it is full."""
        if self._size >= self._limit:
            self.clear()
        values[key] = value
        self._size += 1

    def clear(self) -> None:
        for _, cached in self._types.values():
            cached.clear()
        self._size = 0
