"""Steps of the app-side lifecycle, checked through the observer (design.md, "The observer").

Shared accounts, access grants and password rotations are invisible through SCIM. These steps create
accounts and grants through the observer, let OneLogin (the simulator's event plans) or another
IdP's PATCH change the user, and read the effects back: a suspended or deleted user loses every
grant, direct or through a team, and each privileged account the user could reach gets exactly one
rotation. Without an observer the ``observer`` fixture skips the scenario, saying why.

Accounts cannot be deleted through the observer contract, so their names carry the scenario's run id.

Only an active, existing user can receive access (the observer contract, README): a direct grant
to a suspended user is refused with 409, one to a deleted user's id with 404, and a team reaches no
suspended member. Checks of the observer's answers cite ``onelogin_no_access_while_inactive``;
the others the scenario's own facts (Cerby's documented behaviour).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from pytest_bdd import given, then, when

from steps.common import body_of
from steps.failures import Basis, Failure, SuiteError, check, expect_status, sent
from steps.idp import Conversation, OneLogin, linked_id, phrase, who
from steps.target import Observer
from steps.wire import ScimClient

APPEAR_WITHIN = 5.0
"""Seconds a rotation may take to show up; the reference server schedules it in the user's transaction."""
_POLL = 0.05
NO_ACCESS_WHILE_INACTIVE = Basis.fact("onelogin_no_access_while_inactive")


@dataclass(frozen=True)
class Account:
    """A shared identity of the app, as the observer created it."""

    id: str
    name: str
    privileged: bool


Accounts = Mapping[str, Account]


@pytest.fixture
def accounts() -> Accounts:
    """The scenario's accounts by the name the steps give them; each Given returns a new mapping."""
    return {}


def _account(accounts: Accounts, name: str) -> Account:
    if name not in accounts:
        raise SuiteError(f"the scenario has no account {name!r} (it has: {', '.join(accounts) or 'none'})")
    return accounts[name]


def _create(
    observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str, privileged: bool
) -> Account:
    response = observer.post("/accounts", {"name": f"{name} ({onelogin.run_id})", "privileged": privileged})
    expect_status(response, 201, why="the observer creates an account")
    body = body_of(response)
    check(
        isinstance(body.get("id"), str),
        f"the observer created {name!r} but gave it no id",
        response=response,
        expected='{"id": "…", "name": …, "privileged": …}',
    )
    check(
        body.get("privileged") is privileged,
        f"the observer made {name!r} privileged={body.get('privileged')!r}, asked {privileged}",
        response=response,
    )
    return Account(str(body["id"]), name, privileged)


def _grant(observer: Observer, account: Account, grantee: dict[str, str]) -> httpx.Response:
    return observer.post(f"/accounts/{quote(account.id, safe='')}/grants", grantee)


def _team_id(onelogin: OneLogin, role: str) -> str:
    group = onelogin.group_of(role)
    linked = onelogin.connector.links.group(group)
    if not linked:
        raise SuiteError(f"OneLogin has not pushed the role {role!r} to the app's group {group!r} yet")
    return linked


def grants_of(observer: Observer, user_id: str) -> list[dict[str, Any]]:
    """The user's effective access; a 404 for a deleted user means none."""
    response = observer.get(f"/users/{quote(user_id, safe='')}/grants")
    if response.status_code == 404:
        return []
    expect_status(response, 200, why="the observer lists the user's effective access")
    return _listed(response, "grants")


def rotations_of(observer: Observer, account: Account) -> list[dict[str, Any]]:
    response = observer.get(f"/accounts/{quote(account.id, safe='')}/rotations")
    expect_status(response, 200, why="the observer lists the account's rotations")
    return _listed(response, "rotations")


def _listed(response: httpx.Response, key: str) -> list[dict[str, Any]]:
    """The list an observer answer holds under ``key`` (``grants``, ``rotations``)."""
    items = body_of(response).get(key)
    check(
        isinstance(items, list),
        f"the observer's answer has no {key} list",
        response=response,
        expected=f'{{"{key}": [...]}}',
    )
    assert isinstance(items, list)  # narrowed: check() raised otherwise
    return items


def _rotations_within(
    observer: Observer, account: Account, seconds: float, done: bool
) -> list[dict[str, Any]]:
    """Poll (bounded) until a rotation exists — or, with ``done``, until every one is completed."""
    deadline = time.monotonic() + seconds
    while True:
        rotations = rotations_of(observer, account)
        ready = rotations and (not done or all(r.get("status") == "completed" for r in rotations))
        if ready or time.monotonic() > deadline:
            return rotations
        time.sleep(_POLL)


