"""What a collected pytest-bdd item is, in Gherkin terms: feature, scenario, tags and steps.

pytest-bdd keeps the parsed scenario of each generated test function in a registry; reading it
from the item (rather than from the run) means a scenario skipped before its first step still
reports its feature, its steps and its tags. Items that are not scenarios are described from
their node id and markers, so a plain test in ``steps/`` is never lost from the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

_NOT_TAGS = frozenset({"parametrize", "usefixtures", "skip", "skipif", "xfail", "filterwarnings"})
_INFO_KEY = pytest.StashKey["ScenarioInfo"]()


@dataclass(frozen=True)
class StepInfo:
    keyword: str
    name: str
    line: int
    docstring: str | None = None
    table: list[list[str]] | None = None


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario as the reports name it."""

    nodeid: str
    feature: str
    feature_file: str
    feature_line: int
    feature_description: str
    scenario: str
    line: int
    tags: list[str]
    feature_tags: list[str] = field(default_factory=list)
    steps: list[StepInfo] = field(default_factory=list)

    @property
    def area(self) -> str:
        """The feature's folder under ``features/`` (design.md: one folder per area)."""
        parts = Path(self.feature_file).parts
        if "features" in parts:
            rest = parts[parts.index("features") + 1 :]
            return rest[0] if len(rest) > 1 else Path(rest[0]).stem if rest else "other"
        return Path(self.feature_file).stem or "other"

    def as_json(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "feature": self.feature,
            "featureFile": self.feature_file,
            "featureLine": self.feature_line,
            "featureDescription": self.feature_description,
            "area": self.area,
            "scenario": self.scenario,
            "line": self.line,
            "tags": self.tags,
            "featureTags": self.feature_tags,
        }


def _template(item: pytest.Item) -> Any:
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry
    except ImportError:  # pragma: no cover - a pytest-bdd without the registry
        return None
    function = getattr(item, "obj", None)
    try:
        return scenario_wrapper_template_registry.get(function) if function is not None else None
    except TypeError:
        return None


def _relative(filename: str, root: Path) -> str:
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(filename).as_posix()


def describe(item: pytest.Item) -> ScenarioInfo:
    """The scenario behind ``item`` (cached on the item)."""
    cached = item.stash.get(_INFO_KEY, None)
    if cached is not None:
        return cached
    template = _template(item)
    if template is None:
        info = ScenarioInfo(
            nodeid=item.nodeid,
            feature=item.nodeid.split("::")[0],
            feature_file=item.nodeid.split("::")[0],
            feature_line=0,
            feature_description="",
            scenario=item.name,
            line=item.location[1] + 1 if item.location[1] is not None else 0,
            tags=sorted({m.name for m in item.iter_markers()} - _NOT_TAGS),
        )
    else:
        callspec = getattr(item, "callspec", None)
        example = callspec.params.get("_pytest_bdd_example", {}) if callspec is not None else {}
        scenario = template.render(example)
        feature = template.feature
        rule_tags = template.rule.tags if template.rule is not None else set()
        marker_tags = {m.name for m in item.iter_markers()} - _NOT_TAGS
        info = ScenarioInfo(
            nodeid=item.nodeid,
            feature=feature.name or Path(feature.filename).stem,
            feature_file=_relative(feature.filename, item.config.rootpath),
            feature_line=feature.line_number,
            feature_description=feature.description or "",
            scenario=scenario.name,
            line=scenario.line_number,
            tags=sorted(set(template.tags) | set(feature.tags) | set(rule_tags) | marker_tags),
            feature_tags=sorted(feature.tags),
            steps=[
                StepInfo(
                    keyword=step.keyword.strip(),
                    name=step.name,
                    line=step.line_number,
                    docstring=step.docstring,
                    table=[[str(c) for c in row] for row in step.datatable.raw()] if step.datatable else None,
                )
                for step in scenario.steps
            ],
        )
    item.stash[_INFO_KEY] = info
    return info


def _bdd_steps(reports: list[pytest.TestReport]) -> list[dict[str, Any]]:
    """The step reports pytest-bdd recorded for the call phase (empty when none ran)."""
    try:
        from pytest_bdd.reporting import test_report_context_registry
    except ImportError:  # pragma: no cover
        return []
    for report in reports:
        if report.when == "call":
            context = test_report_context_registry.get(report)
            if context is not None:
                return [dict(step) for step in context.scenario["steps"]]
    return []


def step_results(
    reports: list[pytest.TestReport], info: ScenarioInfo, status: str, failed_phase: str | None
) -> list[dict[str, Any]]:
    """Every step of the scenario with ``passed``, ``failed`` or ``skipped`` (not reached)."""
    ran = _bdd_steps(reports)
    out: list[dict[str, Any]] = []
    failed_seen = False
    for index, step in enumerate(info.steps):
        record: dict[str, Any] = {"keyword": step.keyword, "name": step.name, "line": step.line}
        if step.docstring is not None:
            record["docstring"] = step.docstring
        if step.table is not None:
            record["table"] = step.table
        if index < len(ran) and not failed_seen:
            done = ran[index]
            # pytest-bdd marks the steps after a failure as failed too; only the first one failed.
            record["status"] = "failed" if done["failed"] else "passed"
            record["duration"] = round(float(done["duration"]), 6)
            failed_seen = bool(done["failed"])
        else:
            record["status"] = "skipped"
            record["duration"] = 0.0
        out.append(record)
    if status == "skipped" and 0 < len(ran) <= len(out):
        # pytest.skip() inside a step leaves that step's report open: it was skipped, not passed.
        out[len(ran) - 1]["status"] = "skipped"
    if status == "failed" and failed_phase == "call" and not failed_seen and out:
        # The scenario failed outside any step (e.g. a step definition was not found).
        first_skipped = next((s for s in out if s["status"] == "skipped"), out[-1])
        first_skipped["status"] = "failed"
    return out
