"""Reading the simulator's ``simulation.json`` for the check reports, tolerant of missing keys.

What it holds (``simulator.simulation.Report.to_json``): the run's figures and per-second timeline
(requests, HTTP errors, latency), the problems grouped by cause (``problems.causes``: each with its
count, basis and one example exchange) and listed (``problems.items``), the reconciliation's
``status`` (``complete``, ``incomplete`` or ``not run``), ``stopped`` when the connection test
failed, and ``harnessRequests``: the harness's own requests, apart from OneLogin's.

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


def errors_per_second(sim: dict[str, Any]) -> Series:
    """HTTP errors per second: answered 4xx or 5xx, or not answered."""
    return Series("HTTP errors/s", [_number(e.get("errors")) or 0.0 for e in timeline(sim)])


def http_errors(sim: dict[str, Any]) -> dict[str, int]:
    """``errors`` (all), ``4xx``, ``5xx``, ``noAnswer``; counted from the status mix when absent."""
    given = _dict(sim.get("httpErrors"))
    if given:
        return {k: int(_number(given.get(k)) or 0) for k in ("errors", "4xx", "5xx", "noAnswer")}
    mix = dict(status_mix(sim))
    client = sum(n for k, n in mix.items() if k.isdigit() and 400 <= int(k) < 500)
    server = sum(n for k, n in mix.items() if k.isdigit() and int(k) >= 500)
    unanswered = mix.get("error", 0)
    return {"errors": client + server + unanswered, "4xx": client, "5xx": server, "noAnswer": unanswered}


def reconciliation(sim: dict[str, Any]) -> dict[str, Any]:
    """``status`` (``complete``, ``incomplete``, ``not run``), ``reason`` and the counts compared.

    An older file's ``complete: true`` with nothing compared is "not run", as it always was.
    """
    recon = _dict(sim.get("reconciliation"))
    counts = {
        k: int(_number(recon.get(k)) or 0)
        for k in ("usersExpected", "usersChecked", "groupsExpected", "groupsChecked")
    }
    status = recon.get("status")
    if status not in ("complete", "incomplete", "not run"):
        if not recon:
            status = "not run"
        elif recon.get("complete") is False:
            status = "incomplete"
        else:
            status = "complete" if counts["usersExpected"] + counts["groupsExpected"] else "not run"
    reason = recon.get("reason") if isinstance(recon.get("reason"), str) else ""
    return {"status": status, "reason": reason, **counts}


def problem_causes(sim: dict[str, Any], limit: int = 20) -> list[dict[str, Any]]:
    """The problems grouped by cause, most frequent first (``cause``, ``count``, ``basis``, …)."""
    causes = _dict(sim.get("problems")).get("causes")
    if not isinstance(causes, list):
        return []
    return [c for c in causes if isinstance(c, dict) and isinstance(c.get("cause"), str)][:limit]


def example_exchange(cause: dict[str, Any]) -> dict[str, Any] | None:
    """A cause's example exchange in the form ``harness.reporting.exchanges`` renders, or None."""
    exchange = _dict(_dict(cause.get("example")).get("exchange"))
    request, response = _dict(exchange.get("request")), _dict(exchange.get("response"))
    if not request:
        return None
    elapsed = _number(response.get("elapsed"))
    return {
        "method": request.get("method", "?"),
        "url": request.get("target", ""),
        "request_headers": _headers(request.get("headers")),
        "request_body": request.get("body"),
        "status": response.get("status"),
        "error": response.get("error"),
        "response_headers": _headers(response.get("headers")),
        "response_body": response.get("body"),
        "elapsed_ms": None if elapsed is None else elapsed * 1000,
    }


def _headers(value: Any) -> dict[str, str]:
    pairs = value if isinstance(value, list) else []
    return {str(p[0]): str(p[1]) for p in pairs if isinstance(p, list | tuple) and len(p) == 2}


def harness_requests(sim: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """How many requests the harness sent for itself (pre-flight, reconciliation), and those listed."""
    own = _dict(sim.get("harnessRequests"))
    items = own.get("items")
    listed = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    return int(_number(own.get("count")) or len(listed)), listed


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
        "httpErrors": http_errors(sim)["errors"],
        "problems": problem_count(sim),
        "causes": len(problem_causes(sim, limit=10_000)),
        "reconciliation": reconciliation(sim)["status"],
        "stopped": sim.get("stopped") if isinstance(sim.get("stopped"), str) else None,
    }
