"""Benchmark of the OneLogin simulator: throughput against the reference server, and peak memory.

Run it from the repository root::

    .venv/bin/python bench/bench_simulator.py

Three measurements, each in a fresh child process so peak RSS figures do not leak into each other:

- ``throughput``: onboarding 10,000 users against ``python -m harness serve`` started as a child
  process, so the simulator's CPU (this side) and the server's CPU (the child) are measured apart
  (capped at ``--throughput-cap`` seconds: the figures say how many users were pushed);
- ``model``: peak RSS of a 100,000-user tenant (generation) plus the expected directory of all of
  them pushed (the model a run keeps);
- ``run``: peak RSS of the simulator while onboarding the 100,000-user tenant for a bounded time.

It prints a small table and writes the figures to ``bench/results_simulator.json``. Not part of
the test run (``bench/`` is outside ``testpaths``); bounded to a few minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results_simulator.json"
TOKEN = "bench-simulator-token-0001"


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server_process(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python -m harness serve`` on a free port and a fresh SQLite file."""
    port = free_port()
    env = {**os.environ, "SCIM_TOKEN": TOKEN, "SCIM_OBSERVER_TOKEN": TOKEN + "-observer"}
    command = [
        sys.executable,
        "-m",
        "harness",
        "serve",
        "--port",
        str(port),
        "--db",
        str(folder / "bench.db"),
    ]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/scim/v2"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(base_url + "/ServiceProviderConfig", headers={"Authorization": f"Bearer {TOKEN}"})
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the reference server did not start")
        yield base_url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _simulate(scenario: str, users: int, concurrency: int, duration: float | None, base_url: str) -> Any:
    from simulator.simulation import SimulationConfig, simulate

    config = SimulationConfig(scenario, users, seed=1, concurrency=concurrency, duration=duration)
    return asyncio.run(simulate(config, base_url, TOKEN))


