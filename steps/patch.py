"""Steps for PATCH (RFC 7644 §3.5.2): sending operations, and what a successful PATCH answers.

A scenario writes its operations as a JSON array in a docstring; the step wraps them in a PatchOp
message. ``{other_user.id}`` in the docstring stands for the id of the scenario's other user.

RFC 7644 §3.5.2: "the server either MUST return a 200 OK response code and the entire resource
within the response body ... or MAY return HTTP status code 204 (No Content)". Both pass here
(rfc-checklist trap 3); after a 204 the resource is read back to see what the PATCH did. A 200
with an empty body is neither and fails.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pytest_bdd import parsers, then, when

from steps._resources import modified, modify, path_of, read, value_at, values_of
from steps._vocabulary import phrase
from steps.common import assert_status
from steps.failures import Basis, SuiteError, check, origin_of
from steps.wire import ScimClient


def _operations(request: pytest.FixtureRequest, docstring: str) -> list[dict[str, Any]]:
    if "{other_user.id}" in docstring:
        other: dict[str, Any] = request.getfixturevalue("other_user")
        docstring = docstring.replace("{other_user.id}", other["id"])
    operations = json.loads(docstring)
    if not isinstance(operations, list):
        raise SuiteError("the docstring of a modification must hold a JSON array of operations")
    return operations


def _subject(request: pytest.FixtureRequest, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = request.getfixturevalue(kind)
    return found


@when(phrase("a client modifies the {kind:Kind} with:"), target_fixture="response")
def _(request: pytest.FixtureRequest, scim: ScimClient, kind: str, docstring: str) -> httpx.Response:
    """The docstring holds the ``Operations`` array."""
    return modify(scim, _subject(request, kind), _operations(request, docstring))


@when(
    phrase('a client modifies the {kind:Kind} asking only for "{names}", with:'),
    target_fixture="response",
)
def _(
    request: pytest.FixtureRequest, scim: ScimClient, kind: str, names: str, docstring: str
) -> httpx.Response:
    """RFC 7644 §3.5.2: "The server MUST return a 200 OK if the "attributes" parameter is specified"."""
    attributes = ",".join(n.strip() for n in names.split(","))
    return modify(
        scim, _subject(request, kind), _operations(request, docstring), params={"attributes": attributes}
    )


@when(
    phrase("a client sends the {kind:Kind} this modification message:"),
    target_fixture="response",
)
def _(request: pytest.FixtureRequest, scim: ScimClient, kind: str, docstring: str) -> httpx.Response:
    """The docstring is the whole message, as sent, for envelopes that break RFC 7644 §3.5.2."""
    return scim.patch(path_of(_subject(request, kind)), json.loads(docstring))


@when("a client modifies the user, giving it the other user's userName", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], other_user: dict[str, Any]) -> httpx.Response:
    return modify(scim, user, [{"op": "replace", "path": "userName", "value": other_user["userName"]}])


@then("the user is modified", target_fixture="user")
def _(scim: ScimClient, response: httpx.Response, user: dict[str, Any]) -> dict[str, Any]:
    return modified(scim, response, user)


@then("the group is modified", target_fixture="group")
def _(scim: ScimClient, response: httpx.Response, group: dict[str, Any]) -> dict[str, Any]:
    return modified(scim, response, group)


@then(phrase('the {kind:Kind}\'s {path} are still "{values:Q}"'))
def _(request: pytest.FixtureRequest, scim: ScimClient, kind: str, path: str, values: str) -> None:
    """Read back: the values of a multi-valued attribute, each once, in any order (RFC 7643 §2.4).
    RFC 7644 §3.5.2.1: adding a value that is already there makes no change."""
    now = read(scim, _subject(request, kind))
    expected = sorted(v.strip().casefold() for v in values.split(",") if v.strip())
    found = sorted(str(v).casefold() for v in values_of(now, path))
    check(
        found == expected,
        f"the {kind}'s {path} are now {found}",
        response=origin_of(now),
        expected=f"{path}: {', '.join(expected)}, each once",
    )


@then("the user's last modification is as before")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    """RFC 7644 §3.5.2.1: adding a value already there "SHALL NOT change the modify timestamp"."""
    now = read(scim, user)
    before, after = value_at(user, "meta.lastModified"), value_at(now, "meta.lastModified")
    check(
        after == before,
        f"the user's meta.lastModified moved from {before!r} to {after!r} on a modification that "
        "changed nothing",
        response=origin_of(now),
        expected=f"meta.lastModified still {before!r}",
        basis=Basis.rfc("M-05"),
    )


@then(parsers.parse('the email "{address}" is the only primary one'))
def _(user: dict[str, Any], address: str) -> None:
    """RFC 7643 §2.4: "primary" true appears at most once; RFC 7644 §3.5.2: setting it "SHALL"
    set the others to false."""
    primary = [e.get("value") for e in user.get("emails") or [] if e.get("primary") is True]
    check(
        primary == [address],
        f"the user's primary emails are {primary or 'none'}",
        response=origin_of(user),
        expected=f"only {address!r} primary",
        basis=Basis.rfc("R-08"),
    )


@then("modifying the user is answered 404")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    """RFC 7644 §3.6: 404 "for all operations associated with the previously deleted resource"."""
    response = modify(scim, user, [{"op": "replace", "path": "title", "value": "Gone"}])
    assert_status(response, 404, basis=Basis.rfc("X-01"))
