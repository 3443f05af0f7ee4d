"""A target that misbehaves on purpose: a raw asyncio HTTP/1.1 proxy in front of a real server.

Requests whose path matches ``where`` (default: anything under ``/Users``) get the ``mode``'s
misbehaviour; every other request — discovery, the pre-flights — is forwarded to the upstream
reference server, so a run gets far enough to meet the misbehaviour inside a scenario or exchange.
``where="all"`` misbehaves on every request (the pre-flight then stops the run). ``forward`` never
misbehaves; with ``tls`` (an ``ssl.SSLContext`` holding a certificate) the proxy speaks HTTPS.

Modes: ``hang`` (reads the request, never answers), ``non-json`` (200 ``text/html``), ``huge`` (a
50 MB chunked body, streamed), ``redirect`` (307 to ``http://127.0.0.2:<port>``, another host on
loopback, whose listener records every request that reaches it with its ``Authorization``),
``close-mid-response`` (headers and half a body, then the connection is closed) and ``random-500``
(a seeded RNG answers 500 to about half the matching requests, forwards the rest).

Everything is bounded: a hanging answer ends when the client goes or after ``hang_limit`` seconds,
and the server runs on its own event-loop thread, stopped by ``close()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

MODES = ("forward", "hang", "non-json", "huge", "redirect", "close-mid-response", "random-500")
HUGE = 50 * 1024 * 1024
_CHUNK = 256 * 1024
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return Request(method, target, headers, body)


def _head(status: int, reason: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class MisbehavingServer:
    """``with MisbehavingServer(mode, upstream_base_url) as server:`` then use ``server.base_url``."""

    mode: str
    upstream: str
    """The real server's SCIM base URL (``http://127.0.0.1:<port>/scim/v2``)."""
    where: str = "/Users"
    seed: int = 7
    hang_limit: float = 60.0
    elsewhere: list[dict[str, str]] = field(default_factory=list)
    """Requests that reached the "other host" (127.0.0.2): method, target, authorization."""
    tls: ssl.SSLContext | None = None
    port: int = 0
    other_port: int = 0
    misbehaved: int = 0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")
        self._rng = random.Random(self.seed)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._upstream_path = httpx.URL(self.upstream).path.rstrip("/")
        self._http: httpx.AsyncClient | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> MisbehavingServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> None:
        self._http = httpx.AsyncClient(timeout=30)
        main = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        other = await asyncio.start_server(self._serve_elsewhere, "127.0.0.2", 0)
        self._servers = [main, other]
        self.port = main.sockets[0].getsockname()[1]
        self.other_port = other.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        for server in self._servers:
            server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{self._upstream_path}"

    # -- serving ---------------------------------------------------------------------------------

    def _matches(self, request: Request) -> bool:
        if self.mode == "forward":
            return False
        path = request.target.split("?", 1)[0].removeprefix(self._upstream_path)
        if "preflight-" in request.target:  # the simulator's connection-test pre-flight
            return self.where == "all"
        return self.where == "all" or path.startswith(self.where)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                if self._matches(request):
                    self.misbehaved += 1
                    keep = await self._misbehave(request, reader, writer)
                else:
                    keep = await self._forward(request, writer)
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _forward(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        assert self._http is not None
        url = httpx.URL(self.upstream).copy_with(raw_path=request.target.encode("latin-1"))
        headers = {k: v for k, v in request.headers.items() if k not in ("host", *_HOP)}
        response = await self._http.request(request.method, url, headers=headers, content=request.body)
        out = [(k, v) for k, v in response.headers.items() if k.lower() not in _HOP]
        out.append(("Content-Length", str(len(response.content))))
        writer.write(_head(response.status_code, response.reason_phrase, out) + response.content)
        await writer.drain()
        return True

    async def _misbehave(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        actions: dict[str, Callable[[], object]] = {
            "hang": lambda: self._hang(reader),
            "non-json": lambda: self._non_json(writer),
            "huge": lambda: self._huge(writer),
            "redirect": lambda: self._redirect(request, writer),
            "close-mid-response": lambda: self._close_mid(writer),
        }
        if self.mode == "random-500":
            if self._rng.random() < 0.5:
                body = b'{"detail": "random failure"}'
                writer.write(_head(500, "Internal Server Error", [("Content-Length", str(len(body)))]) + body)
                await writer.drain()
                return True
            return await self._forward(request, writer)
        result = actions[self.mode]()
        keep = await result  # type: ignore[misc]
        return bool(keep)

    async def _hang(self, reader: asyncio.StreamReader) -> bool:
        # never answer; end when the client gives up (EOF) or after hang_limit
        with contextlib.suppress(TimeoutError, ConnectionError):
            await asyncio.wait_for(reader.read(), self.hang_limit)
        return False

    async def _non_json(self, writer: asyncio.StreamWriter) -> bool:
        body = b"<html><body><h1>Welcome</h1><p>Please sign in.</p></body></html>"
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        writer.write(_head(200, "OK", headers) + body)
        await writer.drain()
        return True

    async def _huge(self, writer: asyncio.StreamWriter) -> bool:
        headers = [("Content-Type", "application/scim+json"), ("Transfer-Encoding", "chunked")]
        writer.write(_head(200, "OK", headers))
        chunk = b"[" + b" " * (_CHUNK - 1)
        sent = 0
        while sent < HUGE:
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()  # raises once the client has hung up
            sent += len(chunk)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def _redirect(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        location = f"http://127.0.0.2:{self.other_port}{request.target}"
        headers = [("Location", location), ("Content-Length", "0")]
        writer.write(_head(307, "Temporary Redirect", headers))
        await writer.drain()
        return True

    async def _close_mid(self, writer: asyncio.StreamWriter) -> bool:
        headers = [("Content-Type", "application/scim+json"), ("Content-Length", "4000")]
        writer.write(_head(200, "OK", headers) + b'{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Li')
        await writer.drain()
        return False

    async def _serve_elsewhere(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await _read_request(reader)
        if request is not None:
            self.elsewhere.append(
                {
                    "method": request.method,
                    "target": request.target,
                    "authorization": request.headers.get("authorization", ""),
                }
            )
            body = b'{"elsewhere": true}'
            writer.write(_head(200, "OK", [("Content-Length", str(len(body)))]) + body)
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        writer.close()
