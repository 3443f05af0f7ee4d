"""The SQL compiler against a real SQLite file laid out as ``storage/ddl.py`` says: same results as
the evaluator for every operator and combination, indexes used for the lookups clients make,
values only ever bound as parameters, and sort keys (RFC 7644 §3.4.2.2, §3.4.2.3)."""

from __future__ import annotations

import pytest

from reference_server.errors import ScimError
from reference_server.filters import compile_filter, compile_sort, matches, parse_filter
from reference_server.filters import sql as filters_sql
from reference_server.storage import ddl
from schemas.definitions import GROUP_TYPE, USER_TYPE
from tests.support.filterdb import ENTERPRISE, Directory, open_db

STAMP = "2024-0{m}-01T12:00:00.{ms:03d}Z"

USERS = [
    {
        "id": "alice",
        "externalId": "Ext-Alice",
        "userName": "Alice.Smith@Example.com",
        "name": {"familyName": "Smith", "givenName": "Alice"},
        "displayName": "Alice Smith",
        "title": "Engineer",
        "active": True,
        "emails": [
            {"value": "Alice@Example.com", "type": "work", "primary": True},
            {"value": "alice@home.org", "type": "home"},
        ],
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        ENTERPRISE: {"department": "R&D", "manager": {"value": "bob", "displayName": "Bob"}},
        "meta": {
            "resourceType": "User",
            "created": STAMP.format(m=1, ms=0),
            "lastModified": STAMP.format(m=6, ms=500),
            "version": 'W/"3"',
        },
    },
    {
        "id": "bob",
        "userName": "bob",
        "title": "",
        "name": {},
        "active": False,
        "emails": [{"value": "bob@example.org", "type": "work"}, {"type": "home"}, "stray-string"],
        "meta": {
            "resourceType": "User",
            "created": STAMP.format(m=2, ms=0),
            "lastModified": STAMP.format(m=2, ms=0),
            "version": 'W/"1"',
        },
    },
    {
        "id": "grete",
        "externalId": "ext-grete",
        "userName": "grete@straße.de",
        "displayName": "Grete ÄRGER",
        "emails": [
            {"value": "G@Straße.de", "type": "other"},
            {"value": "grete@work.de", "type": "work", "primary": True},
        ],
        ENTERPRISE: {"department": "Ops"},
    },
    {
        "id": "pct",
        "userName": "100%_sure*?[x]",
        "title": 'it\'s "quoted"',
        "emails": [{"value": "50%_off@x.io"}],
    },
    {"id": "under", "userName": "a_b", "title": "Engineer", "active": True, "emails": [{"value": "ab@x.io"}]},
    {"id": "plain", "userName": "axb", "nickName": "'); DROP TABLE users; --", "emails": []},
]
GROUPS = [
    ({"id": "admins", "displayName": "Admins", "externalId": "EXT-1"}, ["alice", "grete"]),
    ({"id": "ops", "displayName": "Ops Team"}, ["grete", "bob"]),
    ({"id": "empty", "displayName": "Nobody"}, []),
]


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    conn = open_db(tmp_path_factory.mktemp("filters") / "filters.db")
    d = Directory(conn)
    for user in USERS:
        d.add_user(user)
    for group, members in GROUPS:
        d.add_group(group, members)
    yield d
    conn.close()


