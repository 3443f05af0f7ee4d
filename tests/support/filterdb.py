"""A directory of users and groups in a real SQLite database, laid out as ``storage/ddl.py`` says,
for the filter tests: the SQL compiler is run against it and checked against the evaluator.

Rows are written the way the store writes them (folded index columns, ``user_emails`` with the
folded addresses, ``doc`` without ``meta.location`` and without a group's members), and the
resources the evaluator sees are rendered the way the store renders them (a user's ``groups``, a
group's ``members``).
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reference_server.casefold import fold
from reference_server.filters import Filter, compile_filter, matches, parse_filter, register_functions
from reference_server.storage import ddl
from schemas.definitions import GROUP_TYPE, USER_TYPE, ResourceType

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def open_db(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    for pragma in ddl.PRAGMAS:
        conn.execute(pragma)
    register_functions(conn)
    for statement in (*ddl.STATEMENTS, *ddl.SUFFIX_FILL):
        conn.execute(statement)
    return conn


def _folded(value: Any) -> str | None:
    return fold(value) if isinstance(value, str) else None


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _meta(resource_type: str, n: int) -> dict[str, str]:
    stamp = f"2024-01-{1 + n % 28:02d}T{n % 24:02d}:00:00.{n % 1000:03d}Z"
    return {"resourceType": resource_type, "created": stamp, "lastModified": stamp, "version": f'W/"{n}"'}


class Directory:
    """Users and groups, in SQLite and as rendered resources."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[str]] = {}
        self._pk: dict[str, int] = {}

    def add_user(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc = copy.deepcopy(doc)
        n = len(self.users) + 1
        doc.setdefault("id", f"user-{n}")
        doc.setdefault("schemas", [USER_URN])
        doc.setdefault("meta", _meta("User", n))
        cur = self.conn.execute(
            "INSERT INTO users (id, user_name, external_id, display_name, active, created, last_modified, "
            "version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc["id"],
                fold(doc["userName"]),
                doc.get("externalId"),
                _folded(doc.get("displayName")),
                0 if doc.get("active") is False else 1,
                doc["meta"]["created"],
                doc["meta"]["lastModified"],
                n,
                json.dumps(doc, ensure_ascii=False),
            ),
        )
        pk = int(cur.lastrowid or 0)
        given = doc.get("emails")
        emails = given if isinstance(given, list) else []
        values = {fold(e["value"]) for e in emails if isinstance(e, dict) and isinstance(e.get("value"), str)}
        self.conn.executemany(
            "INSERT INTO user_emails (user_pk, value) VALUES (?, ?)", [(pk, v) for v in sorted(values)]
        )
        self._pk[doc["id"]] = pk
        self.users[doc["id"]] = doc
        return doc

    def add_group(self, doc: dict[str, Any], member_ids: Sequence[str] = ()) -> dict[str, Any]:
        doc = copy.deepcopy(doc)
        n = len(self.groups) + 1
        doc.setdefault("id", f"group-{n}")
        doc.setdefault("schemas", [GROUP_URN])
        doc.setdefault("meta", _meta("Group", n))
        cur = self.conn.execute(
            "INSERT INTO groups (id, display_name, external_id, created, last_modified, version, doc) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                doc["id"],
                fold(doc["displayName"]),
                doc.get("externalId"),
                doc["meta"]["created"],
                doc["meta"]["lastModified"],
                n,
                json.dumps(doc, ensure_ascii=False),
            ),
        )
        pk = int(cur.lastrowid or 0)
        self.conn.executemany(
            "INSERT INTO group_members (group_pk, user_pk) VALUES (?, ?)",
            [(pk, self._pk[m]) for m in member_ids],
        )
        self._pk[doc["id"]] = pk
        self.groups[doc["id"]] = doc
        self.members[doc["id"]] = list(member_ids)
        return doc

    # -- what the server would return ------------------------------------------------------------

    def user_resource(self, user_id: str) -> dict[str, Any]:
        doc = copy.deepcopy(self.users[user_id])
        groups = [
            {"value": gid, "display": g.get("displayName"), "type": "direct"}
            for gid, g in self.groups.items()
            if user_id in self.members[gid]
        ]
        if groups:
            doc["groups"] = groups
        return doc

    def group_resource(self, group_id: str) -> dict[str, Any]:
        doc = copy.deepcopy(self.groups[group_id])
        members = sorted(self.members[group_id], key=lambda m: self._pk[m])
        if members:
            doc["members"] = [
                {
                    "value": m,
                    # As the store renders it: coalesce(displayName, userName).
                    "display": _coalesce(self.users[m].get("displayName"), self.users[m].get("userName")),
                    "type": "User",
                }
                for m in members
            ]
        return doc

    def resources(self, rtype: ResourceType) -> list[dict[str, Any]]:
        if rtype is USER_TYPE:
            return [self.user_resource(u) for u in self.users]
        return [self.group_resource(g) for g in self.groups]

    # -- queries ---------------------------------------------------------------------------------

    def select(self, node: Filter | str, rtype: ResourceType = USER_TYPE) -> set[str]:
        """The ids the compiled SQL selects."""
        tree = parse_filter(node) if isinstance(node, str) else node
        where, params = compile_filter(tree, rtype)
        table = "users" if rtype is USER_TYPE else "groups"
        rows = self.conn.execute(f"SELECT r.id FROM {table} AS r WHERE {where}", params)
        return {r[0] for r in rows}

    def expected(self, node: Filter | str, rtype: ResourceType = USER_TYPE) -> set[str]:
        """The ids the evaluator accepts."""
        tree = parse_filter(node) if isinstance(node, str) else node
        return {r["id"] for r in self.resources(rtype) if matches(tree, r, rtype)}

    def plan(self, text: str, rtype: ResourceType = USER_TYPE) -> str:
        where, params = compile_filter(parse_filter(text), rtype)
        table = "users" if rtype is USER_TYPE else "groups"
        rows = self.conn.execute(f"EXPLAIN QUERY PLAN SELECT r.id FROM {table} AS r WHERE {where}", params)
        return "\n".join(r[3] for r in rows)

    def sorted_ids(
        self, path: str, rtype: ResourceType = USER_TYPE, *, descending: bool = False
    ) -> list[str]:
        """Ids in ``sortBy=path`` order, ties by insertion, the way the store orders a page."""
        from reference_server.filters import compile_sort

        table = "users" if rtype is USER_TYPE else "groups"
        direction = "DESC" if descending else "ASC"
        order = f"{compile_sort(path, rtype)} {direction}, r.pk {direction}"
        return [r[0] for r in self.conn.execute(f"SELECT r.id FROM {table} AS r ORDER BY {order}")]


__all__ = ["ENTERPRISE", "GROUP_TYPE", "USER_TYPE", "Directory", "open_db"]
