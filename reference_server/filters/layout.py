"""Where each attribute's values live in the reference server's SQLite tables (``storage/ddl.py``).

The SQL compiler asks this module for an *accessor*: a SQL expression for one value of a
target, typed the way the filter compares it (NULL when the stored JSON value has another type,
which then matches no comparison, as in the evaluator). Values come from the indexed columns
where there are some (``users.user_name``, ``user_emails.value``, ... folded when the attribute
is caseExact=false), from ``group_members`` for the derived ``members`` / ``groups``, and from
the JSON document otherwise. It also names the suffix indexes (``co`` / ``ew``) of a target.

SQL text built here only ever holds identifiers and JSON paths taken from the schema
definitions, never a filter's values; :func:`json_path` refuses anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from reference_server.filters.bind import AttributeRef, Kind, invalid_filter
from reference_server.storage import ddl
from schemas import Attribute, ResourceType, urns

_SAFE_KEY = re.compile(r"[A-Za-z0-9$:._\-]+")


def json_path(*keys: str) -> str:
    """A SQL string literal holding the JSON path ``$."k1"."k2"...`` (keys quoted: URNs hold dots)."""
    for key in keys:
        if not _SAFE_KEY.fullmatch(key):
            raise ValueError(f"unsafe JSON key {key!r}")
    return "'$" + "".join(f'."{k}"' for k in keys) + "'"


class Accessor(Protocol):
    """One value of a target as SQL."""

    def typed(self, kind: Kind, folded: bool) -> str:
        """The value when it has the JSON type of ``kind`` (folded if asked), else NULL.

        For ``boolean`` it is the JSON type name instead (``'true'`` / ``'false'``).
        """
        ...

    def present(self) -> str:
        """A 0/1 expression: whether the value is present (``pr``)."""
        ...


@dataclass(frozen=True)
class JsonValue:
    """The JSON value at ``path`` (a literal from :func:`json_path`) of the JSON text ``base``."""

    base: str
    path: str

    def typed(self, kind: Kind, folded: bool) -> str:
        json_type = f"json_type({self.base}, {self.path})"
        extracted = f"json_extract({self.base}, {self.path})"
        if kind == "boolean":
            return json_type
        if kind == "number":
            return f"(CASE WHEN {json_type} IN ('integer', 'real') THEN {extracted} END)"
        text = f"(CASE {json_type} WHEN 'text' THEN {extracted} END)"
        return f"scim_fold({text})" if folded else text

    def present(self) -> str:
        return f"scim_present({self.base} -> {self.path})"


@dataclass(frozen=True)
class JsonAtom:
    """One element of a simple multi-valued attribute, as a row of ``json_each`` aliased ``alias``."""

    alias: str

    def typed(self, kind: Kind, folded: bool) -> str:
        if kind == "boolean":
            return f"{self.alias}.type"
        if kind == "number":
            return f"(CASE WHEN {self.alias}.type IN ('integer', 'real') THEN {self.alias}.atom END)"
        text = f"(CASE {self.alias}.type WHEN 'text' THEN {self.alias}.atom END)"
        return f"scim_fold({text})" if folded else text

    def present(self) -> str:
        a = self.alias
        json_text = f"CASE WHEN {a}.type IN ('object', 'array') THEN {a}.value ELSE json_quote({a}.value) END"
        return f"scim_present({json_text})"


@dataclass(frozen=True)
class SqlText:
    """A SQL text expression: a column, or a value derived from another table.

    ``folded`` when it already holds folded text (the index columns of caseExact=false
    attributes); ``guarded`` when it may hold a non-text value that must not compare.
    """

    sql: str
    folded: bool = False
    guarded: bool = False
    not_null: bool = False
    """A ``NOT NULL`` column (every row has the attribute)."""
    indexed: bool = False
    """A column with a B-tree index of its own, in plain BINARY order (``sw`` is a range of it)."""

    def typed(self, kind: Kind, folded: bool) -> str:
        if kind in ("boolean", "number"):
            return "NULL"
        value = f"(CASE WHEN typeof({self.sql}) = 'text' THEN {self.sql} END)" if self.guarded else self.sql
        if folded and not self.folded:
            return f"scim_fold({value})"
        if self.folded and not folded:
            raise AssertionError(f"{self.sql} holds folded text; it cannot compare case-exactly")
        return value

    def present(self) -> str:
        return f"({self.sql} IS NOT NULL AND {self.sql} != '')"


_USER_COLUMNS: dict[tuple[str, str], SqlText] = {
    ("id", ""): SqlText("r.id", not_null=True, indexed=True),
    ("externalid", ""): SqlText("r.external_id", indexed=True),
    ("username", ""): SqlText("r.user_name", folded=True, not_null=True, indexed=True),
    ("displayname", ""): SqlText("r.display_name", folded=True, indexed=True),
    ("meta", "created"): SqlText("r.created", not_null=True, indexed=True),
    ("meta", "lastmodified"): SqlText("r.last_modified", not_null=True, indexed=True),
}
_GROUP_COLUMNS: dict[tuple[str, str], SqlText] = {
    ("id", ""): SqlText("r.id", not_null=True, indexed=True),
    ("externalid", ""): SqlText("r.external_id", indexed=True),
    ("displayname", ""): SqlText("r.display_name", folded=True, not_null=True, indexed=True),
    ("meta", "created"): SqlText("r.created", not_null=True, indexed=True),
    ("meta", "lastmodified"): SqlText("r.last_modified", not_null=True, indexed=True),
}
_USER_SUFFIXES = {("username", ""): ddl.USER_NAME_SUFFIXES, ("externalid", ""): ddl.USER_EXTERNAL_ID_SUFFIXES}
_GROUP_SUFFIXES = {
    ("displayname", ""): ddl.GROUP_DISPLAY_NAME_SUFFIXES,
    ("externalid", ""): ddl.GROUP_EXTERNAL_ID_SUFFIXES,
}


@dataclass(frozen=True)
class Derived:
    """A multi-valued attribute rendered from ``group_members`` (a Group's ``members``, a User's
    ``groups``), exactly as ``storage/sqlite.py`` renders it."""

    from_sql: str
    """``FROM``/``JOIN`` clause; ``{m}`` and ``{o}`` stand for the aliases of the link and other row."""
    correlate: str
    """The join to the outer row ``r``."""
    order: str
    """The order the store renders the values in (the first is the sort key)."""
    subs: dict[str, str]
    """Sub-attribute (lower-case) to a SQL expression over ``{o}``."""
    guarded: frozenset[str] = frozenset()

    def accessor(self, sub: Attribute, m: str, o: str) -> SqlText:
        expression = self.subs.get(sub.name.lower())
        if expression is None:
            raise invalid_filter(f"filtering on {sub.name!r} is not supported")
        return SqlText(expression.format(m=m, o=o), guarded=sub.name.lower() in self.guarded)

    def exists(self, m: str, o: str, condition: str) -> str:
        clause = self.from_sql.format(m=m, o=o)
        return f"EXISTS (SELECT 1 FROM {clause} WHERE {self.correlate.format(m=m, o=o)} AND {condition})"


MEMBERS = Derived(
    from_sql="group_members AS {m} JOIN users AS {o} ON {o}.pk = {m}.user_pk",
    correlate="{m}.group_pk = r.pk",
    order="{o}.pk",
    subs={
        "value": "{o}.id",
        # The display given when the member joined, else the user's (storage/ddl.py, member_display).
        "display": "coalesce((SELECT d.display FROM member_display AS d WHERE d.group_pk = {m}.group_pk "
        "AND d.user_pk = {m}.user_pk), scim_text({o}.doc -> '$.displayName'), "
        "scim_text({o}.doc -> '$.userName'))",
        "type": "'User'",
    },
    guarded=frozenset({"display"}),
)
GROUPS = Derived(
    from_sql="group_members AS {m} JOIN groups AS {o} ON {o}.pk = {m}.group_pk",
    correlate="{m}.user_pk = r.pk",
    order="{o}.pk",
    subs={
        "value": "{o}.id",
        # Not json_extract: it stops at an escaped U+0000, so "\u0000x" would read as "".
        "display": "scim_text({o}.doc -> '$.displayName')",
        "type": "'direct'",
    },
    guarded=frozenset({"display"}),
)


@dataclass(frozen=True)
class Layout:
    """The tables behind one resource type (the row is aliased ``r``)."""

    users: bool
    """Whether ``r`` is a row of ``users`` (with ``user_emails``)."""
    columns: dict[tuple[str, str], SqlText]
    derived: dict[str, Derived]
    suffixes: dict[tuple[str, str], ddl.SuffixIndex] = field(default_factory=dict)
    """Columns with a suffix index, by the same key as ``columns``."""

    def column(self, target: AttributeRef) -> SqlText | None:
        if target.extension or target.relative:
            return None
        key = (target.attribute.name.lower(), target.sub.name.lower() if target.sub is not None else "")
        return self.columns.get(key)

    def derived_of(self, target: AttributeRef) -> Derived | None:
        if target.extension:
            return None
        return self.derived.get(target.attribute.name.lower())

    def is_email_value(self, target: AttributeRef) -> bool:
        return (
            self.users
            and not target.extension
            and target.attribute.name == "emails"
            and target.sub is not None
            and target.sub.name == "value"
        )

    def suffix_index(self, target: AttributeRef) -> ddl.SuffixIndex | None:
        """The suffix index holding the target's values, if it has one."""
        if self.is_email_value(target):
            return ddl.EMAIL_SUFFIXES
        if self.column(target) is None:
            return None
        return self.suffixes.get((target.attribute.name.lower(), ""))


def layout_of(rtype: ResourceType) -> Layout:
    """The layout for ``rtype``: Users and Groups have index columns; any other type is JSON only
    (a table with ``pk`` and ``doc``)."""
    if rtype.schema.id == urns.USER:
        return Layout(True, _USER_COLUMNS, {"groups": GROUPS}, _USER_SUFFIXES)
    if rtype.schema.id == urns.GROUP:
        return Layout(False, _GROUP_COLUMNS, {"members": MEMBERS}, _GROUP_SUFFIXES)
    return Layout(False, {}, {})


def doc_keys(target: AttributeRef) -> list[str]:
    """The JSON keys of the target's top-level attribute in ``r.doc``."""
    keys = [target.schema.id] if target.extension and target.schema is not None else []
    return [*keys, target.attribute.name]
