"""SQLite implementation of the storage contract: one connection, WAL, one transaction per call.

The SCIM resources are here; the domain's records in :mod:`reference_server.storage.sqlite_records`.

The server runs every transaction to completion on the event loop without awaiting inside it,
so a single connection serialises writers without locks, and a read never sees half a write.
Inside a write group (:meth:`SqliteStore.grouped`) each transaction is a savepoint of the
group's one SQLite transaction: all or nothing on its own, durable when the group commits.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Literal

import msgspec

from reference_server.casefold import fold
from reference_server.filters import compile_filter, compile_sort, register_functions
from reference_server.storage import ddl
from reference_server.storage.base import (
    Doc,
    Kind,
    Query,
    UniquenessConflict,
    UnknownMember,
    iter_member_ids,
    member_displays,
)
from reference_server.storage.checkpoint import INTERVAL as CHECKPOINT_INTERVAL
from reference_server.storage.checkpoint import Checkpointer
from reference_server.storage.sqlite_records import SqliteRecords
from schemas import GROUP_TYPE, USER_TYPE

log = logging.getLogger("reference_server.storage")

_TABLE: dict[Kind, str] = {"User": "users", "Group": "groups"}
_RTYPE = {"User": USER_TYPE, "Group": GROUP_TYPE}


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


def _dumps(doc: Doc) -> str:
    """Compact JSON, UTF-8 rather than ``\\u`` escapes (as ``json.dumps(ensure_ascii=False)``),
    by msgspec: several times faster than the stdlib, and the same text."""
    return _encode(doc).decode()


def _version(doc: Doc) -> int:
    """The integer counter behind ``meta.version`` (``W/"<n>"``)."""
    return int(str(doc["meta"]["version"]).removeprefix("W/").strip('"'))


def _folded(value: Any) -> str | None:
    return fold(value) if isinstance(value, str) else None


_USER_GROUPS = (
    "SELECT m.user_pk, g.id, json_extract(g.doc, '$.displayName') FROM group_members m "
    "JOIN groups g ON g.pk = m.group_pk WHERE m.user_pk IN ({}) ORDER BY g.pk"
)
"""The groups of the users whose ``pk`` is in the list, in group order."""
_USER_GROUPS_OF_ONE = _USER_GROUPS.format("?")
_IN_A_GROUP = {
    "User": ", EXISTS (SELECT 1 FROM group_members WHERE group_members.user_pk = r.pk)",
    "Group": "",
}
"""A third column for user rows: whether the user is in any group (an index probe), so that the
groups of a user in none (most users, in OneLogin's user-only lifecycle) cost no query."""


class SqliteTransaction(SqliteRecords):
    """A transaction on the store's connection (see :class:`reference_server.storage.base.Transaction`)."""

    def __init__(self, conn: sqlite3.Connection, derived: DerivedTables | None = None) -> None:
        self.conn = conn
        self._derived = derived

    # -- reads -----------------------------------------------------------------------------------

    def get(self, kind: Kind, resource_id: str) -> Doc | None:
        row = self.conn.execute(
            f"SELECT r.pk, r.doc{_IN_A_GROUP[kind]} FROM {_TABLE[kind]} AS r WHERE r.id = ?",
            (resource_id,),
        ).fetchone()
        if row is None:
            return None
        return self._hydrate(kind, [row], members=True)[0]

    def search(self, kind: Kind, query: Query) -> tuple[int, list[Doc]]:
        table = _TABLE[kind]
        unknown: Literal["error", "unassigned"] = "unassigned" if query.lenient else "error"
        where, params = (
            ("1", []) if query.filter is None else compile_filter(query.filter, _RTYPE[kind], unknown=unknown)
        )
        if self._derived is not None:
            if query.filter is None:
                self._derived.check(suffixes=False)
            elif ddl.reads_suffixes(where):
                self._derived.check(suffixes=True)
        order = "r.pk"
        if query.sort_by is not None:
            direction = "DESC" if query.descending else "ASC"
            order = f"{compile_sort(query.sort_by, _RTYPE[kind])} {direction}, r.pk {direction}"
        columns = f"r.pk, r.doc{_IN_A_GROUP[kind]}"
        page = f"SELECT {columns} FROM {table} AS r WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        rows: list[tuple[Any, ...]] | None = None
        if query.filter is not None and query.count > 0 and query.start_index == 1:
            # A first page that is not full holds every match, so it is the count too: a lookup
            # (userName eq, externalId eq) costs one query instead of two.
            rows = self.conn.execute(page, [*params, query.count, 0]).fetchall()
            if len(rows) < query.count:
                return len(rows), self._hydrate(kind, rows, members=query.members)
        if query.filter is None:
            # Kept by triggers (storage/ddl.py): counting the whole table grows with it.
            total = self.conn.execute("SELECT n FROM row_counts WHERE name = ?", (table,)).fetchone()[0]
        else:
            total = self.conn.execute(
                f"SELECT count(*) FROM {table} AS r WHERE {where}",
                params,
            ).fetchone()[0]
        if query.count <= 0 or total < query.start_index:
            return total, []
        if rows is None:
            rows = self.conn.execute(page, [*params, query.count, query.start_index - 1]).fetchall()
        return total, self._hydrate(kind, rows, members=query.members)

    def group_ids_of(self, user_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT g.id FROM users u JOIN group_members m ON m.user_pk = u.pk "
            "JOIN groups g ON g.pk = m.group_pk WHERE u.id = ? ORDER BY g.pk",
            (user_id,),
        ).fetchall()
        return [r[0] for r in rows]

    def missing_users(self, user_ids: Sequence[str]) -> list[str]:
        found = self._user_pks(user_ids)
        return [u for u in dict.fromkeys(user_ids) if u not in found]

    def _user_pks(self, user_ids: Sequence[str]) -> dict[str, int]:
        """The row keys of the users with these ids (absent ids are left out), 500 per query."""
        wanted = list(dict.fromkeys(user_ids))
        pks: dict[str, int] = {}
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            pks.update(self.conn.execute(f"SELECT id, pk FROM users WHERE id IN ({marks})", part))
        return pks

    def leave_all_groups(self, user_id: str, now: str) -> list[str]:
        rows = self.conn.execute(
            "DELETE FROM group_members WHERE user_pk = (SELECT pk FROM users WHERE id = ?) "
            "RETURNING group_pk",
            (user_id,),
        ).fetchall()
        group_pks = sorted(r[0] for r in rows)
        if not group_pks:
            return []
        return self._touch_groups(group_pks, now)

    def _touch_groups(self, group_pks: Sequence[int], now: str) -> list[str]:
        """The groups' membership changed, so their version and lastModified do too."""
        marks = ",".join("?" * len(group_pks))
        changed = self.conn.execute(
            "UPDATE groups SET version = version + 1, last_modified = ?1, "
            "doc = json_set(doc, '$.meta.version', 'W/\"' || (version + 1) || '\"', "
            f"'$.meta.lastModified', ?1) WHERE pk IN ({marks}) RETURNING id",
            [now, *group_pks],
        ).fetchall()
        return sorted(r[0] for r in changed)

    def version(self, kind: Kind, resource_id: str) -> int | None:
        row = self.conn.execute(f"SELECT version FROM {_TABLE[kind]} WHERE id = ?", (resource_id,)).fetchone()
        return None if row is None else int(row[0])

    def change_members(
        self,
        group_id: str,
        add: Sequence[str],
        remove: Sequence[str],
        now: str,
        displays: Mapping[str, str] | None = None,
    ) -> tuple[list[str], list[str]]:
        group = self.conn.execute("SELECT pk FROM groups WHERE id = ?", (group_id,)).fetchone()
        if group is None:
            return [], []
        pks = self._user_pks([*add, *remove])
        missing = [m for m in add if m not in pks]
        if missing:
            raise UnknownMember(missing[0])
        present: set[int] = set()
        known = list(pks.values())
        for chunk in range(0, len(known), 500):
            user_pks = known[chunk : chunk + 500]
            marks = ",".join("?" * len(user_pks))
            present.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT user_pk FROM group_members WHERE group_pk = ? AND user_pk IN ({marks})",
                    [group[0], *user_pks],
                )
            )
        added = [m for m in dict.fromkeys(add) if pks[m] not in present]
        removed = [m for m in dict.fromkeys(remove) if m in pks and pks[m] in present]
        self.conn.executemany(
            "INSERT INTO group_members (group_pk, user_pk) VALUES (?, ?)", [(group[0], pks[m]) for m in added]
        )
        self._write_displays(group[0], {pks[m]: displays[m] for m in added if displays and m in displays})
        self.conn.executemany(
            "DELETE FROM group_members WHERE group_pk = ? AND user_pk = ?",
            [(group[0], pks[m]) for m in removed],
        )
        if added or removed:
            self._touch_groups([group[0]], now)
        return added, removed

    def _hydrate(self, kind: Kind, rows: Sequence[tuple[Any, ...]], *, members: bool) -> list[Doc]:
        """Decode documents and attach the derived ``groups`` / ``members`` in one query per page.

        User rows are ``(pk, doc, in_a_group)`` (:data:`_IN_A_GROUP`): only the users in a group
        are looked up in ``group_members``."""
        if kind == "User" and len(rows) == 1:
            # One user (what every PUT, PATCH and DELETE reads first, and a lookup finds): the
            # same, without the bookkeeping for a page of them.
            pk, text, in_a_group = rows[0]
            user: Doc = _decode(text)
            user.pop("groups", None)
            if in_a_group:
                user["groups"] = [
                    {"value": group_id, "display": display, "type": "direct"}
                    for _, group_id, display in self.conn.execute(_USER_GROUPS_OF_ONE, (pk,))
                ]
            return [user]
        docs = {row[0]: _decode(row[1]) for row in rows}
        if not docs:
            return []
        pks = list(docs)
        if kind == "User":
            for doc in docs.values():
                doc.pop("groups", None)
            grouped = [row[0] for row in rows if row[2]]
            marks = ",".join("?" * len(grouped))
            related = self.conn.execute(_USER_GROUPS.format(marks), grouped) if grouped else ()
            for user_pk, group_id, display in related:
                docs[user_pk].setdefault("groups", []).append(
                    {"value": group_id, "display": display, "type": "direct"}
                )
        elif members:
            marks = ",".join("?" * len(pks))
            related = self.conn.execute(
                "SELECT m.group_pk, u.id, coalesce(d.display, json_extract(u.doc, '$.displayName'), "
                "json_extract(u.doc, '$.userName')) FROM group_members m "
                "JOIN users u ON u.pk = m.user_pk "
                "LEFT JOIN member_display d ON d.group_pk = m.group_pk AND d.user_pk = m.user_pk "
                f"WHERE m.group_pk IN ({marks}) ORDER BY u.pk",
                pks,
            )
            for group_pk, user_id, display in related:
                docs[group_pk].setdefault("members", []).append(
                    {"value": user_id, "display": display, "type": "User"}
                )
        return [docs[pk] for pk in pks]

    # -- writes ----------------------------------------------------------------------------------

    def insert(self, kind: Kind, doc: Doc) -> None:
        stored = {k: v for k, v in doc.items() if k not in ("members", "groups")}
        meta = doc["meta"]
        try:
            if kind == "User":
                cur = self.conn.execute(
                    "INSERT INTO users (id, user_name, external_id, display_name, active, created, "
                    "last_modified, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc["id"],
                        fold(doc["userName"]),
                        doc.get("externalId"),
                        _folded(doc.get("displayName")),
                        0 if doc.get("active") is False else 1,
                        meta["created"],
                        meta["lastModified"],
                        _version(doc),
                        _dumps(stored),
                    ),
                )
                self._write_emails(int(cur.lastrowid or 0), doc)
            else:
                cur = self.conn.execute(
                    "INSERT INTO groups (id, display_name, external_id, created, last_modified, version, doc)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc["id"],
                        fold(doc["displayName"]),
                        doc.get("externalId"),
                        meta["created"],
                        meta["lastModified"],
                        _version(doc),
                        _dumps(stored),
                    ),
                )
                self._write_members(
                    int(cur.lastrowid or 0), list(iter_member_ids(doc)), member_displays(doc), replace=False
                )
        except sqlite3.IntegrityError as exc:
            raise self._conflict(kind, exc) from exc

    def update(self, kind: Kind, doc: Doc) -> None:
        stored = {k: v for k, v in doc.items() if k not in ("members", "groups")}
        meta = doc["meta"]
        try:
            if kind == "User":
                user_name, external_id = fold(doc["userName"]), doc.get("externalId")
                display_name, active = _folded(doc.get("displayName")), 0 if doc.get("active") is False else 1
                text = _dumps(stored)
                # Most updates keep the indexed names: then only the columns that change are set,
                # so SQLite leaves the names' indexes (and the userName triggers) alone, and the
                # commit writes fewer pages. Otherwise (no row matched) the whole row is set.
                row = self.conn.execute(
                    "UPDATE users SET active = ?, last_modified = ?, version = ?, doc = ? "
                    "WHERE id = ? AND user_name = ? AND external_id IS ? AND display_name IS ? RETURNING pk",
                    (
                        active,
                        meta["lastModified"],
                        _version(doc),
                        text,
                        doc["id"],
                        user_name,
                        external_id,
                        display_name,
                    ),
                ).fetchone()
                if row is None:
                    row = self.conn.execute(
                        "UPDATE users SET user_name = ?, external_id = ?, display_name = ?, active = ?, "
                        "last_modified = ?, version = ?, doc = ? WHERE id = ? RETURNING pk",
                        (
                            user_name,
                            external_id,
                            display_name,
                            active,
                            meta["lastModified"],
                            _version(doc),
                            text,
                            doc["id"],
                        ),
                    ).fetchone()
                if row is not None:
                    self._rewrite_emails(row[0], doc)
            else:
                row = self.conn.execute(
                    "UPDATE groups SET display_name = ?, external_id = ?, last_modified = ?, version = ?, "
                    "doc = ? WHERE id = ? RETURNING pk",
                    (
                        fold(doc["displayName"]),
                        doc.get("externalId"),
                        meta["lastModified"],
                        _version(doc),
                        _dumps(stored),
                        doc["id"],
                    ),
                ).fetchone()
                if row is not None:
                    self._write_members(
                        row[0], list(iter_member_ids(doc)), member_displays(doc), replace=True
                    )
        except sqlite3.IntegrityError as exc:
            raise self._conflict(kind, exc) from exc

    def delete(self, kind: Kind, resource_id: str) -> bool:
        cur = self.conn.execute(f"DELETE FROM {_TABLE[kind]} WHERE id = ?", (resource_id,))
        return cur.rowcount > 0

    @staticmethod
    def _email_values(doc: Doc) -> list[str]:
        """The folded, distinct ``emails.value``s of a User, sorted (the rows of ``user_emails``)."""
        return sorted(
            {
                fold(e["value"])
                for e in doc.get("emails") or ()
                if isinstance(e, dict) and isinstance(e.get("value"), str)
            }
        )

    def _write_emails(self, user_pk: int, doc: Doc) -> None:
        self.conn.executemany(
            "INSERT INTO user_emails (user_pk, value) VALUES (?, ?)",
            [(user_pk, v) for v in self._email_values(doc)],
        )

    def _rewrite_emails(self, user_pk: int, doc: Doc) -> None:
        """Replace the user's ``user_emails`` rows, unless they hold the same addresses already:
        most updates (OneLogin's attribute sync, a suspension) keep them, and rewriting them
        would touch two indexes and the suffix index for nothing."""
        wanted = self._email_values(doc)
        current = self.conn.execute(
            "SELECT value FROM user_emails WHERE user_pk = ? ORDER BY value", (user_pk,)
        ).fetchall()
        if [r[0] for r in current] == wanted:
            return
        self.conn.execute("DELETE FROM user_emails WHERE user_pk = ?", (user_pk,))
        self._write_emails(user_pk, doc)

    def _write_members(
        self, group_pk: int, member_ids: list[str], displays: Mapping[str, str], *, replace: bool
    ) -> None:
        wanted = list(dict.fromkeys(member_ids))
        pks = self._user_pks(wanted)
        missing = [m for m in wanted if m not in pks]
        if missing:
            raise UnknownMember(missing[0])
        if replace:
            current = {
                r[0]
                for r in self.conn.execute(
                    "SELECT user_pk FROM group_members WHERE group_pk = ?", (group_pk,)
                )
            }
            target = set(pks.values())
            gone = current - target
            self.conn.executemany(
                "DELETE FROM group_members WHERE group_pk = ? AND user_pk = ?", [(group_pk, u) for u in gone]
            )
            new = [u for u in pks.values() if u not in current]
        else:
            new = list(pks.values())
        self.conn.executemany(
            "INSERT INTO group_members (group_pk, user_pk) VALUES (?, ?)", [(group_pk, u) for u in new]
        )
        joined = set(new)
        self._write_displays(
            group_pk, {pks[m]: d for m, d in displays.items() if m in pks and pks[m] in joined}
        )

    def _write_displays(self, group_pk: int, displays: Mapping[int, str]) -> None:
        """The displays given to members that just joined (user row key → display)."""
        self.conn.executemany(
            "INSERT INTO member_display (group_pk, user_pk, display) VALUES (?, ?, ?)",
            [(group_pk, user_pk, display) for user_pk, display in displays.items()],
        )

    @staticmethod
    def _conflict(kind: Kind, exc: sqlite3.IntegrityError) -> Exception:
        text = str(exc)
        if "user_name" in text:
            return UniquenessConflict(kind, "userName")
        if "display_name" in text:
            return UniquenessConflict(kind, "displayName")
        if ".id" in text:
            return UniquenessConflict(kind, "id")
        return exc


