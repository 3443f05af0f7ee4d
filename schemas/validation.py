"""JSON Schema validation of SCIM resources and messages (RFC 7643, RFC 7644).

The JSON Schema documents live in ``schemas/json/`` as package data; they ``$ref`` each other by
``$id`` through one :class:`referencing.Registry` built from those files alone, so nothing is
ever fetched from the network. Findings come back as :class:`Violation` values carrying a JSON
Pointer (RFC 6901) to the offending value and the JSON-Schema keyword that failed.
"""

from __future__ import annotations

import functools
import json
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from schemas import urns

__all__ = [
    "BASE_URI",
    "RESOURCE_TYPE_NAMES",
    "SCHEMA_NAMES",
    "Violation",
    "validate",
    "validate_list_response",
    "validate_resource",
    "validator",
]

BASE_URI = "https://scim-harness.dev/schemas/"

SCHEMA_NAMES: tuple[str, ...] = (
    "User",
    "EnterpriseUser",
    "Group",
    "ListResponse",
    "PatchOp",
    "Error",
    "SearchRequest",
    "ServiceProviderConfig",
    "ResourceType",
    "Schema",
)

# The resource schemas a ListResponse can carry, keyed by the core schema URN that identifies them.
_RESOURCE_URNS: dict[str, str] = {
    urns.USER: "User",
    urns.GROUP: "Group",
    urns.RESOURCE_TYPE: "ResourceType",
    urns.SCHEMA: "Schema",
}
RESOURCE_TYPE_NAMES: tuple[str, ...] = tuple(_RESOURCE_URNS.values())

# RFC 7643 §7: only "returned": "always" attributes survive ``attributes``/``excludedAttributes``
# (RFC 7644 §3.4.2.5): ``id`` (§3.1) and ``schemas``. A projected resource is held to these alone
# among its schema's ``required`` members (``userName`` is "default", §8.7.1; checklist R-11).
_ALWAYS_RETURNED = frozenset({"schemas", "id"})

# Only these formats are asserted. jsonschema registers a format checker only when its optional
# library is importable and otherwise lets every value pass, so their presence is checked below.
_FORMATS = ("date-time", "uri", "uri-reference")

# JSON Schema has no way to say "this message instead"; a schema may carry this annotation keyword
# (the ajv-errors convention) to replace the generic text of errors raised by its own keywords.
_MESSAGE_KEYWORD = "errorMessage"
_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60


@dataclass(frozen=True)
class Violation:
    """One way an instance breaks its schema."""

    pointer: str
    """JSON Pointer (RFC 6901) to the offending value; ``""`` is the whole document."""
    rule: str
    """The JSON-Schema keyword that failed: ``type``, ``required``, ``format``, ``pattern``..."""
    message: str
    """What is wrong, for a person."""

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message} ({self.rule})"


