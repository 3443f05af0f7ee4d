"""Membership-only PATCHes take a fast path; it must agree with the general PATCH engine."""

from __future__ import annotations

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_server.membership import member_changes
from reference_server.patch import apply_patch
from schemas import GROUP_TYPE
from tests.support.scimtest import assert_scim_error, new_group, new_user, patch_body

IDS = ["u1", "u2", "u3", "u4"]

add_op = st.lists(st.sampled_from(IDS), min_size=1, max_size=3).map(
    lambda ids: {"op": "add", "path": "members", "value": [{"value": i} for i in ids]}
)
remove_op = st.sampled_from(IDS).map(lambda i: {"op": "remove", "path": f'members[value eq "{i}"]'})
entra_remove_op = st.lists(st.sampled_from(IDS), min_size=1, max_size=3).map(
    lambda ids: {"op": "Remove", "path": "members", "value": [{"value": i} for i in ids]}
)


@settings(max_examples=300, deadline=None)
@given(
    start=st.sets(st.sampled_from(IDS)),
    operations=st.lists(st.one_of(add_op, remove_op, entra_remove_op), min_size=1, max_size=5),
)
def test_fast_path_equals_the_general_engine(start: set[str], operations: list[dict]) -> None:
    group = {
        "schemas": [GROUP_TYPE.schema.id],
        "id": "g",
        "displayName": "G",
        "members": [{"value": i} for i in sorted(start)],
    }
    general = {m["value"] for m in apply_patch(group, operations, GROUP_TYPE).get("members") or []}
    changes = member_changes(operations)
    assert changes is not None
    fast = (start | set(changes.add)) - set(changes.remove)
    assert fast == general


def test_anything_but_membership_goes_to_the_general_engine() -> None:
    assert member_changes([{"op": "replace", "path": "members", "value": []}]) is None
    assert member_changes([{"op": "add", "path": "displayName", "value": "x"}]) is None
    assert member_changes([{"op": "remove", "path": 'members[display eq "x"]'}]) is None
    assert (
        member_changes([{"op": "add", "path": "members", "value": [{"value": "g", "type": "Group"}]}]) is None
    )
    assert member_changes([{"op": "add", "path": "members", "value": [{"value": "a", "extra": 1}]}]) is None


def test_fast_path_over_http(client: httpx.Client) -> None:
    a, b = new_user(client), new_user(client)
    group = new_group(client, members=[a["id"]])
    same = client.patch(
        f"/Groups/{group['id']}",
        json=patch_body({"op": "add", "path": "members", "value": [{"value": a["id"]}]}),
    )
    assert same.status_code == 200
    assert same.headers["etag"] == group["meta"]["version"]  # adding a member already there is a no-op
    gone = client.patch(
        f"/Groups/{group['id']}", json=patch_body({"op": "remove", "path": f'members[value eq "{b["id"]}"]'})
    )
    assert gone.headers["etag"] == group["meta"]["version"]  # so is removing a non-member
    added = client.patch(
        f"/Groups/{group['id']}",
        json=patch_body({"op": "add", "path": "members", "value": [{"value": b["id"]}]}),
    )
    assert added.headers["etag"] != group["meta"]["version"]
    assert {m["value"] for m in added.json()["members"]} == {a["id"], b["id"]}
    assert added.json()["meta"]["lastModified"] >= group["meta"]["lastModified"]
    assert client.get(f"/Users/{b['id']}").json()["groups"][0]["value"] == group["id"]
    stale = client.patch(
        f"/Groups/{group['id']}",
        json=patch_body({"op": "remove", "path": f'members[value eq "{b["id"]}"]'}),
        headers={"If-Match": group["meta"]["version"]},
    )
    assert_scim_error(stale, 412)
    unknown = client.patch(
        f"/Groups/{group['id']}",
        json=patch_body({"op": "add", "path": "members", "value": [{"value": "ghost"}]}),
    )
    assert_scim_error(unknown, 400, "invalidValue")
    assert client.get(f"/Groups/{group['id']}").json() == added.json()
    assert_scim_error(
        client.patch(
            "/Groups/nope", json=patch_body({"op": "add", "path": "members", "value": [{"value": a["id"]}]})
        ),
        404,
    )
