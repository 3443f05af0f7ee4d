"""One process's share of a scenario: the steps of its partition, each user's events in order.

Locust runs the OneLogin traffic as many *Locust users* (greenlets) per worker process and many
worker processes, possibly on many machines. Every process generates the same scenario from the
same tenant and seed (:meth:`~simulator.scenarios.Scenario.steps`, the stream the asyncio engine
runs) and keeps the steps of its :class:`Partition`: OneLogin users are dealt out by id, global
events (connection test, entitlement refresh, import) go to partition 0. Within a process all
Locust users take steps from one :class:`Feed`, which does what the engine's queues do: a step
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
from simulator.steps import Step
from simulator.tenant import Role, Tenant

DEFAULT_LIMIT = 4096
"""Most steps waiting behind a running one; past it :meth:`Feed.take` asks its caller to wait."""


@dataclass(frozen=True, slots=True)
class Partition:
    """Partition ``index`` of ``count``: which OneLogin users this process pushes."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"partition {self.index} of {self.count} does not exist")

    def owns(self, step: Step) -> bool:
        """User events by user id; global events belong to partition 0 (sent once, not per worker)."""
        if step.user_id is None:
            return self.index == 0
        return step.user_id % self.count == self.index


@dataclass(slots=True)
class Feed:
    """A partition's steps handed to concurrent runners, one running step per user at a time."""

    connector: Connector
    steps: Iterator[Step]
    limit: int = DEFAULT_LIMIT
    exhausted: bool = False
    running: dict[int | None, deque[Step]] = field(default_factory=dict)
    """The users with a step running, each with the steps waiting behind it (``None``: global)."""
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

        Same tenant, same connector and same step stream as :func:`simulator.simulate` builds.
        """
        chosen = SCENARIOS.get(scenario)
        if chosen is None:
            raise ValueError(f"no scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
        if users < 1:
            raise ValueError("the tenant needs at least 1 user")
        part = partition or Partition()
        tenant = Tenant.generate(users, seed, settings=chosen.settings)
        connector = Connector(tenant, token, profile, seed=seed)
        steps = (step for step in chosen.steps(tenant, seed) if part.owns(step))
        return cls(connector, steps)

    @property
    def done(self) -> bool:
        """No step left to take and none running."""
        return self.exhausted and not self.running

    @property
    def saturated(self) -> bool:
        """Too many steps wait behind running ones: :meth:`take` gives none until some finish."""
        return self.waiting >= self.limit

    def take(self) -> Step | None:
        """The next step to run (its user is now running), or None: :attr:`exhausted` or saturated."""
        while not self.exhausted:
            if self.saturated:
                return None
            step = next(self.steps, None)
            if step is None:
                self.exhausted = True
            elif step.user_id in self.running:
                self.running[step.user_id].append(step)
                self.waiting += 1
            else:
                self.running[step.user_id] = deque()
                return step
        return None

    def finished(self, step: Step) -> Step | None:
        """``step`` ran: the next waiting step of the same user (still running), or None (released)."""
        queue = self.running[step.user_id]
        if queue:
            self.waiting -= 1
            return queue.popleft()
        del self.running[step.user_id]
        return None

    def plan(self, step: Step) -> Plan:
        """The connector's plan for ``step`` (as the engine's :meth:`~simulator.engine.Engine.plan`)."""
        tenant = self.connector.tenant
        user = None if step.user_id is None else tenant.user(step.user_id)
        role = None if step.role_id is None else self._roles[step.role_id]
        return self.connector.plan(step.event, user, role)
