"""Deliberately broken SCIM servers: the reference server with one named fault injected.

Each fault breaks one thing OneLogin (or the RFC) depends on, by rewriting the requests the real
reference server sees or the responses it sends; everything else stays correct, so a test shows
that the simulator pinpoints *that* fault. Use one with::

    with faulty_server("create-200", make_config(tmp_path / "scim.db")) as server:
        ...  # server.base_url answers POST /Users with 200 instead of 201

Adding a fault is a few lines: a subclass of :class:`Fault` registered under a name, whose
docstring says what it breaks and which OneLogin fact or RFC clause a correct server follows, and
which overrides :meth:`Fault.request` (rewrite the request, or answer it without the server)
and/or :meth:`Fault.response` (rewrite the answer)::

    @fault("no-etag")
    class NoEtag(Fault):
        \"\"\"Drops ETag headers (RFC 7644 §3.14: a server supporting etags returns them).\"\"\"

        def response(self, request: Request, response: Response) -> Response:
            return response.without_header("etag")
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from harness.target import embedded_server
from reference_server.config import BASE_PATH, ServerConfig
from reference_server.embedded import EmbeddedServer
from reference_server.server import build_server

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"
LEGACY_CORE = "urn:scim:schemas:core:2.0"


@dataclass(frozen=True)
class Request:
    """The request as the fault sees it; ``path`` is relative to the SCIM base path (``/Users/x``)."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def with_json(self, value: Any) -> Request:
        return replace(self, body=json.dumps(value).encode())

    def is_(self, method: str, collection: str, *, item: bool | None = None) -> bool:
        """``method`` on ``/Users`` (``collection``), on the collection only, an item only, or either."""
        parts = self.path.strip("/").split("/")
        if self.method != method or parts[0] != collection:
            return False
        return item is None or item == (len(parts) > 1)


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def with_json(self, value: Any) -> Response:
        return replace(self, body=json.dumps(value).encode())

    def with_header(self, name: str, value: str) -> Response:
        kept = tuple(h for h in self.headers if h[0].lower() != name.lower().encode())
        return replace(self, headers=(*kept, (name.lower().encode(), value.encode())))

    def without_header(self, name: str) -> Response:
        return replace(self, headers=tuple(h for h in self.headers if h[0].lower() != name.lower().encode()))


def scim_error(status: int, detail: str, scim_type: str | None = None) -> Response:
    """An RFC 7644 §3.12 Error response, as a fault answers a request itself."""
    body: dict[str, Any] = {"schemas": [ERROR_URN], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return Response(status, ((b"content-type", b"application/scim+json"),), json.dumps(body).encode())


class Fault:
    """Passes everything through; subclasses override :meth:`request` and/or :meth:`response`."""

    name: ClassVar[str] = ""

    def request(self, request: Request) -> Request | Response:
        """Rewrite the request, or return a :class:`Response` to answer it without the server."""
        return request

    def response(self, request: Request, response: Response) -> Response:
        """Rewrite the server's answer to ``request``."""
        return response

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """The ASGI app that applies this fault to SCIM requests in front of ``app``."""

        async def faulty(scope: Scope, receive: Receive, send: Send) -> None:
            path: str = scope.get("path", "")
            if scope["type"] != "http" or not path.startswith(BASE_PATH + "/"):
                await app(scope, receive, send)
                return
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            original = Request(
                scope["method"],
                path[len(BASE_PATH) :],
                scope.get("query_string", b"").decode("latin-1"),
                tuple(scope["headers"]),
                body,
            )
            rewritten = self.request(original)
            if isinstance(rewritten, Response):
                await _send(send, self.response(original, rewritten))
                return
            answer = await _call(app, _scope(scope, rewritten), rewritten.body)
            await _send(send, self.response(rewritten, answer))

        return faulty


def _scope(scope: Scope, request: Request) -> Scope:
    full = BASE_PATH + request.path
    headers = [(k, v) for k, v in request.headers if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(request.body)).encode()))
    return {
        **scope,
        "method": request.method,
        "path": full,
        "raw_path": full.encode(),
        "query_string": request.query.encode("latin-1"),
        "headers": headers,
    }


async def _call(app: ASGIApp, scope: Scope, body: bytes) -> Response:
    sent = False
    status, headers, chunks = 500, (), []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def capture(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], tuple(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return Response(status, headers, b"".join(chunks))


async def _send(send: Send, response: Response) -> None:
    headers = [(k, v) for k, v in response.headers if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})


FAULTS: dict[str, type[Fault]] = {}


def fault(name: str) -> Callable[[type[Fault]], type[Fault]]:
    """Register a :class:`Fault` subclass under ``name``."""

    def register(cls: type[Fault]) -> type[Fault]:
        cls.name = name
        FAULTS[name] = cls
        return cls

    return register