USER_FILTERS = [
    ('userName eq "ALICE.SMITH@example.com"', {"alice"}),
    ('userName eq "A_B"', {"under"}),
    ('userName ne "bob"', {"alice", "grete", "pct", "under", "plain"}),
    ('userName co "STRASSE"', {"grete"}),
    ('userName co "%_"', {"pct"}),
    ('userName co "_"', {"pct", "under"}),
    ('userName co "x"', {"alice", "pct", "plain"}),
    ('userName co "*?["', {"pct"}),
    ('userName co "sure*?[x]"', {"pct"}),
    ('userName sw "100%"', {"pct"}),
    ('userName sw "a"', {"alice", "under", "plain"}),
    ('userName sw "alice.smith"', {"alice"}),
    ('userName ew "[x]"', {"pct"}),
    ('userName ew ".com"', {"alice"}),
    ('userName ew "smith"', set()),
    # Needles longer than a suffix index keeps (storage/ddl.py SUFFIX_BYTES): looked up by a prefix.
    ('userName co "smith@example.com"', {"alice"}),
    ('userName ew "alice.smith@example.com"', {"alice"}),
    ('userName co "alice.smith@example.co"', {"alice"}),
    ('userName ew "straße.de"', {"grete"}),
    ('emails co "alice@example.com"', {"alice"}),
    ('emails ew "grete@straße.de"', set()),
    ('emails ew "g@strasse.de"', {"grete"}),
    ('userName gt "b"', {"bob", "grete"}),
    ('userName le "a_b"', {"pct", "under"}),
    ('externalId eq "Ext-Alice"', {"alice"}),
    ('externalId eq "ext-alice"', set()),
    ('externalId sw "ext"', {"grete"}),
    ('not (externalId ne "Ext-Alice")', {"alice", "bob", "pct", "under", "plain"}),
    ('not (userName ne "BOB")', {"bob"}),
    ('not (id ne "bob")', {"bob"}),
    ('externalId eq "Ext-Alice" and emails.value pr', {"alice"}),
    ('not (emails.value ne "ab@x.io")', {"under", "plain"}),
    ("externalId pr", {"alice", "grete"}),
    ('id eq "bob"', {"bob"}),
    ('id eq "BOB"', set()),
    ('displayName eq "grete ärger"', {"grete"}),
    ('displayName co "SMITH"', {"alice"}),
    ("displayName pr", {"alice", "grete"}),
    ('title eq "engineer"', {"alice", "under"}),
    ('title ne "engineer"', {"bob", "pct"}),
    ("title pr", {"alice", "pct", "under"}),
    ("title eq null", {"bob", "grete", "plain"}),
    ('title co "\'s \\"quo"', {"pct"}),
    ("not (title pr)", {"bob", "grete", "plain"}),
    ('nickName eq "\'); DROP TABLE users; --"', {"plain"}),
    ('emails eq "alice@example.com"', {"alice"}),
    ('emails.value eq "G@STRASSE.DE"', {"grete"}),
    ('emails.value co "straße"', {"grete"}),
    ('emails.value co "%_o"', {"pct"}),
    ('emails co "_"', {"pct"}),
    ('emails co "ex"', {"alice", "bob"}),
    ('emails sw "alice@"', {"alice"}),
    ('emails sw "home.org"', set()),
    ('emails ew "HOME.ORG"', {"alice"}),
    ('emails ew ".de"', {"grete"}),
    ('emails.value gt "g"', {"grete"}),
    ('emails.value ne "bob@example.org"', {"alice", "grete", "pct", "under"}),
    ("emails.value pr", {"alice", "bob", "grete", "pct", "under"}),
    ("emails pr", {"alice", "bob", "grete", "pct", "under"}),
    ('emails.type eq "home"', {"alice", "bob"}),
    ("emails.primary eq true", {"alice", "grete"}),
    ("emails.primary pr", {"alice", "grete"}),
    ('emails[type eq "work" and value co "example.com"]', {"alice"}),
    ('emails[type eq "home" and value co "example"]', set()),
    ('emails[type eq "home" and not (value pr)]', {"bob"}),
    ('emails[not (type eq "work")]', {"alice", "bob", "grete", "pct", "under"}),
    ('emails[value eq "ab@x.io"]', {"under"}),
    ('emails[value co "x.io"]', {"pct", "under"}),
    # Both bounds on one address, or on any two (RFC 7644 §3.4.2.2: "emails[...]" filters one value).
    ('emails[value gt "alice" and value lt "alice@f"]', {"alice"}),
    ('emails[value gt "alice@g" and value lt "alice@f"]', set()),
    ('emails.value gt "alice@g" and emails.value lt "alice@f"', {"alice"}),
    ('emails[primary eq true and value ew ".de"]', {"grete"}),
    ('emails[type eq "work" or type eq "other"] and not (emails[type eq "home"])', {"grete"}),
    ('name[givenName eq "ALICE"]', {"alice"}),
    ("name[not (givenName pr)]", {"bob"}),
    ("name pr", {"alice"}),
    ('name.familyName sw "sm"', {"alice"}),
    ("active eq true", {"alice", "under"}),
    ("active eq false", {"bob"}),
    ("active ne false", {"alice", "under"}),
    ("not (active eq true)", {"bob", "grete", "pct", "plain"}),
    ("active pr", {"alice", "bob", "under"}),
    ('meta.lastModified gt "2024-02-01T12:00:00Z"', {"alice"}),
    ('meta.lastModified ge "2024-02-01T12:00:00Z"', {"alice", "bob"}),
    ('meta.lastModified eq "2024-06-01T14:00:00.5+02:00"', {"alice"}),
    ('meta.created gt "2024-01-04T23:59:59Z"', {"bob", "pct", "under", "plain"}),
    ('meta.created le "2024-01-04T03:00:00.003Z"', {"alice", "grete"}),
    ('meta.created lt "2024-01-01T12:00:00.0001Z"', {"alice"}),
    ('meta.created eq "2024-01-01T12:00:00.0001Z"', set()),
    ('meta.version eq "W/\\"1\\""', {"bob"}),
    (f'{ENTERPRISE}:department eq "r&d"', {"alice"}),
    (f"{ENTERPRISE}:department pr", {"alice", "grete"}),
    (f'{ENTERPRISE}:manager eq "BOB"', {"alice"}),
    (f'{ENTERPRISE}:manager[value eq "bob" and displayName sw "b"]', {"alice"}),
    (f'schemas eq "{ENTERPRISE}"', {"alice"}),
    ('groups.value eq "admins"', {"alice", "grete"}),
    ('groups[display eq "ops team"]', {"bob", "grete"}),
    ('groups[value eq "admins"] and groups[value eq "ops"]', {"grete"}),
    ('groups.type eq "direct"', {"alice", "bob", "grete"}),
    ("groups pr", {"alice", "bob", "grete"}),
    ("not (groups pr)", {"pct", "under", "plain"}),
    (
        'userName eq "bob" or emails[type eq "other"] or title eq "engineer"',
        {"alice", "bob", "grete", "under"},
    ),
    ('(userName sw "a" or userName sw "b") and not (active eq false)', {"alice", "under", "plain"}),
]


