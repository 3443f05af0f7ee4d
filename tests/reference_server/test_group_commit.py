"""Group commit: the transactions of requests that arrive together commit as one, and no answer
goes out before its writes are committed.

On the store (a real SQLite file, watched from a second connection as another process would see
it): a group's writes are invisible until it ends, a failed member is undone alone, a
transaction outside the group commits it first, and a failed commit loses the whole group and
says so. Over HTTP: requests held up together (the server's first ``BEGIN IMMEDIATE`` waits for
a lock another connection holds) commit in one group and each gets its own right answer; a group
that cannot commit answers 503, never 2xx.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reference_server.embedded import EmbeddedServer
from reference_server.protocol import _HeldAnswers
from reference_server.storage.sqlite import SqliteStore
from reference_server.wire import ScimAnswer, scim_response
from tests.reference_server.test_protocol import RawConnection, _request
from tests.reference_server.test_storage_contract import user
from tests.support.scimtest import USER_URN, make_config


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "scim.db")
    yield s
    s.close()


def _seen(store: SqliteStore) -> set[str]:
    """The user ids another connection to the file sees: what is committed."""
    other = sqlite3.connect(store.path)
    try:
        return {row[0] for row in other.execute("SELECT id FROM users")}
    finally:
        other.close()


class _Refused(Exception):
    pass


def test_a_group_commits_at_its_end_and_keeps_the_members_that_succeeded(store: SqliteStore) -> None:
    with store.grouped() as group, store.write() as tx:
        tx.insert("User", user("u1", "ann@example.com"))
    with store.grouped() as same, pytest.raises(_Refused), store.write() as tx:
        tx.insert("User", user("u2", "bob@example.com"))
        raise _Refused
    with store.grouped(), store.write() as tx:
        tx.insert("User", user("u3", "cid@example.com"))
    assert same is group and group.members == 3
    assert _seen(store) == set() and not group.committed  # nothing committed yet

    store.end_group()

    assert group.committed and _seen(store) == {"u1", "u3"}
    with store.read() as tx:  # the store goes on outside any group
        assert tx.get("User", "u2") is None and tx.get("User", "u3") is not None
    assert store.group_commits == 1 and store.largest_group == 3


def test_a_read_in_a_group_takes_no_savepoint_and_its_failure_undoes_nothing(store: SqliteStore) -> None:
    """A lookup writes nothing to undo: it runs in the group without a savepoint of its own, and
    a read that fails (a bad filter found late, say) leaves the other members' writes in place."""
    traced: list[str] = []
    store.conn.set_trace_callback(traced.append)
    try:
        with store.grouped() as group, store.write() as tx:
            tx.insert("User", user("u1", "ann@example.com"))
        with store.grouped(), pytest.raises(_Refused), store.read() as tx:
            assert tx.get("User", "u1") is not None  # the group's own write, not yet committed
            raise _Refused
        with store.grouped(), store.read() as tx:
            assert tx.get("User", "u1") is not None
    finally:
        store.conn.set_trace_callback(None)
    assert group.members == 3
    assert sum(sql.startswith("SAVEPOINT") for sql in traced) == 1  # the write's alone
    store.end_group()
    assert group.committed and _seen(store) == {"u1"}


def test_a_transaction_outside_the_group_commits_the_group_first(store: SqliteStore) -> None:
    with store.grouped() as group, store.write() as tx:
        tx.insert("User", user("u1", "ann@example.com"))
    with store.write() as tx:  # e.g. the observer API, answered through Litestar
        assert _seen(store) == {"u1"} and group.committed
        tx.insert("User", user("u2", "bob@example.com"))
    assert _seen(store) == {"u1", "u2"}
    with store.grouped() as later:
        assert later is not group  # the next one is a new group
    store.end_group()
    assert later.committed and later.members == 0


