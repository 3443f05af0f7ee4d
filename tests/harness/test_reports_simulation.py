"""The simulation in ``report.html`` and ``summary.json``, read from a real ``simulation.json``.

One ``simulate`` run against a server with one fault (it refuses OneLogin's legacy URN on every
create) writes the file; the report must show that as one cause with its count, basis and example
exchange, count the HTTP errors, and say the reconciliation did not run (nothing was created).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.reporting import html_simulation
from harness.reporting import simulation as sim_data
from tests.support.faults import faulty_server
from tests.support.scimtest import TOKEN, make_config


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("sim-report")
    with faulty_server("reject-legacy-urns", make_config(folder / "scim.db")) as server:
        result = CliRunner().invoke(
            cli,
            ["simulate", "--scenario", "onboarding", "--users", "20", "--base-url", server.base_url,
             "--token", TOKEN, "--report-dir", str(folder), "--no-progress"],
            env={"SCIM_BASE_URL": "", "SCIM_TOKEN": ""},
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    loaded = sim_data.load(folder)
    assert loaded is not None
    return loaded


def test_the_html_shows_one_cause_with_its_count_basis_and_example(refused: dict[str, Any]) -> None:
    section = html_simulation.section(refused)
    count = refused["problems"]["count"]
    assert section.count('<details class="failure cause">') == 1
    assert f"{count} × POST /Users → 400 invalidValue" in section
    assert "Basis: OneLogin fact [doc]: POST /Users must answer 201" in section
    assert "HTTP 400" in section and "unknown schema urn:scim:schemas:core:2.0" in section  # the example
    assert "Bearer ***" in section and TOKEN not in section
    assert "Reconciliation <b>not run</b>" in section
    assert f"<b>{count}</b>HTTP errors" in section
    assert section.count("<svg") == 3 and "HTTP errors/s" in section


def test_the_digest_carries_the_new_figures(refused: dict[str, Any]) -> None:
    digest = sim_data.digest(refused)
    assert digest["causes"] == 1 and digest["problems"] == digest["httpErrors"] > 10
    assert digest["reconciliation"] == "not run" and digest["stopped"] is None


def test_a_stopped_run_says_so(refused: dict[str, Any]) -> None:
    stopped = {**refused, "stopped": "the connection test failed: GET /Users?filter=… answered 500"}
    assert "stopped before provisioning: the connection test failed" in html_simulation.section(stopped)


@pytest.mark.parametrize(
    ("reconciliation", "status"),
    [
        (
            {
                "usersExpected": 0,
                "usersChecked": 0,
                "groupsExpected": 0,
                "groupsChecked": 0,
                "complete": True,
            },
            "not run",
        ),
        (
            {
                "usersExpected": 3,
                "usersChecked": 3,
                "groupsExpected": 0,
                "groupsChecked": 0,
                "complete": True,
            },
            "complete",
        ),
        ({"usersExpected": 3, "usersChecked": 1, "complete": False}, "incomplete"),
        ({}, "not run"),
    ],
)
def test_an_older_file_nothing_compared_is_never_complete(
    reconciliation: dict[str, Any], status: str
) -> None:
    assert sim_data.reconciliation({"reconciliation": reconciliation})["status"] == status


def test_http_errors_of_an_older_file_come_from_its_status_mix() -> None:
    old = {"statuses": {"200": 10, "404": 2, "409": 1, "503": 4, "error": 3}}
    assert sim_data.http_errors(old) == {"errors": 10, "4xx": 3, "5xx": 4, "noAnswer": 3}
    assert json.dumps(html_simulation.section(old))  # renders without causes, timeline or reconciliation
