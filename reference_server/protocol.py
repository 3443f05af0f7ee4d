"""uvicorn's httptools protocol, answering the SCIM app's busiest routes without ASGI, each
response in one socket write.

uvicorn runs every request as an asyncio task around the ASGI app, which talks to it through
``receive``/``send`` coroutines and event dicts, and writes a response's head and body in two
``send`` calls. For the requests :class:`~reference_server.app.ScimApp` answers itself (its
:meth:`~reference_server.app.ScimApp.direct_route`: ``/Users`` and ``/Groups`` CRUD with the
right token), whose operations are synchronous, the task and the ASGI round trips are pure
overhead: here, once the request's body is in, :meth:`~reference_server.app.ScimApp.respond`
gives the answer and the protocol writes it at once, head and body in one write. The bytes are
those the ASGI path sends (``tests/reference_server/test_direct_routes.py``).

Such a request does not get uvicorn's request cycle either (an ``asyncio.Event`` and eleven
references, for a task that never runs): once its headers are in, it is a :class:`_DirectCycle`,
which has what uvicorn's pipelining, shutdown and disconnect handling read and write of a cycle,
so those stay uvicorn's. So does the keep-alive timeout, with one timer per idle period instead of
one armed after every answer and cancelled by the next request. In-process, over the user-only
lifecycle (bytes fed to the protocol, no socket), these two cut 23,000 of the 149,000
instructions that the HTTP side of a request cost (issue 17).

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
import urllib.parse
import weakref
from typing import Any, cast

import httptools
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


class _NoEvent:
    """The ``message_event`` of a request answered directly: no ASGI task waits on it."""

    __slots__ = ()

    def set(self) -> None:
        return None


class _DirectCycle:
    """What uvicorn's protocol reads and writes of a :class:`RequestResponseCycle`
    (``body``, ``more_body``, ``keep_alive``, ``disconnected``, ``response_complete``,
    ``message_event``), for a request :class:`ScimApp` answers itself. uvicorn's cycle is made for
    an ASGI task (an ``asyncio.Event`` to wake it, eleven references to keep); a direct request
    has no task, and this is a fifth of its cost to make."""

    __slots__ = ("body", "disconnected", "keep_alive", "more_body", "response_complete", "route", "scope")

    message_event = _NoEvent()
    waiting_for_100_continue = False

    def __init__(self, scope: HTTPScope, route: DirectRoute, keep_alive: bool) -> None:
        self.scope = scope
        self.route = route
        self.keep_alive = keep_alive
        self.body = bytearray()
        self.more_body = True
        self.disconnected = False
        self.response_complete = False


class OneWriteProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` answering :class:`ScimApp`'s direct routes itself, on a
    transport that joins a response's two writes.

    A direct request takes its own way through uvicorn's parser callbacks once its headers are
    in (:meth:`on_headers_complete`): a :class:`_DirectCycle` instead of uvicorn's cycle and task,
    answered when its body is complete. Everything else (another route, a ``503`` under
    ``limit_concurrency``, ``Expect: 100-continue``, an upgrade, a ``root_path``) is uvicorn's
    own code. The keep-alive timeout is uvicorn's too, with one timer per idle period instead of
    one armed after every response and cancelled by the next request (:meth:`on_response_complete`).
    """

    _joined: _JoinedWrites
    _scim: ScimApp | None = None
    """The app, when it answers requests directly (set once the connection is made)."""
    _waiting: _DirectCycle | None = None
    """The request being answered directly, until its body is complete."""
    _held: _HeldAnswers | None = None
    """The holder of the answers to this connection's requests (one per store)."""
    _idle_since: float | None = None
    """When the last response of this connection went out with no request after it (loop time),
    None while a request is in progress."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._joined = _JoinedWrites(transport, self.loop)
        super().connection_made(self._joined)  # type: ignore[arg-type]
        scim = self.config.app
        if isinstance(scim, ScimApp) and not self.root_path:
            self._scim = scim

    def on_headers_complete(self) -> None:
        scim = self._scim
        parser = self.parser
        limit = self.limit_concurrency
        if (
            scim is None
            or self.expect_100_continue
            or parser.should_upgrade()
            or (limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit))
        ):
            super().on_headers_complete()
            return
        # uvicorn's own reading of the request line (httptools_impl.on_headers_complete)
        scope: Any = self.scope  # uvicorn's HTTPScope, which Litestar's types spell otherwise
        http_version = parser.get_http_version()
        scope["method"] = parser.get_method().decode("ascii")
        if http_version != "1.1":
            scope["http_version"] = http_version
        url = httptools.parse_url(self.url)
        raw_path = url.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        scope["path"] = path
        scope["raw_path"] = raw_path
        scope["query_string"] = url.query or b""
        route = self._direct_route(scim, scope)
        if route is None:
            super().on_headers_complete()  # reads the line again, into an ASGI cycle
            return
        cycle = _DirectCycle(scope, route, http_version != "1.0" and parser.should_keep_alive())
        existing = self.cycle
        self.cycle = cycle  # type: ignore[assignment]
        if existing is None or existing.response_complete:
            self._waiting = cycle
        else:  # pipelined: started by on_response_complete once the one before is answered
            self.flow.pause_reading()
            self.pipeline.appendleft((cycle, self.app))  # type: ignore[arg-type]

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        started: RequestResponseCycle | _DirectCycle = cycle
        if type(started) is not _DirectCycle:
            super()._start_asgi_task(cycle, app)
        elif started.more_body:
            self._waiting = started
        else:  # a pipelined request, whose body came in while the one before was answered
            self._respond(started)

    def on_body(self, body: bytes) -> None:
        cycle: RequestResponseCycle | _DirectCycle = self.cycle
        if type(cycle) is _DirectCycle:
            cycle.body += body  # at most its Content-Length, below uvicorn's read limit
        else:
            super().on_body(body)

    def on_message_complete(self) -> None:
        cycle: RequestResponseCycle | _DirectCycle = self.cycle
        if type(cycle) is not _DirectCycle:
            super().on_message_complete()
            return
        cycle.more_body = False
        if self._waiting is cycle:
            self._waiting = None
            self._respond(cycle)

    def connection_lost(self, exc: Exception | None) -> None:
        self._waiting = None
        self._idle_since = None
        timer, self.timeout_keep_alive_task = self.timeout_keep_alive_task, None
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)

    # -- keep-alive: one timer per idle period ------------------------------------------------------

    def _unset_keepalive_if_required(self) -> None:
        # uvicorn cancels its timer here, when data comes in: the connection is busy again.
        self._idle_since = None

    def on_response_complete(self) -> None:
        # uvicorn's, arming the keep-alive timer only if none is armed: the timer finds out when
        # it fires whether the connection has been idle that long (_idle_check).
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self._idle_since = None
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
            return
        self._idle_since = self.loop.time()
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self._idle_check)

    def _idle_check(self) -> None:
        self.timeout_keep_alive_task = None
        since = self._idle_since
        if since is None:
            return  # a request is in progress: armed again once it is answered
        left = since + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self.timeout_keep_alive_task = self.loop.call_later(left, self._idle_check)
        else:
            self.timeout_keep_alive_handler()

    # -- the direct answer ----------------------------------------------------------------------------

    @staticmethod
    def _direct_route(scim: ScimApp, scope: HTTPScope) -> DirectRoute | None:
        route = scim.direct_route(scope)
        if route is None:
            return None
        headers = route.headers
        if not _PROXY_HEADERS.isdisjoint(headers):
            return None  # uvicorn's ProxyHeadersMiddleware rewrites what the app sees
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > HIGH_WATER_LIMIT):
            return None
        return route

    def _respond(self, cycle: _DirectCycle) -> None:
        """Answer ``cycle``'s request once its writes are committed (:class:`_HeldAnswers`)."""
        scim = self._scim
        assert scim is not None
        store = scim.app_state().store
        if not isinstance(store, SqliteStore):
            self._send(cycle, scim.respond(cycle.scope, cycle.route, bytes(cycle.body)))
            return
        held = self._held
        if held is None or held.store is not store:
            held = _HELD.get(store)
            if held is None:
                held = _HELD[store] = _HeldAnswers(store)
            self._held = held  # the weak dictionary's lookup once a connection, not a request
        with store.grouped() as group:
            answer = scim.respond(cycle.scope, cycle.route, bytes(cycle.body))
        held.hold(self, cycle, answer, group)

    def _send(self, cycle: _DirectCycle, answer: ScimAnswer) -> None:
        """Write ``answer`` to ``cycle``'s request as :meth:`RequestResponseCycle.send` writes an
        ASGI answer: uvicorn's default headers first, ``connection: close`` unless kept alive."""
        if cycle.disconnected or self._joined.is_closing():
            return
        scope = cycle.scope
        status, headers, body = answer.encode(scope["method"])
        if self.access_log:  # uvicorn's access line, as RequestResponseCycle.send writes it
            logged = cast("Any", scope)
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(logged),
                scope["method"],
                get_path_with_query_string(logged),
                scope["http_version"],
                status,
            )
        defaults = _default_headers(self.server_state.default_headers)
        if defaults is None:
            self._drop(scope)
            return
        content = [STATUS_LINE[status], defaults]
        for name, value in headers:
            if HEADER_VALUE_RE.search(value):
                self._drop(scope)
                return
            content += (name, b": ", value, b"\r\n")
        if not cycle.keep_alive:
            content.append(b"connection: close\r\n")
        content += (b"\r\n", body)
        cycle.response_complete = True
        self._joined.write_now(b"".join(content))
        if not cycle.keep_alive:
            self._joined.close()
        self.on_response_complete()

    def _drop(self, scope: HTTPScope) -> None:
        """What uvicorn does with a header value it must not send: log it, drop the connection."""
        self.logger.error("Invalid HTTP header value in the answer to %s %s", scope["method"], scope["path"])
        self._joined.close()


_DEFAULTS: list[tuple[list[tuple[bytes, bytes]], bytes | None]] = []
"""The last list of uvicorn's default headers and its bytes (uvicorn makes a new list when the
``date`` changes, once a second)."""


def _default_headers(defaults: list[tuple[bytes, bytes]]) -> bytes | None:
    """uvicorn's default headers (``server``, ``date``, any configured) as sent; None if one has a
    value uvicorn would refuse to send."""
    if _DEFAULTS and _DEFAULTS[0][0] is defaults:
        return _DEFAULTS[0][1]
    block: bytes | None = None
    if not any(HEADER_VALUE_RE.search(value) for _, value in defaults):
        block = b"".join(b"%s: %s\r\n" % (name, value) for name, value in defaults)
    _DEFAULTS[:] = [(defaults, block)]
    return block


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
        self.waiting: list[tuple[OneWriteProtocol, _DirectCycle, ScimAnswer, WriteGroup]] = []

    def hold(
        self, protocol: OneWriteProtocol, cycle: _DirectCycle, answer: ScimAnswer, group: WriteGroup
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
