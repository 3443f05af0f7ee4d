"""Steps for queries: filter, sort, paging, projection and ``/.search`` (RFC 7644 §3.4.2–§3.4.3).

A scenario's directory is a handful of users created from a data table. Every query is scoped to
them with ``userName co "<token>"`` joined by ``and`` to the filter under test, so the answers are
exact even on a shared server full of other users; a server whose ``co`` or ``and`` is broken
fails every filtered scenario, and the operator rows name which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from steps._resources import (
    LIST_URN,
    SEARCH_URN,
    TYPES,
    FieldType,
    cell_value,
    create,
    set_path,
    short_label,
    user_body,
    user_name,
    value_at,
)
from steps.common import assert_status, body_of
from steps.projection import Returned, check_left_out_or_kept
from steps.wire import ScimClient, note_violations

_WORD = {"Word": FieldType(r"\S+")}


@dataclass(frozen=True)
class Roster:
    """The users of one scenario's directory, by label (``ana``), and the token in their userNames."""

    token: str
    users: dict[str, dict[str, Any]]

    @property
    def scope(self) -> str:
        return f'userName co "{self.token}"'

    def scoped(self, filter_: str | None) -> str:
        return f"{self.scope} and ({filter_})" if filter_ else self.scope

    def label_of(self, resource_id: object) -> str:
        return next((label for label, u in self.users.items() if u["id"] == resource_id), f"<{resource_id}>")

    def ids(self, names: str) -> list[str]:
        """The ids of ``"ana, bo"``; ``nobody`` is none."""
        labels = [n.strip() for n in names.split(",") if n.strip() and n.strip() != "nobody"]
        missing = [label for label in labels if label not in self.users]
        assert not missing, f"{missing} are not in the directory ({sorted(self.users)})"
        return [self.users[label]["id"] for label in labels]


def listed(response: httpx.Response) -> dict[str, Any]:
    """RFC 7644 §3.4.2: a 200 ListResponse with ``totalResults``."""
    assert_status(response, 200)
    body = body_of(response)
    assert LIST_URN in (body.get("schemas") or []), f"not a ListResponse: schemas {body.get('schemas')}"
    assert isinstance(body.get("totalResults"), int), "totalResults is REQUIRED"
    return body


def resources(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in body.get("Resources") or [] if isinstance(r, dict)]


def _names(text: str) -> str:
    return ",".join(n.strip() for n in text.split(",") if n.strip())


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


@given(
    parsers.parse(
        'a user "{label:Name}" of the directory has an empty nickName and no emails', extra_types=TYPES
    )
)
def _(scim: ScimClient, token: str, label: str) -> None:
    """RFC 7643 §2.5 / RFC 7644 §3.4.2.2: an empty value is not "present". A target that refuses
    an empty string cannot hold one, so the scenario is skipped there."""
    response = scim.post("/Users", user_body(user_name(label, token), {"nickName": "", "emails": []}))
    if response.status_code == 400:
        pytest.skip("the target refuses an empty nickName, so no stored value can be empty")
    assert_status(response, 201)


# -- filter --------------------------------------------------------------------------------------


@when(parsers.parse("a client queries the directory with {filter}"), target_fixture="response")
def _(scim: ScimClient, roster: Roster, filter: str) -> httpx.Response:
    return scim.get("/Users", params={"filter": roster.scoped(filter)})


@when(parsers.parse("a client filters users by the malformed filter {filter}"), target_fixture="response")
def _(scim: ScimClient, filter: str) -> httpx.Response:
    return scim.get("/Users", params={"filter": filter})


@when("a client looks for a userName nobody has", target_fixture="response")
def _(scim: ScimClient, token: str) -> httpx.Response:
    return scim.get("/Users", params={"filter": f'userName eq "{user_name("nobody@example.com", token)}"'})


@then(parsers.parse('the users found are "{names}"'))
def _(response: httpx.Response, roster: Roster, names: str) -> None:
    """RFC 7644 §3.4.2.2 filter semantics; §3.4.2: ``totalResults`` counts every match."""
    body = listed(response)
    found = sorted(roster.label_of(r.get("id")) for r in resources(body))
    expected = sorted(roster.label_of(i) for i in roster.ids(names))
    assert found == expected, f"found {found or 'nobody'}, expected {expected or 'nobody'}"
    assert body["totalResults"] == len(expected), (
        f"totalResults is {body['totalResults']}, expected {len(expected)}"
    )


