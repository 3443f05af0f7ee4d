"""Steps of the Okta and Entra areas: each IdP's events, sent exactly as its profile builds them.

A scenario tagged ``@okta`` or ``@entra`` gets that IdP's tenant and connector (``steps.idp``'s
``onelogin`` fixture reads the tag), so ``When Okta deactivates the user`` runs the simulator's
Okta plan — ``PATCH {"op":"replace","value":{"active":false}}`` — and Entra's its capitalised,
string-boolean form. The ``Then`` steps judge the conversation as that IdP does (its accepted
statuses) and read the app back with plain SCIM requests; a refusal names the IdP habit the server
refused (:mod:`steps._idp_quirks`). The app-state steps shared with the OneLogin areas ("the app
has an inactive user …", "the app's group for the role … has … as a member") work here unchanged.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, then, when

from steps._idp_quirks import assert_idp_accepted
from steps.common import assert_status, body_of
from steps.failures import Basis, SuiteError, check, sent
from steps.idp import (
    Conversation,
    OneLogin,
    app_user,
    assert_user_unreadable,
    converse,
    created_elsewhere,
    phrase,
    send_one,
)
from steps.wire import ScimClient

_NAMES = {"Okta": "okta", "Entra": "entra"}


def _side(onelogin: OneLogin, idp: str) -> OneLogin:
    """The scenario's IdP, checked against the one the step names (a scenario tagged ``@okta``
    speaking of Entra is a mistake of the suite)."""
    if _NAMES[idp] != onelogin.idp:
        raise SuiteError(f"the step names {idp} but the scenario is tagged @{onelogin.idp}")
    return onelogin


def pushed(scim: ScimClient, side: OneLogin) -> OneLogin:
    """Push the current user as the IdP does on assignment; fail with the reason if it breaks."""
    conversation = converse(scim, side, "push", side.connector.assign(side.user))
    assert_idp_accepted(conversation, scim, side)
    return side.remembering()


def resource(scim: ScimClient, side: OneLogin) -> dict[str, Any]:
    """The app's user the IdP linked the current user to (RFC 7644 §3.4.1)."""
    response = app_user(scim, side, side.user)
    assert_status(response, 200, basis=Basis.rfc("G-01"))
    return body_of(response)


def group_id(scim: ScimClient, side: OneLogin, role: str) -> str:
    """The app's id of the group of ``role``, as the IdP linked it."""
    group = side.group_of(role)
    found = side.connector.links.group(group)
    check(
        found,
        f"{side.idp_name} never linked the group {group!r}: no answer gave it the group's id",
        expected="an id in the 201 of POST /Groups, or in a displayName lookup",
    )
    assert isinstance(found, str)  # narrowed: check() raised otherwise
    return found


# --- the tenant -------------------------------------------------------------------------------------
@given(phrase('an {idp:IdP} user "{name:Q}" assigned to the app'), target_fixture="onelogin")
def _(onelogin: OneLogin, idp: str, name: str) -> OneLogin:
    return _side(onelogin, idp).adding(onelogin.person(name))


@given(phrase('an {idp:IdP} user "{name:Q}" pushed to the app'), target_fixture="onelogin")
def _(scim: ScimClient, onelogin: OneLogin, idp: str, name: str) -> OneLogin:
    return pushed(scim, _side(onelogin, idp).adding(onelogin.person(name)))


@given(
    phrase('an {idp:IdP} user "{name:Q}" in the group "{role:Q}" pushed to the app'),
    target_fixture="onelogin",
)
def _(scim: ScimClient, onelogin: OneLogin, idp: str, name: str, role: str) -> OneLogin:
    """A user assigned with a group: the push creates it (or finds it) and adds the user."""
    side = _side(onelogin, idp)
    return pushed(scim, side.adding(side.person(name, roles=(role,))))


@given(phrase('an {idp:IdP} user "{name:Q}" who already exists in the app'), target_fixture="onelogin")
def _(scim: ScimClient, onelogin: OneLogin, idp: str, name: str) -> OneLogin:
    """The app got the user some other way: a plain RFC POST with the same userName."""
    side = _side(onelogin, idp).adding(onelogin.person(name))
    created_elsewhere(scim, side)
    return side


@given(phrase("{idp:IdP} has deactivated the user"))
def _(scim: ScimClient, onelogin: OneLogin, idp: str) -> None:
    side = _side(onelogin, idp)
    side.user.suspended = True
    conversation = converse(scim, side, "deactivation", side.connector.suspend(side.user))
    assert_idp_accepted(conversation, scim, side)


# --- events -----------------------------------------------------------------------------------------
@when(phrase("{idp:IdP} tests the connection"), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str) -> Conversation:
    side = _side(onelogin, idp)
    return converse(scim, side, "connection test", side.connector.connection_test())


@when(phrase("{idp:IdP} pushes the user"), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str) -> Conversation:
    side = _side(onelogin, idp)
    return converse(scim, side, "push", side.connector.assign(side.user))


@when(phrase('{idp:IdP} changes the user\'s title to "{value:Q}"'), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str, value: str) -> Conversation:
    side = _side(onelogin, idp)
    side.user.title = value
    return converse(scim, side, "update", side.connector.update(side.user))


@when(phrase("{idp:IdP} deactivates the user"), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str) -> Conversation:
    side = _side(onelogin, idp)
    side.user.suspended = True
    return converse(scim, side, "deactivation", side.connector.suspend(side.user))


