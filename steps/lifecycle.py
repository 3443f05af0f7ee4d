"""Steps of the app-side lifecycle, checked through the observer (design.md, "The observer").

Shared accounts, access grants and password rotations are invisible through SCIM. These steps create
accounts and grants through the observer, let OneLogin (the simulator's event plans) or another
IdP's PATCH change the user, and read the effects back: a suspended or deleted user loses every
grant, direct or through a team, and each privileged account the user could reach gets exactly one
rotation. Without an observer the ``observer`` fixture skips the scenario, saying why.

Accounts cannot be deleted through the observer contract, so their names carry the scenario's run id.
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

from simulator import OneLoginUser
from steps.common import assert_status, body_of
from steps.idp import OneLogin, phrase, who
from steps.target import Observer
from steps.wire import ScimClient

APPEAR_WITHIN = 5.0
"""Seconds a rotation may take to show up; the reference server schedules it in the user's transaction."""
_POLL = 0.05


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
    assert name in accounts, f"the scenario has no account {name!r} (it has: {', '.join(accounts)})"
    return accounts[name]


def _user_id(onelogin: OneLogin, user: OneLoginUser) -> str:
    scim_id = onelogin.app_id(user)
    assert scim_id, f"OneLogin never linked {user.display_name!r} to a user in the app"
    return scim_id


def _create(
    observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str, privileged: bool
) -> Account:
    response = observer.post("/accounts", {"name": f"{name} ({onelogin.run_id})", "privileged": privileged})
    assert_status(response, 201)
    body = body_of(response)
    assert isinstance(body.get("id"), str), f"POST /accounts returned no id: {body}"
    assert body.get("privileged") is privileged, (
        f"the observer made {name!r} privileged={body.get('privileged')}"
    )
    return Account(body["id"], name, privileged)


def _grant(observer: Observer, account: Account, grantee: dict[str, str]) -> httpx.Response:
    return observer.post(f"/accounts/{quote(account.id, safe='')}/grants", grantee)


def _team_id(onelogin: OneLogin, role: str) -> str:
    group = onelogin.group_of(role)
    linked = onelogin.connector.links.group(group)
    assert linked, f"OneLogin has not pushed the role {role!r} to the app's group {group!r} yet"
    return linked


def grants_of(observer: Observer, user_id: str) -> list[dict[str, Any]]:
    """The user's effective access; a 404 for a deleted user means none."""
    response = observer.get(f"/users/{quote(user_id, safe='')}/grants")
    if response.status_code == 404:
        return []
    assert_status(response, 200)
    grants = body_of(response).get("grants")
    assert isinstance(grants, list), f"GET /users/{user_id}/grants has no grants list"
    return grants


def rotations_of(observer: Observer, account: Account) -> list[dict[str, Any]]:
    response = observer.get(f"/accounts/{quote(account.id, safe='')}/rotations")
    assert_status(response, 200)
    rotations = body_of(response).get("rotations")
    assert isinstance(rotations, list), f"GET /accounts/{account.id}/rotations has no rotations list"
    return rotations


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
    assert_status(_grant(observer, account, {"userId": _user_id(onelogin, onelogin.user)}), 201)
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
    assert_status(_grant(observer, account, {"groupId": _team_id(onelogin, role)}), 201)
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
    return _grant(observer, _account(accounts, name), {"userId": _user_id(onelogin, onelogin.user)})


@when("the app's user is deactivated with this PATCH", target_fixture="response")
def _(scim: ScimClient, onelogin: OneLogin, docstring: str) -> httpx.Response:
    """Another IdP's deactivation, written out as it sends it (RFC 7644 §3.5.2, IdP variants)."""
    user_id = _user_id(onelogin, onelogin.user)
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
    actual = _access(accounts, grants_of(observer, _user_id(onelogin, user)))
    assert actual == expected, f"{user.display_name} has access {sorted(actual)}, expected {sorted(expected)}"


@then(phrase('the observer shows the user with direct access to "{name:Q}"'))
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str) -> None:
    actual = _access(accounts, grants_of(observer, _user_id(onelogin, onelogin.user)))
    assert (name, "direct") in actual, f"the user has access {sorted(actual)}, not direct access to {name!r}"


@then(phrase("the observer shows no access for {person}"))
def _(observer: Observer, onelogin: OneLogin, accounts: Accounts, person: str) -> None:
    """Suspension, deletion or leaving the only team removes every grant, direct and through teams."""
    user = who(onelogin, person)
    left = _access(accounts, grants_of(observer, _user_id(onelogin, user)))
    assert not left, f"{user.display_name} still has access: {sorted(left)}"


@then(phrase('the observer shows one rotation of "{name:Q}", triggered by {person}, because "{reason:Q}"'))
def _(
    observer: Observer, onelogin: OneLogin, accounts: Accounts, name: str, person: str, reason: str
) -> None:
    """One rotation per privileged account, pending or already completed (it may run asynchronously)."""
    account = _account(accounts, name)
    user_id = _user_id(onelogin, who(onelogin, person))
    rotations = _rotations_within(observer, account, APPEAR_WITHIN, done=False)
    summary = [(r.get("reason"), r.get("triggeredBy"), r.get("status")) for r in rotations]
    assert len(rotations) == 1, f"{name!r} has {len(rotations)} rotations, expected exactly one: {summary}"
    rotation = rotations[0]
    assert rotation.get("reason") == reason, f"{name!r} was rotated because {rotation.get('reason')!r}"
    assert rotation.get("triggeredBy") == user_id, (
        f"{name!r} was rotated for {rotation.get('triggeredBy')!r}, not for the user ({user_id})"
    )
    assert rotation.get("status") in ("pending", "completed"), f"rotation status {rotation.get('status')!r}"


@then(phrase('the observer shows no rotation of "{name:Q}"'))
def _(observer: Observer, accounts: Accounts, name: str) -> None:
    """Non-privileged accounts are never rotated, and nothing but deprovisioning rotates an account."""
    rotations = rotations_of(observer, _account(accounts, name))
    assert not rotations, f"{name!r} was rotated: {[(r.get('reason'), r.get('status')) for r in rotations]}"


@then(phrase('the observer shows the rotation of "{name:Q}" completed within {seconds:d} seconds'))
def _(observer: Observer, accounts: Accounts, name: str, seconds: int) -> None:
    rotations = _rotations_within(observer, _account(accounts, name), float(seconds), done=True)
    assert rotations, f"{name!r} has no rotation after {seconds} s"
    statuses = [r.get("status") for r in rotations]
    assert all(s == "completed" for s in statuses), f"{name!r} rotations after {seconds} s: {statuses}"


@given("the observer is available")
def _(observer: Observer) -> None:
    """Skips the scenario, saying why, before any traffic when the target offers no observer."""
