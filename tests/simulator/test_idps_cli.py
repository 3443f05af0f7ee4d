"""``--idp`` on the command line: profile show, simulate (and its Locust engine), check."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner, Result

from harness.cli import cli


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    clean = {k: None for k in os.environ if k.startswith("SCIM_")}
    return CliRunner().invoke(cli, list(args), env={**clean, **(env or {})}, catch_exceptions=False)


def _knobs(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, result.output
    return {k["name"]: k["value"] for k in json.loads(result.output)["knobs"]}


def test_profile_show_starts_from_the_chosen_idp() -> None:
    assert _knobs(_run("profile", "show", "--json"))["user_agent"] is None
    okta = _knobs(_run("profile", "show", "--json", "--idp", "okta"))
    assert okta["user_agent"] == "Okta SCIM Client 1.0.0" and okta["app.deletion_action"] == "suspend"
    entra = _knobs(_run("profile", "show", "--json", "--idp", "entra", "--set", "patch_op_case=lower"))
    assert entra["active_as_string"] is True and entra["patch_op_case"] == "lower"
    assert (
        _knobs(_run("profile", "show", "--json", env={"SCIM_IDP": "entra"}))["update_style"] == "patch_paths"
    )


def test_a_command_acting_as_one_idp_refuses_several_in_one_line() -> None:
    result = _run("profile", "show", "--idp", "okta", "--idp", "entra")
    assert result.exit_code == 2
    assert "acts as one identity provider at a time" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_unknown_idp_is_a_usage_error() -> None:
    result = _run("profile", "show", "--idp", "ping")
    assert result.exit_code == 2 and "'ping' is not one of" in result.output


def test_locust_refuses_another_idp_in_one_line() -> None:
    result = _run("simulate", "--scenario", "onboarding", "--idp", "okta", "--engine", "locust")
    assert result.exit_code == 2
    assert "--idp okta needs the asyncio engine" in result.output


def test_simulate_as_each_idp_finds_no_problem_on_the_reference_server(tmp_path: Path) -> None:
    """The scenarios run as Okta and Entra (their updates, deactivations and groups) against the
    embedded server: every answer accepted and the final directory reconciled, no problem."""
    for idp, scenario in (("okta", "lifecycle"), ("entra", "lifecycle")):
        folder = tmp_path / idp
        result = _run(
            "simulate", "--idp", idp, "--scenario", scenario, "--users", "12", "--no-progress",
            "--report-dir", str(folder), "--record", str(folder / "rec.jsonl"),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        report = json.loads((folder / "simulation.json").read_text())
        assert report["profile"] == idp and report["ok"] is True and report["problems"]["count"] == 0
        assert report["reconciliation"]["status"] == "complete"
        sent = [json.loads(line) for line in (folder / "rec.jsonl").read_text().splitlines()]
        methods = {line["request"]["method"] for line in sent}
        assert "PATCH" in methods and ("DELETE" not in methods if idp == "okta" else True)
        again = _run(
            "replay",
            "--idp",
            idp,
            str(folder / "rec.jsonl"),
            "--no-progress",
            "--report-dir",
            str(folder / "r"),
        )
        assert again.exit_code == 0 and "differences: 0" in again.output, again.output


def test_check_says_which_idp_to_add_when_the_tags_select_only_a_left_out_one(tmp_path: Path) -> None:
    result = _run("check", "--tags", "@okta and @connection", "--report-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "selects no scenario; it names @okta, which --idp leaves out: add --idp okta" in result.output
