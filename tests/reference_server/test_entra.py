"""What Microsoft Entra ID sends (its SCIM docs and known-issues page, other-idps.md), flagged and
unflagged, accepted by the reference server over real HTTP with the same answer as the clean form.

The bodies are written out by hand on purpose: they pin the wire form independently of the
simulator's Entra profile.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from schemas import urns
from tests.support.scimtest import ENTERPRISE_URN, USER_URN, assert_same_resource, client_as, unique

GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
ADSCIM = urns.ENTRA_ADSCIM_GROUP
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def entra_user(name: str) -> dict[str, Any]:
    return {
        "schemas": [USER_URN, ENTERPRISE_URN],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": name,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ana Souza", "familyName": "Souza", "givenName": "Ana"},
        "roles": [],
    }


def entra_client(client: httpx.Client) -> httpx.Client:
    return client_as(client, {"ADSCIMVersion": "6.0", "Content-Type": "application/scim+json; charset=utf-8"})


def pair(entra: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    created = [entra.post("/Users", json=entra_user(unique(p))) for p in ("entra", "clean")]
    assert [c.status_code for c in created] == [201, 201]
    return created[0].json(), created[1].json()


def test_entra_match_finds_nobody_with_200_and_zero(client: httpx.Client) -> None:
    with entra_client(client) as entra:
        lookup = entra.get("/Users", params={"filter": f'userName eq "Test_User_{unique()}"'})
    assert lookup.status_code == 200 and lookup.json()["totalResults"] == 0


def test_entra_create_with_meta_and_roles_is_201(client: httpx.Client) -> None:
    with entra_client(client) as entra:
        created = entra.post("/Users", json=entra_user(unique("entra")))
    assert created.status_code == 201
    assert created.json()["externalId"] == "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"


@pytest.mark.parametrize(
    ("entra_op", "clean_op"),
    [
        pytest.param(
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "replace", "path": "active", "value": False},
            id="disable-unflagged",
        ),
        pytest.param(
            {"op": "replace", "path": "active", "value": False},
            {"op": "replace", "path": "active", "value": False},
            id="disable-flagged",
        ),
        pytest.param(
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "updated@example.com"},
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "updated@example.com"},
            id="update-value-path",
        ),
        pytest.param(
            {"op": "Replace", "path": f"{ENTERPRISE_URN}:department", "value": "Finance"},
            {"op": "replace", "path": f"{ENTERPRISE_URN}:department", "value": "Finance"},
            id="update-extension-path",
        ),
        pytest.param(
            {
                "op": "replace",
                "value": {
                    "displayName": "Ana S.",
                    "name.givenName": "Anna",
                    f"{ENTERPRISE_URN}:employeeNumber": "7",
                },
            },
            {
                "op": "replace",
                "value": {
                    "displayName": "Ana S.",
                    "name": {"givenName": "Anna"},
                    ENTERPRISE_URN: {"employeeNumber": "7"},
                },
            },
            id="flagged-multi-replace",
        ),
    ],
)
def test_entra_user_patch_equals_the_clean_patch(
    client: httpx.Client, entra_op: dict[str, Any], clean_op: dict[str, Any]
) -> None:
    with entra_client(client) as entra:
        a, b = pair(entra)
        first = entra.patch(f"/Users/{a['id']}", json={"schemas": [PATCH_URN], "Operations": [entra_op]})
        second = entra.patch(f"/Users/{b['id']}", json={"schemas": [PATCH_URN], "Operations": [clean_op]})
    assert first.status_code in (200, 204) and second.status_code == first.status_code
    assert_same_resource(client.get(f"/Users/{a['id']}").json(), client.get(f"/Users/{b['id']}").json())


def test_entra_group_lifecycle_unflagged_and_flagged(client: httpx.Client) -> None:
    with entra_client(client) as entra:
        user, other = pair(entra)
        body = {
            "schemas": [GROUP_URN, ADSCIM],
            "externalId": "8aa1a0c0",
            "displayName": unique("Group1DisplayName"),
            "meta": {"resourceType": "Group"},
        }
        created = entra.post("/Groups", json=body)
        assert created.status_code == 201
        gid = created.json()["id"]
        found = entra.get(
            "/Groups",
            params={"excludedAttributes": "members", "filter": f'displayName eq "{body["displayName"]}"'},
        )
        assert [g["id"] for g in found.json()["Resources"]] == [gid]
        add = {
            "schemas": [PATCH_URN],
            "Operations": [
                {
                    "op": "Add",
                    "path": "members",
                    "value": [{"$ref": None, "value": user["id"]}, {"$ref": None, "value": other["id"]}],
                }
            ],
        }
        assert entra.patch(f"/Groups/{gid}", json=add).status_code in (200, 204)
        read = entra.get(f"/Groups/{gid}", params={"excludedAttributes": "members"})
        assert read.status_code == 200 and "members" not in read.json()
        unflagged = {
            "schemas": [PATCH_URN],
            "Operations": [{"op": "Remove", "path": "members", "value": [{"value": user["id"]}]}],
        }
        assert entra.patch(f"/Groups/{gid}", json=unflagged).status_code in (200, 204)
        flagged = {
            "schemas": [PATCH_URN],
            "Operations": [{"op": "remove", "path": f'members[value eq "{other["id"]}"]'}],
        }
        assert entra.patch(f"/Groups/{gid}", json=flagged).status_code in (200, 204)
        assert not client.get(f"/Groups/{gid}").json().get("members")
        rename = {
            "schemas": [PATCH_URN],
            "Operations": [{"op": "Replace", "path": "displayName", "value": unique("Renamed")}],
        }
        assert entra.patch(f"/Groups/{gid}", json=rename).status_code in (200, 204)
        assert entra.delete(f"/Users/{user['id']}").status_code == 204
