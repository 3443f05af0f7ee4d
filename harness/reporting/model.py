"""The results of one ``check`` run, as every report reads them.

A scenario's **level** is its RFC 2119 tag (``@must``, ``@should``, ``@may``); it **gates** the exit
code when it is ``@must`` or ``@onelogin``, or ``@should`` under ``--strict`` (design.md, "Reports
and exit codes"). A failed scenario that does not gate is a **warning**. ``error`` (the harness
could not set the scenario up or tear it down) counts as a failure everywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "error", "skipped")
LEVELS = ("must", "should", "may", "unspecified")
GATING_TAGS = frozenset({"must", "onelogin"})


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
        )

    @property
    def level(self) -> str:
        return next((lv for lv in LEVELS[:-1] if lv in self.tags), "unspecified")

    @property
    def requirements(self) -> list[str]:
        """``@req_D_01`` → ``D-01`` (the ids of rfc-checklist.md)."""
        return [t.removeprefix("req_").replace("_", "-") for t in self.tags if t.startswith("req_")]

    @property
    def onelogin(self) -> bool:
        return "onelogin" in self.tags

    @property
    def location(self) -> str:
        return f"{self.feature_file}:{self.line}"

    @property
    def bad(self) -> bool:
        """Failed or errored."""
        return self.status in ("failed", "error")

    def gates(self, strict: bool) -> bool:
        return bool(GATING_TAGS & set(self.tags)) or (strict and self.level == "should")


@dataclass(frozen=True)
class Target:
    """Where the run went; never a token."""

    base_url: str
    embedded: bool
    observer_url: str | None = None

    @property
    def label(self) -> str:
        return "embedded reference server" if self.embedded else self.base_url


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

    @property
    def gating_failures(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios if s.bad and s.gates(self.strict)]

    @property
    def warnings(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios if s.bad and not s.gates(self.strict)]

    @property
    def passed(self) -> bool:
        return not self.gating_failures

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def verdict(self) -> str:
        return "passed" if self.passed else "failed"

    def onelogin(self) -> tuple[str, dict[str, int]]:
        """OneLogin compatibility: ``compatible``, ``incompatible`` or ``untested``, with counts."""
        ones = [s for s in self.scenarios if s.onelogin]
        counts = self.counts(ones)
        if counts["failed"] or counts["error"]:
            return "incompatible", counts
        if counts["passed"]:
            return "compatible", counts
        return "untested", counts