def test_a_failed_commit_loses_the_whole_group_and_says_so(store: SqliteStore) -> None:
    with store.grouped() as group, store.write() as tx:
        tx.insert("User", user("u1", "ann@example.com"))
    with store.grouped(), store.write() as tx:
        # A constraint checked at COMMIT: a grant of an account that does not exist.
        tx.conn.execute("PRAGMA defer_foreign_keys=ON")
        tx.conn.execute(
            "INSERT INTO grants (id, account_pk, user_id, created) VALUES ('g', 999, 'u1', 'now')"
        )

    store.end_group()

    assert not group.committed
    assert _seen(store) == set()
    with store.write() as tx:  # nothing left open: the next write works
        tx.insert("User", user("u2", "bob@example.com"))
    assert _seen(store) == {"u2"}


class _Recorder:
    """Stands in for the HTTP protocol: the answers :class:`_HeldAnswers` sends, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sent: list[tuple[Any, int, Any]]) -> None:
        self.loop = loop
        self.sent = sent

    def _send(self, cycle: Any, answer: ScimAnswer) -> None:
        self.sent.append((cycle, answer.status_code, json.loads(answer.content)))


def test_held_answers_go_after_the_commit_and_a_lost_group_answers_503(store: SqliteStore) -> None:
    sent: list[tuple[Any, int, Any]] = []

    async def scenario() -> list[list[tuple[Any, int, Any]]]:
        recorder = _Recorder(asyncio.get_running_loop(), sent)
        held = _HeldAnswers(store)
        seen = []
        with store.grouped() as group, store.write() as tx:
            tx.insert("User", user("u1", "ann@example.com"))
        held.hold(recorder, "first", scim_response({"id": "u1"}, 201), group)  # type: ignore[arg-type]
        seen.append(list(sent))  # held
        await asyncio.sleep(0)  # the end of the loop's turn
        seen.append(list(sent))  # committed, then sent
        with store.grouped() as lost, store.write() as tx:
            tx.conn.execute("PRAGMA defer_foreign_keys=ON")
            tx.conn.execute(
                "INSERT INTO grants (id, account_pk, user_id, created) VALUES ('g', 999, 'u1', 'now')"
            )
        held.hold(recorder, "second", scim_response({"id": "u2"}, 201), lost)  # type: ignore[arg-type]
        await asyncio.sleep(0)
        seen.append(list(sent))
        return seen

    held, committed, after = asyncio.run(scenario())
    assert held == []
    assert committed == [("first", 201, {"id": "u1"})]
    cycle, status, body = after[-1]
    assert (cycle, status, body["status"]) == ("second", 503, "503")
    assert "could not be committed" in body["detail"]
    assert _seen(store) == {"u1"}


def _create(name: str) -> bytes:
    return _request("POST", "/Users", json.dumps({"schemas": [USER_URN], "userName": name}).encode())


def test_requests_that_arrive_together_commit_once_each_with_its_answer(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    with EmbeddedServer(make_config(db)) as server:
        store = server.app.state.store
        assert isinstance(store, SqliteStore)
        conns = [RawConnection(server) for _ in range(6)]
        try:
            for i, conn in enumerate(conns):  # each connection accepted and answering
                conn.send(_create(f"before{i}@example.com"))
                assert conn.response()[0] == 201
            # Another connection holds the write lock: the server's first request waits for it
            # (busy_timeout) inside its BEGIN, and the others queue up meanwhile.
            locker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
            locker.execute("BEGIN IMMEDIATE")
            for i, conn in enumerate(conns):
                conn.send(_create(f"together{i}@example.com"))
            release = threading.Timer(0.5, lambda: locker.execute("COMMIT"))
            release.start()
            started = time.monotonic()
            answers = [(status, json.loads(body)) for status, _, body in (c.response() for c in conns)]
            release.join()
            locker.close()
            assert time.monotonic() - started < 10
        finally:
            for conn in conns:
                conn.close()
        assert [status for status, _ in answers] == [201] * 6
        assert sorted(body["userName"] for _, body in answers) == [
            f"together{i}@example.com" for i in range(6)
        ]
        assert len({body["id"] for _, body in answers}) == 6
        # At most two polls of the sockets: the first request's, and everything that came meanwhile.
        assert store.largest_group >= 3
        assert {body["id"] for _, body in answers} <= _seen(store)
