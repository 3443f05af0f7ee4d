"""Users over real HTTP: create, read, list, replace, delete, uniqueness, lookups (RFC 7644 §3.3–§3.6)."""

from __future__ import annotations

import httpx

from tests.support.scimtest import (
    ENTERPRISE_URN,
    SCIM_JSON,
    USER_URN,
    assert_scim_error,
    base,
    new_user,
    unique,
)


def test_create_returns_201_with_location_meta_and_etag(client: httpx.Client) -> None:
    name = unique()
    response = client.post(
        "/Users",
        json={"schemas": [USER_URN], "userName": name, "name": {"givenName": "Ana", "familyName": "Souza"}},
    )
    assert response.status_code == 201
    assert response.headers["content-type"].startswith(SCIM_JSON)
    body = response.json()
    assert body["userName"] == name
    assert body["name"] == {"givenName": "Ana", "familyName": "Souza"}
    meta = body["meta"]
    # RFC 7644 §3.3: Location header and meta.location; RFC 7643 §3.1: lastModified == created at first.
    assert response.headers["location"] == meta["location"] == f"{base(client)}/Users/{body['id']}"
    assert meta["resourceType"] == "User"
    assert meta["created"] == meta["lastModified"]
    assert response.headers["etag"] == meta["version"]
    assert body["schemas"] == [USER_URN]


