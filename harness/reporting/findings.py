"""IdP-compatibility findings: what a scenario learned about the server without failing on it.

A step that works around something an IdP depends on — the lifecycle scenarios pushing their users
with the RFC-clean template because the server refused OneLogin's default one (steps/lifecycle_push.py)
— records a ``scim_finding`` (:mod:`harness.collect`) and goes on, so the scenario still judges
what it is about. The same finding from many scenarios is **one** finding of the run: grouped by
what it is (its ``id``, the IdP, its cause, the status), shown once in every report with how many
scenarios met it. A finding sets no exit code: the IdP's own scenarios fail on the same refusal.
It **gates** (``gatingFindings`` in summary.json) when it rests on an IdP fact known as [doc] or
[seen], so the IdP's compatibility verdict is certain to suffer from it.

The record's keys (all but ``id`` optional): ``id``, ``idp`` (``onelogin``), ``title``, ``what``
(the first occurrence's words), ``cause`` (the quirk refused), ``basis`` (``fact:…`` / checklist
ids), ``request`` (method and path), ``status``, ``fallback`` (what the scenario did instead),
``consequence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.reporting.causes import cited_fact
from harness.reporting.model import RunResult
from simulator import IDPS

_IDP_NAMES = dict(IDPS)


@dataclass(frozen=True)
class Finding:
    """One finding of the run, with the scenarios (node ids) that met it."""

    record: dict[str, Any]
    scenarios: tuple[str, ...]

    @property
    def id(self) -> str:
        return str(self.record.get("id", "finding"))

    @property
    def idp(self) -> str:
        return _IDP_NAMES.get(str(self.record.get("idp", "")), str(self.record.get("idp") or "—"))

    @property
    def title(self) -> str:
        return str(self.record.get("title") or self.id)

    @property
    def basis(self) -> list[str]:
        found = self.record.get("basis")
        return [str(b) for b in found] if isinstance(found, list) else []

    @property
    def gating(self) -> bool:
        """It rests on an IdP fact known as [doc] or [seen]."""
        return any(f is not None and f.gates for f in map(cited_fact, self.basis))

    def basis_text(self) -> list[str]:
        """Each basis in words (``OneLogin fact [seen]: … (source)``), unknown ids as they are."""
        return [known.basis if (known := cited_fact(key)) is not None else key for key in self.basis]

    def as_json(self) -> dict[str, Any]:
        """As summary.json lists it."""
        return {
            "id": self.id,
            "idp": self.record.get("idp"),
            "title": self.title,
            "what": self.record.get("what"),
            "cause": self.record.get("cause"),
            "basis": self.basis,
            "request": self.record.get("request"),
            "status": self.record.get("status"),
            "fallback": self.record.get("fallback"),
            "consequence": self.record.get("consequence"),
            "gating": self.gating,
            "count": len(self.scenarios),
            "scenarios": list(self.scenarios),
        }


def _key(record: dict[str, Any]) -> tuple[str, ...]:
    """What makes two records one finding: what it is and why, not which user met it."""
    method = str(record.get("request") or "").split(" ", 1)[0]
    return (*(str(record.get(k) or "") for k in ("id", "idp", "cause", "status")), method)


def run_findings(run: RunResult) -> list[Finding]:
    """The run's findings, each once, in the order the run first met them."""
    grouped: dict[tuple[str, ...], tuple[dict[str, Any], list[str]]] = {}
    for scenario in run.scenarios:
        for record in scenario.findings:
            _, scenarios = grouped.setdefault(_key(record), (record, []))
            if scenario.nodeid not in scenarios:
                scenarios.append(scenario.nodeid)
    return [Finding(record, tuple(scenarios)) for record, scenarios in grouped.values()]


__all__ = ["Finding", "run_findings"]
