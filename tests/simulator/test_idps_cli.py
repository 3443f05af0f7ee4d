"""``--idp`` on the command line: profile show, simulate (and its Locust engine), check."""

from __future__ import annotations

import json
import os

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
