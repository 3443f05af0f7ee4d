"""Run the feature suite (``steps/``) against a target in a child process, and read what failed.

The suite is pytest + pytest-bdd; a run here is ``python -m pytest steps ...`` in the project
root, as a user runs it, with the target given by environment variables (tokens never in argv),
started warm by :mod:`tests.support.forkserver` (its imports done once, a fork per run).
The outcome is read from the run's JUnit XML; the cucumber JSON maps each test back to the
scenario name written in the feature file (with an outline's example filled in).
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SuiteRun:
    """What one run of the suite did: scenario name → outcome, plus the raw output."""

    returncode: int
    passed: frozenset[str]
    failed: dict[str, str] = field(default_factory=dict)
    """Scenario name → the first lines of its failure (a failed or errored test)."""
    skipped: frozenset[str] = frozenset()
    output: str = ""

    def describe(self) -> str:
        lines = [f"exit {self.returncode}: {len(self.passed)} passed, {len(self.failed)} failed"]
        lines += [f"  FAILED {name}: {why}" for name, why in sorted(self.failed.items())]
        if self.returncode not in (0, 1):
            lines.append(self.output[-3000:])
        return "\n".join(lines)


def suite_env(
    base_url: str, token: str, observer_url: str | None = None, observer_token: str | None = None
) -> dict[str, str]:
    """The environment a suite run against this target uses (no inherited SCIM_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIM_") and k != "GITHUB_STEP_SUMMARY"}
    env.update(SCIM_BASE_URL=base_url, SCIM_TOKEN=token)
    # as check's workers run it: only pytest-bdd, not every plugin of the venv (seconds per start)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if observer_url and observer_token:
        env.update(SCIM_OBSERVER_URL=observer_url, SCIM_OBSERVER_TOKEN=observer_token)
    return env


def run_suite(
    base_url: str,
    token: str,
    observer_url: str | None = None,
    observer_token: str | None = None,
    *,
    paths: tuple[str, ...] = ("steps",),
    extra: tuple[str, ...] = (),
    scenarios: tuple[str, ...] = (),
    timeout: float = 600,
) -> SuiteRun:
    """Run the scenarios under ``paths`` (e.g. ``steps/test_users.py``) against the target;
    with ``scenarios``, only the scenarios of those names."""
    selection: list[str] = []
    if scenarios:
        selection = ["-p", "tests.support.select_scenarios"]
        for name in scenarios:
            selection += ["--scenario", name]
    with tempfile.TemporaryDirectory(prefix="suiterun-") as tmp:
        junit, cucumber = Path(tmp) / "junit.xml", Path(tmp) / "cucumber.json"
        # ``python -m pytest`` + these, run by a warm fork (the step modules were imported before
        # pytest, hence the rewrite warning it would print for each)
        args = [
            "-p",
            "pytest_bdd.plugin",
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
            *selection,
            *paths,
            "-q",
            f"--junitxml={junit}",
            f"--cucumberjson={cucumber}",
            *extra,
        ]
        returncode, output = _FORKS.run(
            args, suite_env(base_url, token, observer_url, observer_token), Path(tmp), timeout
        )
        if not junit.exists():
            return SuiteRun(returncode, frozenset(), {"<no run>": output[-2000:]}, output=output)
        return _read(returncode, junit, cucumber, output)


class _Forks:
    """Warm suite runs: :mod:`tests.support.forkserver` processes (imports done once, a fork per
    run), one per run in flight, kept for the next run and ended when this process exits."""

    def __init__(self) -> None:
        self._idle: queue.SimpleQueue[subprocess.Popen[str]] = queue.SimpleQueue()
        self._all: list[subprocess.Popen[str]] = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    def _take(self) -> subprocess.Popen[str]:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            # started with a suite run's environment, target aside: what a run's imports may read
            env = suite_env("", "")
            del env["SCIM_BASE_URL"], env["SCIM_TOKEN"]
            server = subprocess.Popen(
                [sys.executable, "-m", "tests.support.forkserver"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            with self._lock:
                self._all.append(server)
            return server

    def run(self, args: list[str], env: dict[str, str], folder: Path, timeout: float) -> tuple[int, str]:
        """``python -m pytest *args`` in the project root with ``env``: its exit code and output."""
        output = folder / "output.txt"
        server = self._take()
        assert server.stdin is not None and server.stdout is not None
        job = {"args": args, "env": env, "output": str(output), "timeout": timeout}
        server.stdin.write(json.dumps(job) + "\n")
        server.stdin.flush()
        answer = server.stdout.readline()
        if not answer:
            raise RuntimeError(f"the fork server ended (exit {server.wait()}); see its stderr above")
        self._idle.put(server)
        text = output.read_text(encoding="utf-8", errors="replace") if output.exists() else ""
        return int(json.loads(answer)["code"]), text

    def close(self) -> None:
        for server in self._all:
            if server.stdin is not None:
                server.stdin.close()
        for server in self._all:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


_FORKS = _Forks()


def _scenario_names(cucumber: Path) -> dict[str, str]:
    """Test id (the JUnit test name) → scenario name, from pytest-bdd's cucumber JSON."""
    if not cucumber.exists():
        return {}
    names: dict[str, str] = {}
    for feature in json.loads(cucumber.read_text(encoding="utf-8")):
        for element in feature.get("elements", []):
            names[str(element.get("id"))] = str(element.get("name"))
    return names


def _read(returncode: int, junit: Path, cucumber: Path, output: str) -> SuiteRun:
    names = _scenario_names(cucumber)
    passed: set[str] = set()
    skipped: set[str] = set()
    failed: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        test = case.get("name", "")
        name = names.get(test, test)
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            message = (problem.get("message") or problem.text or "").strip()
            failed.setdefault(name, " ".join(message.split())[:300])
        elif case.find("skipped") is not None:
            skipped.add(name)
        else:
            passed.add(name)
    return SuiteRun(returncode, frozenset(passed - failed.keys()), failed, frozenset(skipped), output)
