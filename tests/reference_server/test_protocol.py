"""Each response in one socket write (reference_server/protocol.py), and nothing lost or held.

Over a raw keep-alive socket to the embedded server (which runs the protocol, as ``serve`` does):
responses with and without a body keep their framing, and a write that stays alone (uvicorn's
``100 Continue``, written before the body is read) still goes out. Then the joining itself, on a
real event loop with a transport that records what it is given.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from reference_server.embedded import EmbeddedServer
from reference_server.protocol import _JoinedWrites
from tests.support.scimtest import TOKEN, USER_URN, make_config


class RawConnection:
    """HTTP/1.1 by hand on one socket: requests as bytes, responses read by their framing."""

    def __init__(self, server: EmbeddedServer) -> None:
        self.sock = socket.create_connection((server.host, server.port), timeout=10)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed before {marker!r}; got {self.buffer!r}")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def response(self) -> tuple[int, dict[str, str], bytes]:
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *lines = head.split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed inside a body")
            self.buffer += chunk
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def close(self) -> None:
        self.sock.close()


def _request(method: str, path: str, body: bytes = b"", extra: str = "") -> bytes:
    head = (
        f"{method} /scim/v2{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: application/scim+json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


def test_responses_keep_their_framing_on_one_connection(server: EmbeddedServer) -> None:
    conn = RawConnection(server)
    try:
        body = json.dumps({"schemas": [USER_URN], "userName": "raw.socket@example.com"}).encode()
        # Two requests in one segment: the second is answered after the first, each whole.
        conn.send(
            _request("POST", "/Users", body)
            + _request("GET", "/Users?filter=userName+eq+%22raw.socket%40example.com%22")
        )
        status, headers, created = conn.response()
        assert status == 201, created
        user = json.loads(created)
        assert headers["location"].endswith(f"/Users/{user['id']}")
        status, _, found = conn.response()
        assert status == 200 and json.loads(found)["totalResults"] == 1
        conn.send(_request("DELETE", f"/Users/{user['id']}"))
        status, headers, empty = conn.response()
        assert (status, empty) == (204, b"")
        conn.send(_request("GET", f"/Users/{user['id']}"))
        status, _, gone = conn.response()
        assert status == 404 and json.loads(gone)["status"] == "404"
    finally:
        conn.close()


def test_a_lone_write_goes_out_without_waiting_for_another(server: EmbeddedServer) -> None:
    """uvicorn writes ``100 Continue`` alone and then waits for the body: held back for a second
    write, it would never be sent, and the client would never send the body."""
    conn = RawConnection(server)
    try:
        body = json.dumps({"schemas": [USER_URN], "userName": "expects.continue@example.com"}).encode()
        head, _, rest = _request("POST", "/Users", body, extra="Expect: 100-continue\r\n").partition(
            b"\r\n\r\n"
        )
        conn.send(head + b"\r\n\r\n")
        assert conn._read_until(b"\r\n\r\n").startswith(b"HTTP/1.1 100")
        conn.send(rest)
        status, _, created = conn.response()
        assert status == 201, created
    finally:
        conn.close()


def test_a_direct_answer_honours_connection_close_and_proxy_headers(server: EmbeddedServer) -> None:
    """Answered without ASGI, a request still gets what uvicorn would do: ``Connection: close``
    closes after the answer, and ``X-Forwarded-Proto`` from a trusted proxy (127.0.0.1, uvicorn's
    default) makes the URLs ``https`` (that request goes through ASGI and uvicorn's middleware)."""
    body = json.dumps({"schemas": [USER_URN], "userName": "closing@example.com"}).encode()
    conn = RawConnection(server)
    try:
        conn.send(_request("POST", "/Users", body, extra="Connection: close\r\n"))
        status, headers, created = conn.response()
        assert status == 201 and headers["connection"] == "close"
        assert conn.sock.recv(1) == b""  # closed by the server
    finally:
        conn.close()
    conn = RawConnection(server)
    try:
        user_id = json.loads(created)["id"]
        conn.send(_request("GET", f"/Users/{user_id}", extra="X-Forwarded-Proto: https\r\n"))
        status, _, found = conn.response()
        assert status == 200
        assert json.loads(found)["meta"]["location"] == f"https://127.0.0.1/scim/v2/Users/{user_id}"
        conn.send(_request("GET", f"/Users/{user_id}"))
        status, _, plain = conn.response()
        assert json.loads(plain)["meta"]["location"] == f"http://127.0.0.1/scim/v2/Users/{user_id}"
    finally:
        conn.close()


def test_a_direct_answer_writes_uvicorns_access_line(
    server: EmbeddedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """With an access log configured (here pytest's capture), a request answered without ASGI
    gets the line uvicorn writes for every answer, and nothing else changes."""
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    conn = RawConnection(server)  # a new connection: uvicorn checks for the log at connect
    try:
        conn.send(_request("GET", "/Users?filter=userName+eq+%22nobody%40example.com%22"))
        status, _, found = conn.response()
        assert status == 200 and json.loads(found)["totalResults"] == 0
    finally:
        conn.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any(
        line.endswith('"GET /scim/v2/Users?filter=userName+eq+%22nobody%40example.com%22 HTTP/1.1" 200')
        for line in lines
    ), lines


def test_requests_pipelined_behind_one_litestar_answers_are_answered_in_order(server: EmbeddedServer) -> None:
    """A direct request that arrives while another request (one Litestar answers) is under way
    waits for it, body and all, then is answered, and the one after it too."""
    conn = RawConnection(server)
    try:
        body = json.dumps({"schemas": [USER_URN], "userName": "pipelined@example.com"}).encode()
        conn.send(
            _request("GET", "/ServiceProviderConfig")
            + _request("POST", "/Users", body)
            + _request("GET", "/Users?filter=userName+eq+%22pipelined%40example.com%22")
        )
        status, _, config = conn.response()
        assert status == 200 and "patch" in json.loads(config)
        status, _, created = conn.response()
        assert status == 201, created
        status, _, found = conn.response()
        assert status == 200 and json.loads(found)["Resources"][0]["id"] == json.loads(created)["id"]
    finally:
        conn.close()


def test_a_connection_is_closed_once_idle_for_the_keep_alive_time_not_while_in_use(tmp_path: Path) -> None:
    """uvicorn's ``timeout_keep_alive`` (1 s here): requests 0.4 s apart keep a connection open
    past it (the timer armed after the first answer finds the connection busy since), and one
    left idle is closed."""
    with EmbeddedServer(make_config(tmp_path / "scim.db"), keep_alive=1) as server:
        conn = RawConnection(server)
        try:
            for _ in range(4):
                conn.send(_request("GET", "/Users?count=0"))
                status, _, _ = conn.response()
                assert status == 200
                time.sleep(0.4)
            conn.sock.settimeout(5)
            assert conn.sock.recv(1) == b""  # closed by the server, about 1 s after the last answer
        finally:
            conn.close()


class _Recording:
    """The transport under the proxy: what it was given, and whether it was closed."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else default


def test_two_writes_go_as_one_and_a_lone_one_at_the_next_turn() -> None:
    async def scenario() -> list[list[bytes]]:
        recording = _Recording()
        proxy = _JoinedWrites(recording, asyncio.get_running_loop())  # type: ignore[arg-type]
        seen = []
        proxy.write(b"HTTP/1.1 200 OK\r\n\r\n")
        seen.append(list(recording.writes))  # held back
        proxy.write(memoryview(b"body"))
        seen.append(list(recording.writes))  # both, in one write
        proxy.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await asyncio.sleep(0)
        seen.append(list(recording.writes))  # alone, at the loop's next turn
        assert proxy.get_extra_info("peername") == ("127.0.0.1", 1)  # the rest is the transport's
        proxy.write(b"last")
        proxy.close()
        seen.append(list(recording.writes))  # flushed before closing
        assert recording.closed
        return seen

    held, joined, lone, closing = asyncio.run(scenario())
    assert held == []
    assert joined == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    assert lone == [*joined, b"HTTP/1.1 100 Continue\r\n\r\n"]
    assert closing == [*lone, b"last"]


def test_an_aborted_connection_drops_what_was_held() -> None:
    async def scenario() -> _Recording:
        recording = _Recording()
        proxy = _JoinedWrites(recording, asyncio.get_running_loop())  # type: ignore[arg-type]
        proxy.write(b"HTTP/1.1 200 OK\r\n\r\n")
        proxy.abort()
        await asyncio.sleep(0)  # the flush the write scheduled finds nothing
        return recording

    recording = asyncio.run(scenario())
    assert recording.aborted and recording.writes == []
