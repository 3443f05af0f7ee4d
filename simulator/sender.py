"""Sending one request the way the IdP does: its timeouts, its retries and backoff, ``Retry-After``.

:class:`Sender` is the ``send`` the engine hands to a plan. Each *attempt* is reported to
``on_attempt`` (statistics: every request on the wire counts); the plan only sees the final
response, after the profile's :class:`~simulator.profile.RetryPolicy` gave up or succeeded.
The wire form is never touched: requests go through :func:`~simulator.wire.send_async`.

A sender holds several clients, one per concurrency slot (:func:`clients_for`): httpcore scans its
whole pool on every request, so one client with 16 connections costs the simulator almost twice the
CPU per request of 16 clients with one connection each. The engine passes each plan's slot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from scim_client import Transport
from simulator.profile import Profile
from simulator.wire import Exchange, WireRequest, WireResponse, send_async

AttemptHook = Callable[[Exchange, float, float], None]
"""``(exchange, latency seconds, completion clock reading)`` for every attempt."""
MAX_CLIENTS = 64


def clients_for(concurrency: int, transport: Transport | None = None) -> list[httpx.AsyncClient]:
    """One single-connection ``AsyncClient`` per slot (at most :data:`MAX_CLIENTS`, then shared).

    ``transport`` gives TLS verification (default: verified against the system's CA bundle).
    Redirects are never followed: the token would travel to wherever ``Location`` points.
    """
    count = max(1, min(concurrency, MAX_CLIENTS))
    per_client = -(-concurrency // count)
    limits = httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client)
    tls = httpx.create_ssl_context((transport or Transport()).verify())  # one load, not one per client
    return [httpx.AsyncClient(limits=limits, verify=tls, follow_redirects=False) for _ in range(count)]


@dataclass(slots=True)
class Sender:
    """Sends requests to ``base_url`` with ``profile``'s timeouts and retry policy."""

    clients: Sequence[httpx.AsyncClient]
    base_url: str
    profile: Profile
    on_attempt: AttemptHook | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.perf_counter
    transport: Callable[[WireRequest], Awaitable[WireResponse]] | None = field(default=None, repr=False)
    """Replaces the HTTP call (tests); by default :func:`~simulator.wire.send_async` on ``client``."""

    async def exchange(self, request: WireRequest, slot: int = 0) -> Exchange:
        """Send ``request`` until the retry policy stops; the final exchange, ``attempt`` = tries.

        ``slot`` picks the client (the engine gives each running plan its own).
        """
        timeout = self.profile.timeouts.as_dict()
        client = self.clients[slot % len(self.clients)]
        attempt = 1
        while True:
            began = self.clock()
            if self.transport is not None:
                response = await self.transport(request)
            else:
                response = await send_async(client, self.base_url, request, timeout)
            done = self.clock()
            exchange = Exchange(request, response, attempt)
            if self.on_attempt is not None:
                self.on_attempt(exchange, done - began, done)
            delay = self.profile.retry.delay(attempt, response.status, response.header("Retry-After"))
            if delay is None:
                return exchange
            await self.sleep(delay)
            attempt += 1

    async def __call__(self, request: WireRequest) -> WireResponse:
        """The final response to ``request`` (the plans' ``send``)."""
        return (await self.exchange(request)).response
