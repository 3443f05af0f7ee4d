"""``scim-harness simulate`` and ``replay``: reports, exit codes, one-line errors, tokens never shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import cli
from reference_server.embedded import EmbeddedServer
from tests.support.faults import Response, faulty_server, scim_error
from tests.support.procserver import ServerProcess, free_port
from tests.support.scimtest import TOKEN, make_config
from tests.support.witness import Witness, witnessed

SECRET = "cli-secret-token-ZX81-abcdef"


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    clean = {"SCIM_BASE_URL": "", "SCIM_TOKEN": "", **(env or {})}
    return CliRunner().invoke(cli, list(args), env=clean, catch_exceptions=False)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("cli") / "scim.db", SECRET).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broken(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with faulty_server("create-200", make_config(tmp_path / "scim.db")) as server:
        yield server


def test_simulate_against_the_embedded_server_writes_simulation_json(tmp_path: Path) -> None:
    reports, recording = tmp_path / "reports", tmp_path / "traffic.jsonl"
    result = _run(
        "simulate", "--scenario", "onboarding", "--users", "40", "--seed", "3", "--concurrency", "4",
        "--record", str(recording), "--report-dir", str(reports), "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "problems: 0" in result.stdout
    data = json.loads((reports / "simulation.json").read_text(encoding="utf-8"))
    assert data["ok"] is True
    assert data["scenario"] == "onboarding" and data["users"] == 40 and data["seed"] == 3
    assert data["requests"] > 40
    assert set(data["latencyMs"]) >= {"p50", "p90", "p99"}
    assert data["latencyMs"]["p50"] <= data["latencyMs"]["p90"] <= data["latencyMs"]["p99"]
    assert data["throughput"] > 0
    assert sum(data["statuses"].values()) == data["requests"]
    assert data["statuses"]["201"] > 0
    assert sum(e["requests"] for e in data["timeline"]) == data["requests"]
    assert [e["second"] for e in data["timeline"]] == list(range(len(data["timeline"])))
    assert data["problems"] == {"count": 0, "byKind": {}, "causes": [], "omitted": 0, "items": []}
    assert data["reconciliation"]["status"] == "complete"
    assert data["reconciliation"]["usersChecked"] == data["reconciliation"]["usersExpected"] > 30
    assert data["httpErrors"]["errors"] == sum(e["errors"] for e in data["timeline"])
    assert data["recordedExchanges"] == len(recording.read_text(encoding="utf-8").splitlines())


def test_a_target_from_the_environment_and_the_token_never_shown(
    reference: ServerProcess, tmp_path: Path
) -> None:
    recording = tmp_path / "traffic.jsonl"
    result = _run(
        "simulate", "--scenario", "lifecycle", "--users", "60", "--record", str(recording),
        "--report-dir", str(tmp_path), "--no-progress",
        env={"SCIM_BASE_URL": reference.base_url, "SCIM_TOKEN": SECRET},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert reference.base_url in (tmp_path / "simulation.json").read_text(encoding="utf-8")
    for text in (
        result.stdout,
        result.stderr,
        (tmp_path / "simulation.json").read_text(),
        recording.read_text(),
    ):
        assert SECRET not in text
    replayed = _run(
        "replay", str(recording), "--base-url", reference.base_url, "--token", SECRET,
        "--report-dir", str(tmp_path), "--no-progress",
    )  # fmt: skip
    assert replayed.exit_code in (0, 1)  # the same server: users exist already, so lookups differ
    assert SECRET not in replayed.stdout + (tmp_path / "replay.json").read_text(encoding="utf-8")


def test_problems_exit_1_and_are_listed(broken: EmbeddedServer, tmp_path: Path) -> None:
    result = _run(
        "simulate", "--scenario", "onboarding", "--users", "20", "--base-url", broken.base_url,
        "--token", TOKEN, "--report-dir", str(tmp_path), "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "[status] assign: POST /Users answered 200; onelogin accepts 201" in result.stdout
    data = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    assert data["ok"] is False
    assert data["problems"]["byKind"]["status"] > 0
    item = data["problems"]["items"][0]
    assert item["exchange"]["request"]["target"] == "/Users"
    assert item["exchange"]["response"]["status"] == 200
    assert TOKEN not in json.dumps(data)


@pytest.mark.parametrize("concurrency", [1, 32])
@pytest.mark.parametrize("answer", [None, scim_error(404, "no such user")], ids=["200 empty", "404"])
def test_no_user_request_before_the_connection_test_is_answered(
    tmp_path: Path, concurrency: int, answer: Response | None
) -> None:
    """OneLogin's order [doc]: Enable (the connection test) first, alone; provisioning after it."""
    witness = Witness(answer)
    with witnessed(tmp_path, witness) as server:
        result = _run(
            "simulate", "--scenario", "onboarding", "--users", "40", "--concurrency", str(concurrency),
            "--base-url", server.base_url, "--token", TOKEN, "--report-dir", str(tmp_path), "--no-progress",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    answered = witness.log.index(("answered", "connection test"))
    assert witness.log.count(("received", "connection test")) == 1
    provisioning = witness.provisioning()
    assert len(provisioning) > 40 and min(provisioning) > answered


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (scim_error(500, "database down"), "answered 500; onelogin accepts 200 or 404"),
        (scim_error(400, "filters are not supported", "invalidFilter"), "answered 400"),
        (
            Response(
                200,
                ((b"content-type", b"application/scim+json"),),
                json.dumps(
                    {
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                        "totalResults": 1,
                        "Resources": [{"id": "1", "userName": "someone@example.com"}],
                    }
                ).encode(),
            ),
            "returned 1 user(s) for a random userName: the filter seems ignored",
        ),
    ],
    ids=["500", "400", "a user for a random userName"],
)
def test_a_connection_test_onelogin_would_refuse_stops_the_run_before_any_user_request(
    tmp_path: Path, answer: Response, why: str
) -> None:
    witness = Witness(answer)
    with witnessed(tmp_path, witness) as server:
        result = _run(
            "simulate", "--scenario", "onboarding", "--users", "40", "--concurrency", "32", "--retries", "0",
            "--base-url", server.base_url, "--token", TOKEN, "--report-dir", str(tmp_path), "--no-progress",
        )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert witness.provisioning() == []
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the connection test failed: GET /Users?filter=")
    assert why in lines[0] and "no user request was sent" in lines[0]
    data = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    assert data["ok"] is False and data["stopped"].startswith("the connection test failed")
    assert data["events"] == {"count": 1, "failed": 1, "byEvent": {"connection_test": 1}}


