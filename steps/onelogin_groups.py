"""Steps of roles → group memberships, the entitlement refresh and the user import.

OneLogin maps roles to the app's groups by a rule (here ``"{role} (<run id>)"``, so each scenario has
its own groups). A role change is ``PATCH /Groups/{id}`` after the group is found by displayName or
created; the entitlement refresh is ``GET /Groups``; the import is ``GET /Users`` page by page
(onelogin-profile.md, "Requests per lifecycle event"). All of it comes from the simulator's plans.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qsl, quote

from pytest_bdd import given, then, when

from schemas import urns
from steps.common import assert_status, body_of
from steps.idp import Conversation, OneLogin, converse, phrase, quoted, send_one, who
from steps.idp_diagnosis import assert_accepted
from steps.wire import ScimClient


def _find_group(scim: ScimClient, onelogin: OneLogin, role: str) -> list[dict[str, Any]]:
    """OneLogin's own displayName lookup (it does not link what it finds: no plan runs)."""
    request = onelogin.connector.requests.lookup_group(onelogin.group_of(role), "lookup")
    sent = send_one(scim, onelogin, "lookup", request).exchanges[0]
    if sent.status == 404:
        return []
    assert_status(sent.response, 200)
    found = body_of(sent.response).get("Resources") or []
    assert isinstance(found, list)
    return found


def _group_id(scim: ScimClient, onelogin: OneLogin, role: str) -> str:
    linked = onelogin.connector.links.group(onelogin.group_of(role))
    if linked:
        return linked
    found = _find_group(scim, onelogin, role)
    assert found, f"the app has no group {onelogin.group_of(role)!r}"
    return str(found[0]["id"])


def _members(scim: ScimClient, onelogin: OneLogin, role: str) -> list[str]:
    response = scim.get(f"/Groups/{quote(_group_id(scim, onelogin, role), safe='')}")
    assert_status(response, 200)
    return [str(m.get("value")) for m in body_of(response).get("members") or []]


