"""Against broken servers, a failure speaks in the right order and says where the fault is.

Issue 13.3/13.4, run as a user runs the suite (a child ``pytest steps``, tests/support/suiterun.py):

- a scenario whose own assertion fails reports that assertion first, with the schema violation of
  an answer as an "also noticed" note — the PATCH that duplicated an email while also answering a
  timestamp that is no dateTime reports the email, not the timestamp;
- a scenario whose own steps pass but whose answers break a schema fails with the schema message,
  its basis and the exchange;
- a ``not`` scenario that a server fails only because of the nesting the harness adds to keep to
  the scenario's users says so, and cites grouping (Q-03), not the scenario's own rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.faults import faulty_server
from tests.support.scimtest import make_config
from tests.support.suiterun import run_suite

pytestmark = pytest.mark.slow


def failure_messages(output: str) -> dict[str, str]:
    """Test name → its failure message (the ``E`` lines of pytest's report, unprefixed)."""
    messages: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        header = re.fullmatch(r"_+ (test\S.*?) _+", line)
        if header:
            current = header.group(1)
            messages[current] = []
        elif current is not None and line.startswith("E   "):
            messages[current].append(line[4:].removeprefix("        ").rstrip())
    return {name: "\n".join(lines) for name, lines in messages.items() if lines}


def run_against(fault: str, folder: Path, path: str, selection: str) -> dict[str, str]:
    config = make_config(folder / f"{fault}.db")
    with faulty_server(fault, config) as server:
        run = run_suite(
            server.base_url, config.token, paths=(path,), extra=("-k", selection, "-p", "no:randomly")
        )
    assert run.returncode == 1, run.describe()
    return failure_messages(run.output)


@pytest.fixture(scope="module")
def sloppy_patch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    selection = "already_there or adding_an_attribute_the_user"
    return run_against(
        "sloppy-patch-add", tmp_path_factory.mktemp("sloppy"), "steps/test_patch.py", selection
    )


def test_the_scenarios_own_assertion_speaks_first_and_the_schema_rides_along(
    sloppy_patch: dict[str, str],
) -> None:
    message = sloppy_patch["test_adding_a_value_that_is_already_there_changes_nothing"]
    lines = message.splitlines()
    assert lines[0].startswith("steps.failures.Failure: the user's emails are now ")
    assert lines[0].count("ana@home.example.org") == 2  # the duplicate, named
    assert lines[1].startswith("  sent: GET /scim/v2/Users/")
    assert "  basis: M-05 (RFC 7644 §3.5.2.1)" in lines
    noticed = [line for line in lines if line.startswith("  also noticed: ")]
    assert len(noticed) == 1 and noticed[0].startswith("  also noticed: PATCH /scim/v2/Users/")
    assert "/meta/lastModified: 'a moment ago' is not a 'date-time'" in noticed[0]
    assert "lastModified" not in lines[0]  # the timestamp did not speak first


def test_steps_that_pass_still_fail_on_a_schema_with_its_basis_and_exchange(
    sloppy_patch: dict[str, str],
) -> None:
    message = sloppy_patch["test_adding_an_attribute_the_user_does_not_have_sets_it"]
    lines = message.splitlines()
    assert lines[0] == (
        "steps.failures.Failure: the scenario's own checks passed, but an answer breaks its SCIM schema: "
        "/meta/lastModified: 'a moment ago' is not a 'date-time' (format)"
    )
    assert lines[1].startswith("  sent: PATCH /scim/v2/Users/")
    assert lines[2].startswith("  answered: 200 ")
    assert "  basis: R-04 (RFC 7643 §3.1)" in lines
    assert not any("SchemaViolation" in line or "steps.wire" in line for line in lines)


def test_a_not_scenario_failed_by_the_harness_nesting_says_so(tmp_path: Path) -> None:
    messages = run_against("grouped-not-refused", tmp_path, "steps/test_query.py", "logical_operators")
    [message] = [
        m for name, m in messages.items() if name.startswith("test_logical_operators") and "[not-" in name
    ]
    lines = message.splitlines()
    assert lines[0].startswith(
        "steps.failures.Failure: the filter not (title pr), limited to this scenario's users, was refused"
    )
    assert "  the feature's filter: not (title pr)" in lines
    assert any(line.startswith("  sent scoped to this scenario's users as: userName co \"") for line in lines)
    [cause] = [line for line in lines if line.startswith("  cause: ")]
    assert "correctly alone" in cause and "but refuses" in cause and "(Q-03)" in cause
    assert "  basis: Q-03 (RFC 7644 §3.4.2.2)" in lines
    assert not any("Q-06" in line for line in lines)  # not the precedence row's own requirement
