"""Each report checked against its format, from a made-up run with every status and level."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from harness.reporting import REPORT_FILES, cucumber, html, junit, markdown, summary, write_reports
from tests.support.reportdata import SIMULATION, external_references, sample_run


def _validator() -> jsonschema.Draft202012Validator:
    schema = summary.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_write_reports_writes_the_five_files(tmp_path: Path) -> None:
    written = write_reports(sample_run(), tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(REPORT_FILES)
    assert all(p.stat().st_size > 0 for p in written)


def test_junit_counts_and_one_testcase_per_scenario(tmp_path: Path) -> None:
    run = sample_run()
    root = ET.parse(junit.write(run, tmp_path / "junit.xml")).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "7",
        "4",
        "1",
        "1",
    )
    assert root.get("time") == "4.000"  # the run's wall time, as every other report says
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(run.scenarios)
    suites = root.findall("testsuite")
    assert sum(int(s.get("tests", "0")) for s in suites) == 7
    assert {s.get("name") for s in suites} == {
        "RFC 7643/7644 conformance › Pushing users",
        "RFC 7643/7644 conformance › Discovery",
        "OneLogin compatibility › Pushing users",
    }
    onelogin = next(s for s in suites if s.get("name", "").startswith("OneLogin"))
    props = {
        p.get("name"): p.get("value") for p in onelogin.iter("property") if p.get("name", "").startswith("v")
    }
    assert props == {
        "verdict": "onelogin",
        "verdict.title": "OneLogin compatibility",
        "verdict.result": "failed",
        "verdict.gates": "true",
    }


def test_junit_properties_failure_wire_and_skip(tmp_path: Path) -> None:
    root = ET.parse(junit.write(sample_run(), tmp_path / "junit.xml")).getroot()
    case = next(c for c in root.iter("testcase") if c.get("name") == "A created user answers 201")
    props = [(p.get("name"), p.get("value")) for p in case.iter("property")]
    assert ("level", "must") in props and ("gating", "true") in props and ("verdict", "rfc") in props
    assert ("requirement", "U-02") in props and ("tag", "@must") in props and ("cause", "cause-1") in props
    failure = case.find("failure")
    assert failure is not None and failure.get("message", "").startswith("[gating]")
    out = case.findtext("system-out") or ""
    assert "> POST http://127.0.0.1:9/scim/v2/Users" in out and "< HTTP 200" in out
    assert "\x07" not in out  # XML 1.0 cannot carry it; replaced
    warning = next(c for c in root.iter("testcase") if c.get("name", "").startswith("Filtering"))
    assert "does not gate: SHOULD; gates only under --strict" in (
        warning.find("failure").get("message") or ""
    )  # type: ignore[union-attr]
    guessed = next(c for c in root.iter("testcase") if c.get("name") == "An empty placeholder is pushed")
    assert "rests on a guessed IdP fact" in (guessed.find("failure").get("message") or "")  # type: ignore[union-attr]
    assert ("basis", "fact:onelogin_empty_placeholder") in [
        (p.get("name"), p.get("value")) for p in guessed.iter("property")
    ]
    skipped = next(c for c in root.iter("testcase") if c.get("name") == "Grants are removed")
    assert skipped.find("skipped").get("message") == "no observer configured"  # type: ignore[union-attr]
    assert next(c for c in root.iter("testcase") if c.get("name") == "Setup breaks").find("error") is not None


def test_cucumber_has_every_scenario_with_step_results(tmp_path: Path) -> None:
    run = sample_run()
    features = json.loads(cucumber.write(run, tmp_path / "c.json").read_text())
    elements = [e for f in features for e in f["elements"]]
    assert sorted(e["name"] for e in elements) == sorted(s.name for s in run.scenarios)
    for feature in features:
        assert {"uri", "id", "keyword", "name", "line", "elements", "tags"} <= feature.keys()
    failed = next(e for e in elements if e["name"] == "A created user answers 201")
    statuses = [s["result"]["status"] for s in failed["steps"]]
    assert statuses == ["passed", "passed", "failed"]
    assert "@must" in [t["name"] for t in failed["tags"]]
    embedded = failed["steps"][2]["embeddings"][0]
    assert embedded["mime_type"] == "text/plain"
    assert "POST http://127.0.0.1:9/scim/v2/Users" in base64.b64decode(embedded["data"]).decode()
    skipped = next(e for e in elements if e["name"] == "Grants are removed")
    assert {s["result"]["status"] for s in skipped["steps"]} == {"skipped"}
    errored = next(e for e in elements if e["name"] == "Setup breaks")
    assert errored["before"][0]["result"]["status"] == "failed"
    for element, scenario in zip(elements, [s for f in run.features().values() for s in f], strict=True):
        parts = [*element["before"], *element["steps"], *element["after"]]
        # Set-up, steps and tear-down add up to the duration every other report gives the scenario.
        assert sum(p["result"]["duration"] for p in parts) == round(scenario.duration * 1e9)


def test_summary_json_validates_against_its_schema(tmp_path: Path) -> None:
    document = json.loads(summary.write(sample_run(simulation=SIMULATION), tmp_path / "s.json").read_text())
    _validator().validate(document)
    assert document["schemaVersion"] == summary.SCHEMA_VERSION
    assert document["counts"] == {"passed": 1, "failed": 4, "error": 1, "skipped": 1, "total": 7}
    assert document["verdict"] == "failed" and document["exitCode"] == 1 and document["gate"] == "all"
    assert document["gatingFailures"] == 2 and document["warnings"] == 3
    verdicts = {v["id"]: v for v in document["verdicts"]}
    assert list(verdicts) == ["rfc", "onelogin", "okta", "entra"]
    assert verdicts["rfc"]["result"] == "failed" and verdicts["rfc"]["counts"]["total"] == 4
    assert (verdicts["onelogin"]["failures"], verdicts["onelogin"]["warnings"]) == (1, 1)
    assert verdicts["okta"]["result"] == "untested"
    assert [(c["id"], c["count"], c["gating"]) for c in document["causes"]] == [
        ("cause-1", 2, 1),
        ("cause-2", 2, 1),
        ("cause-3", 1, 0),
    ]
    legacy = document["causes"][1]
    assert legacy["request"] == {
        "method": "POST",
        "path": "/scim/v2/Users",
        "status": "400",
        "scimType": "invalidValue",
        "detail": 'unknown schema "…"',
        "expected": "201",
    }
    assert [b["id"] for b in legacy["basis"]] == [
        "fact:onelogin_legacy_urns",
        "fact:onelogin_empty_placeholder",
    ]
    assert document["simulation"]["requests"] == 900
    by_id = {s["name"]: s for s in document["scenarios"]}
    assert by_id["A created user answers 201"]["message"] == "POST /scim/v2/Users answered 200, expected 201"
    assert by_id["A created user answers 201"]["requirements"] == ["U-02"]
    assert by_id["A created user answers 201"]["cause"] == "cause-1"
    assert by_id["The default template is accepted"]["verdict"] == "onelogin"
    assert by_id["An empty placeholder is pushed"]["gating"] is False  # a guessed fact gates as SHOULD
    assert by_id["An empty placeholder is pushed"]["message"].endswith("\nsecond line")  # never cut


def test_the_schema_rejects_a_summary_of_another_shape() -> None:
    document = summary.build(sample_run())
    validator = _validator()
    for broken in (
        {k: v for k, v in document.items() if k != "counts"},
        {**document, "verdict": "mostly"},
        {**document, "schemaVersion": "1.0"},
        {**document, "verdicts": [{**document["verdicts"][0], "result": "compatible"}]},
        {**document, "scenarios": [{**document["scenarios"][0], "status": "flaky"}]},
    ):
        assert not validator.is_valid(broken)


def test_html_is_self_contained_and_escapes_what_it_shows() -> None:
    page = html.render(sample_run(simulation=SIMULATION))
    assert external_references(page) == []
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('<details class="failure') == 5
    assert page.count('<details class="cause') == 3
    assert '<section class="verdict failed" id="verdict"><h1>FAILED</h1>' in page


def test_html_failure_shows_steps_and_exchange() -> None:
    page = html.render(sample_run())
    start = page.index('id="failure-1"')
    block = page[start : page.index("</details></details>", start)]
    assert "A created user answers 201" in block
    assert 'class="step failed"' in block and "the server answers 201" in block
    assert "POST /scim/v2/Users → 200 (12.5 ms)" in block
    assert "Bearer ***" in block and "&lt;b&gt;bold&lt;/b&gt; &amp;" in block


def test_html_matrix_and_both_verdicts() -> None:
    page = html.render(sample_run(gate="rfc"))
    matrix = page[page.index('id="matrix"') : page.index('id="failures"')]
    assert "<th>users</th>" in matrix and "<th>discovery</th>" in matrix and "<th>OneLogin</th>" in matrix
    assert 'class="fail">1/3 passed' in matrix  # users MUST: one passed, two failed, one skipped
    verdicts = page[page.index('id="verdicts"') : page.index('class="meta"')]
    assert 'data-verdict="rfc"' in verdicts and 'data-verdict="onelogin"' in verdicts
    assert "<h2>OneLogin compatibility</h2><b>FAILED</b>" in verdicts
    assert "does not set the exit code (--gate rfc)" in verdicts


def test_simulation_section_only_when_there_is_a_simulation() -> None:
    without = html.render(sample_run())
    assert 'id="simulation"' not in without and "<svg" not in without
    page = html.render(sample_run(simulation=SIMULATION))
    section = page[page.index('id="simulation"') :]
    assert section.count("<svg") == 3
    for title in ("Requests per second", "Latency percentiles per second", "Status-code mix"):
        assert f"<title>{title}</title>" in section
    assert "POST /Users answered 409" in section


def test_markdown_summary_is_a_short_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    text = markdown.write(sample_run(), tmp_path / "summary.md").read_text()
    assert text.startswith("## ❌ scim-harness check: FAILED")
    assert (
        "| RFC 7643/7644 conformance | ❌ **failed** (1 failing, 2 warnings) | yes | 0 | 2 | 1 | 1 |" in text
    )
    assert "| OneLogin compatibility | ❌ **failed** (1 failing, 1 warning) | yes | 1 | 2 | 0 | 0 |" in text
    assert "| MUST | yes | 1 | 3 | 0 | 1 |" in text and "| SHOULD | no |" in text
    assert "### Failures by cause (3 causes, 5 failed scenarios)" in text
    assert "2. **2 scenarios** (1 gating, 1 warning): `POST /scim/v2/Users → 400 invalidValue" in text
    assert "OneLogin fact onelogin_legacy_urns [seen] (1 of 2)" in text
    assert "   OneLogin's push failed: POST /Users answered 400; onelogin accepts 201\n" in text
    assert "Filtering \\| discovery \\<script\\>" in text  # shown as written, not as markup
    assert "OneLogin simulation" not in text


def test_markdown_appends_to_the_github_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    step_summary = tmp_path / "step.md"
    step_summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    markdown.write(sample_run(simulation=SIMULATION), tmp_path / "summary.md")
    text = step_summary.read_text()
    assert text.startswith("earlier step\n") and "scim-harness check: FAILED" in text
    assert "Requests per second over the run (peak 500)" in text
    assert "| 200 | 500 |" in text


def test_strict_makes_should_failures_gate() -> None:
    lenient, strict = sample_run(strict=False), sample_run(strict=True)
    assert [s.name for s in lenient.gating_failures] == [
        "A created user answers 201",
        "The default template is accepted",
    ]
    assert {s.name for s in strict.gating_failures} == {
        "A created user answers 201",
        "Filtering | discovery <script>alert(1)</script>",
        "The default template is accepted",
        "An empty placeholder is pushed",
    }
    # @may never gates, even an error
    assert "Setup breaks" in {s.name for s in strict.warnings}
