"""Small inline SVG charts: lines over the run's seconds, and a status-code mix bar.

Plain SVG markup, inline in HTML (so without even a namespace URL), with no script, no external
font and no stylesheet beyond presentation attributes: a chart renders in a report opened from
disk, without a network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from harness.reporting.simulation import Series

PALETTE = ("#2563eb", "#d97706", "#dc2626", "#059669", "#7c3aed")
_FONT = 'font-family="system-ui, -apple-system, \'Segoe UI\', sans-serif" font-size="11"'
# Shades per status class, so 200 and 201 stay apart while both read as "success".
_STATUS_SHADES = {
    "2": ("#15803d", "#4ade80", "#166534", "#86efac"),
    "3": ("#1d4ed8", "#60a5fa", "#1e3a8a", "#93c5fd"),
    "4": ("#d97706", "#fbbf24", "#92400e", "#fde68a"),
    "5": ("#dc2626", "#f87171", "#7f1d1d", "#fca5a5"),
}
_OTHER = ("#6b7280", "#9ca3af", "#374151", "#d1d5db")


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above ``value`` (an axis maximum people can read)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def _label(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _paths(values: Sequence[float | None], x: list[float], y_of: float, top: float, height: float) -> str:
    """An SVG path through the values; a gap (None) lifts the pen."""
    parts: list[str] = []
    pen_down = False
    for xi, value in zip(x, values, strict=True):
        if value is None:
            pen_down = False
            continue
        yi = top + height - (value / y_of) * height
        parts.append(f"{'L' if pen_down else 'M'}{xi:.1f},{yi:.1f}")
        pen_down = True
    return " ".join(parts)


def line_chart(series: Sequence[Series], title: str, unit: str, width: int = 640, height: int = 220) -> str:
    """Lines of values per second, with a y axis in ``unit`` and a legend."""
    left, right, top, bottom = 52, 12, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    points = max((len(s.values) for s in series), default=0)
    peak = max((v for s in series for v in s.values if v is not None), default=0.0)
    y_max = nice_ceiling(peak)
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" {_FONT} font-weight="600" fill="#111827">{escape(title)}</text>',
    ]
    for i in range(5):
        value = y_max * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} fill="#4b5563">'
            f"{_label(value)}</text>"
        )
    out.append(
        f'<text x="12" y="{top + plot_h / 2:.1f}" {_FONT} fill="#4b5563" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.1f})" text-anchor="middle">{escape(unit)}</text>'
    )
    if points:
        step = plot_w / max(points - 1, 1)
        xs = [left + i * step for i in range(points)]
        for tick in sorted({0, points // 2, points - 1}):
            out.append(
                f'<text x="{xs[tick]:.1f}" y="{height - bottom + 14}" text-anchor="middle" {_FONT} '
                f'fill="#4b5563">{tick}s</text>'
            )
        for index, s in enumerate(series):
            colour = PALETTE[index % len(PALETTE)]
            values = list(s.values) + [None] * (points - len(s.values))
            path = _paths(values, xs, y_max, top, plot_h)
            if path:
                out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
            if points == 1 and values[0] is not None:
                cy = top + plot_h - (values[0] / y_max) * plot_h
                out.append(f'<circle cx="{xs[0]:.1f}" cy="{cy:.1f}" r="3" fill="{colour}"/>')
    else:
        out.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" {_FONT} '
            f'fill="#6b7280">no traffic recorded</text>'
        )
    legend_x = left
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        y = height - 8
        out.append(f'<rect x="{legend_x}" y="{y - 8}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{legend_x + 14}" y="{y + 1}" {_FONT} fill="#111827">{escape(s.name)}</text>')
        legend_x += 24 + 7 * len(s.name)
    out.append("</svg>")
    return "\n".join(out)


def status_colours(statuses: Sequence[str]) -> dict[str, str]:
    """A colour per status: its class's hue (2xx green, 3xx blue, 4xx amber, 5xx red, else grey)."""
    used: dict[str, int] = {}
    colours: dict[str, str] = {}
    for status in statuses:
        klass = status[:1] if status[:1] in _STATUS_SHADES and status.isdigit() else "other"
        shades = _STATUS_SHADES.get(klass, _OTHER)
        colours[status] = shades[used.get(klass, 0) % len(shades)]
        used[klass] = used.get(klass, 0) + 1
    return colours


def status_bar(mix: Sequence[tuple[str, int]], title: str, width: int = 640) -> str:
    """One stacked bar of status codes (2xx green, 3xx blue, 4xx amber, 5xx red, errors grey)."""
    total = sum(count for _, count in mix)
    colours = status_colours([status for status, _ in mix])
    rows = max(1, math.ceil(len(mix) / 4))
    height = 56 + 18 * rows
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" {_FONT} font-weight="600" fill="#111827">{escape(title)}</text>',
    ]
    x = 0.0
    for status, count in mix:
        w = width * count / total if total else 0
        out.append(
            f'<rect x="{x:.1f}" y="24" width="{w:.1f}" height="18" fill="{colours[status]}" stroke="#fff">'
            f"<title>{escape(status)}: {count}</title></rect>"
        )
        x += w
    if not total:
        out.append(f'<rect x="0" y="24" width="{width}" height="18" fill="#e5e7eb"/>')
    for index, (status, count) in enumerate(mix):
        col, row = index % 4, index // 4
        lx, ly = col * (width / 4), 62 + row * 18
        share = 100 * count / total if total else 0
        out.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{colours[status]}"/>')
        out.append(
            f'<text x="{lx + 14:.1f}" y="{ly}" {_FONT} fill="#111827">'
            f"{escape(status)}: {count} ({share:.1f} %)</text>"
        )
    out.append("</svg>")
    return "\n".join(out)