@then("the answer is an empty list")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.4.2: a query that matches nothing is 200 with ``totalResults`` 0, not 404."""
    body = listed(response)
    assert body["totalResults"] == 0, f"totalResults is {body['totalResults']}"
    assert not resources(body), f"Resources are {body.get('Resources')}"


# -- projection ----------------------------------------------------------------------------------


@when(
    parsers.parse('a client asks for "{names:Name}" of the users matching {filter}', extra_types=TYPES),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, names: str, filter: str) -> httpx.Response:
    """RFC 7644 §3.4.2.5: ``attributes`` overrides the default set."""
    return scim.get("/Users", params={"filter": roster.scoped(filter), "attributes": _names(names)})


@when(
    parsers.parse(
        'a client asks for all but "{names:Name}" of the users matching {filter}', extra_types=TYPES
    ),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, names: str, filter: str) -> httpx.Response:
    """RFC 7644 §3.4.2.5: ``excludedAttributes`` removes from the default set."""
    return scim.get("/Users", params={"filter": roster.scoped(filter), "excludedAttributes": _names(names)})


@then(parsers.parse('each user found has "{path}"'))
def _(response: httpx.Response, path: str) -> None:
    for resource in resources(listed(response)):
        assert value_at(resource, path) is not None, f"a user found has no {path}: {resource}"


@then(parsers.parse('no user found has "{path}"'))
def _(response: httpx.Response, returned: Returned, path: str) -> None:
    """RFC 7644 §3.4.2.5 / RFC 7643 §7: left out when not asked for, excluded, or ``returned: never``
    — unless the target's ``/Schemas`` declares it ``returned: always`` (R-11)."""
    if returned.always(path):
        return
    for resource in resources(listed(response)):
        found = value_at(resource, path)
        assert found is None, f"a user found carries {path} = {found!r}"


@then("each user found still has its id")
def _(response: httpx.Response, roster: Roster) -> None:
    """RFC 7643 §3.1: ``id`` is ``returned: always``, whatever ``attributes`` or
    ``excludedAttributes`` say (RFC 7644 §3.4.2.5; R-02, R-11)."""
    found = resources(listed(response))
    assert found, "no user was found"
    for resource in found:
        assert resource.get("id") in {u["id"] for u in roster.users.values()}, (
            f"unknown or missing id (returned: always, RFC 7643 §3.1): {resource}"
        )


@then(parsers.parse('each user found has "{path}" only if the target returns it always'))
def _(response: httpx.Response, roster: Roster, returned: Returned, path: str) -> None:
    """RFC 7643 §7: an attribute not asked for (or excluded) comes back only when its schema says
    ``returned: always``; ``userName`` is ``default`` (RFC 7643 §8.7.1) unless the target's own
    ``/Schemas`` declares otherwise (R-11, issue 12 ruling 1)."""
    found = resources(listed(response))
    assert found, "no user was found"
    by_id = {u["id"]: u for u in roster.users.values()}
    for resource in found:
        check_left_out_or_kept(resource, path, returned, value_at(by_id.get(resource.get("id"), {}), path))


# -- sort ----------------------------------------------------------------------------------------


def _sorted(scim: ScimClient, roster: Roster, attribute: str, order: str | None) -> httpx.Response:
    params = {"filter": roster.scope, "sortBy": attribute}
    if order:
        params["sortOrder"] = order
    return scim.get("/Users", params=params)


@when(
    parsers.parse("a client sorts the directory by {attribute:Word}", extra_types=_WORD),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, attribute: str) -> httpx.Response:
    return _sorted(scim, roster, attribute, None)


@when(
    parsers.parse(
        "a client sorts the directory by {attribute:Word} in {order:Word} order", extra_types=_WORD
    ),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, attribute: str, order: str) -> httpx.Response:
    return _sorted(scim, roster, attribute, order)


def _order(response: httpx.Response, roster: Roster) -> list[str]:
    return [roster.label_of(r.get("id")) for r in resources(listed(response))]


@then(parsers.parse('the users come in the order "{names}"'))
def _(response: httpx.Response, roster: Roster, names: str) -> None:
    """RFC 7644 §3.4.2.3: "sortOrder" defaults to ascending and "MUST sort according to the
    attribute type; i.e., for case-insensitive attributes, sort the result using case-insensitive
    Unicode alphabetic sort order"."""
    expected = [n.strip() for n in names.split(",")]
    assert _order(response, roster) == expected, (
        f"the order is {_order(response, roster)}, expected {expected}"
    )


@then(parsers.parse('"{name}" comes {place:Word}', extra_types=_WORD))
def _(response: httpx.Response, roster: Roster, name: str, place: str) -> None:
    """RFC 7644 §3.4.2.3: resources with no value for ``sortBy`` "are ordered last if ascending and
    first if descending"."""
    order = _order(response, roster)
    assert order, "no user was found"
    at = {"first": order[0], "last": order[-1]}[place]
    assert at == name, f"{at} comes {place}, expected {name} (order {order})"


# -- paging --------------------------------------------------------------------------------------


