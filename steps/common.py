"""Steps every area uses: statuses, SCIM errors, and capability gates.

The last response of a scenario is the ``response`` fixture, set by each ``When`` step through
``target_fixture``.
"""

from __future__ import annotations

from typing import Any

import httpx
from pytest_bdd import given, parsers, then

from schemas import urns
from steps.failures import Basis, Failure, check, expect_status, note_origin, sent
from steps.target import require_capability
from steps.wire import ScimClient

SCIM_JSON = "application/scim+json"


def body_of(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object (RFC 7644 §3.1: SCIM bodies are JSON objects), or a failure."""
    try:
        body = response.json()
    except ValueError:
        raise Failure(f"{sent(response)}: the answer is not JSON", response=response) from None
    check(
        isinstance(body, dict), f"{sent(response)}: the answer is JSON but not an object", response=response
    )
    assert isinstance(body, dict)  # for the type checker; check() raised otherwise
    note_origin(body, response)
    return body


def assert_status(response: httpx.Response, *expected: int, basis: Basis | None = None) -> None:
    """The answer's status is one of ``expected`` (the basis defaults to the scenario's tags)."""
    expect_status(response, *expected, basis=basis)


@given(parsers.parse('the target supports "{capability}"'))
def _(service_provider_config: dict[str, Any], capability: str) -> None:
    """Capability-gated scenarios skip, with the reason, when the target does not claim them."""
    require_capability(service_provider_config, capability)


@then(parsers.parse("the server answers {status:d}"))
def _(response: httpx.Response, status: int) -> None:
    assert_status(response, status)


@then(parsers.parse("the server answers {first:d} or {second:d}"))
def _(response: httpx.Response, first: int, second: int) -> None:
    assert_status(response, first, second)


def _error_body(response: httpx.Response, status: int) -> dict[str, Any]:
    """RFC 7644 §3.12: the Error message, whose ``status`` is the HTTP code as a JSON string."""
    assert_status(response, status)
    body = body_of(response)
    check(
        body.get("schemas") == [urns.ERROR],
        f"the {status} is not a SCIM Error: its schemas are {body.get('schemas')!r}",
        response=response,
        expected=f'schemas ["{urns.ERROR}"]',
        basis=Basis.rfc("E-01"),
    )
    check(
        body.get("status") == str(status),
        f"the Error's status is {body.get('status')!r}, not the string {str(status)!r}",
        response=response,
        expected=f'"status": "{status}" (a string)',
        basis=Basis.rfc("E-01"),
    )
    return body


@then(parsers.parse("the server answers with a SCIM error {status:d}"))
def _(response: httpx.Response, status: int) -> None:
    """RFC 7644 §3.12: an Error body whose ``status`` is the HTTP code as a string."""
    _error_body(response, status)


@then(parsers.parse('the server answers with a SCIM error {status:d} of type "{scim_type}"'))
def _(response: httpx.Response, status: int, scim_type: str) -> None:
    """RFC 7644 §3.12 Table 9: the ``scimType`` names what went wrong."""
    body = _error_body(response, status)
    check(
        body.get("scimType") == scim_type,
        f"the Error's scimType is {body.get('scimType')!r}, not {scim_type!r}",
        response=response,
        expected=f'"scimType": "{scim_type}"',
        basis=Basis.rfc("E-03"),
    )


@then("the response is SCIM JSON")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.8: responses use ``application/scim+json``."""
    media = response.headers.get("content-type", "").split(";")[0].strip()
    check(
        media == SCIM_JSON,
        f"the answer's Content-Type is {media!r}",
        response=response,
        expected=SCIM_JSON,
        basis=Basis.rfc("T-01"),
    )


__all__ = ["ScimClient", "assert_status", "body_of"]
