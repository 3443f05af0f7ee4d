"""Verification: each response, the expected directory, reconciliation, and broken servers pinpointed."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.target import embedded_server
from schemas import urns
from simulator import ONELOGIN, Connector, OneLoginUser, Profile, Role, Tenant
from simulator.expected import AppBehaviour, Directory
from simulator.plans import drive
from simulator.problems import Problem
from simulator.reconcile import reconcile
from simulator.sender import Sender, clients_for
from simulator.simulation import Report, SimulationConfig, simulate
from simulator.verify import Finding, check
from simulator.wire import Exchange, WireRequest, WireResponse
from tests.support.faults import FAULTS, faulty_server
from tests.support.scimtest import TOKEN, make_config

LEGACY = "urn:scim:schemas:core:2.0"
SCIM_JSON = (("Content-Type", "application/scim+json"),)
BEARER = (("Authorization", f"Bearer {TOKEN}"),)


def _response(
    status: int, body: Any = None, headers: tuple[tuple[str, str], ...] = SCIM_JSON
) -> WireResponse:
    return WireResponse(status, headers, b"" if body is None else json.dumps(body).encode())


def _user(scim_id: str = "u1", **extra: Any) -> dict[str, Any]:
    return {
        "schemas": [urns.USER],
        "id": scim_id,
        "userName": "ana@example.com",
        "name": {"givenName": "Ana", "familyName": "Souza"},
        "active": True,
        "meta": {"resourceType": "User"},
        **extra,
    }


def _listing(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [urns.LIST_RESPONSE], "totalResults": len(resources), "Resources": list(resources)}


def _create(body: dict[str, Any] | None = None) -> WireRequest:
    sent = body or {"schemas": [LEGACY], "userName": "ana@example.com", "name": {"givenName": "Ana"}}
    return WireRequest("POST", "/Users", None, BEARER, json.dumps(sent).encode(), "assign", 7, "create_user")


def _lookup(name: str = "ana@example.com", operation: str = "lookup_user") -> WireRequest:
    query = ONELOGIN.filter_query("userName", name)
    return WireRequest("GET", "/Users", query, BEARER, None, "assign", 7, operation)


def _kinds(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.kind, f.pointer) for f in findings]


# --- one exchange ----------------------------------------------------------------------------------


def test_a_good_create_has_no_finding() -> None:
    assert check(Exchange(_create(), _response(201, _user())), ONELOGIN) == []


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (_response(200, _user()), [("status", None)]),
        (
            _response(201, {k: v for k, v in _user().items() if k != "id"}),
            [("onelogin", "/id")],
        ),
        (_response(201, {k: v for k, v in _user().items() if k != "name"}), [("onelogin", "/name")]),
        (_response(201, _user(emails="ana@example.com")), [("schema", "/emails")]),
        (_response(201, _user(active=False)), [("state", "/active")]),
        (_response(201, _user(), (("Content-Type", "text/html"),)), [("header", None)]),
        (WireResponse(201, SCIM_JSON, b"<html>"), [("schema", None)]),
        (WireResponse(0, error="timeout: ReadTimeout"), [("transport", None)]),
    ],
)
def test_create_findings(response: WireResponse, expected: list[tuple[str, str | None]]) -> None:
    sent = {"schemas": [LEGACY], "userName": "ana@example.com", "active": True}
    assert _kinds(check(Exchange(_create(sent), response), ONELOGIN)) == expected


def test_a_status_finding_quotes_the_scim_error_detail() -> None:
    error = {"schemas": [urns.ERROR], "status": "400", "detail": "unknown schema", "scimType": "invalidValue"}
    findings = check(Exchange(_create(), _response(400, error)), ONELOGIN)
    assert [f.message for f in findings] == [
        "POST /Users answered 400 (unknown schema); onelogin accepts 201"
    ]


def test_every_finding_names_its_check_and_its_basis() -> None:
    """A failure must be true and say why: the RFC clause, or the OneLogin fact with its certainty."""
    exchanges = [
        Exchange(_create(), _response(400, {"schemas": [urns.ERROR], "status": "400"})),
        Exchange(_create(), _response(201, {k: v for k, v in _user().items() if k not in ("id", "name")})),
        Exchange(_create(), _response(201, _user(emails="x"), (("Content-Type", "text/html"),))),
        Exchange(_create(), WireResponse(500, SCIM_JSON, b"")),
        Exchange(_create(), WireResponse(201, SCIM_JSON, b"<html>")),
        Exchange(_lookup(), _response(200, _listing(_user(userName="someone@else.org")))),
        Exchange(_lookup(), _response(200, {"totalResults": "one"})),
    ]
    findings = [f for x in exchanges for f in check(x, ONELOGIN)]
    assert {f.check for f in findings} >= {
        "status",
        "id",
        "name",
        "media-type",
        "error-body",
        "json",
        "filter",
    }
    assert all(f.check and f.basis for f in findings), [f for f in findings if not (f.check and f.basis)]
    assert all(re.search(r"RFC 76\d\d §|OneLogin fact \[(doc|seen|guess|\?)\]", f.basis) for f in findings)


def test_the_sample_servers_duplicate_group_answer_passes_onelogin_but_not_the_rfc() -> None:
    """onelogin-scim-node answers a duplicate group with 400 name_already_exists [seen]: OneLogin
    carries on (the group exists), and RFC 7644 §3.3 still wants a 409."""
    sent = json.dumps({"displayName": "VPN Users"}).encode()
    request = WireRequest("POST", "/Groups", None, BEARER, sent, "role_added", 7, "create_group")
    sample = _response(400, {"Errors": {"description": "name_already_exists", "code": 400}})
    findings = check(Exchange(request, sample), ONELOGIN)
    assert [(f.check, f.basis) for f in findings if f.kind == "status"] == [
        ("duplicate-409", "C-02 (RFC 7644 §3.3)")
    ]
    assert {f.check for f in findings if f.kind == "schema"} == {"schema:Error"}  # not an RFC Error body
    strict = check(Exchange(request, sample), Profile(duplicate_group_400_means_exists=False))
    assert [f.message for f in strict if f.kind == "status"] == [
        "POST /Groups answered 400; onelogin accepts 201 or 409"
    ]


def test_error_bodies_are_validated_with_a_pointer() -> None:
    error = {"schemas": [urns.ERROR], "status": 409, "detail": "taken"}
    request = WireRequest("POST", "/Groups", None, BEARER, b"{}", "role_added", 7, "create_group")
    findings = check(Exchange(request, _response(409, error)), ONELOGIN)
    assert _kinds(findings) == [("schema", "/status")]  # 409 itself is accepted: the plan recovers


def test_a_filter_that_returns_someone_else_is_pinpointed() -> None:
    findings = check(
        Exchange(_lookup(), _response(200, _listing(_user(userName="bob@example.com")))), ONELOGIN
    )
    assert _kinds(findings) == [("onelogin", "/Resources/0/userName")]
    assert "the filter is ignored" in findings[0].message
    same_but_case = _listing(_user(userName="ANA@example.com"))
    assert check(Exchange(_lookup(), _response(200, same_but_case)), ONELOGIN) == []  # caseExact false


def test_lookup_404_is_accepted_per_profile_knob() -> None:
    error = {"schemas": [urns.ERROR], "status": "404", "detail": "none"}
    exchange = Exchange(_lookup(), _response(404, error))
    assert check(exchange, ONELOGIN) == []
    assert _kinds(check(exchange, Profile(lookup_404_means_absent=False))) == [("status", None)]


def test_list_responses_are_validated_with_pointers_into_resources() -> None:
    broken = _listing(_user(), _user("u2", userName=None))
    request = WireRequest(
        "GET", "/Users", "startIndex=1&count=100", BEARER, None, "import", None, "list_users"
    )
    findings = check(Exchange(request, _response(200, broken)), ONELOGIN)
    assert ("schema", "/Resources/1/userName") in _kinds(findings)


# --- the expected directory ------------------------------------------------------------------------


def _ex(method: str, path: str, operation: str, sent: Any, status: int, body: Any = None) -> Exchange:
    data = None if sent is None else json.dumps(sent).encode()
    return Exchange(WireRequest(method, path, None, BEARER, data, "e", 1, operation), _response(status, body))


def _suspended_member(behaviour: AppBehaviour) -> Directory:
    d = Directory(behaviour)
    d.apply(_ex("POST", "/Users", "create_user", {"userName": "a", "title": "T"}, 201, {"id": "u1"}))
    d.apply(_ex("POST", "/Groups", "create_group", {"displayName": "G"}, 201, {"id": "g1"}))
    add = {"Operations": [{"op": "add", "path": "members", "value": [{"value": "u1"}]}]}
    d.apply(_ex("PATCH", "/Groups/g1", "patch_group", add, 200))
    d.apply(_ex("PUT", "/Users/u1", "replace_user", {"userName": "a", "title": "X"}, 200))
    assert d.users["u1"].active is True  # a PUT without active keeps it
    d.apply(_ex("PUT", "/Users/u1", "replace_user", {"userName": "a", "active": False}, 200))
    return d


def test_the_app_removes_suspended_users_from_groups_by_default() -> None:
    d = _suspended_member(AppBehaviour())
    assert d.users["u1"].active is False
    assert (d.groups["g1"].present, d.groups["g1"].absent) == (set(), {"u1"})


def test_an_app_that_keeps_suspended_members_is_a_knob() -> None:
    d = _suspended_member(AppBehaviour(removes_suspended_from_groups=False))
    assert d.groups["g1"].present == {"u1"}


def test_writes_the_server_refused_change_nothing_and_deletes_are_remembered() -> None:
    d = Directory()
    d.apply(_ex("POST", "/Users", "create_user", {"userName": "a"}, 400, {"id": "nope"}))
    assert d.users == {}
    d.apply(_ex("POST", "/Users", "create_user", {"userName": "a"}, 201, {"id": "u1"}))
    d.apply(_ex("DELETE", "/Users/u1", "delete_user", None, 204))
    assert d.users == {}
    assert d.deleted == {"u1"}


# --- reconciliation --------------------------------------------------------------------------------


def _run_reconcile(
    directory: Directory, users: list[dict[str, Any]], groups: list[dict[str, Any]]
) -> list[Problem]:
    found: list[Problem] = []

    def answer(request: WireRequest) -> WireResponse:
        # the harness's own reads: OneLogin's token, no IdP operation, a User-Agent saying so
        assert request.operation is None and request.header("Authorization") == f"Bearer {TOKEN}"
        assert request.header("User-Agent") == "scim-harness (reconciliation; not OneLogin)"
        items = users if request.path == "/Users" else groups
        start = int(re.search(r"startIndex=(\d+)", request.query or "").group(1))  # type: ignore[union-attr]
        page = items[start - 1 : start + 1]  # pages of two: paging is followed
        return _response(
            200, {"schemas": [urns.LIST_RESPONSE], "totalResults": len(items), "Resources": page}
        )

    async def send(request: WireRequest) -> WireResponse:
        return answer(request)

    summary = asyncio.run(drive(reconcile(directory, BEARER, found.append, page_size=2), send))
    assert summary.complete
    return found


def test_reconciliation_with_nothing_to_compare_is_not_run_and_reads_nothing() -> None:
    sent: list[WireRequest] = []

    async def send(request: WireRequest) -> WireResponse:
        sent.append(request)
        return _response(200, _listing())

    found: list[Problem] = []
    summary = asyncio.run(drive(reconcile(Directory(), BEARER, found.append), send))
    assert (summary.status, summary.complete, sent, found) == ("not run", False, [], [])
    assert summary.to_json() == {
        "status": "not run",
        "usersExpected": 0,
        "usersChecked": 0,
        "groupsExpected": 0,
        "groupsChecked": 0,
        "reason": "nothing to compare: the run created, linked or deleted no user or group",
    }


def test_reconciliation_finds_each_kind_of_mismatch() -> None:
    d = Directory()
    for n in range(1, 5):
        sent = {"userName": f"u{n}@x", "name": {"givenName": "A", "familyName": "B"}, "title": "T"}
        d.apply(_ex("POST", "/Users", "create_user", sent, 201, {"id": f"u{n}"}))
    d.apply(_ex("PUT", "/Users/u2", "replace_user", {"userName": "u2@x", "active": False}, 200))
    d.apply(_ex("DELETE", "/Users/u3", "delete_user", None, 204))
    d.apply(_ex("POST", "/Groups", "create_group", {"displayName": "G"}, 201, {"id": "g1"}))
    add = {"Operations": [{"op": "add", "path": "members", "value": [{"value": "u1"}]}]}
    d.apply(_ex("PATCH", "/Groups/g1", "patch_group", add, 200))
    actual = [
        {
            "id": "u1",
            "userName": "U1@X",
            "name": {"givenName": "A", "familyName": "C"},
            "title": "T",
            "active": True,
        },
        {"id": "u2", "userName": "u2@x", "active": True},
        {"id": "u3", "userName": "u3@x", "active": True},
        {"id": "other", "userName": "someone.else@x"},
    ]
    groups = [{"id": "g1", "displayName": "G", "members": [{"value": "u4"}, {"value": "u3"}]}]
    messages = [p.message for p in _run_reconcile(d, actual, groups)]
    assert messages == [
        "user 'u1@x' (u1): name.familyName is 'C', OneLogin last pushed 'B'",
        "user 'u2@x' (u2) should be inactive (last event: e) but has active True",
        "user 'u3@x' (u3) was deleted but the app still lists it",
        "user 'u4@x' (u4) was pushed (last event: e) but the app does not list it",
        "user 'u1@x' (u1) should be a member of group 'G' but is not",
        "deleted user u3 is still a member of group 'G'",
        "user 'u4@x' (u4) is a member of group 'G' but OneLogin never added it",
    ]


def test_reconciliation_problems_show_the_resource_in_question() -> None:
    d = Directory()
    d.apply(_ex("POST", "/Users", "create_user", {"userName": "a", "title": "T"}, 201, {"id": "u1"}))
    (problem,) = _run_reconcile(d, [{"id": "u1", "userName": "a", "title": "Z"}], [])
    assert problem.kind == "reconcile"
    assert problem.exchange is not None
    assert json.loads(problem.exchange["response"]["body"]) == {"id": "u1", "userName": "a", "title": "Z"}
    assert problem.exchange["request"]["target"].startswith("/Users?startIndex=1")
    assert TOKEN not in json.dumps(problem.to_json())


# --- broken servers, pinpointed ---------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """How the simulator must pinpoint a fault: the problem kind and the exchange that shows it."""

    scenario: str
    kind: str
    request: str
    """A regex over ``METHOD target`` of the failing exchange."""
    message: str
    status: int | None = None
    check: Callable[[Report], None] | None = None


PINPOINTED: dict[str, Expect] = {
    "ignore-active-on-put": Expect(
        "offboarding",
        "state",
        r"^PUT /Users/[^/?]+\?$",
        "sent active False but the returned user has active True",
    ),
    "reject-legacy-urns": Expect("onboarding", "status", r"^POST /Users$", "answered 400", 400),
    "create-404": Expect(
        "onboarding", "status", r"^POST /Users$", "answered 404 (not found); onelogin accepts 201", 404
    ),
    "create-without-name": Expect("onboarding", "onelogin", r"^POST /Users$", "without name.givenName", 201),
    "create-without-id": Expect("onboarding", "onelogin", r"^POST /Users$", "without an id", 201),
    "ignore-filters": Expect(
        "onboarding", "onelogin", r"^GET /Users\?filter=userName\+eq\+", "the filter is ignored", 200
    ),
    "create-200": Expect(
        "onboarding", "status", r"^POST /(Users|Groups)$", "answered 200; onelogin accepts 201", 200
    ),
    "wrong-content-type": Expect(
        "connection-test", "header", r"^GET /Users\?filter=", "Content-Type 'text/html'", 200
    ),
}


def _simulate(server_url: str, scenario: str, users: int = 25, **kwargs: Any) -> Report:
    config = SimulationConfig(scenario, users, seed=2, concurrency=4, **kwargs)
    return asyncio.run(simulate(config, server_url, TOKEN))


@pytest.mark.parametrize("name", list(PINPOINTED))
def test_the_simulator_pinpoints_each_broken_server(name: str, tmp_path: Path) -> None:
    expect = PINPOINTED[name]
    with faulty_server(name, make_config(tmp_path / "scim.db")) as server:
        report = _simulate(server.base_url, expect.scenario)
    assert not report.ok
    assert expect.kind in report.problems.by_kind, dict(report.problems.by_kind)
    matching = [p for p in report.problems.items if p.kind == expect.kind and expect.message in p.message]
    assert matching, [str(p) for p in report.problems.items[:5]]
    exchange = matching[0].exchange
    assert exchange is not None
    line = f"{exchange['request']['method']} {exchange['request']['target']}"
    assert re.search(expect.request, line), line
    if expect.status is not None:
        assert exchange["response"]["status"] == expect.status
    assert ["Authorization", "Bearer ***"] in exchange["request"]["headers"]
    assert TOKEN not in json.dumps(report.to_json())


def test_ignored_suspension_is_also_found_by_reconciliation(tmp_path: Path) -> None:
    with faulty_server("ignore-active-on-put", make_config(tmp_path / "scim.db")) as server:
        report = _simulate(server.base_url, "offboarding")
    reconciled = [p for p in report.problems.items if p.kind == "reconcile"]
    assert reconciled
    for problem in reconciled:
        assert "should be inactive (last event: suspend)" in problem.message or re.search(
            r"is suspended but is still a member of group", problem.message
        ), problem.message


def test_an_error_status_sent_as_a_number_is_pinpointed(tmp_path: Path) -> None:
    """Two pushes of one role by two users, without a lookup first: the second POST /Groups is a 409."""
    tenant = Tenant(
        [
            OneLoginUser(1, "a", "a@example.com", "A", "One", roles=(9,)),
            OneLoginUser(2, "b", "b@example.com", "B", "Two"),
        ],
        [Role(9, "VPN Users", "VPN Users")],
        Tenant.generate(1, 0).settings,
    )
    connector = Connector(tenant, TOKEN, Profile(group_lookup_before_create=False))
    with faulty_server("error-status-as-number", make_config(tmp_path / "scim.db")) as server:
        sender = Sender(clients_for(1), server.base_url, connector.profile)
        seen: list[Exchange] = []

        async def send(request: WireRequest) -> WireResponse:
            exchange = await sender.exchange(request)
            seen.append(exchange)
            return exchange.response

        async def both() -> None:
            await drive(connector.assign(tenant.users[0]), send)
            await drive(connector.assign(tenant.users[1]), send)
            connector.links.groups.clear()  # OneLogin forgot the group: it creates it again
            await drive(connector.role_added(tenant.users[1], tenant.roles[0]), send)

        asyncio.run(both())
    conflict = next(e for e in seen if e.response.status == 409)
    assert _kinds(check(conflict, connector.profile)) == [("schema", "/status")]


def test_a_throttling_server_costs_retries_not_problems(tmp_path: Path) -> None:
    with faulty_server("throttled", make_config(tmp_path / "scim.db")) as server:
        report = _simulate(server.base_url, "lifecycle", users=40)
    assert report.ok, [str(p) for p in report.problems.items[:5]]
    data = report.to_json()
    assert data["retries"] > 0
    assert data["statuses"]["429"] == data["retries"]


def test_every_fault_is_documented_and_registered() -> None:
    for name, cls in FAULTS.items():
        assert cls.name == name
        assert cls.__doc__ and len(cls.__doc__) > 40, name


@pytest.mark.parametrize("keeps", [False, True])
def test_the_suspended_members_knob_against_the_reference_server(tmp_path: Path, keeps: bool) -> None:
    """The reference server removes suspended users from groups: expecting otherwise is reported."""
    with embedded_server(make_config(tmp_path / "scim.db")) as server:
        behaviour = AppBehaviour(removes_suspended_from_groups=not keeps)
        report = _simulate(server.base_url, "offboarding", users=40, behaviour=behaviour)
    if not keeps:
        assert report.ok, [str(p) for p in report.problems.items[:5]]
    else:
        assert report.problems.by_kind.keys() == {"reconcile"}
        assert all("should be a member of group" in p.message for p in report.problems.items)
