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

from schemas import urns
from steps._resources import (
    assert_same,
    attributes_from_table,
    create,
    create_users,
    ensure_id,
    group_body,
    group_name,
    member_of,
    read,
    same_text,
    user_body,
    user_name,
    value_at,
    values_of,
)
from steps._vocabulary import phrase, quoted
from steps.common import assert_status, body_of
from steps.failures import Basis, check, origin_of
from steps.wire import ScimClient

if TYPE_CHECKING:
    # Only the type: steps.projection is loaded as a plugin after this module (conftest.py).
    from steps.projection import Returned

_MISSING = object()


@pytest.fixture
def token() -> str:
    """This scenario's uniqueness token (lower-case hex)."""
    return uuid.uuid4().hex[:12]


@given(phrase('a user "{label:Q}" exists'), target_fixture="user")
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    return create(scim, "/Users", user_body(user_name(label, token)))


@given(phrase('a user "{label:Q}" exists with:'), target_fixture="user")
def _(scim: ScimClient, token: str, label: str, datatable: list[list[str]]) -> dict[str, Any]:
    """The table holds ``| attribute | value |`` rows."""
    return create(scim, "/Users", user_body(user_name(label, token), attributes_from_table(datatable)))


@given(phrase('a user "{label:Q}" exists as:'), target_fixture="user")
def _(scim: ScimClient, token: str, label: str, docstring: str) -> dict[str, Any]:
    """The docstring holds the user's attributes as JSON (no ``schemas`` or ``userName`` needed)."""
    return create(scim, "/Users", user_body(user_name(label, token), json.loads(docstring)))


@given(phrase('another user "{label:Q}" exists'), target_fixture="other_user")
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    return create(scim, "/Users", user_body(user_name(label, token)))


@given(parsers.parse("users {labels} exist"), target_fixture="users")
def _(scim: ScimClient, token: str, labels: str) -> dict[str, dict[str, Any]]:
    """``users "ana@example.com", "bo@example.com" and "carla@example.com" exist``."""
    return create_users(scim, quoted(labels), token)


@given(phrase('a group "{label:Q}" exists'), target_fixture="group")
def _(scim: ScimClient, token: str, label: str) -> dict[str, Any]:
    return create(scim, "/Groups", group_body(group_name(label, token)))


