"""The Litestar application: routing, bearer authentication, and SCIM errors for every failure.

Every response under the SCIM base path is ``application/scim+json``, every failure an RFC 7644
§3.12 Error body, whatever raised it: the router (404, 405 with ``Allow``), the body limit (413),
a wrong token (401 with ``WWW-Authenticate: Bearer``), or an unexpected bug (500, details logged,
never echoed).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple, cast
from urllib.parse import unquote_to_bytes

from litestar import Litestar, Request, Response, Router, route
from litestar._parsers import parse_qsl
from litestar.datastructures import URL, MultiDict, State
from litestar.enums import HttpMethod, ScopeType
from litestar.exceptions import HTTPException
from litestar.types import (
    ASGIApp,
    HTTPScope,
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Receive,
    Scope,
    Send,
)

from reference_server.config import BASE_PATH, OBSERVER_PATH, ServerConfig
from reference_server.errors import ScimError
from reference_server.handlers.bulk import bulk
from reference_server.handlers.discovery import discovery_router
from reference_server.handlers.resources import (
    Call,
    do_create,
    do_delete,
    do_modify,
    do_query,
    do_read,
    do_replace,
    resource_router,
)
from reference_server.handlers.root import root_router
from reference_server.service import Effects, resources_for
from reference_server.storage.base import Store
from reference_server.storage.sqlite import SqliteStore
from reference_server.wire import (
    SCIM_MEDIA_TYPE,
    ScimAnswer,
    bearer_matches,
    error_response,
    scim_response,
    unauthorized,
)
from schemas import RESOURCE_TYPES, ResourceType

log = logging.getLogger("reference_server")

_ALL_METHODS = [
    HttpMethod.GET,
    HttpMethod.POST,
    HttpMethod.PUT,
    HttpMethod.PATCH,
    HttpMethod.DELETE,
    HttpMethod.HEAD,
    HttpMethod.OPTIONS,
]


def _auth_middleware(config: ServerConfig) -> Callable[[ASGIApp], ASGIApp]:
    """Check the bearer token before routing, so unknown paths reveal nothing to a stranger.

    The SCIM API and the observer API have separate tokens; neither opens the other.
    """

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP:
                path: str = scope["path"]
                token, realm = None, ""
                if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
                    token, realm = config.token, "scim"
                elif path == OBSERVER_PATH or path.startswith(OBSERVER_PATH + "/"):
                    token, realm = config.observer_token, "observer"
                if token is not None:
                    header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
                    if not bearer_matches(header.decode("latin-1") if header else None, token):
                        await _send_error(send, unauthorized(realm))
                        return
            await app(scope, receive, send)

        return middleware

    return factory


async def _send_error(send: Send, error: ScimError) -> None:
    body = json.dumps(error.body()).encode()
    headers = [(b"content-type", SCIM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 404:
        return error_response(ScimError(404, f"no such endpoint: {request.method} {request.url.path}"))
    if status == 405:
        allow = headers.get("allow") or headers.get("Allow") or ""
        return error_response(
            ScimError(
                405, f"{request.method} is not allowed here; allowed: {allow}", headers={"Allow": allow}
            )
        )
    if status == 413:
        limit = request.app.state.config.max_body_bytes
        return error_response(ScimError(413, f"the request body exceeds the limit of {limit} bytes"))
    if status == 400:
        return error_response(ScimError(400, str(exc.detail), "invalidValue"))
    return error_response(ScimError(status, str(exc.detail)))


def _scim_error(_: Request[Any, Any, Any], exc: ScimError) -> Response[bytes]:
    return error_response(exc)


def _internal_error(method: str, path: str, exc: Exception) -> ScimAnswer:
    """A 500 for an exception nothing else handled, logged with its traceback (never sent)."""
    log.error("unhandled %s on %s %s", type(exc).__name__, method, path, exc_info=exc)
    return error_response(ScimError(500, "internal server error"))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    return _internal_error(request.method, request.url.path, exc)


@route(["/Me", "/Me/{rest:path}"], http_method=_ALL_METHODS)
async def me(request: Request[Any, Any, Any]) -> Response[bytes]:
    """RFC 7644 §3.11: /Me is unsupported here, so 501."""
    raise ScimError(501, "/Me is not supported by this server")


class _BaseUrls:
    """The SCIM base URL of a request, computed once per (scheme, Host, server, root path): every
    response names it (``meta.location``), and Litestar builds a URL object for it each time.
    The same computation as Litestar's ``Request.base_url``."""

    def __init__(self) -> None:
        self.known: dict[tuple[Any, ...], str] = {}

    def __call__(self, request: Request[Any, Any, Any]) -> str:
        return self.of(request.scope)

    def of(self, scope: Scope, host: bytes | None = None) -> str:
        """The base URL of ``scope``'s request; ``host`` is its Host header if the caller has it."""
        if host is None:
            host = next((v for k, v in scope["headers"] if k == b"host"), b"")
        root = scope.get("app_root_path") or scope.get("root_path", "")
        key = (scope.get("scheme"), host, scope.get("server"), root)
        found = self.known.get(key)
        if found is None:
            if len(self.known) >= 256:
                self.known.clear()  # the Host header is the client's: keep the cache bounded
            base = URL.from_scope(
                cast("Scope", {**scope, "path": "/", "query_string": b"", "root_path": root})
            )
            found = self.known[key] = str(base).rstrip("/") + BASE_PATH
        return found


