"""Reading the simulator's ``simulation.json`` for the check reports, tolerant of missing keys.

``scim-harness simulate`` writes ``simulation.json`` (``simulator.simulation.Report.to_json``) into
the report folder; when a ``check`` run finds one there, ``report.html`` and ``summary.md`` show it.
Every accessor here returns a usable default when a key is absent or has the wrong type, so a
simulator that reports less (or more) never breaks a check report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILENAME = "simulation.json"
PERCENTILES = ("p50", "p90", "p99")


def load(report_dir: Path) -> dict[str, Any] | None:
    """The parsed ``simulation.json`` in ``report_dir``, or None when absent or unreadable."""
    path = report_dir / FILENAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Series:
    """One line of a chart: a value per second (None where there is no value)."""

    name: str
    values: list[float | None]


def timeline(sim: dict[str, Any]) -> list[dict[str, Any]]:
    entries = sim.get("timeline")
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def requests_per_second(sim: dict[str, Any]) -> Series:
    return Series("requests/s", [_number(e.get("requests")) or 0.0 for e in timeline(sim)])


def latency_series(sim: dict[str, Any]) -> list[Series]:
    """p50 / p90 / p99 latency (ms) per second; seconds without traffic have no value."""
    entries = timeline(sim)
    return [Series(p, [_number(e.get(p)) for e in entries]) for p in PERCENTILES]


def status_mix(sim: dict[str, Any]) -> list[tuple[str, int]]:
    """(status, count), most frequent first; ``error`` is a transport failure."""
    mix = [(str(k), int(v)) for k, v in _dict(sim.get("statuses")).items() if _number(v)]
    return sorted(mix, key=lambda kv: (-kv[1], kv[0]))


def problem_count(sim: dict[str, Any]) -> int:
    problems = sim.get("problems")
    if isinstance(problems, dict):
        return int(_number(problems.get("count")) or 0)
    return len(problems) if isinstance(problems, list) else 0


def problem_items(sim: dict[str, Any], limit: int = 10) -> list[dict[str, Any]]:
    problems = _dict(sim.get("problems")).get("items")
    return [p for p in problems if isinstance(p, dict)][:limit] if isinstance(problems, list) else []


def digest(sim: dict[str, Any]) -> dict[str, Any]:
    """The few figures ``summary.json`` carries about a simulation run."""
    latency = {k: v for k, v in _dict(sim.get("latencyMs")).items() if _number(v) is not None}
    events = _dict(sim.get("events"))
    return {
        "scenario": sim.get("scenario") if isinstance(sim.get("scenario"), str) else None,
        "started": sim.get("started") if isinstance(sim.get("started"), str) else None,
        "users": int(_number(sim.get("users")) or 0),
        "ok": sim.get("ok") if isinstance(sim.get("ok"), bool) else problem_count(sim) == 0,
        "events": int(_number(events.get("count")) or 0),
        "requests": int(_number(sim.get("requests")) or 0),
        "throughput": _number(sim.get("throughput")) or 0.0,
        "elapsed": _number(sim.get("elapsed")) or 0.0,
        "latencyMs": latency,
        "statuses": dict(status_mix(sim)),
        "problems": problem_count(sim),
    }
