"""A scenario's directory and its limited queries: the scoping, and the diagnosis when it fails.

The diagnosis sends real requests: against the reference server (which answers every filter
right) and against a server that refuses a ``not`` nested in ``and ( … )`` — the nesting the
harness adds — so the cause each message names is what that server really does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from steps._resources import create, user_body, user_name
from steps._roster import Roster, why_limited_query_failed
from steps.failures import Basis, Failure, SuiteError, note_filters
from steps.wire import ScimClient
from tests.steps.conftest import suite_client
from tests.support.faults import faulty_server
from tests.support.scimtest import make_config, unique


def directory(client: ScimClient) -> Roster:
    """Ana (a title), Bo (a title), Dmitri (none), under a fresh token."""
    token = unique("t").replace("-", "")
    users = {
        label: create(client, "/Users", user_body(user_name(f"{label}@example.com", token), attributes))
        for label, attributes in (
            ("ana", {"title": "Engineer"}),
            ("bo", {"title": "Manager"}),
            ("dmitri", {}),
        )
    }
    return Roster(token, users)


def test_a_query_is_limited_to_the_scenarios_users() -> None:
    roster = Roster("tok9", {"ana": {"id": "1"}, "bo": {"id": "2"}})
    assert roster.scope == 'userName co "tok9"'
    assert roster.scoped("not (title pr)") == 'userName co "tok9" and (not (title pr))'
    assert roster.scoped(None) == roster.scope
    assert roster.ids("bo, ana") == ["2", "1"] and roster.ids("nobody") == []
    assert roster.label_of("2") == "bo" and roster.label_of("x") == "<x>"
    assert roster.labels([{"id": "2"}, {"id": "1"}, "junk"]) == ["ana", "bo"]
    with pytest.raises(SuiteError, match="'carla'"):
        roster.ids("ana, carla")


def test_a_failure_shows_the_feature_filter_and_the_one_sent() -> None:
    note_filters("not (title pr)", 'userName co "tok9" and (not (title pr))')
    lines = str(Failure("the filter not (title pr) found nobody; expected dmitri")).splitlines()
    assert "  the feature's filter: not (title pr)" in lines
    assert '  sent scoped to this scenario\'s users as: userName co "tok9" and (not (title pr))' in lines
    note_filters(None, 'userName co "tok9"')
    assert (
        '  the harness limited the query to this scenario\'s users with: userName co "tok9"'
        in str(Failure("the users come in the wrong order")).splitlines()
    )


def test_a_filter_answered_wrongly_by_itself_is_not_blamed_on_the_limit(steps_client: ScimClient) -> None:
    roster = directory(steps_client)
    cause, basis = why_limited_query_failed(steps_client, roster, "title pr", ["ana"], refused=False)
    assert cause.startswith("sent alone, the feature's filter finds ana, bo among this scenario's users")
    assert "the limit to this scenario's users is not the cause" in cause and basis is None


def test_a_filter_refused_by_itself_is_not_blamed_on_the_limit(steps_client: ScimClient) -> None:
    roster = directory(steps_client)
    cause, basis = why_limited_query_failed(steps_client, roster, 'title zz "x"', None, refused=True)
    assert "the feature's filter is refused too" in cause and "answered 400" in cause
    assert 'GET /scim/v2/Users?filter=title zz "x"' in cause and basis is None


@pytest.fixture
def nesting_refused(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with faulty_server("grouped-not-refused", make_config(tmp_path / "scim.db")) as server:
        yield server


def test_a_server_that_fails_only_the_nesting_is_told_so(nesting_refused: EmbeddedServer) -> None:
    client = suite_client(nesting_refused)
    try:
        roster = directory(client)
        refused = client.get("/Users", params={"filter": roster.scoped("not (title pr)")})
        assert refused.status_code == 400  # the fault itself, as a scenario meets it
        cause, basis = why_limited_query_failed(client, roster, "not (title pr)", ["dmitri"], refused=True)
    finally:
        client.close()
    assert cause.startswith("your server answers `not (title pr)` correctly alone, and `userName co")
    assert f"but refuses `{roster.scoped('not (title pr)')}`" in cause
    assert "grouping `( )`, which RFC 7644 §3.4.2.2 defines (Q-03)" in cause
    assert basis == Basis.rfc("Q-03")


def test_probes_read_the_filter_alone_page_by_page(steps_client: ScimClient) -> None:
    roster = directory(steps_client)
    before = len(steps_client.wire)
    why_limited_query_failed(steps_client, roster, "title pr", ["ana", "bo"], refused=True)
    probes = [httpx.URL(e.url).params for e in steps_client.wire[before:]]
    assert probes[0]["filter"] == "title pr" and probes[0]["startIndex"] == "1"
    assert probes[-1]["filter"] == roster.scope
