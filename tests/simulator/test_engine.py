"""The traffic engine: per-user order, bounded concurrency and lookahead, deadlines, retries, figures."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import random
from collections import defaultdict
from collections.abc import Iterator

import httpx
import pytest

from schemas import urns
from simulator import ONELOGIN, Connector, Tenant
from simulator.engine import Engine
from simulator.plans import Outcome, Plan
from simulator.problems import Problem, Problems
from simulator.profile import Profile, RetryPolicy
from simulator.progress import PlainProgress, for_stream
from simulator.sender import Sender, clients_for
from simulator.simulation import SimulationConfig, simulate
from simulator.stats import Histogram, Stats
from simulator.triggers import Trigger, with_approvals
from simulator.wire import Exchange, WireRequest, WireResponse
from tests.support.procserver import free_port

TOKEN = "engine-token-123456"


def _json(status: int, body: object) -> WireResponse:
    return WireResponse(status, (("Content-Type", "application/scim+json"),), json.dumps(body).encode())


class FakeScim:
    """Canned, valid answers per operation, after a random short delay (to shuffle completions)."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.ids = itertools.count(1)
        self.in_flight = 0
        self.most_in_flight = 0
        self.seen: list[WireRequest] = []

    async def __call__(self, request: WireRequest) -> WireResponse:
        self.seen.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.rng.random() * 0.002)
        finally:
            self.in_flight -= 1
        op = request.operation
        if op in ("connection_test", "lookup_user", "lookup_group", "list_users", "list_groups"):
            return _json(200, {"schemas": [urns.LIST_RESPONSE], "totalResults": 0, "Resources": []})
        if op in ("create_user", "create_group"):
            return _json(201, {"id": f"id{next(self.ids)}", "name": {"givenName": "A", "familyName": "B"}})
        if op == "replace_user":
            return _json(200, {"id": request.path.rsplit("/", 1)[-1]})
        return WireResponse(204)


class Recorder:
    """A monitor that remembers outcomes in order."""

    def __init__(self) -> None:
        self.outcomes: list[tuple[Trigger, Outcome]] = []

    def exchange(self, exchange: Exchange) -> bool:
        return False

    def outcome(self, trigger: Trigger, outcome: Outcome, last: Exchange | None, flagged: bool) -> None:
        self.outcomes.append((trigger, outcome))


