"""ETags over real HTTP (RFC 7644 §3.14): ETag = meta.version, If-Match → 412, If-None-Match → 304."""

from __future__ import annotations

import httpx
import pytest

from tests.support.scimtest import GROUP_URN, USER_URN, assert_scim_error, new_group, new_user, patch_body


def test_every_single_resource_response_carries_the_etag(client: httpx.Client) -> None:
    created = client.post("/Users", json={"schemas": [USER_URN], "userName": "etag1@example.com"})
    uid = created.json()["id"]
    responses = [
        created,
        client.get(f"/Users/{uid}"),
        client.put(
            f"/Users/{uid}", json={"schemas": [USER_URN], "userName": "etag1@example.com", "title": "t"}
        ),
        client.patch(f"/Users/{uid}", json=patch_body({"op": "replace", "path": "title", "value": "u"})),
    ]
    for response in responses:
        assert response.headers["etag"] == response.json()["meta"]["version"]
    versions = [r.json()["meta"]["version"] for r in responses]
    assert versions[0] == versions[1] != versions[2] != versions[3]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_if_match_mismatch_is_412_and_changes_nothing(client: httpx.Client, method: str) -> None:
    user = new_user(client, title="Keep")
    stale = 'W/"999"'
    headers = {"If-Match": stale}
    if method == "put":
        body = {"schemas": [USER_URN], "userName": user["userName"], "title": "Lost"}
        response = client.put(f"/Users/{user['id']}", json=body, headers=headers)
    elif method == "patch":
        body = patch_body({"op": "replace", "path": "title", "value": "Lost"})
        response = client.patch(f"/Users/{user['id']}", json=body, headers=headers)
    else:
        response = client.delete(f"/Users/{user['id']}", headers=headers)
    assert_scim_error(response, 412)
    assert client.get(f"/Users/{user['id']}").json() == user


def test_if_match_current_or_star_succeeds(client: httpx.Client) -> None:
    user = new_user(client)
    body = patch_body({"op": "replace", "path": "title", "value": "A"})
    first = client.patch(f"/Users/{user['id']}", json=body, headers={"If-Match": user["meta"]["version"]})
    assert first.status_code == 200
    # A strong form of the same tag, a list, and * all match.
    strong = first.json()["meta"]["version"].removeprefix("W/")
    second = client.patch(
        f"/Users/{user['id']}",
        json=patch_body({"op": "replace", "path": "title", "value": "B"}),
        headers={"If-Match": f'"nope", {strong}'},
    )
    assert second.status_code == 200
    assert client.delete(f"/Users/{user['id']}", headers={"If-Match": "*"}).status_code == 204


def test_if_none_match_current_is_304_without_a_body(client: httpx.Client) -> None:
    user = new_user(client)
    response = client.get(f"/Users/{user['id']}", headers={"If-None-Match": user["meta"]["version"]})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == user["meta"]["version"]
    changed = client.get(f"/Users/{user['id']}", headers={"If-None-Match": 'W/"0"'})
    assert changed.status_code == 200


def test_group_etags_change_when_membership_changes(client: httpx.Client) -> None:
    user = new_user(client)
    group = new_group(client)
    body = patch_body({"op": "add", "path": "members", "value": [{"value": user["id"]}]})
    added = client.patch(f"/Groups/{group['id']}", json=body)
    assert added.headers["etag"] != group["meta"]["version"]
    # Deleting the member changes the group's membership, hence its version.
    client.delete(f"/Users/{user['id']}")
    after = client.get(f"/Groups/{group['id']}")
    assert after.headers["etag"] != added.headers["etag"]
    put = {"schemas": [GROUP_URN], "displayName": group["displayName"]}
    stale = client.put(f"/Groups/{group['id']}", json=put, headers={"If-Match": added.headers["etag"]})
    assert_scim_error(stale, 412)