@pytest.mark.parametrize(("text", "expected"), USER_FILTERS, ids=[t for t, _ in USER_FILTERS])
def test_user_filters(directory, text, expected):
    assert directory.expected(text) == expected
    assert directory.select(text) == expected


GROUP_FILTERS = [
    ('displayName eq "ADMINS"', {"admins"}),
    ('displayName co "TEAM"', {"ops"}),
    ('displayName co "o"', {"ops", "empty"}),
    ('displayName ew "mins"', {"admins"}),
    ('externalId co "XT-"', {"admins"}),
    ('externalId ew "t-1"', set()),
    ('externalId ew "T-1"', {"admins"}),
    ('displayName sw "o"', {"ops"}),
    ('externalId eq "EXT-1"', {"admins"}),
    ('members eq "ALICE"', {"admins"}),
    ('members.value eq "grete"', {"admins", "ops"}),
    ('members[value eq "bob" or display co "smith"]', {"admins", "ops"}),
    ('members.display eq "grete ärger"', {"admins", "ops"}),
    ('members.display eq "bob"', {"ops"}),
    ('members.type eq "user"', {"admins", "ops"}),
    ("members pr", {"admins", "ops"}),
    ("not (members pr)", {"empty"}),
    ('meta.resourceType eq "Group"', {"admins", "ops", "empty"}),
]


@pytest.mark.parametrize(("text", "expected"), GROUP_FILTERS, ids=[t for t, _ in GROUP_FILTERS])
def test_group_filters(directory, text, expected):
    assert directory.expected(text, GROUP_TYPE) == expected
    assert directory.select(text, GROUP_TYPE) == expected


