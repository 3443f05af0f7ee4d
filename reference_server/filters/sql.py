"""Compiling SCIM filters and sort keys to SQLite (RFC 7644 §3.4.2.2, §3.4.2.3).

:func:`compile_filter` gives a parameterised boolean expression over the row ``r`` (of
``users`` or ``groups``) with the same result as :func:`~reference_server.filters.matches`:
values are only ever bound as ``?`` parameters. Lookups the OneLogin and Entra traffic makes
(``userName eq``, ``externalId eq``, ``id eq``, ``emails.value eq``, ``displayName eq``,
``meta.lastModified gt``) use B-tree indexes, and so do ``sw`` (a range of the indexed column)
and ``co`` / ``ew`` on ``userName``, ``externalId`` and ``emails.value`` (their suffix indexes,
``storage/ddl.py``), so that their cost does not grow with the table.

SQL's three-valued logic is kept out of the way: every leaf is 0, 1 or NULL where NULL means
"no value to compare", and ``not`` maps NULL to 0 before negating, so ``not (title eq "x")``
matches a user without a title, as in the evaluator.

:func:`compile_sort` gives an ``ORDER BY`` key (RFC 7644 §3.4.2.3): "for case-insensitive
attributes, sort the result using case-insensitive Unicode alphabetic sort order ..., and for
case-exact attribute types ... case-sensitive Unicode alphabetic sort order" (folded text, then
code point order); a multi-valued attribute sorts "by the value of the primary attribute ..., if
any, or else the first value in the list, if any"; and resources with "no data for the specified
"sortBy" value ... are ordered last if ascending and first if descending": a missing key is an
empty BLOB, which SQLite orders after every number and text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from reference_server.casefold import fold
from reference_server.errors import ScimError
from reference_server.filters.ast import Comparison, Filter
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
    Kind,
    Unknown,
    bind,
)
from reference_server.filters.layout import (
    Accessor,
    JsonAtom,
    JsonValue,
    Layout,
    SqlText,
    doc_keys,
    json_path,
    layout_of,
)
from reference_server.filters.parser import attr_path_syntax_ok
from reference_server.storage.ddl import SUFFIX_BYTES, SUFFIX_MIN_BYTES, UNINDEXED, tail, tail_index
from reference_server.typecache import TypeCache
from schemas import Attribute, ResourceType

Sql = tuple[str, list[object]]
Wrap = Callable[[str], str]
Scope = Callable[[Attribute], Accessor]

_SORT_KINDS: dict[str, Kind] = {
    "boolean": "boolean",
    "integer": "number",
    "decimal": "number",
    "dateTime": "dateTime",
}
_SQL_OPS = {"eq": "=", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_RANGE_OPS = frozenset({"eq", "sw", "gt", "ge", "lt", "le"})
_LAST_CODE_POINT = 0x10FFFF


def _same(condition: str) -> str:
    return condition


def _each(path: str, alias: str, condition: str, *, objects: bool = True) -> str:
    """Some element of the JSON array at ``path`` in ``r.doc`` (an object, unless not
    ``objects``) satisfies ``condition``.

    The CASE keeps JSON functions away from string elements, whatever order SQLite evaluates
    the WHERE terms in (json_extract on a plain string raises "malformed JSON").
    """
    if objects:
        condition = f"(CASE WHEN {alias}.type = 'object' THEN {condition} END)"
    return (
        f"EXISTS (SELECT 1 FROM json_each(r.doc, {path}) AS {alias} "
        f"WHERE json_type(r.doc, {path}) = 'array' AND {condition})"
    )


def _text_after(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix``, in code point order
    (which is SQLite's BINARY order of UTF-8 text), or None when there is none."""
    chars = list(prefix)
    while chars:
        code = ord(chars.pop()) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000  # surrogates are not text; nothing sorts between them
        if code <= _LAST_CODE_POINT:
            return "".join(chars) + chr(code)
    return None


def _bytes_after(prefix: bytes) -> bytes:
    """The least byte string above every one that starts with ``prefix`` (non-empty UTF-8, so its
    last byte is below 0xFF)."""
    return prefix[:-1] + bytes([prefix[-1] + 1])