# --- the app's side ---------------------------------------------------------------------------------
@given(phrase('the app already has the group for the role "{role:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, role: str) -> None:
    """Created outside OneLogin (a plain RFC POST), so OneLogin has not linked it."""
    body = {"schemas": [urns.GROUP], "displayName": onelogin.group_of(role)}
    assert_status(scim.post("/Groups", body), 201)


@given("OneLogin imports a few users per page", target_fixture="onelogin")
def _(scim: ScimClient, onelogin: OneLogin) -> OneLogin:
    """The profile's ``import_page_size`` knob [?], sized from the target so the import takes ~4 pages."""
    response = scim.get("/Users", params={"startIndex": 1, "count": 1})
    assert_status(response, 200)
    total = body_of(response).get("totalResults")
    assert isinstance(total, int), "the ListResponse has no integer totalResults (RFC 7644 §3.4.2)"
    return onelogin.with_profile(import_page_size=max(1, math.ceil(total / 4)))


# --- events -----------------------------------------------------------------------------------------
@when(phrase('OneLogin gives the user the role "{role:Q}"'), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, role: str) -> Conversation:
    user, granted = onelogin.user, onelogin.role(role)
    user.roles = tuple(sorted({*user.roles, granted.id}))
    return converse(scim, onelogin, "role added", onelogin.connector.role_added(user, granted))


@when(phrase('OneLogin removes the role "{role:Q}" from {person}'), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, role: str, person: str) -> Conversation:
    user, taken = who(onelogin, person), onelogin.role(role)
    user.roles = tuple(r for r in user.roles if r != taken.id)
    return converse(scim, onelogin, "role removed", onelogin.connector.role_removed(user, taken))


@when("OneLogin refreshes the entitlements", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    return converse(scim, onelogin, "entitlement refresh", onelogin.connector.entitlement_refresh())


@when("OneLogin imports the app's users", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    return converse(scim, onelogin, "import", onelogin.connector.import_users())


# --- outcomes ---------------------------------------------------------------------------------------
@then(phrase('OneLogin created the group for the role "{role:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, role: str) -> None:
    """No group of that displayName → ``POST /Groups {"displayName": …}`` → 201 [doc]."""
    assert_accepted(conversation, scim, onelogin)
    creates = [s for s in conversation.of("create_group") if s.status == 201]
    assert creates, f"OneLogin created no group: {conversation.trace()}"
    assert body_of(creates[0].response).get("displayName") == onelogin.group_of(role)


@then(phrase('the app\'s group for the role "{role:Q}" has {person} as a member'))
def _(scim: ScimClient, onelogin: OneLogin, role: str, person: str) -> None:
    user = who(onelogin, person)
    members = _members(scim, onelogin, role)
    assert onelogin.app_id(user) in members, (
        f"{user.display_name} ({onelogin.app_id(user)}) is not a member of {onelogin.group_of(role)!r}: "
        f"{members}"
    )


@then(phrase('the app\'s group for the role "{role:Q}" no longer has {person} as a member'))
def _(scim: ScimClient, onelogin: OneLogin, role: str, person: str) -> None:
    user = who(onelogin, person)
    members = _members(scim, onelogin, role)
    assert onelogin.app_id(user) not in members, (
        f"{user.display_name} is still a member of {onelogin.group_of(role)!r}"
    )


@then(phrase('the app has exactly one group for the role "{role:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, role: str) -> None:
    found = _find_group(scim, onelogin, role)
    assert len(found) == 1, f"{len(found)} groups are called {onelogin.group_of(role)!r}"


@then(phrase("OneLogin learned the app's groups for the roles {roles}"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, roles: str) -> None:
    """``GET /Groups`` without paging parameters [doc/?]: every group must be in the answer."""
    assert_accepted(conversation, scim, onelogin)
    for role in quoted(roles):
        name = onelogin.group_of(role)
        found = _find_group(scim, onelogin, role)
        assert found, f"the app has no group {name!r}"
        learned = onelogin.connector.links.group(name)
        assert learned == found[0].get("id"), (
            f"OneLogin's GET /Groups did not return {name!r}; OneLogin sends no paging parameters, "
            "so a group beyond the first page is never learned"
        )


@then(phrase("OneLogin linked {names} to their app users"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, names: str) -> None:
    """The import matches app users to OneLogin users by userName and links their ids."""
    assert_accepted(conversation, scim, onelogin)
    for name in quoted(names):
        user = onelogin.named(name)
        request = onelogin.connector.requests.lookup_user(onelogin.scim_username(user), "lookup", user.id)
        found = body_of(send_one(scim, onelogin, "lookup", request).exchanges[0].response)
        ids = [r.get("id") for r in found.get("Resources") or []]
        assert len(ids) == 1, f"the app has {len(ids)} users {onelogin.scim_username(user)!r}"
        linked = onelogin.connector.links.user(user.id)
        assert linked == ids[0], f"the import linked {name} to {linked!r}, the app's user is {ids[0]!r}"


@then("OneLogin read the app's users page by page up to totalResults")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """RFC 7644 §3.4.2.4: 1-based ``startIndex``; never more than ``count`` results per page."""
    assert_accepted(conversation, scim, onelogin)
    pages = conversation.of("list_users")
    assert len(pages) >= 2, f"the import took {len(pages)} page(s): {conversation.trace()}"
    expected_start, seen, total = 1, 0, None
    for page in pages:
        query = dict(parse_qsl(page.request.query or ""))
        body = body_of(page.response)
        resources = body.get("Resources") or []
        assert int(query["startIndex"]) == expected_start, (
            f"{page.request}: expected startIndex {expected_start}"
        )
        assert len(resources) <= int(query["count"]), (
            f"{page.request} returned {len(resources)} resources, more than count={query['count']}"
        )
        total = body.get("totalResults") if total is None else total
        expected_start += len(resources)
        seen += len(resources)
    assert isinstance(total, int)
    assert seen >= total, f"the import saw {seen} users of totalResults {total}"