INDEXED = [
    ('userName eq "bob"', USER_TYPE, "users_user_name"),
    ('externalId eq "Ext-Alice"', USER_TYPE, "users_external_id"),
    ('id eq "bob"', USER_TYPE, "sqlite_autoindex_users_1"),
    ('emails.value eq "ab@x.io"', USER_TYPE, "user_emails_value"),
    ('emails eq "ab@x.io"', USER_TYPE, "user_emails_value"),
    ('emails[value eq "ab@x.io"]', USER_TYPE, "user_emails_value"),
    ('emails[type eq "work" and value eq "ab@x.io"]', USER_TYPE, "user_emails_value"),
    ('displayName eq "Alice Smith"', USER_TYPE, "users_display_name"),
    ('meta.lastModified gt "2024-02-01T00:00:00Z"', USER_TYPE, "users_last_modified"),
    ('meta.created le "2024-02-01T00:00:00Z"', USER_TYPE, "users_created"),
    # sw: a range of the column's own index; co / ew: the suffix indexes (storage/ddl.py), looked
    # up first, then their UNINDEXED rows.
    ('userName sw "alice"', USER_TYPE, "INDEX users_user_name (user_name>? AND user_name<?)"),
    ('externalId sw "Ext"', USER_TYPE, "INDEX users_external_id (external_id>? AND external_id<?)"),
    ('emails sw "alice@"', USER_TYPE, "INDEX user_emails_value (value>? AND value<?)"),
    ('displayName sw "alice"', USER_TYPE, "INDEX users_display_name (display_name>? AND display_name<?)"),
    (
        'userName co "smith"',
        USER_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH users_user_name_suffixes USING PRIMARY KEY (suffix>? AND suffix<?)",
    ),
    (
        'userName ew ".com"',
        USER_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH users_user_name_suffixes USING PRIMARY KEY (suffix=?)",
    ),
    (
        'externalId co "alice"',
        USER_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH users_external_id_suffixes USING PRIMARY KEY (suffix>? AND suffix<?)",
    ),
    (
        'externalId ew "alice"',
        USER_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH users_external_id_suffixes USING PRIMARY KEY (suffix=?)",
    ),
    (
        'emails co "example"',
        USER_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH user_emails_suffixes USING PRIMARY KEY (suffix>? AND suffix<?)",
    ),
    (
        'emails[value ew "x.io"]',
        USER_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH user_emails_suffixes USING PRIMARY KEY (suffix=?)",
    ),
    ('emails[type eq "work" and value co "alice"]', USER_TYPE, "user_emails_suffixes USING PRIMARY KEY"),
    ('emails[value gt "alice" and value lt "alice@f"]', USER_TYPE, "user_emails_value (value>? AND value<?)"),
    ('userName co "a much longer needle than sixteen bytes"', USER_TYPE, "users_user_name_suffixes"),
    # The suffixes from the "@" on are the tail's, found once per domain, then its users by index.
    (
        'userName co "example"',
        USER_TYPE,
        "SEARCH users_user_name_tails USING PRIMARY KEY (suffix>? AND suffix<?)",
    ),
    ('userName ew ".com"', USER_TYPE, "USING INDEX users_user_name_tail (<expr>=?)"),
    ('emails co "example"', USER_TYPE, "USING INDEX users_user_name_tail (<expr>=?)"),
    ('userName eq "bob" or emails.value eq "ab@x.io"', USER_TYPE, "user_emails_value"),
    # Beside a selective condition, a non-selective one is checked per row, not listed for all rows.
    ('not (userName ne "bob")', USER_TYPE, "users_user_name (user_name=?)"),
    ('externalId eq "Ext-Alice" and emails.value pr', USER_TYPE, "user_emails_user (user_pk=?)"),
    ('externalId eq "Ext-Alice" and emails.value ne "x"', USER_TYPE, "user_emails_user (user_pk=?)"),
    ('displayName eq "Admins"', GROUP_TYPE, "groups_display_name"),
    ('externalId eq "EXT-1"', GROUP_TYPE, "groups_external_id"),
    ('id eq "ops"', GROUP_TYPE, "sqlite_autoindex_groups_1"),
    ('meta.lastModified gt "2024-02-01T00:00:00Z"', GROUP_TYPE, "groups_last_modified"),
    ('displayName sw "adm"', GROUP_TYPE, "INDEX groups_display_name (display_name>? AND display_name<?)"),
    (
        'displayName co "team"',
        GROUP_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH groups_display_name_suffixes USING PRIMARY KEY (suffix>? AND suffix<?)",
    ),
    (
        'displayName ew "team"',
        GROUP_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH groups_display_name_suffixes USING PRIMARY KEY (suffix=?)",
    ),
    (
        'externalId co "xt-"',
        GROUP_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH groups_external_id_suffixes USING PRIMARY KEY (suffix>? AND suffix<?)",
    ),
    (
        'externalId ew "t-1"',
        GROUP_TYPE,
        "LEFT-MOST SUBQUERY\nSEARCH groups_external_id_suffixes USING PRIMARY KEY (suffix=?)",
    ),
]


@pytest.mark.parametrize(("text", "rtype", "index"), INDEXED, ids=[t for t, _, _ in INDEXED])
def test_lookups_use_indexes(directory, text, rtype, index):
    plan = directory.plan(text, rtype)
    assert index in plan, plan
    # No table is read whole (json_each over one row's document is fine).
    assert not [line for line in plan.splitlines() if line.startswith("SCAN") and "VIRTUAL" not in line], plan


def test_short_needles_scan_correctly(directory):
    """co / ew needles under three bytes match too much for the suffix index to help: they are
    checked on every row (sw stays a range at any length)."""
    for text, expected in [
        ('userName co "_b"', {"under"}),
        ('userName ew "b"', {"bob", "under", "plain"}),
        ('emails co "%"', {"pct"}),
        ('externalId ew "e"', {"alice", "grete"}),
        ('userName co ""', {u["id"] for u in USERS}),
    ]:
        assert "suffixes" not in directory.plan(text), text
        assert directory.select(text) == directory.expected(text) == expected, text
    assert "users_user_name (user_name>? AND user_name<?)" in directory.plan('userName sw "a"')
    assert directory.select('userName sw "ax"') == {"plain"}


