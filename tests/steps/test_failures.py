"""Failure messages a vendor can act on: the request as sent, the answer, the expectation, the basis.

Unit tests of ``steps.failures`` with real HTTP answers from the reference server (the bodies a
failure quotes are what a server really sends).
"""

from __future__ import annotations

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from steps.failures import (
    Basis,
    Failure,
    SuiteError,
    answered,
    check,
    expect_status,
    note_filters,
    note_origin,
    note_schema,
    origin_of,
    sent,
)
from tests.support.scimtest import TOKEN, scim_client


@pytest.fixture
def answers(server: EmbeddedServer) -> dict[str, httpx.Response]:
    with scim_client(server) as client:
        return {
            "missing": client.get("/Users/nobody-here"),
            "lookup": client.get("/Users", params={"filter": 'userName eq "ana+x@example.com"', "count": 2}),
        }


def test_a_basis_cites_checklist_rows_and_facts_and_refuses_unknown_ones() -> None:
    basis = Basis.rfc("M-06") + Basis.fact("onelogin_legacy_urns")
    assert basis.keys == ["M-06", "fact:onelogin_legacy_urns"]
    assert basis.text.startswith("M-06 (RFC 7644 §3.5.2.2); OneLogin fact [seen]: ")
    assert Basis.of_tags(["must", "req_C_01", "fact_onelogin_create_response", "req_Z_99"]) == Basis(
        ("C-01",), ("onelogin_create_response",)
    )
    with pytest.raises(ValueError, match="not checklist rows"):
        Basis.rfc("Z-99")
    with pytest.raises(ValueError, match="not IdP facts"):
        Basis.fact("okta_nothing")
    assert not Basis()


def test_a_request_is_shown_as_sent_with_its_base_path_and_its_query_decoded(
    answers: dict[str, httpx.Response],
) -> None:
    assert sent(answers["lookup"]) == 'GET /scim/v2/Users?filter=userName eq "ana+x@example.com"&count=2'
    assert answered(answers["missing"]).startswith("404: ")


def test_a_failure_says_what_was_sent_what_came_back_what_was_expected_and_why(
    answers: dict[str, httpx.Response],
) -> None:
    with pytest.raises(Failure) as failed:
        expect_status(answers["missing"], 200, basis=Basis.rfc("G-01"))
    message = str(failed.value)
    assert message.splitlines() == [
        "GET /scim/v2/Users/nobody-here answered 404, not 200",
        "  sent: GET /scim/v2/Users/nobody-here",
        f"  answered: {answered(answers['missing'])}",
        "  expected: 200",
        "  basis: G-01 (RFC 7644 §3.4.1, Table 8)",
    ]
    record = failed.value.record()
    assert record["request"] == "GET /scim/v2/Users/nobody-here" and record["status"] == 404
    assert record["basis"] == ["G-01"] and record["expected"] == "200"
    assert "Failure" not in message and "steps." not in message  # no Python names in what a vendor reads
    assert TOKEN not in message


def test_a_failure_without_a_basis_of_its_own_cites_the_scenario_and_carries_its_notes(
    answers: dict[str, httpx.Response],
) -> None:
    # the autouse fixture gave this test (not a scenario) an empty basis; a scenario's tags fill it
    note_filters('title eq "Manager"', 'userName co "tok" and (title eq "Manager")')
    note_schema(answers["lookup"], "/Resources: 1 is not of type 'array'", Basis.rfc("Q-01"))
    with pytest.raises(Failure) as failed:
        check(False, "ana is missing from the results", response=answers["lookup"], expected="ana")
    lines = str(failed.value).splitlines()
    assert '  the feature\'s filter: title eq "Manager"' in lines
    assert '  sent scoped to this scenario\'s users as: userName co "tok" and (title eq "Manager")' in lines
    assert "  basis: none given" in lines
    assert lines[-1] == (
        f"  also noticed: {sent(answers['lookup'])} answered 200 with a body that breaks the schema: "
        "/Resources: 1 is not of type 'array'"
    )


def test_a_cause_found_is_shown_and_a_list_answer_is_summed_up(answers: dict[str, httpx.Response]) -> None:
    failure = Failure(
        "the filter title pr found nobody; expected ana",
        response=answers["lookup"],
        cause="sent alone, the feature's filter is refused too",
        basis=Basis.rfc("Q-03"),
    )
    lines = str(failure).splitlines()
    assert "  cause: sent alone, the feature's filter is refused too" in lines
    assert lines[2].startswith("  answered: 200 with a list: totalResults ")
    assert lines[-1] == "  basis: Q-03 (RFC 7644 §3.4.2.2)"


def test_a_body_remembers_the_answer_it_was_read_from(answers: dict[str, httpx.Response]) -> None:
    body = {"id": "x"}
    assert origin_of(body) is None
    note_origin(body, answers["missing"])
    assert origin_of(body) is answers["missing"]
    assert origin_of({"id": "x"}) is None  # an equal dict is another body


def test_a_mistake_of_the_suite_is_no_verdict_on_the_server() -> None:
    error = SuiteError("no user 'carla' was introduced")
    assert not isinstance(error, AssertionError)
    assert str(error) == "the suite is wrong, not the server: no user 'carla' was introduced"
