"""The SCIM filter syntax tree (RFC 7644 §3.4.2.2) and PATCH paths (RFC 7644 §3.5.2).

RFC 7644 §3.4.2.2::

    FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
    valuePath = attrPath "[" valFilter "]"
    attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
    logExp    = FILTER SP ("and" / "or") SP FILTER

Nodes keep the attribute path as written (``name.familyName``, or with its schema URN); binding
it to the schema happens later (:mod:`reference_server.filters.bind`), so one tree serves both
the in-memory evaluator and the SQL compiler. ``and`` / ``or`` chains are n-ary so that a long
flat filter stays a shallow tree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal, TypeAlias

CompareOp = Literal["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]
COMPARE_OPS: tuple[CompareOp, ...] = ("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le")

Value: TypeAlias = str | int | float | bool | None
"""A ``compValue``: ``false / null / true / number / string`` (RFC 7644 §3.4.2.2)."""


@dataclass(frozen=True)
class Comparison:
    """``attrPath compareOp compValue``; ``op`` is lower-case whatever the filter's spelling."""

    path: str
    op: CompareOp
    value: Value


@dataclass(frozen=True)
class Present:
    """``attrPath pr``: the attribute has a non-empty value."""

    path: str


@dataclass(frozen=True)
class And:
    """``FILTER and FILTER ...`` (two or more operands)."""

    operands: tuple[Filter, ...]


@dataclass(frozen=True)
class Or:
    """``FILTER or FILTER ...`` (two or more operands)."""

    operands: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    """``not (FILTER)``."""

    operand: Filter


@dataclass(frozen=True)
class ValuePath:
    """``attrPath[valFilter]``: ``filter`` applies to one value of the attribute at a time, and
    its attribute paths name sub-attributes (``emails[type eq "work" and value co "@x.com"]``)."""

    path: str
    filter: Filter


Filter: TypeAlias = Comparison | Present | And | Or | Not | ValuePath


@dataclass(frozen=True)
class PatchPath:
    """A PATCH ``path`` (RFC 7644 §3.5.2): ``PATH = attrPath / valuePath [subAttr]``.

    ``attr`` is the ``attrPath`` as written: ``[URN ":"] attr ["." sub]``. ``value_filter`` is
    the ``valuePath`` filter, if any, and ``sub`` the ``subAttr`` after its closing bracket:
    ``emails[type eq "work"].value`` is ``PatchPath("emails", <type eq "work">, "value")``.
    """

    attr: str
    value_filter: Filter | None = None
    sub: str | None = None


def render_value(value: Value) -> str:
    """``value`` as a filter literal (a JSON value)."""
    return json.dumps(value, ensure_ascii=False)


def render(node: Filter) -> str:
    """The filter as text that :func:`~reference_server.filters.parse_filter` reads back to ``node``
    (logical operands are parenthesised where precedence needs it)."""
    if isinstance(node, Comparison):
        return f"{node.path} {node.op} {render_value(node.value)}"
    if isinstance(node, Present):
        return f"{node.path} pr"
    if isinstance(node, Not):
        return f"not ({render(node.operand)})"
    if isinstance(node, ValuePath):
        return f"{node.path}[{render(node.filter)}]"
    if isinstance(node, And):
        return " and ".join(f"({render(o)})" if isinstance(o, Or | And) else render(o) for o in node.operands)
    return " or ".join(f"({render(o)})" if isinstance(o, Or) else render(o) for o in node.operands)
