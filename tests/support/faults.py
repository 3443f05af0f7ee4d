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

import contextlib
import itertools
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl

from harness.target import embedded_server
from reference_server.config import BASE_PATH, ServerConfig
from reference_server.domain import Accounts, Deprovisioning
from reference_server.domain.effects import schedule_rotations
from reference_server.embedded import EmbeddedServer
from reference_server.server import build_server
from reference_server.service import Effects, utc_now
from reference_server.storage.base import Doc, Store, Transaction
from reference_server.storage.records import DuplicateGrant, Grant

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"
LEGACY_CORE = "urn:scim:schemas:core:2.0"


class _JsonBody:
    """``json()`` and ``with_json()`` for a frozen message dataclass with a ``body``."""

    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def with_json(self, value: Any) -> Self:
        return replace(self, body=json.dumps(value).encode())  # type: ignore[type-var]


@dataclass(frozen=True)
class Request(_JsonBody):
    """The request as the fault sees it; ``path`` is relative to the SCIM base path (``/Users/x``)."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    def is_(self, method: str, collection: str, *, item: bool | None = None) -> bool:
        """``method`` on ``/Users`` (``collection``), on the collection only, an item only, or either."""
        parts = self.path.strip("/").split("/")
        if self.method != method or parts[0] != collection:
            return False
        return item is None or item == (len(parts) > 1)


@dataclass(frozen=True)
class Response(_JsonBody):
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

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

    def effects(self, clock: Callable[[], str]) -> Effects | None:
        """The app-side domain's effects to run instead of the real deprovisioning (None: the real)."""
        return None

    def accounts(self) -> Callable[[Store, Callable[[], str]], Accounts] | None:
        """What builds the observer's accounts and grants instead of the real ones (None: the real)."""
        return None

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
    broken = FAULTS[name]()
    effects = broken.effects(utc_now)
    accounts = broken.accounts()
    server = (
        build_server(config, effects)
        if accounts is None
        else build_server(config, effects, accounts=accounts)
    )
    app = broken.wrap(server)  # type: ignore[arg-type]
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


class _DropFromCreate(Fault):
    """Drops ``key`` from the 201 of ``POST /Users``."""

    key: ClassVar[str]

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if request.is_("POST", "Users", item=False) and response.status == 201 and isinstance(body, dict):
            return response.with_json({k: v for k, v in body.items() if k != self.key})
        return response


@fault("create-without-name")
class CreateWithoutName(_DropFromCreate):
    """Drops ``name`` from the 201 of ``POST /Users``: OneLogin needs ``name.givenName`` and
    ``name.familyName`` in the create response [doc]."""

    key = "name"


@fault("create-without-id")
class CreateWithoutId(_DropFromCreate):
    """Drops ``id`` from the 201 of ``POST /Users`` (RFC 7643 §3.1: ``id`` is always returned;
    OneLogin links the app user by it [doc])."""

    key = "id"


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


# --- more faults: each is caught by at least one scenario of the feature suite ------------------------
# (tests/test_suite_faults.py runs the suite against each; the docstring names the catching scenario)

LIST_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def _without_params(query: str, *names: str) -> str:
    """``query`` without the parameters ``names`` (compared case-insensitively)."""
    drop = tuple(n.lower() + "=" for n in names)
    return "&".join(p for p in query.split("&") if p and not p.lower().startswith(drop))


def _resources(body: Any) -> list[dict[str, Any]]:
    """The resources in a response body: the body itself, or a ListResponse's ``Resources``."""
    if not isinstance(body, dict):
        return []
    if LIST_URN in (body.get("schemas") or []):
        return [r for r in body.get("Resources") or [] if isinstance(r, dict)]
    return [body] if "id" in body else []


@fault("password-returned")
class PasswordReturned(Fault):
    """Returns the ``password`` a client sent, in the answer to its ``POST``/``PUT``.

    RFC 7643 §4.1 / §7: ``password`` is ``returned: never`` and MUST NOT appear in any response
    (checklist R-10). Caught by "A password is accepted but never returned" (users/create).
    """

    def response(self, request: Request, response: Response) -> Response:
        sent, body = request.json(), response.json()
        writes = request.is_("POST", "Users", item=False) or request.is_("PUT", "Users", item=True)
        if writes and isinstance(sent, dict) and "password" in sent and isinstance(body, dict):
            return response.with_json({**body, "password": sent["password"]})
        return response


