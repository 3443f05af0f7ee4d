"""The "IdP compatibility" table: pass, or fail with the first failing fact, per IdP, in every format."""

from __future__ import annotations

from dataclasses import replace

import jsonschema

from harness.reporting import html, markdown, summary
from harness.reporting.idp_table import idp_rows, idp_table_json
from harness.reporting.model import RunResult
from tests.support.reportdata import sample_run, scenario


def _run_with_idps() -> RunResult:
    run = sample_run()
    okta_ok = scenario(
        "Okta's connection test passes", "passed", ["must", "okta", "fact_okta_connection_test"]
    )
    entra_bad = scenario(
        "Entra disables the user",
        "failed",
        ["must", "entra", "fact_entra_disable_patch", "fact_entra_active_string"],
        failed_at=1,
        message="Entra's deactivation failed",
    )
    entra_bad = replace(entra_bad, failure={"basis": ["fact:entra_active_string"], "what": "refused"})
    return replace(run, scenarios=[*run.scenarios, okta_ok, entra_bad])


def test_each_idp_passes_fails_with_its_first_failing_fact_or_is_untested() -> None:
    rows = {r.tag: r for r in idp_rows(_run_with_idps())}
    assert list(rows) == ["onelogin", "okta", "entra"]
    assert rows["onelogin"].result == "fail" and rows["onelogin"].fact is not None
    assert rows["onelogin"].fact.id == "onelogin_legacy_urns"  # the first failing scenario's fact
    assert rows["okta"].result == "pass" and rows["okta"].words == "pass"
    assert rows["entra"].result == "fail" and rows["entra"].fact is not None
    assert rows["entra"].fact.id == "entra_active_string"  # the fact the failure cites, not the first tag
    assert rows["entra"].words.startswith("fail: entra_active_string [doc]")
    assert {r.tag: r.result for r in idp_rows(sample_run())}["okta"] == "untested"


def test_the_table_is_in_summary_md_report_html_and_summary_json() -> None:
    run = _run_with_idps()
    text = markdown.render(run)
    assert "### IdP compatibility" in text
    assert "| Okta | ✅ pass | 1 |" in text
    assert "| Microsoft Entra ID | ❌ fail: entra_active_string [doc] — Entra disables the user | 1 |" in text
    page = html.render(run)
    assert 'id="idp-compatibility"' in page and 'data-idp="entra"' in page
    built = summary.build(run)
    assert built["idps"] == idp_table_json(run)
    assert built["idps"][2] == {
        "idp": "entra",
        "name": "Microsoft Entra ID",
        "result": "fail",
        "scenarios": 1,
        "fact": "entra_active_string",
        "scenario": "Entra disables the user",
    }
    jsonschema.validate(built, summary.schema())
