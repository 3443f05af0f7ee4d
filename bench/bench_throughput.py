"""Throughput of the reference server on the OneLogin mixed workload, as ratios to two baselines.

All measured side by side in one run, on this machine, with the same load generator:

- ``reference``: ``python -m harness serve`` on a fresh SQLite file;
- ``bare-litestar``: a Litestar app answering fixed bodies (:mod:`bare_app`), the framework ceiling;
- ``scim2-server``: scim2-server's ASGI app on in-memory storage (:mod:`peer_app`), an independent
  SCIM server from PyPI, in its own venv (``bench/.venv-peer``, created on first run).

Each target gets groups and seed users (:func:`workload.prepare`), a warm-up, then ``--rounds``
measured runs, alternating targets so drift hits all three alike; each run is bounded by
``--requests`` and ``--seconds``. The medians are reported, with the server's and the load
generator's CPU over the same window: a server near 1.0 core is the bottleneck, not the load side.
The load generator's own ceiling is measured first, against a trivial fixed-answer server.

    .venv/bin/python bench/bench_throughput.py [--seconds 6] [--rounds 5]

Prints a table and writes ``bench/results_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

from loadgen import LoadResult, run_load
from targets import check_same_stack, ensure_peer_venv, make_targets, trivial_server, workdir
from workload import Ping, prepare

GOALS = {"vs scim2-server": 3.0, "vs bare-litestar": 0.5}
"""The issue's targets: at least 3× scim2-server, at least half the bare-Litestar ceiling."""


def summary(result: LoadResult) -> dict[str, Any]:
    """The figures of one run (latencies in ms, CPU in cores busy over the run's window)."""
    return {
        "requests": result.requests,
        "seconds": round(result.seconds, 3),
        "requests_per_s": round(result.rate, 1),
        "p50_ms": round(result.percentile(0.50) * 1000, 2),
        "p99_ms": round(result.percentile(0.99) * 1000, 2),
        "p50_ms_by_op": {op: round(result.percentile(0.5, op) * 1000, 2) for op in sorted(result.latencies)},
        "unexpected": result.errors,
        "statuses": {op: {str(s): n for s, n in per.items()} for op, per in sorted(result.statuses.items())},
        "server_cores": round((result.server_cpu or 0.0) / result.seconds, 2) if result.seconds else 0.0,
        # the share of the window the server was runnable but had no CPU (taken by other processes)
        "server_cpu_wait": round((result.server_wait or 0.0) / result.seconds, 2) if result.seconds else 0.0,
        # CPU per request barely moves when other processes take cores from the server: the figure
        # to compare when the machine is shared and requests/s is noisy
        "server_us_per_request": round((result.server_cpu or 0.0) / result.requests * 1e6)
        if result.requests
        else 0,
        "client_cores": round(result.client_cpu / result.seconds, 2) if result.seconds else 0.0,
        "client_requests_per_core_s": round(result.requests / result.client_cpu) if result.client_cpu else 0,
    }


def ceiling(logs: Path, seconds: float, connections: int) -> dict[str, Any]:
    """The load generator alone: one worker process against the trivial server."""
    server = trivial_server(logs)
    try:
        run_load(server.endpoint, Ping(), label="warm", workers=1, connections=connections, max_seconds=1)
        result = run_load(
            server.endpoint,
            Ping(),
            label="ceiling",
            workers=1,
            connections=connections,
            max_requests=2_000_000,
            max_seconds=seconds,
            server_pid=server.pid,
        )
    finally:
        server.stop()
    return summary(result)


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = (
        "requests_per_s",
        "p50_ms",
        "p99_ms",
        "server_cores",
        "server_cpu_wait",
        "server_us_per_request",
        "client_cores",
        "client_requests_per_core_s",
    )
    merged: dict[str, Any] = {key: round(statistics.median(run[key] for run in runs), 2) for key in keys}
    for key in ("server_us_per_request", "client_requests_per_core_s"):
        merged[key] = round(merged[key])
    unexpected: dict[str, int] = {}
    for run in runs:
        for key, n in run["unexpected"].items():
            unexpected[key] = unexpected.get(key, 0) + n
    merged["unexpected"] = unexpected
    merged["requests"] = sum(run["requests"] for run in runs)
    merged["p50_ms_by_op"] = {
        op: statistics.median(run["p50_ms_by_op"].get(op, 0.0) for run in runs)
        for op in runs[0]["p50_ms_by_op"]
    }
    return merged


