"""Bulk over real HTTP (RFC 7644 §3.7)."""

from __future__ import annotations

import httpx

from tests.support.scimtest import GROUP_URN, USER_URN, assert_scim_error, new_user, unique

BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"


def bulk(client: httpx.Client, *operations: dict, **extra: object) -> httpx.Response:
    return client.post("/Bulk", json={"schemas": [BULK], "Operations": list(operations), **extra})


def test_each_operation_is_answered_and_bulk_ids_resolve(client: httpx.Client) -> None:
    ana, bo = unique("bulk-ana"), unique("bulk-bo")
    response = bulk(
        client,
        {
            "method": "POST",
            "path": "/Groups",
            "bulkId": "team",
            "data": {
                "schemas": [GROUP_URN],
                "displayName": unique("team"),
                "members": [{"value": "bulkId:ana"}],
            },
        },
        {
            "method": "POST",
            "path": "/Users",
            "bulkId": "ana",
            "data": {"schemas": [USER_URN], "userName": ana},
        },
        {"method": "POST", "path": "/Users", "bulkId": "bo", "data": {"schemas": [USER_URN], "userName": bo}},
        {
            "method": "PATCH",
            "path": "/Groups/bulkId:team",
            "data": {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": "bulkId:bo"}]}],
            },
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["schemas"] == [BULK_RESPONSE]
    answers = body["Operations"]
    assert [a["status"] for a in answers] == ["201", "201", "201", "200"]
    group = client.get(answers[0]["location"]).json()
    members = {m["display"] for m in group["members"]}
    assert members == {ana, bo}
    assert answers[1]["location"].endswith(
        client.get("/Users", params={"filter": f'userName eq "{ana}"'}).json()["Resources"][0]["id"]
    )


def test_failures_are_per_operation_and_fail_on_errors_stops(client: httpx.Client) -> None:
    taken = new_user(client)
    response = bulk(
        client,
        {
            "method": "POST",
            "path": "/Users",
            "bulkId": "dup",
            "data": {"schemas": [USER_URN], "userName": taken["userName"]},
        },
        {
            "method": "POST",
            "path": "/Users",
            "bulkId": "ok",
            "data": {"schemas": [USER_URN], "userName": unique("bulk-ok")},
        },
    )
    statuses = [a["status"] for a in response.json()["Operations"]]
    assert statuses == ["409", "201"]
    assert response.json()["Operations"][0]["response"]["scimType"] == "uniqueness"
    stopped = bulk(
        client,
        {"method": "DELETE", "path": "/Users/no-such-user"},
        {
            "method": "POST",
            "path": "/Users",
            "bulkId": "never",
            "data": {"schemas": [USER_URN], "userName": unique("never")},
        },
        failOnErrors=1,
    )
    assert [a["status"] for a in stopped.json()["Operations"]] == ["404"]


def test_unresolvable_and_circular_bulk_ids_are_409(client: httpx.Client) -> None:
    response = bulk(
        client,
        {
            "method": "POST",
            "path": "/Groups",
            "bulkId": "a",
            "data": {"schemas": [GROUP_URN], "displayName": unique("ga"), "members": [{"value": "bulkId:b"}]},
        },
        {
            "method": "POST",
            "path": "/Groups",
            "bulkId": "b",
            "data": {"schemas": [GROUP_URN], "displayName": unique("gb"), "members": [{"value": "bulkId:a"}]},
        },
        {
            "method": "PUT",
            "path": "/Users/bulkId:nowhere",
            "data": {"schemas": [USER_URN], "userName": "x@example.com"},
        },
    )
    assert [a["status"] for a in response.json()["Operations"]] == ["409", "409", "409"]


def test_limits_are_413_naming_the_limit(client: httpx.Client) -> None:
    limits = client.get("/ServiceProviderConfig").json()["bulk"]
    many = [{"method": "DELETE", "path": f"/Users/x{i}"} for i in range(limits["maxOperations"] + 1)]
    too_many = bulk(client, *many)
    body = assert_scim_error(too_many, 413)
    assert str(limits["maxOperations"]) in body["detail"]
    big = bulk(
        client,
        {
            "method": "POST",
            "path": "/Users",
            "bulkId": "big",
            "data": {"schemas": [USER_URN], "userName": "b@x", "title": "x" * limits["maxPayloadSize"]},
        },
    )
    assert str(limits["maxPayloadSize"]) in assert_scim_error(big, 413)["detail"]


def test_malformed_bulk_requests_are_400(client: httpx.Client) -> None:
    assert_scim_error(client.post("/Bulk", json={"Operations": []}), 400, "invalidSyntax")
    assert_scim_error(bulk(client, {"method": "POST", "path": "/Users", "data": {}}), 400, "invalidSyntax")
    assert_scim_error(bulk(client, {"method": "GET", "path": "/Users"}), 400, "invalidSyntax")


def test_a_bulk_request_whose_schemas_is_not_a_list_is_a_400_not_a_crash(client: httpx.Client) -> None:
    """Found by schemathesis: ``"schemas": 5`` was a 500 TypeError (RFC 7644 §3.12: a 400 Error)."""
    for schemas in (5, "urn:ietf:params:scim:api:messages:2.0:BulkRequest", None, {"a": 1}):
        response = client.post("/Bulk", json={"schemas": schemas, "Operations": []})
        assert_scim_error(response, 400, "invalidSyntax")