def _prefix_range(value: str, prefix: str) -> Sql:
    """``value`` starts with ``prefix``, as a range an index on ``value`` answers. Exact: in code
    point order the strings starting with ``prefix`` are those from it up to :func:`_text_after`."""
    upper = _text_after(prefix)
    if upper is None:
        return f"{value} >= ?", [prefix]
    return f"({value} >= ? AND {value} < ?)", [prefix, upper]


def _condition(accessor: Accessor, node: BCompare) -> Sql:
    value = accessor.typed(node.kind, node.folded)
    if node.kind == "boolean":
        wanted = node.value if node.op == "eq" else not node.value
        return f"{value} = ?", ["true" if wanted else "false"]
    if node.op == "co":
        return f"instr({value}, ?) > 0", [node.value]
    if node.op == "sw" and isinstance(accessor, SqlText) and accessor.indexed and node.value:
        return _prefix_range(value, str(node.value))
    if node.op in ("sw", "ew"):
        return f"scim_{node.op}({value}, ?)", [node.value]
    return f"{value} {_SQL_OPS[node.op]} ?", [node.value]


class _Compiler:
    def __init__(self, rtype: ResourceType) -> None:
        self.layout: Layout = layout_of(rtype)
        self.aliases = 0

    def alias(self, prefix: str) -> str:
        self.aliases += 1
        return f"{prefix}{self.aliases}"

    # -- where a target's values are -------------------------------------------------------------

    def source(self, target: AttributeRef, *, selective: bool = True) -> tuple[Wrap, Accessor]:
        """How to reach the target's values: an accessor for one value and a wrapper turning a
        condition on it into "some value satisfies it".

        An address condition that is ``selective`` (it picks few addresses) is a list the outer
        query can start from; one that is not (``pr``, ``ne``) is checked for the user at hand
        instead, so that a selective condition beside it is not held up by building that list.
        """
        column = self.layout.column(target)
        if column is not None:
            return _same, column
        if self.layout.is_email_value(target):
            ue = self.alias("ue")
            listed = f"r.pk IN (SELECT {ue}.user_pk FROM user_emails AS {ue} WHERE {{}})"
            checked = f"EXISTS (SELECT 1 FROM user_emails AS {ue} WHERE {ue}.user_pk = r.pk AND {{}})"
            value = SqlText(f"{ue}.value", folded=True, indexed=True)
            return (listed if selective else checked).format, value
        derived = self.layout.derived_of(target)
        if derived is not None and target.sub is not None:
            m, o = self.alias("m"), self.alias("o")
            return lambda c: derived.exists(m, o, c), derived.accessor(target.sub, m, o)
        keys = doc_keys(target)
        if target.attribute.multi_valued:
            e, path = self.alias("e"), json_path(*keys)
            if target.sub is None:
                return lambda c: _each(path, e, c, objects=False), JsonAtom(e)
            return lambda c: _each(path, e, c), JsonValue(f"{e}.value", json_path(target.sub.name))
        if target.sub is not None:
            keys.append(target.sub.name)
        return _same, JsonValue("r.doc", json_path(*keys))

    # -- filters ---------------------------------------------------------------------------------

    def compile(self, node: Bound, scope: Scope | None = None) -> Sql:
        if isinstance(node, BAnd | BOr):
            parts = [self.compile(o, scope) for o in node.operands]
            joiner = " AND " if isinstance(node, BAnd) else " OR "
            return "(" + joiner.join(s for s, _ in parts) + ")", [p for _, ps in parts for p in ps]
        if isinstance(node, BNot):
            if self.is_not_null_compare(node.operand, "ne"):
                # Every row has the value, so "not ne" is "eq", which the column's index answers.
                assert isinstance(node.operand, BCompare)
                return self.compile(replace(node.operand, op="eq"), scope)
            sql, params = self.compile(node.operand, scope)
            return f"NOT coalesce({sql}, 0)", params
        if isinstance(node, BConst):
            return ("1" if node.value else "0"), []
        if isinstance(node, BValuePath):
            return self.value_path(node)
        target = node.target
        if target.relative:
            assert scope is not None
            assert target.sub is not None
            accessor = scope(target.sub)
            return (accessor.present(), []) if isinstance(node, BPresent) else _condition(accessor, node)
        if isinstance(node, BPresent):
            return self.present(target), []
        if node.op in ("co", "ew") and isinstance(node.value, str):
            found = self.suffix_lookup(node, node.value)
            if found is not None:
                return found
        wrap, accessor = self.source(target, selective=node.op != "ne")
        sql, params = _condition(accessor, node)
        return wrap(sql), params

    def is_not_null_compare(self, node: Bound, op: str) -> bool:
        """Whether ``node`` is an ``op`` comparison of a column every row has a value in."""
        if not isinstance(node, BCompare) or node.op != op or node.target.relative:
            return False
        column = self.layout.column(node.target)
        return column is not None and column.not_null and isinstance(node.value, str)

    def present(self, target: AttributeRef) -> str:
        if target.sub is not None:
            wrap, accessor = self.source(target, selective=False)
            return wrap(accessor.present())
        column = self.layout.column(target)
        if column is not None:
            return column.present()
        derived = self.layout.derived_of(target)
        if derived is not None:
            # Every rendered member has a value (an id), so any link row makes it present.
            m, o = self.alias("m"), self.alias("o")
            return derived.exists(m, o, "1")
        return JsonValue("r.doc", json_path(*doc_keys(target))).present()

    def suffix_lookup(self, node: BCompare, needle: str) -> Sql | None:
        """``co`` / ``ew`` on a target with a suffix index (``storage/ddl.py``): the index finds
        the candidates, the exact test decides.

        A value contains the needle when one of its suffixes starts with it (a range of the index)
        and ends with it when one of its suffixes is it; the index keeps the first
        ``SUFFIX_BYTES`` bytes of each suffix, so a longer needle is looked up by those. Values
        too long to index are always candidates (``UNINDEXED``). A needle shorter than
        ``SUFFIX_MIN_BYTES`` matches so much that reading every row is cheaper: None.
        """
        index = self.layout.suffix_index(node.target)
        encoded = needle.encode()
        if index is None or len(encoded) < SUFFIX_MIN_BYTES:
            return None
        key = encoded[:SUFFIX_BYTES]
        if node.op == "co":
            lookup, bounds = "suffix >= ? AND suffix < ?", [key, _bytes_after(key)]
        else:
            lookup, bounds = "suffix = ?", [key]
        # An address equal to its user's userName has its suffixes in the userName index only.
        indexes = [index] if index.equal_in is None else [index, index.equal_in]
        found = [f"SELECT {i.key} FROM {i.name} WHERE {lookup}" for i in indexes]
        params = bounds * len(indexes)
        for i in indexes:
            if i.tails is not None:
                # The suffixes from a value's ``@`` on are its tail's (storage/ddl.py).
                t = self.alias("t")
                # INDEXED BY: with ANALYZE's statistics (a few tails, many users each) SQLite would
                # rather scan every user and test each, where the few tails found lead to theirs.
                found.append(
                    f"SELECT {t}.pk FROM {i.table} AS {t} INDEXED BY {tail_index(i)} "
                    f"WHERE {tail(f'{t}.{i.column}')} IN (SELECT tail FROM {i.tails} WHERE {lookup})"
                )
                params += bounds
        found += [f"SELECT {i.key} FROM {i.name} WHERE suffix = {UNINDEXED}" for i in indexes]
        candidates = f"r.pk IN ({' UNION ALL '.join(found)})"
        if not index.lazy:
            exact, exact_params = _condition(self.source(node.target)[1], node)
            return f"({candidates} AND {exact})", [*params, *exact_params]
        # The index is per user, not per address, and lazy: the address must hold the needle itself.
        ue = self.alias("ue")
        exact, exact_params = _condition(SqlText(f"{ue}.value", folded=True), node)
        check = f"EXISTS (SELECT 1 FROM user_emails AS {ue} WHERE {ue}.user_pk = r.pk AND {exact})"
        return f"({candidates} AND {check})", [*params, *exact_params]

    def value_path(self, node: BValuePath) -> Sql:
        target, inner = node.target, node.inner
        if not target.attribute.multi_valued:
            # A single complex attribute: its sub-attributes are plain paths, once it is an object.
            path = json_path(*doc_keys(target))

            def absolute(sub: Attribute) -> Accessor:
                return self.source(replace(target, sub=sub))[1]

            sql, params = self.compile(inner, absolute)
            return f"(json_type(r.doc, {path}) = 'object' AND {sql})", params
        derived = self.layout.derived_of(target)
        if derived is not None:
            m, o = self.alias("m"), self.alias("o")
            sql, params = self.compile(inner, lambda sub: derived.accessor(sub, m, o))
            return derived.exists(m, o, sql), params
        prefilter = self.email_prefilter(target, inner)
        if prefilter is not None and prefilter[0] is inner:
            return self.compile(_absolute(target, inner))
        e, path = self.alias("e"), json_path(*doc_keys(target))
        sql, params = self.compile(inner, lambda sub: JsonValue(f"{e}.value", json_path(sub.name)))
        exists = _each(path, e, sql)
        if prefilter is None:
            return exists, params
        if len(prefilter) == 1:
            index_sql, index_params = self.compile(_absolute(target, prefilter[0]))
        else:
            # One address satisfies them all: one range of the index (value > ? AND value < ?).
            ue = self.alias("ue")
            value = SqlText(f"{ue}.value", folded=True, indexed=True)
            conditions = [_condition(value, leaf) for leaf in prefilter if isinstance(leaf, BCompare)]
            where = " AND ".join(sql for sql, _ in conditions)
            index_sql = f"r.pk IN (SELECT {ue}.user_pk FROM user_emails AS {ue} WHERE {where})"
            index_params = [p for _, ps in conditions for p in ps]
        return f"({index_sql} AND {exists})", [*index_params, *params]

    def email_prefilter(self, target: AttributeRef, inner: Bound) -> tuple[Bound, ...] | None:
        """Leaves of ``emails[...]`` on ``value`` that every matching email satisfies, which the
        ``user_emails`` indexes can answer (the whole filter when it is one such leaf): the
        first, or all the comparisons an index range answers when there are several (``value gt
        "a" and value lt "b"``: the same address is in both)."""
        if not self.layout.is_email_value(replace(target, sub=target.attribute.sub("value"))):
            return None
        candidates = inner.operands if isinstance(inner, BAnd) else (inner,)
        leaves = [leaf for leaf in candidates if _on_value(leaf)]
        ranges = tuple(leaf for leaf in leaves if isinstance(leaf, BCompare) and leaf.op in _RANGE_OPS)
        if len(ranges) > 1:
            return ranges
        return (leaves[0],) if leaves else None

    # -- sorting ---------------------------------------------------------------------------------

    def sort_key(self, target: AttributeRef) -> str:
        kind = _SORT_KINDS.get(target.leaf.type, "string")
        folded = kind == "string" and not target.leaf.case_exact

        def typed(accessor: Accessor) -> str:
            value = accessor.typed(kind, folded)
            if kind == "boolean":
                return f"(CASE {value} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
            return value

        if not target.attribute.multi_valued:
            return typed(self.source(target)[1])
        derived = self.layout.derived_of(target)
        if derived is not None and target.sub is not None:
            m, o = "sort_m", "sort_o"
            clause = derived.from_sql.format(m=m, o=o)
            key = typed(derived.accessor(target.sub, m, o))
            where = derived.correlate.format(m=m, o=o)
            order = derived.order.format(m=m, o=o)
            return f"(SELECT {key} FROM {clause} WHERE {where} ORDER BY {order} LIMIT 1)"
        e, path = "sort_e", json_path(*doc_keys(target))
        if target.sub is None:
            key = typed(JsonAtom(e))
            primary = "0"
        else:
            value = typed(JsonValue(f"{e}.value", json_path(target.sub.name)))
            key = f"(CASE WHEN {e}.type = 'object' THEN {value} END)"
            primary = f"(CASE WHEN {e}.type = 'object' THEN json_type({e}.value, '$.primary') = 'true' END)"
        return (
            f"(SELECT {key} FROM json_each(r.doc, {path}) AS {e} WHERE json_type(r.doc, {path}) = 'array' "
            f"ORDER BY {primary} DESC, {e}.key LIMIT 1)"
        )