def faulty_server(name: str, config: ServerConfig) -> EmbeddedServer:
    """The reference server for ``config`` with fault ``name`` in front (start it with ``with``)."""
    app = FAULTS[name]().wrap(build_server(config))  # type: ignore[arg-type]
    return embedded_server(config, app)  # type: ignore[arg-type]


# --- the faults ------------------------------------------------------------------------------------


@fault("ignore-active-on-put")
class IgnoreActiveOnPut(Fault):
    """Drops ``active`` from ``PUT /Users/{id}``: suspending never takes effect.

    OneLogin suspends with a PUT of the whole template plus ``"active": false``
    (onelogin-profile.md); RFC 7644 §3.5.1 replaces the resource with what is sent.
    """

    def request(self, request: Request) -> Request | Response:
        body = request.json()
        if request.is_("PUT", "Users", item=True) and isinstance(body, dict):
            return request.with_json({k: v for k, v in body.items() if k.lower() != "active"})
        return request


@fault("reject-legacy-urns")
class RejectLegacyUrns(Fault):
    """Answers 400 to user bodies with the legacy ``urn:scim:schemas:core:2.0`` URN.

    OneLogin's default SCIM v2 template sends the legacy URNs [seen] (onelogin-profile.md).
    """

    def request(self, request: Request) -> Request | Response:
        body = request.json()
        writes = request.is_("POST", "Users") or request.is_("PUT", "Users")
        if writes and isinstance(body, dict) and LEGACY_CORE in (body.get("schemas") or []):
            return scim_error(400, f"unknown schema {LEGACY_CORE}", "invalidValue")
        return request


@fault("create-404")
class Create404(Fault):
    """Answers ``POST /Users`` with 404 (RFC 7644 §3.3: 201 Created; OneLogin needs 201 [doc])."""

    def request(self, request: Request) -> Request | Response:
        if request.is_("POST", "Users", item=False):
            return scim_error(404, "not found")
        return request


@fault("create-without-name")
class CreateWithoutName(Fault):
    """Drops ``name`` from the 201 of ``POST /Users``: OneLogin needs ``name.givenName`` and
    ``name.familyName`` in the create response [doc]."""

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if request.is_("POST", "Users", item=False) and response.status == 201 and isinstance(body, dict):
            return response.with_json({k: v for k, v in body.items() if k != "name"})
        return response


@fault("create-without-id")
class CreateWithoutId(Fault):
    """Drops ``id`` from the 201 of ``POST /Users`` (RFC 7643 §3.1: ``id`` is always returned;
    OneLogin links the app user by it [doc])."""

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if request.is_("POST", "Users", item=False) and response.status == 201 and isinstance(body, dict):
            return response.with_json({k: v for k, v in body.items() if k != "id"})
        return response


@fault("ignore-filters")
class IgnoreFilters(Fault):
    """Ignores ``filter`` on ``GET /Users`` and ``GET /Groups``: every lookup lists everyone.

    RFC 7644 §3.4.2.2; OneLogin finds users by ``userName eq`` before creating them [doc].
    """

    def request(self, request: Request) -> Request | Response:
        if request.method == "GET" and request.query:
            kept = [p for p in request.query.split("&") if p and not p.lower().startswith("filter=")]
            return replace(request, query="&".join(kept))
        return request


@fault("create-200")
class Create200(Fault):
    """Answers a successful ``POST`` with 200 instead of 201 (RFC 7644 §3.3; OneLogin accepts 201)."""

    def response(self, request: Request, response: Response) -> Response:
        if request.method == "POST" and response.status == 201:
            return replace(response, status=200)
        return response


@fault("wrong-content-type")
class WrongContentType(Fault):
    """Labels SCIM JSON as ``text/html`` (RFC 7644 §3.1 / §8.1: ``application/scim+json``)."""

    def response(self, request: Request, response: Response) -> Response:
        return response.with_header("content-type", "text/html; charset=utf-8") if response.body else response


@fault("error-status-as-number")
class ErrorStatusAsNumber(Fault):
    """Sends an Error's ``status`` as a JSON number (RFC 7644 §3.12: it is a string)."""

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if response.status >= 400 and isinstance(body, dict) and isinstance(body.get("status"), str):
            return response.with_json({**body, "status": int(body["status"])})
        return response


@fault("throttled")
class Throttled(Fault):
    """Answers every third request with 429 and ``Retry-After: 0`` (RFC 6585 §4), never the same
    request twice. Not a bug: OneLogin's client retries [?, the profile's retry knobs], so a run
    against it must end with no problem, only retries."""

    def __init__(self) -> None:
        self.counter = itertools.count()
        self.throttled: set[tuple[str, str, str, bytes]] = set()

    def request(self, request: Request) -> Request | Response:
        key = (request.method, request.path, request.query, request.body)
        if next(self.counter) % 3 == 2 and key not in self.throttled:
            self.throttled.add(key)
            return scim_error(429, "too many requests").with_header("retry-after", "0")
        return request
