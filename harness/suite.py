"""Run the feature suite in pytest worker processes and stream their results back.

One worker runs the whole suite in order. With ``jobs`` > 1, each of ``jobs`` workers takes a
shard of whole feature files (scenarios of one feature stay together and in order, see
:func:`harness.collect.shards`); scenarios tagged ``@serial`` then run alone in a last worker.
Every worker talks to the same target, given through the environment (``SCIM_BASE_URL``,
``SCIM_TOKEN``, ...), never the command line, so tokens show in no process listing; each writes
its events to a file this module tails (see :mod:`harness.collect`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from scim_client import FRONTEND_VARIABLE, Redactor, Target

_POLL = 0.05
NO_TESTS = 5  # pytest's exit code when no test was selected


def worker_environment(
    target: Target, extra: Mapping[str, str] | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a worker: ours, with the target's variables (tokens never in argv),
    ``extra`` (the run's profile), and the front end named, so hints and skip reasons speak of
    ``check``'s options."""
    env = dict(os.environ if base is None else base)
    env.update(target.environment())  # every variable of a target, so none is inherited
    env.update(extra or {})
    # only the plugins the suite needs (pytest-bdd, and harness.collect on the command line): the
    # same run whatever else is installed, and no second of start-up per worker for the others
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env[FRONTEND_VARIABLE] = "check"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Listener(Protocol):
    """What the live display hears while the suite runs."""

    def expect(self, scenarios: int) -> None: ...
    def started(self, worker: int, feature: str) -> None: ...
    def finished(self, worker: int, result: dict[str, Any]) -> None: ...


@dataclass
class SuiteOutcome:
    results: list[dict[str, Any]] = field(default_factory=list)
    stopped: str | None = None
    """Why the suite was stopped early (``pytest.exit``: an unreachable target, a rejected token)."""
    crashed: str | None = None
    """A worker could not run the suite (collection error, bad marker expression, internal error)."""
    log: str = ""


@dataclass
class _Worker:
    index: int
    process: subprocess.Popen[bytes]
    events: Path
    log: Path
    reader: IO[str] | None = None
    buffer: str = ""
    exit_event: dict[str, Any] | None = None

    def poll_lines(self) -> list[str]:
        if self.reader is None:
            if not self.events.exists():
                return []
            self.reader = self.events.open(encoding="utf-8")
        self.buffer += self.reader.read()
        *complete, self.buffer = self.buffer.split("\n")
        return [line for line in complete if line.strip()]


def _command(events: Path, tags: str | None, shard: str | None) -> list[str]:
    command = [sys.executable, "-m", "pytest", "steps", "-p", "pytest_bdd.plugin", "-p", "harness.collect"]
    command += ["--harness-events", str(events), "-q", "--tb=short", "--no-header"]
    if tags:
        command += ["-m", tags]
    if shard:
        command += ["--harness-shard", shard]
    return command


def _headline(log: str) -> str:
    """The line of a worker's output that says what went wrong."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    where = next((line for line in lines if line.startswith(("ERROR", "Error while", "ImportError"))), "")
    exceptions = [line.removeprefix("E").strip() for line in lines if line.startswith("E   ")]
    what = exceptions[-1] if exceptions else ""
    if where and what:
        return f"{where.rstrip('.')}: {what}"
    return where or what or (lines[-1] if lines else "no output")


class _Phase:
    def __init__(
        self, project: Path, target: Target, tags: str | None, workdir: Path, extra: Mapping[str, str]
    ) -> None:
        self.project, self.target, self.tags, self.workdir = project, target, tags, workdir
        self.redactor = Redactor.of(target.secrets)
        self.environment = worker_environment(target, extra)
        self.serial = 0

    def scrub(self, text: str) -> str:
        return self.redactor.text(text)

    def run(self, shards: list[str | None], first: int, listener: Listener, outcome: SuiteOutcome) -> None:
        """Run one worker per shard to the end, dispatching their events as they come."""
        workers: list[_Worker] = []
        try:
            for offset, shard in enumerate(shards):
                index = first + offset
                events, log = self.workdir / f"events-{index}.jsonl", self.workdir / f"worker-{index}.log"
                with log.open("wb") as sink:
                    # The command is this interpreter running pytest with fixed arguments.
                    process = subprocess.Popen(  # noqa: S603
                        _command(events, self.tags, shard),
                        cwd=self.project,
                        env=self.environment,
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                    )
                workers.append(_Worker(index, process, events, log))
            running = True
            while running:
                running = any(w.process.poll() is None for w in workers)
                for worker in workers:
                    for line in worker.poll_lines():
                        self._dispatch(worker, line, shards, listener, outcome)
                if running:
                    time.sleep(_POLL)
        finally:
            for worker in workers:
                if worker.process.poll() is None:
                    worker.process.terminate()
                    worker.process.wait(timeout=30)
                if worker.reader is not None:
                    worker.reader.close()
        for worker in workers:
            self._judge(worker, outcome)

    def _dispatch(
        self, worker: _Worker, line: str, shards: list[str | None], listener: Listener, outcome: SuiteOutcome
    ) -> None:
        try:
            event = json.loads(self.scrub(line))
        except ValueError:
            return
        kind = event.get("event")
        if kind == "collected" and shards != ["serial"]:
            listener.expect(int(event.get("total", 0)))
            # Sharded workers each leave out the same @serial scenarios; the last phase runs them.
            serial = int(event.get("serial", 0)) if shards != [None] else 0
            if serial and not self.serial:
                self.serial = serial
                listener.expect(serial)
        elif kind == "start":
            listener.started(worker.index, str(event.get("feature", "")))
        elif kind == "result":
            outcome.results.append(event)
            listener.finished(worker.index, event)
        elif kind == "exit":
            worker.exit_event = event

    def _judge(self, worker: _Worker, outcome: SuiteOutcome) -> None:
        log = self.scrub(worker.log.read_text(encoding="utf-8", errors="replace"))
        outcome.log += f"===== worker {worker.index} (exit {worker.process.returncode}) =====\n{log}\n"
        if worker.exit_event is not None:
            outcome.stopped = outcome.stopped or str(worker.exit_event.get("message", "stopped"))
        elif worker.process.returncode not in (0, 1, NO_TESTS):
            reason = f"pytest exit {worker.process.returncode}: {_headline(log)}"
            outcome.crashed = outcome.crashed or reason


def run_suite(
    project: Path,
    target: Target,
    tags: str | None,
    jobs: int,
    listener: Listener,
    workdir: Path,
    environment: Mapping[str, str] | None = None,
) -> SuiteOutcome:
    """Run the suite over ``project/steps`` against ``target``; results arrive through ``listener``."""
    outcome = SuiteOutcome()
    phase = _Phase(project, target, tags, workdir, environment or {})
    if jobs <= 1:
        phase.run([None], 1, listener, outcome)
        return outcome
    phase.run([f"{k}/{jobs}" for k in range(1, jobs + 1)], 1, listener, outcome)
    if phase.serial and not (outcome.stopped or outcome.crashed):
        phase.run(["serial"], jobs + 1, listener, outcome)
    return outcome
