"""The simulation section of ``report.html``: the simulator's run, in figures and pictures.

Shown only when ``simulation.json`` is in the report folder: requests and HTTP errors per second
and latency percentiles over the run, and the status-code mix, as inline SVG; the reconciliation's
status; the problems grouped by cause, each with its count, basis and one example exchange to
open; and how many requests the harness sent for itself (not as OneLogin).
"""

from __future__ import annotations

from typing import Any

from harness.reporting import simulation as sim_data
from harness.reporting.html_failures import e, exchange
from harness.reporting.svg import line_chart, status_bar

SHOWN_CAUSES = 20


def _figure(label: str, value: object) -> str:
    return f'<div class="card"><b>{e(value)}</b>{e(label)}</div>'


def _cause(cause: dict[str, Any]) -> str:
    events = cause.get("events")
    hit = ", ".join(f"{k} × {n}" for k, n in list(events.items())[:3]) if isinstance(events, dict) else ""
    basis = f'<p class="small">Basis: {e(cause["basis"])}</p>' if cause.get("basis") else ""
    example = sim_data.example_exchange(cause)
    message = cause.get("example", {}).get("message", "") if isinstance(cause.get("example"), dict) else ""
    shown = exchange(example, 1, True) if example is not None else ""
    return (
        '<details class="failure cause">'
        f'<summary>{e(cause.get("count", 0))} × {e(cause["cause"])} <span class="message">{e(hit)}</span>'
        f"</summary>{basis}<p>For example: {e(message)}</p>{shown}</details>"
    )


def _causes(sim: dict[str, Any], total: int) -> str:
    causes = sim_data.problem_causes(sim, SHOWN_CAUSES)
    if causes:
        more = len(sim_data.problem_causes(sim, limit=10_000)) - len(causes)
        tail = f'<p class="small">and {more} more causes in simulation.json</p>' if more > 0 else ""
        return f"<h3>Problems by cause</h3>{''.join(_cause(c) for c in causes)}{tail}"
    problems = sim_data.problem_items(sim)  # a file from before causes were grouped
    if not problems:
        return ""
    rows = "".join(
        f"<tr><td>{e(p.get('kind', ''))}</td><td>{e(p.get('event', ''))}</td>"
        f"<td>{e(p.get('message', ''))}</td></tr>"
        for p in problems
    )
    more = total - len(problems)
    tail = f'<p class="small">and {more} more in simulation.json</p>' if more > 0 else ""
    return (
        f"<h3>First problems</h3><table><tr><th>kind</th><th>event</th><th>message</th></tr>"
        f"{rows}</table>{tail}"
    )


def _reconciliation(sim: dict[str, Any]) -> str:
    r = sim_data.reconciliation(sim)
    compared = (
        f"{r['usersChecked']}/{r['usersExpected']} users and {r['groupsChecked']}/{r['groupsExpected']} "
        "groups compared with the server"
    )
    why = f" ({r['reason']})" if r["reason"] else ""
    if r["status"] == "not run":
        text = f"<b>not run</b>{e(why)}"
    else:
        text = f"<b>{e(r['status'])}</b>: {e(compared + why)}"
    return f"<p>Reconciliation {text}.</p>"


def section(sim: dict[str, Any]) -> str:
    d = sim_data.digest(sim)
    latency = d["latencyMs"]
    if d["stopped"]:
        verdict = f"stopped before provisioning: {d['stopped']}"
    else:
        verdict = "no problem found" if d["ok"] else f"{d['problems']} problem(s) found"
    cards = "".join(
        [
            _figure("requests", d["requests"]),
            _figure("requests/s", f"{d['throughput']:.1f}"),
            _figure("HTTP errors", d["httpErrors"]),
            _figure("p50 ms", f"{latency.get('p50', 0):.1f}"),
            _figure("p99 ms", f"{latency.get('p99', 0):.1f}"),
            _figure("problems", d["problems"]),
        ]
    )
    charts = [
        line_chart(
            [sim_data.requests_per_second(sim), sim_data.errors_per_second(sim)],
            "Requests per second",
            "per second",
        ),
        line_chart(sim_data.latency_series(sim), "Latency percentiles per second", "ms"),
        status_bar(sim_data.status_mix(sim), "Status-code mix"),
    ]
    own, _ = sim_data.harness_requests(sim)
    harness = (
        f'<p class="small">Besides OneLogin\'s traffic, the harness sent {e(own)} request(s) of its own '
        "(pre-flight, reconciliation reads), listed in simulation.json under harnessRequests.</p>"
    )
    scenario = d["scenario"] or "unknown scenario"
    return (
        '<h2 id="simulation">OneLogin simulation</h2>'
        f"<p>Scenario <b>{e(scenario)}</b> over {e(d['users'])} users, {e(d['events'])} events, "
        f"started {e(d['started'] or '?')}: <b>{e(verdict)}</b>. "
        '<span class="small">From simulation.json in this folder.</span></p>'
        f'<div class="cards">{cards}</div>'
        f'<div class="charts">{"".join(charts)}</div>'
        f"{_reconciliation(sim)}{_causes(sim, d['problems'])}{harness}"
    )
