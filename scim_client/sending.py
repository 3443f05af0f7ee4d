"""Sending one request to a target and reading its answer, the same way for every caller.

:func:`send` (blocking, for the suite and the pre-flight) and :func:`asend` (asyncio, for the
simulator) stream the response, read its body with the cap of :mod:`scim_client.reading`, and turn
what went wrong into one line of :mod:`scim_client.failures` — never an exception a caller must
know httpx to catch. Redirects are not followed (the clients are built so); whether one is a failure
is the caller's call, with :func:`~scim_client.failures.redirect_note` or
:func:`~scim_client.failures.redirected_elsewhere`.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from scim_client.failures import is_timeout, no_answer
from scim_client.options import CLI_OPTIONS, OptionNames
from scim_client.reading import ResponseTooLarge, aread_capped, read_capped


@dataclass(frozen=True, slots=True)
class Received:
    """What one request got: a response with its body read, or the one-line reason there is none.

    ``response`` is None when no answer came (``failure`` says why: refused, timed out, closed
    mid-response, TLS); with a body past the cap, ``response`` keeps its status and headers, its body
    is empty and ``failure`` says so.
    """

    response: httpx.Response | None
    failure: str | None = None
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.failure is None and self.response is not None


_PHASES: tuple[tuple[type[httpx.TimeoutException], str], ...] = (
    (httpx.ConnectTimeout, "connect"),
    (httpx.ReadTimeout, "read"),
    (httpx.WriteTimeout, "write"),
    (httpx.PoolTimeout, "pool"),
)


def _timeout_of(request: httpx.Request, exc: httpx.HTTPError) -> float | None:
    """The timeout that ran out: the phase's (connect, read, write, pool) the request was sent with."""
    timeouts = request.extensions.get("timeout")
    if not isinstance(timeouts, dict):
        return None
    phase = next((name for kind, name in _PHASES if isinstance(exc, kind)), None)
    value = timeouts.get(phase) if phase else None
    return float(value) if isinstance(value, int | float) else None


def _no_answer(
    request: httpx.Request, exc: httpx.HTTPError, timeout: float | None, options: OptionNames
) -> Received:
    return Received(None, no_answer(exc, timeout or _timeout_of(request, exc), options), is_timeout(exc))


def send(
    client: httpx.Client,
    request: httpx.Request,
    timeout: float | None = None,
    options: OptionNames = CLI_OPTIONS,
) -> Received:
    """Send ``request`` once with ``client`` and read the answer (capped)."""
    response: httpx.Response | None = None
    try:
        response = client.send(request, stream=True)
        read_capped(response)
    except ResponseTooLarge as exc:
        return Received(response, str(exc))
    except httpx.HTTPError as exc:
        return _no_answer(request, exc, timeout, options)
    return Received(response)


async def asend(
    client: httpx.AsyncClient,
    request: httpx.Request,
    timeout: float | None = None,
    options: OptionNames = CLI_OPTIONS,
) -> Received:
    """The asyncio twin of :func:`send`."""
    response: httpx.Response | None = None
    try:
        response = await client.send(request, stream=True)
        await aread_capped(response)
    except ResponseTooLarge as exc:
        return Received(response, str(exc))
    except httpx.HTTPError as exc:
        return _no_answer(request, exc, timeout, options)
    return Received(response)
