"""Steps for users: create, read, replace, delete and look up (RFC 7644 §3.3–§3.6; RFC 7643 §3, §4.1).

The ``When`` steps send one request and return it as ``response``; ``Then the user is created``
and ``Then the user is replaced`` turn a successful answer into the ``user`` the rest of the
scenario checks.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from pytest_bdd import given, parsers, then, when

from steps._resources import (
    TYPES,
    USER_URN,
    attributes_from_table,
    create,
    ensure_id,
    is_datetime,
    same_text,
    set_path,
    user_body,
    user_name,
    value_at,
)
from steps.common import assert_status, body_of
from steps.target import Cleanup
from steps.wire import ScimClient

_CLIENT_ID = "chosen-by-the-client"
_CLIENT_CREATED = "2001-01-01T00:00:00Z"


def sent(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of the request that ``response`` answers."""
    body = json.loads(response.request.content or b"{}")
    assert isinstance(body, dict)
    return body


def lookup(scim: ScimClient, filter_: str) -> httpx.Response:
    return scim.get("/Users", params={"filter": filter_})


def _names(text: str) -> str:
    """``"a, b"`` as the comma-separated list the ``attributes`` parameter takes (RFC 7644 §3.9)."""
    return ",".join(n.strip() for n in text.split(",") if n.strip())


# -- create --------------------------------------------------------------------------------------


@when(parsers.parse('a client creates a user "{label:Name}"', extra_types=TYPES), target_fixture="response")
def _(scim: ScimClient, token: str, label: str) -> httpx.Response:
    return scim.post("/Users", user_body(user_name(label, token)))


@when(
    parsers.parse('a client creates a user "{label:Name}" with:', extra_types=TYPES),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str, datatable: list[list[str]]) -> httpx.Response:
    return scim.post("/Users", user_body(user_name(label, token), attributes_from_table(datatable)))


@when(
    parsers.parse('a client creates a user "{label:Name}" as:', extra_types=TYPES), target_fixture="response"
)
def _(scim: ScimClient, token: str, label: str, docstring: str) -> httpx.Response:
    return scim.post("/Users", user_body(user_name(label, token), json.loads(docstring)))


@when(
    parsers.parse(
        'a client creates a user "{label:Name}" asking only for "{names}", with:', extra_types=TYPES
    ),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str, names: str, datatable: list[list[str]]) -> httpx.Response:
    """RFC 7644 §3.9: ``attributes`` applies to the resource a POST returns."""
    body = user_body(user_name(label, token), attributes_from_table(datatable))
    return scim.post("/Users", body, params={"attributes": _names(names)})


@when(
    parsers.parse(
        'a client creates a user "{label:Name}" reporting to the other user, with:', extra_types=TYPES
    ),
    target_fixture="response",
)
def _(
    scim: ScimClient, token: str, other_user: dict[str, Any], label: str, datatable: list[list[str]]
) -> httpx.Response:
    """RFC 7643 §4.3: the enterprise ``manager.value`` is the manager's SCIM id."""
    attributes = attributes_from_table(datatable)
    set_path(
        attributes,
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        other_user["id"],
    )
    return scim.post("/Users", user_body(user_name(label, token), attributes))


@when(
    parsers.parse(
        'a client creates a user "{label:Name}" with an id and metadata of its own', extra_types=TYPES
    ),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str) -> httpx.Response:
    body = user_body(user_name(label, token))
    body["id"] = _CLIENT_ID
    body["meta"] = {"resourceType": "Group", "created": _CLIENT_CREATED, "lastModified": _CLIENT_CREATED}
    return scim.post("/Users", body)


