"""Requests and responses exactly as they cross the wire, and the one place tokens are redacted.

A :class:`WireRequest` keeps the raw query string OneLogin sends: ``filter=userName+eq+%22…%22&`` with
its trailing ``&``, and ``""`` for a URL that ends in a bare ``?`` (``PUT /Users/{id}?``), which is
not the same as ``None`` (no ``?`` at all).

How the raw target survives httpx (checked by ``tests/simulator/test_wire.py`` against a raw socket
server): httpx 0.28 keeps the URL's query bytes as given when they are already percent-encoded, and
keeps an empty query's ``?`` (``httpx.URL("…/Users/x?").raw_path == b"/Users/x?"``); httpcore sends
``raw_path`` as the request-target. :meth:`WireRequest.to_httpx` builds an ``httpx.Request`` directly
rather than through ``client.build_request``, so a client's ``params``, default headers (User-Agent,
Accept, Accept-Encoding) and cookies are not merged in: the headers sent are the profile's plus
``Host`` and ``Content-Length``. It deliberately does *not* set httpcore's ``"target"`` extension,
which would break absolute-form targets through an HTTP proxy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import httpx

from simulator.profile import Operation

Headers = tuple[tuple[str, str], ...]
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})


def _header(headers: Headers, name: str) -> str | None:
    folded = name.lower()
    return next((v for k, v in headers if k.lower() == folded), None)


@dataclass(frozen=True, slots=True)
class WireRequest:
    """One request OneLogin sends, relative to the SCIM base URL, tagged with why it is sent."""

    method: str
    path: str
    """Appended to the SCIM base URL as is: ``/Users``, ``/Users/2819c223``."""
    query: str | None = None
    """The raw query string after ``?``; ``""`` sends a bare ``?``; ``None`` sends no ``?``."""
    headers: Headers = ()
    body: bytes | None = None
    event: str = ""
    """The lifecycle event this request belongs to (``assign``, ``suspend``, …)."""
    user_id: int | None = None
    """The OneLogin user the event is about, if any."""
    operation: Operation | None = None
    """What the request does as the IdP (``lookup_user``, ``create_user``, …): selects the accepted
    statuses. None for a request that is not the IdP's (the harness's own reads)."""

    @property
    def target(self) -> str:
        """Path plus query exactly as appended to the base URL: ``/Users/abc?``."""
        return self.path if self.query is None else f"{self.path}?{self.query}"

    def url(self, base_url: str) -> str:
        """The exact URL string: the base URL (without trailing ``/``) followed by :attr:`target`."""
        return base_url.rstrip("/") + self.target

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)

    def json(self) -> Any:
        """The body parsed as JSON (None when there is no body)."""
        return None if self.body is None else json.loads(self.body)

    def redact(self) -> WireRequest:
        """This request with credentials replaced: ``Authorization: Bearer ***``."""
        return replace(self, headers=redact_headers(self.headers))

    def to_httpx(self, base_url: str, timeout: dict[str, float] | None = None) -> httpx.Request:
        """An ``httpx.Request`` that sends exactly this request (see the module docstring).

        ``timeout`` is httpx's ``timeout`` extension (``Timeouts.as_dict()``); without it
        ``client.send`` applies the client's default timeout.
        """
        url = httpx.URL(self.url(base_url))
        request = httpx.Request(self.method, url, headers=list(self.headers), content=self.body)
        if timeout is not None:
            request.extensions["timeout"] = timeout
        return request

    def __str__(self) -> str:
        return f"{self.method} {self.target}"


def _elapsed(response: httpx.Response) -> float:
    try:
        return response.elapsed.total_seconds()
    except RuntimeError:  # a response built by hand, never sent
        return 0.0


def redact_headers(headers: Headers) -> Headers:
    """Headers with secrets masked, keeping the scheme: ``Bearer abc`` → ``Bearer ***``."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        if name.lower() in _SECRET_HEADERS:
            scheme, _, secret = value.partition(" ")
            value = f"{scheme} ***" if secret else "***"
        out.append((name, value))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class WireResponse:
    """What came back: a status with headers and body, or ``status == 0`` and a transport ``error``."""

    status: int
    headers: Headers = ()
    body: bytes = b""
    error: str | None = None
    """``"timeout: …"`` or ``"connection: …"`` when no HTTP response arrived."""
    elapsed: float = 0.0

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)

    def json(self) -> Any:
        """The body parsed as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.body)

    @classmethod
    def from_httpx(cls, response: httpx.Response) -> WireResponse:
        """Record an httpx response (its body must have been read)."""
        return cls(
            status=response.status_code,
            headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw),
            body=response.content,
            elapsed=_elapsed(response),
        )

    @classmethod
    def failed(cls, exc: httpx.HTTPError) -> WireResponse:
        """A transport failure as a response value, so plans and reports handle it like a status."""
        kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "connection"
        return cls(status=0, error=f"{kind}: {type(exc).__name__}: {exc}".rstrip(": "))


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and the response it got: the unit the engine records and reports show."""

    request: WireRequest
    response: WireResponse
    attempt: int = 1
    """1 for the first try; retries of the same request count up."""

    def redact(self) -> Exchange:
        """The exchange with the bearer token removed: the single place tokens are redacted."""
        return replace(self, request=self.request.redact())

    def record(self) -> dict[str, Any]:
        """A JSON-ready record of the *redacted* exchange (for JSONL traffic files and reports)."""
        req, resp = self.redact().request, self.response
        return {
            "event": req.event,
            "userId": req.user_id,
            "operation": req.operation,
            "attempt": self.attempt,
            "request": {
                "method": req.method,
                "target": req.target,
                "headers": [list(h) for h in req.headers],
                "body": None if req.body is None else req.body.decode("utf-8", "replace"),
            },
            "response": {
                "status": resp.status,
                "error": resp.error,
                "headers": [list(h) for h in resp.headers],
                "body": resp.body.decode("utf-8", "replace"),
                "elapsed": resp.elapsed,
            },
        }


