"""Issue 15, acceptance: against a server that refuses OneLogin's legacy schema URNs (RFC 7643 lets
it) but implements the side effects correctly, every lifecycle scenario passes, and the refusal
is reported once, as an IdP-compatibility finding.

``check --tags @lifecycle`` runs against the reference server behind ``reject-legacy-urns``
(tests/support/faults.py) with the observer. Each scenario's first push is refused and sent once
more with the RFC-clean template of docs/profiles/vendor-rfc-clean.toml (steps/lifecycle_push.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.checkrun import SECRETS, faulty_target, run_check, summary_of

pytestmark = pytest.mark.slow

LIFECYCLE = 18
"""Scenarios under features/lifecycle/ (``--idp all`` runs every one of them)."""
PUSHED_AS_ONELOGIN = LIFECYCLE - 1
"""Those whose users OneLogin pushes: one suspends as Entra does (``@entra``), with Entra's template."""


@pytest.fixture(scope="module")
def lifecycle_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path_factory.mktemp("fallback")
    with faulty_target("reject-legacy-urns", folder) as target:
        result = run_check(
            "--tags",
            "@lifecycle",
            "--idp",
            "all",
            "-j",
            "1",
            "--report-dir",
            str(folder / "reports"),
            env=target.env(),
        )
    return result, folder / "reports"


def test_every_lifecycle_scenario_passes(
    lifecycle_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, reports = lifecycle_run
    document = summary_of(reports)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert document["counts"] == {
        "passed": LIFECYCLE,
        "failed": 0,
        "error": 0,
        "skipped": 0,
        "total": LIFECYCLE,
    }


def test_the_refusal_is_one_finding_of_the_run(
    lifecycle_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, reports = lifecycle_run
    document = summary_of(reports)
    assert document["schemaVersion"] == "2.1"
    [finding] = document["findings"]
    assert finding["id"] == "template_refused" and finding["idp"] == "onelogin"
    assert finding["title"] == "The app refuses OneLogin's default SCIM template"
    assert (finding["request"], finding["status"]) == ("POST /scim/v2/Users", 400)
    assert "legacy schema URN urn:scim:schemas:core:2.0" in finding["cause"]
    assert finding["basis"] == ["fact:onelogin_legacy_urns"] and finding["gating"] is True
    assert finding["count"] == PUSHED_AS_ONELOGIN and document["gatingFindings"] == 1
    text = (reports / "summary.md").read_text()
    page = (reports / "report.html").read_text()
    assert text.count("### IdP-compatibility findings (1)") == 1
    assert text.count("legacy schema URN urn:scim:schemas:core:2.0") == 1
    assert f"met by {PUSHED_AS_ONELOGIN} scenarios; certain" in text
    assert page.count('id="findings"') == 1
    assert page.count("legacy schema URN urn:scim:schemas:core:2.0 — OneLogin") == 1
    for report in reports.iterdir():
        body = report.read_text(encoding="utf-8", errors="replace")
        assert not [s for s in SECRETS if s in body], report.name
