"""Distributed load on Locust: partitions, per-user order, the import rule, and real headless runs.

The runs start ``scim-harness simulate --engine locust``: a headless Locust master and one worker
(or one standalone process) as child processes on loopback, against the reference server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import cli
from simulator.connector import Connector
from simulator.load import Feed, Partition
from simulator.scenarios import SCENARIOS
from simulator.tenant import Tenant
from simulator.triggers import Trigger
from tests.support.faults import faulty_server, scim_error
from tests.support.procserver import ServerProcess
from tests.support.scimtest import TOKEN, make_config
from tests.support.witness import Witness, witnessed

SECRET = "locust-secret-token-QX42-abcdef"
RUN_TIMEOUT = 60  # seconds: a hung Locust fails the test instead of the suite


def _all_triggers(scenario: str, users: int, seed: int) -> list[Trigger]:
    chosen = SCENARIOS[scenario]
    tenant = Tenant.generate(users, seed, settings=chosen.settings)
    return list(chosen.triggers(tenant, seed))


def _drain(feed: Feed) -> list[Trigger]:
    taken: list[Trigger] = []
    while (trigger := feed.take()) is not None:
        taken.append(trigger)
        follow = feed.finished(trigger)
        while follow is not None:
            taken.append(follow)
            follow = feed.finished(follow)
    return taken


def test_partitions_share_out_every_step_once_in_each_users_order() -> None:
    full = _all_triggers("lifecycle", 150, 4)
    parts = [_drain(Feed.build("lifecycle", 150, 4, "t", Partition(i, 3))) for i in range(3)]
    assert Counter(s for p in parts for s in p) == Counter(full)
    globals_ = [s for s in full if s.user_id is None]
    assert [s for s in parts[0] if s.user_id is None] == globals_ and globals_
    assert not any(s.user_id is None for p in parts[1:] for s in p), "global events are sent once"
    by_user: dict[int | None, list[Trigger]] = defaultdict(list)
    for trigger in full:
        by_user[trigger.user_id].append(trigger)
    for part in parts:
        mine: dict[int | None, list[Trigger]] = defaultdict(list)
        for trigger in part:
            mine[trigger.user_id].append(trigger)
        assert all(mine[user] == by_user[user] for user in mine)


def test_a_users_next_step_waits_while_one_of_theirs_runs() -> None:
    tenant = Tenant.generate(2, 0)
    first, second = (u.id for u in tenant)
    a, b, c = Trigger("assign", first), Trigger("update", first), Trigger("assign", second)
    feed = Feed(Connector(tenant, "t"), iter([a, b, c]))
    assert feed.take() == a
    assert feed.take() == c, "b waits behind a"
    assert feed.waiting == 1 and feed.take() is None and feed.exhausted and not feed.done
    assert feed.finished(a) == b and feed.finished(b) is None and feed.finished(c) is None
    assert feed.done


def test_partition_must_exist() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        Partition(2, 2)


def test_the_simulator_and_the_cli_do_not_import_locust() -> None:
    code = (
        "import sys, simulator, simulator.load, harness.cli, harness.simulate; "
        "bad = [m for m in ('locust', 'gevent') if m in sys.modules]; "
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("locust") / "scim.db", SECRET).start()
    try:
        yield server
    finally:
        server.stop()


def _simulate(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, ["simulate", "--engine", "locust", *args], env=env, catch_exceptions=False)


@pytest.mark.slow
def test_master_and_worker_on_loopback_push_a_tenant_without_failure(
    reference: ServerProcess, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    result = _simulate(
        "--workers", "1", "--scenario", "onboarding", "--users", "50", "--concurrency", "6",
        "--duration", "30", "--base-url", reference.base_url, "--report-dir", str(reports),
        env={"SCIM_TOKEN": SECRET, "SCIM_BASE_URL": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((reports / "locust.json").read_text(encoding="utf-8"))
    assert data["ok"] is True and data["failures"] == 0, data["failureMessages"]
    assert data["requests"] > 50 and data["workers"] == 1
    assert data["operations"]["POST create_user"]["requests"] > 0
    assert data["elapsed"] < 25, "the run ends when the scenario is done, not at --duration"
    for path in reports.iterdir():
        assert SECRET not in path.read_text(encoding="utf-8"), path.name
    assert SECRET not in result.output


@pytest.mark.slow
def test_a_standalone_run_reports_what_onelogin_would_not_accept(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    config = make_config(tmp_path / "scim.db")
    with faulty_server("create-200", config) as server:
        result = _simulate(
            "--workers", "0", "--scenario", "onboarding", "--users", "10", "--concurrency", "2",
            "--base-url", server.base_url, "--report-dir", str(reports),
            env={"SCIM_TOKEN": config.token, "SCIM_BASE_URL": ""},
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    data = json.loads((reports / "locust.json").read_text(encoding="utf-8"))
    assert data["ok"] is False and data["workers"] == 0
    assert data["operations"]["POST create_user"]["failures"] > 0
    assert any("create_user" in f["name"] and "200" in f["error"] for f in data["failureMessages"])


@pytest.mark.slow
@pytest.mark.parametrize("workers", [0, 1])
def test_a_refused_connection_test_sends_no_user_request_on_locust_either(
    tmp_path: Path, workers: int
) -> None:
    witness = Witness(scim_error(500, "database down"))
    with witnessed(tmp_path, witness) as server:
        result = _simulate(
            "--workers", "1", "--scenario", "onboarding", "--users", "30", "--concurrency", "8",
            "--retries", "0", "--duration", "30", "--base-url", server.base_url,
            "--report-dir", str(tmp_path / "reports"), env={"SCIM_TOKEN": TOKEN, "SCIM_BASE_URL": ""},
        )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert witness.log.count(("received", "connection test")) == 1
    assert witness.provisioning() == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the connection test failed: GET /Users?filter=")
    assert "answered 500" in lines[0] and "no user request was sent" in lines[0]


def test_record_needs_the_asyncio_engine(tmp_path: Path) -> None:
    result = _simulate(
        "--scenario", "onboarding", "--record", str(tmp_path / "t.jsonl"), env={"SCIM_TOKEN": ""}
    )
    assert result.exit_code == 2 and "--record" in result.output