MAX_RESPONSE_BYTES = 10 * 1024 * 1024
"""A response body larger than this (decoded) fails its exchange; reading stops there, so a target
answering 50 MB, or endlessly, costs at most this much memory."""
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class ResponseTooLarge(Exception):
    """A response body passed :data:`MAX_RESPONSE_BYTES`; the connection was dropped."""

    def __init__(self, limit: int = MAX_RESPONSE_BYTES) -> None:
        super().__init__(f"response body exceeds {limit // (1024 * 1024)} MB (stopped reading)")


def _declared_too_large(response: httpx.Response, limit: int) -> bool:
    declared = response.headers.get("content-length", "")
    encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
    return declared.isdigit() and int(declared) > limit and not encoded


def read_capped(response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """Read a streamed response's body, at most ``limit`` bytes, then close it.

    Raises :class:`ResponseTooLarge` past the limit and ``httpx.HTTPError`` for a broken body (a
    connection closed mid-response). The body is then available as ``response.content``.
    """
    try:
        if _declared_too_large(response, limit):
            raise ResponseTooLarge(limit)
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(limit)
            chunks.append(chunk)
        content = b"".join(chunks)
    except BaseException:
        response._content = b""
        raise
    finally:
        response.close()
    response._content = content
    return content


async def aread_capped(response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """The asynchronous twin of :func:`read_capped`."""
    try:
        if _declared_too_large(response, limit):
            raise ResponseTooLarge(limit)
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(limit)
            chunks.append(chunk)
        content = b"".join(chunks)
    except BaseException:
        response._content = b""
        raise
    finally:
        await response.aclose()
    response._content = content
    return content


def redirect_note(response: httpx.Response) -> str | None:
    """For a 3xx redirect: why the exchange fails, naming where it pointed; None otherwise.

    Redirects are never followed: the bearer token would go with the request to wherever the
    ``Location`` points, and a SCIM endpoint has no reason to redirect.
    """
    if response.status_code not in _REDIRECTS:
        return None
    location = response.headers.get("location", "")
    try:
        where = response.request.url.join(location) if location else None
    except (httpx.InvalidURL, ValueError):
        where = None
    shown = f"{where.scheme}://{where.netloc.decode('ascii', 'replace')}" if where else "no Location"
    return f"redirect: answered {response.status_code} to {shown}; redirects are not followed"


def _received(response: httpx.Response) -> WireResponse:
    note = redirect_note(response)
    recorded = WireResponse.from_httpx(response)
    return recorded if note is None else replace(recorded, error=note)


async def send_async(
    client: httpx.AsyncClient, base_url: str, request: WireRequest, timeout: dict[str, float] | None = None
) -> WireResponse:
    """Send one request once (no retries: that is the engine's policy) and record what came back.

    The body is read up to :data:`MAX_RESPONSE_BYTES`; redirects are reported, never followed.
    """
    try:
        response = await client.send(request.to_httpx(base_url, timeout), stream=True)
        await aread_capped(response)
    except ResponseTooLarge as exc:
        # an answer arrived (its status is kept, so it is not retried like a lost one); its body not
        return replace(WireResponse.from_httpx(response), error=f"body: {exc}")
    except httpx.HTTPError as exc:
        return WireResponse.failed(exc)
    return _received(response)


def send_sync(
    client: httpx.Client, base_url: str, request: WireRequest, timeout: dict[str, float] | None = None
) -> WireResponse:
    """The blocking twin of :func:`send_async`, for step code."""
    try:
        response = client.send(request.to_httpx(base_url, timeout), stream=True)
        read_capped(response)
    except ResponseTooLarge as exc:
        # an answer arrived (its status is kept, so it is not retried like a lost one); its body not
        return replace(WireResponse.from_httpx(response), error=f"body: {exc}")
    except httpx.HTTPError as exc:
        return WireResponse.failed(exc)
    return _received(response)
