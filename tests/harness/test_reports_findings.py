"""IdP-compatibility findings in the reports: each once per run, however many scenarios met it.

The lifecycle scenarios that pushed with the RFC-clean template because the server refused
OneLogin's default one pass, and each carries the same ``scim_finding``; summary.json (schema 2.1),
summary.md and report.html show it once, with how many scenarios met it, and it sets no exit code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.reporting import html, markdown, summary
from harness.reporting.findings import run_findings
from harness.reporting.model import RunResult, ScenarioResult
from tests.support.reportdata import sample_run, scenario

CAUSE = (
    "the server rejected OneLogin's legacy schema URN urn:scim:schemas:core:2.0 — "
    "OneLogin's default template sends it"
)


def _finding(email: str, **changes: Any) -> dict[str, Any]:
    return {
        "id": "template_refused",
        "idp": "onelogin",
        "title": "The app refuses the SCIM template of the run's OneLogin profile (OneLogin's default)",
        "what": f"OneLogin's assign failed: POST /scim/v2/Users ({email}) answered 400",
        "cause": CAUSE,
        "basis": ["fact:onelogin_legacy_urns"],
        "request": "POST /scim/v2/Users",
        "status": 400,
        "fallback": "the RFC-clean template of docs/profiles/vendor-rfc-clean.toml",
        "consequence": "the lifecycle scenarios went on with the RFC-clean template",
        **changes,
    }


def _run() -> RunResult:
    lifecycle = [
        scenario(
            f"Lifecycle scenario {n}",
            "passed",
            ["must", "observer", "onelogin", "fact_onelogin_grants_removed"],
            area="lifecycle",
            feature="A suspended user loses access",
            findings=[_finding(f"user{n}@example.com")],
        )
        for n in range(4)
    ]
    guessed = scenario(
        "A guessed one",
        "passed",
        ["should", "onelogin"],
        area="lifecycle",
        findings=[
            _finding("x@example.com", cause="empty strings", basis=["fact:onelogin_empty_placeholder"])
        ],
    )
    base = sample_run()
    return RunResult(**{**base.__dict__, "scenarios": [*base.scenarios, *lifecycle, guessed]})


def test_the_same_finding_from_many_scenarios_is_one_finding() -> None:
    findings = run_findings(_run())
    assert [(f.id, f.record["cause"], len(f.scenarios), f.gating) for f in findings] == [
        ("template_refused", CAUSE, 4, True),
        ("template_refused", "empty strings", 1, False),
    ]


def test_summary_json_lists_each_finding_once_in_schema_2_1(tmp_path: Path) -> None:
    document = json.loads(summary.write(_run(), tmp_path / "s.json").read_text())
    schema_validator = __import__("jsonschema").Draft202012Validator(summary.schema())
    schema_validator.validate(document)
    assert document["schemaVersion"] == "2.1"
    assert [(f["id"], f["count"], f["gating"]) for f in document["findings"]] == [
        ("template_refused", 4, True),
        ("template_refused", 1, False),
    ]
    assert document["gatingFindings"] == 1
    first = document["findings"][0]
    assert first["basis"] == ["fact:onelogin_legacy_urns"] and first["status"] == 400
    assert len(first["scenarios"]) == 4
    # a finding sets no exit code: the same counts as without it
    plain = json.loads(summary.write(sample_run(), tmp_path / "plain.json").read_text())
    assert (document["exitCode"], document["gatingFailures"]) == (plain["exitCode"], plain["gatingFailures"])
    assert plain["findings"] == [] and plain["gatingFindings"] == 0


def test_summary_md_and_report_html_show_it_once(tmp_path: Path) -> None:
    run = _run()
    text = markdown.write(run, tmp_path / "summary.md").read_text()
    page = html.write(run, tmp_path / "report.html").read_text()
    assert "### IdP-compatibility findings (2)" in text
    assert text.count("legacy schema URN urn:scim:schemas:core:2.0 — OneLogin") == 1
    assert "met by 4 scenarios; certain" in text
    assert "OneLogin fact \\[seen\\]: the default SCIM v2 template declares" in text
    assert 'id="findings">IdP-compatibility findings (2)' in page
    assert page.count("legacy schema URN urn:scim:schemas:core:2.0 — OneLogin") == 1
    assert "met by 4 scenarios, certain" in page


def test_no_finding_no_section(tmp_path: Path) -> None:
    run = sample_run()
    assert "IdP-compatibility findings" not in markdown.write(run, tmp_path / "summary.md").read_text()
    assert 'id="findings"' not in html.write(run, tmp_path / "report.html").read_text()


def test_a_result_event_carries_its_findings_into_the_model() -> None:
    event = {"nodeid": "x", "status": "passed", "findings": [_finding("a@example.com"), "junk"]}
    assert ScenarioResult.from_event(event).findings == [_finding("a@example.com")]
    assert ScenarioResult.from_event({"nodeid": "y", "status": "passed"}).findings == []
