"""``scim-harness check`` against misbehaving targets: each misbehaviour is one clear failure.

A hanging target, a non-JSON answer, a 50 MB body, a redirect to another host, a connection closed
mid-response and random 500s, met inside scenarios (the proxy misbehaves on ``/Users`` only, so
discovery and the pre-flight pass): the run finishes, exits 1, names the failure in its summary
and carries on to the next scenario. Met at the pre-flight (``where="all"``), the run stops at once
with exit code 2 and one line. No run prints a traceback, and no request reaches the other host.

All runs are started together (each is a subprocess with a hard timeout) to keep this module short.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.misbehaving import MisbehavingServer
from tests.support.scimtest import TOKEN, make_config

pytestmark = pytest.mark.slow
HARD_TIMEOUT = 120
TAGS = "@req_D_01 or @req_D_04 or (@req_C_01 and @users)"
IN_SCENARIO = {
    "hang": "no answer within the 2 s timeout",
    "non-json": "the response body is not JSON",
    "huge": "the response body exceeds 10 MB",
    "redirect": "a redirect to another host (http://127.0.0.2:",
    "close-mid-response": "closed the connection before the response was complete",
    "random-500": "answered 500",
}
AT_PREFLIGHT = {
    "hang": "no answer within the 2 s timeout",
    "non-json": "not JSON: is --base-url the SCIM base URL?",
    "huge": "response body exceeds 10 MB",
    "redirect": "answered 307 to http://127.0.0.2:",
}


@dataclass
class Run:
    server: MisbehavingServer
    reports: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def _command(base_url: str, reports: Path) -> list[str]:
    return [
        sys.executable, "-m", "harness", "check", "--base-url", base_url, "--timeout", "2",
        "--tags", TAGS, "--report-dir", str(reports),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], Run]]:
    root = tmp_path_factory.mktemp("misbehaving")
    env = {**os.environ, "SCIM_TOKEN": TOKEN, "SCIM_BASE_URL": "", "PYTHONUNBUFFERED": "1"}
    cases = [(m, "/Users") for m in IN_SCENARIO] + [(m, "all") for m in AT_PREFLIGHT]
    with ExitStack() as stack:
        upstream = stack.enter_context(EmbeddedServer(make_config(root / "scim.db")))
        started = {}
        for mode, where in cases:
            server = stack.enter_context(MisbehavingServer(mode, upstream.base_url, where=where))
            reports = root / f"{mode}-{where.strip('/')}"
            process = subprocess.Popen(
                _command(server.base_url, reports), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            started[mode, where] = (server, reports, process, time.monotonic())
        results = {}
        for key, (server, reports, process, began) in started.items():
            try:
                out, err = process.communicate(timeout=HARD_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
                pytest.fail(f"check against {key} did not finish in {HARD_TIMEOUT} s:\n{out}\n{err}")
            results[key] = Run(server, reports, process.returncode, out, err, time.monotonic() - began)
        yield results


@pytest.mark.parametrize("mode", list(IN_SCENARIO))
def test_a_misbehaviour_inside_a_scenario_fails_that_scenario_and_the_run_goes_on(
    runs: dict[tuple[str, str], Run], mode: str
) -> None:
    run = runs[mode, "/Users"]
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    summary = json.loads((run.reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["total"] == 3, summary["counts"]
    # the discovery scenario that never touches /Users passed: the run carried on
    assert summary["counts"]["passed"] >= 1, summary["counts"]
    why = json.dumps(summary["scenarios"])
    assert IN_SCENARIO[mode] in why, why
    assert IN_SCENARIO[mode] in output
    assert IN_SCENARIO[mode] in (run.reports / "summary.md").read_text(encoding="utf-8")
    assert run.server.misbehaved >= 1
    assert run.server.elsewhere == [], "a request followed the redirect to another host"


@pytest.mark.parametrize("mode", list(AT_PREFLIGHT))
def test_a_misbehaving_preflight_stops_the_run_with_one_line(
    runs: dict[tuple[str, str], Run], mode: str
) -> None:
    run = runs[mode, "all"]
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert AT_PREFLIGHT[mode] in lines[0]
    assert run.server.elsewhere == []
