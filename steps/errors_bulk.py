"""Steps for bulk requests (RFC 7644 §3.7) in the errors area, run only against a target that claims ``bulk``.

Resources a bulk request creates are not seen by the ``scim`` fixture's POST hook, so each one
is registered for cleanup, by the id in its ``location``, as soon as the answer arrives.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from pytest_bdd import parsers, then, when

from schemas import urns
from steps._resources import group_body, group_name, user_body, user_name
from steps._vocabulary import phrase, quoted
from steps.common import assert_status, body_of
from steps.failures import Basis, SuiteError, check
from steps.target import Cleanup
from steps.wire import ScimClient

_BULK = Basis.rfc("B-01", "B-02")
_LARGEST_PROBE = 2_000_000
_MOST_OPERATIONS = 10_000
"""The biggest request, and the most operations, the suite sends to find a limit; a target with
higher limits is skipped."""


def send_bulk(
    scim: ScimClient, cleanup: Cleanup, operations: list[dict[str, Any]], **extra: Any
) -> httpx.Response:
    body = {"schemas": [urns.BULK_REQUEST], "Operations": operations, **extra}
    response = scim.post("/Bulk", body)
    for result in results(response):
        location = str(result.get("location") or "")
        for endpoint in ("/Users/", "/Groups/"):
            if endpoint in location:
                cleanup.add(endpoint.rstrip("/"), location.rstrip("/").rsplit("/", 1)[-1])
    return response


def results(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return []
    found = body.get("Operations") if isinstance(body, dict) else None
    return [r for r in found or [] if isinstance(r, dict)]


def status_of(result: dict[str, Any]) -> int:
    """RFC 7644 §3.7: each result's ``status`` (the RFC's examples send it as a string); 0 when
    it is missing or not a number, which no check accepts."""
    words = str(result.get("status", "0")).split()
    return int(words[0]) if words and words[0].isdigit() else 0


def _create_user(label: str, token: str, bulk_id: str) -> dict[str, Any]:
    return {"method": "POST", "path": "/Users", "bulkId": bulk_id, "data": user_body(user_name(label, token))}


@when(parsers.parse("a client sends a bulk request creating users {labels}"), target_fixture="response")
def _(scim: ScimClient, cleanup: Cleanup, token: str, labels: str) -> httpx.Response:
    operations = [_create_user(label, token, f"user{i}") for i, label in enumerate(quoted(labels))]
    return send_bulk(scim, cleanup, operations)


@then("the bulk answer reports each operation with its own status")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.7: a BulkResponse whose Operations each carry ``status`` and, for a POST, ``location``."""
    assert_status(response, 200, basis=_BULK)
    body = body_of(response)
    context: dict[str, Any] = {"response": response, "basis": _BULK}
    check(
        urns.BULK_RESPONSE in (body.get("schemas") or []),
        f"the bulk answer's schemas are {body.get('schemas')!r}",
        expected=f'schemas ["{urns.BULK_RESPONSE}"]',
        **context,
    )
    sent = len(body_of_request(response)["Operations"])
    found = results(response)
    check(
        len(found) == sent, f"the bulk answer reports {len(found)} operations of the {sent} sent", **context
    )
    for result in found:
        check(
            status_of(result) == 201,
            f"the bulk operation {result.get('bulkId')} answered {result.get('status')!r}",
            expected='"status": "201"',
            **context,
        )
        check(
            result.get("location"),
            f"the bulk operation {result.get('bulkId')} has no location",
            expected="the created user's URI",
            **context,
        )


def body_of_request(response: httpx.Response) -> dict[str, Any]:
    """The BulkRequest a step built and sent."""
    body = json.loads(response.request.content)
    if not isinstance(body, dict):
        raise SuiteError("the bulk request this step reads back was not a JSON object")
    return body


@when(
    phrase(
        'a client sends a bulk request creating a user "{user:Q}" and a group "{group:Q}"'
        " holding that user by its bulkId"
    ),
    target_fixture="response",
)
def _(scim: ScimClient, cleanup: Cleanup, token: str, user: str, group: str) -> httpx.Response:
    """RFC 7644 §3.7.2: ``bulkId:<id>`` in a later operation stands for the id the server issues."""
    group_data = group_body(group_name(group, token))
    group_data["members"] = [{"value": "bulkId:newuser", "type": "User"}]
    operations = [
        _create_user(user, token, "newuser"),
        {"method": "POST", "path": "/Groups", "bulkId": "newgroup", "data": group_data},
    ]
    return send_bulk(scim, cleanup, operations)


