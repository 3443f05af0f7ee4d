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

from schemas import urns
from scim_client import Target
from steps._resources import user_body, user_name, value_at
from steps._vocabulary import phrase
from steps.common import body_of
from steps.failures import Basis, check, sent
from steps.wire import ScimClient, body_violations

_MEDIA = {"SCIM JSON": "application/scim+json", "plain JSON": "application/json"}


@when(
    phrase("a client reads a {kind:Kind} that does not exist"),
    target_fixture="response",
)
def _(scim: ScimClient, kind: str) -> httpx.Response:
    return scim.get(f"/{kind.capitalize()}s/{uuid.uuid4()}")


@when("a client requests an endpoint that does not exist", target_fixture="response")
def _(scim: ScimClient, token: str) -> httpx.Response:
    return scim.get(f"/NoSuchEndpoint{token}", validate_body=False)


@when("a client creates a user with a body that is not JSON", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.request("POST", "/Users", content=f'{{"schemas": ["{urns.USER}"], '.encode())


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
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("E-01")}
    error = f'an Error body: schemas ["{urns.ERROR}"], "status": "{response.status_code}"'
    check(response.content, f"the {response.status_code} answer has no body", expected=error, **context)
    check(
        not problems,
        f"the {response.status_code} answer's body is not a SCIM Error: " + "; ".join(map(str, problems[:5])),
        expected=error,
        **context,
    )
    status = body_of(response).get("status")
    check(
        status == str(response.status_code),
        f"the Error's status is {status!r}, not the HTTP status {response.status_code} as a string",
        expected=f'"status": "{response.status_code}"',
        **context,
    )


# -- media types and encoding --------------------------------------------------------------------


@when(parsers.parse("a client lists users asking for {media}"), target_fixture="response")
def _(scim: ScimClient, media: str) -> httpx.Response:
    return scim.get("/Users", params={"count": 1}, headers={"Accept": _MEDIA[media]})


@when(
    phrase('a client creates a user "{label:Q}" sent as plain JSON'),
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
    check(
        media in _MEDIA.values(),
        f"the answer's Content-Type is {media!r}",
        response=response,
        expected=" or ".join(_MEDIA.values()),
        basis=Basis.rfc("T-01"),
    )
    body_of(response)


@then("the answer is encoded in UTF-8")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.8: UTF-8 is the default encoding of SCIM JSON (and the only one of RFC 8259 §8.1)."""
    params = response.headers.get("content-type", "").split(";")[1:]
    charset = next(
        (p.split("=", 1)[1].strip().strip('"').lower() for p in params if "charset" in p.lower()), None
    )
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("T-01"), "expected": "UTF-8"}
    check(charset in (None, "utf-8", "utf8"), f"the answer declares the charset {charset!r}", **context)
    try:
        response.content.decode("utf-8")
    except UnicodeDecodeError as error:
        check(False, f"the answer is not valid UTF-8: {error.reason} at byte {error.start}", **context)


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
    scheme = urlsplit(target.base_url).scheme
    check(
        scheme == "https",
        f"the deployed target is reached over {scheme}, not https",
        expected="an https base URL",
        basis=Basis.rfc("T-02"),
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
    check(
        400 <= response.status_code < 500,
        f"{sent(response)}, a protocol version the target does not have, answered {response.status_code}",
        response=response,
        expected="a 4xx refusal (400 invalidVers, or 404)",
        basis=Basis.rfc("T-04"),
    )
    if response.status_code == 400:
        found: Any = body_of(response).get("scimType")
        check(
            found in (None, "invalidVers"),
            f"the 400 for an unsupported version has scimType {found!r}",
            response=response,
            expected="invalidVers, or no scimType",
            basis=Basis.rfc("T-04", "E-03"),
        )


# -- /Me ----------------------------------------------------------------------------------------


@when("a client asks who it is authenticated as", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.get("/Me", validate_body=False)


@then("the server serves the authenticated subject or says /Me is not implemented")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.11: unsupported /Me SHOULD be 501; otherwise the SP MAY redirect with 308 (the
    Location being the subject's permanent URI) or serve the request directly."""
    status = response.status_code
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("ME-01")}
    check(status in (200, 308, 501), f"/Me answered {status}", expected="200, 308 or 501", **context)
    if status == 308:
        check(
            response.headers.get("location"),
            "the 308 for /Me has no Location header",
            expected="Location: the authenticated subject's permanent URI",
            **context,
        )
    else:
        _, problems = body_violations(response)
        check(
            not problems,
            f"the {status} answer to /Me breaks its schema: " + "; ".join(map(str, problems[:5])),
            **context,
        )
    if status == 200:
        check(
            value_at(body_of(response), "id"),
            "the 200 answer to /Me is not a resource: it has no id",
            **context,
        )
