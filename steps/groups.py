"""Steps for groups and membership (RFC 7643 §4.2, §4.1.2; RFC 7644 §3.3–§3.6).

Membership lives on the Group: ``members[].value`` is the member's SCIM id. A user's ``groups``
is derived from it and readOnly (RFC 7643 §4.1.2), so the steps that try to change membership
through the user check the group afterwards.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from schemas import urns
from scim_client import Target
from steps._resources import (
    ensure_id,
    group_body,
    group_name,
    member_of,
    modify,
    read,
    same_text,
    user_body,
    user_name,
    value_at,
)
from steps._vocabulary import phrase, quoted
from steps.common import assert_status, body_of
from steps.failures import Basis, check, origin_of
from steps.target import Cleanup, discovery_document
from steps.wire import ScimClient


def _members(users: dict[str, dict[str, Any]], labels: str) -> list[dict[str, Any]]:
    return [dict(member_of(users, label)) for label in quoted(labels)]


def member_ids(group: dict[str, Any]) -> list[str]:
    return sorted(str(m.get("value")) for m in group.get("members") or [])


def assert_members(group: dict[str, Any], users: dict[str, dict[str, Any]], labels: str) -> None:
    """The group's ``members[].value`` are exactly the ids of the users named (RFC 7643 §4.2)."""
    expected = sorted(m["id"] for m in _members(users, labels))
    names = {u["id"]: label for label, u in users.items()}
    found = member_ids(group)
    shown = ", ".join(names.get(f, f) for f in found) or "nobody"
    check(
        found == expected,
        f"the group's members are {shown}",
        response=origin_of(group),
        expected=", ".join(names.get(e, e) for e in expected) or "no member",
    )


# -- create, read, replace, delete ---------------------------------------------------------------


@when(
    phrase('a client creates a group "{label:Q}" with members {labels}'),
    target_fixture="response",
)
def _(
    scim: ScimClient, token: str, users: dict[str, dict[str, Any]], label: str, labels: str
) -> httpx.Response:
    return scim.post("/Groups", group_body(group_name(label, token), _members(users, labels)))


@when(
    phrase('a client creates another group "{label:Q}"'),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str) -> httpx.Response:
    return scim.post("/Groups", group_body(group_name(label, token), []))


@when("a client creates a group without a displayName", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.post("/Groups", {"schemas": [urns.GROUP]})


@then("the group is created", target_fixture="group")
def _(response: httpx.Response) -> dict[str, Any]:
    """RFC 7644 §3.3: 201 with the new group."""
    assert_status(response, 201, basis=Basis.rfc("C-01"))
    body = body_of(response)
    ensure_id(body, response)
    return body


@when("a client reads the group", target_fixture="response")
def _(scim: ScimClient, group: dict[str, Any]) -> httpx.Response:
    return scim.get(f"/Groups/{group['id']}")


@when(parsers.parse("a client replaces the group with members {labels}"), target_fixture="response")
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], labels: str
) -> httpx.Response:
    return scim.put(f"/Groups/{group['id']}", group_body(group["displayName"], _members(users, labels)))


@then("the group is replaced", target_fixture="group")
def _(response: httpx.Response, group: dict[str, Any]) -> dict[str, Any]:
    """RFC 7644 §3.5.1: 200 with the group, under the same id."""
    assert_status(response, 200, basis=Basis.rfc("P-03"))
    body = body_of(response)
    check(
        body.get("id") == group["id"],
        f"the replacement changed the group's id from {group['id']!r} to {body.get('id')!r}",
        response=response,
        expected="the same id: it is readOnly",
        basis=Basis.rfc("R-02", "P-02"),
    )
    return body


@when("a client deletes the group", target_fixture="response")
def _(scim: ScimClient, cleanup: Cleanup, group: dict[str, Any]) -> httpx.Response:
    response = scim.delete(f"/Groups/{group['id']}")
    if response.status_code == 204:
        cleanup.forget("/Groups", group["id"])
    return response


@then("the group can no longer be read")
def _(scim: ScimClient, group: dict[str, Any]) -> None:
    """RFC 7644 §3.6: a deleted resource is 404 for every operation."""
    assert_status(scim.get(f"/Groups/{group['id']}"), 404, basis=Basis.rfc("X-01"))


