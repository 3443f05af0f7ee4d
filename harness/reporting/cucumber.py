"""``cucumber.json``: the run in Cucumber's JSON format, for Gherkin-aware tools.

Written from the run's own results rather than pytest-bdd's ``--cucumberjson``, so that every
scenario appears — also those skipped before their first step (no observer, a capability the
target does not claim), whose steps are all ``skipped``. A failing step carries the error message
and the scenario's wire as a ``text/plain`` embedding; a set-up or tear-down error is a failed
``before`` / ``after`` hook, as Cucumber reports its own hooks.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from harness.reporting.exchanges import transcript
from harness.reporting.model import RunResult, ScenarioResult

_NS = 1_000_000_000


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _tags(tags: list[str], line: int) -> list[dict[str, Any]]:
    return [{"name": "@" + tag, "line": max(line - 1, 1)} for tag in tags]


def _hook(location: str, status: str, message: str | None, nanoseconds: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = {"status": status, "duration": max(nanoseconds, 0)}
    if message:
        result["error_message"] = message
    return {"match": {"location": location}, "result": result}


def _scenario(scenario: ScenarioResult, feature_id: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    for step in scenario.steps:
        result: dict[str, Any] = {"status": step.status, "duration": int(step.duration * _NS)}
        record: dict[str, Any] = {
            "keyword": step.keyword + " ",
            "name": step.name,
            "line": step.line,
            "match": {"location": f"{scenario.feature_file}:{step.line}"},
            "result": result,
        }
        if step.docstring is not None:
            record["doc_string"] = {"value": step.docstring, "content_type": "", "line": step.line + 1}
        if step.table:
            record["rows"] = [{"cells": row} for row in step.table]
        if step.status == "failed" and scenario.status == "failed":
            result["error_message"] = scenario.details or scenario.message or ""
            if scenario.wire:
                data = base64.b64encode(transcript(scenario.wire).encode()).decode()
                record["embeddings"] = [{"mime_type": "text/plain", "data": data, "name": "SCIM wire"}]
        steps.append(record)
    element: dict[str, Any] = {
        "id": f"{feature_id};{_slug(scenario.name)}",
        "keyword": "Scenario",
        "name": scenario.name,
        "line": scenario.line,
        "description": "",
        "type": "scenario",
        "tags": _tags(scenario.tags, scenario.line),
        "steps": steps,
    }
    total = round(scenario.duration * _NS)
    before_ns = min(round(scenario.phases.get("setup", 0.0) * _NS), total)
    after_ns = total - before_ns - sum(s["result"]["duration"] for s in steps)
    before = _hook("harness:setup", "passed", None, before_ns)
    after = _hook("harness:teardown", "passed", None, after_ns)
    if scenario.status == "error":
        message = scenario.details or scenario.message
        if scenario.failed_phase == "teardown":
            after = _hook("harness:teardown", "failed", message, after_ns)
        else:
            before = _hook(f"harness:{scenario.failed_phase or 'setup'}", "failed", message, before_ns)
    elif scenario.status == "skipped" and scenario.message:
        # Cucumber has no skip reason field; a skipped "before" hook carries it to the reader.
        before = _hook("harness:skip", "skipped", scenario.message, before_ns)
    element["before"], element["after"] = [before], [after]
    return element


def build(run: RunResult) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = []
    for feature_file, scenarios in run.features().items():
        first = scenarios[0]
        feature_id = _slug(first.feature or feature_file)
        features.append(
            {
                "uri": feature_file,
                "id": feature_id,
                "keyword": "Feature",
                "name": first.feature,
                "line": first.feature_line,
                "description": first.feature_description,
                "tags": _tags(first.feature_tags, first.feature_line),
                "elements": [_scenario(s, feature_id) for s in scenarios],
            }
        )
    return features


def write(run: RunResult, path: Path) -> Path:
    path.write_text(json.dumps(build(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
