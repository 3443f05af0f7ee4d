"""The feature suite catches every deliberately broken server, and passes the unbroken one.

Each fault of ``tests/faults.py`` (one bug each) runs behind the reference server; the suite's
scenarios of the area(s) that should notice it run against that server, with the observer, and at
least one of them must fail. ``--maxfail=1``: one failure is enough. The faulty servers run in
this process (uvicorn threads); the suite runs in child processes, two at a time.

The whole suite against the unbroken reference server must have no failure at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.target import embedded_server
from tests.support.faults import FAULTS, faulty_server
from tests.support.scimtest import make_config
from tests.support.suiterun import SuiteRun, run_suite

pytestmark = pytest.mark.slow

# Fault → the suite areas (steps/test_<area>.py) that catch it; each fault's docstring names the
# scenario. A fault missing here fails test_every_fault_is_caught_by_some_area.
CAUGHT_BY: dict[str, tuple[str, ...]] = {
    "ignore-active-on-put": ("onelogin",),
    "reject-legacy-urns": ("onelogin",),
    "create-404": ("users",),
    "create-without-name": ("onelogin",),
    "create-without-id": ("users",),
    "ignore-filters": ("users",),
    "create-200": ("users",),
    "wrong-content-type": ("errors",),
    "error-status-as-number": ("errors",),
    "password-returned": ("users",),
    "paging-zero-based": ("query",),
    "no-match-404": ("query",),
    "no-etag": ("etags",),
    "if-match-ignored": ("etags",),
    "case-sensitive-username": ("users",),
    "duplicate-username-accepted": ("users",),
    "delete-ignored": ("users",),
    "put-creates": ("users",),
    "client-id-kept": ("users",),
    "no-schemas": ("users",),
    "no-location": ("users",),
    "patch-ignored": ("patch",),
    "patch-not-atomic": ("patch",),
    "sort-ignored": ("query",),
    "attributes-ignored": ("query",),
    "excluded-attributes-ignored": ("query",),
    "count-ignored": ("query",),
    "user-name-declared-always-but-left-out": ("users",),
    "create-stores-inactive": ("onelogin",),
    "json-only-as-scim": ("onelogin",),
    "grouped-not-refused": ("query",),
    "sloppy-patch-add": ("patch",),
    "grants-kept-after-suspension": ("lifecycle",),
    "rotation-missing": ("lifecycle",),
    "team-access-kept-after-suspension": ("lifecycle",),
    "reactivation-restores-grants": ("lifecycle",),
    "group-leave-no-rotation": ("lifecycle",),
}

NOT_BUGS = {
    "throttled": "429 with Retry-After is legitimate; the simulator retries it (test_sim_verify.py)",
}


def _run_against_fault(name: str, folder: Path) -> SuiteRun:
    config = make_config(folder / f"{name}.db", rotation_delay=0.05)
    with faulty_server(name, config) as server:
        return run_suite(
            server.base_url,
            config.token,
            server.observer_url,
            config.observer_token,
            paths=tuple(f"steps/test_{area}.py" for area in CAUGHT_BY[name]),
            extra=("--maxfail=1",),
        )


@pytest.fixture(scope="module")
def fault_runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, SuiteRun]:
    """The suite's run against every fault whose test is selected, two runs at a time."""
    wanted = sorted(
        {
            item.callspec.params["name"]
            for item in request.session.items
            if item.path == request.path and hasattr(item, "callspec") and "name" in item.callspec.params
        }
    )
    folder = tmp_path_factory.mktemp("faults")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(wanted, pool.map(lambda n: _run_against_fault(n, folder), wanted), strict=True))


def test_every_fault_is_caught_by_some_area() -> None:
    assert set(FAULTS) - NOT_BUGS.keys() == set(CAUGHT_BY), "add the fault to CAUGHT_BY (or NOT_BUGS)"
    assert len(CAUGHT_BY) >= 20


@pytest.mark.parametrize("name", sorted(CAUGHT_BY))
def test_the_suite_fails_against_each_broken_server(name: str, fault_runs: dict[str, SuiteRun]) -> None:
    run = fault_runs[name]
    assert run.returncode == 1 and run.failed, f"no scenario caught {name!r}: {run.describe()}"


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[tuple[str, str, str, str]]:
    config = make_config(tmp_path / "scim.db", rotation_delay=0.05)
    with embedded_server(config) as server:
        yield server.base_url, config.token, server.observer_url, config.observer_token


def test_the_whole_suite_passes_against_the_unbroken_server(reference: tuple[str, str, str, str]) -> None:
    run = run_suite(*reference)
    assert run.returncode == 0 and not run.failed, run.describe()
    assert len(run.passed) > 150, run.describe()
