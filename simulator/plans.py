"""Event plans: an IdP conversation as a generator the engine drives without knowing the IdP.

A plan yields :class:`WireRequest` values, receives the :class:`WireResponse` for each (after the
engine's retries), and finally returns an :class:`Outcome`::

    plan = connector.assign(user)
    request = next(plan)                 # StopIteration at once when there is nothing to send
    while True:
        response = await send(request)   # retries, timeouts, recording: the engine's business
        request = plan.send(response)    # ... until StopIteration(value=Outcome)

:func:`run` and :func:`arun` are that loop, for step code and for the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Literal

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
EVENTS: tuple[Event, ...] = (
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
)

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

    event: str
    user_id: int | None
    ok: bool
    detail: str = ""
    """Why it failed, or a note (``"deletion action is Do nothing: no request"``)."""
    scim_id: str | None = None
    """The app-side id the user is linked to after the event, if any."""
    requests: int = 0


Plan = Generator[WireRequest, WireResponse, Outcome]


def run(plan: Plan, send: Callable[[WireRequest], WireResponse]) -> Outcome:
    """Drive ``plan`` to its end with a blocking ``send``."""
    try:
        request = next(plan)
        while True:
            request = plan.send(send(request))
    except StopIteration as stop:
        outcome: Outcome = stop.value
        return outcome


async def arun(plan: Plan, send: Callable[[WireRequest], Awaitable[WireResponse]]) -> Outcome:
    """Drive ``plan`` to its end with an async ``send``."""
    try:
        request = next(plan)
        while True:
            request = plan.send(await send(request))
    except StopIteration as stop:
        outcome: Outcome = stop.value
        return outcome
