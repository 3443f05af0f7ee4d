"""The traffic engine: runs a trigger stream with bounded concurrency, each user's events in order.

Triggers are pulled lazily from the scenario. A trigger whose user already has one running waits in that
user's queue, so a user's events reach the app strictly in order while other users' events run
beside them; global events (connection test, refresh, import) queue under one key of their own.
At most ``concurrency`` plans run at once, and at most ``lookahead`` triggers wait in queues, so a
100,000-user scenario never sits in memory: the engine holds a bounded window of it.

Each request goes through the :class:`~simulator.sender.Sender` (timeouts, retries, backoff); each
final exchange and each event outcome go to a :class:`Monitor`, which verifies, models, records
and reports. The engine knows nothing about OneLogin beyond ``Connector.plan``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from simulator.connector import Connector
from simulator.plans import Outcome, Plan, arun
from simulator.sender import Sender
from simulator.tenant import Role
from simulator.triggers import Trigger
from simulator.wire import Exchange, WireRequest, WireResponse

DEFAULT_LOOKAHEAD_PER_SLOT = 32


class Monitor(Protocol):
    """Receives what the engine sees."""

    def exchange(self, exchange: Exchange) -> bool:
        """A final exchange (after retries); True when it showed a problem."""

    def outcome(self, trigger: Trigger, outcome: Outcome, last: Exchange | None, flagged: bool) -> None:
        """How a trigger's event ended; ``last`` is its last exchange and ``flagged`` its verdict."""


@dataclass(slots=True)
class Counts:
    """Events run so far."""

    events: int = 0
    failed: int = 0
    by_event: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class Engine:
    """Drives the connector's plans for a trigger stream against one target."""

    connector: Connector
    sender: Sender
    monitor: Monitor
    concurrency: int = 8
    lookahead: int = 0
    """Most triggers waiting in user queues; 0 means ``concurrency × 32``."""
    clock: Callable[[], float] = time.monotonic
    counts: Counts = field(default_factory=Counts)
    halted: bool = False
    """Set by :meth:`halt`: no new trigger is taken (triggers already taken still run)."""
    _roles: dict[int, Role] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._roles = {r.id: r for r in self.connector.tenant.roles}

    async def run(self, triggers: Iterable[Trigger], deadline: float | None = None) -> Counts:
        """Run ``triggers``; with ``deadline`` (a ``clock`` reading) stop taking new triggers then.

        Triggers already taken still run, so every user's started sequence completes.
        """
        limit = self.lookahead or self.concurrency * DEFAULT_LOOKAHEAD_PER_SLOT
        stream = iter(triggers)
        queues: dict[int | None, deque[Trigger]] = {}
        running: dict[asyncio.Task[Outcome], tuple[int | None, int]] = {}
        free = list(range(self.concurrency - 1, -1, -1))  # client slots
        waiting = 0
        exhausted = False
        try:
            while True:
                while not exhausted and len(running) < self.concurrency and waiting < limit:
                    over = self.halted or (deadline is not None and self.clock() >= deadline)
                    trigger = None if over else next(stream, None)
                    if trigger is None:
                        exhausted = True
                    elif trigger.user_id in queues:
                        queues[trigger.user_id].append(trigger)
                        waiting += 1
                    else:
                        queues[trigger.user_id] = deque()
                        slot = free.pop()
                        running[asyncio.create_task(self._run_trigger(trigger, slot))] = (
                            trigger.user_id,
                            slot,
                        )
                if not running:
                    return self.counts
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    key, slot = running.pop(task)
                    task.result()  # a bug in a plan or monitor stops the run, loudly
                    queue = queues[key]
                    if queue:
                        waiting -= 1
                        running[asyncio.create_task(self._run_trigger(queue.popleft(), slot))] = key, slot
                    else:
                        del queues[key]
                        free.append(slot)
        finally:
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    async def run_alone(self, trigger: Trigger) -> Outcome:
        """Run ``trigger`` with nothing beside it and return how it ended.

        The connection test gates provisioning: it is sent alone, and its answer awaited, before
        :meth:`run` takes the first trigger of a scenario.
        """
        return await self._run_trigger(trigger, 0)

    def halt(self) -> None:
        """Take no new trigger (a monitor calls it when the target stopped answering)."""
        self.halted = True

    def plan(self, trigger: Trigger) -> Plan:
        """The connector's plan for ``trigger``."""
        tenant = self.connector.tenant
        user = None if trigger.user_id is None else tenant.user(trigger.user_id)
        role = None if trigger.role_id is None else self._roles[trigger.role_id]
        return self.connector.plan(trigger.event, user, role)

    async def _run_trigger(self, trigger: Trigger, slot: int) -> Outcome:
        last: Exchange | None = None
        flagged = False

        async def send(request: WireRequest) -> WireResponse:
            nonlocal last, flagged
            exchange = await self.sender.exchange(request, slot)
            last, flagged = exchange, self.monitor.exchange(exchange)
            return exchange.response

        outcome = await arun(self.plan(trigger), send)
        self.counts.events += 1
        self.counts.by_event[trigger.event] += 1
        if not outcome.ok:
            self.counts.failed += 1
        self.monitor.outcome(trigger, outcome, last, flagged)
        return outcome