def measure(args: argparse.Namespace) -> dict[str, Any]:
    peer_version = ensure_peer_venv()
    stacks = check_same_stack()
    with workdir() as tmp:
        logs = Path(tmp)
        load_ceiling = ceiling(logs, args.ceiling_seconds, args.connections)
        print(
            f"load generator ceiling: {load_ceiling['requests_per_s']:,.0f} req/s from one worker, "
            f"{load_ceiling['client_requests_per_core_s']:,} req/s per client core",
            flush=True,
        )
        targets = make_targets(logs)
        runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
        try:
            workloads = {}
            for target in targets:
                target.start(logs)
                workloads[target.name] = prepare(target.endpoint, target.name, args.groups, args.seed_users)
            load = {"workers": args.workers, "connections": args.connections, "max_requests": args.requests}
            for target in targets:
                run_load(
                    target.endpoint, workloads[target.name], label="warm", **load, max_seconds=args.warmup
                )
            for round_ in range(args.rounds):
                shift = round_ % len(targets)
                for target in targets[shift:] + targets[:shift]:
                    result = run_load(
                        target.endpoint,
                        workloads[target.name],
                        label=f"r{round_}",
                        **load,
                        max_seconds=args.seconds,
                        server_pid=target.pid,
                    )
                    runs[target.name].append(summary(result))
                    print(f"  round {round_ + 1} {target.name:<14} {result.rate:>9,.0f} req/s", flush=True)
        finally:
            for target in targets:
                target.stop()
    medians = {name: median_of(per) for name, per in runs.items()}
    ref = medians["reference"]["requests_per_s"]
    ratios = {
        "vs scim2-server": round(ref / medians["scim2-server"]["requests_per_s"], 2),
        "vs bare-litestar": round(ref / medians["bare-litestar"]["requests_per_s"], 2),
    }
    return {
        "workload": "onelogin-mixed: 3 lookups, create, full PUT, suspend PUT, 2 group PATCHes, delete",
        "settings": {
            **{k: v for k, v in vars(args).items() if k != "output"},
            "uvicorn": stacks,
            "scim2_server_version": peer_version,
        },
        "load_generator_ceiling": load_ceiling,
        "median": medians,
        "runs": runs,
        "reference_ratios": ratios,
        # server CPU per request of the other target ÷ the reference's: > 1 means the reference is cheaper
        "reference_cpu_cost_ratios": {
            f"vs {name}": round(
                medians[name]["server_us_per_request"] / medians["reference"]["server_us_per_request"], 2
            )
            for name in ("scim2-server", "bare-litestar")
            if medians["reference"]["server_us_per_request"]
        },
        "goals": {name: {"at_least": goal, "met": ratios[name] >= goal} for name, goal in GOALS.items()},
    }


def table(results: dict[str, Any]) -> str:
    """The bench table: medians per target, CPU on each side, ratios of the reference server."""
    medians = results["median"]
    head = (
        f"{'target':<15}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'server':>8}{'wait':>7}{'µs/req':>8}"
        f"{'client':>8}{'vs scim2':>10}{'vs bare':>9}  unexpected statuses"
    )
    lines = [head, "-" * len(head)]
    for name, m in medians.items():
        bad = ", ".join(f"{k}: {n}" for k, n in m["unexpected"].items()) or "none"
        lines.append(
            f"{name:<15}{m['requests_per_s']:>9,.0f}{m['p50_ms']:>9.2f}{m['p99_ms']:>9.2f}"
            f"{m['server_cores']:>7.2f}c{m['server_cpu_wait']:>6.2f}c{m['server_us_per_request']:>8,}{m['client_cores']:>7.2f}c"
            f"{m['requests_per_s'] / medians['scim2-server']['requests_per_s']:>9.2f}x"
            f"{m['requests_per_s'] / medians['bare-litestar']['requests_per_s']:>8.2f}x  {bad}"
        )
    ceiling_ = results["load_generator_ceiling"]
    lines.append(
        f"load generator: {ceiling_['requests_per_s']:,.0f} req/s from 1 worker on a trivial server "
        f"= {ceiling_['client_requests_per_core_s']:,} req/s per client core; on this workload "
        + ", ".join(f"{n} {m['client_requests_per_core_s']:,}" for n, m in medians.items())
        + " req/s per client core"
    )
    costs = results["reference_cpu_cost_ratios"]
    if costs:
        lines.append(
            "server CPU per request, other ÷ reference (robust to a shared machine): "
            + ", ".join(f"{name} {ratio:.2f}x" for name, ratio in costs.items())
        )
    for name, goal in results["goals"].items():
        ratio = results["reference_ratios"][name]
        verdict = "met" if goal["met"] else "MISSED"
        lines.append(f"goal reference {name} >= {goal['at_least']}x: {ratio:.2f}x {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="time limit of each measured run")
    parser.add_argument("--requests", type=int, default=200_000, help="request limit of each run")
    parser.add_argument("--rounds", type=int, default=5, help="measured runs per target (median)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per target")
    parser.add_argument("--ceiling-seconds", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2, help="load generator processes")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections per worker")
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--seed-users", type=int, default=500)
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("results_throughput.json"))
    args = parser.parse_args(argv)
    results = measure(args)
    print(table(results))
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
