"""One simulation run: a scenario over a generated tenant against a target, verified and reconciled.

:func:`simulate` wires the parts together: the tenant and connector, the engine and its sender,
the monitor (verification of every exchange, the expected directory, the optional recording, the
progress display), then reconciliation, and returns a :class:`Report` whose :meth:`Report.to_json`
is ``simulation.json``. The connection test goes first and alone: when OneLogin would not accept
its answer, nothing else is sent (:attr:`Report.stopped`). The reconciliation reads are the
harness's own (:class:`~simulator.own_requests.OwnRequests`), listed apart from OneLogin's traffic.
The token goes into requests only; the report and recording never see it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from scim_client import Transport, public_url
from simulator import verify
from simulator.connector import Connector
from simulator.engine import Counts, Engine
from simulator.expected import AppBehaviour, Directory
from simulator.own_requests import OwnRequests
from simulator.plans import Outcome, drive
from simulator.problems import DEFAULT_CAP, Problem, Problems, exchange_record
from simulator.profile import ONELOGIN, Profile
from simulator.progress import Progress, Silent
from simulator.reconcile import Summary, reconcile
from simulator.record import Recorder
from simulator.scenarios import ENABLE, SCENARIOS
from simulator.sender import Sender, clients_for
from simulator.settings import AppSettings
from simulator.stats import Stats
from simulator.template import DEFAULT_TEMPLATE, Template
from simulator.tenant import Tenant
from simulator.triggers import Trigger
from simulator.wire import Exchange

STOP_AFTER_TRANSPORT_ERRORS = 50
"""Consecutive requests that got no HTTP answer (after retries) before a run stops taking events."""


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """What to run: a scenario over ``users`` generated from ``seed``."""

    scenario: str
    users: int
    seed: int = 0
    concurrency: int = 8
    duration: float | None = None
    """Seconds after which no new event is taken (required for ``soak``)."""
    profile: Profile = ONELOGIN
    template: Template = DEFAULT_TEMPLATE
    settings: AppSettings | None = None
    """The app's provisioning settings; None: the scenario's own (lifecycle asks for approvals)."""
    behaviour: AppBehaviour = field(default_factory=AppBehaviour)
    record: Path | None = None
    problem_cap: int = DEFAULT_CAP

    def __post_init__(self) -> None:
        scenario = SCENARIOS.get(self.scenario)
        if scenario is None:
            raise ValueError(f"no scenario {self.scenario!r}; choose one of {', '.join(SCENARIOS)}")
        if scenario.endless and not self.duration:
            raise ValueError(f"the {self.scenario} scenario runs for a duration: give one in seconds")
        if self.users < 1 or self.concurrency < 1:
            raise ValueError("users and concurrency must be at least 1")


@dataclass(slots=True)
class Report:
    """What a run found; ``to_json()`` is ``simulation.json``."""

    config: SimulationConfig
    target: str
    started: str
    traffic: dict[str, Any]
    timeline: list[dict[str, Any]]
    counts: Counts
    problems: Problems
    reconciliation: Summary
    recording: int = 0
    stopped: str | None = None
    """Why provisioning never started (OneLogin would not accept the connection test's answer)."""
    own_requests: OwnRequests = field(default_factory=OwnRequests)
    """The harness's own requests (pre-flight, reconciliation), not OneLogin's."""

    @property
    def ok(self) -> bool:
        return not self.problems and self.stopped is None

    def to_json(self) -> dict[str, Any]:
        c = self.config
        return {
            "scenario": c.scenario,
            "users": c.users,
            "seed": c.seed,
            "concurrency": c.concurrency,
            "duration": c.duration,
            "profile": c.profile.name,
            "target": self.target,
            "started": self.started,
            "ok": self.ok,
            "stopped": self.stopped,
            "events": {
                "count": self.counts.events,
                "failed": self.counts.failed,
                "byEvent": dict(sorted(self.counts.by_event.items())),
            },
            **self.traffic,
            "timeline": self.timeline,
            "reconciliation": self.reconciliation.to_json(),
            "recordedExchanges": self.recording,
            "problems": self.problems.to_json(),
            "harnessRequests": self.own_requests.to_json(),
        }


class _Monitor:
    """Verifies, models and records each exchange; reports failed events; feeds the progress."""

    def __init__(
        self,
        profile: Profile,
        directory: Directory,
        problems: Problems,
        stats: Stats,
        recorder: Recorder | None,
        progress: Progress,
    ) -> None:
        self.profile, self.directory, self.problems = profile, directory, problems
        self.stats, self.recorder, self.progress = stats, recorder, progress
        self.events = 0
        self.unanswered = 0
        self.halt: Callable[[], None] | None = None

    def exchange(self, exchange: Exchange) -> bool:
        self.unanswered = self.unanswered + 1 if exchange.response.error is not None else 0
        if self.unanswered == STOP_AFTER_TRANSPORT_ERRORS and self.halt is not None:
            # a dead target would otherwise cost every remaining event its full retry backoff
            self.halt()
            message = (
                f"the target stopped answering ({self.unanswered} requests in a row failed): run stopped"
            )
            self.problems.add(Problem("transport", message, exchange.request.event, check="target-answers"))
        findings = verify.check(exchange, self.profile)
        self.directory.apply(exchange)
        if self.recorder is not None:
            self.recorder.write(exchange)
        if findings:
            record, request = exchange_record(exchange), exchange.request
            for f in findings:
                self.problems.add(
                    Problem(
                        f.kind, f.message, request.event, request.user_id, f.pointer, record, f.check, f.basis
                    )
                )
        return bool(findings)

    def outcome(self, trigger: Trigger, outcome: Outcome, last: Exchange | None, flagged: bool) -> None:
        self.events += 1
        if not outcome.ok and not flagged:
            record = exchange_record(last) if last is not None else None
            problem = Problem(
                "event", outcome.detail, outcome.event, outcome.user_id, None, record, "event", outcome.basis
            )
            self.problems.add(problem)
        self.progress.advance(self.events, self.stats.requests, self.problems.total)


async def simulate(
    config: SimulationConfig,
    base_url: str,
    token: str,
    *,
    clients: Sequence[httpx.AsyncClient] | None = None,
    progress: Progress | None = None,
    transport: Transport | None = None,
    own_requests: OwnRequests | None = None,
) -> Report:
    """Run ``config`` against the SCIM server at ``base_url`` with bearer ``token``.

    ``own_requests`` holds what the harness sent for itself before the run (the pre-flight's
    exchange); the reconciliation reads are added to it, and the report lists them.
    """
    scenario = SCENARIOS[config.scenario]
    settings = scenario.settings if config.settings is None else config.settings
    tenant = Tenant.generate(config.users, config.seed, settings=settings)
    connector = Connector(tenant, token, config.profile, config.template, seed=config.seed)
    directory, problems = Directory(config.behaviour), Problems(config.problem_cap)
    progress = progress or Silent()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    stats = Stats(time.perf_counter())
    owned = clients is None
    http = clients or clients_for(config.concurrency, transport)
    recorder = Recorder(config.record, [token]) if config.record is not None else None
    own = own_requests if own_requests is not None else OwnRequests()
    try:
        sender = Sender(
            http,
            base_url,
            config.profile,
            on_attempt=lambda e, latency, at: stats.add(
                e.request.operation, e.response.status, latency, at, e.attempt
            ),
        )
        monitor = _Monitor(config.profile, directory, problems, stats, recorder, progress)
        engine = Engine(connector, sender, monitor, config.concurrency)
        monitor.halt = engine.halt
        deadline = engine.clock() + config.duration if config.duration else None
        progress.start(config.scenario, scenario.estimate(tenant))
        try:
            # OneLogin's order: Enable first, alone; provisioning only once its answer is accepted
            enabled = await engine.run_alone(ENABLE)
            counts = engine.counts
            if enabled.ok:
                counts = await engine.run(scenario.triggers(tenant, config.seed), deadline)
        finally:
            progress.stop()
        elapsed = time.perf_counter() - stats.started
        stopped = None if enabled.ok else f"the connection test failed: {enabled.detail}"
        if stopped is None:
            summary = await drive(
                reconcile(
                    directory, connector.requests.headers(False), problems.add, idp=connector.profile.idp_name
                ),
                Sender(http, base_url, config.profile, on_attempt=lambda e, _, __: own.add("reconcile", e)),
            )
        else:
            summary = Summary.not_run("provisioning never started: the connection test failed")
    finally:
        if recorder is not None:
            recorder.close()
        if owned:
            for client in http:
                await client.aclose()
    return Report(
        config,
        public_url(base_url),
        started_at,
        stats.summary(elapsed),
        stats.finish(),
        counts,
        problems,
        summary,
        recorder.lines if recorder is not None else 0,
        stopped,
        own,
    )
