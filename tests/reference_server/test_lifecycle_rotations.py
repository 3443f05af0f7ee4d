"""Rotations: one per account while pending, completed by the worker, resumed after restarts,
and nothing lost or raced around a suspension."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from reference_server.embedded import EmbeddedServer
from tests.support.procserver import ServerProcess
from tests.support.scimtest import (
    OBSERVER_TOKEN,
    TOKEN,
    USER_URN,
    grant,
    grants_of,
    make_config,
    new_account,
    new_user,
    observer_client,
    rotations_of,
    scim_client,
)


def wait_for(predicate: Callable[[], bool], what: str, limit: float = 15.0) -> None:
    """Poll until ``predicate`` holds; a bound, not a timing assertion."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def suspend(client: httpx.Client, user: dict) -> None:
    response = client.put(
        f"/Users/{user['id']}", json={"schemas": [USER_URN], "userName": user["userName"], "active": False}
    )
    assert response.status_code == 200, response.text


def test_no_second_rotation_while_one_is_pending(tmp_path: Path) -> None:
    with (
        EmbeddedServer(make_config(tmp_path / "scim.db", rotation_delay=3600)) as server,
        scim_client(server) as client,
        observer_client(server) as observer,
    ):
        vault = new_account(observer, privileged=True)
        first, second = new_user(client), new_user(client)
        grant(observer, vault["id"], user=first["id"])
        grant(observer, vault["id"], user=second["id"])
        suspend(client, first)
        suspend(client, second)
        rotations = rotations_of(observer, vault["id"])
        assert [(r["status"], r["triggeredBy"]) for r in rotations] == [("pending", first["id"])]


def test_the_worker_completes_rotations_and_bumps_the_credential(server: EmbeddedServer) -> None:
    with scim_client(server) as client, observer_client(server) as observer:
        vault = new_account(observer, privileged=True)
        user = new_user(client)
        grant(observer, vault["id"], user=user["id"])
        suspend(client, user)
        wait_for(
            lambda: rotations_of(observer, vault["id"])[0]["status"] == "completed",
            "the rotation to complete",
        )
        done = rotations_of(observer, vault["id"])[0]
        assert done["completedAt"] >= done["createdAt"]
        account = observer.get(f"/accounts/{vault['id']}").json()
        assert account["credentialVersion"] == 2
        assert set(account) == {"id", "name", "privileged", "credentialVersion"}  # never the secret


def test_pending_rotations_resume_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    slow = ServerProcess(db, TOKEN, OBSERVER_TOKEN, extra_args=("--rotation-delay", "3600")).start()
    try:
        with (
            httpx.Client(base_url=slow.base_url, headers=slow.headers) as client,
            httpx.Client(
                base_url=slow.observer_url, headers={"Authorization": f"Bearer {OBSERVER_TOKEN}"}
            ) as observer,
        ):
            vault = new_account(observer, privileged=True)
            user = new_user(client)
            grant(observer, vault["id"], user=user["id"])
            suspend(client, user)
            assert rotations_of(observer, vault["id"])[0]["status"] == "pending"
    finally:
        slow.stop()
    fast = ServerProcess(db, TOKEN, OBSERVER_TOKEN, extra_args=("--rotation-delay", "0")).start()
    try:
        with httpx.Client(
            base_url=fast.observer_url, headers={"Authorization": f"Bearer {OBSERVER_TOKEN}"}
        ) as observer:
            wait_for(
                lambda: rotations_of(observer, vault["id"])[0]["status"] == "completed",
                "the resumed rotation",
            )
    finally:
        fast.stop()


def test_kill_9_after_an_acknowledged_suspension_keeps_its_effects(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    server = ServerProcess(db, TOKEN, OBSERVER_TOKEN, extra_args=("--rotation-delay", "3600")).start()
    observer_headers = {"Authorization": f"Bearer {OBSERVER_TOKEN}"}
    with (
        httpx.Client(base_url=server.base_url, headers=server.headers) as client,
        httpx.Client(base_url=server.observer_url, headers=observer_headers) as observer,
    ):
        vault = new_account(observer, privileged=True)
        user = new_user(client)
        grant(observer, vault["id"], user=user["id"])
        suspend(client, user)
    server.kill()
    again = ServerProcess(db, TOKEN, OBSERVER_TOKEN, extra_args=("--rotation-delay", "3600")).start()
    try:
        with (
            httpx.Client(base_url=again.base_url, headers=again.headers) as client,
            httpx.Client(base_url=again.observer_url, headers=observer_headers) as observer,
        ):
            assert client.get(f"/Users/{user['id']}").json()["active"] is False
            assert grants_of(observer, user["id"]) == []
            assert [(r["reason"], r["status"]) for r in rotations_of(observer, vault["id"])] == [
                ("user_suspended", "pending")
            ]
    finally:
        again.stop()


async def _race_rounds(
    server: EmbeddedServer, rounds: int, grant_requests: int
) -> list[tuple[str, list[str], list[int]]]:
    """Each round: fire grant requests for one user concurrently with that user's suspension."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    observer_headers = {"Authorization": f"Bearer {OBSERVER_TOKEN}"}
    out = []
    async with (
        httpx.AsyncClient(base_url=server.base_url, headers=headers) as client,
        httpx.AsyncClient(base_url=server.observer_url, headers=observer_headers) as observer,
    ):
        for round_no in range(rounds):
            created = await client.post(
                "/Users", json={"schemas": [USER_URN], "userName": f"race-{round_no}@example.com"}
            )
            user = created.json()
            accounts = [
                (
                    await observer.post(
                        "/accounts", json={"name": f"vault-{round_no}-{i}", "privileged": True}
                    )
                ).json()
                for i in range(grant_requests)
            ]
            grants = [
                observer.post(f"/accounts/{a['id']}/grants", json={"userId": user["id"]}) for a in accounts
            ]
            suspension = client.put(
                f"/Users/{user['id']}",
                json={"schemas": [USER_URN], "userName": user["userName"], "active": False},
            )
            half = grant_requests // 2
            results = await asyncio.gather(*grants[:half], suspension, *grants[half:])
            assert results[half].status_code == 200
            grant_results = results[:half] + results[half + 1 :]
            granted = [a["id"] for a, r in zip(accounts, grant_results, strict=True) if r.status_code == 201]
            out.append((user["id"], granted, [r.status_code for r in grant_results]))
    return out


def test_grants_racing_a_suspension_never_survive_it(fresh_server: EmbeddedServer) -> None:
    """No race leaves a grant on a suspended user, and every grant that landed got its rotation."""
    rounds = asyncio.run(_race_rounds(fresh_server, rounds=25, grant_requests=6))
    outcomes = {s for _, _, statuses in rounds for s in statuses}
    assert outcomes <= {201, 409}
    with observer_client(fresh_server) as observer:
        for user_id, granted, _ in rounds:
            assert grants_of(observer, user_id) == []
            for account_id in granted:
                assert [r["reason"] for r in rotations_of(observer, account_id)] == ["user_suspended"]