def test_get_returns_the_created_user(client: httpx.Client) -> None:
    created = new_user(client, title="Engineer")
    response = client.get(f"/Users/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == created["meta"]["version"]


def test_read_only_attributes_in_a_create_are_ignored(client: httpx.Client) -> None:
    """RFC 7644 §3.3: readOnly attributes (id, meta, groups) in a request are ignored."""
    body = new_user(client, id="client-chosen", meta={"resourceType": "Nope"}, groups=[{"value": "x"}])
    assert body["id"] != "client-chosen"
    assert body["meta"]["resourceType"] == "User"
    assert "groups" not in body


def test_password_is_accepted_but_never_returned(client: httpx.Client) -> None:
    created = new_user(client, password="s3cret!")
    assert "password" not in created
    assert "password" not in client.get(f"/Users/{created['id']}").json()


def test_enterprise_extension_round_trips(client: httpx.Client) -> None:
    ext = {"department": "Sales", "employeeNumber": "701", "manager": {"value": "m-1"}}
    response = client.post(
        "/Users", json={"schemas": [USER_URN, ENTERPRISE_URN], "userName": unique(), ENTERPRISE_URN: ext}
    )
    body = response.json()
    assert response.status_code == 201
    assert body["schemas"] == [USER_URN, ENTERPRISE_URN]
    assert body[ENTERPRISE_URN] == ext


def test_missing_user_name_is_400(client: httpx.Client) -> None:
    response = client.post("/Users", json={"schemas": [USER_URN], "displayName": "No Name"})
    assert_scim_error(response, 400, "invalidValue")


def test_missing_schemas_is_400(client: httpx.Client) -> None:
    assert_scim_error(client.post("/Users", json={"userName": unique()}), 400, "invalidSyntax")


def test_unknown_schema_is_400(client: httpx.Client) -> None:
    body = {"schemas": [USER_URN, "urn:example:unknown"], "userName": unique()}
    assert_scim_error(client.post("/Users", json=body), 400, "invalidValue")


def test_wrong_type_is_400_and_nothing_is_created(client: httpx.Client) -> None:
    name = unique()
    response = client.post("/Users", json={"schemas": [USER_URN], "userName": name, "active": "maybe"})
    assert_scim_error(response, 400, "invalidValue")
    found = client.get("/Users", params={"filter": f'userName eq "{name}"'}).json()
    assert found["totalResults"] == 0


def test_two_primary_emails_are_400(client: httpx.Client) -> None:
    emails = [{"value": "a@example.com", "primary": True}, {"value": "b@example.com", "primary": True}]
    response = client.post("/Users", json={"schemas": [USER_URN], "userName": unique(), "emails": emails})
    assert_scim_error(response, 400, "invalidValue")


def test_duplicate_user_name_is_409_case_insensitively(client: httpx.Client) -> None:
    name = unique("dup")
    new_user(client, name)
    response = client.post("/Users", json={"schemas": [USER_URN], "userName": name.upper()})
    assert_scim_error(response, 409, "uniqueness")


def test_lookup_by_user_name_is_case_insensitive(client: httpx.Client) -> None:
    """RFC 7643 §4.1: userName is caseExact=false, so ``eq`` ignores case (rfc-checklist trap 5)."""
    created = new_user(client, unique("Mixed.Case"))
    response = client.get("/Users", params={"filter": f'userName eq "{created["userName"].upper()}"'})
    body = response.json()
    assert response.status_code == 200
    assert body["totalResults"] == 1
    assert body["Resources"][0]["id"] == created["id"]


def test_lookup_by_external_id_and_id(client: httpx.Client) -> None:
    created = new_user(client, externalId="ext-" + unique())
    by_ext = client.get("/Users", params={"filter": f'externalId eq "{created["externalId"]}"'}).json()
    by_id = client.get("/Users", params={"filter": f'id eq "{created["id"]}"'}).json()
    assert [r["id"] for r in by_ext["Resources"]] == [created["id"]]
    assert [r["id"] for r in by_id["Resources"]] == [created["id"]]
    # externalId is caseExact (RFC 7643 §3.1): another case is another value.
    other = client.get("/Users", params={"filter": f'externalId eq "{created["externalId"].upper()}"'}).json()
    assert other["totalResults"] == 0


def test_no_match_is_an_empty_list_response_not_404(client: httpx.Client) -> None:
    response = client.get("/Users", params={"filter": 'userName eq "nobody-at-all@example.com"'})
    assert response.status_code == 200
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
    assert body["totalResults"] == 0
    assert body["Resources"] == []


def test_list_pages_with_start_index_and_count(fresh_client: httpx.Client) -> None:
    ids = [new_user(fresh_client, f"page{i}@example.com")["id"] for i in range(5)]
    first = fresh_client.get("/Users", params={"startIndex": 1, "count": 2}).json()
    third = fresh_client.get("/Users", params={"startIndex": 5, "count": 2}).json()
    past = fresh_client.get("/Users", params={"startIndex": 9, "count": 2}).json()
    assert (first["totalResults"], first["itemsPerPage"], first["startIndex"]) == (5, 2, 1)
    assert [r["id"] for r in first["Resources"]] == ids[:2]
    assert [r["id"] for r in third["Resources"]] == ids[4:]
    assert (third["itemsPerPage"], past["itemsPerPage"], past["totalResults"]) == (1, 0, 5)


def test_put_replaces_and_clears_omitted_attributes(client: httpx.Client) -> None:
    created = new_user(client, title="Engineer", displayName="Ana")
    body = {"schemas": [USER_URN], "userName": created["userName"], "displayName": "Ana S."}
    response = client.put(f"/Users/{created['id']}", json=body)
    assert response.status_code == 200
    replaced = response.json()
    assert replaced["displayName"] == "Ana S."
    assert "title" not in replaced  # RFC 7644 §3.5.1: omitted readWrite attributes MAY be cleared
    assert replaced["meta"]["created"] == created["meta"]["created"]
    assert replaced["meta"]["version"] != created["meta"]["version"]
    assert client.get(f"/Users/{created['id']}").json() == replaced


def test_put_ignores_id_and_meta_in_the_body(client: httpx.Client) -> None:
    created = new_user(client)
    body = {
        "schemas": [USER_URN],
        "id": "other",
        "meta": {"created": "2000-01-01T00:00:00Z"},
        "userName": created["userName"],
        "title": "x",
    }
    replaced = client.put(f"/Users/{created['id']}", json=body).json()
    assert replaced["id"] == created["id"]
    assert replaced["meta"]["created"] == created["meta"]["created"]


def test_identical_put_keeps_the_version(client: httpx.Client) -> None:
    created = new_user(client, title="Same")
    body = {"schemas": [USER_URN], "userName": created["userName"], "title": "Same"}
    again = client.put(f"/Users/{created['id']}", json=body).json()
    assert again["meta"]["version"] == created["meta"]["version"]
    assert again["meta"]["lastModified"] == created["meta"]["lastModified"]


def test_put_to_an_unknown_id_is_404_and_creates_nothing(client: httpx.Client) -> None:
    """RFC 7644 §3.5.1: PUT MUST NOT create a resource."""
    name = unique()
    response = client.put("/Users/does-not-exist", json={"schemas": [USER_URN], "userName": name})
    assert_scim_error(response, 404)
    assert client.get("/Users", params={"filter": f'userName eq "{name}"'}).json()["totalResults"] == 0


def test_put_taking_another_users_name_is_409(client: httpx.Client) -> None:
    first, second = new_user(client), new_user(client)
    body = {"schemas": [USER_URN], "userName": first["userName"]}
    assert_scim_error(client.put(f"/Users/{second['id']}", json=body), 409, "uniqueness")
    assert client.get(f"/Users/{second['id']}").json()["userName"] == second["userName"]


def test_delete_is_204_then_404_everywhere(client: httpx.Client) -> None:
    """RFC 7644 §3.6: after DELETE every operation on the resource is 404, and queries omit it."""
    created = new_user(client)
    uid = created["id"]
    response = client.delete(f"/Users/{uid}")
    assert response.status_code == 204
    assert response.content == b""
    assert_scim_error(client.get(f"/Users/{uid}"), 404)
    assert_scim_error(
        client.put(f"/Users/{uid}", json={"schemas": [USER_URN], "userName": "x@example.com"}), 404
    )
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "value": "x"}],
    }
    assert_scim_error(client.patch(f"/Users/{uid}", json=patch), 404)
    assert_scim_error(client.delete(f"/Users/{uid}"), 404)
    assert client.get("/Users", params={"filter": f'id eq "{uid}"'}).json()["totalResults"] == 0


def test_a_deleted_users_name_can_be_reused(client: httpx.Client) -> None:
    created = new_user(client)
    client.delete(f"/Users/{created['id']}")
    again = new_user(client, created["userName"])
    assert again["id"] != created["id"]
