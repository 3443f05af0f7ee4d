"""Binding a filter to a resource type: attribute resolution and type rules (RFC 7644 §3.4.2.2).

Binding turns the syntax tree into a tree whose leaves know their attribute, the kind of
comparison to make and a normalised operand, so that the evaluator and the SQL compiler share
every rule and differ only in where the values live:

- an unknown attribute is 400 ``invalidFilter``; so is one the server cannot or must not filter
  on (``returned: never``, and the references it derives when rendering, like ``meta.location``);
- "a complex attribute ... [compared] without a sub-attribute" means its ``value`` sub-attribute
  (``emails co "x"`` is ``emails.value co "x"``); a complex attribute with no ``value`` cannot be
  compared;
- Table 9: "the specified filter syntax was invalid ... or the specified attribute and filter
  comparison combination is not supported": ``gt``/``ge``/``lt``/``le`` on a boolean or binary,
  ``co``/``sw``/``ew`` on anything but text, and a literal of the wrong JSON type
  (``active eq "yes"``) are ``invalidFilter``;
- "String type attributes are case exact if the attribute's "caseExact" characteristic is true";
  case-insensitive operands are folded here once (:func:`reference_server.casefold.fold`);
- "dateTime ... the server SHALL perform a date or time comparison": operands are parsed as
  RFC 3339 and normalised to the stored form ``YYYY-MM-DDTHH:MM:SS.fffZ`` (UTC, milliseconds);
- ``eq null`` means "not present" and ``ne null`` "present" (RFC 7643 §2.5: null is unassigned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeAlias

from reference_server.casefold import fold
from reference_server.errors import ScimError
from reference_server.filters.ast import (
    And,
    CompareOp,
    Comparison,
    Filter,
    Not,
    Or,
    Present,
    ValuePath,
)
from reference_server.typecache import TypeCache
from schemas import Attribute, ResourceSchema, ResourceType

Kind = Literal["string", "boolean", "number", "dateTime"]

_ORDERING: frozenset[str] = frozenset({"gt", "ge", "lt", "le"})
_SUBSTRING: frozenset[str] = frozenset({"co", "sw", "ew"})
# Attributes the server derives while rendering a resource; no store holds them.
_DERIVED: frozenset[tuple[str, str]] = frozenset(
    {("meta", "location"), ("members", "$ref"), ("groups", "$ref")}
)


SCHEMAS = Attribute("schemas", type="reference", multi_valued=True, mutability="readOnly")
"""RFC 7643 §3: every resource's ``schemas``; not in the schema definitions, yet RFC 7644
§3.4.2.2 filters on it (``schemas eq "urn:...:enterprise:2.0:User"``)."""


@dataclass(frozen=True)
class AttributeRef:
    """Where a leaf's values are: ``attribute`` (top level) and maybe one ``sub``-attribute.

    ``relative`` targets belong to a value filter and are read from one element of
    ``attribute``. ``schema`` is None only for those (the element is given, not looked up).
    """

    schema: ResourceSchema | None
    attribute: Attribute
    sub: Attribute | None = None
    relative: bool = False
    extension: bool = False
    """Whether the attribute lives under its schema URN key (an extension attribute)."""

    @property
    def leaf(self) -> Attribute:
        return self.sub or self.attribute

    def describe(self) -> str:
        return self.attribute.name + (f".{self.sub.name}" if self.sub is not None else "")


@dataclass(frozen=True)
class BCompare:
    """One comparison; ``value`` is normalised (folded when ``folded``, dateTimes canonical)."""

    target: AttributeRef
    op: CompareOp
    value: str | int | float | bool
    kind: Kind
    folded: bool = False


@dataclass(frozen=True)
class BPresent:
    target: AttributeRef


@dataclass(frozen=True)
class BAnd:
    operands: tuple[Bound, ...]


@dataclass(frozen=True)
class BOr:
    operands: tuple[Bound, ...]


@dataclass(frozen=True)
class BNot:
    operand: Bound


@dataclass(frozen=True)
class BValuePath:
    """``attr[filter]``: ``target`` names the complex attribute; ``inner`` has relative targets."""

    target: AttributeRef
    inner: Bound


@dataclass(frozen=True)
class BConst:
    """A comparison whose outcome binding already knows (``eq`` with sub-millisecond time)."""

    value: bool


Bound: TypeAlias = BCompare | BPresent | BAnd | BOr | BNot | BValuePath | BConst


def invalid_filter(detail: str) -> ScimError:
    return ScimError(400, f"invalid filter: {detail}", "invalidFilter")


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def normalize_datetime(text: str) -> tuple[str, bool] | None:
    """``text`` (RFC 3339) as ``YYYY-MM-DDTHH:MM:SS.fffZ`` in UTC, and whether digits below the
    millisecond were cut off; None when it is no RFC 3339 date-time."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    digits = fraction or ""
    try:
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
        offset = timedelta(0) if zulu else timedelta(hours=int(off_h), minutes=int(off_m))
        if not zulu and (int(off_h) > 23 or int(off_m) > 59):
            return None
        utc = local - offset if sign != "-" else local + offset
    except (ValueError, OverflowError):
        return None
    millis = (digits + "000")[:3]
    stamp = f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}.{millis}Z"
    return stamp, digits[3:].strip("0") != ""


