"""uvicorn's httptools protocol, answering the SCIM app's busiest routes without ASGI, each
response in one socket write.

uvicorn runs every request as an asyncio task around the ASGI app, which talks to it through
``receive``/``send`` coroutines and event dicts, and writes a response's head and body in two
``send`` calls. For the requests :class:`~reference_server.app.ScimApp` answers itself (its
:meth:`~reference_server.app.ScimApp.direct_route`: ``/Users`` and ``/Groups`` CRUD with the
right token), whose operations are synchronous, the task and the ASGI round trips are pure
overhead: here, once the request's body is in, :meth:`~reference_server.app.ScimApp.respond`
gives the answer and the protocol writes it at once, head and body in one write, on uvicorn's
own request cycle (so pipelining, keep-alive, its timeout and graceful shutdown stay uvicorn's).
The bytes are those the ASGI path sends (``tests/reference_server/test_protocol.py``).

Answers wait for the commit of their writes (:class:`_HeldAnswers`, group commit). Anything
else goes through ASGI as uvicorn does it: another app or route, a ``503`` under
``limit_concurrency``, ``Expect: 100-continue``, a body larger than uvicorn's read buffer (it
pauses reading there until the app asks for more), or proxy headers (uvicorn's
``ProxyHeadersMiddleware`` rewrites the scheme and client the app sees).

On that path, the first write of a response waits and goes out with the second in one ``send``
(in a CPU profile of the server under the bench's user-only mix, socket writes took 11.6% of
its CPU, the kernel's largest part); one that stays alone (the ``100 Continue`` uvicorn writes
before reading a body, say) goes at the end of the event loop's turn, before any other I/O.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, cast

from litestar.types import HTTPScope
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import (
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

from reference_server.app import DirectRoute, ScimApp
from reference_server.errors import ScimError
from reference_server.storage.sqlite import SqliteStore, WriteGroup
from reference_server.wire import ScimAnswer, error_response

_PROXY_HEADERS = frozenset({b"x-forwarded-proto", b"x-forwarded-for"})


class _JoinedWrites:
    """A transport proxy holding back one write until the next one, or the loop's next turn."""

    __slots__ = ("_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        pending = self._pending
        if pending is None:
            self._pending = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._pending = None
            self._transport.write(pending + data)

    def write_now(self, data: bytes) -> None:
        """Write ``data`` at once, after anything held back."""
        pending, self._pending = self._pending, None
        self._transport.write(data if pending is None else pending + data)

    def flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not self._transport.is_closing():
            self._transport.write(pending)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending = None
        self._transport.abort()

    def is_closing(self) -> bool:  # uvicorn asks before every response: not through __getattr__
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` answering :class:`ScimApp`'s direct routes itself, on a
    transport that joins a response's two writes."""

    _joined: _JoinedWrites
    _waiting: tuple[RequestResponseCycle, DirectRoute] | None = None
    """The request being answered directly, until its body is complete."""
    _held: _HeldAnswers | None = None
    """The holder of the answers to this connection's requests (one per store)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._joined = _JoinedWrites(transport, self.loop)
        super().connection_made(self._joined)  # type: ignore[arg-type]

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        # uvicorn starts a request here once its headers are in and any earlier one is answered.
        route = self._direct_route(cycle, app)
        if route is None:
            super()._start_asgi_task(cycle, app)
        elif cycle.more_body:
            self._waiting = (cycle, route)
        else:  # a pipelined request, whose body came in while the one before was answered
            self._respond(cycle, route)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        waiting = self._waiting
        if waiting is not None and waiting[0] is self.cycle:
            self._waiting = None
            self._respond(*waiting)

    def connection_lost(self, exc: Exception | None) -> None:
        self._waiting = None
        super().connection_lost(exc)

    def _direct_route(self, cycle: RequestResponseCycle, app: Any) -> DirectRoute | None:
        scim = self.config.app
        if (
            app is not self.app  # uvicorn's 503 under limit_concurrency
            or not isinstance(scim, ScimApp)
            or cycle.waiting_for_100_continue
        ):
            return None
        route = scim.direct_route(cast("HTTPScope", cycle.scope))
        if route is None:
            return None
        headers = route.headers
        if not _PROXY_HEADERS.isdisjoint(headers):
            return None
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > HIGH_WATER_LIMIT):
            return None
        return route

    def _respond(self, cycle: RequestResponseCycle, route: DirectRoute) -> None:
        """Answer ``cycle``'s request once its writes are committed (:class:`_HeldAnswers`)."""
        scim = self.config.app
        assert isinstance(scim, ScimApp)
        store = scim.app_state().store
        if not isinstance(store, SqliteStore):
            self._send(cycle, scim.respond(cast("HTTPScope", cycle.scope), route, bytes(cycle.body)))
            return
        held = self._held
        if held is None or held.store is not store:
            held = _HELD.get(store)
            if held is None:
                held = _HELD[store] = _HeldAnswers(store)
            self._held = held  # the weak dictionary's lookup once a connection, not a request
        with store.grouped() as group:
            answer = scim.respond(cast("HTTPScope", cycle.scope), route, bytes(cycle.body))
        held.hold(self, cycle, answer, group)

    def _send(self, cycle: RequestResponseCycle, answer: ScimAnswer) -> None:
        """Write ``answer`` to ``cycle``'s request as :meth:`RequestResponseCycle.send` writes an
        ASGI answer: uvicorn's default headers first, ``connection: close`` unless kept alive."""
        if cycle.disconnected or self._joined.is_closing():
            return
        scope = cycle.scope
        status, headers, body = answer.encode(scope["method"])
        if self.access_log:  # uvicorn's access line, as RequestResponseCycle.send writes it
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(scope),
                scope["method"],
                get_path_with_query_string(scope),
                scope["http_version"],
                status,
            )
        content = [STATUS_LINE[status]]
        for name, value in (*cycle.default_headers, *headers):
            if HEADER_VALUE_RE.search(value):
                # What uvicorn does with such a header from the app: log it, drop the connection.
                method, path = scope["method"], scope["path"]
                self.logger.error("Invalid HTTP header value in the answer to %s %s", method, path)
                cycle.response_started = True
                self._joined.close()
                return
            content += (name, b": ", value, b"\r\n")
        if not cycle.keep_alive:
            content.append(b"connection: close\r\n")
        content += (b"\r\n", body)
        cycle.response_started = cycle.response_complete = True
        self._joined.write_now(b"".join(content))
        cycle.message_event.set()
        if not cycle.keep_alive:
            self._joined.close()
        cycle.on_response()


_LOST = ScimError(503, "the change could not be committed (see the server log); nothing was kept, retry it")


class _HeldAnswers:
    """The answers to the direct requests of one turn of the event loop, held until the store
    commits their writes together (:meth:`SqliteStore.grouped`), then sent in order.

    A server with many clients gets several requests in one turn (one poll of the sockets):
    one commit for all of them instead of one each, and the pages they share written once. The
    turn's last step commits (``call_soon`` runs after the I/O callbacks of the turn), so an
    answer waits for nothing but the requests that came with it; with one client, each request
    is its own group. An answer is sent only after the commit, so an acknowledged write survives
    ``kill -9``; if the commit fails, each request of the group gets a 503 instead.
    """

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.waiting: list[tuple[OneWriteProtocol, RequestResponseCycle, ScimAnswer, WriteGroup]] = []

    def hold(
        self, protocol: OneWriteProtocol, cycle: RequestResponseCycle, answer: ScimAnswer, group: WriteGroup
    ) -> None:
        if not self.waiting:
            protocol.loop.call_soon(self.release)
        self.waiting.append((protocol, cycle, answer, group))

    def release(self) -> None:
        self.store.end_group()
        waiting, self.waiting = self.waiting, []
        for protocol, cycle, answer, group in waiting:
            protocol._send(cycle, answer if group.committed else error_response(_LOST))


_HELD: weakref.WeakKeyDictionary[SqliteStore, _HeldAnswers] = weakref.WeakKeyDictionary()
