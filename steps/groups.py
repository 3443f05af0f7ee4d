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
    GROUP_URN,
    TYPES,
    ensure_id,
    group_body,
    group_name,
    member_of,
    modify,
    quoted,
    read,
    same_text,
    user_body,
    user_name,
    value_at,
)
from steps.common import assert_status, body_of
from steps.target import Cleanup, discovery_document
from steps.wire import ScimClient


def _members(users: dict[str, dict[str, Any]], labels: str) -> list[dict[str, Any]]:
    return [dict(member_of(users, label)) for label in quoted(labels)]


def member_ids(group: dict[str, Any]) -> list[str]:
    return sorted(str(m.get("value")) for m in group.get("members") or [])


def assert_members(group: dict[str, Any], users: dict[str, dict[str, Any]], labels: str) -> None:
    """The group's ``members[].value`` are exactly the ids of the users named."""
    expected = sorted(m["id"] for m in _members(users, labels))
    names = {u["id"]: label for label, u in users.items()}
    found = member_ids(group)
    assert found == expected, (
        f"the members are {[names.get(f, f) for f in found]}, expected {[names.get(e, e) for e in expected]}"
    )


# -- create, read, replace, delete ---------------------------------------------------------------


@when(
    parsers.parse('a client creates a group "{label:Name}" with members {labels}', extra_types=TYPES),
    target_fixture="response",
)
def _(
    scim: ScimClient, token: str, users: dict[str, dict[str, Any]], label: str, labels: str
) -> httpx.Response:
    return scim.post("/Groups", group_body(group_name(label, token), _members(users, labels)))


@when(
    parsers.parse('a client creates another group "{label:Name}"', extra_types=TYPES),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str) -> httpx.Response:
    return scim.post("/Groups", group_body(group_name(label, token), []))


@when("a client creates a group without a displayName", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.post("/Groups", {"schemas": [GROUP_URN]})


@then("the group is created", target_fixture="group")
def _(response: httpx.Response) -> dict[str, Any]:
    """RFC 7644 §3.3: 201 with the new group."""
    assert_status(response, 201)
    body = body_of(response)
    ensure_id(body)
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
    assert_status(response, 200)
    body = body_of(response)
    assert body.get("id") == group["id"], f"the id changed to {body.get('id')!r}"
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
    assert_status(scim.get(f"/Groups/{group['id']}"), 404)


@then(parsers.parse('the user "{label:Name}" still exists', extra_types=TYPES))
def _(scim: ScimClient, users: dict[str, dict[str, Any]], label: str) -> None:
    """Deleting a group deletes the group, not its members."""
    read(scim, dict(member_of(users, label)))


# -- membership through the group ----------------------------------------------------------------


@when(
    parsers.parse('a client adds "{label:Name}" to the group\'s members', extra_types=TYPES),
    target_fixture="response",
)
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], label: str
) -> httpx.Response:
    """RFC 7644 §3.5.2.1: "add" on a multi-valued attribute adds the value."""
    member = member_of(users, label)
    return modify(scim, group, [{"op": "add", "path": "members", "value": [{"value": member["id"]}]}])


@when(
    parsers.parse('a client removes "{label:Name}" from the group\'s members', extra_types=TYPES),
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
    parsers.parse('a client renames the group to "{label:Name}"', extra_types=TYPES),
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
    assert member_ids(read(scim, group)) == [], "the group gained members"


@then("each member of the group refers to its user")
def _(group: dict[str, Any]) -> None:
    """RFC 7643 §4.2: ``members.type`` is "User" or "Group"; ``$ref`` is the member's URI."""
    for member in group.get("members") or []:
        kind = member.get("type")
        assert kind in (None, "User"), f"member {member.get('value')} has type {kind!r}"
        ref = member.get("$ref")
        assert ref is None or str(ref).rstrip("/").endswith(f"/Users/{member.get('value')}"), (
            f"member {member.get('value')} refers to {ref!r}"
        )


@then(parsers.parse('the group is called "{label:Name}"', extra_types=TYPES))
def _(token: str, group: dict[str, Any], label: str) -> None:
    """RFC 7643 §4.2: displayName is caseExact=false, so the server may alter its case (§2.2)."""
    name = group.get("displayName")
    assert same_text("displayName", name, group_name(label, token)), f"displayName is {name!r}"


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


@when(parsers.parse('a client reads the user "{label:Name}"', extra_types=TYPES), target_fixture="response")
def _(scim: ScimClient, users: dict[str, dict[str, Any]], label: str) -> httpx.Response:
    return scim.get(f"/Users/{member_of(users, label)['id']}")


@then("the answer lists the group among the user's groups")
def _(response: httpx.Response, group: dict[str, Any]) -> None:
    """RFC 7643 §4.1.2: ``groups`` lists the groups the user belongs to, ``value`` being the group's id."""
    assert_status(response, 200)
    found = [g.get("value") for g in body_of(response).get("groups") or []]
    assert group["id"] in found, f"the user's groups are {found}, expected {group['id']} among them"


@when(
    parsers.parse(
        'a client replaces the user "{label:Name}" claiming membership of the group', extra_types=TYPES
    ),
    target_fixture="response",
)
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], label: str
) -> httpx.Response:
    user = member_of(users, label)
    body = user_body(user["userName"], {"groups": [{"value": group["id"], "display": group["displayName"]}]})
    return scim.put(f"/Users/{user['id']}", body)


@when(
    parsers.parse('a client adds the group to the groups of the user "{label:Name}"', extra_types=TYPES),
    target_fixture="response",
)
def _(
    scim: ScimClient, group: dict[str, Any], users: dict[str, dict[str, Any]], label: str
) -> httpx.Response:
    user = dict(member_of(users, label))
    return modify(scim, user, [{"op": "add", "path": "groups", "value": [{"value": group["id"]}]}])


@when(
    parsers.parse(
        'a client creates a user "{label:Name}" claiming membership of the group', extra_types=TYPES
    ),
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
    parsers.parse('a client looks for groups with "{label:Name}" as a member', extra_types=TYPES),
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
    assert_status(response, 200)
    body = body_of(response)
    found = [value_at(r, "id") for r in body.get("Resources") or []]
    assert body.get("totalResults") == 1 and found == [group["id"]], (
        f"found {found} (totalResults {body.get('totalResults')}), expected only {group['id']}"
    )