_DIRECT = {
    (False, "GET"): "query",
    (False, "POST"): "create",
    (True, "GET"): "read",
    (True, "PUT"): "replace",
    (True, "PATCH"): "modify",
    (True, "DELETE"): "delete",
}
"""The routes :class:`ScimApp` answers itself: (with a resource id, method) -> operation."""

_READ_HEADERS = frozenset(
    {
        b"host",
        b"authorization",
        b"content-length",
        b"content-type",
        b"if-match",
        b"if-none-match",
        b"transfer-encoding",
        b"x-forwarded-proto",
        b"x-forwarded-for",
    }
)
"""The headers the direct path reads, taken in one pass over the request's (first values)."""


class DirectRoute(NamedTuple):
    """A request :class:`ScimApp` answers itself."""

    operation: str
    rtype: ResourceType
    resource_id: str
    """The id, or "" for the collection."""
    headers: dict[bytes, bytes]
    """The first value of each header of :data:`_READ_HEADERS` the request has."""


class AppState(NamedTuple):
    """What the direct path reads of the app's ``State``, read once: ``State`` finds an attribute
    through ``__getattr__`` after a miss along its MRO (0.7 µs), and a request read it up to four
    times. Handlers read ``call.state.config`` / ``.resources`` from either."""

    config: ServerConfig
    resources: dict[str, Any]
    store: Store


class ScimApp(Litestar):
    """The Litestar app, answering its busiest routes directly.

    The create/query/read/replace/patch/delete routes of ``/Users`` and ``/Groups`` (what an IdP
    sends all day) skip Litestar's routing, middleware stack, request object and signature
    parsing: a request that is plainly one of them, carries the right bearer token and a body
    within the limit with its ``Content-Length`` goes to the same operations
    (``handlers.resources.do_*``) as the Litestar routes, and errors become the same responses as
    the exception handlers make. Everything else (a wrong token, another path or method, a
    ``HEAD``, a chunked or oversized body, a trailing slash) goes through Litestar as before.
    """

    scim_config: ServerConfig
    base_urls: _BaseUrls
    direct: bool = True
    """False sends every request through Litestar (the tests compare both paths)."""
    _app_state: AppState | None = None
    _bearer_header: tuple[str, bytes | None] | None = None

    async def __call__(
        self, scope: Scope | LifeSpanScope, receive: Receive | LifeSpanReceive, send: Send | LifeSpanSend
    ) -> None:
        if scope["type"] == ScopeType.HTTP:
            http = cast("HTTPScope", scope)
            direct = self.direct_route(http)
            if direct is not None:
                await self._answer(http, cast("Receive", receive), cast("Send", send), direct)
                return
        await super().__call__(scope, receive, send)

    def direct_route(self, scope: HTTPScope) -> DirectRoute | None:
        """The operation :meth:`respond` performs for a request, or None if Litestar answers it."""
        if not self.direct:
            return None
        path: str = scope["path"]
        if not path.startswith(_BASE_SLASH) or scope.get("root_path"):
            return None
        endpoint, _, rest = path[len(_BASE_SLASH) :].partition("/")
        rtype = _ENDPOINTS.get(endpoint)
        if rtype is None or "/" in rest or rest == ".search" or (not rest and path.endswith("/")):
            return None
        operation = _DIRECT.get((bool(rest), scope["method"]))
        if operation is None:
            return None
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in _READ_HEADERS:
                if name in headers:
                    if name == b"content-length":
                        return None  # two lengths: left to Litestar, as a chunked body is
                    continue
                headers[name] = value
        if b"transfer-encoding" in headers:
            return None
        header = headers.get(b"authorization")
        expected = self._bearer()
        if header is None or not (
            (expected is not None and hmac.compare_digest(header, expected))
            or bearer_matches(header.decode("latin-1"), self.scim_config.token)
        ):
            return None  # Litestar's middleware answers 401
        length = headers.get(b"content-length")
        if operation in ("create", "replace", "modify") and (
            length is None or not length.isdigit() or int(length) > self.scim_config.max_body_bytes
        ):
            return None
        return DirectRoute(operation, rtype, rest, headers)

    async def _answer(self, scope: HTTPScope, receive: Receive, send: Send, route: DirectRoute) -> None:
        body = b""
        if route[0] in ("create", "replace", "modify"):
            chunks: list[bytes] = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away: nothing to answer
                chunks.append(message["body"])
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
        await self.respond(scope, route, body)(scope, receive, send)

    def _bearer(self) -> bytes | None:
        """``Authorization: Bearer <token>`` as clients send it, compared first: equal bytes are
        what :func:`bearer_matches` accepts, and any other spelling (``bearer``, more spaces) or
        a wrong token goes through it, in constant time. None for a token that is not ASCII."""
        token = self.scim_config.token
        known = self._bearer_header
        if known is None or known[0] is not token:
            known = self._bearer_header = (
                token,
                b"Bearer " + token.encode() if token.isascii() and token else None,
            )
        return known[1]

    def app_state(self) -> AppState:
        """The app's state as the direct path reads it (set once the app is built)."""
        known = self._app_state
        if known is None:
            state = self.state
            known = self._app_state = AppState(state.config, state.resources, state.store)
        return known

    def respond(self, scope: HTTPScope, route: DirectRoute, body: bytes) -> ScimAnswer:
        """The answer to a request :meth:`direct_route` took, whose whole body is ``body``: what
        the Litestar route and exception handlers would answer."""
        operation, rtype, rest, headers = route
        try:
            call = Call(
                self.app_state(),
                _query_params(scope.get("query_string", b"")),
                _header_reader(scope, headers),
                self.base_urls.of(scope, headers.get(b"host", b"")),
            )
            if operation == "query":
                return do_query(call, rtype)
            if operation == "create":
                return do_create(call, rtype, body)
            if operation == "read":
                return do_read(call, rtype, rest)
            if operation == "replace":
                return do_replace(call, rtype, rest, body)
            if operation == "modify":
                return do_modify(call, rtype, rest, body)
            do_delete(call, rtype, rest)
            return scim_response(None, 204)
        except ScimError as exc:
            return error_response(exc)
        except Exception as exc:
            return _internal_error(scope["method"], scope["path"], exc)