def _shown(access: set[tuple[str, str]]) -> str:
    """``'Payroll admin' (direct), 'Bank portal' (group)``, or ``none``."""
    return ", ".join(f"{account!r} ({via})" for account, via in sorted(access)) or "none"


def _access(accounts: Accounts, grants: list[dict[str, Any]]) -> set[tuple[str, str]]:
    names = {a.id: a.name for a in accounts.values()}
    return {(names.get(str(g.get("accountId")), str(g.get("accountId"))), str(g.get("via"))) for g in grants}


# --- accounts and grants ----------------------------------------------------------------------------
@given(phrase('a privileged account "{name:Q}"'), target_fixture="accounts")
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str) -> Accounts:
    return {**accounts, name: _create(observer, onelogin, accounts, name, True)}


def _for_user(
    observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str, privileged: bool
) -> Accounts:
    account = _create(observer, onelogin, accounts, name, privileged)
    granted = _grant(observer, account, {"userId": linked_id(onelogin, onelogin.user)})
    expect_status(granted, 201, basis=NO_ACCESS_WHILE_INACTIVE, why="an active user can receive a grant")
    return {**accounts, name: account}


@given(phrase('a privileged account "{name:Q}" the user can use'), target_fixture="accounts")
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str) -> Accounts:
    return _for_user(observer, onelogin, accounts, name, True)


@given(phrase('an account "{name:Q}" the user can use'), target_fixture="accounts")
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str) -> Accounts:
    return _for_user(observer, onelogin, accounts, name, False)


def _for_team(
    observer: Observer,
    onelogin: OneLogin,
    accounts: Accounts,
    name: str,
    role: str,
    privileged: bool,
) -> Accounts:
    account = _create(observer, onelogin, accounts, name, privileged)
    expect_status(
        _grant(observer, account, {"groupId": _team_id(onelogin, role)}),
        201,
        why="a team can receive a grant",
    )
    return {**accounts, name: account}


@given(phrase('a privileged account "{name:Q}" shared with the role "{role:Q}"'), target_fixture="accounts")
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str, role: str) -> Accounts:
    """A team grant: the group OneLogin fills from the role reaches every member."""
    return _for_team(observer, onelogin, accounts, name, role, True)


@given(phrase('an account "{name:Q}" shared with the role "{role:Q}"'), target_fixture="accounts")
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str, role: str) -> Accounts:
    return _for_team(observer, onelogin, accounts, name, role, False)


@when(phrase('the observer grants the user access to "{name:Q}"'), target_fixture="response")
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str) -> httpx.Response:
    return _grant(observer, _account(accounts, name), {"userId": linked_id(onelogin, onelogin.user)})


@when("the app's user is deactivated with this PATCH", target_fixture="response")
def _(scim: ScimClient, onelogin: OneLogin, docstring: str) -> httpx.Response:
    """Another IdP's deactivation, written out as it sends it (RFC 7644 §3.5.2, IdP variants)."""
    user_id = linked_id(onelogin, onelogin.user)
    return scim.request("PATCH", f"/Users/{quote(user_id, safe='')}", content=docstring.encode())


# --- what the observer shows ------------------------------------------------------------------------
@given(phrase("the observer shows {person} with access to"))
@then(phrase("the observer shows {person} with access to"))
def _(
    observer: Observer, onelogin: OneLogin, accounts: Accounts, person: str, datatable: list[list[str]]
) -> None:
    """Effective access: direct grants and those through a team (``via``: direct or group)."""
    user = who(onelogin, person)
    rows = datatable[1:] if datatable and datatable[0] == ["account", "via"] else datatable
    expected = {(account, via) for account, via in rows}
    actual = _access(accounts, grants_of(observer, linked_id(onelogin, user)))
    check(
        actual == expected,
        f"the observer shows {user.display_name} with access {_shown(actual)}",
        expected=_shown(expected),
    )


@then(phrase('the observer shows the user with direct access to "{name:Q}"'))
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str) -> None:
    actual = _access(accounts, grants_of(observer, linked_id(onelogin, onelogin.user)))
    check(
        (name, "direct") in actual,
        f"the observer shows the user with access {_shown(actual)}",
        expected=f"direct access to {name!r}",
    )


@then(phrase("the observer shows no access for {person}"))
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, person: str) -> None:
    """Suspension, deletion or leaving the only team removes every grant, direct and through teams."""
    user = who(onelogin, person)
    left = _access(accounts, grants_of(observer, linked_id(onelogin, user)))
    check(
        not left, f"the observer shows {user.display_name} still with access {_shown(left)}", expected="none"
    )


