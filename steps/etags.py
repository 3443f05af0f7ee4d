"""Steps for versions and conditional requests (RFC 7644 §3.14; RFC 7232).

Weak ETags (``W/"…"``) are as good as strong ones here: RFC 7644 §3.14 shows a weak ETag in
``If-Match`` and expects the update to go through, although RFC 7232 §3.1 would compare If-Match
strongly. The suite follows RFC 7644's own example and grades that one case SHOULD.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from pytest_bdd import given, then, when

from steps._resources import modify, read, user_body, value_at
from steps.common import assert_status, body_of
from steps.failures import Basis, check, sent
from steps.target import Cleanup
from steps.wire import ScimClient

_ENTITY_TAG = re.compile(r'(W/)?"[^"]*"')
_ETAGS = Basis.rfc("V-01")


def etag_of(response: httpx.Response) -> str:
    """RFC 7644 §3.14: "the service provider MUST return an ETag HTTP header" (RFC 7232 §2.3 syntax)."""
    tag = str(response.headers.get("etag") or "")
    context: dict[str, Any] = {"response": response, "basis": _ETAGS}
    check(tag, f"{sent(response)} answered without an ETag header", expected="an ETag header", **context)
    check(
        _ENTITY_TAG.fullmatch(tag.strip()),
        f"the ETag {tag!r} is not an entity-tag",
        expected='an entity-tag: "…" or W/"…" (RFC 7232 §2.3)',
        **context,
    )
    return tag.strip()


def current_version(scim: ScimClient, user: dict[str, Any]) -> str:
    response = scim.get(f"/Users/{user['id']}")
    assert_status(response, 200, basis=Basis.rfc("G-01"))
    return etag_of(response)


@given("the current version of the user is known", target_fixture="version")
def _(scim: ScimClient, user: dict[str, Any]) -> str:
    return current_version(scim, user)


@given("the user has since been changed", target_fixture="user")
def _(scim: ScimClient, user: dict[str, Any]) -> dict[str, Any]:
    response = scim.put(f"/Users/{user['id']}", user_body(user["userName"], {"title": "Changed since"}))
    assert_status(response, 200, basis=Basis.rfc("P-03"))
    return body_of(response)


@when("a client reads the user if it has changed since that version", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], version: str) -> httpx.Response:
    return scim.get(f"/Users/{user['id']}", headers={"If-None-Match": version})


@when("a client replaces the user only if it is still at that version", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], version: str) -> httpx.Response:
    body = user_body(user["userName"], {"title": "Lost update"})
    return scim.put(f"/Users/{user['id']}", body, headers={"If-Match": version})


@when("a client modifies the user only if it is still at that version", target_fixture="response")
def _(scim: ScimClient, user: dict[str, Any], version: str) -> httpx.Response:
    operations = [{"op": "replace", "path": "title", "value": "Lost update"}]
    return modify(scim, user, operations, headers={"If-Match": version})


@when("a client deletes the user only if it is still at that version", target_fixture="response")
def _(scim: ScimClient, cleanup: Cleanup, user: dict[str, Any], version: str) -> httpx.Response:
    response = scim.delete(f"/Users/{user['id']}", headers={"If-Match": version})
    if response.status_code == 204:
        cleanup.forget("/Users", user["id"])
    return response


@then("the answer carries an ETag")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.14: with ``etag.supported``, the version is sent in the ETag header."""
    etag_of(response)


@then("the answer's ETag differs from that version")
def _(response: httpx.Response, version: str) -> None:
    """RFC 7232 §2.3: a changed representation gets a new entity-tag."""
    check(
        etag_of(response) != version,
        f"the ETag is still {version} after the user changed",
        response=response,
        expected="a new entity-tag for the changed user (RFC 7232 §2.3)",
        basis=_ETAGS,
    )


@then("the user's version has moved on from that version")
def _(scim: ScimClient, user: dict[str, Any], version: str) -> None:
    """After a change answered 204 (RFC 7644 §3.5.2), the version is read back."""
    now = current_version(scim, user)
    check(
        now != version,
        f"the ETag is still {version} after the user changed",
        expected="a new entity-tag for the changed user (RFC 7232 §2.3)",
        basis=_ETAGS,
    )


@then("the answer's meta.version is its ETag")
def _(response: httpx.Response) -> None:
    """RFC 7644 §3.14: the version SHOULD also be in ``meta.version``; RFC 7643 §3.1: its value
    "MUST be the same as the ETag"."""
    tag = etag_of(response)
    version = value_at(body_of(response), "meta.version")
    context: dict[str, Any] = {"response": response, "basis": Basis.rfc("V-01", "R-04")}
    check(version is not None, "the user has no meta.version", expected=f"meta.version {tag!r}", **context)
    check(
        version == tag,
        f"meta.version {version!r} differs from the ETag header {tag!r}",
        expected="the same value in both",
        **context,
    )


@then("the answer has no body")
def _(response: httpx.Response) -> None:
    """RFC 7232 §4.1: a 304 carries no content."""
    check(not response.content, f"the {response.status_code} answer has a body", response=response)


@then("the user is still there")
def _(scim: ScimClient, user: dict[str, Any]) -> None:
    read(scim, user)
