"""The SQLite schema of the reference server.

Index columns hold *folded* values (``str.casefold``) wherever the attribute is caseExact=false,
so case-insensitive equality, uniqueness and ordering use plain B-tree indexes. ``doc`` holds the
whole stored resource as JSON (core attributes at the top level, the enterprise extension under
its URN key, ``meta`` without ``location``, which depends on the base URL); group members live in
``group_members`` only, never in ``doc``. Timestamps are UTC ``YYYY-MM-DDTHH:MM:SS.fffZ`` so that
text order is time order.

Derived tables: ``row_counts`` (the rows of ``users`` and ``groups``, so an unfiltered list does
not count the table) and the *suffix indexes* behind ``co`` / ``ew`` (see :class:`SuffixIndex`).
They live in the connection's own memory (the ``temp`` schema, ``temp_store=MEMORY``), kept by
TEMP triggers on the tables. On disk, a user's suffix rows landed on pages all over the indexes:
about half the WAL frames of a user's create and a sixth of its delete, each written again when
checkpointed (issue 17). The counts are taken at every open (:data:`COUNT_FILL`, the last of
:data:`STATEMENTS`) and kept by triggers from then on. The suffix indexes are filled from the rows
before the first lookup that reads them (:data:`SUFFIX_FILL`: about 11 s at 100,000 users on the
2-core dev machine), and only then are their triggers made: a server never asked a ``co`` or
``ew`` on such an attribute (identity providers look users up with ``eq``) writes no suffix rows
at all: that was a fifth of the instructions of a user's create and over a quarter of its delete
(issue 17). Every write on the opening connection keeps them right; another connection's writes
(a SQL shell, a second server on the file) run none of its triggers, so the store fills them
again when ``PRAGMA data_version`` says the file changed under it (``SqliteStore``).

``STATEMENTS`` run in order on every open; each is idempotent. An earlier version's on-disk
derived tables and triggers are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

PRAGMAS: tuple[str, ...] = (
    # Before anything creates the file (a no-op on an existing one): a write dirties pages all
    # over the suffix indexes (below), and every dirty page goes to the WAL whole at commit, so
    # 1 KiB pages write a quarter of the bytes that 4 KiB ones do for the same rows.
    "PRAGMA page_size=1024",
    "PRAGMA journal_mode=WAL",
    # NORMAL is durable against a killed process (the WAL is in the OS page cache once written);
    # only a power loss can drop the last transactions, which a test server can afford.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # 64 MiB instead of 2: a user's suffixes (below) land on pages all over the suffix indexes,
    # and a small cache writes them out again and again within one large transaction.
    "PRAGMA cache_size=-65536",
    # Sorting and grouping spill to temporary files otherwise (profiled: about 10% of a mixed
    # workload's server CPU went to creating and deleting them).
    "PRAGMA temp_store=MEMORY",
)

SUFFIX_BYTES = 16
"""How many bytes of each suffix a suffix index keeps. Changing it needs the tables rebuilt."""
SUFFIX_MIN_BYTES = 3
"""Shorter needles are not looked up (they match too much for an index to help), so shorter
suffixes are not kept."""
SUFFIX_VALUE_BYTES = 1024
"""Values longer than this (UTF-8 bytes) get one ``UNINDEXED`` row instead of their suffixes."""
UNINDEXED = "x''"
"""The suffix (an empty BLOB, which no real suffix is) marking a value that every lookup must
check: one too long to index."""


@dataclass(frozen=True)
class SuffixIndex:
    """A B-tree of ``(suffix, key)``: the UTF-8 suffixes of every value of ``source.column``
    (the resource row's own column, or ``user_emails.value``), each cut to :data:`SUFFIX_BYTES`,
    with the ``pk`` of the resource in ``table`` that has the value.

    A value contains a needle exactly when one of its suffixes starts with it, and ends with it
    when one of them is it, so ``co`` is a range scan of this index and ``ew`` an equality
    lookup, whatever the table size (O(log n + matches)); a trigram index cannot do that, since
    the trigrams of a selective needle are each common. Bytes rather than characters: SQLite's
    text ``substr`` stops at U+0000, and a valid UTF-8 needle can only match a valid UTF-8 value
    at a character boundary, so byte suffixes find the same values.

    Lookups check every candidate exactly, so an index may hold more than its values' suffixes,
    never less; see :attr:`lazy`.
    """

    name: str
    table: str
    """The resources the index finds: ``users`` or ``groups``."""
    source: str
    column: str
    owner: str
    """The column of ``source`` holding the resource's ``pk``."""
    key: str
    """The index's column holding it."""
    equal_in: SuffixIndex | None = None
    """An index of the same resources that holds a value of this one when it equals the
    resource's value there: a user's address equal to its ``userName`` (OneLogin's default
    template sends both alike) gets no rows here, its suffixes being in the ``userName`` index
    already, and lookups read both. Such a value has its rows added here if the other value
    changes, and they stay when the user is deleted if it is equal again by then (rare, and
    harmless: every candidate is checked exactly)."""

    def kept(self, row: str) -> str:
        """A condition on the row ``row`` of ``source``: whether its value has rows in this
        index ("" when every value has)."""
        if self.equal_in is None:
            return ""
        other = self.equal_in
        return (
            f"{row}.{self.column} IS NOT "
            f"(SELECT {other.column} FROM {other.table} WHERE pk = {row}.{self.owner})"
        )

    tails: str | None = None
    """A table of ``(suffix, tail)`` holding the suffixes that start at or after a value's first
    ``@`` (an address's domain), once per distinct tail: every user of one domain has the same
    ones, so the index keeps a value's own rows only for the suffixes starting before its ``@``,
    and a lookup also reads the users whose :func:`tail` is one the table finds (through the
    expression index ``{table}_{column}_tail``). Rows of a tail no value has any more stay:
    harmless, every candidate is checked exactly. A userName like ``ann.lee@example.com`` gets 7
    rows of its own instead of 17 (and a delete drops those 7), the domain's 10 being written once."""

    @property
    def lazy(self) -> bool:
        """Whether removing a value leaves its suffixes until the resource is deleted: for a
        user's addresses, which the store deletes and inserts again on every update of the user,
        so that an update that keeps them writes nothing here."""
        return self.source != self.table


def _own(table: str, column: str, key: str, *, tails: bool = False) -> SuffixIndex:
    name = f"{table}_{column}_suffixes"
    return SuffixIndex(
        name, table, table, column, "pk", key, tails=f"{table}_{column}_tails" if tails else None
    )


def tail(value: str) -> str:
    """The SQL of the tail of ``value`` (a column or expression): its UTF-8 bytes from the first
    ``@`` on, or NULL when it has none or is too long to index. The expression of the index
    ``…_tail`` of a :attr:`SuffixIndex.tails` column, spelled the same in the lookups so that
    SQLite uses that index."""
    blob = f"CAST({value} AS BLOB)"
    return (
        f"(CASE WHEN length({blob}) <= {SUFFIX_VALUE_BYTES} AND instr({blob}, x'40') > 0 "
        f"THEN substr({blob}, instr({blob}, x'40')) END)"
    )


def tail_index(index: SuffixIndex) -> str:
    """The name of the expression index of the :func:`tail` of ``index``'s column."""
    return f"{index.table}_{index.column}_tail"


USER_NAME_SUFFIXES = _own("users", "user_name", "user_pk", tails=True)
USER_EXTERNAL_ID_SUFFIXES = _own("users", "external_id", "user_pk")
EMAIL_SUFFIXES = SuffixIndex(
    "user_emails_suffixes", "users", "user_emails", "value", "user_pk", "user_pk", USER_NAME_SUFFIXES
)
GROUP_DISPLAY_NAME_SUFFIXES = _own("groups", "display_name", "group_pk")
GROUP_EXTERNAL_ID_SUFFIXES = _own("groups", "external_id", "group_pk")
SUFFIX_INDEXES = (
    USER_NAME_SUFFIXES,
    USER_EXTERNAL_ID_SUFFIXES,
    EMAIL_SUFFIXES,
    GROUP_DISPLAY_NAME_SUFFIXES,
    GROUP_EXTERNAL_ID_SUFFIXES,
)


def _starts(blob: str, before_at: bool = False) -> str:
    """The ``suffix_starts`` rows (``n``) where a kept suffix of ``blob`` starts: every character
    boundary (no UTF-8 continuation byte, which no needle starts with) at least
    :data:`SUFFIX_MIN_BYTES` from the end, of a value short enough to index; with ``before_at``,
    only those before its first ``@`` (the others are in the index's :attr:`SuffixIndex.tails`)."""
    before = f" AND (instr({blob}, x'40') = 0 OR n < instr({blob}, x'40'))" if before_at else ""
    return (
        f"n <= length({blob}) - {SUFFIX_MIN_BYTES - 1} AND length({blob}) <= {SUFFIX_VALUE_BYTES} "
        f"AND substr({blob}, n, 1) NOT BETWEEN x'80' AND x'bf'{before}"
    )


def _suffix_rows(
    value: str, owner: str, source: str = "", where: str = "", *, before_at: bool = False
) -> str:
    """A SELECT of the ``(suffix, key)`` rows of ``value`` (for each row of ``source``, if
    given): one per start, or the ``UNINDEXED`` marker for a value too long to index."""
    blob = f"CAST({value} AS BLOB)"
    joined = f"{source}, suffix_starts" if source else "suffix_starts"
    alone = f" FROM {source}" if source else ""
    also = f"{where} AND " if where else ""
    starts = _starts(blob, before_at)
    return (
        f"SELECT substr({blob}, n, {SUFFIX_BYTES}), {owner} FROM {joined} WHERE {also}{starts} "
        f"UNION ALL SELECT {UNINDEXED}, {owner}{alone} WHERE {also}length({blob}) > {SUFFIX_VALUE_BYTES}"
    )


def _tail_rows(value: str, source: str = "") -> str:
    """A SELECT of the ``(suffix, tail)`` rows of the tail of ``value`` (of each row of
    ``source``, if given): every kept suffix of the tail, with the tail."""
    tails = f"(SELECT {tail(value)} AS t{' FROM ' + source if source else ''})"
    return (
        f"SELECT substr(x.t, n, {SUFFIX_BYTES}), x.t FROM {tails} AS x, suffix_starts "
        f"WHERE x.t IS NOT NULL AND {_starts('x.t')}"
    )


def _new_tail(index: SuffixIndex, value: str) -> str:
    """A condition: ``value`` has a tail the table lacks. Its rows are written together, so its
    first one tells: one lookup, where inserting them all again would be one a suffix."""
    t = tail(value)
    return (
        f"{t} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {index.tails} "
        f"WHERE suffix = substr({t}, 1, {SUFFIX_BYTES}) AND tail = {t})"
    )


def _drop_suffixes(
    index: SuffixIndex, pk: str, value: str, source: str = "", where: str = "", *, before_at: bool = False
) -> str:
    """Delete the rows of ``value`` (of each row of ``source``, if given): the suffixes are
    computed again, so the deletes are point deletes and no index on the key is needed."""
    blob = f"CAST({value} AS BLOB)"
    joined = f"{source}, suffix_starts" if source else "suffix_starts"
    also = f"{where} AND " if where else ""
    return (
        f"DELETE FROM {index.name} WHERE {index.key} = {pk} AND suffix IN ("
        f"SELECT substr({blob}, n, {SUFFIX_BYTES}) FROM {joined} WHERE {also}{_starts(blob, before_at)} "
        f"UNION ALL SELECT {UNINDEXED})"
    )


def _trigger(name: str, event: str, *body: str, when: str = "") -> tuple[str, ...]:
    """A TEMP trigger (the derived tables it keeps are the connection's own, see the module
    docstring), made again if it is there already."""
    condition = f"\n    WHEN {when}" if when else ""
    statements = "".join(f"\n        {statement};" for statement in body)
    return (
        f"DROP TRIGGER IF EXISTS temp.{name}",
        f"CREATE TEMP TRIGGER {name} {event}{condition} BEGIN{statements}\n    END",
    )


def _trigger_names(statements: Sequence[str]) -> tuple[str, ...]:
    return tuple(s.split()[3] for s in statements if s.startswith("CREATE TEMP TRIGGER "))


def _suffix_table(name: str, key: str) -> tuple[str, ...]:
    return (
        f"DROP TABLE IF EXISTS main.{name}",  # an earlier version kept it on disk
        f"""CREATE TABLE IF NOT EXISTS temp.{name} (
        suffix BLOB NOT NULL,
        {key} {"BLOB" if key == "tail" else "INTEGER"} NOT NULL,
        PRIMARY KEY (suffix, {key})
    ) WITHOUT ROWID""",
    )


def _suffix_tables(index: SuffixIndex) -> tuple[str, ...]:
    """The index's tables (empty until :data:`SUFFIX_FILL`) and its tails' expression index."""
    if index.tails is None:
        return _suffix_table(index.name, index.key)
    return (
        *_suffix_table(index.name, index.key),
        *_suffix_table(index.tails, "tail"),
        f"CREATE INDEX IF NOT EXISTS {tail_index(index)} ON {index.table}({tail(index.column)})",
    )


def _suffix_triggers(index: SuffixIndex) -> tuple[str, ...]:
    """The triggers keeping the index (and its tails) right on every write, once filled."""
    name, column, owner, source, key = index.name, index.column, index.owner, index.source, index.key
    split = index.tails is not None
    insert = f"INSERT OR IGNORE INTO {name} (suffix, {key})"
    add_new = f"{insert} {_suffix_rows(f'new.{column}', f'new.{owner}', before_at=split)}"
    tails: tuple[str, ...] = ()
    if index.tails is not None:
        add_tail = f"INSERT OR IGNORE INTO {index.tails} (suffix, tail) {_tail_rows(f'new.{column}')}"
        tails = (
            # Triggers of their own, so that the check runs once (WHEN), before any row is added.
            *_trigger(
                f"{index.tails}_insert",
                f"AFTER INSERT ON {source}",
                add_tail,
                when=_new_tail(index, f"new.{column}"),
            ),
            *_trigger(
                f"{index.tails}_update",
                f"AFTER UPDATE OF {column} ON {source}",
                add_tail,
                when=f"old.{column} IS NOT new.{column} AND {_new_tail(index, f'new.{column}')}",
            ),
        )
    on_update = f"AFTER UPDATE OF {owner}, {column} ON {source}"
    changed = f"old.{owner} IS NOT new.{owner} OR old.{column} IS NOT new.{column}"
    kept = index.kept("new")
    moved: tuple[str, ...] = ()
    if index.lazy:
        # Before the user goes, while the addresses are still there to say which rows are theirs.
        mine = f"e.{owner} = old.pk" + (f" AND {index.kept('e')}" if index.equal_in is not None else "")
        drop_all = _drop_suffixes(index, "old.pk", f"e.{column}", f"{source} AS e", mine)
        updated = _trigger(
            f"{name}_update", on_update, add_new, when=f"({changed}) AND {kept}" if kept else changed
        )
        deleted = _trigger(f"{name}_delete", f"BEFORE DELETE ON {index.table}", drop_all)
    else:
        drop_old = _drop_suffixes(index, f"old.{owner}", f"old.{column}", before_at=split)
        updated = _trigger(f"{name}_update", on_update, drop_old, add_new, when=changed)
        deleted = _trigger(f"{name}_delete", f"AFTER DELETE ON {source}", drop_old)
    if index.equal_in is not None:
        # The other value changes: an address equal to its old value now needs rows of its own.
        other = index.equal_in
        rows = _suffix_rows(f"old.{other.column}", "new.pk")
        moved = _trigger(
            f"{name}_moved",
            f"AFTER UPDATE OF {other.column} ON {other.table}",
            f"{insert} {rows}",
            when=f"old.{other.column} IS NOT new.{other.column} AND EXISTS (SELECT 1 FROM {source} "
            f"WHERE {owner} = new.pk AND {column} = old.{other.column})",
        )
    return (
        *tails,
        *_trigger(f"{name}_insert", f"AFTER INSERT ON {source}", add_new, when=kept),
        *updated,
        *deleted,
        *moved,
    )


def _suffix_fill(index: SuffixIndex) -> tuple[str, ...]:
    """Fill ``index`` (and its tails) from the rows, sorted: inserting in key order is the
    quickest way to build a B-tree."""
    split = index.tails is not None
    rows = _suffix_rows(
        f"s.{index.column}", f"s.{index.owner}", f"{index.source} AS s", index.kept("s"), before_at=split
    )
    fill = (
        f"DELETE FROM {index.name}",
        f"INSERT OR IGNORE INTO {index.name} (suffix, {index.key}) SELECT * FROM ({rows}) ORDER BY 1, 2",
    )
    if index.tails is None:
        return fill
    tails = _tail_rows(f"s.{index.column}", f"{index.source} AS s")
    return (
        *fill,
        f"DELETE FROM {index.tails}",
        f"INSERT OR IGNORE INTO {index.tails} (suffix, tail) SELECT * FROM ({tails}) ORDER BY 1, 2",
    )


def _count_statements(table: str) -> tuple[str, ...]:
    count = f"UPDATE row_counts SET n = n {{}} 1 WHERE name = '{table}'"
    return (
        *_trigger(f"{table}_count_insert", f"AFTER INSERT ON {table}", count.format("+")),
        *_trigger(f"{table}_count_delete", f"AFTER DELETE ON {table}", count.format("-")),
    )


SUFFIX_TRIGGERS: tuple[str, ...] = tuple(
    statement for index in SUFFIX_INDEXES for statement in _suffix_triggers(index)
)
"""Make the triggers that keep the suffix indexes (idempotent): the first statements of
:data:`SUFFIX_FILL`, so a connection that never reads a suffix index never pays for one."""
SUFFIX_TRIGGER_NAMES: frozenset[str] = frozenset(_trigger_names(SUFFIX_TRIGGERS))


def _derived_statements() -> tuple[str, ...]:
    counts = (*_count_statements("users"), *_count_statements("groups"))
    return (
        # Where an earlier version kept the derived tables and the record of their first fill.
        "DROP TABLE IF EXISTS main.row_counts",
        "DROP TABLE IF EXISTS main.derived_tables",
        # An earlier version's on-disk triggers: they would write pages nobody reads.
        *(f"DROP TRIGGER IF EXISTS main.{name}" for name in _trigger_names((*counts, *SUFFIX_TRIGGERS))),
        "CREATE TABLE IF NOT EXISTS temp.row_counts "
        "(name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
        *counts,
        "CREATE TABLE IF NOT EXISTS suffix_starts (n INTEGER PRIMARY KEY)",
        f"WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {SUFFIX_VALUE_BYTES}) "
        f"INSERT INTO suffix_starts (n) SELECT n FROM k "
        f"WHERE NOT EXISTS (SELECT 1 FROM suffix_starts WHERE n = {SUFFIX_VALUE_BYTES})",
        *(statement for index in SUFFIX_INDEXES for statement in _suffix_tables(index)),
    )


SUFFIX_TABLES: tuple[str, ...] = (
    *(index.name for index in SUFFIX_INDEXES),
    *(index.tails for index in SUFFIX_INDEXES if index.tails is not None),
)


_SUFFIX_TABLE = re.compile("|".join(re.escape(name) for name in SUFFIX_TABLES))


def reads_suffixes(sql: str) -> bool:
    """Whether ``sql`` (a compiled filter) reads a suffix index."""
    return _SUFFIX_TABLE.search(sql) is not None


COUNT_FILL: tuple[str, ...] = (
    "DELETE FROM row_counts",
    "INSERT INTO row_counts (name, n) "
    "SELECT 'users', count(*) FROM users UNION ALL SELECT 'groups', count(*) FROM groups",
)
"""Count the rows: at every open (the last of :data:`STATEMENTS`), and again whenever another
connection changed the file (``SqliteStore``)."""

SUFFIX_FILL: tuple[str, ...] = (
    *SUFFIX_TRIGGERS,
    *(statement for index in SUFFIX_INDEXES for statement in _suffix_fill(index)),
)
"""Fill the suffix indexes from the rows, and from then on keep them by triggers: before the
first lookup that reads them after an open, and again after another connection changed the file
(``SqliteStore``)."""


STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS users (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        user_name TEXT NOT NULL,
        external_id TEXT,
        display_name TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS users_user_name ON users(user_name)",
    "CREATE INDEX IF NOT EXISTS users_external_id ON users(external_id)",
    "CREATE INDEX IF NOT EXISTS users_display_name ON users(display_name)",
    "CREATE INDEX IF NOT EXISTS users_created ON users(created)",
    "CREATE INDEX IF NOT EXISTS users_last_modified ON users(last_modified)",
    """CREATE TABLE IF NOT EXISTS user_emails (
        user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
        value TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS user_emails_value ON user_emails(value)",
    "CREATE INDEX IF NOT EXISTS user_emails_user ON user_emails(user_pk)",
    """CREATE TABLE IF NOT EXISTS groups (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        external_id TEXT,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS groups_display_name ON groups(display_name)",
    "CREATE INDEX IF NOT EXISTS groups_external_id ON groups(external_id)",
    "CREATE INDEX IF NOT EXISTS groups_created ON groups(created)",
    "CREATE INDEX IF NOT EXISTS groups_last_modified ON groups(last_modified)",
    """CREATE TABLE IF NOT EXISTS group_members (
        group_pk INTEGER NOT NULL REFERENCES groups(pk) ON DELETE CASCADE,
        user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
        PRIMARY KEY (group_pk, user_pk)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS group_members_user ON group_members(user_pk, group_pk)",
    # The display a client gave a member when it added it: RFC 7643 §4.2 makes the sub-attributes
    # of members "immutable", so it is kept as given. A member without one shows the user's
    # displayName (or userName). A table of its own, holding rows only for members that have one,
    # so a database made before it needs no rewrite and a bare ``{"value": id}`` costs nothing.
    """CREATE TABLE IF NOT EXISTS member_display (
        group_pk INTEGER NOT NULL,
        user_pk INTEGER NOT NULL,
        display TEXT NOT NULL,
        PRIMARY KEY (group_pk, user_pk),
        FOREIGN KEY (group_pk, user_pk) REFERENCES group_members(group_pk, user_pk) ON DELETE CASCADE
    ) WITHOUT ROWID""",
    # Where the FTS5 trigram indexes were: replaced by the suffix indexes below.
    *(
        f"DROP TRIGGER IF EXISTS {t}_trigram_{e}"
        for t in ("users_user_name", "user_emails")
        for e in ("insert", "update", "delete")
    ),
    "DROP TABLE IF EXISTS users_user_name_trigram",
    "DROP TABLE IF EXISTS user_emails_trigram",
    *_derived_statements(),
    # The app-side domain (storage/records.py): shared accounts, access grants, password
    # rotations, in the same database as the resources so that a deprovisioning and its effects
    # commit in one transaction.
    """CREATE TABLE IF NOT EXISTS accounts (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        privileged INTEGER NOT NULL,
        credential_version INTEGER NOT NULL DEFAULT 1,
        secret_hash TEXT NOT NULL,
        created TEXT NOT NULL
    )""",
    # A grant reaches an account from exactly one user or one group.
    """CREATE TABLE IF NOT EXISTS grants (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account_pk INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
        group_id TEXT REFERENCES groups(id) ON DELETE CASCADE,
        created TEXT NOT NULL,
        CHECK ((user_id IS NULL) != (group_id IS NULL))
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS grants_account_user ON grants(account_pk, user_id) "
    "WHERE user_id IS NOT NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS grants_account_group ON grants(account_pk, group_id) "
    "WHERE group_id IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS grants_user ON grants(user_id)",
    "CREATE INDEX IF NOT EXISTS grants_group ON grants(group_id)",
    """CREATE TABLE IF NOT EXISTS rotations (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account_pk INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
        reason TEXT NOT NULL CHECK (reason IN ('user_suspended', 'user_deleted', 'removed_from_group')),
        triggered_by TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'completed')),
        created TEXT NOT NULL,
        completed TEXT
    )""",
    # At most one pending rotation per account: a second trigger while one waits adds nothing.
    "CREATE UNIQUE INDEX IF NOT EXISTS rotations_one_pending ON rotations(account_pk) "
    "WHERE status = 'pending'",
    "CREATE INDEX IF NOT EXISTS rotations_account ON rotations(account_pk, pk)",
    "CREATE INDEX IF NOT EXISTS rotations_due ON rotations(created) WHERE status = 'pending'",
    # Users deleted through SCIM, so the observer can still answer "which grants does X have?" (none).
    """CREATE TABLE IF NOT EXISTS deleted_users (
        id TEXT PRIMARY KEY,
        deleted TEXT NOT NULL
    ) WITHOUT ROWID""",
    *COUNT_FILL,
)
