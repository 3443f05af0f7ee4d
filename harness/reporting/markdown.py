"""``summary.md``: a short Markdown summary for pull requests and CI pages.

The same text is appended to ``$GITHUB_STEP_SUMMARY`` when that variable is set. Markdown hosts
strip inline SVG and data URIs, so the simulation's pictures here are Unicode sparklines and bars,
which render wherever text does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from harness.reporting import simulation as sim_data
from harness.reporting.model import STATUSES, RunResult, ScenarioResult

_SPARKS = "▁▂▃▄▅▆▇█"
_MAX_LISTED = 20


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def sparkline(values: list[float | None]) -> str:
    """``▁▃█▅`` — one character per value, scaled to the largest; a gap is a space."""
    present = [v for v in values if v is not None]
    peak = max(present, default=0.0)
    if peak <= 0:
        return _SPARKS[0] * len(values)
    return "".join(
        " " if v is None else _SPARKS[min(len(_SPARKS) - 1, int(v / peak * (len(_SPARKS) - 1) + 0.5))]
        for v in values
    )


def _squeeze(values: list[float | None], width: int = 60) -> list[float | None]:
    """At most ``width`` values: the maximum of each bucket (peaks must stay visible)."""
    if len(values) <= width:
        return values
    size = len(values) / width
    out: list[float | None] = []
    for i in range(width):
        chunk = [v for v in values[int(i * size) : int((i + 1) * size)] if v is not None]
        out.append(max(chunk) if chunk else None)
    return out


def _failures(title: str, scenarios: list[ScenarioResult]) -> list[str]:
    if not scenarios:
        return []
    lines = [f"### {title} ({len(scenarios)})", "", "| Scenario | Level | Why |", "|---|---|---|"]
    for s in scenarios[:_MAX_LISTED]:
        why = (s.message or s.status).splitlines()[0][:200]
        lines.append(
            f"| {cell(s.feature)} › {cell(s.name)} (`{cell(s.location)}`) | {s.level.upper()} | {cell(why)} |"
        )
    if len(scenarios) > _MAX_LISTED:
        lines.append(f"| … and {len(scenarios) - _MAX_LISTED} more in report.html | | |")
    return [*lines, ""]


def _simulation(sim: dict[str, Any]) -> list[str]:
    d = sim_data.digest(sim)
    lat = d["latencyMs"]
    lines = [
        "### OneLogin simulation",
        "",
        f"Scenario **{cell(d['scenario'] or '?')}** over {d['users']} users: "
        + ("no problem found." if d["ok"] else f"**{d['problems']} problem(s) found.**"),
        "",
        "| requests | req/s | p50 ms | p90 ms | p99 ms | problems |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {d['requests']} | {d['throughput']:.1f} | {lat.get('p50', 0):.1f} | {lat.get('p90', 0):.1f} "
        f"| {lat.get('p99', 0):.1f} | {d['problems']} |",
        "",
    ]
    per_second = _squeeze(list(sim_data.requests_per_second(sim).values))
    p99 = _squeeze(next(s for s in sim_data.latency_series(sim) if s.name == "p99").values)
    if per_second:
        p99_peak = max((v or 0 for v in p99), default=0)
        lines += [
            f"Requests per second over the run (peak {max(v or 0 for v in per_second):.0f}): "
            f"`{sparkline(per_second)}`",
            "",
            f"p99 latency per second (peak {p99_peak:.0f} ms): `{sparkline(p99)}`",
            "",
        ]
    mix = sim_data.status_mix(sim)
    total = sum(n for _, n in mix)
    if total:
        lines += ["| status | count | share |", "|---|---:|---|"]
        for status, count in mix:
            share = count / total
            lines.append(f"| {cell(status)} | {count} | `{'█' * max(1, round(share * 20))}` {share:.1%} |")
        lines.append("")
    return lines


def render(run: RunResult) -> str:
    icon, word = ("✅", "PASSED") if run.passed else ("❌", "FAILED")
    counts = run.counts()
    onelogin, _ = run.onelogin()
    gating = "@must, @onelogin" + (", @should" if run.strict else "")
    lines = [
        f"## {icon} SCIM conformance: {word}",
        "",
        f"Target: **{cell(run.target.label)}** · {counts['total']} scenarios in {run.duration:.1f} s · "
        f"gating: {gating} · OneLogin: **{onelogin}**"
        + (f" · selection: `{cell(run.tags)}`" if run.tags else ""),
        "",
        "| Level | " + " | ".join(STATUSES) + " |",
        "|---|" + "---:|" * len(STATUSES),
    ]
    for level, level_counts in run.by_level().items():
        if level_counts["total"]:
            lines.append(f"| {level.upper()} | " + " | ".join(str(level_counts[s]) for s in STATUSES) + " |")
    lines.append("| **all** | " + " | ".join(f"**{counts[s]}**" for s in STATUSES) + " |")
    lines.append("")
    lines += _failures("Gating failures", run.gating_failures)
    lines += _failures("Warnings (do not gate)", run.warnings)
    if run.simulation is not None:
        lines += _simulation(run.simulation)
    lines.append("Full details, with each failure's requests and responses: `report.html`.")
    return "\n".join(lines) + "\n"


def write(run: RunResult, path: Path) -> Path:
    text = render(run)
    path.write_text(text, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as out:
            out.write(text + "\n")
    return path
