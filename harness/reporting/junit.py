"""``junit.xml``: one ``<testsuite>`` per feature, one ``<testcase>`` per scenario.

The common JUnit dialect CI servers read (Jenkins, GitLab, GitHub test reporters): ``<failure>``
for a failed scenario, ``<error>`` when the harness could not set it up, ``<skipped>`` with the
reason. Each testcase carries ``<properties>``: ``level``, ``gating``, one ``requirement`` per
rfc-checklist id and one ``tag`` per Gherkin tag. A failure's message says whether it gates; the
wire of a failed scenario (requests and responses, tokens redacted) is its ``<system-out>``.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from xml.etree import ElementTree as ET

from harness.reporting.exchanges import transcript
from harness.reporting.model import RunResult, ScenarioResult

# XML 1.0 forbids most control characters, even escaped; response bodies may contain them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)


def _counts(scenarios: list[ScenarioResult]) -> dict[str, str]:
    return {
        "tests": str(len(scenarios)),
        "failures": str(sum(s.status == "failed" for s in scenarios)),
        "errors": str(sum(s.status == "error" for s in scenarios)),
        "skipped": str(sum(s.status == "skipped" for s in scenarios)),
        "time": f"{sum(s.duration for s in scenarios):.3f}",
    }


def _classname(scenario: ScenarioResult) -> str:
    return scenario.feature_file.removesuffix(".feature").replace("/", ".") or "features"


def _testcase(parent: ET.Element, scenario: ScenarioResult, strict: bool) -> None:
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
    gating = scenario.gates(strict)
    ET.SubElement(props, "property", {"name": "level", "value": scenario.level})
    ET.SubElement(props, "property", {"name": "gating", "value": "true" if gating else "false"})
    for requirement in scenario.requirements:
        ET.SubElement(props, "property", {"name": "requirement", "value": requirement})
    for tag in scenario.tags:
        ET.SubElement(props, "property", {"name": "tag", "value": "@" + tag})
    message = _clean(scenario.message or "")
    if scenario.bad:
        kind = "failure" if scenario.status == "failed" else "error"
        label = "gating" if gating else f"warning: {scenario.level.upper()}, does not gate"
        node = ET.SubElement(case, kind, {"message": f"[{label}] {message}", "type": kind})
        node.text = _clean(scenario.details or message)
        if scenario.wire:
            ET.SubElement(case, "system-out").text = _clean(transcript(scenario.wire))
    elif scenario.status == "skipped":
        ET.SubElement(case, "skipped", {"message": message})


def build(run: RunResult) -> ET.Element:
    root = ET.Element(
        "testsuites",
        {"name": "scim-harness", **_counts(run.scenarios), "timestamp": run.started},
    )
    hostname = socket.gethostname()
    for feature_file, scenarios in run.features().items():
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": scenarios[0].feature or feature_file,
                "file": feature_file,
                **_counts(scenarios),
                "timestamp": run.started,
                "hostname": hostname,
            },
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "target", "value": run.target.label})
        ET.SubElement(props, "property", {"name": "strict", "value": "true" if run.strict else "false"})
        for scenario in scenarios:
            _testcase(suite, scenario, run.strict)
    ET.indent(root)
    return root


def write(run: RunResult, path: Path) -> Path:
    ET.ElementTree(build(run)).write(path, encoding="utf-8", xml_declaration=True)
    return path