@fault("paging-zero-based")
class PagingZeroBased(Fault):
    """Reads ``startIndex`` as 0-based (off by one): ``startIndex=1`` skips the first result.

    RFC 7644 §3.4.2.4: ``startIndex`` is 1-based (checklist Q-10). The answer still claims the
    asked ``startIndex``. Caught by "Paging through the directory finds every user once" and
    "A posted search pages like a query" (query).
    """

    def request(self, request: Request) -> Request | Response:
        if request.method != "GET" or "startindex=" not in request.query.lower():
            return request
        params = []
        for part in request.query.split("&"):
            key, _, value = part.partition("=")
            if key.lower() == "startindex" and value.lstrip("-").isdigit():
                part = f"{key}={max(int(value), 1) + 1}"
            params.append(part)
        return replace(request, query="&".join(params))

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("startIndex"), int) and body["startIndex"] > 1:
            return response.with_json({**body, "startIndex": body["startIndex"] - 1})
        return response


@fault("no-match-404")
class NoMatch404(Fault):
    """Answers 404 to a query that matches nothing, instead of an empty ListResponse.

    RFC 7644 §3.4.2: no match is 200 with ``totalResults`` 0 (checklist Q-02). OneLogin accepts
    either for its connection test [doc], so only the RFC scenario catches it: "A filter that
    matches nobody answers an empty list, not an error" (query/results).
    """

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if request.method == "GET" and isinstance(body, dict) and body.get("totalResults") == 0:
            return scim_error(404, "no resource matches")
        return response


@fault("no-etag")
class NoEtag(Fault):
    """Drops the ``ETag`` header while ``/ServiceProviderConfig`` still claims ``etag.supported``.

    RFC 7644 §3.14: the version MUST be sent in the ETag header (checklist V-01). Caught by
    "A new user carries its version" (etags).
    """

    def response(self, request: Request, response: Response) -> Response:
        return response.without_header("etag")


@fault("if-match-ignored")
class IfMatchIgnored(Fault):
    """Ignores ``If-Match``: a change based on a stale version goes through.

    RFC 7644 §3.14 / RFC 7232 §3.1: a mismatched ``If-Match`` is 412 (checklist V-02). Caught by
    "A replacement based on a stale version is refused" (etags).
    """

    def request(self, request: Request) -> Request | Response:
        return replace(request, headers=tuple(h for h in request.headers if h[0].lower() != b"if-match"))


@fault("case-sensitive-username")
class CaseSensitiveUserName(Fault):
    """Compares ``userName`` case-exactly in filters: ``userName eq "ANA"`` does not find ``ana``.

    RFC 7643 §4.1: ``userName`` is ``caseExact: false``, and RFC 7644 §3.4.2.2 compares by it
    (checklist Q-05). Caught by "A user is found by userName whatever its case" (users/read).
    """

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        wanted = _username_eq(request.query)
        if wanted is None or not request.is_("GET", "Users", item=False) or not isinstance(body, dict):
            return response
        kept = [r for r in _resources(body) if r.get("userName") == wanted]
        return response.with_json(
            {**body, "totalResults": len(kept), "Resources": kept, "itemsPerPage": len(kept)}
        )


def _username_eq(query: str) -> str | None:
    from urllib.parse import parse_qs

    for value in parse_qs(query).get("filter", []):
        head, _, rest = value.strip().partition(" ")
        op, _, literal = rest.strip().partition(" ")
        if head.lower() == "username" and op.lower() == "eq" and literal.startswith('"'):
            return str(json.loads(literal))
    return None


@fault("duplicate-group-400")
class DuplicateGroup400(Fault):
    """Answers a duplicate group ``displayName`` as OneLogin's sample server does: 400 with
    ``{"Errors": {"description": "name_already_exists", "code": 400}}``, not a SCIM Error.

    RFC 7644 §3.3: a uniqueness conflict is 409 (checklist C-02); OneLogin's own sample server
    (onelogin/onelogin-scim-node) answers 400 [seen], and OneLogin works with it: the simulator's
    ``duplicate_group_400_means_exists`` knob reads that answer as "the group exists".
    """

    def response(self, request: Request, response: Response) -> Response:
        if request.is_("POST", "Groups", item=False) and response.status == 409:
            body = {"Errors": {"description": "name_already_exists", "code": 400}}
            return Response(400, ((b"content-type", b"application/json"),), b"").with_json(body)
        return response