def test_values_are_parameters_never_sql(directory):
    nasty = "x' OR '1'='1; DROP TABLE users; --%_*"
    for op in ("eq", "co", "sw", "ew", "gt"):
        tree = parse_filter(f'userName {op} "{nasty}" or emails {op} "{nasty}"')
        sql, params = compile_filter(tree, USER_TYPE)
        assert "DROP" not in sql
        assert "1'='1" not in sql
        assert nasty.casefold() in params
        assert directory.select(tree) == directory.expected(tree)
    assert directory.conn.execute("SELECT count(*) FROM users").fetchone()[0] == len(USERS)


def test_compile_rejects_filters_that_do_not_fit(directory):
    for text, rtype in [
        ('nosuch eq "x"', USER_TYPE),
        ("active gt true", USER_TYPE),
        ('userName eq "x"', GROUP_TYPE),
    ]:
        with pytest.raises(ScimError) as caught:
            compile_filter(parse_filter(text), rtype)
        assert caught.value.scim_type == "invalidFilter"


def test_a_path_bound_once_binds_again_for_its_own_type_only():
    """Bound paths are remembered per resource type: the same text again gives the same SQL, and
    neither another type nor another rule (``unknown``) reuses what one type resolved."""
    tree = parse_filter('userName eq "Ann@Example.com"')
    first = compile_filter(tree, USER_TYPE)
    assert compile_filter(tree, USER_TYPE) == first == ("r.user_name = ?", ["ann@example.com"])
    with pytest.raises(ScimError):
        compile_filter(tree, GROUP_TYPE)
    assert compile_filter(tree, GROUP_TYPE, unknown="unassigned")[0] != first[0]
    for _ in range(2):  # a path that does not bind is refused every time
        with pytest.raises(ScimError):
            compile_filter(parse_filter('password eq "x"'), USER_TYPE)


def test_sw_ranges_reach_the_ends_of_unicode(tmp_path):
    """sw is a range up to the prefix's successor: past the surrogates, and none after U+10FFFF."""
    d = Directory(open_db(tmp_path / "ends.db"))
    names = ["a\ud7ff", "a\ud7ffb", "a\ue000", "a\U0010ffff", "a\U0010ffffz", "a\U0010ffff\U0010ffff", "b"]
    for n, name in enumerate(names):
        d.add_user({"id": f"u{n}", "userName": name, "externalId": name, "emails": [{"value": name}]})
    for name in names:
        for attribute in ("userName", "externalId", "emails"):
            for prefix in {name, name[:-1]} - {""}:
                text = f'{attribute} sw "{prefix}"'
                assert d.select(text) == d.expected(text) != set(), text
    assert "user_name<?" not in d.plan('userName sw "\U0010ffff"')  # no upper bound to give


def expected_suffixes(conn) -> dict[str, set[tuple[bytes, int]]]:
    """The rows each suffix index should hold, computed from the tables (storage/ddl.py)."""

    def rows(value, owner, before_at=False):
        if not isinstance(value, str):
            return set()
        data = value.encode()
        if len(data) > ddl.SUFFIX_VALUE_BYTES:
            return {(b"", owner)}
        at = data.find(b"@")
        # An index with tails keeps a value's own rows only before its first "@" (storage/ddl.py).
        end = at if before_at and at >= 0 else len(data) - ddl.SUFFIX_MIN_BYTES + 1
        starts = range(min(end, len(data) - ddl.SUFFIX_MIN_BYTES + 1))
        return {(data[i : i + ddl.SUFFIX_BYTES], owner) for i in starts if not 0x80 <= data[i] <= 0xBF}

    out = {
        index.name: {
            row
            for value, owner in conn.execute(
                f"SELECT s.{index.column}, s.{index.owner} FROM {index.source} AS s "
                f"WHERE {index.kept('s') or 1}"
            )
            for row in rows(value, owner, index.tails is not None)
        }
        for index in ddl.SUFFIX_INDEXES
    }
    for index in ddl.SUFFIX_INDEXES:
        if index.tails is not None:
            tails = set()
            for (value,) in conn.execute(f"SELECT {index.column} FROM {index.table}"):
                data = value.encode() if isinstance(value, str) else b""
                if b"@" in data and len(data) <= ddl.SUFFIX_VALUE_BYTES:
                    tail = data[data.find(b"@") :]
                    tails |= {(suffix, tail) for suffix, _ in rows(tail.decode(), None)}
            out[index.tails] = tails
    return out


