"""Steps for sorting, paging and ``/.search`` over a scenario's directory (RFC 7644 §3.4.2.3–§3.4.3).

The directory and the filters are :mod:`steps.query`'s; queries here select the scenario's users
only (``userName co "<token>"``), and every message says so.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pytest_bdd import parsers, then, when

from schemas import urns
from steps._resources import short_label, user_name, value_at
from steps._roster import Roster, shown
from steps._vocabulary import phrase
from steps.failures import Basis, check, note_filters
from steps.query import listed, resources
from steps.wire import ScimClient, note_violations

# -- sort ----------------------------------------------------------------------------------------


def _sorted(scim: ScimClient, roster: Roster, attribute: str, order: str | None) -> httpx.Response:
    params = {"filter": roster.scope, "sortBy": attribute}
    if order:
        params["sortOrder"] = order
    note_filters(None, roster.scope)
    return scim.get("/Users", params=params)


@when(phrase("a client sorts the directory by {attribute:Word}"), target_fixture="response")
def _(scim: ScimClient, roster: Roster, attribute: str) -> httpx.Response:
    return _sorted(scim, roster, attribute, None)


@when(
    phrase("a client sorts the directory by {attribute:Word} in {order:Word} order"),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, attribute: str, order: str) -> httpx.Response:
    return _sorted(scim, roster, attribute, order)


def _order(response: httpx.Response, scim: ScimClient, roster: Roster) -> list[str]:
    return [roster.label_of(r.get("id")) for r in resources(listed(response, scim, roster))]


@then(parsers.parse('the users come in the order "{names}"'))
def _(scim: ScimClient, response: httpx.Response, roster: Roster, names: str) -> None:
    """RFC 7644 §3.4.2.3: "sortOrder" defaults to ascending and "MUST sort according to the
    attribute type; i.e., for case-insensitive attributes, sort the result using case-insensitive
    Unicode alphabetic sort order"."""
    expected = [n.strip() for n in names.split(",")]
    order = _order(response, scim, roster)
    check(
        order == expected,
        f"the users come in the order {shown(order)}",
        response=response,
        expected=shown(expected),
        basis=Basis.rfc("Q-09"),
    )


@then(phrase('"{name}" comes {place:Word}'))
def _(scim: ScimClient, response: httpx.Response, roster: Roster, name: str, place: str) -> None:
    """RFC 7644 §3.4.2.3: resources with no value for ``sortBy`` "are ordered last if ascending and
    first if descending"."""
    order = _order(response, scim, roster)
    check(order, "the sorted query found nobody", response=response, expected="this scenario's users")
    at = {"first": order[0], "last": order[-1]}[place]
    check(
        at == name,
        f"{at} comes {place} (the order is {shown(order)})",
        response=response,
        expected=f"{name} {place}: a user with no value for sortBy",
        basis=Basis.rfc("Q-09"),
    )


# -- paging --------------------------------------------------------------------------------------


@when(
    parsers.parse("a client asks for {count:d} users of the directory from position {start:d}"),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, count: int, start: int) -> httpx.Response:
    note_filters(None, roster.scope)
    return scim.get("/Users", params={"filter": roster.scope, "startIndex": start, "count": count})


@then(parsers.parse("the page reports {total:d} users in all and starts at position 1"))
def _(response: httpx.Response, total: int) -> None:
    """RFC 7644 §3.4.2.4: a ``startIndex`` below 1 "SHALL be interpreted as 1"; §3.4.2:
    ``totalResults`` counts every match, whatever the page."""
    body = listed(response)
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("Q-10")}
    check(
        body["totalResults"] == total,
        f"the page reports totalResults {body['totalResults']}",
        expected=f"totalResults {total}, every match whatever the page",
        **context,
    )
    if "startIndex" in body:
        check(
            body["startIndex"] == 1,
            f"the page starts at startIndex {body['startIndex']}",
            expected="startIndex 1: a startIndex below 1 is read as 1",
            **context,
        )


@then(parsers.parse("the page holds at most {most:d} users"))
def _(response: httpx.Response, most: int) -> None:
    """RFC 7644 §3.4.2.4: a negative ``count`` "SHALL be interpreted as "0""; the provider "MUST NOT
    return more results than specified"."""
    body = listed(response)
    held = resources(body)
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("Q-10")}
    check(
        len(held) <= most,
        f"the page holds {len(held)} users, more than the {most} asked for",
        expected=f"at most {most}",
        **context,
    )
    if held and len(held) < body["totalResults"]:
        # RFC 7644 §3.4.2: startIndex and itemsPerPage are REQUIRED "when partial results are returned".
        partial: dict[str, Any] = {"response": response, "basis": Basis.rfc("Q-01")}
        check(
            body.get("itemsPerPage") == len(held),
            f"a partial page of {len(held)} users says itemsPerPage {body.get('itemsPerPage')!r}",
            expected=f"itemsPerPage {len(held)}",
            **partial,
        )
        check("startIndex" in body, "a partial page has no startIndex", expected="startIndex", **partial)


