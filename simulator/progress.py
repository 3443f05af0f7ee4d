"""Showing a run's progress: a rich progress bar on a terminal, plain lines otherwise (CI logs).

The engine's monitor calls :meth:`Progress.advance` after every event; the displays throttle
themselves (rich refreshes a few times a second, the plain one prints a line every few seconds),
so a fast run is not slowed by its own progress output.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichBar


class Progress(Protocol):
    """Receives a run's progress."""

    def start(self, description: str, total: int | None) -> None:
        """A run of about ``total`` events begins (None: unknown, e.g. a soak)."""

    def advance(self, events: int, requests: int, problems: int) -> None:
        """Totals so far."""

    def stop(self) -> None:
        """The run is over."""


class Silent:
    """No output."""

    def start(self, description: str, total: int | None) -> None:
        return None

    def advance(self, events: int, requests: int, problems: int) -> None:
        return None

    def stop(self) -> None:
        return None


class PlainProgress:
    """One line every ``interval`` seconds, and one at the end: readable in a CI log."""

    def __init__(self, stream: TextIO, interval: float = 5.0) -> None:
        self.stream, self.interval = stream, interval
        self.description = ""
        self.total: int | None = None
        self._began = self._last = 0.0
        self._figures = (0, 0, 0)

    def start(self, description: str, total: int | None) -> None:
        self.description, self.total = description, total
        self._began = self._last = time.monotonic()

    def advance(self, events: int, requests: int, problems: int) -> None:
        self._figures = (events, requests, problems)
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._line(now)

    def stop(self) -> None:
        self._line(time.monotonic())

    def _line(self, now: float) -> None:
        events, requests, problems = self._figures
        of = f"/~{self.total}" if self.total else ""
        self.stream.write(
            f"{self.description}: {events}{of} events, {requests} requests, "
            f"{problems} problems, {now - self._began:.1f} s\n"
        )
        self.stream.flush()


class BarProgress:
    """A rich progress bar on the terminal ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        self._bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("events · {task.fields[requests]} requests · {task.fields[problems]} problems"),
            TimeElapsedColumn(),
            console=Console(file=stream),
        )
        self._task: TaskID | None = None
        self._total: int | None = None

    def start(self, description: str, total: int | None) -> None:
        self._total = total
        self._bar.start()
        self._task = self._bar.add_task(description, total=total, requests=0, problems=0)

    def advance(self, events: int, requests: int, problems: int) -> None:
        if self._task is None:
            return
        if self._total is not None and events > self._total:
            self._total = events  # the total was an estimate
            self._bar.update(self._task, total=events)
        self._bar.update(self._task, completed=events, requests=requests, problems=problems)

    def stop(self) -> None:
        if self._task is not None and self._total is not None:
            self._bar.update(self._task, total=self._bar.tasks[0].completed)
        self._bar.stop()


def for_stream(stream: TextIO | None = None) -> Progress:
    """A bar when ``stream`` (default stderr) is a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    return BarProgress(stream) if stream.isatty() else PlainProgress(stream)
