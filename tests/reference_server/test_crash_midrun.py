"""``kill -9`` in the middle of an onboarding + offboarding run, then a restart on the same file.

Every acknowledged create exists; every acknowledged suspension has its grants removed and its
rotation scheduled; and nothing is half-applied: a user is either still active with the grant,
or suspended with no grant and a rotation — never in between.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.support.procserver import ServerProcess

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
TOKEN = "crash-token-71"
OBSERVER = "crash-observer-72"


async def _lifecycle(
    client: httpx.AsyncClient, observer: httpx.AsyncClient, i: int, log: dict[str, dict]
) -> None:
    """Onboard one user, give them a privileged account, then suspend them; note what was acknowledged."""
    name = f"crash{i}@example.com"
    entry: dict = {"name": name}
    log[name] = entry
    try:
        created = await client.post("/Users", json={"schemas": [USER], "userName": name})
        if created.status_code != 201:
            return
        entry["id"] = created.json()["id"]
        account = await observer.post("/accounts", json={"name": f"vault-{i}", "privileged": True})
        entry["account"] = account.json()["id"]
        granted = await observer.post(f"/accounts/{entry['account']}/grants", json={"userId": entry["id"]})
        entry["granted"] = granted.status_code == 201
        suspended = await client.put(
            f"/Users/{entry['id']}", json={"schemas": [USER], "userName": name, "active": False}
        )
        entry["suspended"] = suspended.status_code == 200
    except httpx.HTTPError:
        return  # the server died under this request: whatever was acknowledged is in the entry


async def _run(server: ServerProcess, users: int, kill_after: int) -> dict[str, dict]:
    log: dict[str, dict] = {}
    limits = httpx.Limits(max_connections=8)
    async with (
        httpx.AsyncClient(
            base_url=server.base_url, headers=server.headers, limits=limits, timeout=10
        ) as client,
        httpx.AsyncClient(
            base_url=server.observer_url,
            headers={"Authorization": f"Bearer {OBSERVER}"},
            limits=limits,
            timeout=10,
        ) as observer,
    ):
        semaphore = asyncio.Semaphore(8)

        async def one(i: int) -> None:
            async with semaphore:
                await _lifecycle(client, observer, i, log)

        tasks = [asyncio.create_task(one(i)) for i in range(users)]
        while sum(1 for e in log.values() if e.get("suspended")) < kill_after:
            await asyncio.sleep(0.005)
        server.kill()
        await asyncio.gather(*tasks)
    return log


def test_kill_9_mid_run_leaves_nothing_half_applied(tmp_path: Path) -> None:
    db = tmp_path / "scim.db"
    args = ("--rotation-delay", "3600")
    server = ServerProcess(db, TOKEN, OBSERVER, extra_args=args).start()
    log = asyncio.run(_run(server, users=150, kill_after=40))
    again = ServerProcess(db, TOKEN, OBSERVER, extra_args=args).start()
    try:
        with (
            httpx.Client(base_url=again.base_url, headers=again.headers) as client,
            httpx.Client(
                base_url=again.observer_url, headers={"Authorization": f"Bearer {OBSERVER}"}
            ) as observer,
        ):
            acknowledged = [e for e in log.values() if "id" in e]
            assert len(acknowledged) >= 40
            in_between = 0
            for entry in acknowledged:
                user = client.get(f"/Users/{entry['id']}")
                assert user.status_code == 200, f"acknowledged create of {entry['name']} was lost"
                active = user.json()["active"]
                grants = observer.get(f"/users/{entry['id']}/grants").json()["grants"]
                rotations = (
                    observer.get(f"/accounts/{entry['account']}/rotations").json()["rotations"]
                    if "account" in entry
                    else []
                )
                if entry.get("suspended"):
                    assert active is False, entry
                    assert grants == [], entry
                    assert [r["reason"] for r in rotations] == ["user_suspended"], entry
                elif active is False:
                    # Suspended, but the answer never arrived: it must still be whole.
                    assert grants == [] and len(rotations) == (1 if entry.get("granted") else 0), entry
                    in_between += 1
                elif entry.get("granted"):
                    assert [g["accountId"] for g in grants] == [entry["account"]], entry
                    assert rotations == [], entry
    finally:
        again.stop()
