"""Evaluating a SCIM filter against a resource in memory (RFC 7644 §3.4.2.2).

The reference semantics that the SQL compiler must reproduce:

- "Filters MUST be evaluated using the following rules: ... a multi-valued attribute [matches]
  if any of its values matches" (an element of a multi-valued complex attribute for a
  sub-attribute path);
- "pr: If the attribute has a non-empty value, or if it contains a non-empty node for complex
  attributes, there is a match": null, ``""``, ``[]`` and ``{}`` (and containers holding only
  those) are not present;
- a value of the wrong JSON type matches no comparison; ``ne`` holds for a present value that
  differs (an unassigned attribute matches neither ``eq`` nor ``ne``; ``not (x eq v)`` matches it);
- attribute names are looked up case-insensitively (RFC 7643 §2.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_server.casefold import fold
from reference_server.filters.ast import Filter
from reference_server.filters.bind import (
    AttributeRef,
    BAnd,
    BCompare,
    BConst,
    BNot,
    BOr,
    Bound,
    BPresent,
    BValuePath,
    Unknown,
    bind,
    bind_element,
    normalize_datetime,
)
from schemas import Attribute, ResourceType


def is_present(value: Any) -> bool:
    """Whether ``value`` counts as present for ``pr`` (RFC 7644 §3.4.2.2, RFC 7643 §2.5)."""
    if value is None or value == "":
        return False
    if isinstance(value, list):
        return any(is_present(v) for v in value)
    if isinstance(value, dict):
        return any(is_present(v) for v in value.values())
    return True


def get_key(mapping: Any, name: str) -> Any:
    """``mapping[name]`` with ``name`` matched case-insensitively; None when absent or no mapping."""
    if not isinstance(mapping, Mapping):
        return None
    if name in mapping:
        return mapping[name]
    folded = name.lower()
    return next((v for k, v in mapping.items() if isinstance(k, str) and k.lower() == folded), None)


def _raw(target: AttributeRef, resource: Mapping[str, Any], element: Any) -> Any:
    """The value of the target's top-level attribute (or, relative, of its sub-attribute)."""
    if target.relative:
        assert target.sub is not None
        return get_key(element, target.sub.name)
    container: Any = resource
    if target.extension:
        assert target.schema is not None
        container = get_key(resource, target.schema.id)
    return get_key(container, target.attribute.name)


def _candidates(target: AttributeRef, resource: Mapping[str, Any], element: Any) -> list[Any]:
    """Every value the target holds: one per element for a multi-valued attribute."""
    value = _raw(target, resource, element)
    if target.relative:
        return [value]
    if target.attribute.multi_valued:
        items = value if isinstance(value, list) else []
        if target.sub is None:
            return items
        return [get_key(e, target.sub.name) for e in items if isinstance(e, dict)]
    if target.sub is None:
        return [value]
    return [get_key(value, target.sub.name)] if isinstance(value, dict) else []


def _elements(target: AttributeRef, resource: Mapping[str, Any]) -> list[dict[str, Any]]:
    value = _raw(target, resource, None)
    if target.attribute.multi_valued:
        return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []
    return [value] if isinstance(value, dict) else []


def _ordered(left: Any, op: str, right: Any) -> bool:
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if op == "gt":
        return bool(left > right)
    if op == "ge":
        return bool(left >= right)
    if op == "lt":
        return bool(left < right)
    return bool(left <= right)


def _compare(candidate: Any, node: BCompare) -> bool:
    if node.kind == "boolean":
        return isinstance(candidate, bool) and _ordered(candidate, node.op, node.value)
    if node.kind == "number":
        return (
            isinstance(candidate, int | float)
            and not isinstance(candidate, bool)
            and _ordered(candidate, node.op, node.value)
        )
    if not isinstance(candidate, str):
        return False
    if node.kind == "dateTime":
        parsed = normalize_datetime(candidate)
        return parsed is not None and _ordered(parsed[0], node.op, node.value)
    text = fold(candidate) if node.folded else candidate
    operand = str(node.value)
    if node.op == "co":
        return operand in text
    if node.op == "sw":
        return text.startswith(operand)
    if node.op == "ew":
        return text.endswith(operand)
    return _ordered(text, node.op, operand)


def _eval(node: Bound, resource: Mapping[str, Any], element: Any) -> bool:
    if isinstance(node, BAnd):
        return all(_eval(o, resource, element) for o in node.operands)
    if isinstance(node, BOr):
        return any(_eval(o, resource, element) for o in node.operands)
    if isinstance(node, BNot):
        return not _eval(node.operand, resource, element)
    if isinstance(node, BConst):
        return node.value
    if isinstance(node, BPresent):
        target = node.target
        if target.sub is None and not target.relative:
            return is_present(_raw(target, resource, element))
        return any(is_present(v) for v in _candidates(target, resource, element))
    if isinstance(node, BValuePath):
        return any(_eval(node.inner, resource, e) for e in _elements(node.target, resource))
    return any(_compare(v, node) for v in _candidates(node.target, resource, element))


def matches(
    node: Filter, resource: Mapping[str, Any], rtype: ResourceType, *, unknown: Unknown = "error"
) -> bool:
    """Whether ``resource`` (as the server returns it) satisfies the filter ``node``.

    Raises 400 ``invalidFilter`` when the filter does not fit ``rtype`` (see :func:`bind`, also
    for ``unknown``).
    """
    return _eval(bind(node, rtype, unknown=unknown), resource, None)


def matches_value(node: Filter, element: Mapping[str, Any], attribute: Attribute) -> bool:
    """Whether one ``element`` of the complex ``attribute`` satisfies the value filter ``node``
    (``type eq "work"`` of ``emails[type eq "work"]``, RFC 7644 §3.5.2).

    Raises 400 ``invalidFilter`` when ``node`` names no sub-attribute of ``attribute``.
    """
    return _eval(bind_element(node, attribute), {}, element)
