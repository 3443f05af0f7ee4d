"""The ``harness.collect`` plugin on a small suite of its own: results, steps, shards and ``@serial``.

The suite lives in a temporary folder with its own ``pytest.ini``, so these runs do not depend on
the project's features; they run pytest in a child process, as ``check`` does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.checkrun import ROOT, clean_env

FEATURE_A = """\
@alpha
Feature: Alpha
  @must
  Scenario: One passes
    Given a number 1
    Then it is 1

  @must
  Scenario: Two fails
    Given a number 2
    Then it is 3
    And nothing else

  @should
  Scenario: Three is skipped
    Given the observer is missing
    Then it is 3
"""

FEATURE_B = """\
@beta
Feature: Beta
  @may
  Scenario: Four passes
    Given a number 4
    Then it is 4

  @serial @must
  Scenario: Five runs alone
    Given a number 5
    Then it is 5

  @may
  Scenario: Six says why it failed
    Given a number 6
    Then the server refuses it
"""

STEPS = """\
import pytest
from pytest_bdd import given, parsers, scenarios, then

scenarios("features")


@given(parsers.parse("a number {n:d}"), target_fixture="number")
def _(n):
    return n


@given("the observer is missing")
def _():
    pytest.skip("no observer configured")


@then(parsers.parse("it is {n:d}"))
def _(number, n):
    assert number == n, f"{number} is not {n}"


@then("nothing else")
def _():
    pass


@then("the server refuses it")
def _(request):
    request.node.user_properties.append(
        (
            "scim_failure",
            {"basis": ["R-12", "fact:onelogin_legacy_urns"], "request": "POST /scim/v2/Users",
             "status": 400, "scimType": "invalidValue", "detail": "bad", "expected": 201},
        )
    )
    raise AssertionError("refused")
"""


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("suite")
    for name, text in (("a", FEATURE_A), ("b", FEATURE_B)):
        (root / "features" / name).mkdir(parents=True)
        (root / "features" / name / f"{name}.feature").write_text(text)
    (root / "test_suite.py").write_text(STEPS)
    markers = "\n".join(f"    {m}" for m in ("alpha", "beta", "must", "should", "may", "serial"))
    (root / "pytest.ini").write_text(f"[pytest]\nmarkers =\n{markers}\naddopts = --strict-markers\n")
    return root


def _run(suite: Path, *args: str) -> list[dict[str, Any]]:
    events = suite / f"events-{abs(hash(args))}.jsonl"
    events.unlink(missing_ok=True)
    env = {**clean_env(), "PYTHONPATH": str(ROOT), "SCIM_TOKEN": "plugin-secret-Z9"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "harness.collect",
            "--harness-events",
            str(events),
            "-q",
            *args,
        ],
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [json.loads(line) for line in events.read_text().splitlines()]


def _results(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["scenario"]: e for e in events if e["event"] == "result"}


def test_results_carry_status_steps_tags_and_message(suite: Path) -> None:
    events = _run(suite)
    assert events[0] == {"event": "collected", "total": 6, "serial": 1}
    assert events[-1]["event"] == "finish"
    results = _results(events)
    assert {k: v["status"] for k, v in results.items()} == {
        "One passes": "passed",
        "Two fails": "failed",
        "Three is skipped": "skipped",
        "Four passes": "passed",
        "Five runs alone": "passed",
        "Six says why it failed": "failed",
    }
    failed = results["Two fails"]
    assert failed["message"] == "2 is not 3"
    assert [s["status"] for s in failed["steps"]] == ["passed", "failed", "skipped"]
    assert failed["tags"] == ["alpha", "must"] and failed["featureTags"] == ["alpha"]
    assert failed["featureFile"] == "features/a/a.feature" and failed["area"] == "a"
    assert failed["failure"] is None  # the steps said nothing more than the message
    # The duration is the sum of the phases, so every report can add the same parts up.
    assert set(failed["phases"]) == {"setup", "call", "teardown"}
    assert failed["duration"] == round(sum(failed["phases"].values()), 6)
    told = results["Six says why it failed"]
    assert told["failure"] == {
        "basis": ["R-12", "fact:onelogin_legacy_urns"],
        "request": "POST /scim/v2/Users",
        "status": 400,
        "scimType": "invalidValue",
        "detail": "bad",
        "expected": 201,
    }
    assert results["One passes"]["failure"] is None
    skipped = results["Three is skipped"]
    assert skipped["message"] == "no observer configured"
    assert [s["status"] for s in skipped["steps"]] == ["skipped", "skipped"]


def test_shards_split_whole_features_and_leave_serial_for_last(suite: Path) -> None:
    first = _results(_run(suite, "--harness-shard", "1/2"))
    second = _results(_run(suite, "--harness-shard", "2/2"))
    serial = _results(_run(suite, "--harness-shard", "serial"))
    assert set(serial) == {"Five runs alone"}
    ran = [*first, *second, *serial]
    assert sorted(ran) == sorted(
        [
            "One passes",
            "Two fails",
            "Three is skipped",
            "Four passes",
            "Five runs alone",
            "Six says why it failed",
        ]
    )
    features = [{r["feature"] for r in part.values()} for part in (first, second)]
    assert features[0].isdisjoint(features[1])  # a feature is never split between shards


def test_marker_selection_and_token_scrubbing(suite: Path) -> None:
    results = _results(_run(suite, "-m", "must and not serial"))
    assert set(results) == {"One passes", "Two fails"}
    events = _run(suite, "-k", "fails")
    assert "plugin-secret-Z9" not in json.dumps(events)
