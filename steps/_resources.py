"""SCIM resources as the steps build, read and compare them: names, bodies, paths, PATCH.

Plain helpers, no steps: the step modules import them from here. Names are unique per scenario:
a label such as ``"ana@example.com"`` becomes the userName ``ana.<token>@example.com`` and a group
``"Engineering"`` becomes ``Engineering <token>``, with the scenario's ``token`` (a fixture of
:mod:`steps.directory`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from schemas import urns
from steps.common import assert_status, body_of
from steps.failures import Basis, SuiteError, check
from steps.wire import ScimClient

# -- names ---------------------------------------------------------------------------------------


def user_name(label: str, token: str) -> str:
    """The userName a label stands for in this scenario: ``ana@example.com`` → ``ana.<token>@example.com``."""
    local, _, domain = label.partition("@")
    return f"{local}.{token}@{domain or 'example.com'}"


def group_name(label: str, token: str) -> str:
    return f"{label} {token}"


def short_label(label: str) -> str:
    """How scenarios refer to a user after introducing it: ``"ana@example.com"`` → ``ana``."""
    return label.partition("@")[0].lower()


def endpoint_of(resource: Mapping[str, Any]) -> str:
    """``/Users`` or ``/Groups``, from the resource's ``schemas`` (RFC 7643 §3)."""
    schemas = [str(s).lower() for s in resource.get("schemas") or []]
    return "/Groups" if urns.GROUP.lower() in schemas else "/Users"


def path_of(resource: Mapping[str, Any]) -> str:
    return f"{endpoint_of(resource)}/{resource['id']}"


# -- attribute sets ------------------------------------------------------------------------------


def cell_value(text: str) -> Any:
    """A data-table cell as JSON would have it: ``true``/``false`` are booleans, the rest strings."""
    return {"true": True, "false": False}.get(text.strip(), text)


def _split_urn(path: str) -> tuple[str | None, str]:
    """``urn:…:enterprise:2.0:User:manager.value`` → (the URN, ``manager.value``)."""
    if not path.lower().startswith("urn:"):
        return None, path
    urn, _, rest = path.rpartition(":")
    return urn, rest


def set_path(body: dict[str, Any], path: str, value: Any) -> None:
    """Write ``value`` at an attribute path: ``title``, ``name.givenName``, ``emails[work]``
    (an email of that type; ``emails[home, primary]`` also makes it the primary one), or a full
    URN path (RFC 7644 §3.10)."""
    urn, rest = _split_urn(path)
    target = body.setdefault(urn, {}) if urn else body
    typed = re.fullmatch(r"(\w+)\[(\w+)(,\s*primary)?\]", rest)
    if typed:
        element: dict[str, Any] = {"value": value, "type": typed.group(2)}
        if typed.group(3):
            element["primary"] = True
        target.setdefault(typed.group(1), []).append(element)
        return
    *parents, leaf = rest.split(".")
    for parent in parents:
        target = target.setdefault(parent, {})
    target[leaf] = value


def attributes_from_table(rows: list[list[str]]) -> dict[str, Any]:
    """``| attribute | value |`` rows as a resource fragment; an empty cell leaves it unassigned."""
    body: dict[str, Any] = {}
    for row in rows:
        path, value = row[0].strip(), row[1] if len(row) > 1 else ""
        if value.strip():
            set_path(body, path, cell_value(value))
    return body


