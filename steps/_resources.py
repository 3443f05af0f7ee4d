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

from steps.common import assert_status, body_of
from steps.wire import ScimClient

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_URN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
LIST_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"


class FieldType:
    """A ``parse`` field type with a fixed pattern (``{name:Name}``), kept typed for mypy."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __call__(self, text: str) -> str:
        return text


TYPES = {"Name": FieldType(r'[^"]+'), "Kind": FieldType(r"user|group")}
"""Field types for step texts: ``Name`` is the text inside one pair of quotes."""


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


def quoted(text: str) -> list[str]:
    """The quoted names in ``"ana", "bo" and "carla"``."""
    return re.findall(r'"([^"]*)"', text)


def endpoint_of(resource: Mapping[str, Any]) -> str:
    """``/Users`` or ``/Groups``, from the resource's ``schemas`` (RFC 7643 §3)."""
    schemas = [str(s).lower() for s in resource.get("schemas") or []]
    return "/Groups" if GROUP_URN.lower() in schemas else "/Users"


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
    schemas = [USER_URN]
    if any(k.lower() == ENTERPRISE_URN.lower() for k in attributes):
        schemas.append(ENTERPRISE_URN)
    return {"schemas": schemas, "userName": name, **attributes}


def group_body(name: str, members: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"schemas": [GROUP_URN], "displayName": name}
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


def read(scim: ScimClient, resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resource as the server holds it now."""
    response = scim.get(path_of(resource))
    assert_status(response, 200)
    return body_of(response)


def _canonical(value: Any) -> Any:
    """``value`` with multi-valued attributes in a fixed order: RFC 7643 §2.4 gives them none."""
    if isinstance(value, Mapping):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def assert_same(before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """``after`` holds every attribute of ``before`` with the same value, and the same version."""
    assert after.get("id") == before.get("id"), f"id {after.get('id')!r}, expected {before.get('id')!r}"
    for key, value in before.items():
        if key == "meta":
            continue
        assert _canonical(after.get(key)) == _canonical(value), (
            f"{key} is now {after.get(key)!r}, was {value!r}"
        )
    old, new = before.get("meta") or {}, after.get("meta") or {}
    for key in ("lastModified", "version"):
        if key in old:
            assert new.get(key) == old[key], f"meta.{key} is now {new.get(key)!r}, was {old[key]!r}"


def is_datetime(value: Any) -> bool:
    """RFC 7643 §2.3.5: an xsd:dateTime (with a zone, so it can be compared)."""
    if not isinstance(value, str):
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def ensure_id(body: Mapping[str, Any]) -> str:
    """RFC 7643 §3.1: every resource the server returns has a non-empty ``id``."""
    resource_id = body.get("id")
    assert isinstance(resource_id, str) and resource_id, f"no id in the answer: {body}"
    return resource_id


# -- modifying resources ---------------------------------------------------------------------


def patch_message(operations: list[dict[str, Any]]) -> dict[str, Any]:
    """RFC 7644 §3.5.2: the PatchOp schema and a non-empty ``Operations`` array."""
    return {"schemas": [PATCH_URN], "Operations": operations}


def modify(
    scim: ScimClient, resource: dict[str, Any], operations: list[dict[str, Any]], **kw: Any
) -> httpx.Response:
    return scim.patch(path_of(resource), patch_message(operations), **kw)


def modified(scim: ScimClient, response: httpx.Response, before: dict[str, Any]) -> dict[str, Any]:
    """The resource after a successful PATCH: the body of a 200, or read back after a 204.

    RFC 7644 §3.5.2: 200 "and the entire resource within the response body", or 204.
    """
    assert_status(response, 200, 204)
    if response.status_code == 204:
        assert not response.content, "a 204 answer must have no body"
        return read(scim, before)
    body = body_of(response)
    assert body.get("id") == before["id"], f"the 200 answer is not the resource: {response.text[:300]}"
    assert body.get("schemas"), "the 200 answer is not the entire resource: it has no schemas"
    if USER_URN in body["schemas"]:
        assert value_at(body, "userName"), "the 200 answer is not the entire user: it has no userName"
    return body


# -- creating resources --------------------------------------------------------------------------


def create(scim: ScimClient, endpoint: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A resource the scenario needs; failing to create it fails the step with the server's answer."""
    response = scim.post(endpoint, dict(body))
    assert response.status_code == 201, (
        f"could not create the {endpoint[1:-1].lower()} this scenario needs: "
        f"{response.status_code} {response.text[:300]}"
    )
    created = body_of(response)
    ensure_id(created)
    return created


def create_users(scim: ScimClient, labels: list[str], token: str) -> dict[str, dict[str, Any]]:
    return {
        short_label(label): create(scim, "/Users", user_body(user_name(label, token))) for label in labels
    }


def member_of(users: Mapping[str, Mapping[str, Any]], label: str) -> Mapping[str, Any]:
    """A user introduced earlier in the scenario, by label (``ana`` or ``ana@example.com``)."""
    found = users.get(short_label(label))
    assert found is not None, f"no user {label!r} was introduced in this scenario ({sorted(users)})"
    return found
