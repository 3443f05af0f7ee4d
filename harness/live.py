"""The live progress of ``check``: scenario counts, the feature under way, failures as they happen.

On a terminal, a status line redraws in place (rich) while failures are printed above it as they
arrive. Elsewhere (CI logs, pipes) each scenario gets one plain line, so a log reads top to bottom.
A failure's message is printed whole when it is one short line; otherwise its first line is
shortened and followed by where the full text is: the report and the failure's anchor in it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from harness.reporting.model import ScenarioResult
from harness.reporting.verdicts import ALL, selected

_MARK = {"passed": "[green]PASS[/]", "skipped": "[dim]SKIP[/]"}
_SHORT = 240


def shortened(message: str, report: Path, anchor: str) -> str:
    """The message as one line for a terminal; when shortened, where the full text is."""
    lines = message.splitlines() or [""]
    head = lines[0]
    if len(lines) == 1 and len(head) <= _SHORT:
        return head
    cut = head if len(head) <= _SHORT else head[: _SHORT - 1] + "…"
    return f"{cut} [full text: {report}#{anchor}]"


class LiveProgress:
    """A :class:`harness.suite.Listener` drawing to ``console``."""

    def __init__(
        self, console: Console, strict: bool, gate: str = ALL, report: Path = Path("reports/report.html")
    ) -> None:
        self.console = console
        self.strict = strict
        self.gate = gate
        self.report = report
        self.total = 0
        self.counts: Counter[str] = Counter()
        self.current: dict[int, str] = {}
        self._live: Live | None = None

    def __enter__(self) -> LiveProgress:
        if self.console.is_terminal:
            self._live = Live(self._status(), console=self.console, refresh_per_second=8, transient=True)
            self._live.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(exc_type, exc, tb)
            self._live = None

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def _status(self) -> Text:
        features = ", ".join(sorted(set(self.current.values()))) or "starting"
        text = Text(f"{self.done}/{self.total or '?'} scenarios  ")
        text.append(f"{self.counts['passed']} passed  ", style="green")
        failed = self.counts["failed"] + self.counts["error"]
        text.append(f"{failed} failed  ", style="bold red" if failed else "")
        text.append(f"{self.counts['skipped']} skipped  ", style="dim")
        text.append(f"· {features}", style="cyan")
        return text

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._status())

    def expect(self, scenarios: int) -> None:
        self.total += scenarios
        self._refresh()

    def started(self, worker: int, feature: str) -> None:
        self.current[worker] = feature
        self._refresh()

    def finished(self, worker: int, result: dict[str, Any]) -> None:
        scenario = ScenarioResult.from_event(result)
        self.counts[scenario.status] += 1
        name = escape(f"{scenario.feature} › {scenario.name}")
        if scenario.bad:
            gating = scenario.gates(self.strict) and selected(self.gate, scenario.scope)
            mark = "[bold red]FAIL[/]" if gating else "[yellow]WARN[/]"
            where = f"{scenario.level.upper()}, {scenario.scope.name}, {scenario.location}"
            why = escape(shortened(scenario.message or scenario.status, self.report, scenario.anchor))
            self.console.print(f"{mark} {name} [dim]({where})[/]\n     {why}")
        elif self._live is None:
            reason = f" [dim]({escape(scenario.message)})[/]" if scenario.message else ""
            self.console.print(f"{_MARK.get(scenario.status, scenario.status)} {name}{reason}")
        self._refresh()
