"""The users and groups scenarios stand on, and what every area checks about them.

Names are unique per scenario: a label such as ``"ana@example.com"`` becomes the userName
``ana.<token>@example.com`` and a group ``"Engineering"`` becomes ``Engineering <token>``, where
the token is drawn once per scenario (the ``token`` fixture). So the suite runs twice in a row,
or beside other runs on a shared staging server, and the same label written twice in a scenario
still names the same userName. Everything created here goes through the ``scim`` fixture, which
deletes it, by id, when the scenario ends.

State passes between steps through fixtures (``user``, ``other_user``, ``users``, ``group``,
``response``), never through a shared dictionary.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pytest_bdd import given, parsers, then

from steps._resources import (
    ENTERPRISE_URN,
    GROUP_URN,
    TYPES,
    USER_URN,
    FieldType,
    assert_same,
    attributes_from_table,
    create,
    create_users,
    ensure_id,
    group_body,
    group_name,
    member_of,
    quoted,
    read,
    same_text,
    user_body,
    user_name,
    value_at,
    values_of,
)
from steps.common import assert_status, body_of
from steps.wire import ScimClient

if TYPE_CHECKING:
    # Only the type: steps.projection is loaded as a plugin after this module (conftest.py).
    from steps.projection import Returned

_MISSING = object()


@pytest.fixture
def token() -> str:
    """This scenario's uniqueness token (lower-case hex)."""
    return uuid.uuid4().hex[:12]


@given(parsers.parse('a user "{label:Name}" exists', extra_types=TYPES), target_fixture="user")
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    return create(scim, "/Users", user_body(user_name(label, token)))


@given(parsers.parse('a user "{label:Name}" exists with:', extra_types=TYPES), target_fixture="user")
def _(scim: ScimClient, token: str, label: str, datatable: list[list[str]]) -> dict[str, Any]:
    """The table holds ``| attribute | value |`` rows."""
    return create(scim, "/Users", user_body(user_name(label, token), attributes_from_table(datatable)))


@given(parsers.parse('a user "{label:Name}" exists as:', extra_types=TYPES), target_fixture="user")
def _(scim: ScimClient, token: str, label: str, docstring: str) -> dict[str, Any]:
    """The docstring holds the user's attributes as JSON (no ``schemas`` or ``userName`` needed)."""
    return create(scim, "/Users", user_body(user_name(label, token), json.loads(docstring)))


@given(parsers.parse('another user "{label:Name}" exists', extra_types=TYPES), target_fixture="other_user")
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    return create(scim, "/Users", user_body(user_name(label, token)))


@given(parsers.parse("users {labels} exist"), target_fixture="users")
def _(scim: ScimClient, token: str, labels: str) -> dict[str, dict[str, Any]]:
    """``users "ana@example.com", "bo@example.com" and "carla@example.com" exist``."""
    return create_users(scim, quoted(labels), token)


@given(parsers.parse('a group "{label:Name}" exists', extra_types=TYPES), target_fixture="group")
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    return create(scim, "/Groups", group_body(group_name(label, token)))


@given(
    parsers.parse('a group "{label:Name}" exists with members {labels}', extra_types=TYPES),
    target_fixture="group",
)
def _(
    scim: ScimClient, token: str, users: dict[str, dict[str, Any]], label: str, labels: str
) -> dict[str, Any]:
    members = [member_of(users, m) for m in quoted(labels)]
    return create(scim, "/Groups", group_body(group_name(label, token), members))


@given("the target offers the enterprise user extension")
def _(resource_types: list[dict[str, Any]]) -> None:
    """RFC 7643 §6: a resource type lists the extensions it offers in ``schemaExtensions``."""
    for entry in resource_types:
        if str(entry.get("name", "")).lower() == "user":
            offered = [str(e.get("schema", "")) for e in entry.get("schemaExtensions") or []]
            if ENTERPRISE_URN in offered:
                return
    pytest.skip(f"the target's User resource type does not offer {ENTERPRISE_URN}")


# -- what a scenario checks about a user or group ------------------------------------------------


