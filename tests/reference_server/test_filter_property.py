"""Properties of the filter language: on random directories, the SQL compiler selects exactly what
the evaluator accepts for random well-formed filters; and no input text makes the parser fail
with anything but a 400 SCIM error."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference_server.casefold import fold
from reference_server.errors import ScimError
from reference_server.filters import (
    And,
    Comparison,
    Filter,
    Not,
    Or,
    Present,
    ValuePath,
    compile_filter,
    matches,
    parse_filter,
    parse_patch_path,
    render,
)
from reference_server.storage.ddl import SUFFIX_VALUE_BYTES
from schemas.definitions import GROUP_TYPE, USER_TYPE
from tests.support.filterdb import ENTERPRISE, Directory, open_db

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Few characters, so that values collide and filters match; the awkward ones on purpose:
# LIKE/GLOB wildcards, quotes, backslash, letters whose case folding is not one-to-one, and the
# code points around the surrogates and at the top (the ends of sw's ranges).
ALPHABET = "abAB1 %_*?[]\"'\\.@-ßẞéÉİıΣσςﬀ\u212a\n😀\ud7ff\ue000\U0010ffff"
# Wildcards weigh more: nothing may read them as patterns.
characters = st.sampled_from([*ALPHABET, *"[[[***???aaa"])
texts = st.text(alphabet=characters, max_size=6)
# Stored values may also hold U+0000 (SQLite's text functions stop there) and be too long for the
# suffix indexes (storage/ddl.py keeps one UNINDEXED row for those).
stored_characters = st.sampled_from([*ALPHABET, *"[[[***???aaa", "\x00"])


def _stretch(drawn: tuple[str, int]) -> str:
    """Now and then a value longer than a suffix index keeps of a suffix (and repeating itself),
    or one around the longest it indexes."""
    text, pick = drawn
    if pick == 6:
        return text * 5
    if pick == 7:
        return "L" * (SUFFIX_VALUE_BYTES - 2) + text
    return text


stored_texts = st.tuples(st.text(alphabet=stored_characters, max_size=6), st.integers(0, 7)).map(_stretch)
# The long values make hypothesis's reprs long; they are still worth drawing.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
STAMPS = [
    "2024-01-01T00:00:00.000Z",
    "2024-01-01T00:00:00.001Z",
    "2024-06-15T12:30:00.500Z",
    "2025-01-01T00:00:00.000Z",
]
FILTER_STAMPS = [
    *STAMPS,
    "2024-01-01T01:00:00+01:00",
    "2024-06-15T12:30:00.5Z",
    "2024-06-15T12:30:00.5004Z",
    "2024-06-15T07:30:00.499-05:00",
    "2023-12-31T23:59:59.9999Z",
]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


emails = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "value": stored_texts,
            "type": st.sampled_from(["work", "home", "Other"]),
            "primary": st.booleans(),
        },
    ),
    max_size=3,
)
users = st.fixed_dictionaries(
    {
        "userName": stored_texts.filter(bool),
        "meta": st.builds(
            lambda c, m: {"resourceType": "User", "created": c, "lastModified": m, "version": 'W/"1"'},
            st.sampled_from(STAMPS),
            st.sampled_from(STAMPS),
        ),
    },
    optional={
        "emails": emails,
        "name": st.fixed_dictionaries({}, optional={"familyName": texts, "givenName": texts}),
        "active": st.booleans(),
        "externalId": stored_texts,
        "title": texts,
        "displayName": texts,
        ENTERPRISE: st.fixed_dictionaries({}, optional={"department": texts}),
    },
)
directories = st.tuples(
    st.lists(users, max_size=30, unique_by=lambda u: fold(u["userName"])),
    st.lists(
        st.tuples(stored_texts, st.lists(st.integers(0, 29), max_size=5), maybe(stored_texts)), max_size=5
    ),
)


def build(conn: sqlite3.Connection, drawn: tuple[list[dict[str, Any]], list[Any]]) -> Directory:
    d = Directory(conn)
    user_list, group_list = drawn
    for user in user_list:
        if ENTERPRISE in user:
            user = {**user, "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]}
        d.add_user(user)
    ids = list(d.users)
    seen: set[str] = set()
    for n, (name, members, external_id) in enumerate(group_list):
        display = f"{name}#{n}"
        if fold(display) in seen:
            continue
        seen.add(fold(display))
        wanted = sorted({ids[i] for i in members if i < len(ids)})
        extra = {} if external_id is None else {"externalId": external_id}
        d.add_group({"displayName": display, **extra}, wanted)
    return d


def values_in(d: Directory) -> list[str]:
    """Strings of the directory, so that generated filters hit something."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.extend([value, value.upper(), value[:2], value[-2:], value[1:], value[:-1]])
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for resource in [*d.resources(USER_TYPE), *d.resources(GROUP_TYPE)]:
        walk(resource)
    return [v for v in found if "\x00" not in v]  # a filter literal cannot hold U+0000


