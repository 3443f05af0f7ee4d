"""Nothing acknowledged is lost: restarts and ``kill -9`` on the same SQLite file."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.procserver import ServerProcess
from tests.support.scimtest import GROUP_URN, USER_URN

TOKEN = "durability-token-x9"


def test_restart_keeps_every_acknowledged_user_and_group(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    server = ServerProcess(db, TOKEN).start()
    try:
        with httpx.Client(base_url=server.base_url, headers=server.headers) as client:
            users = [
                client.post("/Users", json={"schemas": [USER_URN], "userName": f"u{i}@example.com"}).json()
                for i in range(20)
            ]
            group = client.post(
                "/Groups",
                json={
                    "schemas": [GROUP_URN],
                    "displayName": "Team",
                    "members": [{"value": u["id"]} for u in users[:5]],
                },
            ).json()
    finally:
        server.stop()
    again = ServerProcess(db, TOKEN).start()
    try:
        with httpx.Client(base_url=again.base_url, headers=again.headers) as client:
            for user in users:
                got = client.get(f"/Users/{user['id']}").json()
                assert got["userName"] == user["userName"]
            kept = client.get(f"/Groups/{group['id']}").json()
            assert {m["value"] for m in kept["members"]} == {u["id"] for u in users[:5]}
    finally:
        again.stop()


def test_kill_9_right_after_an_acknowledged_create_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    server = ServerProcess(db, TOKEN).start()
    with httpx.Client(base_url=server.base_url, headers=server.headers) as client:
        created = client.post("/Users", json={"schemas": [USER_URN], "userName": "killed@example.com"})
        assert created.status_code == 201
        replaced = client.put(
            f"/Users/{created.json()['id']}",
            json={"schemas": [USER_URN], "userName": "killed@example.com", "active": False},
        )
        assert replaced.status_code == 200
    server.kill()
    again = ServerProcess(db, TOKEN).start()
    try:
        with httpx.Client(base_url=again.base_url, headers=again.headers) as client:
            got = client.get(f"/Users/{created.json()['id']}")
            assert got.status_code == 200
            assert got.json()["active"] is False
            assert got.json()["meta"]["version"] == replaced.json()["meta"]["version"]
    finally:
        again.stop()
