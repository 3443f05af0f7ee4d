"""A pytest plugin that streams the feature suite's results, one JSON line per event.

``scim-harness check`` runs the suite in worker processes with ``-p harness.collect
--harness-events FILE``; this plugin writes to FILE what the reports and the live display need:

- ``{"event": "collected", "total": n, "serial": m}`` once the worker's scenarios are selected;
- ``{"event": "start", "nodeid": ..., "feature": ...}`` as a scenario starts;
- ``{"event": "result", ...}`` as it ends: feature, scenario, tags, status, duration (and the
  ``phases`` it is the sum of), the failure message and traceback, the steps with their status,
  the SCIM wire, and ``failure`` (below);
- ``{"event": "exit", "message": ..., "returncode": n}`` when the run is stopped (``pytest.exit``).

``--harness-shard K/N`` keeps the K-th of N groups of whole feature files (balanced by scenario
count) and leaves out scenarios tagged ``@serial``; ``--harness-shard serial`` keeps only those.
Every string written is scrubbed of the target's tokens, whatever produced it.

**Structured failure info** (the contract between the steps and the reports; docs/reports.md):
a step that knows *why* a scenario failed may add to the call-phase report's ``user_properties``
the entry ``("scim_failure", {...})`` with the keys

- ``basis``: a list of checklist ids (``"R-11"``) and/or IdP facts (``"fact:onelogin_legacy_urns"``);
- ``request``: the request that broke it, method and path with the base path (``"POST /scim/v2/Users"``);
- ``status``: the status it got (``400``), ``scimType`` and ``detail`` of its Error body;
- ``expected``: what the scenario expected instead (``201``).

Every key is optional. It is passed through as the result's ``failure``; the reports then group
the failure by it (:mod:`harness.reporting.causes`) in preference to what they derive from the wire
and the tags. The last entry wins when a scenario's reports carry several.

**Findings**: a step that works around what it found and goes on (the lifecycle scenarios' push
with the RFC-clean template) adds ``("scim_finding", {...})``; every such entry is passed through
in the result's ``findings`` list (keys: :mod:`harness.reporting.findings`), whatever the status.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Any

import pytest

from harness.scenario_info import ScenarioInfo, describe, step_results
from scim_client import Redactor

SERIAL_TAG = "serial"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "scim-harness check (result streaming)")
    group.addoption("--harness-events", default=None, help="write one JSON line per event to this file")
    group.addoption("--harness-shard", default=None, help="K/N: run the K-th of N shards; or 'serial'")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--harness-events")
    if path:
        config.pluginmanager.register(_Streamer(config, Path(path)), "harness-streamer")


def shards(features: dict[str, int], count: int) -> dict[str, int]:
    """Assign each feature file to one of ``count`` shards, largest first to the lightest shard.

    Deterministic, so every worker computes the same assignment from the same collection.
    """
    load = [0] * count
    assigned: dict[str, int] = {}
    for feature, size in sorted(features.items(), key=lambda kv: (-kv[1], kv[0])):
        lightest = min(range(count), key=lambda i: (load[i], i))
        assigned[feature] = lightest
        load[lightest] += size
    return assigned


def _parse_shard(value: str) -> tuple[int, int] | None:
    if value == SERIAL_TAG:
        return None
    index, _, count = value.partition("/")
    try:
        k, n = int(index), int(count)
    except ValueError:
        raise pytest.UsageError(f"--harness-shard must be K/N or 'serial', not {value!r}") from None
    if not 1 <= k <= n:
        raise pytest.UsageError(f"--harness-shard {value}: K must be between 1 and N")
    return k - 1, n


class _Streamer:
    """Collects each scenario's phase reports and writes its result when its teardown is done."""

    def __init__(self, config: pytest.Config, path: Path) -> None:
        self.config = config
        self.out: IO[str] = path.open("a", encoding="utf-8")
        tokens = (config.getoption("--scim-token", None), config.getoption("--scim-observer-token", None))
        self.redactor = Redactor.of(tokens)
        self.reports: dict[str, list[pytest.TestReport]] = {}
        self.infos: dict[str, ScenarioInfo] = {}

    def emit(self, record: dict[str, Any]) -> None:
        text = self.redactor.text(json.dumps(record, ensure_ascii=False, default=str))
        self.out.write(text + "\n")
        self.out.flush()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        shard = config.getoption("--harness-shard")
        serial = [i for i in items if SERIAL_TAG in describe(i).tags]
        if shard:
            chosen = _parse_shard(shard)
            parallel = [i for i in items if SERIAL_TAG not in describe(i).tags]
            if chosen is None:
                keep = serial
            else:
                index, count = chosen
                sizes: dict[str, int] = {}
                for item in parallel:
                    feature = describe(item).feature_file
                    sizes[feature] = sizes.get(feature, 0) + 1
                owner = shards(sizes, count)
                keep = [i for i in parallel if owner[describe(i).feature_file] == index]
            kept = {id(i) for i in keep}
            dropped = [i for i in items if id(i) not in kept]
            if dropped:
                config.hook.pytest_deselected(items=dropped)
            items[:] = keep
        self.emit({"event": "collected", "total": len(items), "serial": len(serial)})

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        info = self.infos.get(nodeid)
        self.emit({"event": "start", "nodeid": nodeid, "feature": info.feature if info else location[0]})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        self.infos[item.nodeid] = describe(item)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.reports.setdefault(report.nodeid, []).append(report)
        if report.when == "teardown":
            self.emit(self._result(report.nodeid))

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        value = excinfo.value
        if isinstance(value, pytest.exit.Exception):
            self.emit({"event": "exit", "message": value.msg, "returncode": value.returncode})
        else:
            self.emit({"event": "exit", "message": "interrupted", "returncode": 2})

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.emit({"event": "finish", "exitstatus": int(exitstatus)})
        self.out.close()

    def _result(self, nodeid: str) -> dict[str, Any]:
        reports = self.reports.pop(nodeid, [])
        info = self.infos.pop(nodeid)
        status, message, details, failed_phase = _outcome(reports)
        wire: list[dict[str, Any]] = []
        failure: dict[str, Any] | None = None
        findings: list[dict[str, Any]] = []
        for report in reports:
            for key, value in report.user_properties:
                if key == "scim_wire" and isinstance(value, list):
                    wire.extend(value)
                elif key == "scim_failure" and isinstance(value, dict):
                    failure = value
                elif key == "scim_finding" and isinstance(value, dict):
                    findings.append(value)
        phases = {r.when: round(r.duration, 6) for r in reports}
        return {
            "event": "result",
            **info.as_json(),
            "status": status,
            # One sum, rounded once, so the reports' durations add up however each rounds.
            "duration": round(sum(phases.values()), 6),
            "phases": phases,
            "message": message,
            "details": details,
            "failedPhase": failed_phase,
            "steps": step_results(reports, info, status, failed_phase),
            "wire": wire,
            "failure": failure if status in ("failed", "error") else None,
            "findings": findings,
        }