def pieces(words: list[str]) -> st.SearchStrategy[str]:
    """Non-empty pieces of ``words`` (whole, prefixes, suffixes, middles, any length), as needles
    for the suffix indexes and the prefix ranges (GLOB / LIKE wildcards and U+0000 included in
    the values; filter literals cannot hold U+0000)."""

    def cut(word: str) -> st.SearchStrategy[str]:
        return st.tuples(st.integers(0, len(word) - 1), st.integers(1, 24)).map(
            lambda at: word[at[0] : at[0] + at[1]]
        )

    return st.sampled_from(words).flatmap(cut).filter(lambda n: "\x00" not in n)


def substring_leaves(d: Directory, rtype: Any = USER_TYPE) -> st.SearchStrategy[Filter]:
    """co / sw / ew on the attributes with indexes for them (userName, externalId, emails; a
    group's displayName and externalId), with needles taken from those very values."""
    ops = st.sampled_from(["co", "sw", "ew"])
    options: list[st.SearchStrategy[Filter]] = []
    resources = d.users if rtype is USER_TYPE else d.groups
    for attribute in ["userName", "displayName", "externalId"]:
        words = [
            r[attribute] for r in resources.values() if isinstance(r.get(attribute), str) and r[attribute]
        ]
        if words:
            options.append(st.builds(Comparison, st.just(attribute), ops, pieces(words)))
    if rtype is not USER_TYPE:
        return st.one_of(options) if options else st.builds(Comparison, st.just("displayName"), ops, texts)
    addresses = [e["value"] for u in d.users.values() for e in u.get("emails", []) if e.get("value")]
    if addresses:
        needles = pieces(addresses)
        options.append(st.builds(Comparison, st.sampled_from(["emails", "emails.value"]), ops, needles))
        options.append(st.builds(lambda op, n: ValuePath("emails", Comparison("value", op, n)), ops, needles))
        options.append(
            st.builds(
                lambda op, n: ValuePath(
                    "emails", And((Comparison("type", "eq", "work"), Comparison("value", op, n)))
                ),
                ops,
                needles,
            )
        )
    if not options:
        return st.builds(Comparison, st.just("userName"), ops, texts)
    return st.one_of(options)


USER_TEXT_PATHS = [
    "userName",
    "USERNAME",
    "externalId",
    "title",
    "displayName",
    "name.familyName",
    "Name.GivenName",
    "emails",
    "emails.value",
    "emails.type",
    f"{ENTERPRISE}:department",
    "id",
    "groups.value",
    "groups.display",
    "meta.version",
    "schemas",
]
USER_BOOL_PATHS = ["active", "emails.primary"]
USER_TIME_PATHS = ["meta.created", "meta.lastModified"]
USER_PRESENT_PATHS = [
    *USER_TEXT_PATHS,
    *USER_BOOL_PATHS,
    "emails",
    "name",
    "groups",
    ENTERPRISE + ":department",
]
USER_VALUE_PATHS = {
    "emails": (["value", "type"], ["primary"]),
    "name": (["familyName", "givenName"], []),
    "groups": (["value", "display", "type"], []),
}
GROUP_TEXT_PATHS = [
    "displayName",
    "members",
    "members.value",
    "members.display",
    "members.type",
    "externalId",
]
GROUP_VALUE_PATHS = {"members": (["value", "display", "type"], [])}
STRING_OPS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]


def leaves(
    pool: list[str],
    text_paths: list[str],
    bool_paths: list[str],
    time_paths: list[str],
    present_paths: list[str],
) -> st.SearchStrategy[Filter]:
    values = st.sampled_from(pool) | texts if pool else texts
    options = [
        st.builds(Comparison, st.sampled_from(text_paths), st.sampled_from(STRING_OPS), values),
        st.builds(Comparison, st.sampled_from(text_paths), st.sampled_from(["eq", "ne"]), st.none()),
        st.builds(Present, st.sampled_from(present_paths)),
    ]
    if bool_paths:
        options.append(
            st.builds(Comparison, st.sampled_from(bool_paths), st.sampled_from(["eq", "ne"]), st.booleans())
        )
    if time_paths:
        options.append(
            st.builds(
                Comparison,
                st.sampled_from(time_paths),
                st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le"]),
                st.sampled_from(FILTER_STAMPS),
            )
        )
    return st.one_of(options)


def value_paths(pool: list[str], table: dict[str, tuple[list[str], list[str]]]) -> st.SearchStrategy[Filter]:
    def for_attribute(attr: str) -> st.SearchStrategy[Filter]:
        text_subs, bool_subs = table[attr]
        inner = st.recursive(
            leaves(pool, text_subs, bool_subs, [], text_subs + bool_subs),
            lambda kids: st.one_of(
                st.builds(lambda a, b: And((a, b)), kids, kids),
                st.builds(lambda a, b: Or((a, b)), kids, kids),
                st.builds(Not, kids),
            ),
            max_leaves=3,
        )
        return st.builds(ValuePath, st.just(attr), inner)

    return st.one_of([for_attribute(a) for a in table])


