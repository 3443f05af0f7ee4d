"""Remapping server-assigned ids when a recording is replayed against another target.

Ids in a recording are the recorded server's. As the replay goes, :class:`IdMap` learns which new
id stands for each old one: from create responses (the recorded ``id`` and the new one), and from
lookups and listings (resources paired by ``userName`` / ``displayName``). It then rewrites ids in
request paths (``/Users/{id}``), in JSON bodies (``members`` values, ``managerId``) and inside
PATCH path filters (``members[value eq "<id>"]``). Queries are left alone: OneLogin puts no ids in
them, and rewriting a raw query would change the wire form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_NAME_KEYS = ("userName", "displayName")


def _name(resource: Mapping[str, Any]) -> str | None:
    for key in _NAME_KEYS:
        value = resource.get(key)
        if isinstance(value, str):
            return f"{key}:{value.lower()}"
    return None


class IdMap:
    """Old (recorded) id → new id."""

    __slots__ = ("ids",)

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def get(self, old: str) -> str:
        """The new id for ``old`` (``old`` itself when unknown)."""
        return self.ids.get(old, old)

    def learn(self, old: str, new: str) -> None:
        if old and new:
            self.ids[old] = new

    def learn_bodies(self, recorded: Any, replayed: Any) -> None:
        """Pair the ids of a recorded and a replayed response body (a resource or a ListResponse)."""
        if not isinstance(recorded, Mapping) or not isinstance(replayed, Mapping):
            return
        old, new = recorded.get("id"), replayed.get("id")
        if isinstance(old, str) and isinstance(new, str):
            self.learn(old, new)
        old_items, new_items = recorded.get("Resources"), replayed.get("Resources")
        if isinstance(old_items, list) and isinstance(new_items, list):
            by_name = {_name(r): r.get("id") for r in new_items if isinstance(r, Mapping)}
            for item in old_items:
                if not isinstance(item, Mapping):
                    continue
                new_id, old_id = by_name.get(_name(item)), item.get("id")
                if isinstance(old_id, str) and isinstance(new_id, str):
                    self.learn(old_id, new_id)

    def path(self, path: str) -> str:
        """``path`` with each segment that is a known old id replaced (percent-encoding kept)."""
        parts = path.split("/")
        changed = False
        for index, part in enumerate(parts):
            old = unquote(part)
            if old in self.ids:
                parts[index] = quote(self.ids[old], safe="")
                changed = True
        return "/".join(parts) if changed else path

    def body(self, value: Any) -> Any:
        """A JSON value with known old ids replaced, in values and in quoted filter literals."""
        if isinstance(value, str):
            if value in self.ids:
                return self.ids[value]
            if '"' in value:
                return _QUOTED.sub(lambda m: f'"{self.ids.get(m.group(1), m.group(1))}"', value)
            return value
        if isinstance(value, list):
            return [self.body(v) for v in value]
        if isinstance(value, dict):
            return {k: self.body(v) for k, v in value.items()}
        return value
