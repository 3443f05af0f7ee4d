"""``scim-harness simulate --engine locust``: the scenario on Locust, a master and workers on loopback.

The same locustfile a distributed run uses (docs/load.md), started here as child processes: one
headless ``--master`` bound to 127.0.0.1 and ``workers`` ``--worker`` processes (or, with 0 workers,
one standalone headless process). Locust is never imported into this process (it monkey-patches
with gevent); it only has to be installed (``pip install 'scim-harness[load]'``).

The token reaches the children through ``SCIM_TOKEN`` in their environment only, never on a
command line. Their logs go to ``locust-*.log`` in the report folder; the master's final figures
become ``locust.json``. Exit codes as for ``simulate``: 0 no failure, 1 failures, 2 when Locust is
missing or does not finish, or when OneLogin would not accept the connection test's answer (the
master sends it alone first; no worker sends anything then).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import click

from harness.target import write_text
from scim_client import Target, Transport, public_url
from simulator.load import LOCUSTFILE

SHOWN_FAILURES = 10
GRACE = 120.0
"""Seconds past ``--duration`` before a run that does not stop is killed."""
REAP_WAIT = 3.0
"""Seconds a child gets to exit on its own, then after SIGTERM."""


class LocustError(click.ClickException):
    """Locust is missing, or the run did not finish: one line, exit code 2."""

    exit_code = 2


class NotEnabled(click.ClickException):
    """OneLogin would not accept the connection test's answer: one line, exit code 2."""

    exit_code = 2

    def __init__(self, why: str, report: Path) -> None:
        super().__init__(
            f"{why}; OneLogin would not enable provisioning, so no user request was sent ({report})"
        )


@dataclass(frozen=True, slots=True)
class LocustRun:
    """A scenario on Locust: ``concurrency`` Locust users over ``workers`` worker processes."""

    scenario: str
    users: int
    seed: int
    concurrency: int
    workers: int = 1
    duration: float | None = None
    retries: int | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(base_url: str, token: str, transport: Transport, run: LocustRun) -> dict[str, str]:
    env = {**os.environ, "SCIM_BASE_URL": base_url, "SCIM_TOKEN": token, **transport.environment()}
    if run.retries is not None:
        env["SCIM_RETRIES"] = str(run.retries)
    return env


def _master_args(run: LocustRun, base_url: str, report: Path, port: int) -> list[str]:
    args = [
        "--headless",
        "--only-summary",
        "--users", str(run.concurrency),
        "--spawn-rate", str(run.concurrency),
        "--host", base_url,
        "--scim-scenario", run.scenario,
        "--scim-tenant-users", str(run.users),
        "--scim-seed", str(run.seed),
        "--scim-report", str(report),
    ]  # fmt: skip
    if run.duration:
        args += ["--run-time", f"{max(1, math.ceil(run.duration))}s"]
    if run.workers:
        args += ["--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port)]
        args += ["--expect-workers", str(run.workers)]
    return args


def _start(args: list[str], env: dict[str, str], log: TextIO) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), *args]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def run_locust(
    run: LocustRun, base_url: str, token: str, transport: Transport, folder: Path
) -> dict[str, Any]:
    """Run ``run`` against ``base_url``; the master's figures (raises :class:`LocustError`)."""
    if importlib.util.find_spec("locust") is None:
        raise LocustError("Locust is not installed: pip install 'scim-harness[load]'")
    env = _environment(base_url, token, transport, run)
    port = _free_port()
    master_log = folder / "locust-master.log"
    with tempfile.TemporaryDirectory(prefix="scim-locust-") as scratch, ExitStack() as stack:
        report = Path(scratch) / "figures.json"
        log = stack.enter_context(master_log.open("w", encoding="utf-8"))
        children = [_start(_master_args(run, base_url, report, port), env, log)]
        stack.callback(_reap, children)
        worker_args = ["--worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
        for index in range(run.workers):
            wlog = stack.enter_context((folder / f"locust-worker-{index}.log").open("w", encoding="utf-8"))
            children.append(_start(worker_args, env, wlog))
        limit = run.duration + GRACE if run.duration else None
        try:
            children[0].wait(limit)
        except subprocess.TimeoutExpired:
            raise LocustError(f"Locust did not stop {limit:.0f} s into the run; see {master_log}") from None
        if not report.exists():
            raise LocustError(f"Locust did not finish: {_last_line(master_log)} (see {master_log})")
        figures: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return figures


def _reap(children: list[subprocess.Popen[bytes]]) -> None:
    """Give the workers a moment to follow the master's quit, then stop them (SIGTERM, then SIGKILL).

    A worker can miss the quit: the master forgets a worker between its "stopped" and "ready".
    """
    for child in children:
        for stop in (None, child.terminate, child.kill):
            if stop is not None:
                stop()
            try:
                child.wait(REAP_WAIT)
                break
            except subprocess.TimeoutExpired:
                continue


def report_json(run: LocustRun, base_url: str, started: str, figures: dict[str, Any]) -> dict[str, Any]:
    """``locust.json``: what ran, against what, and Locust's figures."""
    ok = figures["failures"] == 0 and figures["requests"] > 0
    return {
        "engine": "locust",
        "scenario": run.scenario,
        "users": run.users,
        "seed": run.seed,
        "concurrency": run.concurrency,
        "workers": run.workers,
        "duration": run.duration,
        "target": public_url(base_url),
        "started": started,
        "ok": ok,
        **figures,
    }


def summary(data: dict[str, Any], path: Path) -> list[str]:
    """The lines ``simulate --engine locust`` prints."""
    latency = data["latencyMs"]
    where = f"{data['workers']} worker(s)" if data["workers"] else "one process"
    lines = [
        f"scenario {data['scenario']} on Locust: {data['users']} users, seed {data['seed']}, "
        f"{data['concurrency']} Locust users on {where}",
        f"{data['requests']} requests in {data['elapsed']:.1f} s ({data['throughput']:.0f} req/s), "
        f"{data['failures']} failures",
        f"latency p50 {latency['p50']:.0f} ms · p90 {latency['p90']:.0f} ms · p99 {latency['p99']:.0f} ms",
    ]
    failures = data["failureMessages"]
    lines += [f"  - {f['name']}: {f['error']} (× {f['occurrences']})" for f in failures[:SHOWN_FAILURES]]
    if len(failures) > SHOWN_FAILURES:
        lines.append(f"  … and {len(failures) - SHOWN_FAILURES} more in {path}")
    if data["requests"] == 0:
        lines.append("no request was sent")
    lines.append(f"report: {path}")
    return lines


def started_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def refused_connection_test(data: dict[str, Any]) -> str | None:
    """Why OneLogin would not enable provisioning, when the run's connection test failed."""
    gate = data.get("connectionTest")
    if isinstance(gate, dict) and gate.get("ok") is False:
        return f"the connection test failed: {gate.get('detail') or 'no detail'}"
    return None


def simulate_on_locust(run: LocustRun, target: Target, folder: Path) -> None:
    """Run, write ``locust.json``, print the summary; exit 1 when a request failed.

    A connection test OneLogin would refuse raises :class:`NotEnabled` (one line, exit 2).
    """
    started = started_now()
    figures = run_locust(run, target.base_url, target.token, target.transport, folder)
    data = report_json(run, target.base_url, started, figures)
    path = folder / "locust.json"
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", target)
    refused = refused_connection_test(data)
    if refused is not None:
        raise NotEnabled(refused, path)
    for line in summary(data, path):
        click.echo(line)
    if not data["ok"]:
        raise SystemExit(1)
