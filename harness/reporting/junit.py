"""``junit.xml``: one ``<testsuite>`` per verdict and feature, one ``<testcase>`` per scenario.

The common JUnit dialect CI servers read (Jenkins, GitLab, GitHub test reporters): ``<failure>``
for a failed scenario, ``<error>`` when the harness could not set it up, ``<skipped>`` with the
reason. A suite is named for its verdict and feature (``OneLogin compatibility › Push users``) and
carries the verdict's result; each testcase carries ``<properties>``: ``verdict``, ``level``,
``gating``, ``cause``, one ``requirement`` per rfc-checklist id, one ``basis`` per checklist row or
IdP fact, and one ``tag`` per Gherkin tag. A failure's message says whether it gates, and why not;
the wire of a failed scenario (requests and responses, tokens redacted) is its ``<system-out>``.
``<testsuites time>`` is the run's wall time, the figure every other report shows.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from xml.etree import ElementTree as ET

from harness.reporting.causes import basis_of, group_causes
from harness.reporting.exchanges import transcript
from harness.reporting.model import RunResult, ScenarioResult
from harness.reporting.verdicts import SCOPES

# XML 1.0 forbids most control characters, even escaped; response bodies may contain them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)


def _counts(scenarios: list[ScenarioResult], seconds: float | None = None) -> dict[str, str]:
    """The JUnit counts; ``time`` is ``seconds`` (the run's wall time) or the scenarios' sum."""
    return {
        "tests": str(len(scenarios)),
        "failures": str(sum(s.status == "failed" for s in scenarios)),
        "errors": str(sum(s.status == "error" for s in scenarios)),
        "skipped": str(sum(s.status == "skipped" for s in scenarios)),
        "time": f"{sum(s.duration for s in scenarios) if seconds is None else seconds:.3f}",
    }


def _classname(scenario: ScenarioResult) -> str:
    return scenario.feature_file.removesuffix(".feature").replace("/", ".") or "features"


def _testcase(parent: ET.Element, scenario: ScenarioResult, run: RunResult, cause: str | None) -> None:
    case = ET.SubElement(
        parent,
        "testcase",
        {
            "classname": _classname(scenario),
            "name": _clean(scenario.name),
            "file": scenario.feature_file,
            "line": str(scenario.line),
            "time": f"{scenario.duration:.3f}",
        },
    )
    props = ET.SubElement(case, "properties")
    gating = run.gating(scenario)
    ET.SubElement(props, "property", {"name": "verdict", "value": scenario.scope.id})
    ET.SubElement(props, "property", {"name": "level", "value": scenario.level})
    ET.SubElement(props, "property", {"name": "gating", "value": "true" if gating else "false"})
    if cause is not None:
        ET.SubElement(props, "property", {"name": "cause", "value": cause})
    for requirement in scenario.requirements:
        ET.SubElement(props, "property", {"name": "requirement", "value": requirement})
    for basis in basis_of(scenario):
        ET.SubElement(props, "property", {"name": "basis", "value": basis.id})
    for tag in scenario.tags:
        ET.SubElement(props, "property", {"name": "tag", "value": "@" + tag})
    message = _clean(scenario.message or "")
    if scenario.bad:
        kind = "failure" if scenario.status == "failed" else "error"
        label = "gating" if gating else f"warning, does not gate: {run.why_not_gating(scenario)}"
        node = ET.SubElement(case, kind, {"message": f"[{label}] {message}", "type": kind})
        node.text = _clean(scenario.details or message)
        if scenario.wire:
            ET.SubElement(case, "system-out").text = _clean(transcript(scenario.wire))
    elif scenario.status == "skipped":
        ET.SubElement(case, "skipped", {"message": message})


def build(run: RunResult) -> ET.Element:
    root = ET.Element(
        "testsuites",
        {"name": "scim-harness", **_counts(run.scenarios, run.duration), "timestamp": run.started},
    )
    hostname = socket.gethostname()
    verdicts = {v.scope: v for v in run.verdicts()}
    causes = {s.nodeid: g.anchor for g in group_causes(run) for s in g.scenarios}
    features = run.features()
    for scope in SCOPES:
        for feature_file, in_feature in features.items():
            scenarios = [s for s in in_feature if s.scope == scope]
            if not scenarios:
                continue
            verdict = verdicts[scope]
            suite = ET.SubElement(
                root,
                "testsuite",
                {
                    "name": f"{scope.title} › {scenarios[0].feature or feature_file}",
                    "file": feature_file,
                    **_counts(scenarios),
                    "timestamp": run.started,
                    "hostname": hostname,
                },
            )
            props = ET.SubElement(suite, "properties")
            for name, value in (
                ("verdict", scope.id),
                ("verdict.title", scope.title),
                ("verdict.result", verdict.result),
                ("verdict.gates", "true" if verdict.selected else "false"),
                ("target", run.target.label),
                ("strict", "true" if run.strict else "false"),
                ("gate", run.gate),
            ):
                ET.SubElement(props, "property", {"name": name, "value": value})
            for scenario in scenarios:
                _testcase(suite, scenario, run, causes.get(scenario.nodeid))
    ET.indent(root)
    return root


def write(run: RunResult, path: Path) -> Path:
    ET.ElementTree(build(run)).write(path, encoding="utf-8", xml_declaration=True)
    return path
