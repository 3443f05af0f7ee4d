"""Requests and responses exactly as they cross the wire, as the simulator sends and records them.

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

from scim_client import NO_SECRETS, Received, asend, redirect_note, send
from simulator.profile import Operation

Headers = tuple[tuple[str, str], ...]


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
        return replace(self, headers=NO_SECRETS.headers(self.headers))

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
    def of(cls, received: Received) -> WireResponse:
        """What :func:`scim_client.send` got, as a response value plans and reports handle alike.

        No answer is ``status == 0`` with ``error`` ``"timeout: …"`` or ``"connection: …"``; a body past
        the cap keeps its status (so it is not retried like a lost answer) with ``"body: …"``; a
        redirect is an error too (``"redirect: …"``): it is never followed.
        """
        response = received.response
        if response is None:
            kind = "timeout" if received.timed_out else "connection"
            return cls(status=0, error=f"{kind}: {received.failure}")
        recorded = cls.from_httpx(response)
        if received.failure is not None:
            return replace(recorded, error=f"body: {received.failure}")
        note = redirect_note(response)
        return recorded if note is None else replace(recorded, error=f"redirect: {note}")


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


async def send_async(
    client: httpx.AsyncClient, base_url: str, request: WireRequest, timeout: dict[str, float] | None = None
) -> WireResponse:
    """Send one request once (no retries: that is the engine's policy) and record what came back.

    The body is read up to :data:`scim_client.MAX_RESPONSE_BYTES`; redirects are reported, never followed.
    """
    return WireResponse.of(await asend(client, request.to_httpx(base_url, timeout)))


def send_sync(
    client: httpx.Client, base_url: str, request: WireRequest, timeout: dict[str, float] | None = None
) -> WireResponse:
    """The blocking twin of :func:`send_async`, for step code."""
    return WireResponse.of(send(client, request.to_httpx(base_url, timeout)))
