"""Checkpoints of the SQLite write-ahead log, mostly off the event loop.

A checkpoint copies the WAL into the database file and syncs it (``synchronous=NORMAL`` syncs
there and nowhere else). Run by SQLite itself it happens inside whichever commit crosses the
threshold, so one request in a few hundred waited for the disk, and the event loop with it. Here
a thread with a connection of its own runs a PASSIVE checkpoint (it never waits for the writer)
every :data:`INTERVAL` seconds; sqlite3 releases the GIL while SQLite works, so requests go on.
Durability does not depend on it: a commit is in the WAL before the response is sent, and an
unfinished checkpoint is redone at the next open.

That pass alone never lets the WAL start over under steady writes. SQLite writes the WAL from its
start again only when a write transaction begins while every frame is in the database file, and
the writer appends frames while the thread copies: the WAL grew without end (770 MB after 18 s of
the throughput bench), and with it the WAL index that every page read searches, so each request
cost more than the one before. So each pass that copied frames marks the checkpoint :attr:`due`,
and the writer finishes it on its own connection after its next commit (``SqliteStore``):
only the frames written during the pass are left to copy, and the next write starts the WAL over.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("reference_server.storage")

INTERVAL = 0.1
"""Seconds between checkpoints: the WAL holds about this much write traffic at most."""


class Checkpointer:
    """A daemon thread checkpointing the WAL of the database at ``path`` until :meth:`stop`."""

    def __init__(self, path: str, interval: float = INTERVAL) -> None:
        self.interval = interval
        self.due = False
        """A pass copied frames: the writer's connection should finish the checkpoint."""
        self.passes = 0
        """Passes that copied frames, since the start."""
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                # (busy, frames in the WAL, frames now in the file)
                _, _, copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as exc:  # a busy or failed checkpoint is retried at the next tick
                log.debug("WAL checkpoint skipped: %s", exc)
                continue
            if copied > 0:
                self.passes += 1
                self.due = True

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)
        self._conn.close()
