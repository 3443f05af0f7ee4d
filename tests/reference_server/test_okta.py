"""What Okta sends (its SCIM 2.0 reference, other-idps.md), accepted by the reference server over
real HTTP, with the same answer as the clean RFC request.

The bodies and URLs are written out by hand on purpose: they pin the wire form independently of
the simulator's Okta profile.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.scimtest import USER_URN, assert_same_resource, client_as, unique

GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def okta_user(name: str) -> dict[str, Any]:
    return {
        "schemas": [USER_URN],
        "userName": name,
        "name": {"givenName": "Ana", "familyName": "Souza"},
        "emails": [{"primary": True, "value": name, "type": "work"}],
        "displayName": "Ana Souza",
        "locale": "en-US",
        "externalId": "00u1abcd",
        "groups": [],
        "password": "t1meMa$heen",
        "active": True,
    }


def okta_client(client: httpx.Client) -> httpx.Client:
    return client_as(
        client, {"User-Agent": "Okta SCIM Client 1.0.0", "Content-Type": "application/scim+json"}
    )


def test_okta_connection_test_and_paged_lookup(client: httpx.Client) -> None:
    with okta_client(client) as okta:
        page = okta.get("/Users?startIndex=1&count=2")
        assert page.status_code == 200
        body = page.json()
        assert all(isinstance(body[k], int) for k in ("totalResults", "itemsPerPage", "startIndex"))
        name = unique("ana")
        encoded = name.replace("@", "%40")
        lookup = okta.get(
            httpx.URL(
                f"{client.base_url}/Users?filter=userName%20eq%20%22{encoded}%22&startIndex=1&count=100"
            )
        )
        assert lookup.status_code == 200 and lookup.json()["totalResults"] == 0


def test_okta_create_is_answered_like_a_clean_create_and_drops_the_password(client: httpx.Client) -> None:
    with okta_client(client) as okta:
        created = okta.post("/Users", json=okta_user(unique("okta")))
    assert created.status_code == 201
    body = created.json()
    assert body["externalId"] == "00u1abcd" and "password" not in body and body["active"] is True
    clean = client.post(
        "/Users",
        json={
            "schemas": [USER_URN],
            "userName": unique("clean"),
            "name": {"givenName": "Ana", "familyName": "Souza"},
            "locale": "en-US",
            "active": True,
        },
    ).json()
    assert_same_resource(body, clean)


def test_okta_duplicate_is_409(client: httpx.Client) -> None:
    name = unique("dup")
    with okta_client(client) as okta:
        assert okta.post("/Users", json=okta_user(name)).status_code == 201
        again = okta.post("/Users", json=okta_user(name))
    assert again.status_code == 409
    assert again.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_okta_pathless_deactivate_equals_a_path_replace(client: httpx.Client) -> None:
    with okta_client(client) as okta:
        a = okta.post("/Users", json=okta_user(unique("a"))).json()
        b = okta.post("/Users", json=okta_user(unique("b"))).json()
        okta_form = {"schemas": [PATCH_URN], "Operations": [{"op": "replace", "value": {"active": False}}]}
        clean_form = {
            "schemas": [PATCH_URN],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        }
        done = okta.patch(f"/Users/{a['id']}", json=okta_form)
        clean = okta.patch(f"/Users/{b['id']}", json=clean_form)
    assert done.status_code in (200, 204) and clean.status_code == done.status_code
    assert client.get(f"/Users/{a['id']}").json()["active"] is False
    assert_same_resource(client.get(f"/Users/{a['id']}").json(), client.get(f"/Users/{b['id']}").json())


def test_okta_put_of_the_get_is_accepted(client: httpx.Client) -> None:
    with okta_client(client) as okta:
        user = okta.post("/Users", json=okta_user(unique("put"))).json()
        copy = okta.get(f"/Users/{user['id']}").json()
        copy["title"] = "Head of Finance"
        put = okta.put(f"/Users/{user['id']}", json=copy)
    assert put.status_code == 200 and put.json()["title"] == "Head of Finance"


def test_okta_group_push_rename_with_id_and_membership(client: httpx.Client) -> None:
    with okta_client(client) as okta:
        user = okta.post("/Users", json=okta_user(unique("member"))).json()
        group = okta.post(
            "/Groups", json={"schemas": [GROUP_URN], "displayName": unique("Test SCIMv2"), "members": []}
        )
        assert group.status_code == 201
        gid = group.json()["id"]
        renamed = unique("Renamed")
        rename = {
            "schemas": [PATCH_URN],
            "Operations": [{"op": "replace", "value": {"id": gid, "displayName": renamed}}],
        }
        assert okta.patch(f"/Groups/{gid}", json=rename).status_code in (200, 204)
        add = {
            "schemas": [PATCH_URN],
            "Operations": [
                {
                    "op": "add",
                    "path": "members",
                    "value": [{"value": user["id"], "display": user["userName"]}],
                }
            ],
        }
        assert okta.patch(f"/Groups/{gid}", json=add).status_code in (200, 204)
        read = client.get(f"/Groups/{gid}").json()
        assert read["displayName"] == renamed and [m["value"] for m in read["members"]] == [user["id"]]
        remove = {
            "schemas": [PATCH_URN],
            "Operations": [{"op": "remove", "path": f'members[value eq "{user["id"]}"]'}],
        }
        assert okta.patch(f"/Groups/{gid}", json=remove).status_code in (200, 204)
        assert not client.get(f"/Groups/{gid}").json().get("members")
        assert okta.delete(f"/Groups/{gid}").status_code == 204