def filters(base: st.SearchStrategy[Filter]) -> st.SearchStrategy[Filter]:
    return st.recursive(
        base,
        lambda kids: st.one_of(
            st.builds(lambda ops: And(tuple(ops)), st.lists(kids, min_size=2, max_size=3)),
            st.builds(lambda ops: Or(tuple(ops)), st.lists(kids, min_size=2, max_size=3)),
            st.builds(Not, kids),
        ),
        max_leaves=6,
    )


def check(d: Directory, tree: Filter, rtype: Any) -> None:
    text = render(tree)
    parsed = parse_filter(text)
    assert d.select(parsed, rtype) == d.expected(parsed, rtype), text


@SETTINGS
@given(drawn=directories, data=st.data())
def test_sql_equals_evaluator_for_users(drawn, data):
    conn = open_db(":memory:")
    try:
        d = build(conn, drawn)
        pool = values_in(d)
        base = leaves(pool, USER_TEXT_PATHS, USER_BOOL_PATHS, USER_TIME_PATHS, USER_PRESENT_PATHS)
        base = base | substring_leaves(d)
        strategy = filters(st.one_of(base, value_paths(pool, USER_VALUE_PATHS)))
        for tree in data.draw(st.lists(strategy, min_size=1, max_size=4)):
            check(d, tree, USER_TYPE)
    finally:
        conn.close()


@settings(SETTINGS, max_examples=60)
@given(drawn=directories, data=st.data())
def test_sql_equals_evaluator_for_groups(drawn, data):
    conn = open_db(":memory:")
    try:
        d = build(conn, drawn)
        pool = values_in(d)
        base = leaves(pool, GROUP_TEXT_PATHS, [], USER_TIME_PATHS, [*GROUP_TEXT_PATHS, "members"])
        base = base | substring_leaves(d, GROUP_TYPE)
        strategy = filters(st.one_of(base, value_paths(pool, GROUP_VALUE_PATHS)))
        for tree in data.draw(st.lists(strategy, min_size=1, max_size=4)):
            check(d, tree, GROUP_TYPE)
    finally:
        conn.close()


# Token soup: the pieces of the grammar in random order, to reach deep into the parser.
TOKENS = [
    "userName", "emails", "emails.value", "name.familyName", f"{ENTERPRISE}:department", "active",
    "meta.created", "members", "x", "urn:", "eq", "NE", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr",
    "and", "OR", "not", "(", ")", "[", "]", ".", '"a"', '"\\u00e9"', '"\\ud800"', '"bad\\q"', '"open',
    "1", "-2.5e3", "01", "true", "null", "False", " ", "  ", "\t", "*", "&", "é",
]  # fmt: skip
soups = st.lists(st.sampled_from(TOKENS), max_size=25).map(lambda parts: " ".join(parts))
any_text = st.one_of(
    st.text(max_size=300), soups, st.lists(st.sampled_from(TOKENS), max_size=25).map("".join)
)


def attempt(call: Any, *args: Any) -> tuple[Any, ScimError | None]:
    """``call(*args)`` and None, or None and the SCIM error it raised (any other exception
    propagates and fails the test)."""
    try:
        return call(*args), None
    except ScimError as exc:
        return None, exc


def assert_400(error: ScimError | None, scim_type: str) -> None:
    if error is not None:
        assert error.status == 400
        assert error.scim_type == scim_type


@settings(SETTINGS, max_examples=300)
@given(text=any_text)
def test_parse_filter_never_fails_otherwise(text):
    """Any text is a filter or a 400 invalidFilter; one that parses binds, evaluates and compiles
    or is a 400 invalidFilter (never another exception)."""
    tree, error = attempt(parse_filter, text)
    assert_400(error, "invalidFilter")
    if tree is None:
        return
    resource = {"userName": "a", "emails": [{"value": "a"}], "active": True}
    for rtype in (USER_TYPE, GROUP_TYPE):
        matched, error = attempt(matches, tree, resource, rtype)
        assert_400(error, "invalidFilter")
        assert error is not None or isinstance(matched, bool)
        compiled, error = attempt(compile_filter, tree, rtype)
        assert_400(error, "invalidFilter")
        assert (compiled is None) == (matched is None)


@settings(SETTINGS, max_examples=150)
@given(text=any_text)
def test_parse_patch_path_never_fails_otherwise(text):
    _, error = attempt(parse_patch_path, text)
    assert_400(error, "invalidPath")


@pytest.mark.parametrize(
    "text", ["(" * 5000, "not (" * 2000, "a[" * 3000, '"' * 4096, "a pr and " * 455 + "a pr"]
)
def test_pathological_inputs_are_bounded(text):
    _, error = attempt(parse_filter, text)
    assert_400(error, "invalidFilter")