@then("the group created in bulk has the user created in bulk as its member")
def _(scim: ScimClient, response: httpx.Response) -> None:
    """RFC 7644 §3.7.2: the server resolves ``bulkId:newuser`` to the id it issued."""
    assert_status(response, 200, basis=_BULK)
    by_id = {r.get("bulkId"): r for r in results(response)}
    user_location = str(by_id.get("newuser", {}).get("location") or "")
    group_location = str(by_id.get("newgroup", {}).get("location") or "")
    check(
        user_location and group_location,
        "the bulk answer gives no location for "
        + " and ".join(
            n for n, loc in (("the user", user_location), ("the group", group_location)) if not loc
        ),
        response=response,
        expected="a location for each created resource",
        basis=_BULK,
    )
    user_id = user_location.rstrip("/").rsplit("/", 1)[-1]
    group = scim.get(f"/Groups/{group_location.rstrip('/').rsplit('/', 1)[-1]}")
    assert_status(group, 200, basis=Basis.rfc("G-01"))
    members = [m.get("value") for m in body_of(group).get("members") or [] if isinstance(m, dict)]
    check(
        members == [user_id],
        f"the group created in bulk has the members {members or 'none'}, not the user created with it",
        response=group,
        expected=f"the new user {user_id}, its bulkId resolved",
        basis=Basis.rfc("B-01"),
    )


@when(
    "a client sends a bulk request that may fail once, whose first operation fails", target_fixture="response"
)
def _(scim: ScimClient, cleanup: Cleanup, token: str) -> httpx.Response:
    failing = {
        "method": "POST",
        "path": "/Users",
        "bulkId": "bad",
        "data": {"schemas": user_body("x")["schemas"]},
    }
    return send_bulk(
        scim, cleanup, [failing, _create_user("later@example.com", token, "good")], failOnErrors=1
    )


@then("the bulk answer stops after the failed operation")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.7.3: ``failOnErrors`` is "the number of errors that the service provider will
    accept before the operation is terminated"."""
    assert_status(response, 200, basis=Basis.rfc("B-02"))
    found = results(response)
    processed = [r.get("bulkId") for r in found]
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("B-02")}
    check(
        "good" not in processed,
        "the bulk request went on after its one tolerated error: the operation after it was processed",
        expected="processing stops after the first failed operation (failOnErrors 1)",
        **context,
    )
    check(
        found and status_of(found[0]) >= 400,
        f"the operation that must fail answered {found[0].get('status')!r}"
        if found
        else "no operation is reported",
        expected="the failed operation reported with a 4xx status",
        **context,
    )


def _limit(spc: dict[str, Any], name: str) -> int:
    value = (spc.get("bulk") or {}).get(name)
    if not isinstance(value, int) or value <= 0:
        pytest.skip(f"the target states no bulk.{name}")
    return value


@when("a client sends a bulk request with more operations than the target allows", target_fixture="response")
def _(scim: ScimClient, cleanup: Cleanup, service_provider_config: dict[str, Any]) -> httpx.Response:
    """Deletes of ids that do not exist: harmless should a target run them anyway."""
    most = _limit(service_provider_config, "maxOperations")
    if most >= _MOST_OPERATIONS:
        pytest.skip(f"bulk.maxOperations is {most}; the suite sends at most {_MOST_OPERATIONS} operations")
    missing = f"/Users/{uuid.uuid4().hex}"
    return send_bulk(scim, cleanup, [{"method": "DELETE", "path": missing} for _ in range(most + 1)])


@when("a client sends a bulk request larger than the target accepts", target_fixture="response")
def _(scim: ScimClient, cleanup: Cleanup, service_provider_config: dict[str, Any]) -> httpx.Response:
    size = _limit(service_provider_config, "maxPayloadSize")
    if size >= _LARGEST_PROBE:
        pytest.skip(f"bulk.maxPayloadSize is {size} bytes; the suite sends at most {_LARGEST_PROBE}")
    operation = {"method": "DELETE", "path": f"/Users/{uuid.uuid4()}", "bulkId": "x" * (size + 1)}
    return send_bulk(scim, cleanup, [operation])


@then("the bulk request is refused as too large, naming the limit")
def _(response: httpx.Response, service_provider_config: dict[str, Any]) -> None:
    """RFC 7644 §3.7.4: over either limit "the service provider MUST return HTTP response code 413"
    and "MUST specify the limit exceeded in the body of the error response"."""
    assert_status(response, 413, basis=Basis.rfc("B-04"))
    limits = service_provider_config.get("bulk") or {}
    names = ("maxOperations", "maxPayloadSize")
    told = [str(limits.get(n)) for n in names if limits.get(n) is not None] + list(names)
    check(
        any(t.lower() in response.text.lower() for t in told),
        "the 413 does not name the limit the request exceeded",
        response=response,
        expected=f"one of {', '.join(told)} in the error",
        basis=Basis.rfc("B-04"),
    )