class DerivedTables:
    """The connection's derived tables (``storage/ddl.py``: row counts and suffix indexes, in its
    memory). The suffix indexes are filled (and their triggers made) before their first read, and
    both again after another connection changed the file, since its writes ran none of this
    connection's triggers. ``PRAGMA data_version`` tells; this connection's own commits and the
    checkpointer's PASSIVE passes leave it as it is."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.version = self._version()
        self.suffixes_filled = False
        """Whether the suffix indexes are filled and kept by their triggers."""
        self.suffix_fills = 0
        """Fills of the suffix indexes since the open (for the tests)."""
        self.uncommitted = False
        """A fill ran in the transaction under way: a rollback undoes it (:meth:`rolled_back`)."""
        self.checked = False
        """``PRAGMA data_version`` was read in the transaction under way."""

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def check(self, *, suffixes: bool) -> None:
        """Within a transaction, before the counts (and with ``suffixes`` the suffix indexes) are
        read: make them right if the file changed or the suffix indexes were never filled."""
        if not self.checked:
            # Once a transaction: in a write one no other connection can commit, and a read one
            # sees its snapshot whatever they do (a write group's lookups ask once, not each).
            version = self._version()
            if version != self.version:
                self._run(ddl.COUNT_FILL)
                self.suffixes_filled = False
                self.version = version
                self.uncommitted = True
            self.checked = True
        if suffixes and not self.suffixes_filled:
            started = time.perf_counter()
            self._run(ddl.SUFFIX_FILL)
            self.suffixes_filled = True
            self.uncommitted = True
            self.suffix_fills += 1
            seconds = time.perf_counter() - started
            if seconds >= 1:
                log.info("filled the co/ew lookup indexes from the database in %.1f s", seconds)

    def committed(self) -> None:
        self.uncommitted = self.checked = False

    def rolled_back(self) -> None:
        """The transaction's fills are undone with it: the next read makes them again."""
        self.checked = False
        if self.uncommitted:
            self.version = -1
            self.suffixes_filled = False
            self.uncommitted = False

    def _run(self, statements: Sequence[str]) -> None:
        for statement in statements:
            self.conn.execute(statement)


