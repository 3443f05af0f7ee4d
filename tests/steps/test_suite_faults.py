"""The feature suite catches every deliberately broken server, and passes the unbroken one.

Each fault of ``tests/support/faults.py`` (one bug each) runs behind the reference server, and the
scenario(s) its docstring names — and only those — run against it, with the observer: each must
fail. The faulty servers run in this process (uvicorn threads); the suite runs in child processes
(pytest-bdd alone, as ``check``'s workers run it), two at a time.

The whole suite against the unbroken reference server must have no failure at all: that is the
first run of ``tests/steps/test_suite_twice.py`` (with the observer, as here), not repeated here.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.faults import FAULTS, faulty_server
from tests.support.faults_idp import CAUGHT_BY_IDP  # registers the IdP faults (their own test file)
from tests.support.scimtest import make_config
from tests.support.suiterun import SuiteRun, run_suite

pytestmark = pytest.mark.slow

# Fault → the area (steps/test_<area>.py) and the scenario(s) it must fail: the scenario each
# fault's docstring names. Only those run against the fault, and each must fail; a fault missing
# here fails test_every_fault_is_caught_by_some_scenario, a renamed scenario fails the run (the
# selection refuses a name no feature has).
CAUGHT_BY: dict[str, tuple[str, tuple[str, ...]]] = {
    "ignore-active-on-put": ("onelogin", ("A user suspended in OneLogin is deactivated in the app",)),
    "reject-legacy-urns": ("onelogin", ("The default template's legacy schema URNs are accepted",)),
    "create-404": ("users", ("A new user is returned with where it lives and when it was created",)),
    "create-without-name": ("onelogin", ("A user assigned in OneLogin is created in the app",)),
    "create-without-id": ("users", ("A new user is returned with where it lives and when it was created",)),
    "ignore-filters": ("users", ("externalId is compared exactly",)),
    "create-200": ("users", ("A new user is returned with where it lives and when it was created",)),
    "wrong-content-type": ("errors", ("An error is sent as SCIM JSON",)),
    "error-status-as-number": ("errors", ("An unauthorized request is answered with a SCIM error",)),
    "password-returned": ("users", ("A password is accepted but never returned",)),
    "paging-zero-based": ("query", ("Paging through the directory finds every user once",)),
    "no-match-404": ("query", ("A filter that matches nobody answers an empty list, not an error",)),
    "no-etag": ("etags", ("A new user carries its version",)),
    "if-match-ignored": ("etags", ("A modification based on a stale version is refused",)),
    "case-sensitive-username": ("users", ("A user is found by userName whatever its case",)),
    "duplicate-username-accepted": ("users", ("A userName that is already taken is a uniqueness conflict",)),
    "delete-ignored": ("users", ("A deleted user is gone",)),
    "put-creates": ("users", ("Replacing a user that does not exist does not create it",)),
    "client-id-kept": ("users", ("The server issues the id and metadata, ignoring any the client sends",)),
    "no-schemas": ("users", ("A new user is returned with where it lives and when it was created",)),
    "no-location": ("users", ("A new user is returned with where it lives and when it was created",)),
    "patch-ignored": ("patch", ("A filtered path replaces a sub-attribute of the matching values only",)),
    "patch-not-atomic": ("patch", ("A modification with one bad operation changes nothing",)),
    "sort-ignored": ("query", ("Users are sorted in descending order",)),
    "attributes-ignored": ("query", ("Only the attributes asked for come back, with the id",)),
    "excluded-attributes-ignored": ("query", ("Excluded attributes are left out, but never the id",)),
    "count-ignored": ("query", ("Paging values are read generously (start <start>, count <count>)",)),
    "json-only-as-scim": ("onelogin", ("Requests with Content-Type application/json are accepted",)),
    "grants-kept-after-suspension": (
        "lifecycle",
        ("A user suspended in OneLogin loses every grant, and each privileged account is rotated once",),
    ),
    "rotation-missing": (
        "lifecycle",
        ("A user suspended in OneLogin loses every grant, and each privileged account is rotated once",),
    ),
    "team-access-kept-after-suspension": (
        "lifecycle",
        ("A user suspended in OneLogin loses every grant, and each privileged account is rotated once",),
    ),
    "reactivation-restores-grants": ("lifecycle", ("A reactivated user has no grant and no team",)),
    "group-leave-no-rotation": (
        "lifecycle",
        ("Leaving a group ends the team's access and rotates its privileged accounts",),
    ),
    "create-stores-inactive": ("onelogin", ("A user assigned in OneLogin is created in the app",)),
    "grouped-not-refused": ("query", ("Logical operators bind in the RFC's order (<rule>)",)),
    "sloppy-patch-add": ("patch", ("Adding a value that is already there changes nothing",)),
    "user-name-declared-always-but-left-out": ("users", ("The id comes back even when not asked for",)),
    "grant-to-suspended-user": ("lifecycle", ("A suspended user cannot receive a direct grant",)),
    "team-access-while-suspended": (
        "lifecycle",
        ("A suspended user put in a team's group gains no access through it",),
    ),
    "grant-to-deleted-user": ("lifecycle", ("A deleted user's id cannot receive a grant",)),
    "grants-refused-after-reactivation": (
        "lifecycle",
        ("After reactivation, access granted again works, directly and through a team",),
    ),
    "grants-to-inactive-users": (
        "lifecycle",
        (
            "A suspended user cannot receive a direct grant",
            "A suspended user put in a team's group gains no access through it",
            "A deleted user's id cannot receive a grant",
        ),
    ),
    "duplicate-group-400": (
        "groups",
        ("A second group with a taken displayName is created, or refused as a conflict",),
    ),
}

NOT_BUGS = {
    "throttled": "429 with Retry-After is legitimate; the simulator retries it (tests/simulator/test_verify)",
}


def _run_against_fault(name: str, folder: Path) -> SuiteRun:
    area, scenarios = CAUGHT_BY[name]
    config = make_config(folder / f"{name}.db", rotation_delay=0.05)
    with faulty_server(name, config) as server:
        return run_suite(
            server.base_url,
            config.token,
            server.observer_url,
            config.observer_token,
            paths=(f"steps/test_{area}.py",),
            scenarios=scenarios,
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


def test_every_fault_is_caught_by_some_scenario() -> None:
    listed = set(CAUGHT_BY) | set(CAUGHT_BY_IDP)  # the IdP faults: tests/steps/test_suite_faults_idp.py
    assert set(FAULTS) - NOT_BUGS.keys() == listed, "add the fault to CAUGHT_BY (or NOT_BUGS)"
    assert len(CAUGHT_BY) >= 20


@pytest.mark.parametrize("name", sorted(CAUGHT_BY))
def test_the_scenario_each_fault_names_fails_against_it(name: str, fault_runs: dict[str, SuiteRun]) -> None:
    run = fault_runs[name]
    _, scenarios = CAUGHT_BY[name]
    assert run.returncode == 1, f"{name!r} made no scenario fail: {run.describe()}"
    for scenario in scenarios:
        # an outline's examples carry their values in the name: any failing example catches it
        prefix = scenario.split("<", 1)[0]
        caught = [failed for failed in run.failed if failed == scenario or failed.startswith(prefix)]
        assert caught, f"{scenario!r} did not fail against {name!r}: {run.describe()}"