def assert_derived_tables_right(conn, *, exact=True):
    """The suffix indexes hold their values' suffixes (the lazy one may hold more until its user
    goes, unless ``exact``) and the row counts are the tables' counts."""
    lazy = {index.name for index in ddl.SUFFIX_INDEXES if index.lazy}
    tails = {index.tails for index in ddl.SUFFIX_INDEXES if index.tails is not None}
    for name, wanted in expected_suffixes(conn).items():
        if name in tails:
            # A tail's rows stay when no value has it any more (harmless: lookups check exactly).
            assert set(conn.execute(f"SELECT suffix, tail FROM {name}")) >= wanted, name
            continue
        key = next(index.key for index in ddl.SUFFIX_INDEXES if index.name == name)
        held = set(conn.execute(f"SELECT suffix, {key} FROM {name}"))
        assert held >= wanted if name in lazy and not exact else held == wanted, name
    for table in ("users", "groups"):
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert conn.execute("SELECT n FROM row_counts WHERE name = ?", (table,)).fetchone() == (count,)


def test_suffix_indexes_and_counts_follow_every_write(tmp_path):
    """The triggers keep the derived tables right through any SQL write on the connection, not only
    the store's (another connection's writes: test_derived_tables.py)."""
    d = Directory(open_db(tmp_path / "sync.db"))
    long_name = "x" * ddl.SUFFIX_VALUE_BYTES + "-tail"
    d.add_user({"id": "u1", "userName": "Original-Name", "emails": [{"value": "first@example.com"}]})
    d.add_user(
        {"id": "u2", "userName": "other-person", "externalId": "E-2", "emails": [{"value": "a@b.org"}]}
    )
    d.add_user({"id": "u3", "userName": long_name, "externalId": "Ünï\u0000cödé"})
    d.add_group({"id": "g1", "displayName": "G"}, ["u1"])
    assert_derived_tables_right(d.conn)
    assert d.select('userName co "original"') == {"u1"}
    assert d.select('userName ew "-tail"') == d.select('userName co "xx-t"') == {"u3"}  # UNINDEXED
    assert d.select('externalId co "cödé"') == d.select('externalId co "Ünï"') == {"u3"}  # U+0000 between
    writes = [
        "UPDATE users SET user_name = 'renamed-user', external_id = 'E-1' WHERE id = 'u1'",
        "UPDATE users SET external_id = NULL WHERE id = 'u2'",
        "UPDATE users SET doc = doc WHERE id = 'u1'",
        "DELETE FROM user_emails WHERE user_pk = 1",
        # Two addresses of one user share suffixes ("@y.org"): dropping one keeps the other's.
        "INSERT INTO user_emails (user_pk, value) "
        "VALUES (1, 'new@elsewhere.org'), (1, 'x@y.org'), (1, 'z@y.org')",
        "DELETE FROM user_emails WHERE value = 'z@y.org'",
        "UPDATE user_emails SET user_pk = 2 WHERE value = 'x@y.org'",
        "UPDATE user_emails SET value = 'moved@y.org' WHERE value = 'x@y.org'",
        f"INSERT INTO user_emails (user_pk, value) VALUES (2, '{long_name}@long.org')",
        "DELETE FROM users WHERE id = 'u3'",
        "UPDATE groups SET display_name = 'g renamed', external_id = 'G-1' WHERE id = 'g1'",
        "UPDATE groups SET version = version + 1 WHERE id = 'g1'",
        "DELETE FROM groups WHERE id = 'g1'",
    ]
    for statement in writes:
        d.conn.execute(statement)
        assert_derived_tables_right(d.conn, exact=False)
    assert d.select('userName co "original"') == set()
    assert d.select('userName co "renamed"') == {"u1"}
    assert d.select('externalId ew "e-1"') == set()  # externalId is caseExact
    assert d.select('externalId ew "E-1"') == {"u1"}
    assert d.select('emails co "first@"') == set()  # still in the lazy index, checked away
    assert d.select('emails co "elsewhere"') == {"u1"}
    assert d.select('emails ew "y.org"') == {"u2"}
    assert d.select('emails co "tail@long.o"') == {"u2"}
    assert (
        d.conn.execute("SELECT count(*) FROM users_user_name_suffixes WHERE user_pk = 3").fetchone()[0] == 0
    )
    # The store writes a user's addresses again on every update: their rows stay as they are.
    before = set(d.conn.execute("SELECT suffix, user_pk FROM user_emails_suffixes"))
    d.conn.execute("DELETE FROM user_emails WHERE user_pk = 2")
    d.conn.execute("INSERT INTO user_emails (user_pk, value) VALUES (2, 'a@b.org'), (2, 'moved@y.org')")
    assert set(d.conn.execute("SELECT suffix, user_pk FROM user_emails_suffixes")) == before
    # A user's rows go with the user (pk 3 again: SQLite reuses the highest).
    d.add_user(
        {"id": "u5", "userName": "fresh", "emails": [{"value": "fresh@example.com"}, {"value": "f@x.io"}]}
    )
    assert_derived_tables_right(d.conn, exact=False)
    d.conn.execute("DELETE FROM users WHERE id = 'u5'")
    for name in ("users_user_name_suffixes", "user_emails_suffixes"):
        assert d.conn.execute(f"SELECT count(*) FROM {name} WHERE user_pk = 3").fetchone()[0] == 0
    assert_derived_tables_right(d.conn, exact=False)
    # Re-running the DDL (every open does) is harmless.
    d.conn.close()
    again = open_db(tmp_path / "sync.db")
    assert_derived_tables_right(again, exact=False)
    again.close()


