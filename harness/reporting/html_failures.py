"""The failures of ``report.html``, grouped by cause: each cause a ``<details>`` of its failures.

A cause (:mod:`harness.reporting.causes`) opens to its basis and its failures; a failure opens to
the scenario as written (each step marked passed, failed or not reached), its message and
traceback in full, and every request the scenario sent with the response it got — the last
exchange, the one a failure is usually about, already open. Tokens were redacted when the wire
was recorded. Failures are numbered in page order (``#failure-1``); each also has an anchor of its
own that stays the same between runs (``#scenario-…``), which ``check`` prints beside a message
it shortened.
"""

from __future__ import annotations

from html import escape
from typing import Any

from harness.reporting import exchanges
from harness.reporting.causes import CauseGroup, group_causes
from harness.reporting.model import RunResult, ScenarioResult, StepResult

_STEP_MARK = {"passed": "✓", "failed": "✗", "skipped": "–"}


def e(value: object) -> str:
    return escape(str(value), quote=True)


def badge(text: str, kind: str) -> str:
    return f'<span class="badge {e(kind)}">{e(text)}</span>'


def _step(step: StepResult) -> str:
    mark = _STEP_MARK.get(step.status, "?")
    extra = ""
    if step.docstring:
        extra += f"<pre>{e(step.docstring)}</pre>"
    if step.table:
        rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in step.table)
        extra += f"<table>{rows}</table>"
    state = "not reached" if step.status == "skipped" else step.status
    return (
        f'<li class="step {e(step.status)}" title="{e(state)}"><span class="mark">{mark}</span>'
        f"<b>{e(step.keyword)}</b> {e(step.name)}{extra}</li>"
    )


def exchange(record: dict[str, Any], index: int, is_open: bool) -> str:
    return (
        f'<details class="exchange"{" open" if is_open else ""}>'
        f"<summary>{index}. {e(exchanges.title(record))}</summary>"
        '<div class="pair">'
        f'<div><h5>Request</h5><pre class="request">{e(exchanges.request_text(record))}</pre></div>'
        f'<div><h5>Response</h5><pre class="response">{e(exchanges.response_text(record))}</pre></div>'
        "</div></details>"
    )


def failure(run: RunResult, scenario: ScenarioResult, anchor: str) -> str:
    gating = run.blocks(scenario)
    kind = "gating" if gating else "warning"
    label = scenario.level.upper() if scenario.level != "unspecified" else "untagged"
    badges = badge("gating" if gating else "warning", kind) + badge(label, kind)
    badges += badge(scenario.scope.name, kind)
    first_line = (scenario.message or "").splitlines()[0] if scenario.message else scenario.status
    requirements = ", ".join(scenario.requirements) or "none"
    tags = " ".join("@" + t for t in scenario.tags)
    why = "" if gating else f"<p class='small'>Does not gate: {e(run.why_not_gating(scenario))}.</p>"
    wire = scenario.wire
    wire_html = (
        "".join(exchange(x, i + 1, i == len(wire) - 1) for i, x in enumerate(wire))
        if wire
        else '<p class="small">No request was sent.</p>'
    )
    steps = "".join(_step(s) for s in scenario.steps)
    traceback = (
        f'<h4>Traceback</h4><pre class="error">{e(scenario.details)}</pre>'
        if scenario.details and scenario.details != scenario.message
        else ""
    )
    return (
        f'<details class="failure {kind}" id="{e(anchor)}">'
        f'<summary><span id="{e(scenario.anchor)}"></span>{badges}{e(scenario.feature)} › {e(scenario.name)} '
        f'<span class="message">— {e(first_line)}</span></summary>'
        f'<p class="small"><code>{e(scenario.location)}</code> · {e(scenario.scope.title)} · '
        f"requirements: {e(requirements)} · {e(tags)} · "
        f'<a href="#{e(scenario.anchor)}">link</a></p>{why}'
        f'<ol class="steps">{steps}</ol>'
        f'<h4>Message</h4><pre class="error message-text">{e(scenario.message or scenario.status)}</pre>'
        f"{traceback}"
        f"<h4>Requests and responses ({len(wire)})</h4>{wire_html}"
        "</details>"
    )


def _basis(group: CauseGroup) -> str:
    if not group.basis:
        return '<p class="small">Basis: no checklist id or IdP fact is tagged on these scenarios.</p>'
    total = len(group.scenarios)
    items = "".join(
        f"<li><b>{e(b.label)}</b>{'' if n == total else f' ({n} of {total})'}: {e(b.text)}</li>"
        for b, n in group.basis
    )
    return f'<h4>Basis</h4><ul class="basis">{items}</ul>'


def cause(run: RunResult, group: CauseGroup, first: int) -> str:
    """One cause and its failures, numbered from ``first``."""
    count = len(group.scenarios)
    gating = sum(run.blocks(s) for s in group.scenarios)
    kind = "gating" if gating else "warning"
    split = (
        f"{gating} gating, {count - gating} not gating"
        if 0 < gating < count
        else "gating"
        if gating
        else "does not gate"
    )
    scopes = "".join(badge(s.title, kind) for s in group.scopes)
    failures = "".join(failure(run, s, f"failure-{first + i}") for i, s in enumerate(group.scenarios))
    return (
        f'<details class="cause {kind}" id="{e(group.anchor)}">'
        f"<summary><b>{count} scenario{'s' if count != 1 else ''}</b> ({e(split)}) "
        f'<code class="cause-key">{e(group.cause.headline)}</code> {scopes}'
        f'<span class="small">basis: {e(group.basis_text())}</span></summary>'
        f"{_basis(group)}{failures}</details>"
    )


def failures_section(run: RunResult) -> str:
    groups = group_causes(run)
    if not groups:
        return '<h2 id="failures">Failures</h2><p>No scenario failed.</p>'
    total = sum(len(g.scenarios) for g in groups)
    parts = [
        f'<h2 id="failures">Failures by cause ({len(groups)} cause{"s" if len(groups) != 1 else ""}, '
        f"{total} failed scenario{'s' if total != 1 else ''})</h2>",
        '<p class="small">Causes that set the exit code first, larger first. A cause is the exchange '
        "that broke the scenarios (method, path, status, scimType, detail — ids and values "
        "generalised), or the step that failed.</p>",
        '<p class="tools"><button type="button" data-expand="all">Expand all</button>'
        '<button type="button" data-expand="none">Collapse all</button></p>',
    ]
    first = 1
    for group in groups:
        parts.append(cause(run, group, first))
        first += len(group.scenarios)
    return "\n".join(parts)
