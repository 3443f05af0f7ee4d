"""Discovery over real HTTP (RFC 7644 §4; RFC 7643 §5–§7): claims match what the server does."""

from __future__ import annotations

import httpx

from tests.support.scimtest import ENTERPRISE_URN, GROUP_URN, USER_URN, assert_scim_error, base

LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def test_service_provider_config_has_every_required_claim(client: httpx.Client) -> None:
    response = client.get("/ServiceProviderConfig")
    assert response.status_code == 200
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]
    for key in ("patch", "bulk", "filter", "changePassword", "sort", "etag"):
        assert isinstance(body[key]["supported"], bool), key
    assert body["filter"]["maxResults"] >= 1
    assert body["bulk"]["supported"] is True
    assert body["bulk"]["maxOperations"] >= 1 and body["bulk"]["maxPayloadSize"] >= 1
    assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    assert body["meta"]["location"] == f"{base(client)}/ServiceProviderConfig"


def test_claimed_filter_max_results_is_honoured(client: httpx.Client) -> None:
    limit = client.get("/ServiceProviderConfig").json()["filter"]["maxResults"]
    body = client.get("/Users", params={"count": limit + 50}).json()
    assert body["itemsPerPage"] <= limit


def test_resource_types_list_users_and_groups(client: httpx.Client) -> None:
    body = client.get("/ResourceTypes").json()
    assert body["schemas"] == [LIST]
    by_name = {r["name"]: r for r in body["Resources"]}
    assert by_name["User"]["endpoint"] == "/Users"
    assert by_name["User"]["schema"] == USER_URN
    assert by_name["User"]["schemaExtensions"] == [{"schema": ENTERPRISE_URN, "required": False}]
    assert by_name["Group"]["schema"] == GROUP_URN
    assert body["totalResults"] == 2
    one = client.get("/ResourceTypes/User").json()
    assert one == by_name["User"]


def test_each_declared_endpoint_is_served(client: httpx.Client) -> None:
    """D-07: every declared resource type is served at its endpoint."""
    for resource_type in client.get("/ResourceTypes").json()["Resources"]:
        assert client.get(resource_type["endpoint"]).status_code == 200


def test_schemas_list_and_by_id(client: httpx.Client) -> None:
    body = client.get("/Schemas").json()
    ids = {s["id"] for s in body["Resources"]}
    assert ids == {USER_URN, ENTERPRISE_URN, GROUP_URN}
    user = client.get(f"/Schemas/{USER_URN}").json()
    attrs = {a["name"]: a for a in user["attributes"]}
    assert attrs["userName"]["uniqueness"] == "server"
    assert attrs["userName"]["caseExact"] is False
    assert attrs["password"]["returned"] == "never"
    # RFC 7643 §8.7.1: userName is "returned": "default" (checklist R-11, issue 12 ruling 1).
    assert attrs["userName"]["returned"] == "default"
    assert attrs["groups"]["mutability"] == "readOnly"
    emails = {s["name"] for s in attrs["emails"]["subAttributes"]}
    assert emails == {"value", "display", "type", "primary"}
    group = {a["name"]: a for a in client.get(f"/Schemas/{GROUP_URN}").json()["attributes"]}
    members = {s["name"]: s["mutability"] for s in group["members"]["subAttributes"]}
    # RFC 7643 §4.2: "sub-attributes of members are "immutable"".
    assert set(members.values()) == {"immutable"}, members
    assert_scim_error(client.get("/Schemas/urn:nope"), 404)


def test_discovery_ignores_paging_and_forbids_filter(client: httpx.Client) -> None:
    """RFC 7644 §4: paging parameters SHALL be ignored; a filter SHOULD get 403."""
    paged = client.get("/Schemas", params={"startIndex": 2, "count": 1}).json()
    assert paged["totalResults"] == 3 and len(paged["Resources"]) == 3
    assert_scim_error(client.get("/ResourceTypes", params={"filter": 'name eq "User"'}), 403)


def test_every_returned_user_attribute_is_declared(client: httpx.Client) -> None:
    """D-07: every attribute the server returns appears in /Schemas."""
    declared = {a["name"] for s in client.get("/Schemas").json()["Resources"] for a in s["attributes"]}
    declared |= {"id", "externalId", "meta", "schemas", ENTERPRISE_URN}
    user = client.post(
        "/Users",
        json={
            "schemas": [USER_URN, ENTERPRISE_URN],
            "userName": "declared@example.com",
            "externalId": "e",
            "name": {"givenName": "A"},
            "emails": [{"value": "declared@example.com"}],
            ENTERPRISE_URN: {"department": "X"},
        },
    ).json()
    assert set(user) <= declared
