"""``--profile``/``--set`` on simulate, replay and check, ``profile show``, and the README's recipes.

Every recipe in docs/profiles/ runs a short simulation against the embedded reference server and the
recording shows what the recipe says goes on the wire; ``check`` hands its profile to the pytest
workers; a bad file or ``--set`` ends any of the commands with one line and exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from harness.cli import cli
from simulator.knobs import KNOBS
from tests.support.checkrun import ROOT, run_check
from tests.support.faults import faulty_server
from tests.support.scimtest import TOKEN, make_config

PROFILES = ROOT / "docs" / "profiles"
LEGACY_20 = ["urn:scim:schemas:core:2.0", "urn:scim:schemas:extension:enterprise:2.0"]
LEGACY_10 = ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"]
RFC = [
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
]


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    clean = {"SCIM_BASE_URL": "", "SCIM_TOKEN": "", "SCIM_PROFILE": "", "SCIM_SET": "", **(env or {})}
    return CliRunner().invoke(cli, list(args), env=clean, catch_exceptions=False)


def _one_error_line(result: Result, says: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and says in errors[0], result.stderr


# --- profile show -----------------------------------------------------------------------------------
def test_profile_show_prints_every_knob_with_value_certainty_source_and_origin(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text('name = "acme"\n[app]\ndeletion_action = "suspend"\n', encoding="utf-8")
    result = _run("profile", "show", "--profile", str(path), "--set", "retry.retries=1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Profile acme (profile file {path}; 2 knob(s) set" in out
    rows = {line.split()[0]: line for line in out.splitlines()[2:] if line.strip()}
    assert set(KNOBS) <= set(rows)
    assert '"suspend"' in rows["app.deletion_action"] and "[doc]" in rows["app.deletion_action"]
    assert "profile file" in rows["app.deletion_action"]
    retries = rows["retry.retries"]
    assert " 1 " in retries and "[?]" in retries and "--set" in retries
    assert "[seen]" in rows["filter_encoding"] and "default" in rows["filter_encoding"]
    assert "onelogin-scim-node" in rows["filter_encoding"]  # the source


def test_profile_show_json(tmp_path: Path) -> None:
    result = _run("profile", "show", "--json", "--set", "app.custom_headers=X-A: 1\\nX-B: 2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "onelogin" and data["file"] is None
    knobs = {k["name"]: k for k in data["knobs"]}
    assert list(knobs) == list(KNOBS)
    assert knobs["app.custom_headers"] == {
        "name": "app.custom_headers",
        "value": ["X-A: 1", "X-B: 2"],
        "certainty": "doc",
        "source": KNOBS["app.custom_headers"].source,
        "from": "set",
    }
    assert knobs["accepted.connection_test"]["value"] == [200, 404]
    assert knobs["user_agent"]["value"] is None and knobs["user_agent"]["from"] == "default"
    assert all(k["certainty"] in ("doc", "seen", "guess", "?") and k["source"] for k in data["knobs"])


# --- bad input: one line, exit 2, on every command ------------------------------------------------
@pytest.mark.parametrize(
    ("options", "says"),
    [
        (
            ["--set", "deletion_action=suspend"],
            "--set deletion_action: no such knob; did you mean app.deletion_action",
        ),
        (["--set", "app.deletion_action=remove"], "it takes one of delete, suspend, nothing"),
        (["--set", "retry.retries=lots"], "retry.retries: 'lots' is not allowed; it takes a whole number"),
        (["--set", "nothing-to-set"], "write KNOB=VALUE"),
        (["--profile", "@syntax"], "line 2, column 1: not valid TOML"),
        (["--profile", "@unknown"], "line 2: app.deletion: no such knob; did you mean app.deletion_action"),
        (["--profile", "missing.toml"], "missing.toml: cannot read it"),
    ],
)
@pytest.mark.parametrize("command", ["profile", "simulate", "replay", "check"])
def test_a_bad_profile_or_set_is_one_line_and_exit_2(
    tmp_path: Path, command: str, options: list[str], says: str
) -> None:
    files = {
        "@syntax": ("syntax.toml", '[app]\n= "x"\n'),
        "@unknown": ("unknown.toml", '[app]\ndeletion = "suspend"\n'),
    }
    options = list(options)
    if options[-1] in files:
        name, text = files[options[-1]]
        (tmp_path / name).write_text(text, encoding="utf-8")
        options[-1] = str(tmp_path / name)
    elif options[-1].endswith(".toml"):
        options[-1] = str(tmp_path / options[-1])
    recording = tmp_path / "empty.jsonl"
    recording.write_text("", encoding="utf-8")
    reports = ["--report-dir", str(tmp_path / "reports")]
    args = {
        "profile": ["profile", "show"],
        "simulate": ["simulate", "--scenario", "onboarding", "--no-progress", *reports],
        "replay": ["replay", str(recording), "--no-progress", *reports],
        "check": ["check", *reports],
    }[command]
    _one_error_line(_run(*args, *options), says)
    assert not (tmp_path / "reports" / "simulation.json").exists()


def test_locust_refuses_a_profile_it_cannot_send() -> None:
    result = _run("simulate", "--scenario", "onboarding", "--engine", "locust", "--set", "user_agent=x")
    assert result.exit_code == 2 and "--profile and --set need the asyncio engine" in result.output


# --- the README's recipes, on the wire ---------------------------------------------------------------
def _simulate(tmp_path: Path, scenario: str, *options: str) -> list[dict[str, Any]]:
    recording = tmp_path / "traffic.jsonl"
    if "--record" not in options:
        options = ("--record", str(recording), *options)
    result = _run(
        "simulate", "--scenario", scenario, "--users", "12", "--seed", "5", "--concurrency", "2",
        "--report-dir", str(tmp_path), "--no-progress", *options,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "problems: 0" in result.stdout
    return [json.loads(line) for line in recording.read_text(encoding="utf-8").splitlines()]


def _bodies(records: list[dict[str, Any]], operation: str) -> list[dict[str, Any]]:
    return [json.loads(r["request"]["body"]) for r in records if r["operation"] == operation]


def _header(record: dict[str, Any], name: str) -> str | None:
    return next((v for n, v in record["request"]["headers"] if n.lower() == name.lower()), None)


def test_recipe_onelogin_v2_enterprise(tmp_path: Path) -> None:
    records = _simulate(tmp_path, "offboarding", "--profile", str(PROFILES / "onelogin-v2-enterprise.toml"))
    created = _bodies(records, "create_user")
    assert created and all(b["schemas"] == LEGACY_20 and isinstance(b["emails"], list) for b in created)
    assert all("managerId" in b[LEGACY_20[1]]["manager"] for b in created)
    assert [r for r in records if r["operation"] == "delete_user"]  # deletion action Delete
    assert all(_header(r, "Content-Type") in (None, "application/json") for r in records)
    data = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    assert data["profile"] == "onelogin-v2-enterprise"


def test_recipe_the_documented_11_enterprise_template(tmp_path: Path) -> None:
    records = _simulate(tmp_path, "offboarding", "--profile", str(PROFILES / "onelogin-1.1-enterprise.toml"))
    created = _bodies(records, "create_user")
    assert created and all(b["schemas"] == LEGACY_10 for b in created)
    assert all(isinstance(b["emails"], dict) and b["emails"]["value"] for b in created)
    assert all("managerId" in b[LEGACY_10[1]]["manager"] for b in created)
    # deletion action Suspend: users deleted in OneLogin are deactivated, never deleted
    assert not [r for r in records if r["operation"] == "delete_user"]
    assert any(b.get("active") is False for b in _bodies(records, "replace_user"))


def test_recipe_a_vendors_rfc_clean_template(tmp_path: Path) -> None:
    records = _simulate(tmp_path, "onboarding", "--profile", str(PROFILES / "vendor-rfc-clean.toml"))
    created = _bodies(records, "create_user")
    assert created and all(b["schemas"] == RFC and isinstance(b["emails"], list) for b in created)
    assert all(set(b[RFC[1]]["manager"]) == {"value"} for b in created)
    assert all(_header(r, "User-Agent") == "OneLogin SCIM" for r in records)
    with_body = [r for r in records if r["request"].get("body")]
    assert with_body and all(_header(r, "Content-Type") == "application/scim+json" for r in with_body)


def test_the_readme_shows_the_recipes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for recipe in PROFILES.glob("*.toml"):
        assert f"docs/profiles/{recipe.name}" in readme, recipe.name


# --- check hands its profile to the pytest workers ----------------------------------------------------
def test_check_runs_the_onelogin_scenarios_with_the_runs_profile(tmp_path: Path) -> None:
    tags = ["--tags", "@onelogin and @push", "--report-dir", str(tmp_path / "plain")]
    assert run_check(*tags).returncode == 0
    # OneLogin told to accept only 200 for POST /Users: the reference server's 201 now fails a push
    strict = run_check(*tags[:2], "--report-dir", str(tmp_path / "set"), "--set", "accepted.create_user=200")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    summary = json.loads((tmp_path / "set" / "summary.json").read_text(encoding="utf-8"))
    assert "onelogin accepts 200" in json.dumps(summary)


def test_check_skips_a_scenario_the_profile_does_not_send_saying_why(tmp_path: Path) -> None:
    result = run_check(
        "--tags", "@quirks", "--report-dir", str(tmp_path),
        "--profile", str(PROFILES / "vendor-rfc-clean.toml"),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    text = json.dumps(summary)
    assert (
        "this scenario is about requests sent with Content-Type application/json, not application/scim+json; "
        "the run's profile sets app.custom_headers=[Content-Type, User-Agent] [doc] (profile file "
    ) in text


def test_replay_judges_the_recording_by_the_runs_profile(tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"
    _simulate(tmp_path, "onboarding", "--record", str(recording))

    def replay(name: str, *options: str) -> Result:
        # OneLogin needs name.givenName/familyName in a 201 [doc]; this server drops them
        with faulty_server("create-without-name", make_config(tmp_path / f"{name}.db")) as server:
            target = {"SCIM_BASE_URL": server.base_url, "SCIM_TOKEN": TOKEN}
            folder = ("--report-dir", str(tmp_path / name))
            return _run("replay", str(recording), "--no-progress", *folder, *options, env=target)

    strict = replay("strict")
    assert strict.exit_code == 1 and "without name.givenName" in strict.stdout, strict.output
    lenient = replay(
        "lenient", "--set", "require_name_in_create_response=false", "--set", "app.deletion_action=nothing"
    )
    assert lenient.exit_code == 0, lenient.output
    assert "note: replay sends the recorded requests; app.deletion_action change nothing" in lenient.stderr
