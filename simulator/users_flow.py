"""The user conversations: connection test, push (assign / update / reactivate), deprovision, import.

Shapes from onelogin-profile.md: a push is a userName lookup followed by ``POST /Users`` (nothing
found) or ``PUT /Users/{id}?`` with the whole template (one found) [seen]; deprovisioning follows the
app's action (Delete → ``DELETE /Users/{id}`` [doc], Suspend → ``"active": false`` [guess], Do nothing
→ no request [doc]).
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
    lookup_user,
    paged,
    resource_id,
    resources,
)
from simulator.groups_flow import add_member
from simulator.plans import Event, Outcome, Plan
from simulator.settings import DeletionAction
from simulator.tenant import OneLoginUser


def connection_test(c: FlowContext, user_name: str) -> Plan:
    """One filtered GET for a userName nobody has: 200 with no resources, or 404 [doc]."""
    request = c.requests.connection_test(user_name)
    response = yield request
    expect(c, request, response)
    if response.status == 200:
        found, _ = resources(request, response)
        if found and c.profile.connection_test_style == "filter":
            message = (
                f"{request} returned {len(found)} user(s) for a random userName: the filter seems ignored"
            )
            raise Abort(message, basis.CONNECTION_TEST)
    return Outcome("connection_test", None, True, f"answered {response.status}")


def create(c: FlowContext, user: OneLoginUser, event: Event, active: bool | None) -> SubPlan[str]:
    """``POST /Users`` with the rendered template; links the 201's id [doc]."""
    request = c.requests.create_user(c.requests.user_body(user, c.tenant, c.links, active), event, user.id)
    response = yield request
    expect(c, request, response)
    body = body_object(request, response)
    scim_id = resource_id(request, body, "the user")
    name = body.get("name")
    if c.profile.require_name_in_create_response and not (
        isinstance(name, dict) and "givenName" in name and "familyName" in name
    ):
        message = (
            f"{request} answered 201 without name.givenName and name.familyName; "
            f"{c.profile.idp_name} needs both"
        )
        raise Abort(message, basis.CREATE_RESPONSE)
    c.links.link_user(user.id, scim_id)
    return scim_id


def replace(
    c: FlowContext, user: OneLoginUser, scim_id: str, event: Event, active: bool | None
) -> SubPlan[str]:
    """``PUT /Users/{id}?`` with the whole rendered template (not a diff) [seen]; or, as the
    profile says, a PATCH of the attributes (Entra) or of ``active`` alone (a reactivation by PATCH)."""
    if active is not None and c.profile.reactivate_style == "patch":
        request = c.requests.set_active(scim_id, active, event, user.id)
        response = yield request
        expect(c, request, response)
        return scim_id
    body = c.requests.user_body(user, c.tenant, c.links, active)
    if c.profile.update_style != "put":
        request = c.requests.patch_user(scim_id, body, event, user.id)
    else:
        if c.profile.update_reads_user:
            read = c.requests.read_user(scim_id, event, user.id)
            answer = yield read
            expect(c, read, answer)
            body = _over(body_object(read, answer), body)
        request = c.requests.replace_user(scim_id, body, event, user.id)
    response = yield request
    expect(c, request, response)
    return scim_id


def _over(current: dict[str, Any], rendered: dict[str, Any]) -> dict[str, Any]:
    """The app's copy of the user with the rendered attributes over it (one level into objects)."""
    merged = dict(current)
    for key, value in rendered.items():
        old = merged.get(key)
        merged[key] = {**old, **value} if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def push(
    c: FlowContext, user: OneLoginUser, event: Event, active: bool | None, *, lookup: bool | None = None
) -> Plan:
    """Lookup (per the profile, or when not linked), then POST when absent or PUT when present."""
    scim_id = c.links.user(user.id)
    if scim_id is None or (c.profile.update_preceded_by_lookup if lookup is None else lookup):
        scim_id = yield from lookup_user(c, user, event)
    if scim_id is None:
        scim_id = yield from create(c, user, event, active)
        return Outcome(event, user.id, True, "created", scim_id)
    yield from replace(c, user, scim_id, event, active)
    return Outcome(event, user.id, True, "replaced", scim_id)


def assign(c: FlowContext, user: OneLoginUser) -> Plan:
    """Push with a lookup every time [seen], then add the user to its roles' groups [guess]."""
    outcome: Outcome = yield from push(c, user, "assign", None, lookup=True)
    if c.profile.assign_pushes_groups and outcome.scim_id is not None:
        for group in c.tenant.groups_of(user):
            yield from add_member(c, group, outcome.scim_id, "assign", user.id)
    return outcome


def deprovision(c: FlowContext, user: OneLoginUser, event: Event, action: DeletionAction) -> Plan:
    """What the app's action says for a deleted, unassigned or suspended user."""
    if action == "nothing":
        return Outcome(event, user.id, True, "action is Do nothing: no request", c.links.user(user.id))
    scim_id = c.links.user(user.id)
    lookup = (
        c.profile.update_preceded_by_lookup if action == "suspend" else c.profile.delete_preceded_by_lookup
    )
    if scim_id is None or lookup:
        scim_id = yield from lookup_user(c, user, event)
    if scim_id is None:
        return Outcome(event, user.id, True, "the app has no such user: nothing to do")
    if action == "delete":
        request = c.requests.delete_user(scim_id, event, user.id)
        response = yield request
        expect(c, request, response)
        c.links.unlink_user(user.id)
        return Outcome(event, user.id, True, "deleted")
    if c.profile.suspend_style == "patch":
        request = c.requests.set_active(scim_id, False, event, user.id)
        response = yield request
        expect(c, request, response)
    else:
        yield from replace(c, user, scim_id, event, False)
    return Outcome(event, user.id, True, "suspended", scim_id)


def import_users(c: FlowContext) -> Plan:
    """``GET /Users`` paged; each app user whose userName matches a OneLogin user gets linked."""
    linked = 0

    def on_page(page: list[dict[str, Any]]) -> None:
        nonlocal linked
        for resource in page:
            name, scim_id = resource.get("userName"), resource.get("id")
            if not isinstance(name, str) or not isinstance(scim_id, str):
                continue
            user = c.tenant.find_by_scim_username(name)
            if user is not None:
                c.links.link_user(user.id, scim_id)
                linked += 1

    seen = yield from paged(c, c.requests.list_users, c.profile.import_page_size, on_page)
    return Outcome("import", None, True, f"{seen} app users, {linked} linked to {c.profile.idp_name} users")