@fault("duplicate-username-accepted")
class DuplicateUserNameAccepted(Fault):
    """Answers a duplicate ``userName`` with 201 (a made-up user) instead of a 409 conflict.

    RFC 7644 §3.3: a uniqueness conflict is 409 with ``scimType: uniqueness`` (checklist C-02,
    R-12). Caught by "A userName that is already taken is a uniqueness conflict" (users/create).
    """

    def response(self, request: Request, response: Response) -> Response:
        sent = request.json()
        if request.is_("POST", "Users", item=False) and response.status == 409 and isinstance(sent, dict):
            return Response(201, ((b"content-type", b"application/scim+json"),), b"").with_json(
                {**sent, "id": "00000000-dup0-0000-0000-000000000000"}
            )
        return response


@fault("delete-ignored")
class DeleteIgnored(Fault):
    """Answers ``DELETE /Users/{id}`` with 204 but keeps the user.

    RFC 7644 §3.6: afterwards the resource is 404 and omitted from queries (checklist X-01);
    OneLogin's "Delete" action relies on it [doc]. Caught by "A deleted user is gone" (users/delete).
    """

    def request(self, request: Request) -> Request | Response:
        if request.is_("DELETE", "Users", item=True):
            return Response(204, (), b"")
        return request


@fault("put-creates")
class PutCreates(Fault):
    """Creates the user when ``PUT /Users/{id}`` names an id that does not exist.

    RFC 7644 §3.5.1: PUT MUST NOT create a resource; an unknown id is 404 (checklist P-01).
    Caught by "Replacing a user that does not exist does not create it" (users/replace).
    """

    def request(self, request: Request) -> Request | Response:
        return request

    def wrap(self, app: ASGIApp) -> ASGIApp:
        inner = super().wrap(app)

        async def creating(scope: Scope, receive: Receive, send: Send) -> None:
            path: str = scope.get("path", "")
            if (
                scope["type"] == "http"
                and scope["method"] == "PUT"
                and path.startswith(BASE_PATH + "/Users/")
            ):
                body = b""
                while True:
                    message = await receive()
                    body += message.get("body", b"")
                    if not message.get("more_body"):
                        break
                answer = await _call(app, scope, body)
                if answer.status == 404:
                    post = {**scope, "method": "POST", "path": BASE_PATH + "/Users"}
                    post["raw_path"] = post["path"].encode()
                    created = await _call(app, post, body)
                    answer = replace(created, status=200) if created.status == 201 else answer
                await _send(send, answer)
                return
            await inner(scope, receive, send)

        return creating


@fault("client-id-kept")
class ClientIdKept(Fault):
    """Answers a ``POST /Users`` with the ``id`` the client sent in the body, not the issued one.

    RFC 7643 §3.1: ``id`` is issued by the service provider, ``readOnly``, and MUST NOT be set by
    the client (checklist R-02, C-03). Caught by "The server issues the id and metadata, ignoring
    any the client sends" (users/create).
    """

    def response(self, request: Request, response: Response) -> Response:
        sent, body = request.json(), response.json()
        posted = request.is_("POST", "Users", item=False) and response.status == 201
        if posted and isinstance(sent, dict) and isinstance(body, dict) and isinstance(sent.get("id"), str):
            return response.with_json({**body, "id": sent["id"]})
        return response


@fault("no-schemas")
class NoSchemas(Fault):
    """Leaves ``schemas`` out of single User and Group resources in responses.

    RFC 7643 §3: ``schemas`` is REQUIRED in every resource (checklist R-01). Caught by "A new user
    is returned with where it lives and when it was created" (users/create).
    """

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if (
            isinstance(body, dict)
            and "id" in body
            and "meta" in body
            and LIST_URN not in body.get("schemas", [])
        ):
            return response.with_json({k: v for k, v in body.items() if k != "schemas"})
        return response


@fault("no-location")
class NoLocation(Fault):
    """Leaves the ``Location`` header out of a 201 Created.

    RFC 7644 §3.3: the response to a create SHALL carry ``Location`` with the resource's URI
    (checklist C-01). Caught by "A new user is returned with where it lives and when it was
    created" (users/create).
    """

    def response(self, request: Request, response: Response) -> Response:
        return response.without_header("location") if response.status == 201 else response


