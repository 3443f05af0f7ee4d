"""The directory the app should hold after the traffic: built from the writes the server accepted.

Every accepted exchange updates the model the way a SCIM server must (RFC 7644 §3.3 create, §3.5.1
replace, §3.5.2 patch, §3.6 delete), plus the app-side behaviour a target has beyond SCIM,
described by :class:`AppBehaviour`. Reconciliation compares this model with the server's state.

Memory: one small record per user and one membership set per group; attribute values are the
shared (interned) strings of :mod:`simulator.attributes`. Nothing per request is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from simulator.attributes import Attributes, active_of, patched_attributes, user_attributes
from simulator.verify import filter_equality
from simulator.wire import Exchange

_MEMBER_FILTER = re.compile(r'^\s*members\s*\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]\s*$', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AppBehaviour:
    """What the app behind the SCIM API does on its own, which the expected directory must follow."""

    removes_suspended_from_groups: bool = True
    """The app removes suspended users from groups: when ``active`` goes true → false, the user
    leaves every group (Cerby: a suspended user loses team access; the reference server does it).
    Other apps may keep memberships: set False and suspended users stay expected members."""

    put_keeps_active: bool = True
    """A PUT without ``active`` keeps the user's current value (RFC 7644 §3.5.1 leaves omitted
    attributes to the provider; OneLogin's template has no ``active``, so attribute sync must not
    reactivate anyone). False: after such a PUT the user's ``active`` is not checked."""


@dataclass(slots=True)
class UserState:
    """What the app should hold for one user the traffic created or linked."""

    user_id: int | None
    """The OneLogin user the writes came from."""
    event: str
    """The last event that wrote the user (for reports)."""
    active: bool | None
    """None: unknown (not checked)."""
    attributes: Attributes | None = None
    """What the last push set (:func:`~simulator.attributes.user_attributes`); None: never pushed."""


@dataclass(slots=True)
class GroupState:
    """One group's expected members: ``present`` must be members, ``absent`` must not."""

    name: str
    created: bool
    """Created by this traffic: its whole membership is known, so no other known user may be in it."""
    present: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)


def _resource_id(path: str) -> str:
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


def _json(raw: bytes | None) -> Any:
    try:
        return None if raw is None else json.loads(raw)
    except ValueError:
        return None


