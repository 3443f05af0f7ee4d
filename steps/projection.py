"""Which attributes a projected answer carries, judged by the target's own ``returned`` characteristics.

RFC 7643 §7, ``returned``: "always" — "The attribute is always returned, regardless of the
contents of the "attributes" parameter"; "default" — "If the GET request "attributes" parameter
is specified, attribute values are only returned if the attribute is named in the "attributes"
parameter"; RFC 7644 §3.4.2.5: ``excludedAttributes`` "SHALL have no effect on attributes whose
schema "returned" setting is "always"".

Only ``id`` is ``always`` by the RFC itself (RFC 7643 §3.1). ``userName`` is ``returned:
default`` (RFC 7643 §8.7.1; checklist R-11, issue 12 ruling 1), so a server may leave it out of a
projected answer; one whose own ``/Schemas`` declares it ``always`` must keep it. The target's
``/Schemas`` is read once per session; an attribute it declares nothing about is judged by the
RFC 7643 §8.7.1 schema (every attribute ``default`` there, but ``password``: ``never``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pytest_bdd import parsers, then

from schemas import urns
from scim_client import Target
from steps._resources import same_text, value_at
from steps.common import body_of
from steps.failures import Basis, check, origin_of
from steps.target import discovery_document

_KINDS = ("always", "never", "default", "request")
# RFC 7643 §3.1: "id" has "a "returned" characteristic of "always""; §8.7.1: password "never".
_RFC: dict[str, str] = {"id": "always", "password": "never"}
_RFC_BASIS = "RFC 7643 §8.7.1 (the target's /Schemas declares nothing for it)"


@dataclass(frozen=True)
class Returned:
    """The ``returned`` characteristic of each User attribute the target's ``/Schemas`` declares."""

    declared: dict[str, str]
    """Lower-case attribute path (``username``, ``name.givenname``) → its ``returned``."""

    def of(self, path: str) -> tuple[str, str]:
        """The attribute's ``returned`` and where that comes from (for failure messages)."""
        key = path.removeprefix(urns.USER + ":").lower()
        if key == "id":
            return "always", "RFC 7643 §3.1"
        if key in self.declared:
            return self.declared[key], "the target's /Schemas"
        top = key.partition(".")[0]
        return _RFC.get(top, "default"), _RFC_BASIS

    def always(self, path: str) -> bool:
        return self.of(path)[0] == "always"


def _attributes(items: Any, prefix: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items if isinstance(items, list) else []:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        # RFC 7643 §2.2: an attribute that states no "returned" is "default".
        kind = item.get("returned", "default")
        found[prefix + name.lower()] = kind if kind in _KINDS else "default"
        found.update(_attributes(item.get("subAttributes"), prefix + name.lower() + "."))
    return found


def read_returned(body: Any) -> Returned:
    """The User schema's characteristics from a ``/Schemas`` answer (a ListResponse, or a list)."""
    items = body.get("Resources") if isinstance(body, dict) else body
    for schema in items if isinstance(items, list) else []:
        if isinstance(schema, dict) and str(schema.get("id", "")).lower() == urns.USER.lower():
            return Returned(_attributes(schema.get("attributes")))
    return Returned({})


@pytest.fixture(scope="session")
def returned(target: Target) -> Returned:
    """The target's ``/Schemas`` (RFC 7644 §4), read once; unreadable means "declares nothing"."""
    return read_returned(discovery_document(target, "/Schemas") or {})


def check_left_out_or_kept(
    resource: dict[str, Any],
    path: str,
    returned: Returned,
    expected: Any,
    response: httpx.Response | None = None,
) -> None:
    """An attribute the request did not ask for (or excluded) is there exactly when it is
    ``returned: always`` (RFC 7643 §7; RFC 7644 §3.4.2.5; checklist R-11, Q-11)."""
    kind, where = returned.of(path)
    found = value_at(resource, path)
    context: dict[str, Any] = {
        "response": response or origin_of(resource),
        "basis": Basis.rfc("R-11", "Q-11"),
    }
    if kind == "always":
        check(
            found is not None,
            f"{path} is missing; {where} declares it returned: always",
            expected=f'{path}: RFC 7643 §7 says such an attribute "is always returned, regardless of the '
            'contents of the attributes parameter"',
            **context,
        )
        if isinstance(expected, str):
            check(
                same_text(path, found, expected),
                f"{path} is {found!r}, not the user's {expected!r}",
                expected=repr(expected),
                **context,
            )
    else:
        check(
            found is None,
            f"{path} = {found!r} came back though not asked for; {where} declares it returned: {kind}",
            expected=f'no {path}: RFC 7643 §7 returns such an attribute "only if the attribute is named in '
            'the attributes parameter" (RFC 7644 §3.4.2.5)',
            **context,
        )


@then(parsers.parse('the answer has "{path}" only if the target returns it always'))
def _(response: httpx.Response, returned: Returned, user: dict[str, Any], path: str) -> None:
    """``userName`` is ``returned: default`` unless the target's ``/Schemas`` says otherwise."""
    check_left_out_or_kept(body_of(response), path, returned, value_at(user, path), response)


@then("the answer still has the user's id")
def _(response: httpx.Response, user: dict[str, Any]) -> None:
    """RFC 7643 §3.1: ``id`` is ``returned: always``; RFC 7644 §3.4.2.5: ``excludedAttributes``
    "SHALL have no effect" on it (R-02, R-11)."""
    found = body_of(response).get("id")
    check(
        found == user["id"],
        f"the answer's id is {found!r}, not the user's {user['id']!r}",
        response=response,
        expected="the user's id: id is returned: always (RFC 7643 §3.1)",
        basis=Basis.rfc("R-02", "R-11"),
    )


__all__ = ["Returned", "check_left_out_or_kept", "read_returned"]
