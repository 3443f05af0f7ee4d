"""The feature suite under plain pytest with a profile: ``--scim-profile``/``--scim-set``, ``SCIM_SET``.

The OneLogin scenarios send what the profile says; a scenario about a value the profile does not
send is skipped with the reason; a bad profile stops pytest with one line before any scenario.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.suiterun import ROOT


def _pytest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SCIM_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "steps/test_onelogin.py", "-q", "-rs", "-p", "no:logging", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_scenario_the_profile_does_not_send_is_skipped_saying_why() -> None:
    percent = ("--scim-set", "filter_encoding=percent")
    result = _pytest("-k", "formencoded_lookup_finds_a_plusaddressed", *percent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert (
        'this scenario is about OneLogin\'s form-encoded filter with a trailing "&"; '
        'the run\'s profile sets filter_encoding="percent" [seen] (--set)'
    ) in result.stdout


def test_scim_set_from_the_environment_and_the_profile_in_the_header() -> None:
    result = _pytest(
        "-v", "-k", "deletion_action_delete", "--scim-profile", "docs/profiles/onelogin-1.1-enterprise.toml",
        env={"SCIM_SET": "user_agent=OneLogin SCIM\napp.approve_create=true"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OneLogin profile: onelogin-1.1-enterprise, knobs set: template.name, template.emails, " in (
        result.stdout
    )
    assert "app.deletion_action, user_agent, app.approve_create" in result.stdout
    # the scenario sets the deletion action itself: Delete wins over the profile's Suspend
    assert "1 passed" in result.stdout


def test_a_bad_scim_set_stops_pytest_with_one_line() -> None:
    result = _pytest("--scim-set", "deletion_action=suspend")
    assert result.returncode == 4, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert errors == [
        "ERROR: --scim-set deletion_action: no such knob; "
        "did you mean app.deletion_action or app.suspension_action?"
    ], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
