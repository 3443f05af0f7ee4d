"""The observer API's contract and its errors (design.md, "The observer")."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import (
    OBSERVER_TOKEN,
    TOKEN,
    USER_URN,
    assert_scim_error,
    grant,
    new_account,
    new_group,
    new_user,
    observer_client,
)


@pytest.fixture
def observer(server: EmbeddedServer) -> Iterator[httpx.Client]:
    with observer_client(server) as c:
        yield c


def test_create_account_and_grant_shapes(client: httpx.Client, observer: httpx.Client) -> None:
    response = observer.post("/accounts", json={"name": "Prod DB", "privileged": True})
    assert response.status_code == 201
    account = response.json()
    assert account["name"] == "Prod DB" and account["privileged"] is True and account["id"]
    user = new_user(client)
    given = grant(observer, account["id"], user=user["id"])
    assert set(given) == {"id", "accountId", "userId"} and given["userId"] == user["id"]
    team = new_group(client)
    team_grant = grant(observer, account["id"], group=team["id"])
    assert team_grant["groupId"] == team["id"]


@pytest.mark.parametrize(
    ("body", "status"),
    [({"name": ""}, 400), ({"name": "x", "privileged": "yes"}, 400), ({}, 400), ([], 400)],
)
def test_malformed_account_is_400(observer: httpx.Client, body: object, status: int) -> None:
    assert_scim_error(observer.post("/accounts", json=body), status)


def test_grant_errors(client: httpx.Client, observer: httpx.Client) -> None:
    account = new_account(observer, privileged=False)
    user = new_user(client)
    assert_scim_error(observer.post("/accounts/nope/grants", json={"userId": user["id"]}), 404)
    assert_scim_error(observer.post(f"/accounts/{account['id']}/grants", json={"userId": "nope"}), 404)
    assert_scim_error(observer.post(f"/accounts/{account['id']}/grants", json={"groupId": "nope"}), 404)
    assert_scim_error(
        observer.post(f"/accounts/{account['id']}/grants", json={"userId": user["id"], "groupId": "g"}), 400
    )
    assert_scim_error(
        observer.post(f"/accounts/{account['id']}/grants", content=b"{nope"), 400, "invalidSyntax"
    )
    grant(observer, account["id"], user=user["id"])
    assert_scim_error(observer.post(f"/accounts/{account['id']}/grants", json={"userId": user["id"]}), 409)


def test_an_inactive_user_cannot_receive_a_grant(client: httpx.Client, observer: httpx.Client) -> None:
    account = new_account(observer, privileged=True)
    user = new_user(client, active=False)
    assert_scim_error(observer.post(f"/accounts/{account['id']}/grants", json={"userId": user["id"]}), 409)


def test_unknown_user_and_account_listings_are_404(observer: httpx.Client) -> None:
    assert_scim_error(observer.get("/users/never-existed/grants"), 404)
    assert_scim_error(observer.get("/accounts/never-existed/rotations"), 404)


def test_tokens_are_separate(server: EmbeddedServer) -> None:
    """Neither token opens the other API."""
    with observer_client(server, token=TOKEN) as wrong:
        response = wrong.post("/accounts", json={"name": "x", "privileged": False})
        assert_scim_error(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    scim_with_observer_token = httpx.get(
        server.base_url + "/Users", headers={"Authorization": f"Bearer {OBSERVER_TOKEN}"}
    )
    assert_scim_error(scim_with_observer_token, 401)


def test_grants_survive_a_put_of_an_active_user(client: httpx.Client, observer: httpx.Client) -> None:
    user = new_user(client)
    account = new_account(observer, privileged=True)
    grant(observer, account["id"], user=user["id"])
    client.put(f"/Users/{user['id']}", json={"schemas": [USER_URN], "userName": user["userName"]})
    assert len(observer.get(f"/users/{user['id']}/grants").json()["grants"]) == 1
