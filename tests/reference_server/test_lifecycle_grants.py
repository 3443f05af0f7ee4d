"""Deprovisioning over real HTTP: grants removed, rotations scheduled, nothing restored.

The app-side behaviour of the mission (design.md, "reference_server"): suspending or deleting a
user — in any form OneLogin, Okta or Entra send — removes every grant, direct or through a team,
and schedules one rotation per privileged account the user could reach.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import (
    GROUP_URN,
    USER_URN,
    grant,
    grants_of,
    new_account,
    new_group,
    new_user,
    observer_client,
    patch_body,
    rotations_of,
)


@pytest.fixture
def observer(server: EmbeddedServer) -> Iterator[httpx.Client]:
    with observer_client(server) as c:
        yield c


def put_active(client: httpx.Client, user: dict, active: bool) -> httpx.Response:
    body = {"schemas": [USER_URN], "userName": user["userName"], "active": active}
    return client.put(f"/Users/{user['id']}", json=body)


SUSPENSIONS = {
    "put": lambda c, u: put_active(c, u, False),
    "patch-pathless": lambda c, u: c.patch(
        f"/Users/{u['id']}", json=patch_body({"op": "replace", "value": {"active": False}})
    ),
    "patch-path": lambda c, u: c.patch(
        f"/Users/{u['id']}", json=patch_body({"op": "replace", "path": "active", "value": False})
    ),
    "patch-entra": lambda c, u: c.patch(
        f"/Users/{u['id']}", json=patch_body({"op": "Replace", "path": "active", "value": "False"})
    ),
}


@pytest.mark.parametrize("form", sorted(SUSPENSIONS))
def test_suspension_removes_every_grant_and_rotates_privileged_accounts(
    client: httpx.Client, observer: httpx.Client, form: str
) -> None:
    user = new_user(client)
    vault = new_account(observer, privileged=True)
    wiki = new_account(observer, privileged=False)
    team_vault = new_account(observer, privileged=True)
    team = new_group(client, members=[user["id"]])
    grant(observer, vault["id"], user=user["id"])
    grant(observer, wiki["id"], user=user["id"])
    grant(observer, team_vault["id"], group=team["id"])
    assert {g["accountId"] for g in grants_of(observer, user["id"])} == {
        vault["id"],
        wiki["id"],
        team_vault["id"],
    }

    response = SUSPENSIONS[form](client, user)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False

    assert grants_of(observer, user["id"]) == []
    assert "groups" not in client.get(f"/Users/{user['id']}").json()
    assert client.get(f"/Groups/{team['id']}").json().get("members") is None
    for account in (vault, team_vault):
        rotations = rotations_of(observer, account["id"])
        assert [(r["reason"], r["triggeredBy"]) for r in rotations] == [("user_suspended", user["id"])]
    assert rotations_of(observer, wiki["id"]) == []


def test_delete_removes_grants_and_rotates_with_reason_user_deleted(
    client: httpx.Client, observer: httpx.Client
) -> None:
    user = new_user(client)
    vault = new_account(observer, privileged=True)
    grant(observer, vault["id"], user=user["id"])
    assert client.delete(f"/Users/{user['id']}").status_code == 204
    assert grants_of(observer, user["id"]) == []  # a deleted user is still known to the observer
    assert [r["reason"] for r in rotations_of(observer, vault["id"])] == ["user_deleted"]


def test_reactivation_restores_no_grant_and_no_membership(
    client: httpx.Client, observer: httpx.Client
) -> None:
    user = new_user(client)
    vault = new_account(observer, privileged=True)
    team = new_group(client, members=[user["id"]])
    grant(observer, vault["id"], user=user["id"])
    put_active(client, user, False)
    reactivated = put_active(client, user, True)
    assert reactivated.json()["active"] is True
    assert grants_of(observer, user["id"]) == []
    assert "groups" not in reactivated.json()
    assert client.get(f"/Groups/{team['id']}").json().get("members") is None
    # Access returns only when granted again.
    grant(observer, vault["id"], user=user["id"])
    assert [g["accountId"] for g in grants_of(observer, user["id"])] == [vault["id"]]


def test_an_update_that_keeps_active_touches_no_grant(client: httpx.Client, observer: httpx.Client) -> None:
    user = new_user(client, title="Before")
    vault = new_account(observer, privileged=True)
    grant(observer, vault["id"], user=user["id"])
    body = {"schemas": [USER_URN], "userName": user["userName"], "title": "After", "active": True}
    assert client.put(f"/Users/{user['id']}", json=body).status_code == 200
    assert [g["accountId"] for g in grants_of(observer, user["id"])] == [vault["id"]]
    assert rotations_of(observer, vault["id"]) == []


def test_a_put_without_active_keeps_a_suspended_user_suspended(client: httpx.Client) -> None:
    """OneLogin's attribute sync sends its template without ``active``: it must not reactivate."""
    user = new_user(client)
    put_active(client, user, False)
    body = {"schemas": [USER_URN], "userName": user["userName"], "title": "Synced"}
    response = client.put(f"/Users/{user['id']}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False


def test_removing_active_unassigns_it_and_is_no_deactivation(
    client: httpx.Client, observer: httpx.Client
) -> None:
    """RFC 7644 §3.5.2.2: the removed attribute "SHALL be considered unassigned"; RFC 7643 §4.1.1
    gives ``active`` no default, so an unassigned ``active`` is not a suspension (issue 12,
    ruling 2): no grant goes, nothing is rotated, and a later PUT without it leaves it unassigned."""
    user = new_user(client)
    vault = new_account(observer, privileged=True)
    grant(observer, vault["id"], user=user["id"])
    response = client.patch(f"/Users/{user['id']}", json=patch_body({"op": "remove", "path": "active"}))
    assert response.status_code == 200, response.text
    assert "active" not in response.json()
    assert [g["accountId"] for g in grants_of(observer, user["id"])] == [vault["id"]]
    assert rotations_of(observer, vault["id"]) == []
    body = {"schemas": [USER_URN], "userName": user["userName"], "title": "Synced"}
    assert "active" not in client.put(f"/Users/{user['id']}", json=body).json()


def test_suspending_an_already_suspended_user_schedules_nothing_more(
    client: httpx.Client, observer: httpx.Client
) -> None:
    user = new_user(client)
    vault = new_account(observer, privileged=True)
    grant(observer, vault["id"], user=user["id"])
    put_active(client, user, False)
    put_active(client, user, False)
    assert len(rotations_of(observer, vault["id"])) == 1


def test_team_grant_reaches_members_and_leaving_ends_it(client: httpx.Client, observer: httpx.Client) -> None:
    stays, leaves = new_user(client), new_user(client)
    vault = new_account(observer, privileged=True)
    docs = new_account(observer, privileged=False)
    team = new_group(client, members=[stays["id"], leaves["id"]])
    grant(observer, vault["id"], group=team["id"])
    grant(observer, docs["id"], group=team["id"])
    assert {(g["accountId"], g["via"], g.get("groupId")) for g in grants_of(observer, leaves["id"])} == {
        (vault["id"], "group", team["id"]),
        (docs["id"], "group", team["id"]),
    }
    remove = patch_body({"op": "remove", "path": f'members[value eq "{leaves["id"]}"]'})
    assert client.patch(f"/Groups/{team['id']}", json=remove).status_code == 200
    assert grants_of(observer, leaves["id"]) == []
    assert len(grants_of(observer, stays["id"])) == 2
    assert [(r["reason"], r["triggeredBy"]) for r in rotations_of(observer, vault["id"])] == [
        ("removed_from_group", leaves["id"])
    ]
    assert rotations_of(observer, docs["id"]) == []


LEAVES = {
    "patch-entra-value-array": lambda c, g, u: c.patch(
        f"/Groups/{g['id']}",
        json=patch_body({"op": "Remove", "path": "members", "value": [{"value": u["id"]}]}),
    ),
    "put-members": lambda c, g, u: c.put(
        f"/Groups/{g['id']}", json={"schemas": [GROUP_URN], "displayName": g["displayName"], "members": []}
    ),
    "delete-group": lambda c, g, u: c.delete(f"/Groups/{g['id']}"),
}


@pytest.mark.parametrize("form", sorted(LEAVES))
def test_every_way_of_leaving_a_group_ends_team_access(
    client: httpx.Client, observer: httpx.Client, form: str
) -> None:
    user = new_user(client)
    vault = new_account(observer, privileged=True)
    team = new_group(client, members=[user["id"]])
    grant(observer, vault["id"], group=team["id"])
    assert LEAVES[form](client, team, user).status_code in (200, 204)
    assert grants_of(observer, user["id"]) == []
    assert [r["reason"] for r in rotations_of(observer, vault["id"])] == ["removed_from_group"]


def test_a_suspended_user_gains_no_access_through_a_team_it_joins(
    client: httpx.Client, observer: httpx.Client
) -> None:
    """Issue 15: an inactive user has no access, not even through a team it is put in while suspended;
    reactivated, the team's access reaches it again (the membership was kept)."""
    user = new_user(client)
    vault = new_account(observer, privileged=True)
    team = new_group(client)
    grant(observer, vault["id"], group=team["id"])
    suspend = patch_body({"op": "replace", "value": {"active": False}})
    assert client.patch(f"/Users/{user['id']}", json=suspend).status_code == 200
    join = patch_body({"op": "add", "path": "members", "value": [{"value": user["id"]}]})
    assert client.patch(f"/Groups/{team['id']}", json=join).status_code == 200
    assert grants_of(observer, user["id"]) == []
    reactivate = patch_body({"op": "replace", "value": {"active": True}})
    assert client.patch(f"/Users/{user['id']}", json=reactivate).status_code == 200
    assert [(g["accountId"], g["via"]) for g in grants_of(observer, user["id"])] == [(vault["id"], "group")]


def test_a_deleted_users_id_cannot_receive_a_grant(client: httpx.Client, observer: httpx.Client) -> None:
    user = new_user(client)
    account = new_account(observer, privileged=True)
    assert client.delete(f"/Users/{user['id']}").status_code == 204
    response = observer.post(f"/accounts/{account['id']}/grants", json={"userId": user["id"]})
    assert response.status_code == 404, response.text
    assert grants_of(observer, user["id"]) == []


def test_a_reactivated_user_can_be_granted_again(client: httpx.Client, observer: httpx.Client) -> None:
    user = new_user(client)
    account = new_account(observer, privileged=True)
    grant(observer, account["id"], user=user["id"])
    for active in (False, True):
        body = patch_body({"op": "replace", "value": {"active": active}})
        assert client.patch(f"/Users/{user['id']}", json=body).status_code == 200
    assert grants_of(observer, user["id"]) == []
    grant(observer, account["id"], user=user["id"])
    assert [(g["accountId"], g["via"]) for g in grants_of(observer, user["id"])] == [
        (account["id"], "direct")
    ]