@when(
    parsers.parse("a client asks for {count:d} users of the directory from position {start:d}"),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, count: int, start: int) -> httpx.Response:
    return scim.get("/Users", params={"filter": roster.scope, "startIndex": start, "count": count})


@then(parsers.parse("the page reports {total:d} users in all and starts at position 1"))
def _(response: httpx.Response, total: int) -> None:
    """RFC 7644 §3.4.2.4: a ``startIndex`` below 1 "SHALL be interpreted as 1"; §3.4.2:
    ``totalResults`` counts every match, whatever the page."""
    body = listed(response)
    assert body["totalResults"] == total, f"totalResults is {body['totalResults']}, expected {total}"
    if "startIndex" in body:
        assert body["startIndex"] == 1, f"startIndex is {body['startIndex']}, expected 1"


@then(parsers.parse("the page holds at most {most:d} users"))
def _(response: httpx.Response, most: int) -> None:
    """RFC 7644 §3.4.2.4: a negative ``count`` "SHALL be interpreted as "0""; the provider "MUST NOT
    return more results than specified"."""
    body = listed(response)
    held = resources(body)
    assert len(held) <= most, f"the page holds {len(held)} users, at most {most} were asked for"
    if held and len(held) < body["totalResults"]:
        # RFC 7644 §3.4.2: startIndex and itemsPerPage are REQUIRED "when partial results are returned".
        assert body.get("itemsPerPage") == len(held), f"itemsPerPage is {body.get('itemsPerPage')}"
        assert "startIndex" in body, "a partial page has no startIndex"


@when(parsers.parse("a client pages through the directory {size:d} at a time"), target_fixture="pages")
def _(scim: ScimClient, roster: Roster, size: int) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    start = 1
    while len(pages) <= len(roster.users):
        page = listed(scim.get("/Users", params={"filter": roster.scope, "startIndex": start, "count": size}))
        pages.append(page)
        held = len(resources(page))
        start += held
        if held == 0 or start > page["totalResults"]:
            break
    return pages


@then(parsers.parse("every user of the directory is found exactly once, at most {size:d} a page"))
def _(pages: list[dict[str, Any]], roster: Roster, size: int) -> None:
    """RFC 7644 §3.4.2.4: 1-based ``startIndex`` and ``count`` page through the results."""
    seen = [roster.label_of(r.get("id")) for page in pages for r in resources(page)]
    assert sorted(seen) == sorted(roster.users), (
        f"paging found {seen}, expected each of {sorted(roster.users)} once"
    )
    for page in pages:
        assert len(resources(page)) <= size, f"a page holds {len(resources(page))} users"
        assert page.get("startIndex") is not None and page.get("itemsPerPage") is not None, (
            f"a page lacks startIndex or itemsPerPage (REQUIRED when paged, RFC 7644 §3.4.2): {page}"
        )


# -- /.search ------------------------------------------------------------------------------------


def search_request(datatable: list[list[str]], roster: Roster | None) -> dict[str, Any]:
    """``| parameter | value |`` rows as a SearchRequest (RFC 7644 §3.4.3)."""
    body: dict[str, Any] = {"schemas": [SEARCH_URN]}
    for name, value in ((r[0].strip(), r[1].strip()) for r in datatable):
        if name in ("startIndex", "count"):
            body[name] = int(value)
        elif name in ("attributes", "excludedAttributes"):
            body[name] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            body[name] = value
    if roster is not None:
        body["filter"] = roster.scoped(body.get("filter"))
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
    parsers.parse(
        'a client searches the whole server for the user "{label:Name}" and the group', extra_types=TYPES
    ),
    target_fixture="response",
)
def _(scim: ScimClient, roster: Roster, group: dict[str, Any], label: str) -> httpx.Response:
    """RFC 7644 §3.4.2.1: queries MAY be sent to the server root; the SP then searches every type."""
    user = roster.users[short_label(label)]
    body = {
        "schemas": [SEARCH_URN],
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


@then(parsers.parse('the results hold the user "{label:Name}" and the group', extra_types=TYPES))
def _(response: httpx.Response, roster: Roster, group: dict[str, Any], label: str) -> None:
    """RFC 7644 §3.4.2.1: "A query against a server root indicates that all resources within the
    server SHALL be included, subject to filtering"."""
    body = listed(response)
    found = {(value_at(r, "meta.resourceType"), r.get("id")) for r in resources(body)}
    user = roster.users[short_label(label)]
    assert ("User", user["id"]) in found and ("Group", group["id"]) in found, (
        f"found {sorted(map(str, found))}, expected the user {user['id']} and the group {group['id']}"
    )
    assert body["totalResults"] == 2, f"totalResults is {body['totalResults']}, expected 2"
