"""HTTP-level helpers shared by every handler: SCIM responses, JSON bodies, bearer tokens.

RFC 7644 §3.8: SCIM messages use ``application/scim+json``; ``application/json`` is accepted on
the way in (OneLogin sends it by default).
"""

from __future__ import annotations

import hmac
import json
from typing import Any, cast

import msgspec
from litestar import Request, Response
from litestar.types import HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from reference_server.errors import ScimError

SCIM_MEDIA_TYPE = "application/scim+json"
_JSON_TYPES = ("application/scim+json", "application/json")


_SCIM_CONTENT_TYPE = (b"content-type", SCIM_MEDIA_TYPE.encode())
_NO_BODY = frozenset({204, 304})
_encode = msgspec.json.Encoder().encode


class ScimAnswer(Response[bytes]):
    """A SCIM response that is its own ASGI app: the bytes Litestar's ``Response`` would send
    (the given headers lower-cased, then ``content-type`` and ``content-length``; neither, and no
    body, for 204/304 or a HEAD request), without building Litestar's ``ASGIResponse`` and its
    header containers for every request. Litestar calls :meth:`to_asgi_response` on what a
    handler or an exception handler returns, and then the result as an ASGI app."""

    def __init__(self, content: bytes, status: int, headers: dict[str, str] | None = None) -> None:
        # Response's own attributes, for any reader of them; no Response.__init__ machinery.
        self.content = content
        self.status_code = status
        self.media_type = SCIM_MEDIA_TYPE
        self.headers = headers or {}
        self.background = None
        self.cookies = []
        self.encoding = "utf-8"

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ScimAnswer:  # type: ignore[override]
        return self

    def encode(self, method: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The status, raw headers and body sent in answer to a ``method`` request."""
        given: dict[str, str] = self.headers
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in given.items()]
        body: bytes = self.content
        if self.status_code in _NO_BODY or method == "HEAD":
            body = b""
        else:
            raw.append(_SCIM_CONTENT_TYPE)
            raw.append((b"content-length", str(len(body)).encode()))
        return self.status_code or 200, raw, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status, raw, body = self.encode(cast("str", scope.get("method", "GET")))
        start: HTTPResponseStartEvent = {"type": "http.response.start", "status": status, "headers": raw}
        await send(start)
        end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
        await send(end)


def scim_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> ScimAnswer:
    """A response with a SCIM JSON body (or none for 204/304)."""
    # msgspec (Litestar's own JSON library) encodes ~5x faster than the stdlib; same UTF-8 output.
    return ScimAnswer(b"" if body is None else _encode(body), status, headers)


def error_response(error: ScimError) -> ScimAnswer:
    return scim_response(error.body(), error.status, error.headers or None)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ScimError(400, f"duplicate JSON member {key!r}", "invalidSyntax")
            seen.add(key)
    return out


def _reject_constant(name: str) -> Any:
    raise ScimError(400, f"{name} is not valid JSON", "invalidSyntax")


_DECODER = json.JSONDecoder(object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
"""One decoder for every body: ``json.loads`` with hooks builds a new one each call."""
_decode_fast = msgspec.json.Decoder().decode


def _canonical(raw: bytes) -> Any:
    """The value of ``raw`` if it is exactly the compact JSON msgspec writes for that value, else
    ``None`` (``null`` is not a body: the caller then takes the general path).

    Such a body (OneLogin's compact JSON, as the simulator sends it) is decoded in C in about a
    third of the time. Writing the value back and getting the same bytes proves there is nothing
    the general path would refuse or read differently: no duplicate member (the value would hold
    one member fewer than the bytes), no ``NaN``, no number written another way (``-0``,
    ``1e400``)."""
    try:
        value = _decode_fast(raw)
    except (msgspec.MsgspecError, RecursionError):
        return None
    return value if _encode(value) == raw else None


def parse_json(raw: bytes, content_type: str | None) -> Any:
    """The JSON body of a request, or a SCIM error: 415 for a non-JSON media type, 400 for bad JSON."""
    if content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in _JSON_TYPES:
            raise ScimError(415, f"Content-Type {media} is not supported; send {SCIM_MEDIA_TYPE}")
    value = _canonical(raw)
    return _parse_general(raw) if value is None else value


def _parse_general(raw: bytes) -> Any:
    """Any body: the value, or the 400 that names what is wrong with it."""
    if not raw.strip():
        raise ScimError(400, "the request body is empty; a JSON object is required", "invalidSyntax")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScimError(400, "the request body is not valid UTF-8", "invalidSyntax") from None
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise ScimError(
            400, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", "invalidSyntax"
        ) from None
    except RecursionError:
        raise ScimError(400, "the JSON body is nested too deeply", "invalidSyntax") from None


async def read_json(request: Request[Any, Any, Any]) -> Any:
    return parse_json(await request.body(), request.headers.get("content-type"))


def bearer_matches(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries ``token``, compared in constant time."""
    if not header:
        return False
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def unauthorized(realm: str) -> ScimError:
    """RFC 7644 §3.12 / RFC 6750 §3: 401 with a Bearer challenge."""
    return ScimError(
        401,
        "missing or invalid bearer token",
        headers={"WWW-Authenticate": f'Bearer realm="{realm}"'},
    )
