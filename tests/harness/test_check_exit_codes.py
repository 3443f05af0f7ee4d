"""``check`` exits 2 with one clear line for usage mistakes and unusable targets; never a traceback."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from tests.support.checkrun import OBSERVER_TOKEN, SECRETS, broken_target, clean_env, run_check


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_target(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/scim/v2"
    env = {**clean_env(), "SCIM_TOKEN": "whatever-token-123"}
    line = _one_error_line(run_check("--base-url", url, "--report-dir", str(tmp_path), env=env))
    assert f"cannot reach the SCIM target {url}" in line
    assert "whatever-token-123" not in line


def test_rejected_token(tmp_path: Path) -> None:
    with broken_target(tmp_path) as target:
        result = run_check("--report-dir", str(tmp_path / "r"), env=target.env(token="not-the-right-token-9"))
    line = _one_error_line(result)
    assert "rejected the token" in line and "401" in line
    assert "not-the-right-token-9" not in result.stdout + result.stderr


def test_rejected_observer_token(tmp_path: Path) -> None:
    with broken_target(tmp_path) as target:
        env = {**target.env(), "SCIM_OBSERVER_TOKEN": "wrong-observer-token-4"}
        result = run_check("--report-dir", str(tmp_path / "r"), env=env)
    line = _one_error_line(result)
    assert "observer" in line and "rejected" in line
    assert not any(s in result.stdout + result.stderr for s in (*SECRETS, "wrong-observer-token-4"))


def test_a_failed_run_leaves_no_stale_reports(tmp_path: Path) -> None:
    for name in ("junit.xml", "summary.json", "report.html"):
        (tmp_path / name).write_text("from an earlier run")
    (tmp_path / "simulation.json").write_text("{}")
    env = {**clean_env(), "SCIM_TOKEN": "t0ken-xyz"}
    result = run_check(
        "--base-url", f"http://127.0.0.1:{_closed_port()}/scim/v2", "--report-dir", str(tmp_path), env=env
    )
    _one_error_line(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["simulation.json"]  # the simulator's own file stays


@pytest.mark.parametrize(
    ("args", "env_extra", "says"),
    [
        (["--base-url", "http://127.0.0.1:1/scim/v2"], {}, "--token (or SCIM_TOKEN) is required"),
        (["--base-url", "ftp://example.com/scim"], {"SCIM_TOKEN": "t"}, "must be an http:// or https:// URL"),
        (["--observer-url", "http://127.0.0.1:1/observer"], {}, "--observer-url needs --base-url"),
        (
            ["--base-url", "http://127.0.0.1:1/scim/v2", "--observer-url", "http://127.0.0.1:1/o"],
            {"SCIM_TOKEN": "t"},
            "--observer-token",
        ),
        (["--tags", "@must and"], {}, "ends too early"),
        (["--tags", "@must &&"], {}, "unexpected '&'"),
        (["--tags", "@nosuchtag"], {}, "no feature uses the tag @nosuchtag"),
        (["--tags", "@discovery and not @discovery"], {}, "selects no scenario"),
        (["-j", "0"], {}, "0 is not in the range"),
        (["--gate", "salesforce"], {}, "'salesforce' is not one of 'all', 'rfc', 'onelogin'"),
        (["--strict", "--nope"], {}, "No such option"),
    ],
)
def test_usage_mistakes(tmp_path: Path, args: list[str], env_extra: dict[str, str], says: str) -> None:
    result = run_check(*args, "--report-dir", str(tmp_path / "r"), env={**clean_env(), **env_extra})
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_report_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_check("--report-dir", str(blocker / "reports"))
    assert result.returncode == 2 and "cannot write to" in result.stderr


def test_observer_token_never_printed_even_when_accepted(tmp_path: Path) -> None:
    with broken_target(tmp_path) as target:
        result = run_check(
            "--tags", "@discovery and @should", "--report-dir", str(tmp_path / "r"), env=target.env()
        )
    assert result.returncode == 0, result.stderr
    assert OBSERVER_TOKEN not in result.stdout + result.stderr
