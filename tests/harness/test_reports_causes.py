"""Failures grouped by cause: HTTP signatures, what a cause is derived from, and the groups' order."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from harness.reporting.causes import basis_of, cause_of, group_causes, resolve
from harness.reporting.signature import path_pattern, signature_of, text_pattern
from tests.support.reportdata import legacy_wire, sample_run, scenario


@pytest.mark.parametrize(
    ("url", "pattern"),
    [
        ("http://h:9/scim/v2/Users/2f81a4cf-3b1c-4d2e-9f00-123456789abc?", "/scim/v2/Users/{id}"),
        (
            "http://h:9/scim/v2/Users?filter=userName+eq+%22a%40b.c%22&count=3&",
            "/scim/v2/Users?filter=…&count=…",
        ),
        ("http://h:9/api/scim/v2/Groups/abc/", "/api/scim/v2/Groups/{id}/"),
        ("http://h:9/scim/v2/Groups/.search", "/scim/v2/Groups/.search"),
        ("http://h:9/observer/accounts/17/grants", "/observer/accounts/{id}/grants"),
        ("http://h:9/observer/users/u-1/grants", "/observer/users/{id}/grants"),
        (
            "http://h:9/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
            "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
        ),
        ("http://h:9/scim/v2/ResourceTypes/User", "/scim/v2/ResourceTypes/User"),
        ("/Users/12345", "/Users/{id}"),
    ],
)
def test_paths_keep_the_base_path_and_lose_their_ids(url: str, pattern: str) -> None:
    assert path_pattern(url) == pattern


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("unknown schema urn:scim:schemas:core:2.0", "unknown schema urn:scim:schemas:core:2.0"),
        ('userName "ana@x.example" is taken', 'userName "…" is taken'),
        ("user 2f81a4cf-3b1c-4d2e-9f00-123456789abc not found", "user {id} not found"),
        ("ana.souza+r1@example.com exists", "{email} exists"),
        ("count must be >= 0, got -5 after 1.5 s", "count must be >= {n}, got {n} after {n} s"),
        ("the server's answer isn't 'x'", "the server's answer isn't \"…\""),
        ("token abc123def456ghi789 expired", "token {id} expired"),
        ("  spread\n over lines ", "spread over lines"),
    ],
)
def test_details_generalise_what_changes_from_run_to_run(text: str, pattern: str) -> None:
    assert text_pattern(text) == pattern


def test_the_signature_of_an_error_carries_scim_type_and_detail() -> None:
    refused = signature_of(legacy_wire("u-1")[1])
    assert refused.text() == 'POST /scim/v2/Users → 400 invalidValue: unknown schema "…"'
    assert refused.failed
    created = signature_of(legacy_wire("u-1")[2])
    assert created.text() == "POST /scim/v2/Users → 201" and not created.failed
    silent = signature_of(
        {"method": "GET", "url": "http://h/scim/v2/Users/7", "error": "ReadTimeout after 30 s"}
    )
    assert silent.text() == "GET /scim/v2/Users/{id} → no answer: ReadTimeout after {n} s" and silent.failed
    not_json = signature_of({"method": "GET", "url": "http://h/x", "status": 500, "response_body": "<html>"})
    assert not_json.text() == "GET /x → 500"


def test_the_exchange_the_message_names_is_the_cause_not_the_steps_later_probes() -> None:
    # The wire ends with the steps' own create-and-delete probe; the message names the POST → 400.
    pushed = scenario(
        "pushed",
        "failed",
        ["must", "onelogin"],
        failed_at=1,
        message="OneLogin's push failed: POST /Users answered 400; onelogin accepts 201",
        wire=legacy_wire("u-1"),
    )
    cause = cause_of(pushed)
    assert cause.key == 'POST /scim/v2/Users → 400 invalidValue: unknown schema "…"'
    assert cause.headline == cause.key + " (expected 201)"


def test_a_status_the_message_names_picks_the_exchange() -> None:
    wire = [*legacy_wire("u-1")[:1], {**legacy_wire("u-1")[2], "status": 200}]
    needs = scenario(
        "needs", "failed", ["must"], failed_at=0, message="could not create the user: 200 {...}", wire=wire
    )
    assert cause_of(needs).key == "POST /scim/v2/Users → 200"


def test_without_a_named_exchange_a_failed_last_exchange_is_the_cause() -> None:
    wire = legacy_wire("u-1")[:2]
    refused = scenario("refused", "failed", ["must"], failed_at=1, message="the push was refused", wire=wire)
    assert cause_of(refused).key.startswith("POST /scim/v2/Users → 400 invalidValue")


def test_otherwise_the_failing_step_is_the_cause() -> None:
    wire = legacy_wire("u-1")[:1]
    wrong = scenario("wrong", "failed", ["must"], failed_at=2, message="the title was lost", wire=wire)
    wrong = replace(wrong, steps=[replace(s, name='the app has the user "ana"') for s in wrong.steps])
    cause = cause_of(wrong)
    assert cause.step == 'Then the app has the user "…"'
    assert cause.key == 'Then the app has the user "…" — after GET /scim/v2/Users?filter=… → 200'
    broken = scenario(
        "broken", "error", ["must"], message="error in setup: 3 tries\ntraceback", failed_phase="setup"
    )
    assert cause_of(broken).key == "error in setup: {n} tries"  # its first line


def test_what_the_steps_say_wins_over_what_the_wire_suggests() -> None:
    failure = {
        "basis": ["fact:onelogin_legacy_urns", "R-01"],
        "request": "POST /scim/v2/Users",
        "status": 400,
        "scimType": "invalidValue",
        "detail": "unknown schema urn:scim:schemas:core:2.0",
        "expected": 201,
    }
    told = scenario(
        "told", "failed", ["must", "onelogin", "req_C_01"], failed_at=1, message="x", failure=failure
    )
    told = replace(told, wire=legacy_wire("u-1")[:1])
    cause = cause_of(told)
    assert cause.headline == (
        "POST /scim/v2/Users → 400 invalidValue: unknown schema urn:scim:schemas:core:2.0 (expected 201)"
    )
    assert [b.id for b in basis_of(told)] == ["fact:onelogin_legacy_urns", "R-01"]  # not the tags' C-01


def test_the_basis_names_the_clause_or_the_fact_and_its_certainty() -> None:
    row = resolve("R-11")
    assert row.label == "R-11, RFC 7643 §7, §8.7.1; RFC 7644 §3.4.2.5" and "returned" in row.text
    assert resolve("@req_R_11") == row
    seen = resolve("fact:onelogin_legacy_urns")
    assert (
        seen.label == "OneLogin fact onelogin_legacy_urns [seen]" and "urn:scim:schemas:core:2.0" in seen.text
    )
    assert resolve("@fact_onelogin_legacy_urns") == seen
    assert resolve("Z-99").text == "Z-99 (not in rfc-checklist.md)"
    assert resolve("fact:nobody_knows").text == "fact:nobody_knows (not a known fact)"
    assert resolve("@fact_nobody_knows") == resolve("fact:nobody_knows")


def test_groups_that_set_the_exit_code_come_first_then_the_larger() -> None:
    run = sample_run()
    extra = [
        scenario(
            f"warned {i}", "failed", ["should"], failed_at=1, message="x", wire=legacy_wire(f"w-{i}")[:1]
        )
        for i in range(3)
    ]
    run.scenarios.extend(extra)
    groups = group_causes(run)
    gating = [any(run.blocks(s) for s in g.scenarios) for g in groups]
    assert gating == sorted(gating, reverse=True)  # every gating group before any warning-only one
    assert [len(g.scenarios) for g in groups if not any(run.blocks(s) for s in g.scenarios)] == [3, 1]
    assert [g.anchor for g in groups] == [f"cause-{n}" for n in range(1, len(groups) + 1)]
    legacy = next(g for g in groups if "400" in g.cause.key)
    assert [run.blocks(s) for s in legacy.scenarios] == [True, False]  # gating first within a group
    assert legacy.basis_text() == (
        "OneLogin fact onelogin_legacy_urns [seen] (1 of 2); "
        "OneLogin fact onelogin_empty_placeholder [guess] (1 of 2)"
    )
    assert legacy.basis_text(limit=1) == "OneLogin fact onelogin_legacy_urns [seen] (1 of 2); 1 more"
    assert json.dumps([g.cause.key for g in groups])  # keys are plain text


@pytest.mark.parametrize("garbage", ["x" * 1_000_000, "a-" * 500_000, "a1" * 500_000])
def test_a_garbage_body_is_generalised_in_one_pass(garbage: str) -> None:
    """A run-on token is looked at once: patterns start only where a token starts (a pattern
    tried at every position of a 1 MB token would take hours here)."""
    pattern = text_pattern(f"detail {garbage} end")
    assert pattern.startswith("detail ") and pattern.endswith(" end")
    assert garbage in pattern or "{id}" in pattern
