"""Groups over real HTTP: membership, derived User.groups, displayName lookups (RFC 7643 §4.2)."""

from __future__ import annotations

import httpx

from tests.support.scimtest import (
    GROUP_URN,
    USER_URN,
    assert_scim_error,
    base,
    new_group,
    new_user,
    patch_body,
    unique,
)


def test_create_group_with_members_and_read_it_back(client: httpx.Client) -> None:
    ana, bo = new_user(client, displayName="Ana"), new_user(client)
    group = new_group(client, members=[ana["id"], bo["id"]])
    members = {m["value"]: m for m in group["members"]}
    assert set(members) == {ana["id"], bo["id"]}
    assert members[ana["id"]]["display"] == "Ana"
    assert members[bo["id"]]["display"] == bo["userName"]
    assert members[ana["id"]]["$ref"] == f"{base(client)}/Users/{ana['id']}"
    assert client.get(f"/Groups/{group['id']}").json() == group


def test_a_member_keeps_the_display_the_client_gave(client: httpx.Client) -> None:
    """RFC 7643 §4.2: "sub-attributes of members are "immutable"": the display a client gives a
    member when adding it (POST, PATCH add, PUT) is the one returned; another one for a member
    already there is refused by PATCH (400 mutability, RFC 7644 §3.5.2)."""
    ana, bo, carla = new_user(client, displayName="Ana"), new_user(client), new_user(client)
    body = {
        "schemas": [GROUP_URN],
        "displayName": unique("group"),
        "members": [{"value": ana["id"], "display": "A"}],
    }
    group = client.post("/Groups", json=body).json()
    assert [m["display"] for m in group["members"]] == ["A"]
    added = {"op": "add", "path": "members", "value": [{"value": bo["id"], "display": "Bo L."}]}
    patched = client.patch(f"/Groups/{group['id']}", json=patch_body(added))
    assert patched.status_code == 200, patched.text
    assert {m["value"]: m["display"] for m in patched.json()["members"]} == {
        ana["id"]: "A",
        bo["id"]: "Bo L.",
    }
    put = {**body, "members": [{"value": ana["id"]}, {"value": carla["id"], "display": "C"}]}
    replaced = client.put(f"/Groups/{group['id']}", json=put).json()
    assert {m["value"]: m["display"] for m in replaced["members"]} == {ana["id"]: "A", carla["id"]: "C"}
    change = {"op": "replace", "path": f'members[value eq "{ana["id"]}"].display', "value": "Other"}
    assert_scim_error(client.patch(f"/Groups/{group['id']}", json=patch_body(change)), 400, "mutability")
    found = client.get("/Groups", params={"filter": 'members.display eq "C"'}).json()
    assert [g["id"] for g in found["Resources"]] == [group["id"]]


def test_user_groups_are_derived_and_read_only(client: httpx.Client) -> None:
    """RFC 7643 §4.1.2: User.groups is readOnly; membership changes go through the Group."""
    user = new_user(client)
    group = new_group(client, members=[user["id"]])
    seen = client.get(f"/Users/{user['id']}").json()["groups"]
    assert seen == [
        {
            "value": group["id"],
            "display": group["displayName"],
            "type": "direct",
            "$ref": f"{base(client)}/Groups/{group['id']}",
        }
    ]
    # A PUT that tries to set groups changes nothing about membership.
    body = {"schemas": [USER_URN], "userName": user["userName"], "groups": []}
    assert client.put(f"/Users/{user['id']}", json=body).json()["groups"][0]["value"] == group["id"]


def test_put_replaces_members(client: httpx.Client) -> None:
    a, b, c = (new_user(client) for _ in range(3))
    group = new_group(client, members=[a["id"], b["id"]])
    body = {
        "schemas": [GROUP_URN],
        "displayName": group["displayName"],
        "members": [{"value": b["id"]}, {"value": c["id"]}],
    }
    replaced = client.put(f"/Groups/{group['id']}", json=body).json()
    assert {m["value"] for m in replaced["members"]} == {b["id"], c["id"]}
    assert "groups" not in client.get(f"/Users/{a['id']}").json()


def test_unknown_member_is_400_and_the_group_is_unchanged(client: httpx.Client) -> None:
    user = new_user(client)
    group = new_group(client, members=[user["id"]])
    body = {
        "schemas": [GROUP_URN],
        "displayName": group["displayName"],
        "members": [{"value": "no-such-user"}],
    }
    assert_scim_error(client.put(f"/Groups/{group['id']}", json=body), 400, "invalidValue")
    assert client.get(f"/Groups/{group['id']}").json() == group


def test_group_display_name_lookup_and_uniqueness(client: httpx.Client) -> None:
    group = new_group(client, unique("Engineering "))
    found = client.get(
        "/Groups", params={"filter": f'displayName eq "{group["displayName"].upper()}"'}
    ).json()
    assert [g["id"] for g in found["Resources"]] == [group["id"]]
    duplicate = client.post("/Groups", json={"schemas": [GROUP_URN], "displayName": group["displayName"]})
    assert_scim_error(duplicate, 409, "uniqueness")


def test_group_without_display_name_is_400(client: httpx.Client) -> None:
    assert_scim_error(client.post("/Groups", json={"schemas": [GROUP_URN]}), 400, "invalidValue")


def test_deleting_a_user_removes_their_memberships(client: httpx.Client) -> None:
    a, b = new_user(client), new_user(client)
    group = new_group(client, members=[a["id"], b["id"]])
    client.delete(f"/Users/{a['id']}")
    assert [m["value"] for m in client.get(f"/Groups/{group['id']}").json()["members"]] == [b["id"]]


def test_deleting_a_group_clears_user_groups(client: httpx.Client) -> None:
    user = new_user(client)
    group = new_group(client, members=[user["id"]])
    assert client.delete(f"/Groups/{group['id']}").status_code == 204
    assert_scim_error(client.get(f"/Groups/{group['id']}"), 404)
    assert "groups" not in client.get(f"/Users/{user['id']}").json()


def test_groups_list_can_exclude_members(client: httpx.Client) -> None:
    """Entra reads groups with excludedAttributes=members."""
    user = new_user(client)
    group = new_group(client, members=[user["id"]])
    body = client.get(
        "/Groups", params={"filter": f'id eq "{group["id"]}"', "excludedAttributes": "members"}
    ).json()
    assert body["Resources"][0]["displayName"] == group["displayName"]
    assert "members" not in body["Resources"][0]
