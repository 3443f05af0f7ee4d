"""Event plans: an IdP conversation as a generator the engine drives without knowing the IdP.

A plan yields :class:`WireRequest` values, receives the :class:`WireResponse` for each (after the
engine's retries), and finally returns an :class:`Outcome`::

    plan = connector.assign(user)
    request = next(plan)                 # StopIteration at once when there is nothing to send
    while True:
        response = await send(request)   # retries, timeouts, recording: the engine's business
        request = plan.send(response)    # ... until StopIteration(value=Outcome)

:func:`drive` is that loop, the only one; :func:`arun` (the engine) and :func:`run` (blocking
callers: Gherkin steps, Locust) are its fronts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, replace
from typing import Literal, TypeVar, get_args

from simulator.settings import ApprovalAction
from simulator.wire import WireRequest, WireResponse

Event = Literal[
    "connection_test",
    "assign",
    "update",
    "suspend",
    "reactivate",
    "unassign",
    "delete",
    "role_added",
    "role_removed",
    "entitlement_refresh",
    "import",
]
EVENTS: tuple[Event, ...] = get_args(Event)

# Which "Require admin approval" box holds an event back [doc: Create / Update / Delete user].
APPROVAL: dict[Event, ApprovalAction | None] = {
    "connection_test": None,
    "assign": "create",
    "update": "update",
    "suspend": "update",
    "reactivate": "update",
    "unassign": "delete",
    "delete": "delete",
    "role_added": "update",
    "role_removed": "update",
    "entitlement_refresh": None,
    "import": None,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one event ended, from the IdP's point of view."""

    event: Event
    user_id: int | None
    ok: bool
    detail: str = ""
    """Why it failed, or a note (``"deletion action is Do nothing: no request"``)."""
    scim_id: str | None = None
    """The app-side id the user is linked to after the event, if any."""
    requests: int = 0
    basis: str = ""
    """For a failed event: the RFC clause or OneLogin fact that makes it fail (:mod:`simulator.basis`)."""


Plan = Generator[WireRequest, WireResponse, Outcome]
T = TypeVar("T")
AsyncSend = Callable[[WireRequest], Awaitable[WireResponse]]


async def drive(conversation: Generator[WireRequest, WireResponse, T], send: AsyncSend) -> T:
    """Drive any request generator to its end and return its result: *the* plan-driving loop.

    Plans, the reconciliation and anything else that yields requests all go through here; the
    blocking :func:`run` does too.
    """
    try:
        request = next(conversation)
        while True:
            request = conversation.send(await send(request))
    except StopIteration as stop:
        result: T = stop.value
        return result


async def arun(plan: Plan, send: AsyncSend) -> Outcome:
    """Drive ``plan`` with an async ``send``; the Outcome counts the requests sent."""
    sent = 0

    async def counted(request: WireRequest) -> WireResponse:
        nonlocal sent
        sent += 1
        return await send(request)

    outcome = await drive(plan, counted)
    return replace(outcome, requests=sent)


def run(plan: Plan, send: Callable[[WireRequest], WireResponse]) -> Outcome:
    """Drive ``plan`` with a blocking ``send`` (step code, Locust's greenlets), through :func:`arun`.

    ``arun`` over a ``send`` that never suspends is a coroutine that runs to its end on its first
    resumption, without an event loop: one ``coroutine.send(None)`` is the whole run. So the sync
    front shares the async loop instead of repeating it.
    """

    async def immediate(request: WireRequest) -> WireResponse:
        return send(request)

    coroutine = arun(plan, immediate)
    try:
        coroutine.send(None)
    except StopIteration as done:
        outcome: Outcome = done.value
        return outcome
    coroutine.close()
    raise RuntimeError("a plan driven by run() awaited something: use arun() in async code")
