"""``check`` against servers with one fault: two verdicts, failures grouped by cause, consistent numbers.

- ``reject-legacy-urns`` (tests/support/faults.py) refuses OneLogin's legacy schema URN: one fault,
  many failed OneLogin scenarios. The whole suite runs against it: summary.md's first cause must
  name that exchange with the right count, and the RFC verdict must not move.
- The discovery faults of ``tests/support/checkrun.py`` break RFC 7644 §4 only: the OneLogin
  verdict must pass, and with ``--gate onelogin`` the run exits 0 although the RFC verdict fails.
- The five reports of one run must agree on the wall time and on every count.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from tests.support.checkrun import SECRETS, broken_target, faulty_target, run_check, summary_of

pytestmark = pytest.mark.slow

Run = tuple[subprocess.CompletedProcess[str], Path]
LEGACY_DETAIL = "unknown schema urn:scim:schemas:core:2.0"


@pytest.fixture(scope="module")
def legacy_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("legacy")
    with faulty_target("reject-legacy-urns", folder) as target:
        result = run_check("-j", "2", "--report-dir", str(folder / "reports"), env=target.env())
    return result, folder / "reports"


@pytest.fixture(scope="module")
def rfc_fault_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("rfc-fault")
    with broken_target(folder) as target:
        result = run_check(
            "--tags",
            "@discovery or @onelogin",
            "--gate",
            "onelogin",
            "--report-dir",
            str(folder / "reports"),
            env=target.env(),
        )
    return result, folder / "reports"


def _first_refusals(reports: Path) -> Counter[tuple[str, str]]:
    """(method, path) of the first exchange answered >= 400 in each failed scenario's wire, read
    from junit.xml's transcripts — independently of how the reports group causes."""
    found: Counter[tuple[str, str]] = Counter()
    for case in ET.parse(reports / "junit.xml").getroot().iter("testcase"):
        if case.find("failure") is None:
            continue
        for block in (case.findtext("system-out") or "").split("\n\n"):
            status = re.search(r"^< HTTP (\d+)$", block, re.M)
            if status and int(status[1]) >= 400 and LEGACY_DETAIL in block:
                method, url = block.splitlines()[0].removeprefix("> ").split(" ", 1)
                found[
                    (method, re.sub(r"/Users/[^/?]+", "/Users/{id}", url.split("://", 1)[1].split("/", 1)[1]))
                ] += 1
                break
    return found


def test_one_fault_is_one_cause_at_the_top_with_its_count(legacy_run: Run) -> None:
    result, reports = legacy_run
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    summary = summary_of(reports)
    failed = [s for s in summary["scenarios"] if s["status"] in ("failed", "error")]
    refused = _first_refusals(reports)
    creates = refused[("POST", "scim/v2/Users")]
    assert creates >= 20, f"the fault should break many OneLogin creates: {refused}"
    first = summary["causes"][0]
    assert first["request"] == {
        "method": "POST",
        "path": "/scim/v2/Users",
        "status": "400",
        "scimType": "invalidValue",
        "detail": "unknown schema urn:scim:schemas:core:2.0",
        "expected": first["request"]["expected"],
    }
    # The right count: every failure whose first refused request was the create, and no other.
    assert first["count"] == len(first["scenarios"]) == creates
    # Every failure of the run is this fault's (a create or a replace refused for the URN).
    assert sum(refused.values()) == len(failed) == sum(c["count"] for c in summary["causes"])
    for cause in summary["causes"]:
        assert cause["request"] is not None and cause["request"]["status"] == "400", cause["headline"]
        assert LEGACY_DETAIL in cause["headline"]
    text = (reports / "summary.md").read_text()
    causes = text[text.index("### Failures by cause") :]
    first_line = next(line for line in causes.splitlines() if line.startswith("1. "))
    assert first_line.startswith(f"1. **{first['count']} scenarios** (")
    assert "`POST /scim/v2/Users → 400 invalidValue: unknown schema urn:scim:schemas:core:2.0" in first_line


def test_the_rfc_verdict_is_unaffected_by_an_idp_fault(legacy_run: Run) -> None:
    result, reports = legacy_run
    verdicts = {v["id"]: v for v in summary_of(reports)["verdicts"]}
    assert verdicts["rfc"]["result"] == "passed" and verdicts["rfc"]["failures"] == 0
    assert verdicts["rfc"]["warnings"] == 0 and verdicts["rfc"]["counts"]["passed"] > 100
    assert verdicts["onelogin"]["result"] == "failed" and verdicts["onelogin"]["failures"] > 10
    text = (reports / "summary.md").read_text()
    assert "| RFC 7643/7644 conformance | ✅ **passed** | yes |" in text
    assert "| OneLogin compatibility | ❌ **failed** (" in text
    assert "  RFC 7643/7644 conformance: passed" in result.stdout
    assert "  OneLogin compatibility: failed" in result.stdout
    page = (reports / "report.html").read_text()
    assert (
        '<div class="scope passed" data-verdict="rfc"><h2>RFC 7643/7644 conformance</h2><b>PASSED</b>' in page
    )


