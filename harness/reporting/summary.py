"""``summary.json``: the run for machines, in a documented and versioned shape.

The shape is the JSON Schema ``harness/report_schema/summary.schema.json`` (described in
docs/reports.md). ``schemaVersion`` is ``MAJOR.MINOR``: a new optional field raises MINOR, a
removed or changed field raises MAJOR, so a reader pinned to ``2.x`` keeps working.

2.0 (issue 13): ``verdicts`` (RFC 7643/7644 conformance and each IdP's compatibility, each gating on
its own) replace ``onelogin``; ``gate`` and ``causes`` are new; a scenario's ``gating`` no longer
follows from ``@onelogin``; scenarios carry their ``verdict``, ``basis``, ``cause`` and ``anchor``.

2.1 (issue 15): ``findings`` (IdP-compatibility findings, each once: :mod:`harness.reporting.findings`)
and ``gatingFindings``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from harness.reporting.causes import CauseGroup, basis_of, group_causes
from harness.reporting.findings import run_findings
from harness.reporting.idp_table import idp_table_json
from harness.reporting.model import RunResult, ScenarioResult
from harness.reporting.simulation import digest
from scim_client import public_url

SCHEMA_VERSION = "2.1"


def schema() -> dict[str, Any]:
    """The JSON Schema of ``summary.json`` (shipped as package data)."""
    text = resources.files("harness").joinpath("report_schema/summary.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _scenario(scenario: ScenarioResult, run: RunResult, cause: str | None) -> dict[str, Any]:
    return {
        "id": scenario.nodeid,
        "name": scenario.name,
        "feature": scenario.feature,
        "file": scenario.feature_file,
        "line": scenario.line,
        "area": scenario.area,
        "tags": ["@" + t for t in scenario.tags],
        "level": scenario.level,
        "requirements": scenario.requirements,
        "verdict": scenario.scope.id,
        "gating": run.gating(scenario),
        "status": scenario.status,
        "duration": round(scenario.duration, 3),
        "message": scenario.message,
        "basis": [b.id for b in basis_of(scenario)] if scenario.bad else [],
        "cause": cause,
        "anchor": scenario.anchor if scenario.bad else None,
    }


def _cause(group: CauseGroup, run: RunResult) -> dict[str, Any]:
    signature = group.cause.signature
    request = (
        {
            "method": signature.method,
            "path": signature.path,
            "status": signature.status,
            "scimType": signature.scim_type,
            "detail": signature.detail,
            "expected": signature.expected,
        }
        if signature is not None
        else None
    )
    return {
        "id": group.anchor,
        "headline": group.cause.headline,
        "request": request,
        "step": group.cause.step,
        "basis": [{"id": b.id, "label": b.label, "text": b.text, "scenarios": n} for b, n in group.basis],
        "verdicts": [s.id for s in group.scopes],
        "count": len(group.scenarios),
        "gating": sum(run.blocks(s) for s in group.scenarios),
        "scenarios": [s.nodeid for s in group.scenarios],
        "example": group.scenarios[0].message,
    }


def build(run: RunResult) -> dict[str, Any]:
    groups = group_causes(run)
    causes = {s.nodeid: g.anchor for g in groups for s in g.scenarios}
    findings = run_findings(run)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "scim-harness", "version": run.tool_version},
        "verdict": run.verdict,
        "exitCode": run.exit_code,
        "strict": run.strict,
        "gate": run.gate,
        "tags": run.tags,
        "target": {
            "baseUrl": public_url(run.target.base_url),
            "embedded": run.target.embedded,
            "observerUrl": run.target.observer_url,
        },
        "started": run.started,
        "finished": run.finished,
        "duration": round(run.duration, 3),
        "counts": run.counts(),
        "byLevel": run.by_level(),
        "byFeature": [
            {
                "feature": scenarios[0].feature,
                "file": feature_file,
                "area": scenarios[0].area,
                "counts": run.counts(scenarios),
            }
            for feature_file, scenarios in run.features().items()
        ],
        "gatingFailures": len(run.gating_failures),
        "warnings": len(run.warnings),
        "verdicts": [
            {
                "id": v.scope.id,
                "title": v.scope.title,
                "result": v.result,
                "gates": v.selected,
                "counts": v.counts,
                "failures": v.failures,
                "warnings": v.warnings,
            }
            for v in run.verdicts(every=True)
        ],
        "causes": [_cause(g, run) for g in groups],
        "scenarios": [_scenario(s, run, causes.get(s.nodeid)) for s in run.scenarios],
        "simulation": digest(run.simulation) if run.simulation is not None else None,
        "findings": [f.as_json() for f in findings],
        "gatingFindings": sum(f.gating for f in findings),
        "idps": idp_table_json(run),
    }


def write(run: RunResult, path: Path) -> Path:
    path.write_text(json.dumps(build(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