def _subject(request: pytest.FixtureRequest, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = request.getfixturevalue(kind)
    return found


@then(parsers.parse('the {kind:Kind}\'s {path} is "{value:Name}"', extra_types=TYPES))
def _(request: pytest.FixtureRequest, kind: str, path: str, value: str) -> None:
    found = value_at(_subject(request, kind), path)
    assert same_text(path, found, value), f"the {kind}'s {path} is {found!r}, expected {value!r}"


@then(
    parsers.parse(
        "the {kind:Kind}'s {path} is {literal:Literal}",
        extra_types={**TYPES, "Literal": FieldType(r"true|false|-?\d+")},
    )
)
def _(request: pytest.FixtureRequest, kind: str, path: str, literal: str) -> None:
    """RFC 7643 §2.3: booleans and integers are JSON literals, not strings."""
    expected = json.loads(literal)
    found = value_at(_subject(request, kind), path)
    assert found == expected and type(found) is type(expected), (
        f"the {kind}'s {path} is {found!r}, expected the JSON literal {literal}"
    )


@then(parsers.parse("the {kind:Kind} has no {path}", extra_types=TYPES))
def _(request: pytest.FixtureRequest, kind: str, path: str) -> None:
    """RFC 7643 §2.5: absent, ``null`` and ``[]`` all mean unassigned."""
    found = value_at(_subject(request, kind), path)
    assert found is None, f"the {kind}'s {path} is {found!r}, expected it unassigned"


@then(parsers.parse('the {kind:Kind}\'s {path} are "{values:Name}"', extra_types=TYPES))
def _(request: pytest.FixtureRequest, kind: str, path: str, values: str) -> None:
    """The values of a multi-valued attribute, in any order (RFC 7643 §2.4 gives them none)."""
    expected = sorted(v.strip().casefold() for v in values.split(",") if v.strip())
    found = sorted(str(v).casefold() for v in values_of(_subject(request, kind), path))
    assert found == expected, f"the {kind}'s {path} are {found}, expected {expected}"


@then(parsers.parse("the {kind:Kind}'s schemas name only its resource type's schemas", extra_types=TYPES))
def _(request: pytest.FixtureRequest, resource_types: list[dict[str, Any]], kind: str) -> None:
    """RFC 7643 §3: ``schemas`` is REQUIRED and holds the resource type's schema and extensions,
    each once."""
    schemas = [str(s) for s in _subject(request, kind).get("schemas") or []]
    entry = next((e for e in resource_types if str(e.get("name", "")).lower() == kind), {})
    core = str(entry.get("schema") or (USER_URN if kind == "user" else GROUP_URN))
    allowed = {core, *(str(e.get("schema")) for e in entry.get("schemaExtensions") or [])}
    assert core in schemas, f"schemas {schemas} lack {core}"
    assert len(set(schemas)) == len(schemas), f"schemas {schemas} repeat a URN"
    assert set(schemas) <= allowed, f"schemas {schemas} name more than {sorted(allowed)}"


@then(parsers.parse("the {kind:Kind} is unchanged", extra_types=TYPES))
def _(request: pytest.FixtureRequest, scim: ScimClient, kind: str) -> None:
    """What failed changed nothing: same attributes, same ``meta.lastModified`` and version."""
    before = _subject(request, kind)
    assert_same(before, read(scim, before))


@then(parsers.parse("the answer is the same {kind:Kind}", extra_types=TYPES))
def _(request: pytest.FixtureRequest, response: httpx.Response, kind: str) -> None:
    """A read returns the resource as it was created (RFC 7644 §3.4.1)."""
    assert_status(response, 200)
    assert_same(_subject(request, kind), body_of(response))


# -- what a scenario checks about an answer ------------------------------------------------------


@then(parsers.parse('the answer has "{path}"'))
def _(response: httpx.Response, path: str) -> None:
    assert value_at(body_of(response), path) is not None, f"the answer has no {path}: {response.text[:300]}"


@then(parsers.parse('the answer has no "{path}"'))
def _(response: httpx.Response, returned: Returned, path: str) -> None:
    """RFC 7644 §3.9: an attribute not asked for, or excluded, is left out — unless the target's
    ``/Schemas`` declares it ``returned: always`` (RFC 7643 §7; R-11)."""
    if returned.always(path):
        return
    found = value_at(body_of(response), path)
    assert found is None, f"the answer carries {path} = {found!r}"


@then("the answer has an id and a userName")
def _(response: httpx.Response) -> None:
    """For an answer that asked for ``userName``: ``id`` is ``returned: always`` (RFC 7643 §3.1),
    and ``userName``, ``returned: default``, comes back when named in ``attributes`` (§7)."""
    body = body_of(response)
    ensure_id(body)
    assert value_at(body, "userName"), f"the answer has no userName, though it was asked for: {body}"


@then("the answer still has the user's id and userName")
def _(response: httpx.Response, user: dict[str, Any]) -> None:
    """For an answer that asked for ``userName``: ``id`` is ``returned: always`` (RFC 7643 §3.1),
    ``userName`` was named in ``attributes`` (RFC 7643 §7 ``returned: default``)."""
    body = body_of(response)
    assert body.get("id") == user["id"], f"the answer's id is {body.get('id')!r}"
    assert same_text("userName", value_at(body, "userName"), user["userName"]), (
        f"the answer's userName is {body.get('userName')!r}"
    )


@then("the request is refused as invalid")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.12: 400 with an Error body; its ``scimType``, OPTIONAL, is then ``invalidValue``
    or ``invalidSyntax`` (Table 9: a value or a message the server cannot accept)."""
    assert_status(response, 400)
    body = body_of(response)
    assert body.get("status") == "400", f"Error status {body.get('status')!r} is not the string '400'"
    scim_type = body.get("scimType")
    assert scim_type in (None, "invalidValue", "invalidSyntax"), f"scimType {scim_type!r}"


@then(parsers.parse('the server refuses it with a SCIM error {status:d} of type "{first}" or "{second}"'))
def _(response: httpx.Response, status: int, first: str, second: str) -> None:
    """RFC 7644 §3.12 Table 9, where the RFC leaves two keywords open."""
    assert_status(response, status)
    body = body_of(response)
    assert body.get("status") == str(status), body
    assert body.get("scimType") in (first, second), f"scimType {body.get('scimType')!r}"


@then(parsers.parse('its error type, if given, is "{scim_type}"'))
def _(response: httpx.Response, scim_type: str) -> None:
    """RFC 7644 §3.12: ``scimType`` is OPTIONAL; when present it names the Table 9 keyword."""
    found = body_of(response).get("scimType", _MISSING)
    assert found in (_MISSING, scim_type), f"scimType {found!r}, expected {scim_type!r} or none"
