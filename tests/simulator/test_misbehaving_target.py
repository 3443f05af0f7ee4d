"""``scim-harness simulate`` against misbehaving targets: each is a problem on its exchange, no crash.

The proxy (:mod:`misbehaving`) misbehaves on ``/Users`` but lets the pre-flight and the connection
test through (a connection test OneLogin refuses stops a run before provisioning: tested in
``tests/harness/test_cli_simulate.py``), so the simulator meets each misbehaviour on real
exchanges: every run finishes within its timeouts and retries, exits 1 with the problem named on
the exchange, writes ``simulation.json``, never prints a traceback, and never sends a request to
the host a redirect points at. Runs go in parallel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.misbehaving import MisbehavingServer, Request
from tests.support.scimtest import TOKEN, make_config

pytestmark = pytest.mark.slow
HARD_TIMEOUT = 90
EXPECTED = {
    "hang": "timeout: no answer within the 1 s timeout (ReadTimeout)",
    "non-json": "with a body that is not JSON",
    "huge": "response body exceeds 10 MB",
    "redirect": "answered 307 to http://127.0.0.2:",
    "close-mid-response": "closed the connection before the response was complete",
    "random-500": "answered 500",
}


_CONNECTION_TEST = re.compile(r"filter=userName\+eq\+%22[0-9a-f]{8}-[0-9a-f]{4}-4")


class MisbehavingAfterEnable(MisbehavingServer):
    """Lets the simulator's connection test (a lookup of a random UUID userName) through."""

    def _matches(self, request: Request) -> bool:
        return not _CONNECTION_TEST.search(request.target) and super()._matches(request)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("sim-misbehaving")
    env = {**os.environ, "SCIM_TOKEN": TOKEN, "SCIM_BASE_URL": ""}
    with ExitStack() as stack:
        upstream = stack.enter_context(EmbeddedServer(make_config(root / "scim.db")))
        started = {}
        for mode in EXPECTED:
            server = stack.enter_context(MisbehavingAfterEnable(mode, upstream.base_url))
            reports = root / mode
            command = [
                sys.executable, "-m", "harness", "simulate", "--scenario", "onboarding", "--users", "4",
                "--concurrency", "4", "--timeout", "1", "--retries", "1", "--no-progress",
                "--base-url", server.base_url, "--report-dir", str(reports),
            ]  # fmt: skip
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            started[mode] = (server, reports, process)
        results = {}
        for mode, (server, reports, process) in started.items():
            try:
                out, err = process.communicate(timeout=HARD_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
                pytest.fail(f"simulate against {mode} did not finish in {HARD_TIMEOUT} s:\n{out}\n{err}")
            results[mode] = (server, reports, process.returncode, out, err)
        yield results


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_each_misbehaviour_is_a_problem_on_its_exchange(runs: dict[str, Any], mode: str) -> None:
    server, reports, returncode, out, err = runs[mode]
    assert "Traceback" not in out + err
    data = json.loads((reports / "simulation.json").read_text(encoding="utf-8"))
    if mode == "random-500" and returncode == 0:
        assert data["retries"] > 0  # every 500 was retried into a success
        return
    assert returncode == 1, out + err
    assert data["ok"] is False
    messages = json.dumps(data["problems"])
    assert EXPECTED[mode] in messages
    assert EXPECTED[mode] in out
    assert data["events"]["count"] == 5  # the connection test and four assignments all ran
    assert server.elsewhere == [], "a request followed the redirect to another host"
