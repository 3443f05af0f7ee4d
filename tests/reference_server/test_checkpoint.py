"""The WAL starts over while writes never stop (storage/checkpoint.py), and loses nothing.

A checkpoint from the checkpointer's own connection runs while the writer appends frames, so on
its own it never leaves the whole WAL in the database file when a write begins, which is when
SQLite writes the WAL from its start again: the WAL grew with every write. The writer finishing
each pass on its own connection lets it start over.
"""

from __future__ import annotations

from pathlib import Path

from reference_server.storage.sqlite import SqliteStore
from tests.reference_server.test_storage_contract import user

PASSES = 50
WAL_HEADER = 32
PAGE = 1024  # storage/ddl.py PRAGMAS
FRAME = 24 + PAGE


def _salt(wal: Path) -> bytes:
    """The WAL header's salts (bytes 16-24): new ones each time SQLite starts the WAL over."""
    with wal.open("rb") as f:
        return f.read(WAL_HEADER)[16:24]


def test_the_wal_starts_over_while_writes_never_stop(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    wal = tmp_path / "scim.db-wal"
    SqliteStore(db).close()  # the schema, checkpointed: the WAL below holds the writes alone
    store = SqliteStore(db, checkpoint_interval=0.002)
    checkpointer = store._checkpointer
    assert checkpointer is not None
    salts: set[bytes] = set()
    written = 0
    try:
        # Writes back to back, bounded in count: every pass runs while frames are appended.
        while checkpointer.passes < PASSES and written < 20_000:
            with store.write() as tx:
                tx.insert("User", user(f"u{written}", f"user.{written}@example.com"))
            written += 1
            salts.add(_salt(wal))
        assert checkpointer.passes >= PASSES, f"{checkpointer.passes} checkpoint passes in {written} writes"
        frames = (wal.stat().st_size - WAL_HEADER) // FRAME
    finally:
        store.close()
    assert len(salts) >= PASSES // 2, (
        f"the WAL started over {len(salts) - 1} times in {checkpointer.passes} passes"
    )
    # Each insert appends its dirty pages (the row and its indexes): a WAL never
    # started over grew to about 25 frames a write here, one started over stays near 1.
    assert frames < 5 * written, f"the WAL grew to {frames} frames in {written} writes"
    again = SqliteStore(db)
    try:
        with again.read() as tx:
            assert tx.conn.execute("SELECT count(*) FROM users").fetchone()[0] == written
    finally:
        again.close()
