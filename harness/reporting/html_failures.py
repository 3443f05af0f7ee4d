"""The failures of ``report.html``: each a ``<details>`` with its steps, error and wire.

A failure opens to the scenario as written (each step marked passed, failed or not reached), the
error, and every request the scenario sent with the response it got — the last exchange, the
one a failure is usually about, already open. Tokens were redacted when the wire was recorded.
"""

from __future__ import annotations

from html import escape
from typing import Any

from harness.reporting import exchanges
from harness.reporting.model import ScenarioResult, StepResult

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


def failure(scenario: ScenarioResult, anchor: str, gating: bool) -> str:
    kind = "gating" if gating else "warning"
    label = scenario.level.upper() if scenario.level != "unspecified" else "untagged"
    badges = badge("gating" if gating else "warning", kind) + badge(label, kind)
    if scenario.onelogin:
        badges += badge("OneLogin", kind)
    first_line = (scenario.message or "").splitlines()[0] if scenario.message else scenario.status
    if len(first_line) > 160:
        first_line = first_line[:159] + "…"
    requirements = ", ".join(scenario.requirements) or "none"
    tags = " ".join("@" + t for t in scenario.tags)
    wire = scenario.wire
    wire_html = (
        "".join(exchange(x, i + 1, i == len(wire) - 1) for i, x in enumerate(wire))
        if wire
        else '<p class="small">No request was sent.</p>'
    )
    steps = "".join(_step(s) for s in scenario.steps)
    return (
        f'<details class="failure {kind}" id="{e(anchor)}">'
        f"<summary>{badges}{e(scenario.feature)} › {e(scenario.name)} "
        f'<span class="message">— {e(first_line)}</span></summary>'
        f'<p class="small"><code>{e(scenario.location)}</code> · requirements: {e(requirements)} · '
        f'{e(tags)} · <a href="#{e(anchor)}">link</a></p>'
        f'<ol class="steps">{steps}</ol>'
        f'<h4>Error</h4><pre class="error">{e(scenario.details or scenario.message or "")}</pre>'
        f"<h4>Requests and responses ({len(wire)})</h4>{wire_html}"
        "</details>"
    )


def failures_section(gating: list[ScenarioResult], warnings: list[ScenarioResult], strict: bool) -> str:
    if not gating and not warnings:
        return '<h2 id="failures">Failures</h2><p>No scenario failed.</p>'
    parts = [
        '<h2 id="failures">Failures</h2>',
        '<p class="tools"><button type="button" data-expand="all">Expand all</button>'
        '<button type="button" data-expand="none">Collapse all</button></p>',
    ]
    index = 0
    if gating:
        parts.append(f"<h3>Gating ({len(gating)})</h3>")
        for scenario in gating:
            index += 1
            parts.append(failure(scenario, f"failure-{index}", True))
    if warnings:
        why = "" if strict else " — SHOULD and MAY failures do not gate without --strict"
        parts.append(f"<h3>Warnings ({len(warnings)}){e(why)}</h3>")
        for scenario in warnings:
            index += 1
            parts.append(failure(scenario, f"failure-{index}", False))
    return "\n".join(parts)
