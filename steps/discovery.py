"""Steps for discovery (RFC 7644 §4; RFC 7643 §5–§7)."""

from __future__ import annotations

from typing import Any

import httpx
from pytest_bdd import parsers, then, when

from schemas import urns
from steps._vocabulary import phrase
from steps.common import assert_status, body_of
from steps.failures import Basis, check
from steps.wire import ScimClient


@when("a client reads the service provider configuration", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.get("/ServiceProviderConfig")


ENDPOINTS = {"resource types": "/ResourceTypes", "schemas": "/Schemas"}

# {endpoint:Endpoint} is a closed set, so "a client lists the schemas" never swallows longer texts.


@when(phrase("a client lists the {endpoint:Endpoint}"), target_fixture="response")
def _(scim: ScimClient, endpoint: str) -> httpx.Response:
    return scim.get(ENDPOINTS[endpoint])


@when(
    phrase("a client lists the {endpoint:Endpoint} with paging parameters"),
    target_fixture="response",
)
def _(scim: ScimClient, endpoint: str) -> httpx.Response:
    return scim.get(ENDPOINTS[endpoint], params={"startIndex": 2, "count": 1})


@when(
    phrase("a client filters the {endpoint:Endpoint}"),
    target_fixture="response",
)
def _(scim: ScimClient, endpoint: str) -> httpx.Response:
    return scim.get(ENDPOINTS[endpoint], params={"filter": 'name eq "User"'})


@then("it is a single service provider configuration, not a list")
def _(response: httpx.Response) -> None:
    """RFC 7644 §4: ``/ServiceProviderConfig`` returns one object with the SPC schema."""
    assert_status(response, 200, basis=Basis.rfc("D-01"))
    body = body_of(response)
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("D-01")}
    check(
        body.get("schemas") == [urns.SERVICE_PROVIDER_CONFIG],
        f"the service provider configuration's schemas are {body.get('schemas')!r}",
        expected=f'schemas ["{urns.SERVICE_PROVIDER_CONFIG}"]',
        **context,
    )
    check("Resources" not in body, "the service provider configuration came as a list", **context)


@then(parsers.parse("it states whether {features} are supported"))
def _(response: httpx.Response, features: str) -> None:
    """RFC 7643 §5: patch, bulk, filter, changePassword, sort and etag are REQUIRED."""
    body = body_of(response)
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("D-02")}
    for name in (f.strip() for f in features.replace(" and ", ",").split(",") if f.strip()):
        claim = body.get(name)
        check(
            isinstance(claim, dict),
            f"the service provider configuration does not say whether {name} is supported",
            expected=f'{name}: {{"supported": true or false, ...}}',
            **context,
        )
        assert isinstance(claim, dict)  # narrowed: check() raised otherwise
        check(
            isinstance(claim.get("supported"), bool),
            f"{name}.supported is {claim.get('supported')!r}, not a boolean",
            expected=f"{name}.supported true or false",
            **context,
        )
    check(
        body.get("authenticationSchemes"),
        "the service provider configuration lists no authenticationSchemes",
        expected="authenticationSchemes (REQUIRED)",
        **context,
    )


@then("it is a list response of every item")
def _(response: httpx.Response) -> None:
    """RFC 7644 §4: paging parameters "SHALL be ignored" on discovery endpoints."""
    body = body_of(response)
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("D-05")}
    check(
        body.get("schemas") == [urns.LIST_RESPONSE],
        f"the answer's schemas are {body.get('schemas')!r}, not a ListResponse's",
        expected=f'schemas ["{urns.LIST_RESPONSE}"]',
        basis=Basis.rfc("D-03", "D-04"),
        response=response,
    )
    held = len(body.get("Resources") or [])
    check(
        body.get("totalResults") == held,
        f"the list was paged: it holds {held} of totalResults {body.get('totalResults')}",
        expected="every item, the paging parameters ignored",
        **context,
    )


@then(parsers.parse('the resource types include "{names}"'))
def _(response: httpx.Response, names: str) -> None:
    """RFC 7643 §6: each resource type has a ``name``, an ``endpoint`` and a ``schema``."""
    found = {r.get("name"): r for r in body_of(response).get("Resources", []) if isinstance(r, dict)}
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("D-04")}
    for name in (n.strip() for n in names.split(",")):
        entry = found.get(name)
        check(entry, f"/ResourceTypes has no {name} (it has {sorted(map(str, found))})", **context)
        assert isinstance(entry, dict)  # narrowed: check() raised otherwise
        for key in ("name", "endpoint", "schema"):
            check(
                entry.get(key), f"the resource type {name} has no {key}", expected=f"{name}.{key}", **context
            )


@then("each declared resource type is served at its endpoint")
def _(response: httpx.Response, scim: ScimClient) -> None:
    """RFC 7643 §6 / D-07: a declared endpoint answers a list request."""
    for entry in body_of(response).get("Resources", []):
        listed = scim.get(entry["endpoint"], params={"count": 1})
        check(
            listed.status_code == 200,
            f"the resource type {entry.get('name')} is declared at {entry['endpoint']}, which answered "
            f"{listed.status_code} to a list request",
            response=listed,
            expected="200 with a ListResponse",
            basis=Basis.rfc("D-07"),
        )


@then(parsers.parse('the schemas include "{urn}"'))
def _(response: httpx.Response, urn: str) -> None:
    """RFC 7644 §4: ``/Schemas`` lists every schema the service provider supports."""
    ids = {s.get("id") for s in body_of(response).get("Resources", []) if isinstance(s, dict)}
    check(
        urn in ids,
        f"{urn} is not among the schemas /Schemas lists ({', '.join(sorted(map(str, ids)))})",
        response=response,
        expected=urn,
        basis=Basis.rfc("D-03"),
    )


@then("every attribute definition carries its characteristics")
def _(response: httpx.Response) -> None:
    """RFC 7643 §7: name, type, multiValued, required, caseExact, mutability, returned, uniqueness."""
    keys = ("name", "type", "multiValued", "required", "mutability", "returned")

    def walk(attributes: list[dict[str, Any]], where: str) -> None:
        for attribute in attributes:
            missing = [k for k in keys if k not in attribute]
            check(
                not missing,
                f"the attribute {where}{attribute.get('name')} does not state {', '.join(missing)}",
                response=response,
                expected=", ".join(keys),
                basis=Basis.rfc("D-06"),
            )
            walk(attribute.get("subAttributes") or [], f"{where}{attribute.get('name')}.")

    for schema in body_of(response).get("Resources", []):
        walk(schema.get("attributes") or [], f"{schema.get('id')}:")
