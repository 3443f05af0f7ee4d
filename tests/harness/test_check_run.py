"""``scim-harness check`` end to end: real runs of the feature suite, their reports and exit codes.

The broken target is the reference server with discovery faults (``tests/checkrun.py``): one
``@must`` and one ``@should`` discovery scenario fail. Every run is a child process, as a user
or CI would run it, with the tokens passed through the environment.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from harness.reporting import REPORT_FILES
from harness.reporting.summary import schema
from tests.support.checkrun import (
    MUST_FAILURE,
    ROOT,
    SECRETS,
    SHOULD_FAILURE,
    TOKEN,
    broken_target,
    clean_env,
    run_check,
    summary_of,
)
from tests.support.reportdata import SIMULATION, external_references

pytestmark = pytest.mark.slow

DISCOVERY = ROOT / "features" / "discovery"
BrokenRun = tuple[subprocess.CompletedProcess[str], Path]
WholeRun = tuple[subprocess.CompletedProcess[str], Path, Path]


def _discovery_scenarios() -> int:
    return sum(len(re.findall(r"^\s*Scenario:", p.read_text(), re.M)) for p in DISCOVERY.rglob("*.feature"))


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> BrokenRun:
    folder = tmp_path_factory.mktemp("broken")
    with broken_target(folder) as target:
        result = run_check("--tags", "@discovery", "--report-dir", str(folder / "reports"), env=target.env())
    return result, folder / "reports"


def test_a_gating_failure_exits_1_and_is_shown_as_it_happens(broken_run: BrokenRun) -> None:
    result, _ = broken_run
    assert result.returncode == 1, result.stderr
    assert f"FAIL Discovery › {MUST_FAILURE}" in result.stdout
    assert f"WARN Discovery › {SHOULD_FAILURE}" in result.stdout
    assert "FAILED: 1 gating failure(s), 1 warning(s)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_every_report_is_written(broken_run: BrokenRun) -> None:
    _, reports = broken_run
    assert sorted(p.name for p in reports.iterdir() if p.name in REPORT_FILES) == sorted(REPORT_FILES)


def test_no_report_and_no_output_contains_a_token(broken_run: BrokenRun) -> None:
    result, reports = broken_run
    for path in reports.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in content, f"{secret} found in {path.name}"
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr
    assert "Bearer ***" in (reports / "report.html").read_text()


def test_junit_counts_equal_the_run(broken_run: BrokenRun) -> None:
    _, reports = broken_run
    summary = summary_of(reports)
    root = ET.parse(reports / "junit.xml").getroot()
    cases = list(root.iter("testcase"))
    assert len(cases) == summary["counts"]["total"] == _discovery_scenarios()
    assert int(root.get("tests", "-1")) == summary["counts"]["total"]
    assert int(root.get("failures", "-1")) == summary["counts"]["failed"] == 2
    assert int(root.get("errors", "-1")) == summary["counts"]["error"]
    assert int(root.get("skipped", "-1")) == summary["counts"]["skipped"]
    failed = next(c for c in cases if c.get("name") == MUST_FAILURE)
    assert "< HTTP 202" in (failed.findtext("system-out") or "")


def test_cucumber_has_every_scenario(broken_run: BrokenRun) -> None:
    _, reports = broken_run
    summary = summary_of(reports)
    features = json.loads((reports / "cucumber.json").read_text())
    names = sorted(e["name"] for f in features for e in f["elements"])
    assert names == sorted(s["name"] for s in summary["scenarios"])
    failed = next(e for f in features for e in f["elements"] if e["name"] == MUST_FAILURE)
    assert [s["result"]["status"] for s in failed["steps"]][:2] == ["passed", "failed"]


def test_summary_json_matches_its_schema_and_the_run(broken_run: BrokenRun) -> None:
    _, reports = broken_run
    summary = summary_of(reports)
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(summary)
    assert summary["verdict"] == "failed" and summary["exitCode"] == 1
    assert summary["tags"] == "@discovery" and summary["target"]["embedded"] is False
    by_name = {s["name"]: s for s in summary["scenarios"]}
    must = by_name[MUST_FAILURE]
    assert must["status"] == "failed" and must["gating"] is True and must["level"] == "must"
    assert "GET /scim/v2/ResourceTypes answered 202" in must["message"] and "200" in must["message"]
    assert by_name[SHOULD_FAILURE]["gating"] is False
    assert {"@discovery", "@must"} <= set(must["tags"])


def test_report_html_is_self_contained_and_shows_the_failing_wire(broken_run: BrokenRun) -> None:
    _, reports = broken_run
    page = (reports / "report.html").read_text()
    assert external_references(page) == []
    start = page.index('id="failure-1"')
    failure = page[start : page.index('<details class="failure', start + 1)]
    assert MUST_FAILURE in failure
    assert "GET /scim/v2/ResourceTypes → 202" in failure
    assert "HTTP 202" in failure and "authorization: Bearer ***" in failure
    assert 'class="step failed"' in failure and "the server answers 200" in failure


def test_strict_makes_a_should_failure_gate(tmp_path: Path) -> None:
    with broken_target(tmp_path) as target:
        lenient = run_check(
            "--tags", "@discovery and @should", "--report-dir", str(tmp_path / "a"), env=target.env()
        )
        strict = run_check(
            "--tags",
            "@discovery and @should",
            "--strict",
            "--report-dir",
            str(tmp_path / "b"),
            env=target.env(),
        )
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    assert (
        "WARN Discovery" in lenient.stdout and "PASSED: 0 gating failure(s), 1 warning(s)" in lenient.stdout
    )
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert json.loads((tmp_path / "b" / "summary.json").read_text())["strict"] is True


@pytest.fixture(scope="module")
def whole_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    """The whole suite, every IdP, ``-j 3``, against the embedded server, with a simulation.json
    already in the report folder and a GitHub step summary to write: one run for both tests below."""
    folder = tmp_path_factory.mktemp("whole")
    reports = folder / "reports"
    reports.mkdir()
    (reports / "simulation.json").write_text(json.dumps(SIMULATION))
    step_summary = folder / "github-step-summary.md"
    env = {**clean_env(), "GITHUB_STEP_SUMMARY": str(step_summary)}
    # every IdP: pytest collects the Okta and Entra areas too (check runs OneLogin only by default)
    result = run_check("--idp", "all", "-j", "3", "--report-dir", str(reports), env=env)
    return result, reports, step_summary


def test_embedded_target_passes_and_summarises_a_simulation(
    whole_run: WholeRun,
) -> None:
    result, reports, step_summary = whole_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checking embedded reference server" in result.stdout
    summary = summary_of(reports)
    assert summary["verdict"] == "passed" and summary["target"]["embedded"] is True
    assert summary["simulation"]["scenario"] == "lifecycle"
    page = (reports / "report.html").read_text()
    assert 'id="simulation"' in page and page.count("<svg") == 3 and external_references(page) == []
    assert "OneLogin simulation" in (reports / "summary.md").read_text()
    assert "scim-harness check: PASSED" in step_summary.read_text()


def test_parallel_run_of_the_whole_suite_runs_each_scenario_once(
    whole_run: WholeRun,
) -> None:
    """``-j 3`` against the embedded server: the same scenarios as pytest collects, each once."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "steps", "--collect-only", "-q", "-p", "no:warnings"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    ids = sorted(line for line in collected.stdout.splitlines() if "::" in line)
    result, reports, _ = whole_run
    summary = summary_of(reports)
    ran = sorted(s["id"] for s in summary["scenarios"])
    assert ran == ids
    bad = [f"{s['name']}: {s['message']}" for s in summary["scenarios"] if s["status"] in ("failed", "error")]
    assert result.returncode == 0, "\n".join(bad) or result.stderr
    assert TOKEN not in result.stdout
