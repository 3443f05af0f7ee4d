"""``summary.json``: the run for machines, in a documented and versioned shape.

The shape is the JSON Schema ``harness/report_schema/summary.schema.json`` (described in
docs/reports.md). ``schemaVersion`` is ``MAJOR.MINOR``: a new optional field raises MINOR, a
removed or changed field raises MAJOR, so a reader pinned to ``1.x`` keeps working.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from harness.reporting.model import RunResult, ScenarioResult
from harness.reporting.simulation import digest
from scim_client import public_url

SCHEMA_VERSION = "1.0"


def schema() -> dict[str, Any]:
    """The JSON Schema of ``summary.json`` (shipped as package data)."""
    text = resources.files("harness").joinpath("report_schema/summary.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _scenario(scenario: ScenarioResult, strict: bool) -> dict[str, Any]:
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
        "gating": scenario.gates(strict),
        "status": scenario.status,
        "duration": round(scenario.duration, 3),
        "message": scenario.message,
    }


def build(run: RunResult) -> dict[str, Any]:
    verdict, onelogin_counts = run.onelogin()
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "scim-harness", "version": run.tool_version},
        "verdict": run.verdict,
        "exitCode": run.exit_code,
        "strict": run.strict,
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
        "onelogin": {"verdict": verdict, "counts": onelogin_counts},
        "scenarios": [_scenario(s, run.strict) for s in run.scenarios],
        "simulation": digest(run.simulation) if run.simulation is not None else None,
    }


def write(run: RunResult, path: Path) -> Path:
    path.write_text(json.dumps(build(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
