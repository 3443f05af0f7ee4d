"""Hostile input: each gets the right 4xx and leaves the data exactly as it was."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import TOKEN, USER_URN, assert_scim_error, new_user


def snapshot(client: httpx.Client) -> list[dict]:
    return client.get("/Users", params={"count": 1000}).json()["Resources"]


HOSTILE_BODIES = {
    "truncated json": (b'{"schemas": ["' + USER_URN.encode() + b'"], "userName": "x', 400, "invalidSyntax"),
    "deep nesting": (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, 400, "invalidSyntax"),
    "nul in a value": (
        json.dumps({"schemas": [USER_URN], "userName": "a\u0000b@example.com"}).encode(),
        400,
        "invalidValue",
    ),
    "invalid utf-8": (
        b'{"schemas": ["' + USER_URN.encode() + b'"], "userName": "\xc3\x28"}',
        400,
        "invalidSyntax",
    ),
    "duplicate keys": (
        b'{"schemas": ["' + USER_URN.encode() + b'"], "userName": "a@x", "userName": "b@x"}',
        400,
        "invalidSyntax",
    ),
    "duplicate keys in a nested object": (
        b'{"schemas": ["' + USER_URN.encode() + b'"], "userName": "n@x", '
        b'"name": {"givenName": "A", "familyName": "B", "givenName": "C"}}',
        400,
        "invalidSyntax",
    ),
    "wrong type for userName": (
        json.dumps({"schemas": [USER_URN], "userName": 42}).encode(),
        400,
        "invalidValue",
    ),
    "wrong type for name": (
        json.dumps({"schemas": [USER_URN], "userName": "n@x", "name": "Ana"}).encode(),
        400,
        "invalidValue",
    ),
    "wrong type for emails": (
        json.dumps({"schemas": [USER_URN], "userName": "e@x", "emails": [1, 2]}).encode(),
        400,
        "invalidValue",
    ),
    "schemas not a list": (
        json.dumps({"schemas": USER_URN, "userName": "s@x"}).encode(),
        400,
        "invalidSyntax",
    ),
    "unknown schema": (
        json.dumps({"schemas": ["urn:evil:schema"], "userName": "u@x"}).encode(),
        400,
        "invalidValue",
    ),
    "a json string": (b'"just a string"', 400, "invalidSyntax"),
    "a json null": (b"null", 400, "invalidSyntax"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_BODIES))
def test_hostile_create_bodies(client: httpx.Client, case: str) -> None:
    new_user(client)  # something that must survive
    before = snapshot(client)
    raw, status, scim_type = HOSTILE_BODIES[case]
    assert_scim_error(client.post("/Users", content=raw), status, scim_type)
    assert snapshot(client) == before


def test_ten_megabyte_body_is_413_and_loses_nothing(client: httpx.Client) -> None:
    before = snapshot(client)
    body = (
        b'{"schemas": ["'
        + USER_URN.encode()
        + b'"], "userName": "big@x", "title": "'
        + b"x" * 10_000_000
        + b'"}'
    )
    assert_scim_error(client.post("/Users", content=body), 413)
    assert snapshot(client) == before


@pytest.mark.parametrize(
    "value",
    ['x" or 1=1 --', "'; DROP TABLE users; --", "%", "_", "a%b_c", "\\", "*", "[", "?"],
)
def test_sql_looking_filter_values_are_only_values(client: httpx.Client, value: str) -> None:
    new_user(client, "plain@example.com") if not snapshot(client) else None
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    for op in ("eq", "co", "sw", "ew"):
        response = client.get("/Users", params={"filter": f'userName {op} "{escaped}"'})
        assert response.status_code == 200, response.text
        assert response.json()["totalResults"] == 0, (op, value)
    assert client.get("/Users").json()["totalResults"] >= 1


@pytest.mark.parametrize(
    "path", ["/Users/..%2F..%2Fetc%2Fpasswd", "/Users/%2E%2E", "/Users/a%2Fb", "/Users/%00"]
)
def test_odd_ids_are_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404,), response.text
    assert_scim_error(response, 404)


def test_huge_count_and_negative_start_index(client: httpx.Client) -> None:
    new_user(client)
    body = client.get("/Users", params={"count": 10**12, "startIndex": -(10**12)}).json()
    assert body["startIndex"] == 1
    assert body["itemsPerPage"] <= 1000
    huge = client.get("/Users", params={"count": "9" * 400, "startIndex": "9" * 400})
    assert huge.status_code == 200
    assert huge.json()["Resources"] == []


async def _concurrent_puts(server: EmbeddedServer, user: dict, n: int) -> list[int]:
    headers = {"Authorization": f"Bearer {TOKEN}", "If-Match": user["meta"]["version"]}
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers) as client:
        puts = [
            client.put(
                f"/Users/{user['id']}",
                json={"schemas": [USER_URN], "userName": user["userName"], "title": f"t{i}"},
            )
            for i in range(n)
        ]
        return [r.status_code for r in await asyncio.gather(*puts)]


def test_concurrent_puts_with_the_same_if_match_one_wins(
    server: EmbeddedServer, client: httpx.Client
) -> None:
    user = new_user(client)
    statuses = asyncio.run(_concurrent_puts(server, user, 12))
    assert sorted(statuses) == [200] + [412] * 11


async def _concurrent_creates(server: EmbeddedServer, name: str, n: int) -> list[int]:
    async with httpx.AsyncClient(
        base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        posts = [
            client.post("/Users", json={"schemas": [USER_URN], "userName": name if i % 2 else name.upper()})
            for i in range(n)
        ]
        return [r.status_code for r in await asyncio.gather(*posts)]


def test_concurrent_creates_of_one_user_name_one_wins(server: EmbeddedServer, client: httpx.Client) -> None:
    statuses = asyncio.run(_concurrent_creates(server, "race-create@example.com", 12))
    assert sorted(statuses) == [201] + [409] * 11
    found = client.get("/Users", params={"filter": 'userName eq "race-create@example.com"'}).json()
    assert found["totalResults"] == 1
