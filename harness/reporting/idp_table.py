"""The "IdP compatibility" table: per identity provider, pass, or fail with the first failing fact.

One row per IdP of :data:`simulator.IDPS` (OneLogin, Okta, Microsoft Entra ID): ``pass`` when its
scenarios ran and none that gates failed, ``fail`` with the first failing scenario (report order)
and the first IdP fact its failure cites — the fact the failure record names, else the first
``@fact_`` tag of the scenario — and ``not tested`` when the run had none of its scenarios
(``check --idp`` chose other IdPs). A vendor reads at a glance which IdPs its server supports.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from harness.reporting.causes import cited_fact
from harness.reporting.model import RunResult, ScenarioResult
from harness.reporting.verdicts import scope
from simulator import IDPS, Fact, facts_of

__all__ = ["IdpRow", "idp_rows", "idp_table_html", "idp_table_json", "idp_table_markdown"]


@dataclass(frozen=True)
class IdpRow:
    """One IdP's line: its result and, when it failed, the first failing scenario and fact."""

    tag: str
    name: str
    result: str
    """``pass``, ``fail`` or ``untested``."""
    scenarios: int
    failing: ScenarioResult | None = None
    fact: Fact | None = None

    @property
    def words(self) -> str:
        if self.result == "fail":
            first = f"fail: {self.fact.id} [{self.fact.certainty}]" if self.fact else "fail"
            return first + (f" — {self.failing.name}" if self.failing else "")
        return "pass" if self.result == "pass" else "not tested"


def _first_fact(scenario: ScenarioResult, idp: str) -> Fact | None:
    cited = (scenario.failure or {}).get("basis") or []
    named = [cited_fact(key) for key in cited]
    tagged = facts_of(scenario.tags)
    found = [f for f in (*named, *tagged) if f is not None]
    return next((f for f in found if f.idp == idp), found[0] if found else None)


def idp_rows(run: RunResult) -> list[IdpRow]:
    """One row per known IdP, in precedence order."""
    rows = []
    for tag, name in IDPS:
        mine = [s for s in run.scenarios if s.scope == scope(tag)]
        ran = [s for s in mine if s.status != "skipped"]
        failing = next((s for s in mine if s.bad and s.gates(run.strict)), None)
        if failing is not None:
            rows.append(IdpRow(tag, name, "fail", len(ran), failing, _first_fact(failing, tag)))
        else:
            rows.append(IdpRow(tag, name, "pass" if ran else "untested", len(ran)))
    return rows


_ICON = {"pass": "✅", "fail": "❌", "untested": "➖"}


def idp_table_markdown(run: RunResult) -> list[str]:
    """summary.md's section."""
    lines = ["### IdP compatibility", "", "| IdP | Result | Scenarios |", "|---|---|---:|"]
    for row in idp_rows(run):
        words = row.words.replace("|", "\\|")
        lines.append(f"| {row.name} | {_ICON[row.result]} {words} | {row.scenarios} |")
    return [*lines, ""]


def idp_table_html(run: RunResult) -> str:
    """report.html's section."""
    body = "".join(
        f'<tr class="{row.result}" data-idp="{html.escape(row.tag)}"><td>{html.escape(row.name)}</td>'
        f"<td>{_ICON[row.result]} {html.escape(row.words)}</td><td>{row.scenarios}</td></tr>"
        for row in idp_rows(run)
    )
    return (
        '<section class="idp-compatibility" id="idp-compatibility"><h2>IdP compatibility</h2>'
        "<table><thead><tr><th>IdP</th><th>Result</th><th>Scenarios</th></tr></thead>"
        f"<tbody>{body}</tbody></table></section>"
    )


def idp_table_json(run: RunResult) -> list[dict[str, object]]:
    """summary.json's ``idps``: ``{"idp", "name", "result", "scenarios", "fact", "scenario"}``."""
    return [
        {
            "idp": row.tag,
            "name": row.name,
            "result": row.result,
            "scenarios": row.scenarios,
            "fact": None if row.fact is None else row.fact.id,
            "scenario": None if row.failing is None else row.failing.name,
        }
        for row in idp_rows(run)
    ]
