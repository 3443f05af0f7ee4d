"""The Litestar application: routing, bearer authentication, and SCIM errors for every failure.

Every response under the SCIM base path is ``application/scim+json``, every failure an RFC 7644
§3.12 Error body, whatever raised it: the router (404, 405 with ``Allow``), the body limit (413),
a wrong token (401 with ``WWW-Authenticate: Bearer``), or an unexpected bug (500, details logged,
never echoed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Litestar, Request, Response, Router, route
from litestar.datastructures import State
from litestar.enums import HttpMethod, ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, Scope, Send

from reference_server.config import BASE_PATH, OBSERVER_PATH, ServerConfig
from reference_server.errors import ScimError
from reference_server.handlers.bulk import bulk
from reference_server.handlers.discovery import discovery_router
from reference_server.handlers.resources import resource_router
from reference_server.handlers.root import root_router
from reference_server.service import Effects, resources_for
from reference_server.storage.base import Store
from reference_server.storage.sqlite import SqliteStore
from reference_server.wire import SCIM_MEDIA_TYPE, bearer_matches, error_response, unauthorized
from schemas import RESOURCE_TYPES

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


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
    return error_response(ScimError(500, "internal server error"))


@route(["/Me", "/Me/{rest:path}"], http_method=_ALL_METHODS)
async def me(request: Request[Any, Any, Any]) -> Response[bytes]:
    """RFC 7644 §3.11: /Me is unsupported here, so 501."""
    raise ScimError(501, "/Me is not supported by this server")


def _base_url_cache() -> Callable[[Request[Any, Any, Any]], str]:
    """The SCIM base URL of a request, computed once per (scheme, Host, server, root path): every
    response names it (``meta.location``), and Litestar builds a URL object for it each time."""
    known: dict[tuple[Any, ...], str] = {}

    def base_url(request: Request[Any, Any, Any]) -> str:
        scope = request.scope
        host = next((v for k, v in scope["headers"] if k == b"host"), b"")
        key = (
            scope.get("scheme"),
            host,
            scope.get("server"),
            scope.get("app_root_path"),
            scope.get("root_path"),
        )
        found = known.get(key)
        if found is None:
            if len(known) >= 256:
                known.clear()  # the Host header is the client's: keep the cache bounded
            found = known[key] = str(request.base_url).rstrip("/") + BASE_PATH
        return found

    return base_url


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

    return Litestar(
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
                "base_url": _base_url_cache(),
            }
        ),
        request_max_body_size=config.max_body_bytes,
        on_startup=on_startup or [],
        on_shutdown=[*(on_shutdown or []), close_store],
        openapi_config=None,
        debug=False,
    )