class WatchedEngine(Engine):
    """Counts plans running at once for the same user."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.running: dict[int | None, int] = defaultdict(int)
        self.overlaps = 0

    def plan(self, trigger: Trigger) -> Plan:
        inner = super().plan(trigger)

        def watched() -> Plan:
            self.running[trigger.user_id] += 1
            if trigger.user_id is not None and self.running[trigger.user_id] > 1:
                self.overlaps += 1
            try:
                return (yield from inner)
            finally:
                self.running[trigger.user_id] -= 1

        return watched()


def _sender(fake: FakeScim, profile: Profile = ONELOGIN, **kwargs: object) -> Sender:
    return Sender(clients_for(1), "http://scim.test/v2", profile, transport=fake, **kwargs)  # type: ignore[arg-type]


def _steps(tenant: Tenant, rng: random.Random, per_user: int) -> list[Trigger]:
    users = [u for u in tenant if u.assigned and not u.suspended][:6]
    queues = {u.id: [Trigger("assign", u.id)] for u in users}
    for user_id, queue in queues.items():
        queue += [Trigger(rng.choice(("update", "suspend", "reactivate")), user_id) for _ in range(per_user)]
    triggers: list[Trigger] = [Trigger("connection_test")]
    while any(queues.values()):
        user_id = rng.choice([k for k, q in queues.items() if q])
        triggers.append(queues[user_id].pop(0))
    return triggers


def test_each_users_events_run_strictly_in_order_with_bounded_concurrency() -> None:
    tenant = Tenant.generate(40, seed=4)
    triggers = _steps(tenant, random.Random(9), per_user=12)
    fake, monitor = FakeScim(seed=3), Recorder()
    engine = WatchedEngine(Connector(tenant, TOKEN), _sender(fake), monitor, concurrency=4)
    counts = asyncio.run(engine.run(triggers))
    assert counts.events == len(triggers)
    assert counts.failed == 0
    assert engine.overlaps == 0
    assert 1 < fake.most_in_flight <= 4  # concurrency was used, and bounded
    done: dict[int | None, list[Trigger]] = defaultdict(list)
    for trigger, _ in monitor.outcomes:
        done[trigger.user_id].append(trigger)
    for user_id in {s.user_id for s in triggers}:
        assert done[user_id] == [s for s in triggers if s.user_id == user_id]
    # the interleaving differs from the stream's: users really ran side by side
    assert [s for s, _ in monitor.outcomes] != triggers


def test_lookahead_bounds_how_much_of_the_stream_is_taken() -> None:
    tenant = Tenant.generate(10, seed=1)
    user = next(u for u in tenant if u.assigned)
    taken = 0
    gate = asyncio.Event()

    async def blocked(request: WireRequest) -> WireResponse:
        await gate.wait()
        return await FakeScim()(request)

    def stream() -> Iterator[Trigger]:
        nonlocal taken
        for _ in range(10_000):
            taken += 1
            yield Trigger("update", user.id)

    async def main() -> int:
        engine = Engine(Connector(tenant, TOKEN), _sender(blocked), Recorder(), concurrency=2, lookahead=10)  # type: ignore[arg-type]
        run = asyncio.create_task(engine.run(stream()))
        for _ in range(50):
            await asyncio.sleep(0)
        seen = taken
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        return seen

    assert asyncio.run(main()) <= 1 + 10 + 1


def test_a_deadline_stops_taking_steps_but_finishes_those_taken() -> None:
    tenant = Tenant.generate(20, seed=2)
    users = [u for u in tenant if u.assigned and not u.suspended]
    ticks = itertools.count()

    def endless() -> Iterator[Trigger]:
        for user in itertools.cycle(users):
            yield Trigger("update", user.id)

    monitor = Recorder()
    engine = Engine(
        Connector(tenant, TOKEN),
        _sender(FakeScim()),
        monitor,
        concurrency=3,
        clock=lambda: float(next(ticks)),
    )
    counts = asyncio.run(engine.run(endless(), deadline=25.0))
    assert 0 < counts.events < 30
    assert counts.events == len(monitor.outcomes)


def test_retries_follow_the_profile_and_honour_retry_after() -> None:
    answers = iter(
        [
            WireResponse(503, (("Retry-After", "7"),)),
            WireResponse(429),
            WireResponse(0, error="timeout: ReadTimeout"),
            _json(200, {"schemas": [urns.LIST_RESPONSE], "totalResults": 0, "Resources": []}),
        ]
    )
    slept: list[float] = []
    attempts: list[int] = []

    async def transport(request: WireRequest) -> WireResponse:
        return next(answers)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    sender = _sender(transport, on_attempt=lambda e, *_: attempts.append(e.attempt), sleep=sleep)  # type: ignore[arg-type]
    request = WireRequest("GET", "/Users", operation="lookup_user")
    exchange = asyncio.run(sender.exchange(request))
    assert exchange.response.status == 200
    assert exchange.attempt == 4
    assert attempts == [1, 2, 3, 4]
    assert slept == [7.0, 2.0, 4.0]  # Retry-After, then backoff 1 × 2^(n-1)


@pytest.mark.parametrize(
    ("status", "tries"),
    [(400, 1), (404, 1), (409, 1), (500, 3), (0, 3)],
)
def test_what_is_retried_and_when_the_engine_gives_up(status: int, tries: int) -> None:
    calls = 0

    async def transport(request: WireRequest) -> WireResponse:
        nonlocal calls
        calls += 1
        return WireResponse(status, error="connection: refused" if status == 0 else None)

    async def sleep(seconds: float) -> None:
        return None

    profile = Profile(retry=RetryPolicy(retries=2))
    exchange = asyncio.run(_sender(transport, profile, sleep=sleep).exchange(WireRequest("GET", "/Users")))  # type: ignore[arg-type]
    assert calls == tries
    assert exchange.attempt == tries


def test_each_request_carries_the_profiles_timeouts() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(204)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    sender = Sender([client], "http://scim.test/v2", ONELOGIN)
    asyncio.run(sender.exchange(WireRequest("DELETE", "/Users/x", operation="delete_user")))
    assert seen == [ONELOGIN.timeouts.as_dict()]


def test_clients_are_one_per_slot_up_to_a_cap() -> None:
    assert len(clients_for(1)) == 1
    assert len(clients_for(12)) == 12
    assert len(clients_for(500)) == 64


# --- figures ---------------------------------------------------------------------------------------


def test_histogram_percentiles_are_within_two_percent() -> None:
    rng = random.Random(5)
    values = [rng.lognormvariate(-4, 1.2) for _ in range(20_000)]
    histogram = Histogram()
    for v in values:
        histogram.add(v)
    ordered = sorted(values)
    for q in (0.5, 0.9, 0.99):
        exact = ordered[int(q * len(ordered)) - 1]
        assert histogram.percentile(q) == pytest.approx(exact, rel=0.021)
    assert histogram.maximum == max(values)
    assert len(histogram.counts) == len(Histogram().counts)  # fixed size: memory never grows


def test_timeline_has_one_entry_per_second_including_quiet_ones() -> None:
    stats = Stats(started=100.0)
    stats.add("lookup_user", 200, 0.010, at=100.2)
    stats.add("create_user", 201, 0.030, at=100.7)
    stats.add("create_user", 500, 0.050, at=103.1, attempt=2)
    timeline = stats.finish()
    assert [e["second"] for e in timeline] == [0, 1, 2, 3]
    assert [e["requests"] for e in timeline] == [2, 0, 0, 1]
    assert timeline[3]["errors"] == 1
    assert timeline[0]["max"] == pytest.approx(30, rel=0.02)
    summary = stats.summary(elapsed=4.0)
    assert summary["requests"] == 3
    assert summary["retries"] == 1
    assert summary["throughput"] == 0.75
    assert summary["statuses"] == {"200": 1, "201": 1, "500": 1}
    assert summary["operations"]["create_user"] == {"201": 1, "500": 1}


def test_problem_log_is_capped_and_counts_the_rest() -> None:
    problems = Problems(cap=1000)
    for i in range(1500):
        problems.add(Problem("status" if i % 2 else "schema", f"p{i}"))
    data = problems.to_json()
    assert len(problems.items) == 1000
    assert data["count"] == 1500
    assert data["omitted"] == 500
    assert data["byKind"] == {"schema": 750, "status": 750}


# --- approvals -------------------------------------------------------------------------------------


def test_approval_holds_steps_and_releases_them_in_bursts_keeping_user_order() -> None:
    stream = [Trigger("assign", i % 50) if i % 3 == 0 else Trigger("update", i % 50) for i in range(300)]
    out = list(with_approvals(stream, lambda e: e == "assign", random.Random(1), burst_every=(20, 40)))
    assert sorted(map(str, out)) == sorted(map(str, stream))
    for user in range(50):
        assert [s for s in out if s.user_id == user] == [s for s in stream if s.user_id == user]
    first_assign = next(i for i, s in enumerate(out) if s.event == "assign")
    assert first_assign >= 10  # held back behind other traffic
    assigns = [i for i, s in enumerate(out) if s.event == "assign"]
    runs = sum(1 for a, b in itertools.pairwise(assigns) if b != a + 1)
    assert runs < len(assigns) / 2  # they arrive together, in bursts


def test_global_steps_are_never_held() -> None:
    stream = [Trigger("connection_test"), Trigger("assign", 1), Trigger("entitlement_refresh")]
    out = list(with_approvals(stream, lambda e: True, random.Random(0), burst_every=(100, 100)))
    assert out == [Trigger("connection_test"), Trigger("entitlement_refresh"), Trigger("assign", 1)]


# --- progress --------------------------------------------------------------------------------------


def test_plain_progress_prints_lines_and_a_final_one() -> None:
    out = io.StringIO()
    progress = PlainProgress(out, interval=0.0)
    progress.start("onboarding", 100)
    progress.advance(10, 30, 0)
    progress.advance(100, 300, 2)
    progress.stop()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[-1].startswith("onboarding: 100/~100 events, 300 requests, 2 problems")
    assert isinstance(for_stream(io.StringIO()), PlainProgress)  # not a terminal: plain lines


def test_a_dead_target_stops_the_run_instead_of_retrying_every_event() -> None:
    def dies_after_the_connection_test(request: httpx.Request) -> httpx.Response:
        if "filter" in request.url.params and request.url.params["filter"].count("@") == 0:
            empty = {"schemas": [urns.LIST_RESPONSE], "totalResults": 0, "Resources": []}
            return httpx.Response(200, json=empty, headers={"Content-Type": "application/scim+json"})
        raise httpx.ConnectError("connection refused", request=request)

    config = SimulationConfig(
        "onboarding", 500, seed=1, concurrency=4, profile=Profile(retry=RetryPolicy(retries=0))
    )
    client = httpx.AsyncClient(transport=httpx.MockTransport(dies_after_the_connection_test))
    report = asyncio.run(simulate(config, "http://scim.invalid/v2", TOKEN, clients=[client]))
    assert report.stopped is None
    assert report.counts.events < 100  # of ~470: it stopped taking events
    messages = [p.message for p in report.problems.items]
    assert any("the target stopped answering (50 requests in a row failed)" in m for m in messages)
    assert not report.reconciliation.complete


def test_a_target_dead_from_the_start_fails_the_connection_test_and_nothing_else_is_sent() -> None:
    url = f"http://127.0.0.1:{free_port()}/scim/v2"
    config = SimulationConfig(
        "onboarding", 500, seed=1, concurrency=4, profile=Profile(retry=RetryPolicy(retries=0))
    )
    report = asyncio.run(simulate(config, url, TOKEN))
    assert report.stopped is not None and report.stopped.startswith("the connection test failed: GET /Users")
    assert report.counts.events == 1 and report.to_json()["requests"] == 1
    assert not report.ok
