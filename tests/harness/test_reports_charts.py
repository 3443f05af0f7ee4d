"""The simulation in the reports: a tolerant reader of ``simulation.json`` and the SVG charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.reporting import html, markdown, simulation, summary, svg
from tests.support.reportdata import SIMULATION, sample_run


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [(0, 1.0), (0.7, 1.0), (3, 5.0), (11, 20.0), (240, 250.0), (251, 500.0), (1000, 1000.0)],
)
def test_nice_ceiling(value: float, ceiling: float) -> None:
    assert svg.nice_ceiling(value) == ceiling


def test_line_chart_lifts_the_pen_over_quiet_seconds() -> None:
    chart = svg.line_chart([simulation.Series("p99", [20.0, None, 45.0, 28.0])], "Latency", "ms")
    path = re.search(r'<path d="([^"]+)"', chart)
    assert path is not None
    moves = path.group(1).split()
    assert [m[0] for m in moves] == ["M", "M", "L"]  # second 1 has no value: a gap, not a zero
    assert "<title>Latency</title>" in chart and "http" not in chart


def test_line_chart_scales_to_a_readable_maximum() -> None:
    chart = svg.line_chart(
        [simulation.Series("requests/s", [100.0, 480.0])], "Requests per second", "requests/s"
    )
    labels = re.findall(r">(\d+)</text>", chart)
    assert "500" in labels and "480" not in labels


def test_status_bar_widths_follow_the_counts() -> None:
    chart = svg.status_bar([("200", 3), ("500", 1)], "Status-code mix", width=400)
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="24" width="([\d.]+)"', chart)]
    assert widths == [300.0, 100.0]
    colours = svg.status_colours(["200", "201", "404", "500", "error"])
    assert len(set(colours.values())) == 5
    assert colours["200"] != colours["201"]


def test_load_is_none_without_a_readable_file(tmp_path: Path) -> None:
    assert simulation.load(tmp_path) is None
    (tmp_path / "simulation.json").write_text("{not json")
    assert simulation.load(tmp_path) is None
    (tmp_path / "simulation.json").write_text("[1, 2]")
    assert simulation.load(tmp_path) is None
    (tmp_path / "simulation.json").write_text(json.dumps(SIMULATION))
    assert simulation.load(tmp_path) == SIMULATION


@pytest.mark.parametrize(
    "partial",
    [
        {},
        {"scenario": 3, "timeline": "soon", "statuses": ["200"], "latencyMs": None, "problems": 7},
        {"timeline": [{"second": 0}, "junk", {"requests": "many"}], "statuses": {"200": "x", "201": 2}},
        {"problems": [{"kind": "status"}], "ok": "yes"},
    ],
)
def test_reports_survive_a_partial_or_odd_simulation(partial: dict[str, object]) -> None:
    run = sample_run(simulation=partial)
    page = html.render(run)
    assert 'id="simulation"' in page and page.count("<svg") == 3
    assert "OneLogin simulation" in markdown.render(run)
    digest = summary.build(run)["simulation"]
    assert isinstance(digest["requests"], int) and isinstance(digest["ok"], bool)


def test_markdown_sparkline() -> None:
    assert markdown.sparkline([0.0, 4.0, 8.0]) == "▁▅█"
    assert markdown.sparkline([1.0, None, 1.0]) == "█ █"
    assert markdown.sparkline([0.0, 0.0]) == "▁▁"
