"""The results of one ``check`` run, as every report reads them.

A scenario's **level** is its RFC 2119 tag (``@must``, ``@should``, ``@may``) and its **verdict** is
RFC 7643/7644 conformance or one IdP's compatibility (:mod:`harness.reporting.verdicts`). A failure
**gates** — sets the exit code — when its level gates (``@must``; ``@should`` under ``--strict``)
and ``--gate`` selects its verdict; any other failure is a **warning**. ``error`` (the harness could
not set the scenario up or tear it down) counts as a failure everywhere.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from harness.reporting.verdicts import SCOPES, Scope, Verdict, level_gates, scope_of, selected
from schemas import requirement_ids
from scim_client import Target
from simulator import Fact, facts_of

STATUSES = ("passed", "failed", "error", "skipped")
LEVELS = ("must", "should", "may", "unspecified")


@dataclass(frozen=True)
class StepResult:
    """One Gherkin step of a scenario as the reports show it: ``passed``, ``failed`` or ``skipped``
    (not reached)."""

    keyword: str
    name: str
    line: int
    status: str
    duration: float
    docstring: str | None = None
    table: list[list[str]] | None = None


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's outcome, with what the reports show of it."""

    nodeid: str
    feature: str
    feature_file: str
    area: str
    name: str
    line: int
    tags: list[str]
    status: str
    duration: float
    message: str | None = None
    details: str | None = None
    steps: list[StepResult] = field(default_factory=list)
    wire: list[dict[str, Any]] = field(default_factory=list)
    feature_line: int = 0
    feature_description: str = ""
    feature_tags: list[str] = field(default_factory=list)
    failed_phase: str | None = None
    failure: dict[str, Any] | None = None
    """What the steps said about the failure (``scim_failure``, see :mod:`harness.collect`)."""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent in ``setup``, ``call`` and ``teardown``; ``duration`` is their sum."""
    findings: list[dict[str, Any]] = field(default_factory=list)
    """What the steps found without failing on it (``scim_finding``, :mod:`harness.reporting.findings`)."""

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> ScenarioResult:
        """Build from a ``result`` event of :mod:`harness.collect` (unknown keys are ignored)."""
        status = str(event.get("status", "error"))
        return cls(
            nodeid=str(event.get("nodeid", "")),
            feature=str(event.get("feature", "")),
            feature_file=str(event.get("featureFile", "")),
            area=str(event.get("area", "other")),
            name=str(event.get("scenario", "")),
            line=int(event.get("line", 0)),
            tags=[str(t) for t in event.get("tags", [])],
            status=status if status in STATUSES else "error",
            duration=float(event.get("duration", 0.0)),
            message=event.get("message"),
            details=event.get("details"),
            steps=[
                StepResult(
                    keyword=str(s.get("keyword", "")),
                    name=str(s.get("name", "")),
                    line=int(s.get("line", 0)),
                    status=str(s.get("status", "skipped")),
                    duration=float(s.get("duration", 0.0)),
                    docstring=s.get("docstring"),
                    table=s.get("table"),
                )
                for s in event.get("steps", [])
            ],
            wire=list(event.get("wire", [])),
            feature_line=int(event.get("featureLine", 0)),
            feature_description=str(event.get("featureDescription", "")),
            feature_tags=[str(t) for t in event.get("featureTags", [])],
            failed_phase=event.get("failedPhase"),
            failure=event["failure"] if isinstance(event.get("failure"), dict) else None,
            phases={str(k): float(v) for k, v in (event.get("phases") or {}).items()},
            findings=[f for f in event.get("findings") or [] if isinstance(f, dict)],
        )

    @property
    def level(self) -> str:
        return next((lv for lv in LEVELS[:-1] if lv in self.tags), "unspecified")

    @property
    def requirements(self) -> list[str]:
        """``@req_D_01`` → ``D-01`` (the ids of rfc-checklist.md)."""
        known = requirement_ids(self.tags)
        # An id the checklist does not know is still shown as tagged, never silently dropped.
        tagged = [t.removeprefix("req_").replace("_", "-") for t in self.tags if t.startswith("req_")]
        return known + [r for r in tagged if r not in known]

    @property
    def facts(self) -> list[Fact]:
        """The IdP facts the scenario rests on (``@fact_…`` tags)."""
        return facts_of(self.tags)

    @property
    def rests_on_guess(self) -> bool:
        """It rests on a fact known only as [guess] or [?]: it gates as ``@should`` at most."""
        return any(not f.gates for f in self.facts)

    @property
    def scope(self) -> Scope:
        """The verdict the scenario belongs to."""
        return scope_of(self.tags)

    @property
    def anchor(self) -> str:
        """Its failure's anchor in report.html, the same in every run (``scenario-1a2b3c4d5e``)."""
        return "scenario-" + hashlib.sha1(self.nodeid.encode(), usedforsecurity=False).hexdigest()[:10]

    @property
    def location(self) -> str:
        return f"{self.feature_file}:{self.line}"

    @property
    def bad(self) -> bool:
        """Failed or errored."""
        return self.status in ("failed", "error")

    def gates(self, strict: bool) -> bool:
        """Whether a failure of it fails its verdict."""
        level = "should" if self.level == "must" and self.rests_on_guess else self.level
        return level_gates(level, strict)

    def why_not_gating(self, strict: bool) -> str:
        """Why a failure of it fails no verdict (for a warning's label)."""
        if self.level == "must" and self.rests_on_guess:
            return "rests on a guessed IdP fact; gates only under --strict"
        if self.level == "should":
            return "SHOULD; gates only under --strict"
        if self.level == "may":
            return "MAY; never gates"
        return "no requirement level; never gates"