@when("a client creates another user with the same userName", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return scim.post("/Users", user_body(user["userName"]))


@when("a client creates another user with the same userName in upper case", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return scim.post("/Users", user_body(user["userName"].upper()))


@when("a client creates a new user with the deleted user's userName", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return scim.post("/Users", user_body(user["userName"]))


@when("a client creates a user without a userName", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.post("/Users", {"schemas": [USER_URN], "displayName": "No Name"})


@when("a client creates a user with an empty userName", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.post("/Users", user_body(""))


@then("the user is created", target_fixture="user")
def _(response: httpx.Response) -> dict[str, Any]:
    """RFC 7644 §3.3: 201 and "the service provider's representation of the newly created resource"."""
    assert_status(response, 201)
    body = body_of(response)
    ensure_id(body)
    assert same_text("userName", body.get("userName"), sent(response)["userName"]), (
        f"userName {body.get('userName')!r}, sent {sent(response)['userName']!r}"
    )
    return body


@then("the response says where the user lives")
def _(response: httpx.Response, user: dict[str, Any]) -> None:
    """RFC 7644 §3.3: "The URI of the created resource SHALL include, in the HTTP "Location" header
    and the HTTP body ... the attribute "meta.location"" — and both are the same URI."""
    location = response.headers.get("location")
    meta_location = value_at(user, "meta.location")
    assert location, "the answer has no Location header"
    assert meta_location == location, f"meta.location {meta_location!r} differs from Location {location!r}"
    assert location.rstrip("/").endswith(f"/Users/{user['id']}"), f"Location {location!r} is not this user"


@then(parsers.parse('the user\'s metadata says it is a new "{resource_type}"'))
def _(user: dict[str, Any], resource_type: str) -> None:
    """RFC 7643 §3.1: ``meta.resourceType``; ``created`` and ``lastModified`` are dateTimes, and
    "If this resource has never been modified since its initial creation, the value MUST be the
    same as the value of "created"."""
    meta = user.get("meta") or {}
    assert meta.get("resourceType") == resource_type, f"meta.resourceType is {meta.get('resourceType')!r}"
    assert is_datetime(meta.get("created")), f"meta.created {meta.get('created')!r} is not a dateTime"
    assert meta.get("lastModified") == meta.get("created"), (
        f"meta.lastModified {meta.get('lastModified')!r} differs from created {meta.get('created')!r}"
    )


@then("the user's id is the server's, not the one sent")
def _(user: dict[str, Any]) -> None:
    """RFC 7643 §3.1: the id "is always issued by the service provider and MUST NOT be specified
    by the client"; RFC 7644 §3.3 leaves the client's value to be ignored."""
    assert user["id"] != _CLIENT_ID, "the server kept the id the client chose"


@then("the user's metadata was set by the server")
def _(user: dict[str, Any]) -> None:
    """RFC 7643 §3.1: ``meta`` is readOnly, so the client's ``meta`` is ignored."""
    meta = user.get("meta") or {}
    assert meta.get("resourceType") == "User", f"meta.resourceType is {meta.get('resourceType')!r}"
    assert meta.get("created") != _CLIENT_CREATED, "the server kept the creation time the client sent"


@then(parsers.parse("the user's {path} is a timestamp"))
def _(user: dict[str, Any], path: str) -> None:
    """RFC 7643 §2.3.5: a dateTime is an xsd:dateTime."""
    assert is_datetime(value_at(user, path)), f"{path} is {value_at(user, path)!r}, not an xsd:dateTime"


@then("the user's manager is the other user")
def _(user: dict[str, Any], other_user: dict[str, Any]) -> None:
    """RFC 7643 §4.3: ``manager.value`` is "The id of the SCIM resource representing the User's manager"."""
    found = value_at(user, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value")
    assert found == other_user["id"], f"manager.value is {found!r}, expected {other_user['id']!r}"


@then(parsers.parse('the user\'s schemas include "{urn}"'))
def _(user: dict[str, Any], urn: str) -> None:
    """RFC 7643 §3: ``schemas`` names the core schema and every extension the resource uses."""
    assert urn in (user.get("schemas") or []), f"schemas are {user.get('schemas')}"


# -- read ----------------------------------------------------------------------------------------


@when("a client reads the user", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return scim.get(f"/Users/{user['id']}")


@when(parsers.parse('a client reads the user asking only for "{names}"'), target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], names: str) -> httpx.Response:
    return scim.get(f"/Users/{user['id']}", params={"attributes": _names(names)})


@when(parsers.parse('a client reads the user excluding "{names}"'), target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], names: str) -> httpx.Response:
    return scim.get(f"/Users/{user['id']}", params={"excludedAttributes": _names(names)})


@then("the answer's Content-Location, if sent, is the user's location")
def _(response: httpx.Response) -> None:
    """RFC 7643 §3.1: ``meta.location`` "MUST be the same as the "Content-Location" HTTP response
    header"; a server that sends no such header has nothing to contradict."""
    header = response.headers.get("content-location")
    if header is not None:
        assert value_at(body_of(response), "meta.location") == header, f"Content-Location {header!r}"


# -- replace -------------------------------------------------------------------------------------


def _replacement(user: dict[str, Any], datatable: list[list[str]] | None = None) -> dict[str, Any]:
    return user_body(user["userName"], attributes_from_table(datatable or []))


@when("a client replaces the user with:", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], datatable: list[list[str]]) -> httpx.Response:
    return scim.put(f"/Users/{user['id']}", _replacement(user, datatable))


@when(parsers.parse('a client replaces the user asking only for "{names}", with:'), target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], names: str, datatable: list[list[str]]) -> httpx.Response:
    """RFC 7644 §3.9: ``attributes`` applies to the resource a PUT returns."""
    return scim.put(
        f"/Users/{user['id']}", _replacement(user, datatable), params={"attributes": _names(names)}
    )


@when("a client replaces the user, sending another id and metadata", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    body = _replacement(user)
    body["id"] = _CLIENT_ID
    body["meta"] = {"resourceType": "Group", "created": _CLIENT_CREATED}
    return scim.put(f"/Users/{user['id']}", body)


@when("a client replaces the user, giving it the other user's userName", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], other_user: dict[str, Any]) -> httpx.Response:
    return scim.put(f"/Users/{user['id']}", user_body(other_user["userName"]))


@when("a client replaces the user without a userName", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return scim.put(f"/Users/{user['id']}", {"schemas": [USER_URN], "title": "No Name"})


@when("a client replaces the user without its title", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    body = {k: v for k, v in user.items() if k.lower() not in ("title", "meta", "id", "groups")}
    return scim.put(f"/Users/{user['id']}", body)


@when("a client replaces a user that does not exist", target_fixture="response")
def _(scim: ScimClient, cleanup: Cleanup, token: str) -> httpx.Response:
    response = scim.put(f"/Users/{uuid.uuid4()}", user_body(user_name("nobody@example.com", token)))
    if response.is_success:
        # A target that wrongly creates the user here must not keep it after the scenario.
        created = body_of(response).get("id")
        if isinstance(created, str):
            cleanup.add("/Users", created)
    return response


@then("the user is replaced", target_fixture="user")
def _(response: httpx.Response, user: dict[str, Any]) -> dict[str, Any]:
    """RFC 7644 §3.5.1: 200 with the resource; ``id`` and ``meta.created`` are readOnly and stay."""
    assert_status(response, 200)
    body = body_of(response)
    assert body.get("id") == user["id"], f"the id changed from {user['id']!r} to {body.get('id')!r}"
    created = value_at(user, "meta.created")
    if created is not None:
        assert value_at(body, "meta.created") == created, "meta.created changed on a replace"
    return body


@then("the user's title is either cleared or kept")
def _(user: dict[str, Any]) -> None:
    """RFC 7644 §3.5.1: omitted readWrite attributes "MAY be assumed to be not asserted" and the
    service provider may clear or default them; either outcome passes, nothing else does."""
    assert value_at(user, "title") in (None, "Engineer"), f"title became {user.get('title')!r}"


@then("no user was created by it")
def _(scim: ScimClient, response: httpx.Response) -> None:
    """RFC 7644 §3.5.1: PUT "MUST NOT be used to create new resources"."""
    listed = body_of(lookup(scim, f'userName eq "{sent(response)["userName"]}"'))
    assert listed.get("totalResults") == 0, f"the PUT created a user: {listed}"


# -- delete --------------------------------------------------------------------------------------


@when("a client deletes the user", target_fixture="response")
def _(scim: ScimClient, cleanup: Cleanup, user: dict[str, Any]) -> httpx.Response:
    response = scim.delete(f"/Users/{user['id']}")
    if response.status_code == 204:
        cleanup.forget("/Users", user["id"])
    return response


@then("the user can no longer be read")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    """RFC 7644 §3.6: "the service provider MUST return a 404 (Not Found) error for all operations
    associated with the previously deleted resource"."""
    assert_status(scim.get(f"/Users/{user['id']}"), 404)


@then("the user is no longer found by userName")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    """RFC 7644 §3.6: the deleted resource "SHALL be omitted from future query results"."""
    listed = body_of(lookup(scim, f'userName eq "{user["userName"]}"'))
    assert listed.get("totalResults") == 0, f"the deleted user is still listed: {listed}"


@then("replacing and deleting the user again are each answered 404")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    """RFC 7644 §3.6: 404 "for all operations associated with the previously deleted resource"."""
    assert_status(scim.put(f"/Users/{user['id']}", user_body(user["userName"])), 404)
    assert_status(scim.delete(f"/Users/{user['id']}"), 404)


# -- look up -------------------------------------------------------------------------------------


@when("a client looks the user up by userName", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return lookup(scim, f'userName eq "{user["userName"]}"')


@when("a client looks the user up by userName in upper case", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return lookup(scim, f'userName eq "{user["userName"].upper()}"')


@when("a client looks the user up by externalId", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return lookup(scim, f'externalId eq "{user["externalId"]}"')


@when("a client looks the user up by externalId in lower case", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any]) -> httpx.Response:
    return lookup(scim, f'externalId eq "{user["externalId"].lower()}"')


@then("exactly that user is found")
def _(response: httpx.Response, user: dict[str, Any]) -> None:
    """RFC 7644 §3.4.2: a ListResponse whose one resource is the user."""
    assert_status(response, 200)
    body = body_of(response)
    found = [r.get("id") for r in body.get("Resources") or []]
    assert body.get("totalResults") == 1 and found == [user["id"]], (
        f"found {found} (totalResults {body.get('totalResults')}), expected only {user['id']}"
    )


@then("nobody is found")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.4.2: no match is 200 with ``totalResults`` 0."""
    assert_status(response, 200)
    body = body_of(response)
    assert body.get("totalResults") == 0 and not body.get("Resources"), f"found {body}"


@given(
    parsers.parse('a user "{label:Name}" exists with an externalId', extra_types=TYPES), target_fixture="user"
)
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    """RFC 7643 §3.1: externalId is issued by the client; letters in it make its case matter."""
    return create(scim, "/Users", user_body(user_name(label, token), {"externalId": f"Ext-{token}-ANA"}))