def child_throughput(users: int, concurrency: int, cap: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, server_process(Path(folder)) as (base_url, proc):
        server_before, client_before, began = cpu_seconds(proc.pid), time.process_time(), time.perf_counter()
        report = _simulate("onboarding", users, concurrency, cap, base_url)
        wall = time.perf_counter() - began
        client_cpu, server_cpu = time.process_time() - client_before, cpu_seconds(proc.pid) - server_before
    data = report.to_json()
    return {
        "users": users,
        "concurrency": concurrency,
        "capSeconds": cap,
        "usersPushed": data["events"]["byEvent"].get("assign", 0),
        "events": data["events"]["count"],
        "requests": data["requests"],
        "trafficSeconds": data["elapsed"],
        "wallSeconds": round(wall, 2),
        "requestsPerSecond": data["throughput"],
        "latencyMs": data["latencyMs"],
        "simulatorCpuSeconds": round(client_cpu, 2),
        "serverCpuSeconds": round(server_cpu, 2),
        "simulatorCpuMsPerRequest": round(client_cpu / data["requests"] * 1000, 3),
        "serverCpuMsPerRequest": round(server_cpu / data["requests"] * 1000, 3),
        "problems": data["problems"]["count"],
        "simulatorPeakRssMb": peak_rss_mb(),
    }


def child_model(users: int) -> dict[str, Any]:
    from simulator.expected import Directory
    from simulator.tenant import Tenant
    from simulator.wire import Exchange, WireRequest, WireResponse

    baseline = peak_rss_mb()
    began = time.perf_counter()
    tenant = Tenant.generate(users, seed=1)
    generated = time.perf_counter() - began
    after_tenant = peak_rss_mb()
    directory = Directory()
    for n, user in enumerate(tenant):  # every user pushed: the largest the model gets
        sent = {
            "userName": user.email,
            "name": {"givenName": user.firstname, "familyName": user.lastname},
            "emails": [{"value": user.email, "primary": True}],
            "title": user.title,
            "urn:scim:schemas:extension:enterprise:2.0": {"department": user.department},
        }
        request = WireRequest(
            "POST", "/Users", None, (), json.dumps(sent).encode(), "assign", user.id, "create_user"
        )
        directory.apply(
            Exchange(request, WireResponse(201, body=b'{"id": "%08d-0000-4000-8000-000000000000"}' % n))
        )
    return {
        "users": users,
        "generationSeconds": round(generated, 2),
        "baselineRssMb": baseline,
        "tenantPeakRssMb": after_tenant,
        "tenantMb": round(after_tenant - baseline, 1),
        "tenantAndModelPeakRssMb": peak_rss_mb(),
        "modelMb": round(peak_rss_mb() - after_tenant, 1),
        "modelUsers": len(directory.users),
    }


def child_run(users: int, concurrency: int, seconds: float) -> dict[str, Any]:
    baseline = peak_rss_mb()
    with tempfile.TemporaryDirectory() as folder, server_process(Path(folder)) as (base_url, _):
        report = _simulate("onboarding", users, concurrency, seconds, base_url)
    data = report.to_json()
    return {
        "users": users,
        "durationSeconds": seconds,
        "usersPushed": data["events"]["byEvent"].get("assign", 0),
        "requests": data["requests"],
        "requestsPerSecond": data["throughput"],
        "problems": data["problems"]["count"],
        "baselineRssMb": baseline,
        "peakRssMb": peak_rss_mb(),
    }


def run_child(*args: str) -> dict[str, Any]:
    """Run this script as a child for one measurement; its last stdout line is the JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args} failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def table(results: dict[str, Any]) -> str:
    t, m, r = results["throughput"], results["model"], results["run"]
    rows = [
        (
            "onboarding (throughput)",
            f"{t['usersPushed']:,} of {t['users']:,} users pushed at concurrency {t['concurrency']}",
        ),
        ("requests", f"{t['requests']:,} in {t['trafficSeconds']} s"),
        ("throughput", f"{t['requestsPerSecond']:.0f} requests/s"),
        (
            "latency p50 / p90 / p99",
            f"{t['latencyMs']['p50']} / {t['latencyMs']['p90']} / {t['latencyMs']['p99']} ms",
        ),
        ("simulator CPU", f"{t['simulatorCpuSeconds']} s ({t['simulatorCpuMsPerRequest']} ms/request)"),
        (
            "server CPU (child process)",
            f"{t['serverCpuSeconds']} s ({t['serverCpuMsPerRequest']} ms/request)",
        ),
        ("problems found", str(t["problems"])),
        ("tenant generation", f"{m['users']:,} users in {m['generationSeconds']} s"),
        ("peak RSS: tenant", f"{m['tenantPeakRssMb']} MB ({m['tenantMb']} MB over baseline)"),
        ("peak RSS: tenant + model", f"{m['tenantAndModelPeakRssMb']} MB (model {m['modelMb']} MB)"),
        (
            f"peak RSS: run ({r['durationSeconds']:.0f} s)",
            f"{r['peakRssMb']} MB, {r['usersPushed']:,} of {r['users']:,} users pushed",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--throughput-users", type=int, default=10_000)
    parser.add_argument("--memory-users", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--run-seconds", type=float, default=20.0)
    parser.add_argument(
        "--throughput-cap",
        type=float,
        default=200.0,
        help="seconds after which the throughput run takes no new user (keeps the bench bounded)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        kind, *rest = args.child
        numbers = [float(x) for x in rest]
        if kind == "throughput":
            result = child_throughput(int(numbers[0]), int(numbers[1]), numbers[2])
        elif kind == "model":
            result = child_model(int(numbers[0]))
        else:
            result = child_run(int(numbers[0]), int(numbers[1]), numbers[2])
        print(json.dumps(result))
        return
    results = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "throughput": run_child(
            "throughput", str(args.throughput_users), str(args.concurrency), str(args.throughput_cap)
        ),
        "model": run_child("model", str(args.memory_users)),
        "run": run_child("run", str(args.memory_users), str(args.concurrency), str(args.run_seconds)),
    }
    print(table(results))
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
