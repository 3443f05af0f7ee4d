"""Group membership PATCHes without rewriting the group (RFC 7644 §3.5.2).

Identity providers change membership one user at a time (OneLogin role pushes, Entra, Okta), on
groups that can hold most of a tenant. Applying such a PATCH through the general engine copies,
re-validates and rewrites every member; here the operations that only add or remove members by
id become a set of changes to the membership table instead, with the same results:

- ``{"op": "add", "path": "members", "value": [{"value": id}, ...]}`` — adding a member already
  there is a no-op (RFC 7644 §3.5.2.1);
- ``{"op": "remove", "path": "members[value eq \\"id\\"]"}`` — removing a non-member is a no-op;
- Entra's ``{"op": "Remove", "path": "members", "value": [{"value": id}, ...]}``.

Anything else (other paths, ``replace``, filters other than ``value eq``, members of another
type) returns None, and the general engine handles it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reference_server.errors import ScimError
from reference_server.filters import Comparison, parse_patch_path


@dataclass(frozen=True)
class MemberChanges:
    """The net effect of the operations: ids to be members afterwards, ids not to be, and the
    ``display`` given to an added member (kept for a member that joins; RFC 7643 §4.2)."""

    add: tuple[str, ...]
    remove: tuple[str, ...]
    displays: Mapping[str, str] = field(default_factory=dict)


def _members(value: object) -> dict[str, str | None] | None:
    """Member id → the display given with it (None: none), or None when ``value`` is more."""
    items = value if isinstance(value, list) else [value]
    members: dict[str, str | None] = {}
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("value"), str):
            return None
        if any(k not in ("value", "display", "$ref", "type") for k in item):
            return None
        if str(item.get("type", "User")).lower() != "user":
            return None
        display = item.get("display")
        members.setdefault(item["value"], display if isinstance(display, str) and display else None)
    return members


def _removed_by_path(path: str) -> str | None:
    try:
        parsed = parse_patch_path(path)
    except ScimError:
        return None
    node = parsed.value_filter
    if parsed.attr.lower() != "members" or parsed.sub is not None or not isinstance(node, Comparison):
        return None
    if node.path.lower() != "value" or node.op != "eq" or not isinstance(node.value, str):
        return None
    return node.value


def member_changes(operations: Sequence[Mapping[str, object]]) -> MemberChanges | None:
    """The membership changes ``operations`` amount to, or None when they do more than that."""
    last: dict[str, bool] = {}  # id -> member afterwards; the last operation on an id wins
    displays: dict[str, str] = {}
    for operation in operations:
        lowered = {str(k).lower(): v for k, v in operation.items()}
        op, path, value = lowered.get("op"), lowered.get("path"), lowered.get("value")
        if not isinstance(op, str) or not isinstance(path, str):
            return None
        op = op.lower()
        if op == "add" and path.lower() == "members":
            added = _members(value)
            if added is None or not added:
                return None
            last.update(dict.fromkeys(added, True))
            displays.update({i: d for i, d in added.items() if d is not None})
        elif op == "remove" and path.lower() == "members" and value is not None:
            removed_ids = _members(value)
            if removed_ids is None:
                return None
            last.update(dict.fromkeys(removed_ids, False))
        elif op == "remove" and "value" not in lowered:
            removed = _removed_by_path(path)
            if removed is None:
                return None
            last[removed] = False
        else:
            return None
    add = tuple(i for i, member in last.items() if member)
    return MemberChanges(
        add=add,
        remove=tuple(i for i, member in last.items() if not member),
        displays={i: displays[i] for i in add if i in displays},
    )
