"""Where a PATCH operation points: RFC 7644 §3.5.2 paths resolved against the attribute model.

RFC 7644 §3.5.2: ``PATH = attrPath / valuePath [subAttr]``. A plain ``attrPath`` (``[URN ":"]
attr ["." sub]``, RFC 7644 §3.10) is resolved by :meth:`ResourceType.resolve`; a ``valuePath``
(``emails[type eq "work"].value``) is parsed by :func:`reference_server.filters.parse_patch_path`.
A path equal to an extension URN addresses the whole extension object (RFC 7644 §3.5.2.1 shows a
pathless add whose value holds the enterprise extension by its URN; the same key works as a path).

"If the target location ... does not exist ... the attribute and value are added" is a matter for
the operations; an attribute the schema does not define is "an invalid path": RFC 7644 §3.5.2,
400 ``invalidPath``.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from reference_server.errors import ScimError
from reference_server.filters import And, Comparison, Filter, parse_patch_path
from schemas import Attribute, ResourceSchema, ResourceType


@dataclass(frozen=True)
class PatchTarget:
    """A resolved PATCH target.

    ``attribute`` is None when the path is an extension URN alone (the whole extension object).
    ``sub`` is the sub-attribute (``name.givenName``, ``emails[...].value``); ``value_filter`` the
    valuePath filter of a multi-valued complex attribute.
    """

    schema: ResourceSchema
    attribute: Attribute | None
    sub: Attribute | None = None
    value_filter: Filter | None = None


def invalid_path(path: str, why: str = "names no attribute of this resource type") -> ScimError:
    """RFC 7644 §3.5.2: an invalid path is 400 ``invalidPath``."""
    return ScimError(400, f"PATCH path {path!r} {why}", "invalidPath")


def resolve_target(rtype: ResourceType, text: str) -> PatchTarget:
    """The target of ``text`` (a PATCH ``path`` or a key of a pathless ``value``).

    Raises 400 ``invalidPath`` for an unknown attribute, a sub-attribute of a non-complex
    attribute, or a filter on anything but a multi-valued complex attribute; a filter syntax
    error is reported by the filter parser (400 ``invalidPath``).
    """
    path = text.strip()
    if not path:
        raise invalid_path(text, "is empty")
    extension = rtype.extension(path)
    if extension is not None:
        return PatchTarget(extension, None)
    if "[" not in path:
        found = rtype.resolve(path)
        if found is None:
            raise invalid_path(path)
        return PatchTarget(found.schema, found.attribute, found.sub)
    parsed = parse_patch_path(path)
    found = rtype.resolve(parsed.attr)
    if found is None:
        raise invalid_path(path)
    attribute, sub = found.attribute, found.sub
    if sub is not None:
        # "emails.value[...]": the filter must follow the multi-valued attribute itself.
        raise invalid_path(path, "puts a filter after a sub-attribute")
    if not (attribute.multi_valued and attribute.type == "complex"):
        raise invalid_path(path, "filters an attribute that is not multi-valued and complex")
    if parsed.sub is not None:
        sub = attribute.sub(parsed.sub)
        if sub is None:
            raise invalid_path(path)
    return PatchTarget(found.schema, attribute, sub, parsed.value_filter)


def find_key(mapping: Mapping[str, Any], name: str) -> str | None:
    """The key of ``mapping`` equal to ``name`` ignoring case (RFC 7643 §2.1), or None."""
    if name in mapping:
        return name
    folded = name.lower()
    return next((k for k in mapping if isinstance(k, str) and k.lower() == folded), None)


def get_value(mapping: Mapping[str, Any], name: str) -> Any:
    """The value stored under ``name`` (any case); None for unassigned, ``[]`` or ``{}`` (R-09)."""
    key = find_key(mapping, name)
    value = mapping.get(key) if key is not None else None
    return None if value == [] or value == {} else value


def put_value(mapping: MutableMapping[str, Any], name: str, value: Any) -> None:
    """Store ``value`` under the canonical ``name``, dropping other spellings of it.

    None, ``[]`` and ``{}`` unassign the attribute (RFC 7643 §2.5: they are the same state).
    """
    for key in [k for k in mapping if isinstance(k, str) and k.lower() == name.lower()]:
        del mapping[key]
    if value is not None and value != [] and value != {}:
        mapping[name] = value


def extension_object(
    resource: MutableMapping[str, Any], schema: ResourceSchema, *, create: bool
) -> dict[str, Any] | None:
    """The extension object of ``schema`` in ``resource`` under its canonical URN key.

    With ``create`` a missing (or non-object) one is made; without, None is returned for it.
    """
    key = find_key(resource, schema.id)
    current = resource.get(key) if key is not None else None
    if key is not None and isinstance(current, dict):
        if key != schema.id:
            del resource[key]
            resource[schema.id] = current
        return current
    if not create:
        return None
    if key is not None:
        del resource[key]
    created: dict[str, Any] = {}
    resource[schema.id] = created
    return created


def element_from_filter(value_filter: Filter | None, attribute: Attribute) -> dict[str, Any] | None:
    """The new value a valuePath filter describes, or None when it describes no single value.

    Only ``sub eq literal`` comparisons joined by ``and`` describe one: ``type eq "work"`` gives
    ``{"type": "work"}``. Anything else (``or``, ``co``, ``pr``, ``not``) selects without saying
    what a new value would be.
    """
    if value_filter is None:
        return None
    parts = value_filter.operands if isinstance(value_filter, And) else (value_filter,)
    out: dict[str, Any] = {}
    for part in parts:
        if not isinstance(part, Comparison) or part.op != "eq" or part.value is None:
            return None
        name = part.path
        if name.lower().startswith(attribute.name.lower() + "."):
            name = name[len(attribute.name) + 1 :]
        sub = attribute.sub(name)
        if sub is None or find_key(out, sub.name) is not None:
            return None
        out[sub.name] = part.value
    return out
