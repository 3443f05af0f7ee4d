"""Steps for queries: a scenario's directory, filters and projection (RFC 7644 §3.4.2, §3.4.2.5).

A scenario's directory is a handful of users created from a data table (its :class:`Roster`).
Every query is limited to them with ``userName co "<token>"`` joined by ``and`` to the filter
under test, so the answers are exact even on a shared server full of other users. Every message
shows the feature's filter and the one sent; when the limited query fails, the step finds out
whether the limit is the cause (:func:`steps._roster.why_limited_query_failed`) and says so.
Sorting, paging and ``/.search`` are in :mod:`steps.query_pages`.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from schemas import urns
from steps._resources import cell_value, create, set_path, short_label, user_body, user_name, value_at
from steps._roster import Roster, shown, why_limited_query_failed
from steps._vocabulary import phrase
from steps.common import assert_status, body_of
from steps.failures import Basis, Failure, check, note_filters, noted_filters, sent
from steps.projection import Returned, check_left_out_or_kept
from steps.wire import ScimClient


def _cause(
    response: httpx.Response, scim: ScimClient | None, roster: Roster | None, expected: list[str] | None
) -> tuple[str | None, Basis | None]:
    """Why a limited query failed, when the scenario limited one to its users (else nothing)."""
    filters = noted_filters()
    if scim is None or roster is None or filters is None or not filters[0]:
        return None, None
    refused = response.status_code != 200
    return why_limited_query_failed(scim, roster, filters[0], expected, refused=refused)


def listed(
    response: httpx.Response,
    scim: ScimClient | None = None,
    roster: Roster | None = None,
    expected: list[str] | None = None,
) -> dict[str, Any]:
    """RFC 7644 §3.4.2: a 200 ListResponse with ``totalResults`` (REQUIRED). Given the scenario's
    client and roster, a refused limited query says whether the limit is the cause."""
    if response.status_code != 200:
        cause, basis = _cause(response, scim, roster, expected)
        filters = noted_filters()
        subject = (
            f"the filter {filters[0]}, limited to this scenario's users, was refused: "
            if filters and filters[0]
            else ""
        )
        raise Failure(
            f"{subject}{sent(response)} answered {response.status_code}, not 200 with the users it matches",
            response=response,
            expected="200 with a ListResponse",
            basis=basis or Basis.rfc("Q-01"),
            cause=cause,
        )
    body = body_of(response)
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("Q-01")}
    check(
        urns.LIST_RESPONSE in (body.get("schemas") or []),
        f"the answer to the query is not a ListResponse: its schemas are {body.get('schemas')!r}",
        expected=f'schemas ["{urns.LIST_RESPONSE}"]',
        **context,
    )
    total = body.get("totalResults")
    check(
        isinstance(total, int) and not isinstance(total, bool),
        f"the ListResponse's totalResults is {total!r}",
        expected="totalResults, an integer (REQUIRED)",
        **context,
    )
    return body


def resources(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in body.get("Resources") or [] if isinstance(r, dict)]


def _names(text: str) -> str:
    return ",".join(n.strip() for n in text.split(",") if n.strip())


def limited_query(scim: ScimClient, roster: Roster, filter_: str | None, **params: Any) -> httpx.Response:
    """``GET /Users`` with ``filter_`` limited to the scenario's users (noted for every message)."""
    note_filters(filter_, roster.scoped(filter_))
    return scim.get("/Users", params={"filter": roster.scoped(filter_), **params})


@given("the directory holds these users:", target_fixture="roster")
def _(scim: ScimClient, token: str, datatable: list[list[str]]) -> Roster:
    """The first row names the attributes (``userName``, ``name.givenName``, ``emails[work]``, ...);
    each further row is one user; an empty cell leaves the attribute unassigned."""
    header, *rows = datatable
    users: dict[str, dict[str, Any]] = {}
    for row in rows:
        cells = dict(zip((h.strip() for h in header), row, strict=True))
        label = cells.pop("userName").strip()
        attributes: dict[str, Any] = {}
        for path, text in cells.items():
            if text.strip():
                set_path(attributes, path, cell_value(text))
        users[short_label(label)] = create(scim, "/Users", user_body(user_name(label, token), attributes))
    return Roster(token, users)


@given(phrase('a user "{label:Q}" of the directory has an empty nickName and no emails'))
def _(scim: ScimClient, token: str, label: str) -> None:
    """RFC 7643 §2.5 / RFC 7644 §3.4.2.2: an empty value is not "present". A target that refuses
    an empty string cannot hold one, so the scenario is skipped there."""
    response = scim.post("/Users", user_body(user_name(label, token), {"nickName": "", "emails": []}))
    if response.status_code == 400:
        pytest.skip("the target refuses an empty nickName, so no stored value can be empty")
    assert_status(response, 201, basis=Basis.rfc("C-01"))


# -- filter --------------------------------------------------------------------------------------


@when(parsers.parse("a client queries the directory with {filter}"), target_fixture="response")
def _(scim: ScimClient, roster: Roster, filter: str) -> httpx.Response:
    return limited_query(scim, roster, filter)


@when(parsers.parse("a client filters users by the malformed filter {filter}"), target_fixture="response")
def _(scim: ScimClient, filter: str) -> httpx.Response:
    return scim.get("/Users", params={"filter": filter})


