"""Turn what clients send into clean resource attributes, per the schema.

Identity providers send RFC-clean SCIM and many near-misses. What OneLogin really sends
(onelogin-profile.md) is accepted and normalised here, in one place: the legacy URNs
(``urn:scim:schemas:core:2.0``, the 1.1 ones, and the same as the extension's key), ``emails``
as a single object, ``manager.managerId``, string booleans (``"true"``, Entra's ``"False"``), junk
such as ``"id": null`` or a client-sent ``meta``. After this step nothing can tell a quirky
request from a clean one, so the server never answers them differently.

RFC 7643 §2.1: attribute names are case-insensitive, so keys are rewritten to their canonical
spelling. RFC 7644 §3.3 / §3.5.1: ``readOnly`` attributes in a request are ignored.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reference_server.errors import ScimError, bad_request
from reference_server.projection import is_object
from reference_server.typecache import TypeCache
from schemas import Attribute, AttrPath, ResourceSchema, ResourceType, urns

_SCHEMA_ALIASES = {
    **{u.lower(): urns.USER for u in urns.LEGACY_USER},
    **{u.lower(): urns.ENTERPRISE_USER for u in urns.LEGACY_ENTERPRISE_USER},
}
_TRUE = frozenset({"true"})
_FALSE = frozenset({"false"})


IDP_SCHEMAS = frozenset({urns.ENTRA_ADSCIM_GROUP.lower()})
"""Schema URNs an IdP declares beside the core one and the server may ignore: Entra's ADSCIM
Group URN (other-idps.md, Entra: groups are created with it). Lower-case."""


def canonical_schema(urn: str) -> str:
    """The RFC URN for ``urn`` (legacy OneLogin URNs mapped; others returned unchanged)."""
    return _SCHEMA_ALIASES.get(urn.lower(), urn)


def normalize(body: object, rtype: ResourceType) -> dict[str, Any]:
    """The clean attributes of a resource body: ``schemas`` plus every writable attribute set.

    ``id``, ``meta`` and other readOnly attributes are dropped (the caller owns them).
    Raises :class:`ScimError` 400 for a body that is not a resource of this type.
    """
    if not is_object(body):
        raise ScimError(400, "the request body must be a JSON object", "invalidSyntax")
    declared = _declared_schemas(body, rtype)
    keys = _TOP_LEVEL.of(rtype)
    out: dict[str, Any] = {}
    extensions: dict[str, dict[str, Any]] = {}
    for key, value in body.items():
        if not isinstance(key, str):
            continue
        ext, resolved = _top_level(rtype, key, keys)
        if ext is not None:
            if value is None:
                continue
            if not is_object(value):
                raise bad_request(f"{ext.id} must be an object")
            attrs = _attributes(value, ext.attribute, path=ext.id + ":")
            if attrs:
                extensions.setdefault(ext.id, {}).update(attrs)
            continue
        if resolved is None:
            # ``schemas``, or an attribute RFC 7644 §3.3 leaves to the provider: ignoring
            # unknown ones keeps IdP templates with custom fields working.
            continue
        if resolved.schema is not rtype.schema:
            # A full-URN attribute key (``urn:...:User:department``) at the top level.
            _put(extensions.setdefault(resolved.schema.id, {}), resolved.attribute, value, resolved.schema.id)
            continue
        _put(out, resolved.attribute, value, "")
    schemas = [rtype.schema.id]
    for ext in rtype.extensions:
        if extensions.get(ext.id):
            out[ext.id] = extensions[ext.id]
            schemas.append(ext.id)
        elif ext.id in declared:
            schemas.append(ext.id)
    out["schemas"] = schemas
    _check_required(out, rtype)
    return out


_KeyKind = tuple[ResourceSchema | None, AttrPath | None]
_TOP_LEVEL: TypeCache[str, _KeyKind] = TypeCache(4096)
"""What a top-level key of a body is, by resource type and key: a client sends the same keys in
every request, and resolving one goes through several case-folded lookups."""


def _top_level(rtype: ResourceType, key: str, keys: dict[str, _KeyKind]) -> _KeyKind:
    """The extension ``key`` names, or else the attribute (None for ``schemas``, an unknown
    attribute, or a sub-attribute path); ``keys`` is ``_TOP_LEVEL.of(rtype)``."""
    found = keys.get(key)
    if found is not None:
        return found
    ext = rtype.extension(canonical_schema(key)) if key[:4].lower() == "urn:" else None
    resolved = None
    if ext is None and key.lower() != "schemas":
        resolved = rtype.resolve(key)
        if resolved is not None and resolved.sub is not None:
            resolved = None
    found = (ext, resolved)
    _TOP_LEVEL.put(keys, key, found)
    return found


_DECLARED: TypeCache[tuple[str, ...], frozenset[str]] = TypeCache(1024)
"""The schemas a valid ``schemas`` list declares, by resource type and list: a client sends the
same list with every request."""


def _declared_schemas(body: Mapping[str, Any], rtype: ResourceType) -> frozenset[str]:
    """RFC 7643 §3: ``schemas`` is REQUIRED and names the core schema and any extensions."""
    raw = body.get("schemas")
    if raw is None:
        raw = next((v for k, v in body.items() if isinstance(k, str) and k.lower() == "schemas"), None)
    if raw is None:
        raise ScimError(400, "schemas is required (RFC 7643 §3)", "invalidSyntax")
    if not isinstance(raw, list) or not raw or not all(isinstance(s, str) for s in raw):
        raise ScimError(400, "schemas must be a non-empty array of URIs", "invalidSyntax")
    lists = _DECLARED.of(rtype)
    declared = lists.get(tuple(raw))
    if declared is None:
        declared = _checked_schemas(raw, rtype)
        _DECLARED.put(lists, tuple(raw), declared)
    return declared


def _checked_schemas(raw: list[str], rtype: ResourceType) -> frozenset[str]:
    declared = [canonical_schema(s) for s in raw if s.lower() not in IDP_SCHEMAS]
    known = {s.id for s in rtype.schemas}
    unknown = [s for s in declared if s not in known]
    if unknown:
        raise bad_request(f"unknown schema {unknown[0]!r} for a {rtype.name}")
    if rtype.schema.id not in declared:
        raise bad_request(f"schemas must include {rtype.schema.id}")
    return frozenset(declared)


def _attributes(value: Mapping[str, Any], lookup: Any, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        attribute = lookup(key) if isinstance(key, str) else None
        if attribute is not None:
            _put(out, attribute, item, path)
    return out


_TEXT = frozenset({"string", "reference"})


def _put(out: dict[str, Any], attribute: Attribute, value: Any, path: str) -> None:
    if attribute.mutability == "readOnly" or attribute.returned == "never":
        # readOnly values are the server's; writeOnly/never ones (password) are accepted and,
        # since this server keeps no credentials for users, discarded.
        return
    if type(value) is str and not attribute.multi_valued and attribute.type in _TEXT and "\x00" not in value:
        out[attribute.name] = value  # most values: what coerce_single returns for them, sooner
        return
    coerced = coerce(attribute, value, path + attribute.name)
    if coerced is not None:
        out[attribute.name] = coerced


def coerce(attribute: Attribute, value: Any, where: str) -> Any:
    """``value`` checked and converted for ``attribute``; None means unassigned (RFC 7643 §2.5)."""
    if value is None:
        return None
    if attribute.multi_valued:
        if not isinstance(value, list):
            # OneLogin's enterprise template sends "emails" as one object.
            value = [value]
        items = [coerce_single(attribute, v, f"{where}[{i}]") for i, v in enumerate(value)]
        items = [v for v in items if v is not None]
        if attribute.type == "complex":
            primaries = sum(1 for v in items if v.get("primary") is True)
            if primaries > 1:
                # RFC 7643 §2.4: the primary attribute value "true" MUST appear no more than once.
                raise bad_request(f"{where}: more than one value is primary")
        return items or None
    return coerce_single(attribute, value, where)


def coerce_single(attribute: Attribute, value: Any, where: str) -> Any:
    if value is None:
        return None
    kind = attribute.type
    if kind == "complex":
        if attribute.name == "manager" and isinstance(value, str):
            # Entra sends the manager as the bare id of the manager's user.
            value = {"value": value}
        if not is_object(value):
            raise bad_request(f"{where} must be an object")
        value = dict(value)
        if attribute.name == "manager" and "value" not in value and "managerId" in value:
            # OneLogin's template names the manager's id "managerId" (onelogin-profile.md).
            value["value"] = value.pop("managerId")
        return _attributes(value, attribute.sub, where + ".") or None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise bad_request(f"{where} must be a boolean")
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise bad_request(f"{where} must be an integer")
    if kind == "decimal":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raise bad_request(f"{where} must be a number")
    if not isinstance(value, str):
        raise bad_request(f"{where} must be a string")
    if "\x00" in value:
        raise bad_request(f"{where} must not contain NUL characters")
    if kind == "dateTime":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(f"{where} must be an xsd:dateTime") from None
    elif kind == "binary":
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise bad_request(f"{where} must be base64") from None
    return value


def _check_required(out: dict[str, Any], rtype: ResourceType) -> None:
    """RFC 7644 §3.3 / §3.5.1: required attributes MUST be supplied (400 otherwise)."""
    for attribute in rtype.schema.supplied:
        value = out.get(attribute.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise bad_request(f"{attribute.name} is required")