@fault("patch-ignored")
class PatchIgnored(Fault):
    """Answers ``PATCH /Users/{id}`` with 200 and the unchanged user: the operations are dropped.

    RFC 7644 §3.5.2: the operations are applied. Caught by "Adding an attribute the user does not
    have sets it" (patch/add).
    """

    def request(self, request: Request) -> Request | Response:
        if request.is_("PATCH", "Users", item=True):
            return replace(request, method="GET", body=b"")
        return request


@fault("patch-not-atomic")
class PatchNotAtomic(Fault):
    """Keeps the operations before a failing one: a refused PATCH still changes the resource.

    RFC 7644 §3.5.2: a PATCH is atomic; on any error the resource is left unchanged (checklist
    M-02). Caught by "A modification with one bad operation changes nothing" (patch/rules).
    """

    def wrap(self, app: ASGIApp) -> ASGIApp:
        async def partial(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["method"] != "PATCH":
                await app(scope, receive, send)
                return
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            answer = await _call(app, scope, body)
            sent = Request("PATCH", "", "", (), body).json()
            operations = sent.get("Operations") if isinstance(sent, dict) else None
            if answer.status >= 400 and isinstance(operations, list) and len(operations) > 1:
                first = json.dumps({**sent, "Operations": operations[:1]}).encode()
                await _call(app, scope, first)
            await _send(send, answer)

        return partial


@fault("sort-ignored")
class SortIgnored(Fault):
    """Ignores ``sortBy`` and ``sortOrder`` while ``/ServiceProviderConfig`` claims ``sort.supported``.

    RFC 7644 §3.4.2.3 (checklist Q-09). Caught by "Users are sorted in descending order" (query/sort).
    """

    def request(self, request: Request) -> Request | Response:
        if request.method == "GET":
            return replace(request, query=_without_params(request.query, "sortBy", "sortOrder"))
        body = request.json()
        if request.method == "POST" and request.path.endswith("/.search") and isinstance(body, dict):
            return request.with_json({k: v for k, v in body.items() if k not in ("sortBy", "sortOrder")})
        return request


@fault("attributes-ignored")
class AttributesIgnored(Fault):
    """Ignores the ``attributes`` parameter: every default attribute comes back.

    RFC 7644 §3.4.2.5 / §3.9: only the attributes asked for (plus ``returned: always`` ones) are
    returned (checklist Q-11). Caught by "Only the attributes asked for come back, with the id"
    (query/attributes).
    """

    def request(self, request: Request) -> Request | Response:
        return replace(request, query=_without_params(request.query, "attributes"))


@fault("excluded-attributes-ignored")
class ExcludedAttributesIgnored(Fault):
    """Ignores the ``excludedAttributes`` parameter.

    RFC 7644 §3.4.2.5 (checklist Q-11). Caught by "Excluded attributes are left out, but never the
    id" (query/attributes).
    """

    def request(self, request: Request) -> Request | Response:
        return replace(request, query=_without_params(request.query, "excludedAttributes"))


@fault("user-name-declared-always-but-left-out")
class UserNameDeclaredAlwaysButLeftOut(Fault):
    """Declares ``userName`` ``returned: always`` in ``/Schemas`` while projected answers (RFC-
    rightly, for a ``default`` attribute) leave it out: the server contradicts its own schema.

    RFC 7643 §7: an ``always`` attribute "is always returned, regardless of the contents of the
    "attributes" parameter"; the target's ``/Schemas`` is the authority (checklist R-11, issue 12
    ruling 1). Caught by "The id comes back even when not asked for" (users/read).
    """

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if request.method != "GET" or not request.path.startswith("/Schemas") or not isinstance(body, dict):
            return response
        schemas = body.get("Resources") if "Resources" in body else [body]
        for schema in schemas if isinstance(schemas, list) else []:
            for attribute in schema.get("attributes") or [] if isinstance(schema, dict) else []:
                if isinstance(attribute, dict) and attribute.get("name") == "userName":
                    attribute["returned"] = "always"
        return response.with_json(body)


@fault("create-stores-inactive")
class CreateStoresInactive(Fault):
    """Stores ``active: false`` for a user created without ``active``: a pushed user is suspended.

    OneLogin's default template sends no ``active`` (onelogin-profile.md). RFC 7643 §4.1.1 gives
    ``active`` no default, so leaving it unassigned is fine (issue 12 ruling 2), but ``false``
    is a suspension. Caught by "A user assigned in OneLogin is created in the app" (onelogin/push).
    """

    def request(self, request: Request) -> Request | Response:
        body = request.json()
        creates = request.is_("POST", "Users", item=False) and isinstance(body, dict)
        if creates and not any(str(k).lower() == "active" for k in body):
            return request.with_json({**body, "active": False})
        return request


@fault("count-ignored")
class CountIgnored(Fault):
    """Ignores ``count`` on ``GET``: a query returns the default page whatever the client asks.

    RFC 7644 §3.4.2.4: the service provider MUST NOT return more results than ``count``
    (checklist Q-10). Caught by "Paging values are read generously" (query/paging).
    """

    def request(self, request: Request) -> Request | Response:
        if request.method == "GET":
            return replace(request, query=_without_params(request.query, "count"))
        return request


@fault("json-only-as-scim")
class RefuseApplicationJson(Fault):
    """Refuses request bodies sent as ``Content-Type: application/json`` with 415.

    OneLogin sends ``application/json`` by default [guess, onelogin-profile.md]; RFC 7644 §3.8:
    the service provider SHOULD accept it. Caught by "Requests with Content-Type application/json
    are accepted" (onelogin/quirks).
    """

    def request(self, request: Request) -> Request | Response:
        types = [v for k, v in request.headers if k.lower() == b"content-type"]
        if request.body and types and types[0].split(b";")[0].strip().lower() == b"application/json":
            return scim_error(415, "only application/scim+json is accepted")
        return request


@fault("grouped-not-refused")
class GroupedNotRefused(Fault):
    """Refuses, with 400 ``invalidFilter``, a ``not`` inside a group joined by ``and`` —
    ``userName co "…" and (not (title pr))`` — while it answers ``not (title pr)`` alone.

    RFC 7644 §3.4.2.2: grouping and ``and`` combine any filters (checklist Q-03). The suite limits
    every query to its own users with exactly that nesting, so the failure must say the nesting is
    where the server breaks. Caught by "Logical operators bind in the RFC's order (not)" (query/filter).
    """

    def request(self, request: Request) -> Request | Response:
        if request.method == "GET" and request.path.strip("/") == "Users":
            expression = dict(parse_qsl(request.query)).get("filter", "")
            if re.search(r"\band\s*\(\s*not\b", expression, re.IGNORECASE):
                return scim_error(400, "unexpected 'not' in a group", "invalidFilter")
        return request


@fault("sloppy-patch-add")
class SloppyPatchAdd(Fault):
    """Appends again an email a PATCH ``add`` already holds, and answers every PATCH of a user with a
    ``meta.lastModified`` that is not a dateTime: two faults in one exchange, on purpose.

    RFC 7644 §3.5.2.1: adding a value that is already there changes nothing (checklist M-05);
    RFC 7643 §3.1: ``meta.lastModified`` is a dateTime (R-04). Caught by "Adding a value that is
    already there changes nothing" (patch/add), whose own assertion (the duplicated email) must
    speak before the schema violation, which rides along as a note (issue 13.4); a PATCH scenario
    whose own steps pass fails on the schema violation alone.
    """

    def request(self, request: Request) -> Request | Response:
        body = request.json()
        if not request.is_("PATCH", "Users", item=True) or not isinstance(body, dict):
            return request
        for operation in body.get("Operations") or []:
            values = operation.get("value") if isinstance(operation, dict) else None
            if str(operation.get("path", "")).lower() == "emails" and isinstance(values, list):
                # a value that differs only in its type is no duplicate to the server: it appends it
                operation["value"] = [{**v, "type": "other"} for v in values if isinstance(v, dict)]
        return request.with_json(body)

    def response(self, request: Request, response: Response) -> Response:
        body = response.json()
        if request.method == "PATCH" and isinstance(body, dict) and isinstance(body.get("meta"), dict):
            body["meta"]["lastModified"] = "a moment ago"
            return response.with_json(body)
        return response


# --- broken app-side domains (the observer shows them; SCIM does not) --------------------------------


class _SkipSuspension(Deprovisioning):
    def user_changed(self, tx: Transaction, before: Doc | None, after: Doc | None) -> None:
        if before is not None and after is not None:
            return  # a suspension (active true -> false) changes nothing on the app side
        super().user_changed(tx, before, after)


@fault("grants-kept-after-suspension")
class GrantsKeptAfterSuspension(Fault):
    """The app keeps a suspended user's grants and teams, and rotates nothing (deletion still works).

    Cerby: a suspended user's access grants are removed (onelogin-profile.md, "What the app
    does"). Caught by "A user suspended in OneLogin loses every grant, and each privileged account
    is rotated once" (lifecycle/suspend, needs the observer).
    """

    def effects(self, clock: Callable[[], str]) -> Effects | None:
        return _SkipSuspension(clock)


class _NoRotation(Deprovisioning):
    def user_changed(self, tx: Transaction, before: Doc | None, after: Doc | None) -> None:
        if before is None:
            return
        deprovision = after is None or (before.get("active") is not False and after.get("active") is False)
        if deprovision:
            tx.delete_grants(before["id"])
            tx.leave_all_groups(before["id"], self.clock())
        if after is None:
            tx.mark_deleted(before["id"], self.clock())

    def members_removed(self, tx: Transaction, group_id: str, user_ids: Any) -> None:
        return None


def _own_grants(tx: Transaction, user_id: str) -> list[Grant]:
    return [g for g in tx.grants(user_id) if g.user_id == user_id]


@fault("rotation-missing")
class RotationMissing(Fault):
    """The app removes the grants of a suspended or deleted user but schedules no password rotation.

    Cerby: each privileged account the user could reach gets a password rotation
    (onelogin-profile.md, "What the app does"). Caught by "A user suspended in OneLogin loses every
    grant, and each privileged account is rotated once" (lifecycle/suspend).
    """

    def effects(self, clock: Callable[[], str]) -> Effects | None:
        return _NoRotation(clock)


class _TeamsKept(Deprovisioning):
    def _deprovision(self, tx: Transaction, user: Doc, reason: str) -> None:
        user_id = user["id"]
        accounts = [tx.account(g.account_id) for g in _own_grants(tx, user_id)]
        reachable = [a.id for a in accounts if a is not None and a.privileged]
        tx.delete_grants(user_id)
        schedule_rotations(tx, reachable, reason, user_id, self.clock())


@fault("team-access-kept-after-suspension")
class TeamAccessKeptAfterSuspension(Fault):
    """A suspended user loses direct grants but stays in every group, so team access remains.

    Cerby: suspension removes every grant, team access too (onelogin-profile.md, "What the app
    does"; design.md "reference_server"). Caught by "A user suspended in OneLogin loses every
    grant, and each privileged account is rotated once" (lifecycle/suspend).
    """

    def effects(self, clock: Callable[[], str]) -> Effects | None:
        return _TeamsKept(clock)


class _RestoreOnReactivation(Deprovisioning):
    """Moves a suspended user's direct grants aside, and puts them back on reactivation."""

    def __init__(self, clock: Callable[[], str]) -> None:
        super().__init__(clock)
        self.stashed: dict[str, list[Grant]] = {}

    def user_changed(self, tx: Transaction, before: Doc | None, after: Doc | None) -> None:
        if before is None or after is None:
            super().user_changed(tx, before, after)
            return
        was, now = before.get("active") is not False, after.get("active") is not False
        if was and not now:
            self.stashed[before["id"]] = _own_grants(tx, before["id"])
        elif now and not was:
            for grant in self.stashed.pop(before["id"], []):
                with contextlib.suppress(DuplicateGrant):
                    tx.insert_grant(grant, self.clock())
        super().user_changed(tx, before, after)


@fault("reactivation-restores-grants")
class ReactivationRestoresGrants(Fault):
    """Reactivating a suspended user gives back the direct grants it had before the suspension.

    Cerby: a reactivated user is valid again but access grants must be reassigned; none come back
    (onelogin-profile.md, "What the app does"). Caught by "A reactivated user has no grant and no
    team" (lifecycle/reactivate).
    """

    def effects(self, clock: Callable[[], str]) -> Effects | None:
        return _RestoreOnReactivation(clock)


class _GroupLeaveNoRotation(Deprovisioning):
    def members_removed(self, tx: Transaction, group_id: str, user_ids: Any) -> None:
        return None


@fault("group-leave-no-rotation")
class GroupLeaveNoRotation(Fault):
    """Leaving a group (role removed in OneLogin) schedules no rotation of the team's privileged accounts.

    design.md "reference_server": leaving a group ends the access that came through it and rotates
    that group's privileged accounts. Caught by "Leaving a group ends the team's access and rotates
    its privileged accounts" (lifecycle/groups).
    """

    def effects(self, clock: Callable[[], str]) -> Effects | None:
        return _GroupLeaveNoRotation(clock)


# The lifecycle faults of the observer's grant rules live in their own module; importing it
# registers them here.
from tests.support import faults_lifecycle  # noqa: E402, F401
