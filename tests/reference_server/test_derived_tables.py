"""The derived tables (row counts, suffix indexes) live in the store's connection, not the file
(storage/ddl.py): counted at open, the suffix indexes filled before their first read, kept by the
connection's triggers, both made right again when another connection changed the file, and gone
from a database an earlier version kept them in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reference_server.filters import parse_filter
from reference_server.storage import ddl
from reference_server.storage.base import Query
from reference_server.storage.sqlite import SqliteStore
from tests.reference_server.test_storage_contract import user

DERIVED = {"row_counts", *ddl.SUFFIX_TABLES}


def _ids(store: SqliteStore, text: str | None) -> tuple[int, set[str]]:
    query = Query(filter=None if text is None else parse_filter(text))
    with store.read() as tx:
        total, docs = tx.search("User", query)
    return total, {doc["id"] for doc in docs}


def _on_disk(path: Path) -> set[str]:
    """The tables and triggers the file itself holds, read by a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()


def _store_with_users(path: Path, n: int) -> SqliteStore:
    store = SqliteStore(path)
    with store.write() as tx:
        for i in range(n):
            tx.insert("User", user(f"u{i}", f"person.{i}@example.com", externalId=f"E-{i}"))
    return store


def test_the_derived_tables_are_the_connections_own(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    store = _store_with_users(db, 3)
    try:
        assert _ids(store, 'userName co "son.1"') == (1, {"u1"})
        assert _ids(store, 'externalId ew "-2"') == (1, {"u2"})
        assert store.derived is not None and store.derived.suffix_fills == 1  # at the first co
        with store.write() as tx:  # kept by the triggers from then on
            tx.insert("User", user("u3", "person.3@example.com", externalId="E-3"))
        assert _ids(store, 'externalId ew "E-3"') == (1, {"u3"})
        assert store.derived.suffix_fills == 1
        assert _ids(store, None)[0] == 4
        temp = {name for (name,) in store.conn.execute("SELECT name FROM sqlite_temp_master")}
        assert temp >= DERIVED
        on_disk = _on_disk(db)
        assert not on_disk & DERIVED
        assert not {name for name in on_disk if name.endswith(("_insert", "_update", "_delete"))}
    finally:
        store.close()
    # At the next open: counted at once, the suffix indexes filled when a lookup first needs them.
    again = SqliteStore(db)
    assert again.derived is not None
    try:
        assert _ids(again, None)[0] == 4
        assert _ids(again, 'userName eq "person.1@example.com"') == (1, {"u1"})
        assert again.derived.suffix_fills == 0
        with again.write() as tx:
            tx.insert("User", user("u4", "person.4@example.com"))
        assert _ids(again, 'userName co "son."') == (5, {"u0", "u1", "u2", "u3", "u4"})
        assert _ids(again, 'userName sw "person.4"') == (1, {"u4"})
        assert again.derived.suffix_fills == 1
    finally:
        again.close()


def _suffix_rows(store: SqliteStore) -> int:
    return sum(
        store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ddl.SUFFIX_TABLES
    )


def _suffix_triggers(store: SqliteStore) -> set[str]:
    made = store.conn.execute("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'")
    return {name for (name,) in made} & ddl.SUFFIX_TRIGGER_NAMES


def test_no_suffix_index_is_kept_until_a_lookup_reads_one(tmp_path: Path) -> None:
    """Identity providers look users up with ``eq``: until a ``co``/``ew``/``sw`` reads a suffix
    index, writes keep none (no triggers, no rows); the first such read fills them all from the
    rows and makes their triggers, which keep them from then on (inserts, deletes)."""
    store = _store_with_users(tmp_path / "scim.db", 3)
    try:
        with store.write() as tx:
            tx.delete("User", "u0")
        assert _ids(store, 'userName eq "person.1@example.com"') == (1, {"u1"})
        assert _ids(store, None)[0] == 2
        assert _suffix_rows(store) == 0 and not _suffix_triggers(store)
        assert _ids(store, 'externalId ew "E-1"') == (1, {"u1"})
        assert _suffix_triggers(store) == ddl.SUFFIX_TRIGGER_NAMES
        filled = _suffix_rows(store)
        assert filled > 0
        with store.write() as tx:
            tx.insert("User", user("u5", "new.5@example.com", externalId="E-5"))
        assert _suffix_rows(store) > filled
        with store.write() as tx:
            tx.delete("User", "u5")
        assert _suffix_rows(store) == filled
        assert _ids(store, 'userName co "new."') == (0, set())
        assert _ids(store, 'userName co "son."') == (2, {"u1", "u2"})
        assert store.derived is not None and store.derived.suffix_fills == 1
    finally:
        store.close()


def test_another_connections_writes_are_seen(tmp_path: Path) -> None:
    """A SQL shell or a second server writing the file runs none of the store's triggers: the
    store fills its derived tables again before it next reads them."""
    db = tmp_path / "scim.db"
    store = _store_with_users(db, 3)
    try:
        assert _ids(store, 'userName co "renamed"') == (0, set())
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("UPDATE users SET user_name = 'renamed.1@example.org' WHERE id = 'u1'")
        other.execute("DELETE FROM users WHERE id = 'u2'")
        other.close()
        assert _ids(store, 'userName co "renamed"') == (1, {"u1"})
        assert _ids(store, 'userName ew "@example.org"') == (1, {"u1"})
        assert _ids(store, None) == (2, {"u0", "u1"})
        assert store.derived is not None and store.derived.suffix_fills == 2  # first read, and again
    finally:
        store.close()


def test_own_writes_and_checkpoints_fill_nothing_again(tmp_path: Path) -> None:
    """The connection's own commits and the checkpointer's passes leave ``data_version`` as it
    is: reading after them fills nothing again."""
    store = SqliteStore(tmp_path / "scim.db", checkpoint_interval=0.001)
    checkpointer = store._checkpointer
    assert checkpointer is not None and store.derived is not None
    try:
        written = 0
        while (checkpointer.passes < 5 or written < 50) and written < 5_000:
            with store.write() as tx:
                tx.insert("User", user(f"u{written}", f"user.{written}@example.com"))
            written += 1
            assert _ids(store, f'userName co "user.{written - 1}@"')[1] == {f"u{written - 1}"}
        assert checkpointer.passes >= 5
        assert store.derived.suffix_fills == 1  # the first co; the triggers kept them after it
    finally:
        store.close()


def test_an_earlier_versions_on_disk_derived_tables_are_dropped(tmp_path: Path) -> None:
    """Earlier versions kept the derived tables in the file, with triggers there; an open drops
    them (their triggers would write pages nobody reads) and fills the connection's own."""
    db = tmp_path / "old.db"
    _store_with_users(db, 2).close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(
        """
        CREATE TABLE derived_tables (name TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE row_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO row_counts VALUES ('users', 99), ('groups', 99);
        CREATE TABLE users_user_name_suffixes (
            suffix BLOB NOT NULL, user_pk INTEGER NOT NULL, PRIMARY KEY (suffix, user_pk)
        ) WITHOUT ROWID;
        CREATE TRIGGER users_user_name_suffixes_insert AFTER INSERT ON users BEGIN
            INSERT INTO users_user_name_suffixes VALUES (CAST(new.user_name AS BLOB), new.pk);
        END;
        CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
            UPDATE row_counts SET n = n + 1 WHERE name = 'users';
        END;
        """
    )
    conn.close()
    store = SqliteStore(db)
    try:
        assert not _on_disk(db) & {
            "derived_tables",
            "row_counts",
            "users_user_name_suffixes",
            "users_user_name_suffixes_insert",
            "users_count_insert",
        }
        with store.write() as tx:
            tx.insert("User", user("u9", "later.9@example.com"))
        assert _ids(store, None)[0] == 3
        assert _ids(store, 'userName co "ater.9"') == (1, {"u9"})
    finally:
        store.close()


def test_a_fill_undone_by_a_rollback_is_made_again(tmp_path: Path) -> None:
    """A fill runs inside the reading transaction: if that transaction rolls back, so does the
    fill, and the next read fills again instead of trusting empty tables."""
    db = tmp_path / "scim.db"
    _store_with_users(db, 3).close()
    store = SqliteStore(db)
    assert store.derived is not None
    try:
        try:
            with store.read() as tx:
                assert tx.search("User", Query(filter=parse_filter('userName co "son.2"')))[0] == 1
                raise RuntimeError("the request failed after its lookup")
        except RuntimeError:
            pass
        assert _ids(store, 'userName co "son.2"') == (1, {"u2"})
        assert _ids(store, None)[0] == 3
        assert store.derived.suffix_fills == 2
        with store.write() as tx:  # a rollback with no fill in it leaves the tables as they are
            tx.insert("User", user("u3", "person.3@example.com"))
        try:
            with store.write() as tx:
                tx.insert("User", user("u4", "person.4@example.com"))
                raise RuntimeError("a conflict")
        except RuntimeError:
            pass
        assert _ids(store, 'userName co "son."') == (4, {"u0", "u1", "u2", "u3"})
        assert store.derived.suffix_fills == 2
    finally:
        store.close()


def test_a_write_group_reads_the_file_version_once(tmp_path: Path) -> None:
    """No other connection commits while the group holds the write lock: its lookups ask
    ``PRAGMA data_version`` once between them, and the next transaction asks again."""
    db = tmp_path / "scim.db"
    store = _store_with_users(db, 3)
    asked: list[str] = []
    store.conn.set_trace_callback(lambda sql: asked.append(sql) if "data_version" in sql else None)
    try:
        with store.grouped():
            for _ in range(3):
                assert _ids(store, None) == (3, {"u0", "u1", "u2"})
        store.end_group()
        assert len(asked) == 1
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("DELETE FROM users WHERE id = 'u2'")
        other.close()
        assert _ids(store, None) == (2, {"u0", "u1"})  # seen by the next transaction
        assert len(asked) == 2
    finally:
        store.close()
