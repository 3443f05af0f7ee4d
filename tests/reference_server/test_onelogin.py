"""What OneLogin really sends, accepted and normalised (onelogin-profile.md), over real HTTP.

The bodies and URLs here are written out by hand on purpose: they pin the wire form independently
of the simulator's profile.
"""

from __future__ import annotations

import json

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import ENTERPRISE_URN, TOKEN, USER_URN, assert_scim_error, unique

LEGACY_CORE = "urn:scim:schemas:core:2.0"
LEGACY_ENTERPRISE = "urn:scim:schemas:extension:enterprise:2.0"


def onelogin_template(
    user_name: str, *, active: bool | None = None, first: str = "Ana", last: str = "Souza"
) -> dict:
    """OneLogin's default SCIM v2 template, rendered (legacy URNs, managerId, string values)."""
    body: dict = {
        "schemas": [LEGACY_CORE, LEGACY_ENTERPRISE],
        "userName": user_name,
        "name": {"familyName": last, "givenName": first, "formatted": f"{first} {last}"},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "title": "Engineer",
        LEGACY_ENTERPRISE: {
            "department": "Sales",
            "manager": {"managerId": "mgr-7", "displayName": "Bo Lee"},
        },
    }
    if active is not None:
        body["active"] = active
    return body


def onelogin_client(server: EmbeddedServer) -> httpx.Client:
    return httpx.Client(
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "Content-Type": "application/json",
            "User-Agent": "OneLogin SCIM",
        },
        timeout=10,
    )


def raw_get(client: httpx.Client, server: EmbeddedServer, path_and_query: str) -> httpx.Response:
    """GET a URL exactly as written (form-encoded filter, trailing ``&``)."""
    return client.get(httpx.URL(server.base_url + path_and_query))


def test_the_onelogin_sequence_push_suspend_delete(server: EmbeddedServer) -> None:
    """Acceptance: filtered GET (+-encoded, trailing &), POST template, PUT ...? with active false, DELETE."""
    name = unique("ana.souza")
    encoded = name.replace("@", "%40")
    with onelogin_client(server) as client:
        lookup = raw_get(client, server, f"/Users?filter=userName+eq+%22{encoded}%22&")
        assert lookup.status_code == 200
        assert lookup.json()["totalResults"] == 0

        created = client.post(server.base_url + "/Users", content=json.dumps(onelogin_template(name)))
        assert created.status_code == 201
        body = created.json()
        assert body["id"]
        assert body["name"]["givenName"] == "Ana" and body["name"]["familyName"] == "Souza"
        assert body["schemas"] == [USER_URN, ENTERPRISE_URN]
        assert body[ENTERPRISE_URN]["manager"] == {"value": "mgr-7"}
        assert body["active"] is True

        again = raw_get(client, server, f"/Users?filter=userName+eq+%22{encoded}%22&").json()
        assert [r["id"] for r in again["Resources"]] == [body["id"]]

        suspended = client.put(
            httpx.URL(f"{server.base_url}/Users/{body['id']}?"),
            content=json.dumps(onelogin_template(name, active=False)),
        )
        assert suspended.status_code == 200
        assert suspended.json()["active"] is False
        assert client.get(f"{server.base_url}/Users/{body['id']}").json()["active"] is False

        deleted = client.delete(f"{server.base_url}/Users/{body['id']}")
        assert deleted.status_code in (200, 204)
        assert client.get(f"{server.base_url}/Users/{body['id']}").status_code == 404


@pytest.mark.parametrize(
    ("core", "ext"),
    [
        (LEGACY_CORE, LEGACY_ENTERPRISE),
        ("urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"),
        (USER_URN, ENTERPRISE_URN),
    ],
)
def test_legacy_urns_are_normalised(client: httpx.Client, core: str, ext: str) -> None:
    body = {"schemas": [core, ext], "userName": unique(), ext: {"department": "Ops"}}
    created = client.post("/Users", json=body).json()
    assert created["schemas"] == [USER_URN, ENTERPRISE_URN]
    assert created[ENTERPRISE_URN] == {"department": "Ops"}
    assert ext == ENTERPRISE_URN or ext not in created


def test_emails_as_a_single_object(client: httpx.Client) -> None:
    name = unique()
    created = client.post(
        "/Users", json={"schemas": [USER_URN], "userName": name, "emails": {"value": name, "primary": True}}
    ).json()
    assert created["emails"] == [{"value": name, "primary": True}]
    found = client.get("/Users", params={"filter": f'emails.value eq "{name}"'}).json()
    assert [r["id"] for r in found["Resources"]] == [created["id"]]


@pytest.mark.parametrize(
    ("sent", "stored"), [("true", True), ("false", False), ("True", True), ("False", False)]
)
def test_string_booleans(client: httpx.Client, sent: str, stored: bool) -> None:
    body = {
        "schemas": [USER_URN],
        "userName": unique(),
        "active": sent,
        "emails": [{"value": "x@example.com", "primary": sent}],
    }
    created = client.post("/Users", json=body).json()
    assert created["active"] is stored
    assert created["emails"][0]["primary"] is stored


def test_junk_fields_are_ignored(client: httpx.Client) -> None:
    body = {
        "schemas": [USER_URN],
        "userName": unique(),
        "id": None,
        "meta": {"resourceType": "User"},
        "groups": None,
    }
    response = client.post("/Users", json=body)
    assert response.status_code == 201
    assert response.json()["id"]


def test_quirky_and_clean_requests_get_the_same_answer(client: httpx.Client) -> None:
    """Normalisation never makes the server answer a quirky request differently from a clean one."""
    quirky = client.post("/Users", json=onelogin_template(unique("quirky"))).json()
    clean_body = {
        "schemas": [USER_URN, ENTERPRISE_URN],
        "userName": unique("clean"),
        "name": {"familyName": "Souza", "givenName": "Ana", "formatted": "Ana Souza"},
        "emails": [{"value": "x", "type": "work", "primary": True}],
        "title": "Engineer",
        ENTERPRISE_URN: {"department": "Sales", "manager": {"value": "mgr-7"}},
    }
    clean = client.post("/Users", json=clean_body).json()
    strip = {"id", "meta", "userName", "emails"}
    assert {k: v for k, v in quirky.items() if k not in strip} == {
        k: v for k, v in clean.items() if k not in strip
    }


def test_string_boolean_that_is_not_a_boolean_is_still_400(client: httpx.Client) -> None:
    body = {"schemas": [USER_URN], "userName": unique(), "active": "yes"}
    assert_scim_error(client.post("/Users", json=body), 400, "invalidValue")


def test_attribute_names_are_case_insensitive(client: httpx.Client) -> None:
    """RFC 7643 §2.1: attribute names are case-insensitive; the server answers canonical names."""
    created = client.post(
        "/Users", json={"SCHEMAS": [USER_URN], "USERNAME": unique(), "Name": {"GIVENNAME": "Ana"}}
    ).json()
    assert created["name"] == {"givenName": "Ana"}
    assert "userName" in created


def test_entra_manager_as_a_bare_id(client: httpx.Client) -> None:
    body = {"schemas": [USER_URN, ENTERPRISE_URN], "userName": unique(), ENTERPRISE_URN: {"manager": "mgr-9"}}
    created = client.post("/Users", json=body).json()
    assert created[ENTERPRISE_URN]["manager"] == {"value": "mgr-9"}