@then(phrase('the user "{label:Q}" still exists'))
def _(scim: ScimClient, users: dict[str, dict[str, Any]], label: str) -> None:
    """Deleting a group deletes the group, not its members."""
    read(scim, dict(member_of(users, label)))


# -- membership through the group ----------------------------------------------------------------


@when(
    phrase('a client adds "{label:Q}" to the group\'s members'),
    target_fixture="response",
)
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], label: str
) -> httpx.Response:
    """RFC 7644 §3.5.2.1: "add" on a multi-valued attribute adds the value."""
    member = member_of(users, label)
    return modify(scim, group, [{"op": "add", "path": "members", "value": [{"value": member["id"]}]}])


@when(
    phrase('a client removes "{label:Q}" from the group\'s members'),
    target_fixture="response",
)
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], label: str
) -> httpx.Response:
    """RFC 7644 §3.5.2.2: a value filter picks the members to remove (no ``value`` member)."""
    member = member_of(users, label)
    return modify(scim, group, [{"op": "remove", "path": f'members[value eq "{member["id"]}"]'}])


@when("a client removes every member of the group", target_fixture="response")
def _(scim: ScimClient, group: dict[str, Any]) -> httpx.Response:
    return modify(scim, group, [{"op": "remove", "path": "members"}])


@when(parsers.parse("a client replaces the group's members with {labels}"), target_fixture="response")
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], labels: str
) -> httpx.Response:
    """RFC 7644 §3.5.2.3: replace with no filter replaces "the attribute and all values"."""
    value = [{"value": m["id"]} for m in _members(users, labels)]
    return modify(scim, group, [{"op": "replace", "path": "members", "value": value}])


@when(
    phrase('a client renames the group to "{label:Q}"'),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, group: dict[str, Any], label: str) -> httpx.Response:
    return modify(scim, group, [{"op": "replace", "path": "displayName", "value": group_name(label, token)}])


@then(parsers.re(r'the members of the group are (?P<labels>".*)'))
def _(group: dict[str, Any], users: dict[str, dict[str, Any]], labels: str) -> None:
    assert_members(group, users, labels)


@then(parsers.re(r'the members of the group are still (?P<labels>".*)'))
def _(scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], labels: str) -> None:
    assert_members(read(scim, group), users, labels)


@then("the group still has no members")
def _(scim: ScimClient, group: dict[str, Any]) -> None:
    now = read(scim, group)
    check(
        member_ids(now) == [],
        f"the group gained members: {', '.join(member_ids(now))}",
        response=origin_of(now),
        expected="no member",
    )


@then("each member of the group refers to its user")
def _(group: dict[str, Any]) -> None:
    """RFC 7643 §4.2: ``members.type`` is "User" or "Group"; ``$ref`` is the member's URI."""
    context: dict[str, Any] = {"response": origin_of(group), "basis": Basis.rfc("R-14")}
    for member in group.get("members") or []:
        kind, ref, value = member.get("type"), member.get("$ref"), member.get("value")
        check(
            kind in (None, "User"),
            f"the member {value} has type {kind!r}, though it is a user",
            expected='type "User" (or none)',
            **context,
        )
        check(
            ref is None or str(ref).rstrip("/").endswith(f"/Users/{value}"),
            f"the member {value} refers to {ref!r}, not to its user",
            expected=f"$ref ending in /Users/{value} (or none)",
            **context,
        )


@then(phrase('the group is called "{label:Q}"'))
def _(token: str, group: dict[str, Any], label: str) -> None:
    """RFC 7643 §4.2: displayName is caseExact=false, so the server may alter its case (§2.2)."""
    name = group.get("displayName")
    check(
        same_text("displayName", name, group_name(label, token)),
        f"the group's displayName is {name!r}",
        response=origin_of(group),
        expected=f"{group_name(label, token)!r} (in any case: it is not case-exact)",
    )


# -- membership seen from the user ---------------------------------------------------------------


@pytest.fixture(scope="session")
def user_schema_attributes(target: Target) -> set[str]:
    """The attribute names the target publishes for the core User schema (RFC 7644 §4)."""
    body = discovery_document(target, f"/Schemas/{urns.USER}")
    attributes = body.get("attributes") if isinstance(body, dict) else None
    return {str(a.get("name", "")).lower() for a in attributes or [] if isinstance(a, dict)}


