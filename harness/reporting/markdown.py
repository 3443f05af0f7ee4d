"""``summary.md``: a short Markdown summary for pull requests and CI pages.

The verdicts first (RFC 7643/7644 conformance, each IdP's compatibility), then the failures grouped
by cause — each with its count, basis, one example message in full and the scenarios it explains —
so one fix maps to many rows and no single cause pushes the others out of sight. The same text is
appended to ``$GITHUB_STEP_SUMMARY`` when that variable is set. Markdown hosts strip inline SVG and
data URIs, so the simulation's pictures here are Unicode sparklines and bars, which render
wherever text does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from harness.reporting import simulation as sim_data
from harness.reporting.causes import CauseGroup, group_causes
from harness.reporting.findings import run_findings
from harness.reporting.idp_table import idp_table_markdown
from harness.reporting.model import STATUSES, RunResult
from harness.reporting.verdicts import gate_label, level_gates

_SPARKS = "▁▂▃▄▅▆▇█"
_SCENARIOS_PER_CAUSE = 5
_BASES_SHOWN = 3


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


_MARKUP = re.compile(r"([\\`*_\[\]<>|#])")


def inline(text: object) -> str:
    """Text shown as written in running Markdown: one line, its markup characters escaped."""
    return _MARKUP.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _fenced(text: str) -> list[str]:
    """``text`` whole, in a fenced block (long enough a fence that the text cannot close it)."""
    fence = "```"
    while fence in text:
        fence += "`"
    return [f"{fence}text", *text.splitlines(), fence]


def _verdicts(run: RunResult) -> list[str]:
    lines = [
        "| Verdict | Result | Sets the exit code | " + " | ".join(STATUSES) + " |",
        "|---|---|---|" + "---:|" * len(STATUSES),
    ]
    for v in run.verdicts():
        result = f"{v.icon} **{v.words}**"
        if v.result == "failed":
            result += f" ({v.failures} failing, {v.warnings} warning{'s' if v.warnings != 1 else ''})"
        counts = " | ".join(str(v.counts[s]) for s in STATUSES)
        lines.append(f"| {v.scope.title} | {result} | {'yes' if v.selected else 'no'} | {counts} |")
    return [*lines, ""]


def _levels(run: RunResult) -> list[str]:
    lines = ["| Level | Gates | " + " | ".join(STATUSES) + " |", "|---|---|" + "---:|" * len(STATUSES)]
    for level, level_counts in run.by_level().items():
        if level_counts["total"]:
            gates = "yes" if level_gates(level, run.strict) else "no"
            lines.append(
                f"| {level.upper()} | {gates} | " + " | ".join(str(level_counts[s]) for s in STATUSES) + " |"
            )
    counts = run.counts()
    lines.append("| **all** | | " + " | ".join(f"**{counts[s]}**" for s in STATUSES) + " |")
    return [*lines, ""]


def _cause(group: CauseGroup, run: RunResult) -> list[str]:
    count = len(group.scenarios)
    gating = sum(run.blocks(s) for s in group.scenarios)
    split = (
        f"{gating} gating, {count - gating} warning{'s' if count - gating != 1 else ''}"
        if gating and gating < count
        else "gating"
        if gating
        else "warning, does not gate"
        if count == 1
        else "warnings, do not gate"
    )
    scopes = ", ".join(s.title for s in group.scopes)
    lines = [
        f"{group.number}. **{count} scenario{'s' if count != 1 else ''}** ({split}): "
        f"{code(group.cause.headline)} — {scopes} · basis: {group.basis_text(_BASES_SHOWN)} · "
        f"`report.html#{group.anchor}`",
        "",
    ]
    example = group.scenarios[0].message or group.scenarios[0].status
    lines += ["   " + line if line else "" for line in _fenced(example)]
    lines.append("")
    for s in group.scenarios[:_SCENARIOS_PER_CAUSE]:
        mark = "gating" if run.blocks(s) else "warning"
        lines.append(
            f"   - {inline(s.feature)} › {inline(s.name)} (`{s.location}`, {s.level.upper()}, {mark})"
        )
    if count > _SCENARIOS_PER_CAUSE:
        lines.append(
            f"   - … and {count - _SCENARIOS_PER_CAUSE} more, each with its requests and responses: "
            f"`report.html#{group.anchor}`"
        )
    return [*lines, ""]


def _causes(run: RunResult) -> list[str]:
    groups = group_causes(run)
    if not groups:
        return ["No scenario failed.", ""]
    failures = sum(len(g.scenarios) for g in groups)
    lines = [
        f"### Failures by cause ({len(groups)} cause{'s' if len(groups) != 1 else ''}, "
        f"{failures} failed scenario{'s' if failures != 1 else ''})",
        "",
    ]
    for group in groups:
        lines += _cause(group, run)
    return lines


def _findings(run: RunResult) -> list[str]:
    """IdP-compatibility findings, each once: what the scenarios worked around and went on."""
    findings = run_findings(run)
    if not findings:
        return []
    lines = [f"### IdP-compatibility findings ({len(findings)})", ""]
    for number, found in enumerate(findings, 1):
        count = len(found.scenarios)
        record = found.record
        refused = f" — `{cell(record['request'])} → {record.get('status')}`" if record.get("request") else ""
        lines.append(
            f"{number}. **{inline(found.title)}** ({found.idp}{refused}; met by {count} "
            f"scenario{'s' if count != 1 else ''}; {'certain' if found.gating else 'rests on a guess'})"
        )
        if record.get("cause"):
            lines.append(f"   - cause: {inline(record['cause'])}")
        if record.get("consequence"):
            lines.append(f"   - {inline(record['consequence'])}")
        for text in found.basis_text():
            lines.append(f"   - basis: {inline(text)}")
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
    gating, warnings = len(run.gating_failures), len(run.warnings)
    levels = "@must and @should (--strict)" if run.strict else "@must (@should only under --strict)"
    lines = [
        f"## {icon} scim-harness check: {word}",
        "",
        f"{gating} gating failure{'s' if gating != 1 else ''} · "
        f"{warnings} warning{'s' if warnings != 1 else ''} · exit code {run.exit_code}",
        "",
        *_verdicts(run),
        *idp_table_markdown(run),
        f"Target: **{cell(run.target.label)}** · {counts['total']} scenarios in {run.duration:.1f} s · "
        f"gating: {levels}, in {gate_label(run.gate)} (`--gate {run.gate}`)"
        + (f" · selection: `{cell(run.tags)}`" if run.tags else ""),
        "",
        *_levels(run),
        *_causes(run),
        *_findings(run),
    ]
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