@when(phrase("{idp:IdP} reactivates the user"), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str) -> Conversation:
    side = _side(onelogin, idp)
    side.user.suspended = False
    return converse(scim, side, "reactivation", side.connector.reactivate(side.user))


@when(phrase("{idp:IdP} unassigns the user"), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str) -> Conversation:
    side = _side(onelogin, idp)
    side.user.assigned = False
    return converse(scim, side, "unassignment", side.connector.unassign(side.user))


@when(phrase("{idp:IdP} deletes the user"), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str) -> Conversation:
    side = _side(onelogin, idp).remembering()
    return converse(scim, side, "deletion", side.connector.delete(side.user))


@when(phrase('{idp:IdP} adds the user to the group "{role:Q}"'), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str, role: str) -> Conversation:
    side = _side(onelogin, idp)
    found = side.role(role)
    side.user.roles = (*side.user.roles, found.id)
    return converse(scim, side, "group push", side.connector.role_added(side.user, found))


@when(phrase('{idp:IdP} removes the user from the group "{role:Q}"'), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str, role: str) -> Conversation:
    side = _side(onelogin, idp)
    found = side.role(role)
    side.user.roles = tuple(r for r in side.user.roles if r != found.id)
    return converse(scim, side, "group push", side.connector.role_removed(side.user, found))


@when(phrase('{idp:IdP} renames the group "{role:Q}" to "{name:Q}"'), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, idp: str, role: str, name: str) -> Conversation:
    side = _side(onelogin, idp)
    request = side.connector.requests.rename_group(group_id(scim, side, role), side.expand(name), "rename")
    return send_one(scim, side, "group rename", request)


# --- what the IdP saw -------------------------------------------------------------------------------
@then(phrase("{idp:IdP} accepts the connection"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, idp: str) -> None:
    assert_idp_accepted(conversation, scim, _side(onelogin, idp))


@then(phrase("the app accepted every request {idp:IdP} sent"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, idp: str) -> None:
    assert_idp_accepted(conversation, scim, _side(onelogin, idp))


@then(phrase("{idp:IdP} created the user in the app"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, idp: str) -> None:
    """A userName lookup finding nothing, then ``POST /Users`` → 201 with the user's id."""
    side = _side(onelogin, idp)
    assert_idp_accepted(conversation, scim, side)
    check(
        conversation.operations[:2] == ["lookup_user", "create_user"],
        f"{side.idp_name} did not create the user after its lookup: {conversation.trace()}",
        expected="a userName lookup finding nobody, then POST /Users",
    )


@then(phrase("{idp:IdP} linked the user to the app's existing user without creating it"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, idp: str) -> None:
    side = _side(onelogin, idp)
    assert_idp_accepted(conversation, scim, side)
    check(
        "create_user" not in conversation.operations and side.app_id(side.user) is not None,
        f"{side.idp_name}'s lookup did not find the app's user, so it created another: "
        f"{conversation.trace()}",
        response=conversation.exchanges[0].response if conversation.exchanges else None,
        expected="the userName lookup finds the one user, which the IdP links (no POST)",
    )


@then(phrase("{idp:IdP} sent no DELETE"))
def _(onelogin: OneLogin, conversation: Conversation, idp: str) -> None:
    side = _side(onelogin, idp)
    deletes = [s for s in conversation.exchanges if s.request.method == "DELETE"]
    if deletes:
        raise SuiteError(f"{side.idp_name}'s profile sent {sent(deletes[0].response)}, which it never does")


@then(phrase("{idp:IdP} sent {method:Word} requests only"))
def _(onelogin: OneLogin, conversation: Conversation, idp: str, method: str) -> None:
    """What the profile sends for the event (a check of the suite's own wire, not of the server)."""
    side = _side(onelogin, idp)
    reads = ("lookup_user", "read_user")
    methods = {s.request.method for s in conversation.exchanges if s.request.operation not in reads}
    if methods != {method}:
        raise SuiteError(f"{side.idp_name}'s profile sent {sorted(methods)}, not {method} only")


@then(phrase('the app\'s user has the title "{value:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, value: str) -> None:
    body = resource(scim, onelogin)
    check(
        body.get("title") == value,
        f"the app's user has the title {body.get('title')!r} after "
        f"{onelogin.idp_name} changed it to {value!r}",
        expected=f"title {value!r}",
    )


@then(phrase("the app's user has the externalId {idp:IdP} sent"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, idp: str) -> None:
    side = _side(onelogin, idp)
    created = conversation.of("create_user")
    if not created:
        raise SuiteError("the scenario's push created no user")
    wanted = created[0].request.json().get("externalId")
    body = resource(scim, side)
    check(
        body.get("externalId") == wanted,
        f"the app's user has the externalId {body.get('externalId')!r}, "
        f"though {side.idp_name} sent {wanted!r}",
        expected=f"externalId {wanted!r} (RFC 7643 §3.1: set by the client)",
        basis=Basis.rfc("R-03"),
    )


@then(phrase('the app has the group "{name:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, name: str) -> None:
    wanted = onelogin.expand(name)
    query = f'displayName eq "{wanted}"'
    response = scim.get("/Groups", params={"filter": query})
    assert_status(response, 200, basis=Basis.rfc("Q-01"))
    names = [g.get("displayName") for g in body_of(response).get("Resources", [])]
    check(
        names == [wanted],
        f"the app has {names} for {query}",
        response=response,
        expected=f"one group {wanted!r}",
    )


@then("the app's user can no longer be read")
def _(scim: ScimClient, onelogin: OneLogin) -> None:
    assert_user_unreadable(scim, onelogin)
