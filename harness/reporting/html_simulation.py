"""The simulation section of ``report.html``: the simulator's run, in figures and pictures.

Shown only when ``simulation.json`` is in the report folder: requests per second and latency
percentiles over the run, and the status-code mix, as inline SVG; then the first problems found.
"""

from __future__ import annotations

from typing import Any

from harness.reporting import simulation as sim_data
from harness.reporting.html_failures import e
from harness.reporting.svg import line_chart, status_bar


def _figure(label: str, value: object) -> str:
    return f'<div class="card"><b>{e(value)}</b>{e(label)}</div>'


def section(sim: dict[str, Any]) -> str:
    d = sim_data.digest(sim)
    latency = d["latencyMs"]
    verdict = "no problem found" if d["ok"] else f"{d['problems']} problem(s) found"
    cards = "".join(
        [
            _figure("requests", d["requests"]),
            _figure("requests/s", f"{d['throughput']:.1f}"),
            _figure("p50 ms", f"{latency.get('p50', 0):.1f}"),
            _figure("p99 ms", f"{latency.get('p99', 0):.1f}"),
            _figure("problems", d["problems"]),
        ]
    )
    charts = [
        line_chart([sim_data.requests_per_second(sim)], "Requests per second", "requests/s"),
        line_chart(sim_data.latency_series(sim), "Latency percentiles per second", "ms"),
        status_bar(sim_data.status_mix(sim), "Status-code mix"),
    ]
    problems = sim_data.problem_items(sim)
    listed = ""
    if problems:
        rows = "".join(
            f"<tr><td>{e(p.get('kind', ''))}</td><td>{e(p.get('event', ''))}</td>"
            f"<td>{e(p.get('message', ''))}</td></tr>"
            for p in problems
        )
        more = d["problems"] - len(problems)
        tail = f'<p class="small">and {more} more in simulation.json</p>' if more > 0 else ""
        listed = (
            f"<h3>First problems</h3><table><tr><th>kind</th><th>event</th><th>message</th></tr>"
            f"{rows}</table>{tail}"
        )
    scenario = d["scenario"] or "unknown scenario"
    return (
        '<h2 id="simulation">OneLogin simulation</h2>'
        f"<p>Scenario <b>{e(scenario)}</b> over {e(d['users'])} users, {e(d['events'])} events, "
        f"started {e(d['started'] or '?')}: <b>{e(verdict)}</b>. "
        '<span class="small">From simulation.json in this folder.</span></p>'
        f'<div class="cards">{cards}</div>'
        f'<div class="charts">{"".join(charts)}</div>{listed}'
    )