@dataclass
class RunResult:
    """Everything a report needs; ``simulation`` is the parsed ``simulation.json`` when present."""

    target: Target
    started: str
    finished: str
    duration: float
    strict: bool
    tags: str | None
    scenarios: list[ScenarioResult]
    simulation: dict[str, Any] | None = None
    tool_version: str = "0"
    gate: str = "all"
    """``--gate``: ``all``, ``rfc`` or an IdP's tag (:data:`harness.reporting.verdicts.GATE_CHOICES`)."""

    def counts(self, scenarios: list[ScenarioResult] | None = None) -> dict[str, int]:
        tally = Counter(s.status for s in (self.scenarios if scenarios is None else scenarios))
        out = {status: tally.get(status, 0) for status in STATUSES}
        out["total"] = sum(out.values())
        return out

    def by_level(self) -> dict[str, dict[str, int]]:
        return {lv: self.counts([s for s in self.scenarios if s.level == lv]) for lv in LEVELS}

    def features(self) -> dict[str, list[ScenarioResult]]:
        """Scenarios grouped by feature file, in the order the run met them."""
        grouped: dict[str, list[ScenarioResult]] = {}
        for s in self.scenarios:
            grouped.setdefault(s.feature_file, []).append(s)
        return grouped

    def areas(self) -> dict[str, list[ScenarioResult]]:
        grouped: dict[str, list[ScenarioResult]] = {}
        for s in sorted(self.scenarios, key=lambda s: s.area):
            grouped.setdefault(s.area, []).append(s)
        return grouped

    def gating(self, scenario: ScenarioResult) -> bool:
        """Whether a failure of this scenario sets the exit code (level gates, ``--gate`` selects)."""
        return scenario.gates(self.strict) and selected(self.gate, scenario.scope)

    def blocks(self, scenario: ScenarioResult) -> bool:
        """Whether this scenario failed and its failure sets the exit code."""
        return scenario.bad and self.gating(scenario)

    def why_not_gating(self, scenario: ScenarioResult) -> str:
        """Why a failure is only a warning."""
        if scenario.gates(self.strict):
            return f"{scenario.scope.title} does not set the exit code under --gate {self.gate}"
        return scenario.why_not_gating(self.strict)

    @property
    def gating_failures(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios if self.blocks(s)]

    @property
    def warnings(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios if s.bad and not self.blocks(s)]

    @property
    def passed(self) -> bool:
        return not self.gating_failures

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def verdict(self) -> str:
        return "passed" if self.passed else "failed"

    def verdicts(self, every: bool = False) -> list[Verdict]:
        """The run's verdicts, RFC first: those with scenarios in the run and the one ``--gate``
        names (``every``: one per known scope, as summary.json lists them)."""
        out = []
        for target in SCOPES:
            members = [s for s in self.scenarios if s.scope == target]
            if not (every or members or target.id == self.gate or not target.is_idp):
                continue
            bad = [s for s in members if s.bad]
            failing = [s for s in bad if s.gates(self.strict)]
            out.append(
                Verdict(
                    scope=target,
                    selected=selected(self.gate, target),
                    counts=self.counts(members),
                    failures=len(failing),
                    warnings=len(bad) - len(failing),
                )
            )
        return out
