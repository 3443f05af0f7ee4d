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

import httpx
from pytest_bdd import given, then, when

from schemas import urns
from steps.common import assert_status, body_of
from steps.failures import Basis, SuiteError, check, note_origin, origin_of, sent
from steps.idp import Conversation, OneLogin, converse, phrase, quoted, send_one, who
from steps.idp_diagnosis import assert_accepted
from steps.wire import ScimClient


def _find_group(scim: ScimClient, onelogin: OneLogin, role: str) -> list[dict[str, Any]]:
    """OneLogin's own displayName lookup (it does not link what it finds: no plan runs)."""
    request = onelogin.connector.requests.lookup_group(onelogin.group_of(role), "lookup")
    answer = send_one(scim, onelogin, "lookup", request).exchanges[0].response
    if answer.status_code == 404:
        return []
    assert_status(answer, 200, basis=Basis.rfc("Q-01"))
    resources = body_of(answer).get("Resources") or []
    check(
        isinstance(resources, list),
        "the lookup's Resources is not a list",
        response=answer,
        basis=Basis.rfc("Q-01"),
    )
    found = [r for r in resources if isinstance(r, dict)]
    note_origin(found, answer)
    return found


def _group_id(scim: ScimClient, onelogin: OneLogin, role: str) -> str:
    linked = onelogin.connector.links.group(onelogin.group_of(role))
    if linked:
        return linked
    found = _find_group(scim, onelogin, role)
    check(
        found,
        f"the app has no group {onelogin.group_of(role)!r}",
        response=origin_of(found),
        expected="the group OneLogin created or found for the role",
    )
    return str(found[0]["id"])


def _members(scim: ScimClient, onelogin: OneLogin, role: str) -> tuple[list[str], httpx.Response]:
    """The member ids of the role's group, and the answer they were read from."""
    response = scim.get(f"/Groups/{quote(_group_id(scim, onelogin, role), safe='')}")
    assert_status(response, 200, basis=Basis.rfc("G-01"))
    members = body_of(response).get("members") or []
    return [str(m.get("value")) for m in members if isinstance(m, dict)], response


