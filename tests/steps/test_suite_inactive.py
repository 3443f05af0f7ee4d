"""Issue 15, acceptance: against a server that lets users who are not active receive grants, the
lifecycle area fails in exactly the scenarios about inactive users — and nowhere else.

The fault ``grants-to-inactive-users`` (tests/support/faults_lifecycle.py) grants a suspended user
direct access, grants a deleted user's id, and lets a team reach a suspended member; SCIM and the
deprovisioning stay correct. The whole lifecycle area runs against it, with the observer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.faults import faulty_server
from tests.support.scimtest import make_config
from tests.support.suiterun import run_suite

pytestmark = pytest.mark.slow

NEW_SCENARIOS = {
    "A suspended user cannot receive a direct grant",
    "A suspended user put in a team's group gains no access through it",
    "A deleted user's id cannot receive a grant",
}


def test_a_server_granting_inactive_users_fails_exactly_the_new_scenarios(tmp_path: Path) -> None:
    config = make_config(tmp_path / "scim.db", rotation_delay=0.05)
    with faulty_server("grants-to-inactive-users", config) as server:
        run = run_suite(
            server.base_url,
            config.token,
            server.observer_url,
            config.observer_token,
            paths=("steps/test_lifecycle.py",),
        )
    assert set(run.failed) == NEW_SCENARIOS, run.describe()
    assert len(run.passed) >= 15, run.describe()
    # each failure states its basis: the observer contract's rule, with its certainty
    basis = "OneLogin fact [doc]: only an active, existing user can receive access"
    assert run.output.count(basis) >= len(NEW_SCENARIOS), run.output[-3000:]
