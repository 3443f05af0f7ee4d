"""Scenarios: every one runs against the reference server with zero problems.

The server runs as a child process (``scim-harness serve``), so the simulator and the server each
have a core. The lifecycle scenario (every event kind) runs at 1,000 users; the others, whose
events it covers, at 300: what they prove is that the plans are clean, and scale is the bench's.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.scenarios import ENABLE, SCENARIOS, pushable
from simulator.simulation import SimulationConfig, simulate
from simulator.tenant import Tenant
from tests.support.procserver import ServerProcess

TOKEN = "scenario-token-7f3k2q"
USERS = {"lifecycle": 1000}
OTHERS = 300


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path / "scim.db", TOKEN).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_runs_clean_against_the_reference_server(name: str, reference: ServerProcess) -> None:
    duration = 2.0 if SCENARIOS[name].endless else None
    config = SimulationConfig(name, USERS.get(name, OTHERS), seed=11, concurrency=12, duration=duration)
    report = asyncio.run(simulate(config, reference.base_url, TOKEN))
    shown = "\n".join(str(p) for p in report.problems.items[:20])
    assert report.problems.total == 0, f"{report.problems.total} problems:\n{shown}"
    assert report.counts.failed == 0
    assert report.counts.events > 0
    recon = report.reconciliation
    if name == "connection-test":  # no write, nothing learned: nothing to compare, and it says so
        assert recon.status == "not run" and recon.reason.startswith("nothing to compare")
        assert len(report.own_requests) == 0
    else:
        assert recon.complete
        assert (recon.users_checked, recon.groups_checked) == (recon.users_expected, recon.groups_expected)
        assert recon.users_expected > 0
        assert recon.groups_expected > 0
        assert len(report.own_requests) >= 2  # at least one page of /Users and one of /Groups
    data = report.to_json()
    assert data["requests"] >= report.counts.events
    assert TOKEN not in str(data)


def _events(name: str, users: int = 300, seed: int = 5) -> list[str]:
    scenario = SCENARIOS[name]
    tenant = Tenant.generate(users, seed, settings=scenario.settings)
    triggers = scenario.triggers(tenant, seed)
    if scenario.endless:
        triggers = (s for _, s in zip(range(3000), triggers, strict=False))
    return [str(s) for s in triggers]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenarios_are_reproducible_from_the_seed(name: str) -> None:
    assert _events(name) == _events(name)
    if name != "connection-test":
        assert _events(name) != _events(name, seed=6)


def test_connection_test_writes_nothing() -> None:
    assert str(ENABLE) == "connection_test"  # sent alone before any scenario's triggers
    assert _events("connection-test") == ["entitlement_refresh", "import"]


def test_onboarding_pushes_every_assigned_active_user_once_in_order() -> None:
    tenant = Tenant.generate(300, 5)
    expected = [f"assign user {u.id}" for u in tenant if pushable(u)]
    assert _events("onboarding") == expected


def test_offboarding_and_attribute_sync_mixes() -> None:
    offboarding = Counter(e.split()[0] for e in _events("offboarding"))
    assert offboarding["suspend"] > 0 and offboarding["delete"] > 0 and offboarding["unassign"] > 0
    sync = Counter(e.split()[0] for e in _events("attribute-sync"))
    assert sync["update"] > 100
    assert sync["role_added"] == sync["role_removed"] > 0  # department moves take the role along


def _numbered(events: list[str]) -> list[tuple[str, int]]:
    """Each event with its occurrence number, so repeated events can be told apart."""
    seen: Counter[str] = Counter()
    out = []
    for e in events:
        seen[e] += 1
        out.append((e, seen[e]))
    return out


def test_lifecycle_covers_every_event_with_late_approved_bursts() -> None:
    events = _events("lifecycle", users=600)
    kinds = Counter(e.split()[0] for e in events)
    every = {"connection_test", "assign", "update", "suspend", "reactivate", "unassign", "delete"}
    assert every | {"role_added", "role_removed", "entitlement_refresh", "import"} <= set(kinds)
    scenario = SCENARIOS["lifecycle"]
    tenant = Tenant.generate(600, 5, settings=scenario.settings)
    unapproved = [str(s) for s in scenario.build(tenant, random.Random(5))]
    assert sorted(events) == sorted(unapproved)  # the same events ...
    assert events != unapproved  # ... but not in the same order:
    position = {e: i for i, e in enumerate(_numbered(events))}
    late = [
        e
        for i, e in enumerate(_numbered(unapproved))
        if e[0].startswith(("assign", "delete")) and position[e] > i + 20
    ]
    assert len(late) > 100  # creates and deletes wait for approval ...
    assigns = sorted(i for i, e in enumerate(events) if e.startswith("assign"))
    adjacent = sum(1 for a, b in itertools.pairwise(assigns) if b == a + 1)
    assert adjacent > len(assigns) / 2  # ... and arrive together, in bursts


def test_soak_never_ends_on_its_own() -> None:
    assert len(_events("soak", users=20)) == 3000


def test_config_rejects_what_cannot_run() -> None:
    with pytest.raises(ValueError, match="no scenario"):
        SimulationConfig("nope", 10)
    with pytest.raises(ValueError, match="duration"):
        SimulationConfig("soak", 10)
    with pytest.raises(ValueError, match="at least 1"):
        SimulationConfig("onboarding", 0)
