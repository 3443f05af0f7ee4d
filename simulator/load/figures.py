"""A Locust run's final statistics as ``simulation.json``-style figures (requests, rps, percentiles).

Written by the master (or a standalone process) when it quits, after the workers' last reports
arrived; ``scim-harness simulate --engine locust`` reads them back into ``locust.json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing Locust patches the process with gevent: only for types here
    from locust.stats import RequestStats, StatsEntry

PERCENTILES = {"p50": 0.5, "p90": 0.9, "p99": 0.99}


def _latency(entry: StatsEntry) -> dict[str, float]:
    figures = {k: float(entry.get_response_time_percentile(q)) for k, q in PERCENTILES.items()}
    figures["mean"] = round(entry.avg_response_time, 2)
    figures["max"] = round(float(entry.max_response_time), 2)
    return figures


def figures(stats: RequestStats) -> dict[str, Any]:
    """Totals, latency (ms; Locust rounds to its buckets), per operation, and the distinct failures."""
    total = stats.total
    elapsed = max(0.0, (total.last_request_timestamp or total.start_time) - total.start_time)
    operations = {
        f"{method} {name}": {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "latencyMs": _latency(entry),
        }
        for (name, method), entry in sorted(stats.entries.items())
        if entry.num_requests or entry.num_failures
    }
    failures = [
        {"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
        for e in sorted(stats.errors.values(), key=lambda e: -e.occurrences)
    ]
    return {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "elapsed": round(elapsed, 3),
        "throughput": round(total.num_requests / elapsed, 2) if elapsed > 0 else 0.0,
        "latencyMs": _latency(total),
        "operations": operations,
        "failureMessages": failures,
    }
