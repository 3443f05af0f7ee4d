"""SCIM PATCH as a pure function over a resource dict (RFC 7644 §3.5.2).

RFC 7644 §3.5.2: "Each PATCH operation object MUST have exactly one "op" member, whose value
indicates the operation to perform and MAY be one of "add", "remove", or "replace"." Operations
are applied in order, and "the PATCH request MUST be treated as atomic" (M-02): the input is
deep-copied first, so an error in any operation leaves the caller's resource as it was.

Tolerances for what identity providers really send, none of which loosens an RFC rule:

- ``op`` in any case (Entra sends ``Add``/``Replace``/``Remove``);
- pathless ``value`` keys that are paths (``name.givenName``, full URN paths, Entra's
  ``emails[type eq "work"].value``), and a ``schemas`` key there, which is ignored because
  ``schemas`` follows from the attributes present (see :func:`_sync_schemas`); likewise a
  ``schemas`` key in the object given for a whole extension (``path`` is the extension URN),
  which clients built on typed models (scim2-models) send with the extension's own URN;
- ``remove`` with a ``value`` list on a multi-valued attribute (Entra's member removal) removes
  only those values;
- values of the wrong JSON type (Entra's ``"False"``) are stored as given: the server validates and
  normalises the whole resulting resource afterwards.

Malformed messages and unknown ``op`` names are 400 ``invalidSyntax``: RFC 7644 Table 9 defines it
as "the request body message structure was invalid or did not conform to the request schema",
which is what they are (the table lists POST and PUT for it, but no other keyword fits). A
missing ``value`` is 400 ``invalidValue``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

from reference_server.errors import ScimError
from reference_server.patch_paths import (
    PatchTarget,
    extension_object,
    find_key,
    get_value,
    invalid_path,
    put_value,
    resolve_target,
)
from reference_server.patch_values import guard, mutability_error, remove_value, set_value
from schemas import ResourceType, urns

Op = Literal["add", "remove", "replace"]
_OPS: frozenset[str] = frozenset({"add", "remove", "replace"})
_ABSENT = object()


def _syntax(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidSyntax")


def parse_patch_request(body: object) -> list[dict[str, Any]]:
    """The ``Operations`` of a PatchOp message, after checking its envelope.

    RFC 7644 §3.5.2: the body "MUST contain a "schemas" attribute with the URI value of
    "urn:ietf:params:scim:api:messages:2.0:PatchOp"" and an "Operations" array of operations.
    Raises 400 ``invalidSyntax`` otherwise, or when the array is empty or holds a non-object.
    Member names match case-insensitively (RFC 7643 §2.1).
    """
    if not isinstance(body, Mapping):
        raise _syntax("the PATCH body must be a JSON object")
    schemas_key = find_key(body, "schemas")
    declared = body.get(schemas_key) if schemas_key is not None else None
    if not isinstance(declared, list) or not any(
        isinstance(s, str) and s.lower() == urns.PATCH_OP.lower() for s in declared
    ):
        raise _syntax(f"the PATCH body must have schemas [{urns.PATCH_OP!r}]")
    ops_key = find_key(body, "Operations")
    operations = body.get(ops_key) if ops_key is not None else None
    if not isinstance(operations, list) or not operations:
        raise _syntax("the PATCH body must have a non-empty Operations array")
    if not all(isinstance(op, Mapping) for op in operations):
        raise _syntax("every PATCH operation must be a JSON object")
    return [dict(op) for op in operations]


def apply_patch(
    resource: Mapping[str, Any], operations: Sequence[object], rtype: ResourceType
) -> dict[str, Any]:
    """A new resource dict: ``resource`` with ``operations`` applied in order (RFC 7644 §3.5.2).

    ``resource`` is never modified. Raises :class:`ScimError` (400 with ``invalidSyntax``,
    ``invalidValue``, ``invalidPath``, ``noTarget`` or ``mutability``) at the first failing
    operation. An operation that changes nothing (adding a value already there) leaves the result
    equal to the input, so the caller can keep ``meta.lastModified`` (M-05).
    """
    result: dict[str, Any] = copy.deepcopy(dict(resource))
    touched: set[str] = set()
    for index, raw in enumerate(operations):
        op, path, value = _read_operation(raw, index)
        if path is None:
            _apply_pathless(result, rtype, op, value, touched)
        else:
            _apply(result, rtype, resolve_target(rtype, path), op, value, touched)
    _sync_schemas(result, rtype, touched)
    return result


def _read_operation(raw: object, index: int) -> tuple[Op, str | None, Any]:
    """``op`` (lower-cased), ``path`` and ``value`` of one operation, checked per RFC 7644 §3.5.2."""
    where = f"Operations[{index}]"
    if not isinstance(raw, Mapping):
        raise _syntax(f"{where} must be a JSON object")
    op_key = find_key(raw, "op")
    op = raw.get(op_key) if op_key is not None else None
    if not isinstance(op, str) or op.lower() not in _OPS:
        raise _syntax(f"{where}.op must be one of add, remove, replace (got {op!r})")
    name = cast(Op, op.lower())
    path_key = find_key(raw, "path")
    path = raw.get(path_key) if path_key is not None else None
    if path is not None and not isinstance(path, str):
        raise _syntax(f"{where}.path must be a string")
    value_key = find_key(raw, "value")
    value = raw[value_key] if value_key is not None else _ABSENT
    if name == "remove":
        if path is None:
            # RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with HTTP status
            # code 400 and a "scimType" error code of "noTarget"."
            raise ScimError(400, f"{where}: remove needs a path", "noTarget")
        return name, path, None if value is _ABSENT else value
    # RFC 7644 §3.5.2.1 / §3.5.2.3: the operation "MUST contain a "value" member". A JSON null is
    # accepted for replace only, where it unassigns the target (RFC 7643 §2.5).
    if value is _ABSENT or (value is None and name == "add"):
        raise ScimError(400, f"{where}: {name} needs a value", "invalidValue")
    return name, path, value


def _apply_pathless(
    resource: dict[str, Any], rtype: ResourceType, op: Op, value: Any, touched: set[str]
) -> None:
    """RFC 7644 §3.5.2.1 / §3.5.2.3: with no path "the target location is assumed to be the
    resource itself", and ``value`` holds the attributes to add or replace."""
    if not isinstance(value, Mapping):
        raise ScimError(400, f"a pathless {op} needs an object of attributes as its value", "invalidValue")
    for key, item in value.items():
        if not isinstance(key, str):
            raise invalid_path(repr(key))
        if key.lower() == "schemas":
            continue
        _apply(resource, rtype, resolve_target(rtype, key), op, item, touched)