SORTS = [
    ("userName", USER_TYPE, ["pct", "under", "alice", "plain", "bob", "grete"]),
    ("externalId", USER_TYPE, ["alice", "grete", "bob", "pct", "under", "plain"]),
    ("name.familyName", USER_TYPE, ["alice", "bob", "grete", "pct", "under", "plain"]),
    ("emails", USER_TYPE, ["pct", "under", "alice", "bob", "grete", "plain"]),
    ("emails.type", USER_TYPE, ["alice", "bob", "grete", "pct", "under", "plain"]),
    ("active", USER_TYPE, ["bob", "alice", "under", "grete", "pct", "plain"]),
    ("meta.lastModified", USER_TYPE, ["grete", "pct", "under", "plain", "bob", "alice"]),
    (f"{ENTERPRISE}:department", USER_TYPE, ["grete", "alice", "bob", "pct", "under", "plain"]),
    ("groups", USER_TYPE, ["alice", "grete", "bob", "pct", "under", "plain"]),
    ("displayName", GROUP_TYPE, ["admins", "empty", "ops"]),
    ("members", GROUP_TYPE, ["admins", "ops", "empty"]),
    ("members.display", GROUP_TYPE, ["admins", "ops", "empty"]),
]


@pytest.mark.parametrize(("path", "rtype", "order"), SORTS, ids=[p for p, _, _ in SORTS])
def test_sort_keys(directory, path, rtype, order):
    """Q-09: type and caseExact respected (externalId is case-exact: "E" < "e"); multi-valued by
    the primary value, else the first; no value sorts last ascending and first descending; ties
    in insertion order (the store adds r.pk)."""
    assert directory.sorted_ids(path, rtype) == order
    assert directory.sorted_ids(path, rtype, descending=True) == order[::-1]


def test_sort_by_an_indexed_column_walks_the_index(directory):
    order = compile_sort("userName", USER_TYPE)
    plan = directory.conn.execute(f"EXPLAIN QUERY PLAN SELECT r.id FROM users AS r ORDER BY {order} LIMIT 5")
    assert "USING INDEX users_user_name" in "\n".join(r[3] for r in plan)


@pytest.mark.parametrize("path", ["nosuch", "name", "password", 'emails[type eq "work"]', "", "a b"])
def test_sort_rejects_what_cannot_be_sorted(path):
    with pytest.raises(ScimError) as caught:
        compile_sort(path, USER_TYPE)
    assert caught.value.status == 400
    assert caught.value.scim_type == "invalidValue"


def test_unknown_attributes_can_read_as_unassigned(directory):
    """For a root search over several types: an attribute a type lacks is unassigned there."""
    table = [
        ('displayName pr or userName eq "bob"', {"admins", "ops", "empty"}),
        ('userName eq "bob"', set()),
        ("userName pr", set()),
        ("not (userName pr)", {"admins", "ops", "empty"}),
        ("userName eq null", {"admins", "ops", "empty"}),
        ('emails[type eq "work"] or members.value eq "bob"', {"ops"}),
    ]
    for text, expected in table:
        tree = parse_filter(text)
        where, params = compile_filter(tree, GROUP_TYPE, unknown="unassigned")
        rows = directory.conn.execute(f"SELECT r.id FROM groups AS r WHERE {where}", params)
        assert {r[0] for r in rows} == expected, text
        rendered = [directory.group_resource(g) for g in directory.groups]
        assert {g["id"] for g in rendered if matches(tree, g, GROUP_TYPE, unknown="unassigned")} == expected
    with pytest.raises(ScimError):
        compile_filter(parse_filter("displayName gt true"), GROUP_TYPE, unknown="unassigned")
    with pytest.raises(ScimError):
        compile_filter(parse_filter('members[nosuch eq "x"]'), GROUP_TYPE, unknown="unassigned")