@when(parsers.parse("a client pages through the directory {size:d} at a time"), target_fixture="pages")
def _(scim: ScimClient, roster: Roster, size: int) -> list[httpx.Response]:
    note_filters(None, roster.scope)
    pages: list[httpx.Response] = []
    start = 1
    while len(pages) <= len(roster.users):
        response = scim.get("/Users", params={"filter": roster.scope, "startIndex": start, "count": size})
        pages.append(response)
        page = listed(response, scim, roster)
        held = len(resources(page))
        start += held
        if held == 0 or start > page["totalResults"]:
            break
    return pages


@then(parsers.parse("every user of the directory is found exactly once, at most {size:d} a page"))
def _(pages: list[httpx.Response], roster: Roster, size: int) -> None:
    """RFC 7644 §3.4.2.4: 1-based ``startIndex`` and ``count`` page through the results."""
    bodies = [listed(page) for page in pages]
    seen = sorted(roster.label_of(r.get("id")) for body in bodies for r in resources(body))
    check(
        seen == sorted(roster.users),
        f"paging {len(pages)} page(s) found {shown(seen)}",
        response=pages[-1],
        expected=f"each of {shown(sorted(roster.users))} once",
        basis=Basis.rfc("Q-10"),
    )
    for page, body in zip(pages, bodies, strict=True):
        check(
            len(resources(body)) <= size,
            f"a page holds {len(resources(body))} users, more than the {size} asked for",
            response=page,
            expected=f"at most {size}",
            basis=Basis.rfc("Q-10"),
        )
        check(
            body.get("startIndex") is not None and body.get("itemsPerPage") is not None,
            "a page lacks startIndex or itemsPerPage",
            response=page,
            expected="startIndex and itemsPerPage: REQUIRED when results are paged",
            basis=Basis.rfc("Q-01"),
        )


# -- /.search ------------------------------------------------------------------------------------


def search_request(datatable: list[list[str]], roster: Roster | None) -> dict[str, Any]:
    """``| parameter | value |`` rows as a SearchRequest (RFC 7644 §3.4.3); its filter limited to
    the scenario's users when there is a roster (noted for every message)."""
    body: dict[str, Any] = {"schemas": [urns.SEARCH_REQUEST]}
    for name, value in ((r[0].strip(), r[1].strip()) for r in datatable):
        if name in ("startIndex", "count"):
            body[name] = int(value)
        elif name in ("attributes", "excludedAttributes"):
            body[name] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            body[name] = value
    if roster is not None:
        written = body.get("filter")
        body["filter"] = roster.scoped(written)
        note_filters(written, body["filter"])
    return body


@when("a client searches the directory with:", target_fixture="response")
def _(scim: ScimClient, roster: Roster, datatable: list[list[str]]) -> httpx.Response:
    """RFC 7644 §3.4.3: POST ``/Users/.search`` with a SearchRequest."""
    return scim.post("/Users/.search", search_request(datatable, roster))


@when("a client searches users with:", target_fixture="response")
def _(scim: ScimClient, datatable: list[list[str]]) -> httpx.Response:
    return scim.post("/Users/.search", search_request(datatable, None))


@when("a client searches users without saying it is a search request", target_fixture="response")
def _(scim: ScimClient, token: str) -> httpx.Response:
    return scim.post("/Users/.search", {"filter": f'userName eq "{user_name("nobody@example.com", token)}"'})


@when(
    phrase('a client searches the whole server for the user "{label:Q}" and the group'),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, group: dict[str, Any], label: str) -> httpx.Response:
    """RFC 7644 §3.4.2.1: queries MAY be sent to the server root; the SP then searches every type."""
    user = roster.users[short_label(label)]
    body = {
        "schemas": [urns.SEARCH_REQUEST],
        "filter": f'userName eq "{user["userName"]}" or displayName eq "{group["displayName"]}"',
    }
    response = scim.post("/.search", body, validate_body=False)
    if response.status_code in (404, 405, 501):
        pytest.skip(
            f"the target does not search at its root ({response.status_code}); "
            "RFC 7644 §3.4.2.1 makes root queries optional"
        )
    note_violations(response)
    return response


@then(phrase('the results hold the user "{label:Q}" and the group'))
def _(response: httpx.Response, roster: Roster, group: dict[str, Any], label: str) -> None:
    """RFC 7644 §3.4.2.1: "A query against a server root indicates that all resources within the
    server SHALL be included, subject to filtering"."""
    body = listed(response)
    found = {(value_at(r, "meta.resourceType"), r.get("id")) for r in resources(body)}
    user = roster.users[short_label(label)]
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("Q-13")}
    wanted = f"the user {user['id']} and the group {group['id']}, totalResults 2"
    check(
        ("User", user["id"]) in found and ("Group", group["id"]) in found,
        "the root search found " + (", ".join(sorted(f"{kind} {rid}" for kind, rid in found)) or "nothing"),
        expected=wanted,
        **context,
    )
    check(
        body["totalResults"] == 2,
        f"the root search reports totalResults {body['totalResults']}",
        expected=wanted,
        **context,
    )