@when("a client looks for a userName nobody has", target_fixture="response")
def _(scim: ScimClient, token: str) -> httpx.Response:
    return scim.get("/Users", params={"filter": f'userName eq "{user_name("nobody@example.com", token)}"'})


@then(parsers.parse('the users found are "{names}"'))
def _(scim: ScimClient, response: httpx.Response, roster: Roster, names: str) -> None:
    """RFC 7644 §3.4.2.2 filter semantics; §3.4.2: ``totalResults`` counts every match."""
    expected = sorted(roster.label_of(i) for i in roster.ids(names))
    body = listed(response, scim, roster, expected)
    found = roster.labels(resources(body))
    filters = noted_filters()
    subject = f"the filter {filters[0]}" if filters and filters[0] else "the query"
    if found != expected:
        cause, basis = _cause(response, scim, roster, expected)
        raise Failure(
            f"{subject} found {shown(found)}; expected {shown(expected)}",
            response=response,
            expected=shown(expected),
            basis=basis,
            cause=cause,
        )
    check(
        body["totalResults"] == len(expected),
        f"{subject} found the right users, but totalResults is {body['totalResults']}",
        response=response,
        expected=f"totalResults {len(expected)}",
        basis=Basis.rfc("Q-01"),
    )


@then("the answer is an empty list")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.4.2: a query that matches nothing is 200 with ``totalResults`` 0, not 404."""
    body = listed(response)
    check(
        body["totalResults"] == 0 and not resources(body),
        f"a query that matches nobody answered totalResults {body['totalResults']} with "
        f"{len(resources(body))} resources",
        response=response,
        expected="totalResults 0 and no Resources",
        basis=Basis.rfc("Q-02"),
    )


# -- projection ----------------------------------------------------------------------------------


@when(phrase('a client asks for "{names:Q}" of the users matching {filter}'), target_fixture="response")
def _(scim: ScimClient, roster: Roster, names: str, filter: str) -> httpx.Response:
    """RFC 7644 §3.4.2.5: ``attributes`` overrides the default set."""
    return limited_query(scim, roster, filter, attributes=_names(names))


@when(
    phrase('a client asks for all but "{names:Q}" of the users matching {filter}'), target_fixture="response"
)
def _(scim: ScimClient, roster: Roster, names: str, filter: str) -> httpx.Response:
    """RFC 7644 §3.4.2.5: ``excludedAttributes`` removes from the default set."""
    return limited_query(scim, roster, filter, excludedAttributes=_names(names))


@then(parsers.parse('each user found has "{path}"'))
def _(response: httpx.Response, roster: Roster, path: str) -> None:
    """RFC 7644 §3.4.2.5: an attribute named in ``attributes`` comes back (Q-11)."""
    for resource in resources(listed(response)):
        check(
            value_at(resource, path) is not None,
            f"the user {roster.label_of(resource.get('id'))} came back without {path}, which was asked for",
            response=response,
            expected=f"{path} in every user found",
            basis=Basis.rfc("Q-11"),
        )


@then(parsers.parse('no user found has "{path}"'))
def _(response: httpx.Response, roster: Roster, returned: Returned, path: str) -> None:
    """RFC 7644 §3.4.2.5 / RFC 7643 §7: left out when not asked for, excluded, or ``returned: never``
    — unless the target's ``/Schemas`` declares it ``returned: always`` (R-11)."""
    if returned.always(path):
        return
    kind, where = returned.of(path)
    basis = Basis.rfc("R-10") if kind == "never" else Basis.rfc("Q-11", "R-11")
    for resource in resources(listed(response)):
        found = value_at(resource, path)
        check(
            found is None,
            f"the user {roster.label_of(resource.get('id'))} came back with {path} = {found!r}",
            response=response,
            expected=f"no {path}: {where} declares it returned: {kind}, and it was not asked for",
            basis=basis,
        )


@then("each user found still has its id")
def _(response: httpx.Response, roster: Roster) -> None:
    """RFC 7643 §3.1: ``id`` is ``returned: always``, whatever ``attributes`` or
    ``excludedAttributes`` say (RFC 7644 §3.4.2.5; R-02, R-11)."""
    found = resources(listed(response))
    check(found, "the query found nobody", response=response, expected="this scenario's users")
    ids = {u["id"] for u in roster.users.values()}
    for resource in found:
        check(
            resource.get("id") in ids,
            f"a user came back with the id {resource.get('id')!r}, not one of this scenario's users'",
            response=response,
            expected="every user's id: id is returned: always (RFC 7643 §3.1)",
            basis=Basis.rfc("R-02", "R-11"),
        )


@then(parsers.parse('each user found has "{path}" only if the target returns it always'))
def _(response: httpx.Response, roster: Roster, returned: Returned, path: str) -> None:
    """RFC 7643 §7: an attribute not asked for (or excluded) comes back only when its schema says
    ``returned: always``; ``userName`` is ``default`` (RFC 7643 §8.7.1) unless the target's own
    ``/Schemas`` declares otherwise (R-11, issue 12 ruling 1)."""
    found = resources(listed(response))
    check(found, "the query found nobody", response=response, expected="this scenario's users")
    by_id = {u["id"]: u for u in roster.users.values()}
    for resource in found:
        expected = value_at(by_id.get(resource.get("id"), {}), path)
        check_left_out_or_kept(resource, path, returned, expected, response=response)
