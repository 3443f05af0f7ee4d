"""The group conversations: role → group membership pushes and the entitlement refresh.

Roles map to app groups by the app's rule [doc]; membership changes are ``PATCH /Groups/{id}``
[seen] with an RFC PatchOp body whose exact form is a profile knob [?]. A group OneLogin has not
linked yet is created with ``POST /Groups`` [doc]; when the app has it already (a 409, or the
sample server's 400 ``name_already_exists``), it is found by reading ``GET /Groups`` [doc] and
linked by displayName. With ``group_lookup_before_create`` (a knob, off: no source shows it) a
filtered ``GET /Groups?filter=displayName eq …`` comes first and finds it instead.
"""

from __future__ import annotations

from typing import Any

from simulator import basis
from simulator.flow import (
    Abort,
    FlowContext,
    SubPlan,
    body_object,
    expect,
    group_exists,
    lookup_group,
    lookup_user,
    paged,
    resource_id,
)
from simulator.plans import Event, Outcome, Plan
from simulator.tenant import OneLoginUser, Role
from simulator.wire import WireRequest


def find_group(c: FlowContext, name: str, event: Event, user_id: int | None) -> SubPlan[str | None]:
    """The app id of a group OneLogin has not linked: by the filtered lookup when the profile sends
    one, else by reading ``GET /Groups`` [doc] (every group it lists gets linked)."""
    if c.profile.group_lookup_before_create:
        return (yield from lookup_group(c, name, event, user_id))
    yield from listing(c, event)
    return c.links.group(name)


def ensure_group(c: FlowContext, name: str, event: Event, user_id: int | None) -> SubPlan[str]:
    """The app id of group ``name``: linked, looked up (when the profile says so), or created."""
    group_id = c.links.group(name)
    if group_id is not None:
        return group_id
    if c.profile.group_lookup_before_create:
        group_id = yield from lookup_group(c, name, event, user_id)
        if group_id is not None:
            return group_id
    request = c.requests.create_group(name, event, user_id)
    response = yield request
    if group_exists(c.profile, response):  # another event created it first, or the app had it
        group_id = yield from find_group(c, name, event, user_id)
        if group_id is None:
            message = f"{request} answered {response.status} but no group named {name!r} can be found"
            raise Abort(message, basis.GROUP_CREATE)
        return group_id
    expect(c, request, response)
    group_id = resource_id(request, body_object(request, response), "the group")
    c.links.link_group(name, group_id)
    return group_id


def add_member(c: FlowContext, group: str, member_id: str, event: Event, user_id: int | None) -> SubPlan[str]:
    """Ensure the group exists, then ``PATCH /Groups/{id}`` adding the member."""
    group_id = yield from ensure_group(c, group, event, user_id)
    display = None
    if user_id is not None and c.profile.member_add_style == "display":
        display = c.tenant.scim_username(c.tenant.user(user_id))
    request = c.requests.add_member(group_id, member_id, event, user_id, display)
    response = yield request
    expect(c, request, response)
    return group_id


def remove_member(
    c: FlowContext, group: str, member_id: str, event: Event, user_id: int | None
) -> SubPlan[str | None]:
    """``PATCH /Groups/{id}`` removing the member; nothing to do when the app has no such group."""
    group_id = c.links.group(group)
    if group_id is None:
        group_id = yield from find_group(c, group, event, user_id)
        if group_id is None:
            return None
    request = c.requests.remove_member(group_id, member_id, event, user_id)
    response = yield request
    expect(c, request, response)
    return group_id


def role_changed(c: FlowContext, user: OneLoginUser, role: Role, event: Event) -> Plan:
    """The group pushes a role change causes: the difference between the groups before and after.

    With the multi-value flag that is one group; without it the user moves from one ``;``-joined
    group to another. Works whether or not ``user.roles`` was already updated.
    """
    with_role = sorted({*user.roles, role.id})
    without = sorted(set(user.roles) - {role.id})
    before, after = (without, with_role) if event == "role_added" else (with_role, without)
    old, new = c.tenant.groups_of(user, before), c.tenant.groups_of(user, after)
    leaving, joining = [g for g in old if g not in new], [g for g in new if g not in old]
    if not leaving and not joining:
        return Outcome(event, user.id, True, "no group change", c.links.user(user.id))
    member_id = c.links.user(user.id)
    if member_id is None:
        member_id = yield from lookup_user(c, user, event)
    if member_id is None:
        return Outcome(event, user.id, True, "the app has no such user: no membership change")
    for group in leaving:
        yield from remove_member(c, group, member_id, event, user.id)
    for group in joining:
        yield from add_member(c, group, member_id, event, user.id)
    moves = [f"-{g}" for g in leaving] + [f"+{g}" for g in joining]
    return Outcome(event, user.id, True, " ".join(moves), member_id)


def listing(c: FlowContext, event: Event) -> SubPlan[int]:
    """``GET /Groups`` [doc], paged as the profile says: link every group by displayName."""

    def on_page(page: list[dict[str, Any]]) -> None:
        for group in page:
            name, group_id = group.get("displayName"), group.get("id")
            if isinstance(name, str) and isinstance(group_id, str):
                c.links.link_group(name, group_id)

    def make(start: int | None) -> WireRequest:
        return c.requests.list_groups(start, event)

    return (yield from paged(c, make, c.profile.groups_page_size, on_page))


def refresh(c: FlowContext) -> Plan:
    """The entitlement refresh: ``GET /Groups`` [doc], linking every group the app reports."""
    seen = yield from listing(c, "entitlement_refresh")
    return Outcome("entitlement_refresh", None, True, f"{seen} groups")
