"""``report.html``: one self-contained page to hand around.

The overall verdict, then the verdicts it is made of (RFC 7643/7644 conformance, each IdP's
compatibility) and the run; then counts by level, the conformance matrix (feature area ×
requirement level and IdP), the failures grouped by cause with each scenario's steps and wire,
counts by feature, the simulation (when ``simulation.json`` is beside it) and every scenario.
Everything is inline — style, the one small script, the charts — and nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path

from harness.reporting.findings import run_findings
from harness.reporting.html_failures import badge, e, failures_section
from harness.reporting.html_simulation import section as simulation_section
from harness.reporting.html_style import CSS, SCRIPT
from harness.reporting.idp_table import idp_table_html
from harness.reporting.model import STATUSES, RunResult, ScenarioResult
from harness.reporting.verdicts import gate_label, level_gates

_MATRIX_COLUMNS = (("must", "MUST"), ("should", "SHOULD"), ("may", "MAY"), ("unspecified", "other"))


def _verdict(run: RunResult) -> str:
    gating, warnings = len(run.gating_failures), len(run.warnings)
    words = "PASSED" if run.passed else "FAILED"
    detail = (
        f"{gating} gating failure{'s' if gating != 1 else ''} · "
        f"{warnings} warning{'s' if warnings != 1 else ''} · {run.counts()['total']} scenarios"
    )
    return (
        f'<section class="verdict {run.verdict}" id="verdict"><h1>{words}</h1>'
        f"<p>{e(detail)} · exit code {run.exit_code}</p></section>"
    )


def _verdicts(run: RunResult) -> str:
    """One card per verdict: its result, its counts and whether it sets the exit code."""
    cards = []
    for v in run.verdicts():
        counts = v.counts
        figures = (
            f"{counts['passed']} passed · {counts['failed'] + counts['error']} failed · "
            f"{counts['skipped']} skipped — {v.failures} failing, {v.warnings} warning"
            f"{'s' if v.warnings != 1 else ''}"
        )
        gates = "sets the exit code" if v.selected else f"does not set the exit code (--gate {run.gate})"
        cards.append(
            f'<div class="scope {v.result}{" warned" if v.warnings else ""}" data-verdict="{e(v.scope.id)}">'
            f"<h2>{e(v.scope.title)}</h2><b>{e(v.words.upper())}</b>"
            f'<p class="small">{e(figures)}<br>{e(gates)}</p></div>'
        )
    return f'<section class="verdicts" id="verdicts">{"".join(cards)}</section>'


def _meta(run: RunResult) -> str:
    rows = [
        ("Target", run.target.label + ("" if not run.target.embedded else f" ({run.target.base_url})")),
        ("Observer", run.target.observer_url or "none (side-effect scenarios are skipped)"),
        ("Selection", run.tags or "the whole suite"),
        (
            "Gating",
            ("@must and @should (--strict)" if run.strict else "@must; @should only under --strict")
            + f", in {gate_label(run.gate)} (--gate {run.gate})",
        ),
        ("Started", run.started),
        ("Finished", run.finished),
        ("Wall time", f"{run.duration:.1f} s"),
        ("Harness", f"scim-harness {run.tool_version}"),
    ]
    items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    return f'<dl class="meta">{items}</dl>'


def _cards(run: RunResult) -> str:
    counts = run.counts()
    cards = [("total", counts["total"], "")]
    cards += [(status, counts[status], f"{status}-t") for status in STATUSES]
    return (
        '<div class="cards" id="counts">'
        + "".join(
            f'<div class="card {cls}" data-count="{e(label)}"><b>{n}</b>{e(label)}</div>'
            for label, n, cls in cards
        )
        + "</div>"
    )


def _count_cells(counts: dict[str, int]) -> str:
    return "".join(f'<td class="num">{counts[s]}</td>' for s in STATUSES)


def _by_level(run: RunResult) -> str:
    head = "<tr><th>Level</th><th>Gates</th>" + "".join(f"<th>{s}</th>" for s in STATUSES) + "</tr>"
    rows = []
    for level, counts in run.by_level().items():
        if not counts["total"]:
            continue
        gates = (
            "yes" if level_gates(level, run.strict) else "only under --strict" if level == "should" else "no"
        )
        rows.append(f"<tr><td>{e(level.upper())}</td><td>{gates}</td>{_count_cells(counts)}</tr>")
    note = (
        f"The same rule in every verdict; the failures that set the exit code are those of "
        f"{gate_label(run.gate)} (--gate {run.gate}). A scenario resting on an IdP fact known only "
        "as a guess gates as SHOULD."
    )
    return f"<h3>By level</h3><table>{head}{''.join(rows)}</table><p class='small'>{e(note)}</p>"


def _by_feature(run: RunResult) -> str:
    head = "<tr><th>Feature</th><th>Area</th>" + "".join(f"<th>{s}</th>" for s in STATUSES)
    head += "<th>seconds</th></tr>"
    rows = [
        f"<tr><td>{e(group[0].feature)}<br><code class='small'>{e(path)}</code></td>"
        f"<td>{e(group[0].area)}</td>{_count_cells(run.counts(group))}"
        f'<td class="num">{sum(s.duration for s in group):.2f}</td></tr>'
        for path, group in run.features().items()
    ]
    return f'<h2 id="features">By feature</h2><table>{head}{"".join(rows)}</table>'


def _cell(run: RunResult, group: list[ScenarioResult]) -> str:
    counts = run.counts(group)
    ran = counts["total"] - counts["skipped"]
    if not counts["total"]:
        return '<td class="none">—</td>'
    skipped = f" <span class='small'>({counts['skipped']} skipped)</span>" if counts["skipped"] else ""
    if counts["failed"] or counts["error"]:
        return f'<td class="fail">{counts["passed"]}/{ran} passed{skipped}</td>'
    if ran:
        return f'<td class="pass">{counts["passed"]}/{ran} passed{skipped}</td>'
    return f'<td class="skip">{counts["skipped"]} skipped</td>'


def _matrix(run: RunResult) -> str:
    idps = [v.scope for v in run.verdicts() if v.scope.is_idp and v.counts["total"]]
    head = "<tr><th>Area</th>" + "".join(f"<th>{label}</th>" for _, label in _MATRIX_COLUMNS)
    head += "".join(f"<th>{e(scope.name)}</th>" for scope in idps) + "<th>Result</th></tr>"
    rows = []
    for area, group in run.areas().items():
        cells = "".join(_cell(run, [s for s in group if s.level == lv]) for lv, _ in _MATRIX_COLUMNS)
        cells += "".join(_cell(run, [s for s in group if s.scope == scope]) for scope in idps)
        gating = [s for s in group if run.blocks(s)]
        warned = [s for s in group if s.bad and not run.blocks(s)]
        result = (
            badge("fails", "gating")
            if gating
            else badge("passes with warnings", "warning")
            if warned
            else badge("passes", "passed")
            if any(s.status == "passed" for s in group)
            else badge("not run", "skipped")
        )
        rows.append(f"<tr><th>{e(area)}</th>{cells}<td>{result}</td></tr>")
    return f'<h2 id="matrix">Conformance matrix</h2><table>{head}{"".join(rows)}</table>'


def _all_scenarios(run: RunResult) -> str:
    rows = "".join(
        f"<tr><td>{badge(s.status, s.status)}</td><td>{e(s.level.upper())}</td><td>{e(s.scope.name)}</td>"
        f"<td>{e(s.feature)}</td>"
        f"<td>{e(s.name)}<br><code class='small'>{e(s.location)}</code></td>"
        f'<td class="num">{s.duration:.2f}</td><td class="small">{e(s.message or "")}</td></tr>'
        for s in run.scenarios
    )
    head = (
        "<tr><th>Status</th><th>Level</th><th>Verdict</th><th>Feature</th><th>Scenario</th><th>s</th>"
        "<th>Note</th></tr>"
    )
    return (
        f'<h2 id="scenarios">All scenarios</h2><details><summary>{len(run.scenarios)} scenarios</summary>'
        f"<table>{head}{rows}</table></details>"
    )


def _findings(run: RunResult) -> str:
    """IdP-compatibility findings, each once (what the scenarios worked around and went on)."""
    findings = run_findings(run)
    if not findings:
        return ""
    items = []
    for found in findings:
        record = found.record
        refused = (
            f" <code>{e(record['request'])} → {e(record.get('status'))}</code>"
            if record.get("request")
            else ""
        )
        details = [f"<li>{e(record['what'])}</li>"] if record.get("what") else []
        if record.get("cause"):
            details.append(f"<li>cause: {e(record['cause'])}</li>")
        if record.get("consequence"):
            details.append(f"<li>{e(record['consequence'])}</li>")
        details += [f"<li>basis: {e(text)}</li>" for text in found.basis_text()]
        count = len(found.scenarios)
        items.append(
            f"<li><b>{e(found.title)}</b> ({e(found.idp)}){refused} — met by {count} "
            f"scenario{'s' if count != 1 else ''}, {'certain' if found.gating else 'rests on a guess'}"
            f"<ul>{''.join(details)}</ul></li>"
        )
    return f'<h2 id="findings">IdP-compatibility findings ({len(findings)})</h2><ol>{"".join(items)}</ol>'


def render(run: RunResult) -> str:
    body = [
        _verdict(run),
        _verdicts(run),
        idp_table_html(run),
        _meta(run),
        _cards(run),
        _by_level(run),
        _matrix(run),
        failures_section(run),
        _findings(run),
        _by_feature(run),
    ]
    if run.simulation is not None:
        body.append(simulation_section(run.simulation))
    body.append(_all_scenarios(run))
    title = f"scim-harness check: {run.verdict} — {run.target.label}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{CSS}</style><script>{SCRIPT}</script></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def write(run: RunResult, path: Path) -> Path:
    path.write_text(render(run), encoding="utf-8")
    return path