def _apply(
    resource: dict[str, Any], rtype: ResourceType, target: PatchTarget, op: Op, value: Any, touched: set[str]
) -> None:
    """Apply one operation at ``target``, checking the attribute's mutability on old and new."""
    is_extension = target.schema is not rtype.schema
    if is_extension:
        touched.add(target.schema.id)
    if target.attribute is None:
        _apply_extension(resource, rtype, target, op, value, touched)
        return
    if is_extension:
        container = extension_object(resource, target.schema, create=op != "remove")
        if container is None:
            return  # removing from an extension the resource does not have: nothing to do
    else:
        container = resource
    attribute = target.attribute
    old = get_value(container, attribute.name)
    new = remove_value(target, old, value) if op == "remove" else set_value(target, old, value, op=op)
    if new == [] or new == {}:
        new = None  # RFC 7643 §2.5: an emptied attribute is unassigned
    guard(attribute, old, new)
    if attribute.required and new is None and old is not None:
        raise mutability_error(attribute.name, "is required and cannot be removed")
    put_value(container, attribute.name, new)


def _apply_extension(
    resource: dict[str, Any], rtype: ResourceType, target: PatchTarget, op: Op, value: Any, touched: set[str]
) -> None:
    """The path is an extension URN: remove the whole object, or add/replace its attributes."""
    if op == "remove":
        key = find_key(resource, target.schema.id)
        if key is not None:
            del resource[key]
        return
    if value is None and op == "replace":
        key = find_key(resource, target.schema.id)
        if key is not None:
            del resource[key]
        return
    if not isinstance(value, Mapping):
        raise ScimError(400, f"the value for {target.schema.id} must be an object", "invalidValue")
    for key, item in value.items():
        if not isinstance(key, str):
            raise invalid_path(repr(key))
        if key.lower() == "schemas":
            continue
        inner = resolve_target(rtype, f"{target.schema.id}:{key}")
        _apply(resource, rtype, inner, op, item, touched)


def _sync_schemas(resource: dict[str, Any], rtype: ResourceType, touched: set[str]) -> None:
    """Keep ``schemas`` in step with the extensions a PATCH touched.

    RFC 7643 §3: ``schemas`` lists the schemas of the attributes "the resource has"; so an
    extension that gains a value gets its URN, and one left empty is dropped with its URN.
    Extensions the PATCH did not touch are left exactly as they were.
    """
    if not touched:
        return
    schemas_key = find_key(resource, "schemas")
    declared = resource.get(schemas_key) if schemas_key is not None else None
    schemas: list[Any] = list(declared) if isinstance(declared, list) else [rtype.schema.id]
    for urn in sorted(touched):
        present = get_value(resource, urn) is not None
        if not present:
            put_value(resource, urn, None)
        listed = [s for s in schemas if isinstance(s, str) and s.lower() == urn.lower()]
        if present and not listed:
            schemas.append(urn)
        elif not present:
            schemas = [s for s in schemas if not any(s is item for item in listed)]
    if schemas != declared:
        resource[schemas_key or "schemas"] = schemas
