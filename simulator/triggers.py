"""Triggers: the lifecycle events a scenario emits, and admin approval holding some of them back.

A :class:`Trigger` is one occurrence of an :data:`~simulator.plans.Event` — its name and whom it is
about; the engine turns it into the connector's plan when it runs. Scenarios change the OneLogin
tenant (a new title, a role, a suspension) as they emit triggers, the way the directory changes
before OneLogin reacts: a plan renders the user as they are *when it runs*, exactly as OneLogin
renders its template when a (possibly delayed) request is made.

With "Require admin approval" set [doc], OneLogin holds the request until an admin approves it;
approved requests then "arrive later, in bursts". :func:`with_approvals` reproduces that on a
trigger stream: held triggers, and every later trigger of the same user (a user's events stay in
order), are released together after a random number of other triggers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from simulator.plans import Event


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lifecycle event: ``user_id`` for user events, plus ``role_id`` for role changes."""

    event: Event
    user_id: int | None = None
    role_id: int | None = None

    def __str__(self) -> str:
        who = "" if self.user_id is None else f" user {self.user_id}"
        role = "" if self.role_id is None else f" role {self.role_id}"
        return f"{self.event}{who}{role}"


def with_approvals(
    triggers: Iterable[Trigger],
    needs_approval: Callable[[Event], bool],
    rng: random.Random,
    burst_every: tuple[int, int] = (50, 400),
) -> Iterator[Trigger]:
    """``triggers`` with approval-gated ones held and released in bursts.

    A burst is released after a number of incoming triggers drawn from ``burst_every``, and at the
    end of the stream, so at most that many triggers are ever held. Triggers of a user with held triggers
    are held behind them, keeping each user's order.
    """
    low, high = burst_every
    held: list[Trigger] = []
    held_users: set[int | None] = set()
    countdown = rng.randint(low, high)
    for trigger in triggers:
        gated = trigger.user_id is not None and (
            trigger.user_id in held_users or needs_approval(trigger.event)
        )
        if gated:
            held.append(trigger)
            held_users.add(trigger.user_id)
        else:
            yield trigger
        countdown -= 1
        if countdown <= 0:
            yield from held
            held.clear()
            held_users.clear()
            countdown = rng.randint(low, high)
    yield from held
