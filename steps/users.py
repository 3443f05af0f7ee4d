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

from schemas import urns
from steps._resources import (
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
from steps._vocabulary import phrase
from steps.common import assert_status, body_of
from steps.failures import Basis, SuiteError, check, origin_of
from steps.target import Cleanup
from steps.wire import ScimClient

_CLIENT_ID = "chosen-by-the-client"
_CLIENT_CREATED = "2001-01-01T00:00:00Z"
_MANAGER_ID = f"{urns.ENTERPRISE_USER}:manager.value"


def sent_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of the request that ``response`` answers (one this module built)."""
    body = json.loads(response.request.content or b"{}")
    if not isinstance(body, dict):
        raise SuiteError("the request this step reads back was not a JSON object")
    return body


def lookup(scim: ScimClient, filter_: str) -> httpx.Response:
    return scim.get("/Users", params={"filter": filter_})


def _names(text: str) -> str:
    """``"a, b"`` as the comma-separated list the ``attributes`` parameter takes (RFC 7644 §3.9)."""
    return ",".join(n.strip() for n in text.split(",") if n.strip())


# -- create --------------------------------------------------------------------------------------


@when(phrase('a client creates a user "{label:Q}"'), target_fixture="response")
def _(scim: ScimClient, token: str, label: str) -> httpx.Response:
    return scim.post("/Users", user_body(user_name(label, token)))


@when(
    phrase('a client creates a user "{label:Q}" with:'),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str, datatable: list[list[str]]) -> httpx.Response:
    return scim.post("/Users", user_body(user_name(label, token), attributes_from_table(datatable)))


@when(phrase('a client creates a user "{label:Q}" as:'), target_fixture="response")
def _(scim: ScimClient, token: str, label: str, docstring: str) -> httpx.Response:
    return scim.post("/Users", user_body(user_name(label, token), json.loads(docstring)))


@when(
    phrase('a client creates a user "{label:Q}" asking only for "{names}", with:'),
    target_fixture="response",
)
def _(scim: ScimClient, token: str, label: str, names: str, datatable: list[list[str]]) -> httpx.Response:
    """RFC 7644 §3.9: ``attributes`` applies to the resource a POST returns."""
    body = user_body(user_name(label, token), attributes_from_table(datatable))
    return scim.post("/Users", body, params={"attributes": _names(names)})


@when(
    phrase('a client creates a user "{label:Q}" reporting to the other user, with:'),
    target_fixture="response",
)
def _(
    scim: ScimClient, token: str, other_user: dict[str, Any], label: str, datatable: list[list[str]]
) -> httpx.Response:
    """RFC 7643 §4.3: the enterprise ``manager.value`` is the manager's SCIM id."""
    attributes = attributes_from_table(datatable)
    set_path(
        attributes,
        _MANAGER_ID,
        other_user["id"],
    )
    return scim.post("/Users", user_body(user_name(label, token), attributes))


@when(
    phrase('a client creates a user "{label:Q}" with an id and metadata of its own'),
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
    return scim.post("/Users", {"schemas": [urns.USER], "displayName": "No Name"})


@when("a client creates a user with an empty userName", target_fixture="response")
def _(scim: ScimClient) -> httpx.Response:
    return scim.post("/Users", user_body(""))


@then("the user is created", target_fixture="user")
def _(response: httpx.Response) -> dict[str, Any]:
    """RFC 7644 §3.3: 201 and "the service provider's representation of the newly created resource"."""
    assert_status(response, 201, basis=Basis.rfc("C-01"))
    body = body_of(response)
    ensure_id(body, response)
    name = sent_body(response)["userName"]
    check(
        same_text("userName", body.get("userName"), name),
        f"the created user's userName is {body.get('userName')!r}, though {name!r} was sent",
        response=response,
        expected=f"userName {name!r} (in any case: it is not case-exact)",
        basis=Basis.rfc("C-01", "R-12"),
    )
    return body


@then("the response says where the user lives")
def _(response: httpx.Response, user: dict[str, Any]) -> None:
    """RFC 7644 §3.3: "The URI of the created resource SHALL include, in the HTTP "Location" header
    and the HTTP body ... the attribute "meta.location"" — and both are the same URI."""
    location = response.headers.get("location")
    meta_location = value_at(user, "meta.location")
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("C-01")}
    where = f"the user's URI, ending in /Users/{user['id']}, in both the Location header and meta.location"
    check(location, "the 201 has no Location header", expected=where, **context)
    assert isinstance(location, str)  # narrowed: check() raised otherwise
    check(
        meta_location == location,
        f"meta.location {meta_location!r} differs from the Location header {location!r}",
        expected=where,
        **context,
    )
    check(
        location.rstrip("/").endswith(f"/Users/{user['id']}"),
        f"the Location header {location!r} is not the new user's URI",
        expected=where,
        **context,
    )


@then(parsers.parse('the user\'s metadata says it is a new "{resource_type}"'))
def _(user: dict[str, Any], resource_type: str) -> None:
    """RFC 7643 §3.1: ``meta.resourceType``; ``created`` and ``lastModified`` are dateTimes, and
    "If this resource has never been modified since its initial creation, the value MUST be the
    same as the value of "created"."""
    meta = user.get("meta") or {}
    context: dict[str, Any] = {"response": origin_of(user), "basis": Basis.rfc("R-04")}
    check(
        meta.get("resourceType") == resource_type,
        f"the new user's meta.resourceType is {meta.get('resourceType')!r}",
        expected=repr(resource_type),
        **context,
    )
    check(
        is_datetime(meta.get("created")),
        f"the new user's meta.created {meta.get('created')!r} is not a dateTime",
        expected="an xsd:dateTime with a time zone (RFC 7643 §2.3.5)",
        **context,
    )
    check(
        meta.get("lastModified") == meta.get("created"),
        f"the new user's meta.lastModified {meta.get('lastModified')!r} differs from meta.created "
        f"{meta.get('created')!r}",
        expected="lastModified equal to created until the first change",
        **context,
    )


@then("the user's id is the server's, not the one sent")
def _(user: dict[str, Any]) -> None:
    """RFC 7643 §3.1: the id "is always issued by the service provider and MUST NOT be specified
    by the client"; RFC 7644 §3.3 leaves the client's value to be ignored."""
    check(
        user["id"] != _CLIENT_ID,
        f"the server kept the id the client chose ({_CLIENT_ID!r})",
        response=origin_of(user),
        expected="an id issued by the server",
        basis=Basis.rfc("R-02"),
    )


@then("the user's metadata was set by the server")
def _(user: dict[str, Any]) -> None:
    """RFC 7643 §3.1: ``meta`` is readOnly, so the client's ``meta`` is ignored."""
    meta = user.get("meta") or {}
    context: dict[str, Any] = {"response": origin_of(user), "basis": Basis.rfc("R-04", "C-03")}
    check(
        meta.get("resourceType") == "User",
        f"the user's meta.resourceType is {meta.get('resourceType')!r}: the client's meta was kept",
        expected='"User": meta is readOnly, what the client sent is ignored',
        **context,
    )
    check(
        meta.get("created") != _CLIENT_CREATED,
        f"the server kept the creation time the client sent ({_CLIENT_CREATED})",
        expected="meta.created set by the server: meta is readOnly",
        **context,
    )


@then(parsers.parse("the user's {path} is a timestamp"))
def _(user: dict[str, Any], path: str) -> None:
    """RFC 7643 §2.3.5: a dateTime is an xsd:dateTime."""
    check(
        is_datetime(value_at(user, path)),
        f"the user's {path} is {value_at(user, path)!r}, not an xsd:dateTime",
        response=origin_of(user),
        expected="an xsd:dateTime with a time zone",
        basis=Basis.rfc("R-07"),
    )


@then("the user's manager is the other user")
def _(user: dict[str, Any], other_user: dict[str, Any]) -> None:
    """RFC 7643 §4.3: ``manager.value`` is "The id of the SCIM resource representing the User's manager"."""
    found = value_at(user, _MANAGER_ID)
    check(
        found == other_user["id"],
        f"the user's manager.value is {found!r}, not the other user's id {other_user['id']!r}",
        response=origin_of(user),
        expected="manager.value: the manager's SCIM id",
        basis=Basis.rfc("R-15"),
    )


@then(parsers.parse('the user\'s schemas include "{urn}"'))
def _(user: dict[str, Any], urn: str) -> None:
    """RFC 7643 §3: ``schemas`` names the core schema and every extension the resource uses."""
    check(
        urn in (user.get("schemas") or []),
        f"the user's schemas are {user.get('schemas')}, without {urn}",
        response=origin_of(user),
        expected=f"{urn} among the schemas",
        basis=Basis.rfc("R-01"),
    )


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
        location = value_at(body_of(response), "meta.location")
        check(
            location == header,
            f"the Content-Location header {header!r} differs from meta.location {location!r}",
            response=response,
            expected="the same URI in both",
            basis=Basis.rfc("R-04"),
        )


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
    return scim.put(f"/Users/{user['id']}", {"schemas": [urns.USER], "title": "No Name"})


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
    assert_status(response, 200, basis=Basis.rfc("P-03"))
    body = body_of(response)
    check(
        body.get("id") == user["id"],
        f"the replacement changed the user's id from {user['id']!r} to {body.get('id')!r}",
        response=response,
        expected="the same id: it is readOnly",
        basis=Basis.rfc("R-02", "P-02"),
    )
    created = value_at(user, "meta.created")
    if created is not None:
        check(
            value_at(body, "meta.created") == created,
            f"the replacement changed meta.created from {created!r} to {value_at(body, 'meta.created')!r}",
            response=response,
            expected="the same meta.created: meta is readOnly",
            basis=Basis.rfc("R-04", "P-02"),
        )
    return body


@then("the user's title is either cleared or kept")
def _(user: dict[str, Any]) -> None:
    """RFC 7644 §3.5.1: omitted readWrite attributes "MAY be assumed to be not asserted" and the
    service provider may clear or default them; either outcome passes, nothing else does."""
    check(
        value_at(user, "title") in (None, "Engineer"),
        f"the user's title became {user.get('title')!r} though the replacement did not send it",
        response=origin_of(user),
        expected="the title cleared, or kept as 'Engineer'",
        basis=Basis.rfc("P-02"),
    )


@then("no user was created by it")
def _(scim: ScimClient, response: httpx.Response) -> None:
    """RFC 7644 §3.5.1: PUT "MUST NOT be used to create new resources"."""
    answer = lookup(scim, f'userName eq "{sent_body(response)["userName"]}"')
    listed = body_of(answer)
    check(
        listed.get("totalResults") == 0,
        "the PUT to an unknown id created a user: the userName it sent is found "
        f"{listed.get('totalResults')} time(s)",
        response=answer,
        expected="nobody with that userName",
        basis=Basis.rfc("P-01"),
    )


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
    assert_status(scim.get(f"/Users/{user['id']}"), 404, basis=Basis.rfc("X-01"))


@then("the user is no longer found by userName")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    """RFC 7644 §3.6: the deleted resource "SHALL be omitted from future query results"."""
    answer = lookup(scim, f'userName eq "{user["userName"]}"')
    listed = body_of(answer)
    check(
        listed.get("totalResults") == 0,
        f"the deleted user is still found by its userName (totalResults {listed.get('totalResults')})",
        response=answer,
        expected="totalResults 0",
        basis=Basis.rfc("X-01"),
    )


@then("replacing and deleting the user again are each answered 404")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    """RFC 7644 §3.6: 404 "for all operations associated with the previously deleted resource"."""
    assert_status(scim.put(f"/Users/{user['id']}", user_body(user["userName"])), 404, basis=Basis.rfc("X-01"))
    assert_status(scim.delete(f"/Users/{user['id']}"), 404, basis=Basis.rfc("X-01"))


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
    assert_status(response, 200, basis=Basis.rfc("Q-01"))
    body = body_of(response)
    found = [r.get("id") for r in body.get("Resources") or [] if isinstance(r, dict)]
    check(
        body.get("totalResults") == 1 and found == [user["id"]],
        f"the lookup found {found or 'nobody'} (totalResults {body.get('totalResults')})",
        response=response,
        expected=f"exactly the user {user['id']}, totalResults 1",
    )


@then("nobody is found")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.4.2: no match is 200 with ``totalResults`` 0."""
    assert_status(response, 200, basis=Basis.rfc("Q-02"))
    body = body_of(response)
    found = [r.get("id") for r in body.get("Resources") or [] if isinstance(r, dict)]
    check(
        body.get("totalResults") == 0 and not found,
        f"the lookup found {found or 'no resource'} (totalResults {body.get('totalResults')})",
        response=response,
        expected="nobody: totalResults 0",
    )


@given(phrase('a user "{label:Q}" exists with an externalId'), target_fixture="user")
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    """RFC 7643 §3.1: externalId is issued by the client; letters in it make its case matter."""
    return create(scim, "/Users", user_body(user_name(label, token), {"externalId": f"Ext-{token}-ANA"}))
