"""One process's share of a scenario: the triggers of its partition, each user's events in order.

Locust runs the OneLogin traffic as many *Locust users* (greenlets) per worker process and many
worker processes, possibly on many machines. Every process generates the same scenario from the
same tenant and seed (:meth:`~simulator.scenarios.Scenario.triggers`, the stream the asyncio engine
runs) and keeps the triggers of its :class:`Partition`: OneLogin users are dealt out by id, global
events (connection test, entitlement refresh, import) go to partition 0. Within a process all
Locust users take triggers from one :class:`Feed`, which does what the engine's queues do: a trigger
whose user already has one running waits behind it, so each user's events reach the app in order.

Nothing here imports Locust (or gevent): a feed is plain Python, driven by whoever calls it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from simulator.connector import Connector
from simulator.plans import Plan
from simulator.profile import ONELOGIN, Profile
from simulator.scenarios import SCENARIOS
from simulator.tenant import Role, Tenant
from simulator.triggers import Trigger

DEFAULT_LIMIT = 4096
"""Most triggers waiting behind a running one; past it :meth:`Feed.take` asks its caller to wait."""


@dataclass(frozen=True, slots=True)
class Partition:
    """Partition ``index`` of ``count``: which OneLogin users this process pushes."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"partition {self.index} of {self.count} does not exist")

    def owns(self, trigger: Trigger) -> bool:
        """User events by user id; global events belong to partition 0 (sent once, not per worker)."""
        if trigger.user_id is None:
            return self.index == 0
        return trigger.user_id % self.count == self.index


@dataclass(slots=True)
class Feed:
    """A partition's triggers handed to concurrent runners, one running trigger per user at a time."""

    connector: Connector
    triggers: Iterator[Trigger]
    limit: int = DEFAULT_LIMIT
    exhausted: bool = False
    running: dict[int | None, deque[Trigger]] = field(default_factory=dict)
    """The users with a trigger running, each with the triggers waiting behind it (``None``: global)."""
    waiting: int = 0
    _roles: dict[int, Role] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._roles = {r.id: r for r in self.connector.tenant.roles}

    @classmethod
    def build(
        cls,
        scenario: str,
        users: int,
        seed: int,
        token: str,
        partition: Partition | None = None,
        profile: Profile = ONELOGIN,
    ) -> Feed:
        """The feed of ``partition`` for ``scenario`` over ``users`` generated from ``seed``.

        Same tenant, same connector and same trigger stream as :func:`simulator.simulate` builds.
        """
        chosen = SCENARIOS.get(scenario)
        if chosen is None:
            raise ValueError(f"no scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
        if users < 1:
            raise ValueError("the tenant needs at least 1 user")
        part = partition or Partition()
        tenant = Tenant.generate(users, seed, settings=chosen.settings)
        connector = Connector(tenant, token, profile, seed=seed)
        triggers = (trigger for trigger in chosen.triggers(tenant, seed) if part.owns(trigger))
        return cls(connector, triggers)

    @property
    def done(self) -> bool:
        """No trigger left to take and none running."""
        return self.exhausted and not self.running

    @property
    def saturated(self) -> bool:
        """Too many triggers wait behind running ones: :meth:`take` gives none until some finish."""
        return self.waiting >= self.limit

    def take(self) -> Trigger | None:
        """The next trigger to run (its user is now running), or None: :attr:`exhausted` or saturated."""
        while not self.exhausted:
            if self.saturated:
                return None
            trigger = next(self.triggers, None)
            if trigger is None:
                self.exhausted = True
            elif trigger.user_id in self.running:
                self.running[trigger.user_id].append(trigger)
                self.waiting += 1
            else:
                self.running[trigger.user_id] = deque()
                return trigger
        return None

    def finished(self, trigger: Trigger) -> Trigger | None:
        """``trigger`` ran: the next waiting trigger of the same user (still running), or None (released)."""
        queue = self.running[trigger.user_id]
        if queue:
            self.waiting -= 1
            return queue.popleft()
        del self.running[trigger.user_id]
        return None

    def plan(self, trigger: Trigger) -> Plan:
        """The connector's plan for ``trigger`` (as the engine's :meth:`~simulator.engine.Engine.plan`)."""
        tenant = self.connector.tenant
        user = None if trigger.user_id is None else tenant.user(trigger.user_id)
        role = None if trigger.role_id is None else self._roles[trigger.role_id]
        return self.connector.plan(trigger.event, user, role)