# --- the app's side ---------------------------------------------------------------------------------
@given(phrase('the app already has the group for the role "{role:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, role: str) -> None:
    """Created outside OneLogin (a plain RFC POST), so OneLogin has not linked it."""
    body = {"schemas": [urns.GROUP], "displayName": onelogin.group_of(role)}
    assert_status(scim.post("/Groups", body), 201, basis=Basis.rfc("C-01"))


@given("OneLogin imports a few users per page", target_fixture="onelogin")
def _(scim: ScimClient, onelogin: OneLogin) -> OneLogin:
    """The profile's ``import_page_size`` knob [?], sized from the target so the import takes ~4 pages."""
    response = scim.get("/Users", params={"startIndex": 1, "count": 1})
    assert_status(response, 200, basis=Basis.rfc("Q-01"))
    total = body_of(response).get("totalResults")
    check(
        isinstance(total, int),
        f"the ListResponse's totalResults is {total!r}",
        response=response,
        expected="totalResults, an integer (REQUIRED)",
        basis=Basis.rfc("Q-01"),
    )
    assert isinstance(total, int)  # narrowed: check() raised otherwise
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
    check(
        creates,
        f"OneLogin created no group: {conversation.trace()}",
        response=conversation.exchanges[-1].response if conversation.exchanges else None,
        expected=f"POST /Groups of {onelogin.group_of(role)!r} answered 201",
        basis=Basis.fact("onelogin_group_create"),
    )
    name = body_of(creates[0].response).get("displayName")
    check(
        name == onelogin.group_of(role),
        f"the group created for the role is called {name!r}",
        response=creates[0].response,
        expected=repr(onelogin.group_of(role)),
        basis=Basis.fact("onelogin_group_create"),
    )


@then(phrase('the app\'s group for the role "{role:Q}" has {person} as a member'))
def _(scim: ScimClient, onelogin: OneLogin, role: str, person: str) -> None:
    user = who(onelogin, person)
    members, response = _members(scim, onelogin, role)
    check(
        onelogin.app_id(user) in members,
        f"{user.display_name} ({onelogin.app_id(user)}) is not a member of {onelogin.group_of(role)!r}",
        response=response,
        expected=f"{onelogin.app_id(user)} among the members",
    )


@then(phrase('the app\'s group for the role "{role:Q}" no longer has {person} as a member'))
def _(scim: ScimClient, onelogin: OneLogin, role: str, person: str) -> None:
    user = who(onelogin, person)
    members, response = _members(scim, onelogin, role)
    check(
        onelogin.app_id(user) not in members,
        f"{user.display_name} ({onelogin.app_id(user)}) is still a member of {onelogin.group_of(role)!r}",
        response=response,
        expected=f"{onelogin.app_id(user)} no longer among the members",
    )


@then(phrase('the app has exactly one group for the role "{role:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, role: str) -> None:
    found = _find_group(scim, onelogin, role)
    check(
        len(found) == 1,
        f"{len(found)} groups are called {onelogin.group_of(role)!r}",
        response=origin_of(found),
        expected="exactly one: a group that exists is found, not created again",
    )


@then(phrase("OneLogin learned the app's groups for the roles {roles}"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, roles: str) -> None:
    """``GET /Groups`` without paging parameters [doc/?]: every group must be in the answer."""
    assert_accepted(conversation, scim, onelogin)
    refresh = conversation.exchanges[-1].response if conversation.exchanges else None
    for role in quoted(roles):
        name = onelogin.group_of(role)
        found = _find_group(scim, onelogin, role)
        check(
            found, f"the app has no group {name!r}", response=origin_of(found), expected=f"the group {name!r}"
        )
        learned = onelogin.connector.links.group(name)
        check(
            learned == found[0].get("id"),
            f"OneLogin's refresh did not return the group {name!r}: OneLogin is taken to send no paging "
            "parameters, so a group beyond the first page is never learned",
            response=refresh,
            expected=f"the group {name!r} ({found[0].get('id')}) in the answer to GET /Groups",
            basis=Basis.fact("onelogin_groups_list", "onelogin_groups_paging"),
        )


@then(phrase("OneLogin linked {names} to their app users"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, names: str) -> None:
    """The import matches app users to OneLogin users by userName and links their ids."""
    assert_accepted(conversation, scim, onelogin)
    for name in quoted(names):
        user = onelogin.named(name)
        request = onelogin.connector.requests.lookup_user(onelogin.scim_username(user), "lookup", user.id)
        lookup = send_one(scim, onelogin, "lookup", request).exchanges[0].response
        ids = [r.get("id") for r in body_of(lookup).get("Resources") or [] if isinstance(r, dict)]
        check(
            len(ids) == 1,
            f"the app has {len(ids)} users {onelogin.scim_username(user)!r}",
            response=lookup,
            expected="exactly one: userName is unique (RFC 7643 §4.1)",
            basis=Basis.rfc("R-12"),
        )
        linked = onelogin.connector.links.user(user.id)
        check(
            linked == ids[0],
            f"the import linked {name} to {linked!r}, though the app's user of that userName is {ids[0]!r}: "
            "the import did not list it",
            response=conversation.exchanges[-1].response if conversation.exchanges else None,
            expected=f"{ids[0]} among the users the import read",
            basis=Basis.fact("onelogin_import_users", "onelogin_import_paging"),
        )


@then("OneLogin read the app's users page by page up to totalResults")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """RFC 7644 §3.4.2.4: 1-based ``startIndex``; never more than ``count`` results per page."""
    assert_accepted(conversation, scim, onelogin)
    pages = conversation.of("list_users")
    basis = Basis.rfc("Q-10") + Basis.fact("onelogin_import_paging")
    last = pages[-1].response if pages else None
    check(
        len(pages) >= 2,
        f"the import took {len(pages)} page(s) of a directory it asked for a few users at a time: "
        f"{conversation.trace()}",
        response=last,
        expected="several pages, each at most count users, until totalResults",
        basis=basis,
    )
    expected_start, seen, total = 1, 0, None
    for page in pages:
        query = dict(parse_qsl(page.request.query or ""))
        body = body_of(page.response)
        resources = body.get("Resources") or []
        if int(query["startIndex"]) != expected_start:
            raise SuiteError(
                f"the simulator asked for startIndex {query['startIndex']}, not {expected_start}"
            )
        check(
            len(resources) <= int(query["count"]),
            f"{sent(page.response)} returned {len(resources)} users, more than count={query['count']}",
            response=page.response,
            expected=f"at most {query['count']}",
            basis=basis,
        )
        total = body.get("totalResults") if total is None else total
        expected_start += len(resources)
        seen += len(resources)
    check(
        isinstance(total, int) and seen >= total,
        f"the import saw {seen} users of totalResults {total}",
        response=last,
        expected=f"every one of the {total} users, page by page",
        basis=basis,
    )
