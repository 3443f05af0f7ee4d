"""A made-up ``check`` run for the report tests: every status and level, both kinds of verdict, a
cause shared by two scenarios, and a wire — no server needed."""

from __future__ import annotations

import json
import re
from typing import Any

from harness.reporting.model import RunResult, ScenarioResult, StepResult
from scim_client import Target

WIRE = [
    {
        "method": "POST",
        "url": "http://127.0.0.1:9/scim/v2/Users",
        "request_headers": {"authorization": "Bearer ***", "content-type": "application/scim+json"},
        "request_body": '{\n  "userName": "ana.souza@example.com"\n}',
        "status": 200,
        "response_headers": {"content-type": "application/scim+json"},
        "response_body": '{\n  "id": "u-1", "note": "<b>bold</b> & \x07bell"\n}',
        "elapsed_ms": 12.5,
        "error": None,
    }
]


LEGACY_DETAIL = 'unknown schema "urn:scim:schemas:core:2.0"'


def _exchange(method: str, path: str, status: int, body: str | None = None) -> dict[str, Any]:
    return {
        "method": method,
        "url": f"http://127.0.0.1:9/scim/v2{path}",
        "request_headers": {"authorization": "Bearer ***"},
        "request_body": None,
        "status": status,
        "response_headers": {"content-type": "application/scim+json"},
        "response_body": body,
        "elapsed_ms": 3.0,
        "error": None,
    }


def legacy_wire(user_id: str) -> list[dict[str, Any]]:
    """OneLogin's lookup, its create refused for the legacy URN, then the steps' own probe (a
    create without it, deleted again): the exchange that broke the scenario is not the last."""
    error = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": "400",
            "scimType": "invalidValue",
            "detail": LEGACY_DETAIL,
        },
        indent=2,
    )
    return [
        _exchange("GET", "/Users?filter=userName+eq+%22x%22&", 200),
        _exchange("POST", "/Users", 400, error),
        _exchange("POST", "/Users", 201, f'{{"id": "{user_id}"}}'),
        _exchange("DELETE", f"/Users/{user_id}", 204),
    ]


def scenario(name: str, status: str, tags: list[str], **kw: Any) -> ScenarioResult:
    feature = kw.pop("feature", "Pushing users")
    area = kw.pop("area", "users")
    failed_at = kw.pop("failed_at", None)
    steps = []
    for i, (keyword, text) in enumerate(
        [
            ("Given", "a OneLogin user"),
            ("When", "OneLogin pushes the user"),
            ("Then", "the server answers 201"),
        ]
    ):
        if status == "skipped":
            step_status = "skipped"
        elif failed_at is None or i < failed_at:
            step_status = "passed"
        elif i == failed_at:
            step_status = "failed"
        else:
            step_status = "skipped"
        steps.append(StepResult(keyword, text, 10 + i, step_status, 0.01))
    return ScenarioResult(
        nodeid=f"steps/test_{area}.py::test_{re.sub(r'[^a-z0-9]+', '_', name.lower())}",
        feature=feature,
        feature_file=f"features/{area}/{area}.feature",
        area=area,
        name=name,
        line=9,
        tags=sorted([area, *tags]),
        status=status,
        duration=0.25,
        steps=steps,
        feature_line=2,
        feature_tags=[area],
        **kw,
    )


def sample_run(
    strict: bool = False, simulation: dict[str, Any] | None = None, gate: str = "all"
) -> RunResult:
    scenarios = [
        scenario("A user is created", "passed", ["must", "req_U_01", "onelogin"]),
        scenario(
            "A created user answers 201",
            "failed",
            ["must", "req_U_02"],
            failed_at=2,
            message="POST /scim/v2/Users answered 200, expected 201",
            details="steps/common.py:30: in assert_status\nE   AssertionError: answered 200, expected 201",
            wire=WIRE,
        ),
        scenario(
            "Filtering | discovery <script>alert(1)</script>",
            "failed",
            ["should"],
            failed_at=1,
            message="answered 200, expected 403",
            wire=WIRE,
            feature="Discovery",
            area="discovery",
        ),
        scenario("Grants are removed", "skipped", ["must", "observer"], message="no observer configured"),
        scenario(
            "Setup breaks",
            "error",
            ["may"],
            message="error in setup: boom",
            details="E   boom",
            failed_phase="setup",
        ),
        scenario(
            "The default template is accepted",
            "failed",
            ["must", "onelogin", "fact_onelogin_legacy_urns"],
            failed_at=1,
            message="OneLogin's push failed: POST /Users answered 400; onelogin accepts 201",
            wire=legacy_wire("2f81a4cf-3b1c-4d2e-9f00-123456789abc"),
        ),
        scenario(
            "An empty placeholder is pushed",
            "failed",
            ["must", "onelogin", "fact_onelogin_empty_placeholder"],
            failed_at=1,
            message="OneLogin's push failed: POST /Users answered 400; onelogin accepts 201\nsecond line",
            wire=legacy_wire("9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"),
        ),
    ]
    return RunResult(
        target=Target("http://127.0.0.1:9/scim/v2", "report-data-token-QQ9"),
        started="2026-01-02T03:04:05+00:00",
        finished="2026-01-02T03:04:09+00:00",
        duration=4.0,
        strict=strict,
        tags=None,
        scenarios=scenarios,
        simulation=simulation,
        tool_version="0.1.0",
        gate=gate,
    )


SIMULATION = {
    "scenario": "lifecycle",
    "users": 100,
    "started": "2026-01-02T03:00:00+00:00",
    "ok": False,
    "events": {"count": 420, "failed": 2},
    "requests": 900,
    "throughput": 150.0,
    "elapsed": 6.0,
    "latencyMs": {"p50": 4.0, "p90": 9.5, "p99": 30.0, "mean": 5.0, "max": 80.0},
    "statuses": {"200": 500, "201": 380, "409": 15, "error": 5},
    "timeline": [
        {"second": 0, "requests": 100, "errors": 0, "p50": 3.0, "p90": 8.0, "p99": 20.0},
        {"second": 1, "requests": 0, "errors": 0},
        {"second": 2, "requests": 300, "errors": 3, "p50": 5.0, "p90": 11.0, "p99": 45.0},
        {"second": 3, "requests": 500, "errors": 2, "p50": 4.0, "p90": 9.0, "p99": 28.0},
    ],
    "problems": {
        "count": 2,
        "byKind": {"status": 2},
        "items": [{"kind": "status", "event": "assign", "message": "POST /Users answered 409"}],
    },
}

_EXTERNAL = [
    re.compile(r"""\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"<script[^>]*\bsrc\s*=", re.I),
    re.compile(r"<link\b", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//", re.I),
    re.compile(r"<(?:iframe|object|embed|img)\b", re.I),
]


def external_references(html: str) -> list[str]:
    """Everything in ``html`` that would make a browser fetch something."""
    return [m.group(0) for pattern in _EXTERNAL for m in pattern.finditer(html)]
