"""Steps every area uses: statuses, SCIM errors, and capability gates.

The last response of a scenario is the ``response`` fixture, set by each ``When`` step through
``target_fixture``.
"""

from __future__ import annotations

from typing import Any

import httpx
from pytest_bdd import given, parsers, then

from steps.target import require_capability
from steps.wire import ScimClient

SCIM_JSON = "application/scim+json"


def body_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"expected a JSON body, got {response.content[:200]!r}") from None
    assert isinstance(body, dict), f"expected a JSON object, got {type(body).__name__}"
    return body


def assert_status(response: httpx.Response, *expected: int) -> None:
    assert response.status_code in expected, (
        f"{response.request.method} {response.request.url.path} answered {response.status_code}, "
        f"expected {' or '.join(map(str, expected))}: {response.text[:300]}"
    )


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


@then(parsers.parse("the server answers with a SCIM error {status:d}"))
def _(response: httpx.Response, status: int) -> None:
    """RFC 7644 §3.12: an Error body whose ``status`` is the HTTP code as a string."""
    assert_status(response, status)
    body = body_of(response)
    assert body.get("schemas") == ["urn:ietf:params:scim:api:messages:2.0:Error"], body
    assert body.get("status") == str(status), (
        f"Error status {body.get('status')!r} is not the string {str(status)!r}"
    )


@then(parsers.parse('the server answers with a SCIM error {status:d} of type "{scim_type}"'))
def _(response: httpx.Response, status: int, scim_type: str) -> None:
    """RFC 7644 §3.12 Table 9: the ``scimType`` names what went wrong."""
    assert_status(response, status)
    body = body_of(response)
    assert body.get("status") == str(status), body
    assert body.get("scimType") == scim_type, f"scimType {body.get('scimType')!r}, expected {scim_type!r}"


@then("the response is SCIM JSON")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.8: responses use ``application/scim+json``."""
    media = response.headers.get("content-type", "").split(";")[0].strip()
    assert media == SCIM_JSON, f"Content-Type is {media!r}, expected {SCIM_JSON}"


__all__ = ["ScimClient", "assert_status", "body_of"]