def _load_json(name: str) -> Any:
    text = resources.files("schemas").joinpath("json", name).read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _registry() -> Registry[Any]:
    """Every document in ``schemas/json/``, under its ``$id``; no retrieval of anything else."""
    folder = resources.files("schemas").joinpath("json")
    found: list[tuple[str, Resource[Any]]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        contents = _load_json(entry.name)
        uri = BASE_URI + entry.name
        if contents.get("$id") != uri:
            raise RuntimeError(
                f"schemas/json/{entry.name} must have $id {uri!r}, not {contents.get('$id')!r}"
            )
        Draft202012Validator.check_schema(contents)
        found.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(found).crawl()


@functools.cache
def _format_checker() -> FormatChecker:
    missing = [f for f in _FORMATS if f not in FormatChecker.checkers]
    if missing:
        raise RuntimeError(
            f"jsonschema cannot check the formats {', '.join(missing)}: "
            "install jsonschema[format-nongpl] (rfc3339-validator, rfc3986-validator)"
        )
    return FormatChecker(formats=_FORMATS)


@functools.cache
def validator(name: str) -> Validator:
    """The Draft 2020-12 validator for the schema ``schemas/json/{name}.json``, formats asserted.

    ``name`` is one of :data:`SCHEMA_NAMES`; anything else raises :class:`KeyError`.
    """
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no SCIM JSON schema named {name!r}; the names are: {', '.join(SCHEMA_NAMES)}")
    registry = _registry()
    schema = registry.contents(f"{BASE_URI}{name}.json")
    result: Validator = Draft202012Validator(schema, registry=registry, format_checker=_format_checker())
    return result


def _pointer(path: Iterable[object]) -> str:
    """RFC 6901: each reference token prefixed by "/", with "~" as "~0" and "/" as "~1"."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _message(error: ValidationError) -> str:
    custom = error.schema.get(_MESSAGE_KEYWORD) if isinstance(error.schema, dict) else None
    if isinstance(custom, str):
        return f"{custom}; got {_SHORT.repr(error.instance)}"
    return str(error.message)


def _violation(error: ValidationError, prefix: str = "") -> Violation:
    # A `false` subschema fails without a keyword of its own.
    rule = str(error.validator) if error.validator is not None else "false"
    return Violation(prefix + _pointer(error.absolute_path), rule, _message(error))


def _sort_key(violation: Violation) -> tuple[tuple[tuple[int, int, str], ...], str, str]:
    # Array indices compare as numbers, so /Resources/10 follows /Resources/9.
    tokens = tuple(
        (0, int(t), "") if t.isascii() and t.isdigit() else (1, 0, t)
        for t in violation.pointer.split("/")[1:]
    )
    return tokens, violation.rule, violation.message


def _sorted(violations: Iterable[Violation]) -> list[Violation]:
    return sorted(violations, key=_sort_key)


def validate(name: str, instance: object) -> list[Violation]:
    """Every violation of schema ``name`` by ``instance``, sorted by pointer; empty when valid."""
    return _sorted(_violation(e) for e in validator(name).iter_errors(instance))


def _check_type(resource_type: str) -> None:
    if resource_type not in RESOURCE_TYPE_NAMES:
        raise ValueError(
            f"no resource schema for {resource_type!r}; "
            f"the resource types are: {', '.join(RESOURCE_TYPE_NAMES)}"
        )


@functools.cache
def _projected_validator(name: str) -> Validator:
    """``validator(name)`` with the resource's top-level ``required`` cut to the always-returned
    members: what a response projected by ``attributes``/``excludedAttributes`` must still have."""
    base = validator(name)
    schema = dict(base.schema) if isinstance(base.schema, dict) else {}
    required = schema.get("required")
    if isinstance(required, list):
        schema["required"] = [r for r in required if r in _ALWAYS_RETURNED]
    result: Validator = Draft202012Validator(schema, registry=_registry(), format_checker=_format_checker())
    return result


def _resource_violations(
    resource: object, resource_type: str, prefix: str = "", *, projected: bool = False
) -> list[Violation]:
    check = _projected_validator(resource_type) if projected else validator(resource_type)
    return [_violation(e, prefix) for e in check.iter_errors(resource)]


def validate_resource(resource: object, resource_type: str, *, projected: bool = False) -> list[Violation]:
    """Violations of a User, Group, ResourceType or Schema resource (RFC 7643 §3-§7).

    A User is checked against the core schema and, when its
    ``urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`` attribute is present, against
    the enterprise extension (RFC 7643 §4.3); the pointers of those violations run through that
    attribute. ``resource_type`` is one of :data:`RESOURCE_TYPE_NAMES`, else :class:`ValueError`.

    ``projected``: the resource answers a request with ``attributes`` or ``excludedAttributes``
    (RFC 7644 §3.4.2.5, §3.9), so of the members the schema requires only ``schemas`` and ``id``
    (``returned: always``) must be there; every member present is still checked in full.
    """
    _check_type(resource_type)
    return _sorted(_resource_violations(resource, resource_type, projected=projected))


def _type_of(resource: object) -> str | None:
    """The resource type named by a resource's own ``schemas`` (RFC 7643 §3), if there is one."""
    listed = resource.get("schemas") if isinstance(resource, dict) else None
    if not isinstance(listed, list):
        return None
    return next((_RESOURCE_URNS[u] for u in listed if isinstance(u, str) and u in _RESOURCE_URNS), None)


def validate_list_response(
    body: object, resource_type: str | None, *, projected: bool = False
) -> list[Violation]:
    """Violations of a ListResponse (RFC 7644 §3.4.2) and of each resource in its ``Resources``.

    Each item is validated against its own resource schema, with pointers such as
    ``/Resources/3/emails/0/primary``. ``resource_type`` names that schema (one of
    :data:`RESOURCE_TYPE_NAMES`); ``None``, for a query at the server root that returns several
    types (RFC 7644 §3.4.2.1), reads each item's type from its ``schemas`` and checks items of no
    known type against the envelope alone. ``projected`` as for :func:`validate_resource`.
    """
    if resource_type is not None:
        _check_type(resource_type)
    found = [_violation(e) for e in validator("ListResponse").iter_errors(body)]
    items = body.get("Resources") if isinstance(body, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            item_type = resource_type if resource_type is not None else _type_of(item)
            if item_type is not None:
                found += _resource_violations(item, item_type, f"/Resources/{index}", projected=projected)
    # The envelope and the resource schema both require schemas and id: report such a finding once.
    return _sorted(dict.fromkeys(found))