def test_an_rfc_fault_leaves_the_onelogin_verdict_passing(rfc_fault_run: Run) -> None:
    result, reports = rfc_fault_run
    summary = summary_of(reports)
    verdicts = {v["id"]: v for v in summary["verdicts"]}
    assert verdicts["onelogin"]["result"] == "passed", result.stdout[-3000:]
    assert verdicts["onelogin"]["counts"]["passed"] > 20 and verdicts["onelogin"]["warnings"] == 0
    assert verdicts["rfc"]["result"] == "failed" and verdicts["rfc"]["gates"] is False
    # --gate onelogin: the RFC failure is reported but does not set the exit code.
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert summary["gate"] == "onelogin" and summary["exitCode"] == 0 and summary["gatingFailures"] == 0
    assert "does not set the exit code: --gate onelogin" in result.stdout
    rfc = next(s for s in summary["scenarios"] if s["verdict"] == "rfc" and s["status"] == "failed")
    assert rfc["gating"] is False and rfc["cause"] == "cause-1"
    assert summary["causes"][0]["headline"].startswith("GET /scim/v2/ResourceTypes → 202")


def _cucumber_status(element: dict[str, Any]) -> str:
    steps = [s["result"]["status"] for s in element["steps"]]
    hooks = [h["result"]["status"] for h in element.get("before", []) + element.get("after", [])]
    if "failed" in steps:
        return "failed"
    if "failed" in hooks:
        return "error"
    if "skipped" in steps or "skipped" in hooks:
        return "skipped"
    return "passed"


def test_the_five_reports_agree_on_time_and_counts(legacy_run: Run) -> None:
    _, reports = legacy_run
    summary = summary_of(reports)
    counts, seconds = summary["counts"], summary["duration"]
    assert counts["failed"] and counts["passed"] and counts["skipped"]  # a run worth comparing

    root = ET.parse(reports / "junit.xml").getroot()
    assert root.get("time") == f"{seconds:.3f}"  # the wall time, not the scenarios' sum
    junit = {k: int(root.get(k, "-1")) for k in ("tests", "failures", "errors", "skipped")}
    assert junit == {
        "tests": counts["total"],
        "failures": counts["failed"],
        "errors": counts["error"],
        "skipped": counts["skipped"],
    }
    assert sum(int(s.get("tests", "0")) for s in root.findall("testsuite")) == counts["total"]

    features = json.loads((reports / "cucumber.json").read_text())
    elements = [(f["uri"], e) for f in features for e in f["elements"]]
    tally = Counter(_cucumber_status(e) for _, e in elements)
    assert {s: tally.get(s, 0) for s in ("passed", "failed", "error", "skipped")} == {
        s: counts[s] for s in ("passed", "failed", "error", "skipped")
    }
    cucumber_durations = Counter(
        (
            uri,
            e["line"],
            e["name"],
            round(sum(p["result"]["duration"] for p in (*e["before"], *e["steps"], *e["after"])) / 1e9, 3),
        )
        for uri, e in elements
    )
    json_durations = Counter((s["file"], s["line"], s["name"], s["duration"]) for s in summary["scenarios"])
    assert cucumber_durations == json_durations

    text = (reports / "summary.md").read_text()
    assert f"{counts['total']} scenarios in {seconds:.1f} s" in text
    all_row = next(line for line in text.splitlines() if line.startswith("| **all** |"))
    assert [int(n) for n in re.findall(r"\*\*(\d+)\*\*", all_row)] == [
        counts[s] for s in ("passed", "failed", "error", "skipped")
    ]

    page = (reports / "report.html").read_text()
    cards = dict(re.findall(r'data-count="(\w+)"><b>(\d+)</b>', page))
    assert {k: int(v) for k, v in cards.items()} == counts
    assert f"<dt>Wall time</dt><dd>{seconds:.1f} s</dd>" in page


def test_every_report_holds_the_full_message_and_no_token(legacy_run: Run) -> None:
    result, reports = legacy_run
    summary = summary_of(reports)
    longest = max((s["message"] or "" for s in summary["scenarios"]), key=len)
    assert len(longest) > 240  # long enough that a report could have cut it
    page = (reports / "report.html").read_text()
    assert escape(longest, quote=True) in page
    messages = [f.get("message", "") for f in ET.parse(reports / "junit.xml").getroot().iter("failure")]
    assert any(m.endswith(longest) for m in messages)
    embedded = [
        base64.b64decode(x["data"]).decode()
        for f in json.loads((reports / "cucumber.json").read_text())
        for e in f["elements"]
        for s in e["steps"]
        for x in s.get("embeddings", [])
    ]
    assert embedded and all("/scim/v2/" in text for text in embedded)  # paths with the base path
    for path in reports.iterdir():
        for secret in SECRETS:
            assert secret.encode() not in path.read_bytes(), f"{secret} in {path.name}"
    # stdout may shorten a message, and then says where the whole of it is.
    shortened = [line for line in result.stdout.splitlines() if "[full text: " in line]
    for line in shortened:
        anchor = line.rsplit("#", 1)[1].rstrip("]")
        assert f'id="{anchor}"' in page