def _on_value(node: Bound) -> bool:
    """Whether ``node`` is a leaf on the ``value`` sub-attribute."""
    sub = node.target.sub if isinstance(node, BCompare | BPresent) else None
    return sub is not None and sub.name == "value"


def _absolute(target: AttributeRef, node: Bound) -> Bound:
    """A leaf of ``attr[...]`` as the plain path ``attr.sub``."""
    if isinstance(node, BCompare | BPresent):
        absolute = replace(target, sub=node.target.sub)
        return replace(node, target=absolute)
    raise AssertionError(node)


_SHAPE_OPS = frozenset({"eq", "ne", "gt", "ge", "lt", "le"})
"""The operators whose SQL for a string operand does not depend on the string (``sw``, ``co`` and
``ew`` may use a suffix index or a range, which do)."""

_SHAPES: TypeCache[tuple[str, str, str], tuple[str, bool]] = TypeCache(1024)
"""The SQL of a top-level ``path op "string"`` by resource type and (path as written, op,
unknown): the expression, and whether the operand is bound folded. Every lookup an identity
provider sends has one of a few such shapes with a fresh value."""


def compile_filter(
    node: Filter, rtype: ResourceType, *, unknown: Unknown = "error"
) -> tuple[str, list[object]]:
    """A SQL boolean expression over the row ``r`` and its parameters, selecting exactly the
    resources :func:`~reference_server.filters.matches` accepts.

    Raises 400 ``invalidFilter`` when the filter does not fit ``rtype`` (see
    :func:`~reference_server.filters.bind`, also for ``unknown``).
    """
    shapes = None
    if isinstance(node, Comparison) and isinstance(node.value, str) and node.op in _SHAPE_OPS:
        shapes = _SHAPES.of(rtype)
        known = shapes.get((node.path, node.op, unknown))
        if known is not None:
            return known[0], [fold(node.value) if known[1] else node.value]
    bound = bind(node, rtype, unknown=unknown)
    sql, params = _Compiler(rtype).compile(bound)
    if (
        shapes is not None
        and isinstance(node, Comparison)
        and isinstance(bound, BCompare)
        and bound.kind == "string"
        and bound.op == node.op
        and params == [bound.value]
    ):
        # Only a comparison bound as it was written, whose one parameter is its operand: the
        # SQL holds for any other string (dateTime operands are rewritten, so never kept).
        _SHAPES.put(shapes, (node.path, node.op, unknown), (sql, bound.folded))
    return sql, params


