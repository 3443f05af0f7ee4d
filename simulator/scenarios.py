"""Named traffic mixes over a tenant: what a OneLogin admin and the directory do, as trigger streams.

Every scenario begins the way OneLogin's provisioning does: the admin presses Enable and OneLogin
sends the connection test, alone; only when its answer is one OneLogin accepts does provisioning
start [doc]. That first trigger is :data:`ENABLE`, which the runner sends and waits for before
taking anything from :meth:`Scenario.triggers` (the stream that follows it).

======================  ===========================================================================
``connection-test``     After Enable, the admin refreshes entitlements (``GET /Groups``) and
                        imports app users (``GET /Users`` pages). No writes.
``onboarding``          Every assigned, active user is pushed (lookup, create, role groups), in
                        directory order: managers before their reports.
``attribute-sync``      Onboarding, then half the users change (promotion, marriage, new phone, new
                        department with its role's group, new manager) and some change again.
``offboarding``         Onboarding, then 45 % of the users leave: suspended (the app's Suspend
                        action), deleted or unassigned (Delete), some suspended and later deleted.
``lifecycle``           A realistic mix: users join in waves while others change, get roles,
                        are suspended and reactivated, unassigned and reassigned, deleted; entitlement
                        refreshes and imports; create and delete need admin approval, so those
                        requests arrive late, in bursts.
``soak``                The lifecycle mix without an end: every user joins, then random events go
                        on until the run's duration is over.
======================  ===========================================================================

Streams are lazy (a 100,000-user scenario is never materialised) and reproducible: the same tenant
and seed give the same triggers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from simulator.changes import attribute_change, new_title, toggle_extra_role
from simulator.plans import APPROVAL, Event
from simulator.settings import AppSettings
from simulator.tenant import OneLoginUser, Tenant
from simulator.triggers import Trigger, with_approvals

Build = Callable[[Tenant, random.Random], Iterator[Trigger]]
ENABLE = Trigger("connection_test")
"""The admin presses Enable: the connection test that gates provisioning (sent before any scenario)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named traffic mix: the app's settings and the triggers over a tenant."""

    name: str
    summary: str
    build: Build
    settings: AppSettings = field(default_factory=AppSettings)
    per_user: float = 1.0
    """About how many triggers each pushable user brings (for progress totals)."""
    endless: bool = False
    """Runs until a duration is over (``soak``)."""

    def triggers(self, tenant: Tenant, seed: int) -> Iterator[Trigger]:
        """The scenario's triggers over ``tenant`` after :data:`ENABLE` (changing the tenant as they
        are taken), approvals applied."""
        rng = random.Random(seed)
        stream = self.build(tenant, rng)
        settings = tenant.settings
        if settings.approve_create or settings.approve_update or settings.approve_delete:

            def gated(event: Event) -> bool:
                return settings.needs_approval(APPROVAL[event])

            # its own generator: the same seed gives the same events with or without approval
            stream = with_approvals(stream, gated, random.Random(seed + 1))
        return stream

    def estimate(self, tenant: Tenant) -> int | None:
        """About how many triggers the scenario takes over ``tenant``; None when endless."""
        if self.endless:
            return None
        return 3 + round(sum(1 for u in tenant if pushable(u)) * self.per_user)


def pushable(user: OneLoginUser) -> bool:
    """Assigned to the app and not suspended: OneLogin pushes the user."""
    return user.assigned and not user.suspended


def _onboard(tenant: Tenant) -> Iterator[Trigger]:
    for user in tenant:
        if pushable(user):
            yield Trigger("assign", user.id)


def connection_test(tenant: Tenant, rng: random.Random) -> Iterator[Trigger]:
    yield Trigger("entitlement_refresh")
    yield Trigger("import")


def onboarding(tenant: Tenant, rng: random.Random) -> Iterator[Trigger]:
    yield from _onboard(tenant)


def attribute_sync(tenant: Tenant, rng: random.Random) -> Iterator[Trigger]:
    yield from _onboard(tenant)
    for share in (0.5, 0.15):
        for user in tenant:
            if pushable(user) and rng.random() < share:
                yield from attribute_change(tenant, user, rng)


def offboarding(tenant: Tenant, rng: random.Random) -> Iterator[Trigger]:
    yield from _onboard(tenant)
    later: list[int] = []
    for user in tenant:
        if not pushable(user) or rng.random() >= 0.45:
            continue
        kind = rng.random()
        if kind < 0.4:
            user.suspended = True
            yield Trigger("suspend", user.id)
            if rng.random() < 0.25:
                later.append(user.id)
        else:
            user.assigned = False
            yield Trigger("delete" if kind < 0.7 else "unassign", user.id)
    for user_id in later:
        tenant.user(user_id).assigned = False
        yield Trigger("delete", user_id)


@dataclass(slots=True)
class _Lifecycle:
    """The users OneLogin has pushed and not deleted, and the random events that happen to them."""

    tenant: Tenant
    rng: random.Random
    pool: list[OneLoginUser] = field(default_factory=list)

    def random_event(self) -> list[Trigger]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.01 or not self.pool:
            return [Trigger(rng.choice(("connection_test", "entitlement_refresh", "import")))]
        index = rng.randrange(len(self.pool))
        user = self.pool[index]
        if not user.assigned:
            user.assigned = True
            return [Trigger("assign", user.id)]
        if roll < 0.05:
            user.assigned = False
            self.pool[index] = self.pool[-1]
            self.pool.pop()
            return [Trigger("delete", user.id)]
        if user.suspended:
            if roll < 0.6:
                user.suspended = False
                return [Trigger("reactivate", user.id)]
            return new_title(self.tenant, user, rng)
        if roll < 0.15:
            user.suspended = True
            return [Trigger("suspend", user.id)]
        if roll < 0.2:
            user.assigned = False
            return [Trigger("unassign", user.id)]
        if roll < 0.4:
            return toggle_extra_role(self.tenant, user, rng)
        return attribute_change(self.tenant, user, rng)

    def run(self, endless: bool) -> Iterator[Trigger]:
        yield Trigger("entitlement_refresh")
        for user in self.tenant:
            if not pushable(user):
                continue
            yield Trigger("assign", user.id)
            self.pool.append(user)
            if self.rng.random() < 0.6:
                yield from self.random_event()
        yield Trigger("entitlement_refresh")
        yield Trigger("import")
        while endless:
            yield from self.random_event()


def lifecycle(tenant: Tenant, rng: random.Random) -> Iterator[Trigger]:
    return _Lifecycle(tenant, rng).run(endless=False)


def soak(tenant: Tenant, rng: random.Random) -> Iterator[Trigger]:
    return _Lifecycle(tenant, rng).run(endless=True)


_APPROVALS = AppSettings(approve_create=True, approve_delete=True)
SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("connection-test", "Enable, entitlement refresh and import: no writes", connection_test),
        Scenario("onboarding", "every assigned user pushed with their role groups", onboarding),
        Scenario(
            "attribute-sync",
            "onboarding, then attribute and department changes",
            attribute_sync,
            per_user=2.0,
        ),
        Scenario(
            "offboarding",
            "onboarding, then suspensions, deletions and unassignments",
            offboarding,
            per_user=1.5,
        ),
        Scenario(
            "lifecycle", "joiners, movers, leavers and returners; approval bursts", lifecycle, _APPROVALS, 1.7
        ),
        Scenario("soak", "the lifecycle mix until the duration is over", soak, _APPROVALS, endless=True),
    )
}
"""The scenarios by name, in the order the CLI lists them."""