_BASE_SLASH = BASE_PATH + "/"
_ENDPOINTS = {t.endpoint.strip("/"): t for t in RESOURCE_TYPES}


_NO_QUERY: Mapping[str, Any] = MappingProxyType({})


def _query_params(raw: bytes) -> Mapping[str, Any]:
    """The query parameters as Litestar's ``Request.query_params`` has them: the pairs of
    ``parse_qsl`` on ``&``, blank values kept, in a ``MultiDict``."""
    return MultiDict(_query_pairs(raw)) if raw else _NO_QUERY


@lru_cache(1024)
def _query_pairs(raw: bytes) -> tuple[tuple[str, str], ...]:
    """``parse_qsl``'s pairs, remembered as Litestar's ``parse_query_string`` does (an identity
    provider looks the same user up more than once: before a create, and again after it).

    An ASCII query string (what clients send: RFC 3986 percent-encodes the rest) is split here
    and each part percent-decoded as UTF-8 in one step, which is what ``parse_qsl`` comes to for
    it at half the cost (``tests/reference_server/test_query_params.py``)."""
    if not raw.isascii():
        return tuple(parse_qsl(raw, separator="&"))
    pairs = []
    for part in raw.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            pairs.append((_unquote(name), _unquote(value)))
    return tuple(pairs)


def _unquote(part: bytes) -> str:
    """``unquote_plus`` of an ASCII query string part, invalid UTF-8 replaced (as ``parse_qsl``)."""
    return unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8", "replace")


def _header_reader(scope: HTTPScope, read: dict[bytes, bytes]) -> Callable[[str], str | None]:
    """A header's first value by lower-case name (as Litestar's ``Headers.get``), from ``read``
    (:attr:`DirectRoute.headers`) for the names it holds."""

    def header(name: str) -> str | None:
        key = name.encode("latin-1")
        if key in _READ_HEADERS:
            value = read.get(key)
            return None if value is None else value.decode("latin-1")
        return next((v.decode("latin-1") for k, v in scope["headers"] if k == key), None)

    return header


def create_app(
    config: ServerConfig,
    *,
    store: Store | None = None,
    effects: Effects | None = None,
    extra_routers: list[Router] | None = None,
    on_startup: list[Callable[[Litestar], Awaitable[None] | None]] | None = None,
    on_shutdown: list[Callable[[Litestar], Awaitable[None] | None]] | None = None,
) -> Litestar:
    """Build the SCIM app for ``config`` on ``store``, any implementation of the storage contract
    (by default the SQLite store of ``config.db_path``, opened now); it closes on shutdown."""
    store = store if store is not None else SqliteStore(config.db_path)
    scim = Router(
        path=BASE_PATH,
        route_handlers=[
            discovery_router(),
            root_router(),
            me,
            bulk,
            *(resource_router(t) for t in RESOURCE_TYPES),
        ],
    )

    def close_store(_: Litestar) -> None:
        store.close()

    base_urls = _BaseUrls()
    app = ScimApp(
        route_handlers=[scim, *(extra_routers or [])],
        middleware=[_auth_middleware(config)],
        exception_handlers={
            ScimError: _scim_error,
            HTTPException: _http_exception,
            Exception: _unexpected,
        },
        state=State(
            {
                "config": config,
                "store": store,
                "resources": resources_for(store, effects),
                "base_url": base_urls,
            }
        ),
        request_max_body_size=config.max_body_bytes,
        on_startup=on_startup or [],
        on_shutdown=[*(on_shutdown or []), close_store],
        openapi_config=None,
        debug=False,
    )
    app.scim_config = config
    app.base_urls = base_urls
    return app
