"""Wire records: exact URLs, redaction, and what httpx really puts on the socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest

from simulator import (
    ONELOGIN,
    AppSettings,
    Connector,
    Exchange,
    OneLoginUser,
    Tenant,
    WireRequest,
    WireResponse,
    arun,
)
from simulator.requests import Requests
from simulator.template import DEFAULT_TEMPLATE
from simulator.wire import send_async, send_sync

TOKEN = "s3cr3t-token-value"
LOOKUP = "filter=userName+eq+%22ana%2Bscim%40example.com%22&"


def _put() -> WireRequest:
    return WireRequest(
        "PUT",
        "/Users/2819c223",
        "",
        (("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json")),
        b'{"userName":"ana"}',
        "update",
        7,
        "replace_user",
    )


# --- the record itself -------------------------------------------------------------------------------


def test_query_none_and_empty_are_different() -> None:
    assert WireRequest("GET", "/Users").target == "/Users"
    assert WireRequest("PUT", "/Users/x", "").target == "/Users/x?"
    assert WireRequest("GET", "/Users", LOOKUP).target == f"/Users?{LOOKUP}"


@pytest.mark.parametrize("base", ["https://app.example.com/scim/v2", "https://app.example.com/scim/v2/"])
def test_url_appends_target_to_base(base: str) -> None:
    assert _put().url(base) == "https://app.example.com/scim/v2/Users/2819c223?"
    lookup = WireRequest("GET", "/Users", LOOKUP)
    assert lookup.url(base) == f"https://app.example.com/scim/v2/Users?{LOOKUP}"


def test_header_lookup_is_case_insensitive_and_json_parses() -> None:
    request = _put()
    assert request.header("content-type") == "application/json"
    assert request.header("X-Missing") is None
    assert request.json() == {"userName": "ana"}
    assert WireRequest("GET", "/Users").json() is None
    assert str(request) == "PUT /Users/2819c223?"


def test_redact_replaces_the_bearer_token_only() -> None:
    redacted = _put().redact()
    assert redacted.header("Authorization") == "Bearer ***"
    assert redacted.body == _put().body and redacted.target == _put().target


def test_exchange_record_never_contains_the_token() -> None:
    exchange = Exchange(
        _put(), WireResponse(200, (("Content-Type", "application/scim+json"),), b"{}"), attempt=2
    )
    assert exchange.redact().request.header("Authorization") == "Bearer ***"
    record = exchange.record()
    assert TOKEN not in json.dumps(record)
    assert record["request"]["target"] == "/Users/2819c223?"
    assert record["event"] == "update" and record["userId"] == 7 and record["attempt"] == 2
    assert record["response"]["status"] == 200
    # the original is untouched: redaction happens on the way to the record
    assert exchange.request.header("Authorization") == f"Bearer {TOKEN}"


def test_to_httpx_sends_only_our_headers() -> None:
    request = _put().to_httpx(
        "http://127.0.0.1:9/scim", {"connect": 1.0, "read": 2.0, "write": 2.0, "pool": 1.0}
    )
    assert request.url.raw_path == b"/scim/Users/2819c223?"
    assert [k.lower() for k, _ in request.headers.items()] == [
        "host",
        "authorization",
        "content-type",
        "content-length",
    ]
    assert request.extensions["timeout"]["read"] == 2.0


def test_response_json_and_header() -> None:
    response = WireResponse(201, (("Location", "/Users/1"),), b'{"id": "1"}')
    assert response.json() == {"id": "1"}
    assert response.header("location") == "/Users/1"
    with pytest.raises(ValueError):
        WireResponse(500, body=b"<html>").json()


def test_send_sync_records_response_via_mock_transport() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "2819c223"}, headers={"X-Seen": "1"})

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        response = send_sync(client, "https://app.example.com/scim", _put())
    assert seen[0].url.raw_path == b"/scim/Users/2819c223?"
    assert response.status == 200 and response.json() == {"id": "2819c223"}
    assert response.header("x-seen") == "1"


# --- a raw socket server: what really crosses the wire -------------------------------------------


@dataclass
class RawServer:
    """Records each request's head and body byte for byte; answers from a script."""

    responses: list[tuple[int, bytes]] = field(default_factory=list)
    heads: list[bytes] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    hang: bool = False
    port: int = 0

    @property
    def request_lines(self) -> list[bytes]:
        return [head.split(b"\r\n", 1)[0] for head in self.heads]

    def header_names(self, index: int) -> list[bytes]:
        return [line.split(b":", 1)[0].lower() for line in self.heads[index].split(b"\r\n")[1:] if line]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                self.bodies.append(await reader.readexactly(length) if length else b"")
                if self.hang:
                    await asyncio.sleep(5)
                status, body = self.responses.pop(0) if self.responses else (200, b"{}")
                writer.write(
                    b"HTTP/1.1 %d X\r\nContent-Type: application/scim+json\r\nContent-Length: %d\r\n\r\n%s"
                    % (status, len(body), body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def raw_server(server: RawServer) -> AsyncIterator[RawServer]:
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        listener.close()


def test_httpx_sends_the_raw_target_unchanged() -> None:
    requests = Requests(ONELOGIN, AppSettings(), TOKEN, DEFAULT_TEMPLATE)
    lookup = requests.lookup_user("ana+scim@example.com")
    non_ascii = requests.lookup_user("joão.o'brien@example.com")
    put = requests.replace_user("2819c223", {"userName": "ana+scim@example.com"})
    delete = requests.delete_user("2819c223")

    async def scenario() -> None:
        async with raw_server(RawServer()) as server, httpx.AsyncClient() as client:
            base = f"http://127.0.0.1:{server.port}/scim/v2/"
            for request in (lookup, non_ascii, put, delete):
                response = await send_async(client, base, request)
                assert response.status == 200, response.error
            assert server.request_lines == [
                b"GET /scim/v2/Users?" + LOOKUP.encode() + b" HTTP/1.1",
                b"GET /scim/v2/Users?filter=userName+eq+%22jo%C3%A3o.o%27brien%40example.com%22& HTTP/1.1",
                b"PUT /scim/v2/Users/2819c223? HTTP/1.1",
                b"DELETE /scim/v2/Users/2819c223 HTTP/1.1",
            ]
            # no httpx defaults (User-Agent, Accept, Accept-Encoding): only what OneLogin sends
            assert server.header_names(0) == [b"host", b"authorization"]
            assert server.header_names(2) == [b"host", b"authorization", b"content-type", b"content-length"]
            assert b"Authorization: Bearer " + TOKEN.encode() in server.heads[0]
            assert server.bodies[2] == b'{"userName":"ana+scim@example.com"}'

    asyncio.run(scenario())


def test_a_plan_driven_over_the_socket() -> None:
    ana = OneLoginUser(1, "ana", "ana+scim@example.com", "Ana", "Souza")
    connector = Connector(Tenant([ana], [], AppSettings()), TOKEN)
    created = json.dumps({"id": "u-1", "name": {"givenName": "Ana", "familyName": "Souza"}}).encode()

    async def scenario() -> None:
        script = [(200, b'{"totalResults": 0, "Resources": []}'), (201, created)]
        async with raw_server(RawServer(script)) as server, httpx.AsyncClient() as client:
            base = f"http://127.0.0.1:{server.port}/scim/v2"
            outcome = await arun(connector.assign(ana), lambda r: send_async(client, base, r))
            assert outcome.ok and outcome.scim_id == "u-1" and outcome.requests == 2
            assert server.request_lines == [
                b"GET /scim/v2/Users?" + LOOKUP.encode() + b" HTTP/1.1",
                b"POST /scim/v2/Users HTTP/1.1",
            ]
            assert json.loads(server.bodies[1])["userName"] == "ana+scim@example.com"

    asyncio.run(scenario())


def test_transport_errors_become_responses() -> None:
    async def scenario() -> None:
        async with raw_server(RawServer(hang=True)) as server, httpx.AsyncClient() as client:
            base = f"http://127.0.0.1:{server.port}"
            timeout = {"connect": 1.0, "read": 0.05, "write": 1.0, "pool": 1.0}
            response = await send_async(client, base, WireRequest("GET", "/Users"), timeout)
            assert response.status == 0 and response.error is not None
            assert response.error == "timeout: no answer within the 0.05 s timeout (ReadTimeout)"
            port = server.port
        async with httpx.AsyncClient() as client:
            response = await send_async(client, f"http://127.0.0.1:{port}", WireRequest("GET", "/Users"))
            assert response.status == 0 and response.error is not None
            assert response.error == "connection: connection refused"

    asyncio.run(scenario())