class WriteGroup:
    """Transactions committed together (:meth:`SqliteStore.grouped`)."""

    __slots__ = ("committed", "members")

    def __init__(self, *, committed: bool = False) -> None:
        self.committed = committed
        """Whether the group's writes are committed: False until :meth:`SqliteStore.end_group`,
        and after it if the commit failed."""
        self.members = 0
        """Transactions run in the group (for the log and the tests)."""


class _Transaction:
    """The block of :meth:`SqliteStore.read` / :meth:`SqliteStore.write`: a transaction of its own
    (committed at the end, rolled back on any exception), or, inside :meth:`SqliteStore.grouped`,
    a member of the open write group (a write is a savepoint of it, see
    :meth:`SqliteStore._member_ended`). Outside a ``grouped`` block, the open group commits first,
    so that nothing answered elsewhere depends on uncommitted data.

    A class, not a generator context manager: every request runs one or two, and contextlib's
    generator machinery was 17% of a lookup's app time in a profile.
    """

    __slots__ = ("_begin", "_group", "_savepoint", "_store")

    def __init__(self, store: SqliteStore, begin: str) -> None:
        self._store = store
        self._begin = begin
        self._group: WriteGroup | None = None
        self._savepoint = False

    def __enter__(self) -> SqliteTransaction:
        store = self._store
        group = store._group
        if group is not None:
            if store._in_group:
                group.members += 1
                if self._begin != "BEGIN":
                    store.conn.execute("SAVEPOINT member")
                    self._savepoint = True
                self._group = group
                return SqliteTransaction(store.conn, store.derived)
            store.end_group()  # a transaction of its own: the group's writes commit first
        store.conn.execute(self._begin)
        return SqliteTransaction(store.conn, store.derived)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> None:
        group = self._group
        if group is not None:
            self._store._member_ended(group, savepoint=self._savepoint, failed=kind is not None)
        else:
            self._store._own_ended(failed=kind is not None)