@dataclass(slots=True)
class Directory:
    """The expected directory: users and groups by their SCIM id, and the ids deleted."""

    behaviour: AppBehaviour = field(default_factory=AppBehaviour)
    users: dict[str, UserState] = field(default_factory=dict)
    groups: dict[str, GroupState] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def apply(self, exchange: Exchange) -> None:
        """Update the model with one exchange (ignored unless the server answered 2xx)."""
        status = exchange.response.status
        if not 200 <= status < 300:
            return
        request = exchange.request
        handler = getattr(self, f"_on_{request.operation}", None)
        if handler is not None:
            handler(exchange)

    # --- users -------------------------------------------------------------------------------------
    def _on_create_user(self, exchange: Exchange) -> None:
        sent, body = _json(exchange.request.body), _json(exchange.response.body)
        scim_id = body.get("id") if isinstance(body, Mapping) else None
        if not isinstance(scim_id, str) or not isinstance(sent, Mapping):
            return
        active = active_of(sent)
        state = UserState(
            exchange.request.user_id, exchange.request.event, True if active is None else active
        )
        state.attributes = user_attributes(sent)
        self.users[scim_id] = state
        self.deleted.discard(scim_id)

    def _on_lookup_user(self, exchange: Exchange) -> None:
        body = _json(exchange.response.body)
        found = body.get("Resources") if isinstance(body, Mapping) else None
        equality = filter_equality(exchange.request)
        if not isinstance(found, list) or len(found) != 1 or equality is None:
            return
        resource = found[0]
        scim_id = resource.get("id") if isinstance(resource, Mapping) else None
        name = resource.get("userName") if isinstance(resource, Mapping) else None
        if not isinstance(scim_id, str) or scim_id in self.users:
            return
        if not isinstance(name, str) or name.lower() != equality[1].lower():
            return  # the server answered for someone else: verification reports it
        # a user the app already had: linked by OneLogin, state as the server reported it
        self.users[scim_id] = UserState(exchange.request.user_id, exchange.request.event, active_of(resource))

    def _on_replace_user(self, exchange: Exchange) -> None:
        sent = _json(exchange.request.body)
        if not isinstance(sent, Mapping):
            return
        state = self._user(exchange)
        state.attributes = user_attributes(sent)
        active = active_of(sent)
        if active is not None:
            self._set_active(_resource_id(exchange.request.path), state, active)
        elif not self.behaviour.put_keeps_active:
            state.active = None

    def _on_patch_user(self, exchange: Exchange) -> None:
        sent = _json(exchange.request.body)
        operations = sent.get("Operations") if isinstance(sent, Mapping) else None
        state = self._user(exchange)
        if state.attributes is not None and isinstance(operations, list):
            state.attributes = patched_attributes(state.attributes, operations)
        for operation in operations if isinstance(operations, list) else []:
            value = operation.get("value") if isinstance(operation, Mapping) else None
            path = operation.get("path") if isinstance(operation, Mapping) else None
            if isinstance(value, Mapping) and path is None:
                active = active_of(value)
            elif isinstance(path, str) and path.lower() == "active":
                active = active_of({"active": value})
            else:
                continue
            if active is not None:
                self._set_active(_resource_id(exchange.request.path), state, active)

    def _on_delete_user(self, exchange: Exchange) -> None:
        scim_id = _resource_id(exchange.request.path)
        self.users.pop(scim_id, None)
        self.deleted.add(scim_id)
        for group in self.groups.values():
            group.present.discard(scim_id)
            group.absent.discard(scim_id)  # a deleted id must not be a member: reconcile checks `deleted`

    def _user(self, exchange: Exchange) -> UserState:
        scim_id = _resource_id(exchange.request.path)
        state = self.users.get(scim_id)
        if state is None:  # written without being created or looked up first
            state = self.users[scim_id] = UserState(exchange.request.user_id, exchange.request.event, None)
        state.event = exchange.request.event
        return state

    def _set_active(self, scim_id: str, state: UserState, active: bool) -> None:
        was = state.active
        state.active = active
        if active or not self.behaviour.removes_suspended_from_groups or was is False:
            return
        for group in self.groups.values():
            group.present.discard(scim_id)
            if was is True:
                group.absent.add(scim_id)
            else:  # unknown before: whether the app removed the user is unknown too
                group.absent.discard(scim_id)

    # --- groups ------------------------------------------------------------------------------------
    def _on_create_group(self, exchange: Exchange) -> None:
        sent, body = _json(exchange.request.body), _json(exchange.response.body)
        scim_id = body.get("id") if isinstance(body, Mapping) else None
        name = sent.get("displayName") if isinstance(sent, Mapping) else None
        if isinstance(scim_id, str):
            self.groups[scim_id] = GroupState(name if isinstance(name, str) else "", created=True)

    def _on_lookup_group(self, exchange: Exchange) -> None:
        body = _json(exchange.response.body)
        found = body.get("Resources") if isinstance(body, Mapping) else None
        if isinstance(found, list) and len(found) == 1 and isinstance(found[0], Mapping):
            scim_id, name = found[0].get("id"), found[0].get("displayName")
            if isinstance(scim_id, str) and scim_id not in self.groups:
                self.groups[scim_id] = GroupState(name if isinstance(name, str) else "", created=False)

    def _on_patch_group(self, exchange: Exchange) -> None:
        sent = _json(exchange.request.body)
        operations = sent.get("Operations") if isinstance(sent, Mapping) else None
        scim_id = _resource_id(exchange.request.path)
        group = self.groups.get(scim_id)
        if group is None:
            group = self.groups[scim_id] = GroupState("", created=False)
        for operation in operations if isinstance(operations, list) else []:
            if isinstance(operation, Mapping):
                self._member_operation(group, operation)

    def _member_operation(self, group: GroupState, operation: Mapping[str, Any]) -> None:
        op = str(operation.get("op", "")).lower()
        path = operation.get("path")
        path = path if isinstance(path, str) else ""
        values = operation.get("value")
        ids = [v.get("value") for v in values if isinstance(v, Mapping)] if isinstance(values, list) else []
        match = _MEMBER_FILTER.match(path)
        if match is not None:
            ids = [match.group(1)]
        elif path.strip().lower() != "members":
            return
        for member in (i for i in ids if isinstance(i, str)):
            if op == "add":
                group.present.add(member)
                group.absent.discard(member)
            elif op == "remove":
                group.present.discard(member)
                group.absent.add(member)
