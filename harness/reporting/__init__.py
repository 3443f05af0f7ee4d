"""The reports of a ``check`` run: JUnit XML, Cucumber JSON, HTML, Markdown and a JSON summary.

Each format is one module with ``write(run, path)``; :func:`write_reports` writes all five into
the report folder from one :class:`RunResult`.
"""

from __future__ import annotations

from pathlib import Path

from harness.reporting import cucumber, html, junit, markdown, summary
from harness.reporting.model import RunResult, ScenarioResult
from harness.reporting.simulation import load as load_simulation

REPORT_FILES = ("junit.xml", "cucumber.json", "report.html", "summary.md", "summary.json")


def write_reports(run: RunResult, report_dir: Path) -> list[Path]:
    """Write every report into ``report_dir`` (created if needed); return their paths."""
    report_dir.mkdir(parents=True, exist_ok=True)
    return [
        junit.write(run, report_dir / "junit.xml"),
        cucumber.write(run, report_dir / "cucumber.json"),
        html.write(run, report_dir / "report.html"),
        markdown.write(run, report_dir / "summary.md"),
        summary.write(run, report_dir / "summary.json"),
    ]


__all__ = ["REPORT_FILES", "RunResult", "ScenarioResult", "load_simulation", "write_reports"]
