"""``make bench``: every benchmark in one bounded run, merged into ``bench/results.json``.

Runs, each as a child process with its own time limit (the whole run stays within ``--budget``,
16 minutes by default, on this 2-core machine):

1. ``bench_lookups.py`` — filtered-lookup latency at 1,000 / 10,000 / 100,000 users;
2. ``bench_simulator.py`` — the OneLogin simulator's throughput and memory (when the file exists);
3. ``bench_throughput.py`` — the reference server on OneLogin's mixed and user-only lifecycle
   workloads, as ratios to a bare Litestar app and to scim2-server, with server CPU per request
   kind, plus the load generator's own ceiling;
4. the feature suite's wall time (``python -m pytest steps -q``).

Each script writes its own ``results_*.json``; this one merges them with the wall time and exit
status of every benchmark, and prints one summary table. A benchmark that fails or runs out of time is
reported as such and the others still run. Not part of ``make test``.

    .venv/bin/python bench/run_all.py [--budget 960] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.json"


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: its command, its share of the budget, and where it writes its figures."""

    name: str
    argv: list[str]
    seconds: float
    results: Path | None = None


def benchmarks(quick: bool) -> list[Benchmark]:
    py = sys.executable
    lookups = ["--sizes", "1000", "10000"] if quick else ["--sizes", "1000", "10000", "100000"]
    plan = [
        Benchmark(
            "lookups",
            [py, str(BENCH / "bench_lookups.py"), *lookups, "--requests", "20" if quick else "50"],
            300,
            BENCH / "results_lookups.json",
        )
    ]
    if (BENCH / "bench_simulator.py").exists():
        simulator = ["--throughput-users", "2000", "--throughput-cap", "20" if quick else "60"]
        simulator += [
            "--memory-users",
            "20000" if quick else "100000",
            "--run-seconds",
            "5" if quick else "10",
        ]
        plan.append(
            Benchmark(
                "simulator",
                [py, str(BENCH / "bench_simulator.py"), *simulator],
                200,
                BENCH / "results_simulator.json",
            )
        )
    throughput = ["--seconds", "2", "--rounds", "1", "--phase-rounds", "1"] if quick else []
    plan.append(
        Benchmark(
            "throughput",
            [py, str(BENCH / "bench_throughput.py"), *throughput],
            240,
            BENCH / "results_throughput.json",
        )
    )
    suite = [py, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider"]
    plan.append(Benchmark("feature suite", suite, 200))
    return plan


def run_benchmark(bench: Benchmark, limit: float) -> dict[str, Any]:
    """Run one benchmark within ``limit`` seconds; its figures, wall time and how it ended."""
    print(f"[{bench.name}] running (limit {limit:.0f} s) ...", flush=True)
    started = time.perf_counter()
    if bench.results is not None and bench.results.exists():
        bench.results.unlink()  # figures from an earlier run must not pass for this one's
    try:
        done = subprocess.run(
            bench.argv, cwd=ROOT, capture_output=True, text=True, timeout=limit, check=False
        )
        status = "ok" if done.returncode == 0 else f"failed (exit {done.returncode})"
        output = done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        status = f"timed out after {limit:.0f} s"
        output = _text(exc.stdout) + _text(exc.stderr)
    seconds = round(time.perf_counter() - started, 1)
    print(f"[{bench.name}] {status} in {seconds} s", flush=True)
    if status != "ok":
        print("\n".join(f"    {line}" for line in output.strip().splitlines()[-15:]), flush=True)
    entry: dict[str, Any] = {"status": status, "seconds": seconds}
    if bench.results is not None and bench.results.exists():
        entry["results"] = json.loads(bench.results.read_text())
    else:
        lines = [line for line in output.strip().splitlines() if line.strip()]
        entry["summary"] = lines[-1] if lines else ""
    return entry


def _text(data: bytes | str | None) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")


def _rows(merged: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    benchmarks_ = merged["benchmarks"]
    throughput = benchmarks_.get("throughput", {}).get("results")
    if throughput:
        for workload, result in throughput["workloads"].items():
            for name, m in result["median"].items():
                rows.append(
                    (
                        "throughput",
                        f"{name} ({workload})",
                        f"{m['requests_per_s']:,.0f} req/s, p50 {m['p50_ms']:.1f} ms, "
                        f"p99 {m['p99_ms']:.1f} ms, {m['server_us_per_request']:,} µs server CPU/req",
                    )
                )
            kinds = result["by_kind"]["reference"]
            rows.append(
                (
                    "throughput",
                    f"reference by kind ({workload})",
                    ", ".join(f"{op} {k['server_us_per_request']:,}" for op, k in kinds.items()) + " µs/req",
                )
            )
            for name, ratio in result.get("reference_cpu_cost_ratios", {}).items():
                rows.append(
                    ("throughput", f"server CPU/req {name} ÷ reference ({workload})", f"{ratio:.2f}x")
                )
        for goal in throughput["goals"]:
            verdict = "met" if goal["met"] else "MISSED"
            note = f" {goal['note']}" if "note" in goal else ""
            rows.append(("throughput", f"goal {goal['goal']}", f"{goal['value']} ({verdict}){note}"))
        ceiling = throughput["load_generator_ceiling"]
        rows.append(
            (
                "throughput",
                "load generator ceiling",
                f"{ceiling['requests_per_s']:,.0f} req/s (1 worker), "
                f"{ceiling['client_requests_per_core_s']:,} req/s per client core",
            )
        )
    lookups = benchmarks_.get("lookups", {}).get("results")
    if lookups:
        by_size: dict[str, dict[str, float]] = lookups["median_ms"]
        sizes = list(by_size)
        for query in by_size[sizes[0]]:
            values = ", ".join(f"{by_size[s][query]:.2f}" for s in sizes)
            ratio = by_size[sizes[-1]][query] / by_size[sizes[0]][query] if by_size[sizes[0]][query] else 0.0
            rows.append(("lookups", query, f"{values} ms at {'/'.join(sizes)} ({ratio:.2f}x)"))
    simulator = benchmarks_.get("simulator", {}).get("results")
    if simulator:
        t = simulator.get("throughput", {})
        rows.append(
            (
                "simulator",
                "throughput",
                f"{t.get('requestsPerSecond', 0):,.0f} req/s, "
                f"{t.get('simulatorCpuMsPerRequest', 0):.2f} ms simulator CPU/req, "
                f"{t.get('serverCpuMsPerRequest', 0):.2f} ms server CPU/req",
            )
        )
        m = simulator.get("model", {})
        rows.append(
            (
                "simulator",
                "model peak RSS",
                f"{m.get('tenantAndModelPeakRssMb', 0)} MB for {m.get('users', 0):,}",
            )
        )
    suite = benchmarks_.get("feature suite")
    if suite:
        rows.append(
            (
                "feature suite",
                "wall time",
                f"{suite['seconds']} s ({suite['status']}: {suite.get('summary', '')})",
            )
        )
    for name, entry in benchmarks_.items():
        if entry["status"] != "ok" and name != "feature suite":
            rows.append((name, "status", entry["status"]))
    rows.append(("all", "wall time", f"{merged['seconds']} s"))
    return rows


def table(merged: dict[str, Any]) -> str:
    rows = _rows(merged)
    widths = [max(len(row[i]) for row in [("bench", "figure", ""), *rows]) for i in (0, 1)]
    head = f"{'bench':<{widths[0]}}  {'figure':<{widths[1]}}  value"
    lines = [head, "-" * max(len(head), 100)]
    lines += [f"{b:<{widths[0]}}  {f:<{widths[1]}}  {v}" for b, f, v in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=960.0, help="seconds for the whole run")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter runs (a smoke test)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    merged: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": sys.platform},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "benchmarks": {},
    }
    plan = benchmarks(args.quick)
    for i, bench in enumerate(plan):
        left = args.budget - (time.perf_counter() - started)
        # a benchmark may use what earlier ones left unused, but must leave the later ones their share
        limit = left - sum(s.seconds for s in plan[i + 1 :])
        if limit < 10:
            merged["benchmarks"][bench.name] = {"status": "skipped: no time left", "seconds": 0}
            continue
        merged["benchmarks"][bench.name] = run_benchmark(bench, limit)
    merged["seconds"] = round(time.perf_counter() - started, 1)
    args.output.write_text(json.dumps(merged, indent=2) + "\n")
    print(table(merged))
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"figures written to {shown}")
    return 0 if all(entry["status"] == "ok" for entry in merged["benchmarks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
