"""Steps for errors, authentication, media types, versions and /Me (RFC 7644 §3.8, §3.11–§3.13, §7).

Requests that a gateway may answer before the SCIM service does (a wrong token, an unknown
endpoint, another protocol version) are sent with ``validate_body=False``: their status is the
requirement, and whether the body is a SCIM Error is a separate, SHOULD-level scenario.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from scim_client import Target
from steps._resources import TYPES, user_body, user_name, value_at
from steps.common import body_of
from steps.wire import ScimClient, body_violations

_MEDIA = {"SCIM JSON": "application/scim+json", "plain JSON": "application/json"}


@when(
    parsers.parse("a client reads a {kind:Kind} that does not exist", extra_types=TYPES),
    target_fixture="response",
)
def _(scim: ScimClient, kind: str) -> httpx.Response:
    return scim.get(f"/{kind.capitalize()}s/{uuid.uuid4()}")


@when("a client requests an endpoint that does not exist", target_fixture="response")
def _(scim: ScimClient, token: str) -> httpx.Response:
    return scim.get(f"/NoSuchEndpoint{token}", validate_body=False)


@when("a client creates a user with a body that is not JSON", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.request(
        "POST", "/Users", content=b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], '
    )


# -- authentication ------------------------------------------------------------------------------


@when("a client lists users without credentials", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.request(
        "GET", "/Users", params={"count": 1}, headers={"Authorization": ""}, validate_body=False
    )


@when("a client lists users with a wrong token", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.request(
        "GET", "/Users", params={"count": 1}, token=f"wrong-token-{uuid.uuid4().hex}", validate_body=False
    )


@then("the answer is a SCIM error body")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.12: errors are returned as an Error message with ``status`` as a string."""
    _, problems = body_violations(response)
    assert response.content, "the error has no body"
    assert not problems, f"the error body breaks the Error schema: {'; '.join(map(str, problems[:5]))}"
    assert body_of(response).get("status") == str(response.status_code), (
        "Error status differs from HTTP status"
    )


# -- media types and encoding --------------------------------------------------------------------


@when(parsers.parse("a client lists users asking for {media}"), target_fixture="response")
def _(scim: ScimClient, media: str) -> httpx.Response:
    return scim.get("/Users", params={"count": 1}, headers={"Accept": _MEDIA[media]})


@when(
    parsers.parse('a client creates a user "{label:Name}" sent as plain JSON', extra_types=TYPES),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str) -> httpx.Response:
    """RFC 7644 §3.8: the service provider SHOULD also accept ``application/json``."""
    return scim.post(
        "/Users", user_body(user_name(label, token)), headers={"Content-Type": "application/json"}
    )


@then("the response is JSON")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.8: ``application/json`` or ``application/scim+json``."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    assert media in _MEDIA.values(), f"Content-Type is {media!r}"
    body_of(response)


@then("the answer is encoded in UTF-8")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.8: UTF-8 is the default encoding of SCIM JSON (and the only one of RFC 8259 §8.1)."""
    params = response.headers.get("content-type", "").split(";")[1:]
    charset = next(
        (p.split("=", 1)[1].strip().strip('"').lower() for p in params if "charset" in p.lower()), None
    )
    assert charset in (None, "utf-8", "utf8"), f"the answer declares charset {charset!r}"
    response.content.decode("utf-8")


# -- transport and versions ----------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@given("the target is a deployed server")
def _(target: Target) -> None:
    if _loopback(urlsplit(target.base_url).hostname or ""):
        pytest.skip("the target runs on this machine; TLS is a requirement of deployed servers")


@then("its base URL uses https")
def _(target: Target) -> None:
    """RFC 7644 §7.1: "The service provider MUST support TLS 1.2"; the harness can only see that
    the target is reached over https, not which TLS versions it offers."""
    assert urlsplit(target.base_url).scheme == "https", (
        f"the target is reached over {target.base_url.split(':')[0]}"
    )


@given("the target's base URL names the protocol version", target_fixture="versioned_url")
def _(target: Target) -> str:
    parts = urlsplit(target.base_url)
    if not parts.path.rstrip("/").endswith("/v2"):
        pytest.skip("the target's base URL has no /v2 segment to change (RFC 7644 §3.13 makes it optional)")
    return target.base_url


@when("a client asks for a protocol version the target does not have", target_fixture="response")
def _(scim: ScimClient, versioned_url: str) -> httpx.Response:
    parts = urlsplit(versioned_url)
    path = parts.path.rstrip("/")[: -len("/v2")] + "/v99/Users"
    return scim.request("GET", "/Users", raw_url=urlunsplit(parts._replace(path=path)), validate_body=False)


@then("the request is not served")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.13 / Table 9: an unsupported version is rejected (``invalidVers`` when 400)."""
    assert 400 <= response.status_code < 500, f"a request for version 99 answered {response.status_code}"
    if response.status_code == 400:
        found: Any = body_of(response).get("scimType")
        assert found in (None, "invalidVers"), f"scimType {found!r}"


# -- /Me ----------------------------------------------------------------------------------------


@when("a client asks who it is authenticated as", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.get("/Me", validate_body=False)


@then("the server serves the authenticated subject or says /Me is not implemented")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.11: unsupported /Me SHOULD be 501; otherwise the SP MAY redirect with 308 (the
    Location being the subject's permanent URI) or serve the request directly."""
    status = response.status_code
    assert status in (200, 308, 501), f"/Me answered {status}, expected 200, 308 or 501"
    if status == 308:
        assert response.headers.get("location"), "a 308 for /Me has no Location"
    else:
        _, problems = body_violations(response)
        assert not problems, f"the /Me answer breaks its schema: {'; '.join(map(str, problems[:5]))}"
    if status == 200:
        assert value_at(body_of(response), "id"), "the /Me answer is not a resource"
