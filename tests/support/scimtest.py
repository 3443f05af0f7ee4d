"""Helpers for the harness's own tests: constants, clients, and SCIM assertions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from reference_server.config import ServerConfig
from reference_server.embedded import EmbeddedServer

TOKEN = "test-token-a1b2c3"
OBSERVER_TOKEN = "observer-token-d4e5f6"
SCIM_JSON = "application/scim+json"
USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"


def make_config(db: Path, **overrides: object) -> ServerConfig:
    return ServerConfig(db_path=str(db), token=TOKEN, observer_token=OBSERVER_TOKEN, **overrides)  # type: ignore[arg-type]


def scim_client(server: EmbeddedServer, token: str = TOKEN) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {token}", "Content-Type": SCIM_JSON, "Accept": SCIM_JSON},
        timeout=10,
    )


_counter = iter(range(1_000_000))


def unique(prefix: str = "user") -> str:
    """A userName nobody else in the module uses."""
    return f"{prefix}{next(_counter)}@example.com"


def new_user(client: httpx.Client, user_name: str | None = None, **attrs: object) -> dict:
    body = {"schemas": [USER_URN], "userName": user_name or unique(), **attrs}
    response = client.post("/Users", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def new_group(client: httpx.Client, name: str | None = None, members: list[str] | None = None) -> dict:
    body: dict = {"schemas": [GROUP_URN], "displayName": name or unique("group")}
    if members is not None:
        body["members"] = [{"value": m} for m in members]
    response = client.post("/Groups", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_scim_error(response: httpx.Response, status: int, scim_type: str | None = None) -> dict:
    """RFC 7644 §3.12: an Error body, ``status`` as a string, the right scimType and media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    body = response.json()
    assert body["schemas"] == [ERROR_URN]
    assert body["status"] == str(status)
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    assert body.get("detail")
    return body


def observer_client(server: EmbeddedServer, token: str = OBSERVER_TOKEN) -> httpx.Client:
    return httpx.Client(
        base_url=server.observer_url,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=10,
    )


def new_account(observer: httpx.Client, name: str | None = None, *, privileged: bool) -> dict:
    response = observer.post("/accounts", json={"name": name or unique("account"), "privileged": privileged})
    assert response.status_code == 201, response.text
    return response.json()


def grant(
    observer: httpx.Client, account_id: str, *, user: str | None = None, group: str | None = None
) -> dict:
    body = {"userId": user} if user is not None else {"groupId": group}
    response = observer.post(f"/accounts/{account_id}/grants", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def grants_of(observer: httpx.Client, user_id: str) -> list[dict]:
    response = observer.get(f"/users/{user_id}/grants")
    assert response.status_code == 200, response.text
    return response.json()["grants"]


def rotations_of(observer: httpx.Client, account_id: str) -> list[dict]:
    response = observer.get(f"/accounts/{account_id}/rotations")
    assert response.status_code == 200, response.text
    return response.json()["rotations"]


def patch_body(*operations: dict) -> dict:
    return {"schemas": [PATCH_URN], "Operations": list(operations)}


def base(client: httpx.Client) -> str:
    """The SCIM base URL without the trailing slash httpx adds to ``base_url``."""
    return str(client.base_url).rstrip("/")


PER_RESOURCE = frozenset({"id", "meta", "userName", "emails", "externalId", "displayName", "members"})
"""What differs between two resources made by two requests of one test (ids, names, times)."""


def client_as(client: httpx.Client, headers: dict[str, str]) -> httpx.Client:
    """A client on ``client``'s server with the test token and an IdP's own headers."""
    return httpx.Client(
        base_url=client.base_url, headers={"Authorization": f"Bearer {TOKEN}", **headers}, timeout=10
    )


def assert_same_resource(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Two answers hold the same resource, but for what is :data:`PER_RESOURCE`."""
    assert {k: v for k, v in a.items() if k not in PER_RESOURCE} == {
        k: v for k, v in b.items() if k not in PER_RESOURCE
    }