@given(
    phrase('a group "{label:Q}" exists with members {labels}'),
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
            if urns.ENTERPRISE_USER in offered:
                return
    pytest.skip(f"the target's User resource type does not offer {urns.ENTERPRISE_USER}")


# -- what a scenario checks about a user or group ------------------------------------------------
# The subject is the user or group as the scenario last read it; a failure shows the answer it
# was read from, and cites the scenario's own tags (these steps serve many requirements).


def _subject(request: pytest.FixtureRequest, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = request.getfixturevalue(kind)
    return found


@then(phrase('the {kind:Kind}\'s {path} is "{value:Q}"'))
def _(request: pytest.FixtureRequest, kind: str, path: str, value: str) -> None:
    """RFC 7643 §2.2: a value that is not case-exact may come back in another case."""
    subject = _subject(request, kind)
    found = value_at(subject, path)
    check(
        same_text(path, found, value),
        f"the {kind}'s {path} is {found!r}, expected {value!r}",
        response=origin_of(subject),
        expected=f"{path} {value!r}",
    )


@then(phrase("the {kind:Kind}'s {path} is {literal:Literal}"))
def _(request: pytest.FixtureRequest, kind: str, path: str, literal: str) -> None:
    """RFC 7643 §2.3: booleans and integers are JSON literals, not strings."""
    expected = json.loads(literal)
    subject = _subject(request, kind)
    found = value_at(subject, path)
    check(
        found == expected and type(found) is type(expected),
        f"the {kind}'s {path} is {json.dumps(found)}, expected the JSON literal {literal}",
        response=origin_of(subject),
        expected=f"{path}: {literal} (a JSON {type(expected).__name__.replace('bool', 'boolean')})",
    )


@then(phrase("the {kind:Kind} has no {path}"))
def _(request: pytest.FixtureRequest, kind: str, path: str) -> None:
    """RFC 7643 §2.5: absent, ``null`` and ``[]`` all mean unassigned."""
    subject = _subject(request, kind)
    found = value_at(subject, path)
    check(
        found is None,
        f"the {kind}'s {path} is {found!r}, expected it unassigned",
        response=origin_of(subject),
        expected=f"no {path} (absent, null or [])",
    )


@then(phrase('the {kind:Kind}\'s {path} are "{values:Q}"'))
def _(request: pytest.FixtureRequest, kind: str, path: str, values: str) -> None:
    """The values of a multi-valued attribute, in any order (RFC 7643 §2.4 gives them none)."""
    subject = _subject(request, kind)
    expected = sorted(v.strip().casefold() for v in values.split(",") if v.strip())
    found = sorted(str(v).casefold() for v in values_of(subject, path))
    check(
        found == expected,
        f"the {kind}'s {path} are {found}, expected {expected}",
        response=origin_of(subject),
        expected=f"{path}: {', '.join(expected)} (in any order)",
    )


@then(phrase("the {kind:Kind}'s schemas name only its resource type's schemas"))
def _(request: pytest.FixtureRequest, resource_types: list[dict[str, Any]], kind: str) -> None:
    """RFC 7643 §3: ``schemas`` is REQUIRED and holds the resource type's schema and extensions,
    each once."""
    subject = _subject(request, kind)
    schemas = [str(s) for s in subject.get("schemas") or []]
    entry = next((e for e in resource_types if str(e.get("name", "")).lower() == kind), {})
    core = str(entry.get("schema") or (urns.USER if kind == "user" else urns.GROUP))
    allowed = {core, *(str(e.get("schema")) for e in entry.get("schemaExtensions") or [])}
    context: dict[str, Any] = {"response": origin_of(subject), "basis": Basis.rfc("R-01")}
    context["expected"] = f"{core} and, when used, the extensions /ResourceTypes lists, each once"
    check(core in schemas, f"the {kind}'s schemas {schemas} lack its core schema {core}", **context)
    check(len(set(schemas)) == len(schemas), f"the {kind}'s schemas {schemas} repeat a URN", **context)
    extra = sorted(set(schemas) - allowed)
    check(not extra, f"the {kind}'s schemas name {extra}, which its resource type does not list", **context)


@then(phrase("the {kind:Kind} is unchanged"))
def _(request: pytest.FixtureRequest, scim: ScimClient, kind: str) -> None:
    """What failed changed nothing: same attributes, same ``meta.lastModified`` and version."""
    before = _subject(request, kind)
    now = read(scim, before)
    assert_same(before, now, response=origin_of(now), why=" though the request before did not succeed")


@then(phrase("the answer is the same {kind:Kind}"))
def _(request: pytest.FixtureRequest, response: httpx.Response, kind: str) -> None:
    """A read returns the resource as it was created (RFC 7644 §3.4.1)."""
    assert_status(response, 200, basis=Basis.rfc("G-01"))
    assert_same(_subject(request, kind), body_of(response), response=response, why=" between two reads")


# -- what a scenario checks about an answer ------------------------------------------------------


@then(parsers.parse('the answer has "{path}"'))
def _(response: httpx.Response, path: str) -> None:
    check(
        value_at(body_of(response), path) is not None,
        f"the answer has no {path}",
        response=response,
        expected=f"{path} in the answer",
    )


@then(parsers.parse('the answer has no "{path}"'))
def _(response: httpx.Response, returned: Returned, path: str) -> None:
    """RFC 7644 §3.9: an attribute not asked for, or excluded, is left out — unless the target's
    ``/Schemas`` declares it ``returned: always`` (RFC 7643 §7; R-11)."""
    if returned.always(path):
        return
    found = value_at(body_of(response), path)
    kind, where = returned.of(path)
    check(
        found is None,
        f"the answer carries {path} = {found!r}, which was not asked for",
        response=response,
        expected=f"no {path}: {where} declares it returned: {kind}",
        basis=Basis.rfc("R-11", "Q-11"),
    )


@then("the answer has an id and a userName")
def _(response: httpx.Response) -> None:
    """For an answer that asked for ``userName``: ``id`` is ``returned: always`` (RFC 7643 §3.1),
    and ``userName``, ``returned: default``, comes back when named in ``attributes`` (§7)."""
    body = body_of(response)
    ensure_id(body, response)
    check(
        value_at(body, "userName"),
        "the answer has no userName, though the request named it in attributes",
        response=response,
        expected='userName (RFC 7643 §7: a "default" attribute named in attributes is returned)',
        basis=Basis.rfc("R-11"),
    )


@then("the answer still has the user's id and userName")
def _(response: httpx.Response, user: dict[str, Any]) -> None:
    """For an answer that asked for ``userName``: ``id`` is ``returned: always`` (RFC 7643 §3.1),
    ``userName`` was named in ``attributes`` (RFC 7643 §7 ``returned: default``)."""
    body = body_of(response)
    check(
        body.get("id") == user["id"],
        f"the answer's id is {body.get('id')!r}, not the user's {user['id']!r}",
        response=response,
        expected="the user's id (returned: always, RFC 7643 §3.1)",
        basis=Basis.rfc("R-02", "R-11"),
    )
    check(
        same_text("userName", value_at(body, "userName"), user["userName"]),
        f"the answer's userName is {body.get('userName')!r}, though the request named it in attributes",
        response=response,
        expected=f"userName {user['userName']!r}",
        basis=Basis.rfc("R-11"),
    )


@then("the request is refused as invalid")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.12: 400 with an Error body; its ``scimType``, OPTIONAL, is then ``invalidValue``
    or ``invalidSyntax`` (Table 9: a value or a message the server cannot accept)."""
    assert_status(response, 400)
    body = body_of(response)
    check(
        body.get("status") == "400",
        f"the Error's status is {body.get('status')!r}, not the string '400'",
        response=response,
        expected='"status": "400" (a string)',
        basis=Basis.rfc("E-01"),
    )
    scim_type = body.get("scimType")
    check(
        scim_type in (None, "invalidValue", "invalidSyntax"),
        f"the Error's scimType is {scim_type!r}",
        response=response,
        expected="invalidValue or invalidSyntax, or no scimType",
        basis=Basis.rfc("E-03"),
    )


@then(parsers.parse('the server refuses it with a SCIM error {status:d} of type "{first}" or "{second}"'))
def _(response: httpx.Response, status: int, first: str, second: str) -> None:
    """RFC 7644 §3.12 Table 9, where the RFC leaves two keywords open."""
    assert_status(response, status)
    body = body_of(response)
    check(
        body.get("status") == str(status),
        f"the Error's status is {body.get('status')!r}, not the string {str(status)!r}",
        response=response,
        expected=f'"status": "{status}" (a string)',
        basis=Basis.rfc("E-01"),
    )
    check(
        body.get("scimType") in (first, second),
        f"the Error's scimType is {body.get('scimType')!r}",
        response=response,
        expected=f"{first} or {second}",
        basis=Basis.rfc("E-03"),
    )


@then(parsers.parse('its error type, if given, is "{scim_type}"'))
def _(response: httpx.Response, scim_type: str) -> None:
    """RFC 7644 §3.12: ``scimType`` is OPTIONAL; when present it names the Table 9 keyword."""
    found = body_of(response).get("scimType", _MISSING)
    check(
        found in (_MISSING, scim_type),
        f"the Error's scimType is {found!r}",
        response=response,
        expected=f"{scim_type} or no scimType",
        basis=Basis.rfc("E-03"),
    )