Unknown = Literal["error", "unassigned"]
"""What an attribute the resource type does not define means: 400 ``invalidFilter``, or an
unassigned attribute (a root search over several types: ``displayName pr or userName eq "x"``
must still find Groups)."""


class _Unassigned(Exception):
    """The path names no attribute of the type, and that is to be read as "unassigned"."""


_TARGETS: TypeCache[str, AttributeRef] = TypeCache(4096)
"""The target of a top-level path that binds, by resource type and path as written: a client looks
resources up by the same few paths, and resolving one goes through case-folded lookups."""


class _Binder:
    def __init__(self, rtype: ResourceType | None, unknown: Unknown = "error") -> None:
        self.rtype = rtype
        self.unknown = unknown

    def target(self, path: str, element_of: AttributeRef | None) -> AttributeRef:
        if element_of is not None or self.rtype is None:
            return self._target(path, element_of)
        targets = _TARGETS.of(self.rtype)
        target = targets.get(path)
        if target is None:
            target = self._target(path, None)
            _TARGETS.put(targets, path, target)
        return target

    def _target(self, path: str, element_of: AttributeRef | None) -> AttributeRef:
        if element_of is not None:
            sub = element_of.attribute.sub(path) if "." not in path and ":" not in path else None
            if sub is None:
                raise invalid_filter(f"{element_of.attribute.name!r} has no sub-attribute {path!r}")
            target = AttributeRef(element_of.schema, element_of.attribute, sub, relative=True)
        else:
            assert self.rtype is not None
            found = self.rtype.resolve(path)
            if found is not None:
                extension = found.schema is not self.rtype.schema
                target = AttributeRef(found.schema, found.attribute, found.sub, extension=extension)
            elif path.lower() == "schemas":
                target = AttributeRef(self.rtype.schema, SCHEMAS)
            elif self.unknown == "unassigned":
                raise _Unassigned(path)
            else:
                raise invalid_filter(f"{path!r} is not an attribute of a {self.rtype.name}")
        names = (target.attribute.name.lower(), target.sub.name.lower() if target.sub else "")
        if target.leaf.returned == "never" or target.attribute.returned == "never":
            raise invalid_filter(f"{path!r} is never returned, so it cannot be filtered on")
        if names in _DERIVED:
            raise invalid_filter(f"filtering on {path!r} is not supported")
        return target

    def bind(self, node: Filter, element_of: AttributeRef | None) -> Bound:
        try:
            return self.node(node, element_of)
        except _Unassigned:
            # Unassigned: every comparison fails, "pr" too; only "eq null" holds.
            return BConst(isinstance(node, Comparison) and node.op == "eq" and node.value is None)

    def node(self, node: Filter, element_of: AttributeRef | None) -> Bound:
        if isinstance(node, And):
            return BAnd(tuple(self.bind(o, element_of) for o in node.operands))
        if isinstance(node, Or):
            return BOr(tuple(self.bind(o, element_of) for o in node.operands))
        if isinstance(node, Not):
            return BNot(self.bind(node.operand, element_of))
        if isinstance(node, Present):
            return BPresent(self.target(node.path, element_of))
        if isinstance(node, ValuePath):
            if element_of is not None:
                raise invalid_filter("value filters cannot be nested")
            target = self.target(node.path, None)
            if target.sub is not None or target.attribute.type != "complex":
                raise invalid_filter(f"{node.path!r} is not a complex attribute, so it takes no [filter]")
            return BValuePath(target, self.bind(node.filter, target))
        return self.comparison(node, self.target(node.path, element_of))

    def comparison(self, node: Comparison, target: AttributeRef) -> Bound:
        if target.leaf.type == "complex":
            value_sub = target.leaf.sub("value")
            if value_sub is None:
                raise invalid_filter(f"{node.path!r} is complex; compare one of its sub-attributes")
            target = AttributeRef(
                target.schema, target.attribute, value_sub, target.relative, target.extension
            )
        op, value, leaf = node.op, node.value, target.leaf
        where = f"{node.path} {op}"
        if value is None:
            if op == "eq":
                return BNot(BPresent(target))
            if op == "ne":
                return BPresent(target)
            raise invalid_filter(f"{where} null: null can only be compared with eq or ne")
        if leaf.type == "boolean":
            if op != "eq" and op != "ne":
                raise invalid_filter(f"{where}: {leaf.name} is a boolean, which only eq and ne compare")
            if not isinstance(value, bool):
                raise invalid_filter(f"{where}: {leaf.name} is a boolean; compare it with true or false")
            return BCompare(target, op, value, "boolean")
        if leaf.type in ("integer", "decimal"):
            if op in _SUBSTRING:
                raise invalid_filter(f"{where}: {leaf.name} is a number, which {op} cannot compare")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise invalid_filter(f"{where}: {leaf.name} is a number; compare it with a number")
            return BCompare(target, op, value, "number")
        if not isinstance(value, str):
            raise invalid_filter(f'{where}: {leaf.name} is a {leaf.type}; compare it with a "string"')
        if leaf.type == "dateTime":
            return self.datetime(target, node, value)
        if leaf.type == "binary" and op in _ORDERING:
            raise invalid_filter(f"{where}: {leaf.name} is binary, which {op} cannot compare")
        if leaf.case_exact:
            return BCompare(target, op, value, "string")
        return BCompare(target, op, fold(value), "string", folded=True)

    def datetime(self, target: AttributeRef, node: Comparison, value: str) -> Bound:
        op = node.op
        if op in _SUBSTRING:
            raise invalid_filter(
                f"{node.path} {op}: {target.leaf.name} is a dateTime, which {op} cannot compare"
            )
        parsed = normalize_datetime(value)
        if parsed is None:
            raise invalid_filter(f"{node.path} {op}: {value[:60]!r} is not an RFC 3339 date-time")
        stamp, finer = parsed
        if not finer:
            return BCompare(target, op, stamp, "dateTime")
        # Stored times have milliseconds: against an operand between two of them, "eq" never
        # holds, and the orderings are those of the millisecond just below it.
        if op == "eq":
            return BConst(False)
        if op == "ne":
            return BOr((BCompare(target, "le", stamp, "dateTime"), BCompare(target, "gt", stamp, "dateTime")))
        return BCompare(target, "gt" if op in ("gt", "ge") else "le", stamp, "dateTime")


def bind(node: Filter, rtype: ResourceType, *, unknown: Unknown = "error") -> Bound:
    """``node`` checked against ``rtype`` and normalised; 400 ``invalidFilter`` if it does not fit.

    With ``unknown="unassigned"`` an attribute ``rtype`` does not define is taken as unassigned
    instead of an error (other misfits, like ``active gt true``, remain errors).
    """
    return _Binder(rtype, unknown).bind(node, None)


def bind_element(node: Filter, attribute: Attribute) -> Bound:
    """A value filter (``type eq "work"`` of ``emails[type eq "work"]``) bound to ``attribute``."""
    if attribute.type != "complex":
        raise invalid_filter(f"{attribute.name!r} is not a complex attribute, so it takes no [filter]")
    return _Binder(None).bind(node, AttributeRef(None, attribute))