def compile_sort(path: str, rtype: ResourceType) -> str:
    """An ``ORDER BY`` expression (without direction) for ``sortBy=path`` (RFC 7644 §3.4.2.3).

    Raises 400 ``invalidValue`` when ``path`` names no attribute that can be sorted on.
    """
    text = path.strip()
    found = rtype.resolve(text) if attr_path_syntax_ok(text) else None
    if found is None:
        raise ScimError(400, f"sortBy {path[:80]!r} is not an attribute of a {rtype.name}", "invalidValue")
    target = AttributeRef(
        found.schema, found.attribute, found.sub, extension=found.schema is not rtype.schema
    )
    if target.leaf.returned == "never":
        raise ScimError(400, f"sortBy {path!r} is never returned, so it cannot be sorted on", "invalidValue")
    if target.leaf.type == "complex":
        value = target.leaf.sub("value")
        if value is None:
            raise ScimError(
                400, f"sortBy {path!r} is complex; sort by one of its sub-attributes", "invalidValue"
            )
        target = replace(target, sub=value)
    compiler = _Compiler(rtype)
    try:
        key = compiler.sort_key(target)
    except ScimError as exc:
        raise ScimError(400, f"sortBy {path!r}: {exc.detail}", "invalidValue") from None
    column = compiler.layout.column(target)
    if column is not None and column.not_null:
        return key  # a bare column, so that an index can deliver the order
    return f"coalesce({key}, x'')"