def test_problems_are_grouped_by_cause_and_http_errors_are_counted(tmp_path: Path) -> None:
    """One fault, many problems: the server refuses OneLogin's legacy URN on every create."""
    with faulty_server("reject-legacy-urns", make_config(tmp_path / "scim.db")) as server:
        result = _run(
            "simulate", "--scenario", "onboarding", "--users", "30", "--base-url", server.base_url,
            "--token", TOKEN, "--report-dir", str(tmp_path), "--no-progress",
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    data = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    refused = data["statuses"]["400"]
    assert refused == data["events"]["failed"] > 20  # every push failed on its POST /Users
    (cause,) = data["problems"]["causes"]
    assert cause["count"] == data["problems"]["count"] == refused
    assert (cause["request"], cause["status"], cause["scimType"]) == ("POST /Users", 400, "invalidValue")
    assert cause["detail"] == "unknown schema urn:scim:schemas:core:2.0"
    assert cause["basis"].startswith("OneLogin fact [doc]")
    assert cause["example"]["exchange"]["response"]["status"] == 400
    assert data["httpErrors"] == {"errors": refused, "4xx": refused, "5xx": 0, "noAnswer": 0}
    assert sum(second["errors"] for second in data["timeline"]) == refused
    assert data["reconciliation"]["status"] == "not run"  # nothing was created: nothing to compare
    assert f"problems: {refused}, from 1 cause" in result.stdout
    assert f"  - {refused} × POST /Users → 400 invalidValue: answered 400 (unknown schema" in result.stdout
    assert f"HTTP errors: {refused} (4xx {refused}, 5xx 0, no answer 0)" in result.stdout
    assert "reconciliation not run: nothing to compare" in result.stdout
    assert TOKEN not in json.dumps(data)


def test_the_harness_own_requests_are_marked_and_listed_apart(tmp_path: Path) -> None:
    """The reconciliation reads are the harness's: a vendor's access log can tell them apart."""
    witness, recording = Witness(), tmp_path / "traffic.jsonl"
    with witnessed(tmp_path, witness) as server:
        result = _run(
            "simulate", "--scenario", "onboarding", "--users", "30", "--base-url", server.base_url,
            "--token", TOKEN, "--report-dir", str(tmp_path), "--record", str(recording), "--no-progress",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    own = data["harnessRequests"]
    assert own["count"] == len(own["items"]) >= 2 and own["by"] == "scim-harness, not OneLogin"
    marks = {
        "pre-flight": "scim-harness (pre-flight; not an identity provider)",
        "reconcile": "scim-harness (reconciliation; not OneLogin)",
    }
    assert own["items"][0]["purpose"] == "pre-flight"  # it runs before OneLogin's first request
    assert {item["purpose"] for item in own["items"][1:]} == {"reconcile"}
    for item in own["items"]:
        assert item["method"] == "GET" and item["status"] == 200
        assert ["Authorization", "Bearer ***"] in item["headers"]
        assert ["User-Agent", marks[item["purpose"]]] in item["headers"]
        assert item["at"].endswith("Z")
    harness = [ua for _, ua in witness.user_agents if ua and ua.startswith("scim-harness")]
    assert len(harness) == own["count"]  # every read the server saw carried the mark, and is listed
    onelogin = [what for what, ua in witness.user_agents if what != "preflight" and not ua]
    assert data["requests"] == len(onelogin)  # OneLogin's figures leave the harness's reads out
    assert len(recording.read_text(encoding="utf-8").splitlines()) == data["requests"]
    assert f"the harness's own requests (not OneLogin's): {own['count']}" in result.stdout
    assert TOKEN not in json.dumps(data)


def test_replay_onto_a_different_target_exits_1(broken: EmbeddedServer, tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"
    assert _run(
        "simulate", "--scenario", "onboarding", "--users", "15", "--record", str(recording),
        "--report-dir", str(tmp_path), "--no-progress",
    ).exit_code == 0  # fmt: skip
    result = _run(
        "replay", str(recording), "--base-url", broken.base_url, "--token", TOKEN,
        "--report-dir", str(tmp_path), "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "(a different status); the recording has 201" in result.stdout
    data = json.loads((tmp_path / "replay.json").read_text(encoding="utf-8"))
    assert data["differences"]["count"] > 0


def test_an_unreachable_target_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/scim/v2"
    result = _run(
        "simulate",
        "--scenario",
        "onboarding",
        "--base-url",
        url,
        "--token",
        SECRET,
        "--report-dir",
        str(tmp_path),
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: cannot reach the SCIM target {url}: connection refused"
    assert SECRET not in result.output


def test_a_rejected_token_is_one_line_and_exit_2(reference: ServerProcess, tmp_path: Path) -> None:
    wrong = "wrong-token-QQ77-zzzz"
    result = _run(
        "simulate", "--scenario", "onboarding", "--base-url", reference.base_url, "--token", wrong,
        "--report-dir", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: the SCIM target {reference.base_url} rejected the token "
        "(GET /scim/v2/ServiceProviderConfig answered 401)"
    )
    assert wrong not in result.output
    assert not (tmp_path / "simulation.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "soak"], "--duration SECONDS is required with --scenario soak"),
        (
            ["--scenario", "onboarding", "--base-url", "http://127.0.0.1:9/scim"],
            "--token (or SCIM_TOKEN) is required",
        ),
        (
            ["--scenario", "onboarding", "--base-url", "ftp://x", "--token", "t"],
            "must be an http:// or https:// URL",
        ),
        (["--scenario", "nope"], "'nope' is not one of"),
        (["--scenario", "onboarding", "--users", "0"], "--users"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = _run("simulate", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_malformed_recording_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    result = _run("replay", str(bad), "--report-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "line 1: not JSON" in result.stderr


def _recorded_line(seq: int, **changes: object) -> str:
    line: dict[str, object] = {
        "seq": seq,
        "event": "assign",
        "userId": 7,
        "operation": "lookup_user",
        "attempt": 1,
        "request": {
            "method": "GET",
            "target": "/Users?filter=userName+eq+%22ana%40example.com%22&",
            "headers": [["Authorization", "Bearer ***"]],
            "body": None,
        },
        "response": {"status": 200, "error": None, "headers": [], "body": "{}", "elapsed": 0.01},
    }
    line.update(changes)
    return json.dumps(line)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"operation": "frobnicate"}, "line 3: unknown operation 'frobnicate' (one of: connection_test,"),
        ({"operation": None}, "line 3: unknown operation None"),
        ({"userId": "seven"}, "line 3: userId 'seven' is not an integer"),
        (
            {"request": {"method": "GET", "target": "/Users", "headers": [["Authorization"]]}},
            "line 3: request headers are not a list of [name, value] strings",
        ),
        (
            {"request": {"method": "GET", "target": "Users", "headers": []}},
            "line 3: request target 'Users' is not a path",
        ),
        ({"response": {"status": "200"}}, "line 3: response status '200' is not an HTTP status"),
    ],
    ids=["unknown operation", "no operation", "userId", "headers", "target", "status"],
)
def test_replay_checks_the_whole_file_before_sending_anything(
    tmp_path: Path, change: dict[str, object], problem: str
) -> None:
    recording = tmp_path / "traffic.jsonl"
    lines = [_recorded_line(1), _recorded_line(2), _recorded_line(3, **change), _recorded_line(4)]
    recording.write_text("\n".join(lines) + "\n", encoding="utf-8")
    witness = Witness()
    with witnessed(tmp_path, witness) as server:
        result = _run(
            "replay", str(recording), "--base-url", server.base_url, "--token", TOKEN,
            "--report-dir", str(tmp_path / "reports"), "--no-progress",
        )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert witness.log == []  # not even the pre-flight
    assert result.stdout == "" and "Traceback" not in result.output
    message = result.stderr.strip().splitlines()
    assert len(message) == 1 and problem in message[0] and str(recording) in message[0]
    assert not (tmp_path / "reports" / "replay.json").exists()


def test_the_installed_command_shows_plain_progress_and_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "SCIM_TOKEN": SECRET, "SCIM_BASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "harness", "simulate", "--scenario", "soak", "--users", "30",
         "--duration", "1", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "soak: " in result.stderr and " events, " in result.stderr  # not a terminal: plain lines
    assert "Traceback" not in result.stdout + result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert json.loads((tmp_path / "simulation.json").read_text())["duration"] == 1.0
