"""The harness's own requests: recorded redacted, capped, and listed apart in ``simulation.json``."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from harness.target import embedded_server
from simulator.own_requests import OwnRequests
from simulator.simulation import SimulationConfig, simulate
from simulator.wire import Exchange, WireRequest, WireResponse
from tests.support.scimtest import TOKEN, make_config


def _preflight(status: int = 200) -> Exchange:
    headers = (("Authorization", f"Bearer {TOKEN}"),)
    request = WireRequest(
        "GET", "/Users", "filter=userName+eq+%22preflight-1%22&", headers, None, "preflight"
    )
    return Exchange(request, WireResponse(status, elapsed=0.0123))


def test_an_own_request_is_recorded_redacted_with_when_it_completed() -> None:
    own = OwnRequests()
    own.add("preflight", _preflight(), datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))
    assert own.to_json() == {
        "by": "scim-harness, not OneLogin",
        "count": 1,
        "omitted": 0,
        "items": [
            {
                "purpose": "preflight",
                "at": "2026-01-02T03:04:05.678Z",
                "method": "GET",
                "target": "/Users?filter=userName+eq+%22preflight-1%22&",
                "headers": [["Authorization", "Bearer ***"]],
                "attempt": 1,
                "status": 200,
                "error": None,
                "elapsedMs": 12.3,
            }
        ],
    }


def test_past_the_cap_requests_are_only_counted() -> None:
    own = OwnRequests(cap=2)
    for _ in range(5):
        own.add("reconcile", _preflight())
    assert (len(own), len(own.items), own.to_json()["omitted"]) == (5, 2, 3)


def test_a_run_lists_the_preflight_it_is_given_then_its_reconciliation_reads(tmp_path: Path) -> None:
    own = OwnRequests()
    own.add("preflight", _preflight())
    with embedded_server(make_config(tmp_path / "scim.db")) as server:
        config = SimulationConfig("onboarding", 20, seed=4, concurrency=4)
        report = asyncio.run(simulate(config, server.base_url, TOKEN, own_requests=own))
    assert report.ok and report.own_requests is own
    listed = report.to_json()["harnessRequests"]
    purposes = [item["purpose"] for item in listed["items"]]
    assert purposes[0] == "preflight" and set(purposes[1:]) == {"reconcile"} and len(purposes) >= 3
    assert "other" not in report.to_json()["operations"]  # OneLogin's figures hold only its operations
    assert TOKEN not in json.dumps(report.to_json())