def test_an_address_equal_to_the_user_name_is_found_through_the_user_name_index(tmp_path):
    """OneLogin sends the same address as userName and emails: its suffixes are kept once, in the
    userName index, and an emails co / ew lookup reads both indexes; renaming the user gives the
    address rows of its own."""
    d = Directory(open_db(tmp_path / "same.db"))
    d.add_user({"id": "u1", "userName": "Same.Person@x.org", "emails": [{"value": "same.person@x.org"}]})
    d.add_user({"id": "u2", "userName": "other", "emails": [{"value": "same.person@x.org.uk"}]})
    emails = "SELECT count(*) FROM user_emails_suffixes WHERE user_pk = 1"
    assert d.conn.execute(emails).fetchone()[0] == 0
    assert_derived_tables_right(d.conn)
    assert d.select('emails co "person@x"') == {"u1", "u2"}
    assert d.select('emails.value ew "@x.org"') == {"u1"}
    d.conn.execute("UPDATE users SET user_name = 'renamed' WHERE id = 'u1'")
    assert d.conn.execute(emails).fetchone()[0] > 0
    assert_derived_tables_right(d.conn, exact=False)
    assert d.select('emails co "person@x"') == {"u1", "u2"}
    assert d.select('emails.value ew "@x.org"') == {"u1"}
    assert d.select('userName co "person"') == set()
    d.conn.execute("DELETE FROM users WHERE id = 'u1'")
    for name in ("users_user_name_suffixes", "user_emails_suffixes"):
        assert d.conn.execute(f"SELECT count(*) FROM {name} WHERE user_pk = 1").fetchone()[0] == 0


def test_a_domain_shared_by_many_users_is_still_looked_up_by_its_tail(tmp_path):
    """With ANALYZE's statistics (one tail, every user) SQLite would rather scan all users than
    use the tail index; the lookup names it, so no table is read whole, and finds the right users."""
    d = Directory(open_db(tmp_path / "domain.db"))
    for i in range(300):
        d.add_user({"id": f"u{i}", "userName": f"person.{i:04d}@example.com"})
    d.conn.execute("ANALYZE")
    for text in ('userName co "son.0042@exam"', 'userName ew "2@example.com"', 'emails co "0042@"'):
        plan = d.plan(text, USER_TYPE)
        assert "USING INDEX users_user_name_tail" in plan, plan
        assert not [line for line in plan.splitlines() if line.startswith("SCAN")], plan
    assert d.select('userName co "son.0042@exam"') == {"u42"}
    assert d.select('userName ew "2@example.com"') == {f"u{i}" for i in range(300) if i % 10 == 2}


def test_a_display_beginning_with_u0000_is_whole(tmp_path):
    """Found by test_filter_property: json_extract stops at an escaped U+0000, so a group named
    "\\u0000#0" read as "" and its members' groups.display as absent."""
    d = Directory(open_db(tmp_path / "nul.db"))
    d.add_user({"id": "u1", "userName": "\u0000lead"})
    d.add_user({"id": "u2", "userName": "plain"})
    d.add_group({"id": "g1", "displayName": "\u0000#0"}, ["u1", "u2"])
    assert d.select("groups.display eq null") == d.expected("groups.display eq null") == set()
    for text in ("groups.display pr", 'groups.display ew "#0"'):
        assert d.select(text) == d.expected(text) == {"u1", "u2"}, text
    assert (
        d.select("members.display pr", GROUP_TYPE) == d.expected("members.display pr", GROUP_TYPE) == {"g1"}
    )
    d.conn.close()


@pytest.mark.parametrize(
    "template",
    [
        'userName eq "{}"',
        'externalId eq "{}"',
        'emails.value eq "{}"',
        'title ne "{}"',
        'name.familyName lt "{}"',
        'meta.lastModified gt "{}"',
        'meta.created eq "{}"',
        'userName sw "{}"',
        'userName co "{}"',
        'active eq "{}"',
    ],
)
def test_a_comparison_compiled_once_compiles_as_new_for_any_other_operand(template):
    """The SQL of ``path op "string"`` is remembered by its shape; for every pair of operands, what
    the second compiles to after the first is what it compiles to on its own: folded where the
    attribute is case-insensitive, canonical for a dateTime, and an error where it is one."""
    operands = ["Ann@Example.COM", "ß", "", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.0005Z"]

    def compiled(operand: str) -> object:
        try:
            return compile_filter(parse_filter(template.format(operand)), USER_TYPE)
        except ScimError as exc:
            return exc.detail

    for first in operands:
        for second in operands:
            filters_sql._SHAPES.clear()
            compiled(first)
            warm = compiled(second)
            filters_sql._SHAPES.clear()
            assert warm == compiled(second), (first, second)
