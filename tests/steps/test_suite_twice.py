"""Running the suite against one target twice in a row passes twice: every scenario cleans up.

The target already holds a user and a group of its own, which the suite must neither touch nor
trip over; after the second run the directory holds exactly what it held before the first.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from harness.target import embedded_server
from tests.support.scimtest import make_config, scim_client
from tests.support.suiterun import run_suite

pytestmark = pytest.mark.slow


def _totals(client: httpx.Client) -> dict[str, int]:
    totals = {}
    for endpoint in ("/Users", "/Groups"):
        response = client.get(endpoint, params={"count": 0})
        assert response.status_code == 200, response.text
        totals[endpoint] = response.json()["totalResults"]
    return totals


def test_the_suite_passes_twice_against_one_target_and_leaves_nothing_behind(tmp_path: Path) -> None:
    config = make_config(tmp_path / "scim.db", rotation_delay=0.05)
    with embedded_server(config) as server, scim_client(server) as client:
        user = client.post(
            "/Users",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "resident@example.com",
            },
        )
        assert user.status_code == 201, user.text
        group = client.post(
            "/Groups",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Residents",
                "members": [{"value": user.json()["id"]}],
            },
        )
        assert group.status_code == 201, group.text
        before = _totals(client)

        for attempt in ("first", "second"):
            run = run_suite(server.base_url, config.token, server.observer_url, config.observer_token)
            assert run.returncode == 0 and not run.failed, f"{attempt} run: {run.describe()}"
            assert len(run.passed) > 150, f"{attempt} run: {run.describe()}"

        assert _totals(client) == before
        kept = client.get(f"/Groups/{group.json()['id']}")
        assert kept.status_code == 200
        assert [m["value"] for m in kept.json().get("members", [])] == [user.json()["id"]]