# pytest's crash line names the exception: ``AssertionError: …`` or, for a step's own assertion
# type, its class path (``steps.failures.Failure: …``). A reader needs the message, not the class.
_EXCEPTION_PREFIX = re.compile(r"^(?:AssertionError|(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*): ")


def _readable(message: str) -> str:
    """The author's assertion message, without the exception's class name in front of it nor
    pytest's introspection of the ``assert`` after it."""
    message = _EXCEPTION_PREFIX.sub("", message, count=1)
    head, sep, _ = message.partition("\nassert ")
    return head if sep and head.strip() else message


def _trim_traceback(text: str) -> str:
    """A short traceback without the frames of installed packages (pytest's own machinery)."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        if line and not line[0].isspace():
            skipping = "site-packages" in line and ": in " in line
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def _outcome(reports: list[pytest.TestReport]) -> tuple[str, str | None, str | None, str | None]:
    """(status, one-line message, traceback text, phase that failed) from a scenario's reports."""
    for report in reports:
        if report.failed:
            status = "failed" if report.when == "call" else "error"
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash is not None else str(report.longrepr).strip().splitlines()[-1]
            message = _readable(message)
            if report.when != "call":
                message = f"error in {report.when}: {message}"
            return status, message, _trim_traceback(report.longreprtext), report.when
    for report in reports:
        if report.skipped:
            if hasattr(report, "wasxfail"):
                return "skipped", f"expected failure: {report.wasxfail}", None, None
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            return "skipped", reason.removeprefix("Skipped: "), None, None
    return "passed", None, None, None