@given("the target shows each user's groups")
def _(user_schema_attributes: set[str]) -> None:
    """RFC 7643 §4.1.2 defines ``groups``; a target whose User schema leaves it out is skipped."""
    if "groups" not in user_schema_attributes:
        pytest.skip("the target's User schema does not publish the groups attribute")


@when(phrase('a client reads the user "{label:Q}"'), target_fixture="response")
def _(scim: ScimClient, users: dict[str, dict[str, Any]], label: str) -> httpx.Response:
    return scim.get(f"/Users/{member_of(users, label)['id']}")


@then("the answer lists the group among the user's groups")
def _(response: httpx.Response, group: dict[str, Any]) -> None:
    """RFC 7643 §4.1.2: ``groups`` lists the groups the user belongs to, ``value`` being the group's id."""
    assert_status(response, 200, basis=Basis.rfc("G-01"))
    found = [g.get("value") for g in body_of(response).get("groups") or [] if isinstance(g, dict)]
    check(
        group["id"] in found,
        f"the user's groups are {found or 'none'}, without the group {group['id']} it belongs to",
        response=response,
        expected=f"the group {group['id']} among the user's groups",
        basis=Basis.rfc("R-13"),
    )


@when(
    phrase('a client replaces the user "{label:Q}" claiming membership of the group'),
    target_fixture="response",
)
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], label: str
) -> httpx.Response:
    user = member_of(users, label)
    body = user_body(user["userName"], {"groups": [{"value": group["id"], "display": group["displayName"]}]})
    return scim.put(f"/Users/{user['id']}", body)


@when(
    phrase('a client adds the group to the groups of the user "{label:Q}"'),
    target_fixture="response",
)
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], label: str
) -> httpx.Response:
    user = dict(member_of(users, label))
    return modify(scim, user, [{"op": "add", "path": "groups", "value": [{"value": group["id"]}]}])


@when(
    phrase('a client creates a user "{label:Q}" claiming membership of the group'),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, group: dict[str, Any], label: str) -> httpx.Response:
    body = user_body(user_name(label, token), {"groups": [{"value": group["id"]}]})
    return scim.post("/Users", body)


# -- look up -------------------------------------------------------------------------------------


def _lookup(scim: ScimClient, filter_: str) -> httpx.Response:
    return scim.get("/Groups", params={"filter": filter_})


@when("a client looks the group up by displayName", target_fixture="response")
def _(scim: ScimClient, group: dict[str, Any]) -> httpx.Response:
    return _lookup(scim, f'displayName eq "{group["displayName"]}"')


@when("a client looks the group up by displayName in upper case", target_fixture="response")
def _(scim: ScimClient, group: dict[str, Any]) -> httpx.Response:
    return _lookup(scim, f'displayName eq "{group["displayName"].upper()}"')


@when(
    phrase('a client looks for groups with "{label:Q}" as a member'),
    target_fixture="response",
)
def _(scim: ScimClient, users: dict[str, dict[str, Any]], label: str) -> httpx.Response:
    """RFC 7644 §3.4.2.2: a value path filters a multi-valued attribute by its sub-attributes."""
    return _lookup(scim, f'members[value eq "{member_of(users, label)["id"]}"]')


@when("a client looks for a group displayName nobody has", target_fixture="response")
def _(scim: ScimClient, token: str) -> httpx.Response:
    return _lookup(scim, f'displayName eq "{group_name("Nobody", token)}"')


@then("exactly that group is found")
def _(response: httpx.Response, group: dict[str, Any]) -> None:
    """RFC 7644 §3.4.2: a ListResponse whose one resource is the group."""
    assert_status(response, 200, basis=Basis.rfc("Q-01"))
    body = body_of(response)
    found = [value_at(r, "id") for r in body.get("Resources") or []]
    check(
        body.get("totalResults") == 1 and found == [group["id"]],
        f"the lookup found {found or 'nothing'} (totalResults {body.get('totalResults')})",
        response=response,
        expected=f"exactly the group {group['id']}, totalResults 1",
    )
