"""Steps for discovery (RFC 7644 §4; RFC 7643 §5–§7)."""

from __future__ import annotations

from typing import Any

import httpx
from pytest_bdd import parsers, then, when

from steps._resources import FieldType
from steps.common import body_of
from steps.wire import ScimClient

LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"


@when("a client reads the service provider configuration", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.get("/ServiceProviderConfig")


ENDPOINTS = {"resource types": "/ResourceTypes", "schemas": "/Schemas"}


# A closed set, so "a client lists the schemas" never swallows longer step texts.
_TYPES = {"Endpoint": FieldType(r"resource types|schemas")}


@when(parsers.parse("a client lists the {endpoint:Endpoint}", extra_types=_TYPES), target_fixture="response")
def _(scim: ScimClient, endpoint: str) -> httpx.Response:
    return scim.get(ENDPOINTS[endpoint])


@when(
    parsers.parse("a client lists the {endpoint:Endpoint} with paging parameters", extra_types=_TYPES),
    target_fixture="response",
)
def _(scim: ScimClient, endpoint: str) -> httpx.Response:
    return scim.get(ENDPOINTS[endpoint], params={"startIndex": 2, "count": 1})


@when(
    parsers.parse("a client filters the {endpoint:Endpoint}", extra_types=_TYPES),
    target_fixture="response",
)
def _(scim: ScimClient, endpoint: str) -> httpx.Response:
    return scim.get(ENDPOINTS[endpoint], params={"filter": 'name eq "User"'})


@then("it is a single service provider configuration, not a list")
def _(response: httpx.Response) -> None:
    """RFC 7644 §4: ``/ServiceProviderConfig`` returns one object with the SPC schema."""
    body = body_of(response)
    assert body.get("schemas") == [SPC], body.get("schemas")
    assert "Resources" not in body


@then(parsers.parse("it states whether {features} are supported"))
def _(response: httpx.Response, features: str) -> None:
    """RFC 7643 §5: patch, bulk, filter, changePassword, sort and etag are REQUIRED."""
    body = body_of(response)
    for name in (f.strip() for f in features.replace(" and ", ",").split(",") if f.strip()):
        claim = body.get(name)
        assert isinstance(claim, dict), f"{name} is missing"
        assert isinstance(claim.get("supported"), bool), f"{name}.supported is not a boolean"
    assert body.get("authenticationSchemes"), "authenticationSchemes is missing"


@then("it is a list response of every item")
def _(response: httpx.Response) -> None:
    """RFC 7644 §4: paging parameters are ignored on discovery endpoints."""
    body = body_of(response)
    assert body.get("schemas") == [LIST]
    assert body.get("totalResults") == len(body.get("Resources") or []), "the list was paged"


@then(parsers.parse('the resource types include "{names}"'))
def _(response: httpx.Response, names: str) -> None:
    found = {r.get("name"): r for r in body_of(response).get("Resources", [])}
    for name in names.split(","):
        entry = found.get(name.strip())
        assert entry, f"resource type {name} is missing"
        for key in ("name", "endpoint", "schema"):
            assert entry.get(key), f"{name}.{key} is missing (RFC 7643 §6)"


@then("each declared resource type is served at its endpoint")
def _(response: httpx.Response, scim: ScimClient) -> None:
    """RFC 7643 §6 / D-07: a declared endpoint answers a list request."""
    for entry in body_of(response).get("Resources", []):
        listed = scim.get(entry["endpoint"], params={"count": 1})
        assert listed.status_code == 200, f"{entry['endpoint']} answered {listed.status_code}"


@then(parsers.parse('the schemas include "{urn}"'))
def _(response: httpx.Response, urn: str) -> None:
    ids = {s.get("id") for s in body_of(response).get("Resources", [])}
    assert urn in ids, f"{urn} is not in /Schemas ({sorted(map(str, ids))})"


@then("every attribute definition carries its characteristics")
def _(response: httpx.Response) -> None:
    """RFC 7643 §7: name, type, multiValued, required, caseExact, mutability, returned, uniqueness."""
    keys = ("name", "type", "multiValued", "required", "mutability", "returned")

    def walk(attributes: list[dict[str, Any]], where: str) -> None:
        for attribute in attributes:
            missing = [k for k in keys if k not in attribute]
            assert not missing, f"{where}{attribute.get('name')} lacks {missing}"
            walk(attribute.get("subAttributes") or [], f"{where}{attribute.get('name')}.")

    for schema in body_of(response).get("Resources", []):
        walk(schema.get("attributes") or [], f"{schema.get('id')}:")