class _Grouped:
    """The block of :meth:`SqliteStore.grouped` (a class for the reason :class:`_Transaction` is)."""

    __slots__ = ("_joined", "_store")

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self._joined = False

    def __enter__(self) -> WriteGroup:
        store = self._store
        group = store._group
        if group is None:
            try:
                store.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error:
                # The file is locked (another writer past busy_timeout) or unwritable: no group;
                # each transaction begins and fails on its own, as without one.
                return WriteGroup(committed=True)
            group = store._group = WriteGroup()
        store._in_group = self._joined = True
        return group

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> None:
        if self._joined:
            self._store._in_group = False


class SqliteStore:
    """The reference server's store: a SQLite file (or ``:memory:``) in WAL mode."""

    _group: WriteGroup | None = None
    """The open write group (:meth:`grouped`)."""
    _in_group = False
    """Inside a :meth:`grouped` block."""
    group_commits = 0
    """Write groups committed since the open (for the tests)."""
    largest_group = 0
    """The most transactions one of them held."""

    def __init__(self, path: str | Path, *, checkpoint_interval: float = CHECKPOINT_INTERVAL) -> None:
        self.path = str(path)
        self._checkpointer: Checkpointer | None = None
        self.derived: DerivedTables | None = None
        """Set once the schema is in place (the first transaction makes it)."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) below.
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in ddl.PRAGMAS:
            self.conn.execute(pragma)
        register_functions(self.conn)
        with _Transaction(self, "BEGIN IMMEDIATE") as tx:
            for statement in ddl.STATEMENTS:
                tx.conn.execute(statement)
        self.derived = DerivedTables(self.conn)
        if self.path != ":memory:":
            # The WAL is copied into the file by a thread of its own (storage/checkpoint.py),
            # not inside a request's commit.
            self.conn.execute("PRAGMA wal_autocheckpoint=0")
            self._checkpointer = Checkpointer(self.path, checkpoint_interval)

    def _own_ended(self, failed: bool) -> None:
        """The end of a transaction of its own (not in a group): rolled back if it failed."""
        if failed:
            self.conn.execute("ROLLBACK")
            if self.derived is not None:
                self.derived.rolled_back()
            return
        self.conn.execute("COMMIT")
        self._committed()

    def _committed(self) -> None:
        if self.derived is not None:
            self.derived.committed()
        checkpointer = self._checkpointer
        if checkpointer is not None and checkpointer.due:
            self._finish_checkpoint(checkpointer)

    # -- group commit ------------------------------------------------------------------------------

    def grouped(self) -> AbstractContextManager[WriteGroup]:
        """Run the block's transactions in the open write group (beginning one if none is):
        each is a savepoint of the group's one SQLite transaction, rolled back alone if it
        fails; none is committed before :meth:`end_group`. Whoever answers for them must hold
        the answers until then and send them only if :attr:`WriteGroup.committed`.

        A commit costs the same fixed work (and writes the pages several transactions share
        once): a server answering many clients at once groups the requests that arrive together
        (``reference_server/protocol.py``). A transaction outside any ``grouped`` block commits
        the open group first, so nothing answered elsewhere sees or depends on uncommitted data.
        """
        return _Grouped(self)

    def end_group(self) -> None:
        """Commit the open write group, if any; its :attr:`WriteGroup.committed` tells whether
        its writes are durable (a failed commit rolls them all back)."""
        group, self._group = self._group, None
        if group is None:
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            log.error("a group of %d transactions could not be committed: %s", group.members, exc)
            self._lose(group)
            return
        group.committed = True
        self.group_commits += 1
        self.largest_group = max(self.largest_group, group.members)
        self._committed()

    def _member_ended(self, group: WriteGroup, *, savepoint: bool, failed: bool) -> None:
        """The end of a transaction of the group. A read (no ``savepoint``) has nothing of its own
        to undo: at most a derived-table fill, kept if it finished and made again by the next
        read if not (:class:`DerivedTables` marks a fill done only once it is)."""
        if not failed:
            if savepoint:
                self.conn.execute("RELEASE member")
            return
        if self.conn.in_transaction:
            if savepoint:
                self.conn.execute("ROLLBACK TO member")
                self.conn.execute("RELEASE member")
                if self.derived is not None:
                    self.derived.rolled_back()
        elif self._group is group:
            # SQLite rolled the whole transaction back (an I/O error, a full disk): the group's
            # other writes are gone too, and must not be acknowledged.
            log.error("a group of %d transactions was rolled back by SQLite", group.members)
            self._group = None
            self._lose(group)

    def _lose(self, group: WriteGroup) -> None:
        group.committed = False
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error as exc:
                log.error("rolling back a lost group failed: %s", exc)
        if self.derived is not None:
            self.derived.rolled_back()

    def _finish_checkpoint(self, checkpointer: Checkpointer) -> None:
        """Copy what the checkpointer's last pass left (the frames written meanwhile) on this
        connection, outside any transaction, so that the next write starts the WAL over
        (storage/checkpoint.py). A busy or failed one is left for the next commit: the data is
        committed either way."""
        try:
            busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            log.debug("WAL checkpoint not finished: %s", exc)
            return
        if not busy:
            checkpointer.due = False

    def read(self) -> AbstractContextManager[SqliteTransaction]:
        """A read transaction: a consistent snapshot."""
        return _Transaction(self, "BEGIN")

    def write(self) -> AbstractContextManager[SqliteTransaction]:
        """A write transaction, committed when the block ends and rolled back on any exception."""
        return _Transaction(self, "BEGIN IMMEDIATE")

    def close(self) -> None:
        self.end_group()
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        self.conn.close()