@then(phrase('the observer shows one rotation of "{name:Q}", triggered by {person}, because "{reason:Q}"'))
def _(
    observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str, person: str, reason: str
) -> None:
    """One rotation per privileged account, pending or already completed (it may run asynchronously)."""
    account = _account(accounts, name)
    user_id = linked_id(onelogin, who(onelogin, person))
    rotations = _rotations_within(observer, account, APPEAR_WITHIN, done=False)
    summary = [(r.get("reason"), r.get("triggeredBy"), r.get("status")) for r in rotations]
    check(
        len(rotations) == 1,
        f"the observer shows {len(rotations)} rotations of {name!r} within {APPEAR_WITHIN:g} s: {summary}",
        expected="exactly one",
    )
    rotation = rotations[0]
    check(
        rotation.get("reason") == reason,
        f"{name!r} was rotated because {rotation.get('reason')!r}",
        expected=repr(reason),
    )
    check(
        rotation.get("triggeredBy") == user_id,
        f"{name!r} was rotated for {rotation.get('triggeredBy')!r}, not for the user",
        expected=f"triggeredBy {user_id!r}",
    )
    check(
        rotation.get("status") in ("pending", "completed"),
        f"the rotation of {name!r} has status {rotation.get('status')!r}",
        expected="pending or completed",
    )


@then(phrase('the observer shows no rotation of "{name:Q}"'))
def _(observer: Observer, accounts: Accounts, name: str) -> None:
    """Non-privileged accounts are never rotated, and nothing but deprovisioning rotates an account."""
    rotations = rotations_of(observer, _account(accounts, name))
    check(
        not rotations,
        f"{name!r} was rotated: {[(r.get('reason'), r.get('status')) for r in rotations]}",
        expected="no rotation",
    )


@then(phrase('the observer shows the rotation of "{name:Q}" completed within {seconds:d} seconds'))
def _(observer: Observer, accounts: Accounts, name: str, seconds: int) -> None:
    rotations = _rotations_within(observer, _account(accounts, name), float(seconds), done=True)
    check(rotations, f"{name!r} has no rotation after {seconds} s", expected="one, completed")
    statuses = [r.get("status") for r in rotations]
    check(
        all(s == "completed" for s in statuses),
        f"the rotations of {name!r} after {seconds} s are {statuses}",
        expected="every one completed",
    )


@given("the observer is available")
def _(observer: Observer) -> None:
    """Skips the scenario, saying why, before any traffic when the target offers no observer."""


# --- no new access for a user who is not active ------------------------------------------------------
@then("the observer accepted the grant")
def _(response: httpx.Response) -> None:
    """A reactivated user is active again: a new direct grant is accepted (201)."""
    expect_status(response, 201, basis=NO_ACCESS_WHILE_INACTIVE, why="the user is active again")


@then(phrase("the observer refused the grant with {status:d}"))
def _(response: httpx.Response, status: int) -> None:
    """409 for a suspended user, 404 for a deleted user's id (the observer contract)."""
    why = {409: "the user is not active", 404: "no user has that id any more"}.get(status)
    expect_status(response, status, basis=NO_ACCESS_WHILE_INACTIVE, why=why)


@then("the app refused the membership, or the observer shows no access for the user")
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, conversation: Conversation) -> None:
    """A team reaches no suspended member: the app may refuse the membership (any 4xx to the group
    PATCH) or keep it without access; either passes."""
    patches = [s for s in conversation.exchanges if s.request.method == "PATCH"]
    if not patches:
        raise SuiteError(f"OneLogin sent no group PATCH for the role: {conversation.trace()}")
    refused = any(400 <= s.status < 500 for s in patches)
    if refused:
        return
    last = patches[-1].response
    check(
        last.is_success,
        f"{sent(last)} answered {last.status_code}: neither a refusal nor a membership",
        response=last,
        expected="a 4xx refusal, or 200/204 and no access through the team",
        basis=NO_ACCESS_WHILE_INACTIVE,
    )
    left = _access(accounts, grants_of(observer, linked_id(onelogin, onelogin.user)))
    if left:
        raise Failure(
            f"the app let the suspended user join the team, and the observer shows access {_shown(left)}",
            response=last,
            expected="no access for a suspended user (or the membership refused)",
            basis=NO_ACCESS_WHILE_INACTIVE,
        )