def user_body(name: str, attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A User for POST or PUT: the core schema, the enterprise one when its attributes are there."""
    attributes = dict(attributes or {})
    schemas = [urns.USER]
    if any(k.lower() == urns.ENTERPRISE_USER.lower() for k in attributes):
        schemas.append(urns.ENTERPRISE_USER)
    return {"schemas": schemas, "userName": name, **attributes}


def group_body(name: str, members: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"schemas": [urns.GROUP], "displayName": name}
    if members is not None:
        body["members"] = [{"value": m["id"]} for m in members]
    return body


# -- reading resources ---------------------------------------------------------------------------


def _key(mapping: Mapping[str, Any], name: str) -> str | None:
    """The key spelling ``name`` in any case: attribute names are case-insensitive (RFC 7643 §2.1)."""
    if name in mapping:
        return name
    return next((k for k in mapping if k.lower() == name.lower()), None)


def value_at(resource: Any, path: str) -> Any:
    """The value at an attribute path, or None when unassigned.

    ``name.familyName``; ``emails.value`` (the list of every email's value); a value path
    ``emails[type eq "work"].value``; a full URN path. Absent, ``null`` and ``[]`` are one state
    (RFC 7643 §2.5), all returned as None.
    """
    urn, rest = _split_urn(path)
    current: Any = resource
    if urn is not None:
        key = _key(resource, urn) if isinstance(resource, Mapping) else None
        current = resource[key] if key else None
    for part in re.findall(r"\w+\[[^\]]*\]|[$\w]+", rest):
        selector = re.fullmatch(r'(\w+)\[(\w+) eq "([^"]*)"\]', part)
        name = selector.group(1) if selector else part
        if isinstance(current, list):
            found = [value_at(item, name) for item in current]
            current = [f for f in found if f is not None] or None
        elif isinstance(current, Mapping):
            key = _key(current, name)
            current = current.get(key) if key else None
        else:
            return None
        if selector and isinstance(current, list):
            sub, wanted = selector.group(2), selector.group(3)
            current = [c for c in current if isinstance(c, Mapping) and value_at(c, sub) == wanted] or None
        if current is None:
            return None
    return None if current in ([], {}) else current


CASE_EXACT = frozenset(
    {"id", "externalid", "$ref", "resourcetype", "created", "lastmodified", "location", "version"}
)
"""Attributes of the core schemas with caseExact=true (RFC 7643 §3.1, §8.7.1); the rest are not."""


def same_text(path: str, found: Any, expected: str) -> bool:
    """RFC 7643 §2.2: "If the attribute is case insensitive, the server MAY alter case for a
    submitted value", so only case-exact attributes must come back exactly as sent."""
    if not isinstance(found, str):
        return False
    leaf = re.split(r"[.:]", path)[-1].lower()
    return found == expected if leaf in CASE_EXACT else found.casefold() == expected.casefold()


def values_of(resource: Any, path: str) -> list[Any]:
    """A multi-valued attribute as a list of its ``value`` sub-attributes (or plain values)."""
    found = value_at(resource, path)
    items = found if isinstance(found, list) else ([] if found is None else [found])
    return [value_at(i, "value") if isinstance(i, Mapping) else i for i in items]


def kind_of(resource: Mapping[str, Any]) -> str:
    """``user`` or ``group``, for messages."""
    return endpoint_of(resource)[1:-1].lower()


def read(scim: ScimClient, resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resource as the server holds it now (RFC 7644 §3.4.1: a GET of its id answers 200)."""
    response = scim.get(path_of(resource))
    assert_status(response, 200, basis=Basis.rfc("G-01"))
    return body_of(response)


def _canonical(value: Any) -> Any:
    """``value`` with multi-valued attributes in a fixed order: RFC 7643 §2.4 gives them none."""
    if isinstance(value, Mapping):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """How ``after`` differs from ``before``: each attribute of ``before`` (multi-valued ones in any
    order, RFC 7643 §2.4), the id, and ``meta.lastModified``/``meta.version``; empty when the same."""
    found = []
    if after.get("id") != before.get("id"):
        found.append(f"the id is {after.get('id')!r}, was {before.get('id')!r}")
    for key, value in before.items():
        if key != "meta" and _canonical(after.get(key)) != _canonical(value):
            found.append(f"{key} is now {after.get(key)!r}, was {value!r}")
    old, new = before.get("meta") or {}, after.get("meta") or {}
    for key in ("lastModified", "version"):
        if key in old and new.get(key) != old[key]:
            found.append(f"meta.{key} is now {new.get(key)!r}, was {old[key]!r}")
    return found


def assert_same(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    response: httpx.Response | None = None,
    why: str = "",
    basis: Basis | None = None,
) -> None:
    """``after`` holds every attribute of ``before`` with the same value, and the same version."""
    changed = differences(before, after)
    kind = kind_of(before)
    check(
        not changed,
        f"the {kind} changed{why}: " + "; ".join(changed),
        response=response,
        expected=f"the {kind} exactly as before, meta.lastModified and meta.version too",
        basis=basis,
    )


def is_datetime(value: Any) -> bool:
    """RFC 7643 §2.3.5: an xsd:dateTime (with a zone, so it can be compared)."""
    if not isinstance(value, str):
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def ensure_id(body: Mapping[str, Any], response: httpx.Response | None = None) -> str:
    """RFC 7643 §3.1: every resource the server returns has a non-empty ``id`` ("returned: always")."""
    resource_id = body.get("id")
    check(
        isinstance(resource_id, str) and resource_id,
        f"the answer is a resource without an id (its id is {resource_id!r})",
        response=response,
        expected="a non-empty string id, issued by the server",
        basis=Basis.rfc("R-02"),
    )
    assert isinstance(resource_id, str)  # narrowed: check() raised otherwise
    return resource_id


# -- modifying resources ---------------------------------------------------------------------


def patch_message(operations: list[dict[str, Any]]) -> dict[str, Any]:
    """RFC 7644 §3.5.2: the PatchOp schema and a non-empty ``Operations`` array."""
    return {"schemas": [urns.PATCH_OP], "Operations": operations}


def modify(
    scim: ScimClient, resource: dict[str, Any], operations: list[dict[str, Any]], **kw: Any
) -> httpx.Response:
    return scim.patch(path_of(resource), patch_message(operations), **kw)


def modified(scim: ScimClient, response: httpx.Response, before: dict[str, Any]) -> dict[str, Any]:
    """The resource after a successful PATCH: the body of a 200, or read back after a 204.

    RFC 7644 §3.5.2: "the server either MUST return a 200 OK response code and the entire resource
    within the response body ... or MAY return HTTP status code 204 (No Content)" (M-03).
    """
    kind = kind_of(before)
    basis = Basis.rfc("M-03")
    assert_status(response, 200, 204, basis=basis)
    if response.status_code == 204:
        check(not response.content, "the 204 answer to the PATCH has a body", response=response, basis=basis)
        return read(scim, before)
    body = body_of(response)
    entire = f"the entire {kind}, as RFC 7644 §3.5.2 asks of a 200"
    check(
        body.get("id") == before["id"],
        f"the 200 answer to the PATCH is not the {kind}: its id is {body.get('id')!r}, not {before['id']!r}",
        response=response,
        expected=entire,
        basis=basis,
    )
    check(
        body.get("schemas"),
        f"the 200 answer to the PATCH is not the entire {kind}: it has no schemas",
        response=response,
        expected=entire,
        basis=basis,
    )
    if kind == "user":
        check(
            value_at(body, "userName"),
            "the 200 answer to the PATCH is not the entire user: it has no userName",
            response=response,
            expected=entire,
            basis=basis,
        )
    return body


# -- creating resources --------------------------------------------------------------------------


def create(scim: ScimClient, endpoint: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A resource the scenario needs; failing to create it fails the step with the server's answer
    (RFC 7644 §3.3: a POST that creates answers 201 with the resource, C-01)."""
    response = scim.post(endpoint, dict(body))
    kind = endpoint[1:-1].lower()
    check(
        response.status_code == 201,
        f"the server did not create the {kind} this scenario needs: it answered {response.status_code}",
        response=response,
        expected=f"201 with the new {kind}",
        basis=Basis.rfc("C-01"),
    )
    created = body_of(response)
    ensure_id(created, response)
    return created


def create_users(scim: ScimClient, labels: list[str], token: str) -> dict[str, dict[str, Any]]:
    return {
        short_label(label): create(scim, "/Users", user_body(user_name(label, token))) for label in labels
    }


def member_of(users: Mapping[str, Mapping[str, Any]], label: str) -> Mapping[str, Any]:
    """A user introduced earlier in the scenario, by label (``ana`` or ``ana@example.com``)."""
    found = users.get(short_label(label))
    if found is None:
        raise SuiteError(f"no user {label!r} was introduced in this scenario (it has {sorted(users)})")
    return found
