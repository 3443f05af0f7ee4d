"""Steps reading what the app holds after OneLogin's requests: its users, their attributes, deletions.

Reads are plain SCIM requests (``GET /Users/{id}``) or OneLogin's own userName lookup built by the
simulator's profile, so "the app has the user" means what it means to OneLogin.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import then

from schemas import urns
from simulator import (
    DEFAULT_TEMPLATE,
    ONELOGIN,
    AppSettings,
    EffectiveProfile,
    OneLoginUser,
    Requests,
    Tenant,
)
from steps.common import assert_status, body_of
from steps.failures import Basis, SuiteError, check, note_origin, origin_of
from steps.idp import Conversation, OneLogin, app_user, assert_user_unreadable, phrase, send_one
from steps.idp_diagnosis import assert_accepted
from steps.profile import require, skip_if_set
from steps.wire import ScimClient

_BODY_KNOBS = (
    "app.scim_username_source",
    "template.name",
    "template.file",
    "template.emails",
    "empty_placeholder",
    "manager_id_source",
)
"""The knobs that change what the rendered template carries."""


def _one_user(onelogin: OneLogin, pattern: str) -> OneLoginUser:
    """The tenant's user the step names by SCIM username or email (``"ana.souza@…"``: the scenario's
    domain); by email too, so the step holds when the profile takes the SCIM username elsewhere."""
    wanted = onelogin.expand(pattern).casefold()
    matches = [
        u
        for u in onelogin.tenant.users
        if wanted in (onelogin.scim_username(u).casefold(), u.email.casefold())
    ]
    if len(matches) != 1:
        raise SuiteError(f"{len(matches)} OneLogin users have the SCIM username or email {pattern!r}")
    return matches[0]


def _resource(scim: ScimClient, onelogin: OneLogin, user: OneLoginUser) -> dict[str, Any]:
    """The app's user OneLogin linked ``user`` to, read by its id (RFC 7644 §3.4.1)."""
    response = app_user(scim, onelogin, user)
    assert_status(response, 200, basis=Basis.rfc("G-01"))
    body = body_of(response)
    name = onelogin.scim_username(user)
    check(
        str(body.get("userName", "")).casefold() == name.casefold(),
        f"the app's user has the userName {body.get('userName')!r}, though OneLogin sent {name!r}",
        response=response,
        expected=f"userName {name!r} (in any case)",
        basis=Basis.rfc("R-12"),
    )
    return body


@then(phrase('the app has an active user "{pattern:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, pattern: str) -> None:
    """Issue 12, ruling 2: an unassigned ``active`` is not a deactivation. RFC 7643 §4.1.1 gives
    ``active`` no default and OneLogin's default template sends none, so a server that leaves it
    unassigned passes; one that stores ``active: false`` has suspended the user, and fails."""
    body = _resource(scim, onelogin, _one_user(onelogin, pattern))
    active = body.get("active")
    check(
        active is not False,
        f"the app's user {body.get('userName')} is inactive (active false), though OneLogin never "
        "suspended it",
        response=origin_of(body),
        expected="active true, or no active at all (RFC 7643 gives it no default)",
    )


@then(phrase('the app has an inactive user "{pattern:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, pattern: str) -> None:
    body = _resource(scim, onelogin, _one_user(onelogin, pattern))
    check(
        body.get("active") is False,
        f"the app's user {body.get('userName')} has active {body.get('active')!r}, though OneLogin "
        "suspended it",
        response=origin_of(body),
        expected="active false",
    )


@then(phrase('the app has exactly one user "{pattern:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, pattern: str) -> None:
    user = _one_user(onelogin, pattern)
    found = _lookup(scim, onelogin, user)
    check(
        len(found) == 1,
        f"OneLogin's lookup of {onelogin.scim_username(user)} found {len(found)} users",
        response=origin_of(found),
        expected="exactly one: userName is unique (RFC 7643 §4.1)",
        basis=Basis.rfc("R-12") + Basis.fact("onelogin_lookup_before_push"),
    )


def _lookup(scim: ScimClient, onelogin: OneLogin, user: OneLoginUser) -> list[dict[str, Any]]:
    """OneLogin's own userName lookup; a 404 means "none" to OneLogin [guess]. The list it returns
    is noted as read from the lookup's answer (:func:`steps.failures.origin_of`)."""
    request = onelogin.connector.requests.lookup_user(onelogin.scim_username(user), "lookup", user.id)
    answer = send_one(scim, onelogin, "lookup", request).exchanges[0].response
    if answer.status_code == 404:
        return []
    assert_status(answer, 200, basis=Basis.fact("onelogin_lookup_before_push"))
    resources = body_of(answer).get("Resources") or []
    check(
        isinstance(resources, list),
        "the lookup's Resources is not a list",
        response=answer,
        expected="a ListResponse",
        basis=Basis.rfc("Q-01"),
    )
    found = [r for r in resources if isinstance(r, dict)]
    note_origin(found, answer)
    return found


def _gone(scim: ScimClient, onelogin: OneLogin) -> None:
    """RFC 7644 §3.6: after DELETE the resource answers 404 and is omitted from queries."""
    assert_user_unreadable(scim, onelogin)
    found = _lookup(scim, onelogin, onelogin.user)
    check(
        not found,
        "OneLogin's userName lookup still finds the deleted user",
        response=origin_of(found),
        expected="nobody: a deleted resource is omitted from queries",
        basis=Basis.rfc("X-01"),
    )


@then("the app no longer has the user")
def _(scim: ScimClient, onelogin: OneLogin) -> None:
    _gone(scim, onelogin)


@then(phrase("the app's user is {state:w}"))
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation, state: str) -> None:
    if state == "deleted":
        assert_accepted(conversation, scim, onelogin)
        _gone(scim, onelogin)
    elif state == "inactive":
        assert_accepted(conversation, scim, onelogin)
        body = _resource(scim, onelogin, onelogin.user)
        check(
            body.get("active") is False,
            f"the app's user has active {body.get('active')!r} after OneLogin suspended it",
            response=origin_of(body),
            expected="active false",
        )
    elif state == "unchanged":
        if conversation.exchanges:
            raise SuiteError(f"the simulator sent {conversation.trace()} for the deletion action Do nothing")
        now = _resource(scim, onelogin, onelogin.user)
        before = conversation.before or {}
        changed = sorted(k for k in {*before, *now} if before.get(k) != now.get(k))
        check(
            now == before,
            f"the app's user changed though OneLogin sent nothing: {', '.join(changed)}",
            response=origin_of(now),
            expected="the user exactly as before",
        )
    else:
        raise SuiteError(f"unknown state {state!r}: deleted, inactive or unchanged")


def _attribute(resource: dict[str, Any], path: str) -> Any:
    """A value by SCIM path (RFC 7644 §3.10); in a multi-valued attribute, the primary (or first)."""
    value: Any = resource
    for urn in (urns.ENTERPRISE_USER, urns.USER):
        if path.startswith(urn + ":"):
            value = resource.get(urn, {}) if urn == urns.ENTERPRISE_USER else resource
            path = path[len(urn) + 1 :]
    for part in path.split("."):
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, dict) and v.get("primary") is True), value[0])
        if not isinstance(value, dict):
            return None
        value = next((v for k, v in value.items() if k.casefold() == part.casefold()), None)
    return value


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _rendered(onelogin: OneLogin, defaults: bool) -> dict[str, Any]:
    """The body OneLogin renders for the user: with the scenario's app, or with every default."""
    user, links = onelogin.user, onelogin.connector.links
    if not defaults:
        body = onelogin.connector.requests.user_body(user, onelogin.tenant, links)
    else:
        tenant = Tenant(onelogin.tenant.users, onelogin.tenant.roles, AppSettings())
        body = Requests(ONELOGIN, tenant.settings, "", DEFAULT_TEMPLATE).user_body(user, tenant, links)
    for key in [k for k in body if k in urns.LEGACY_ENTERPRISE_USER]:
        body[urns.ENTERPRISE_USER] = body.pop(key)  # where the app shows it
    return body


@then("the app's user has these attributes")
def _(
    scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin, datatable: list[list[str]]
) -> None:
    """The values are those OneLogin's default template and settings send; a row the run's profile
    sends differently (another template, the username as SCIM username) skips the scenario."""
    body = _resource(scim, onelogin, onelogin.user)
    rows = datatable[1:] if datatable and datatable[0] == ["attribute", "value"] else datatable
    wrong, sent_otherwise = [], []
    for path, expected in rows:
        actual, wanted = _shown(_attribute(body, path)), onelogin.expand(expected)
        # userNames and emails compare case-insensitively (RFC 7643 §4.1: caseExact false)
        same = actual.casefold() == wanted.casefold() if "@" in wanted else actual == wanted
        if not same:
            wrong.append(f"{path} is {actual!r}, expected {wanted!r}")
            sent, default = (_shown(_attribute(_rendered(onelogin, d), path)) for d in (False, True))
            if sent != default:
                sent_otherwise.append(f"{path} {sent!r}")
    if wrong and len(sent_otherwise) == len(wrong):
        sends = ", ".join(sent_otherwise)
        about = f"this scenario expects what OneLogin sends by default, and here it sends {sends}"
        skip_if_set(scim_profile, _BODY_KNOBS, about)
    check(
        not wrong,
        "the app's user does not hold what OneLogin sent: " + "; ".join(wrong),
        response=origin_of(body),
        expected="the values OneLogin's template sent",
    )


@then(phrase('the app\'s user has the manager "{name:Q}"'))
def _(scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin, name: str) -> None:
    """``manager.managerId`` [doc] is the manager's id in the app (RFC 7643 §4.3 ``manager.value``)."""
    source = onelogin.connector.profile.manager_id_source
    about = "this scenario is about the manager sent as its id in the app"
    require(scim_profile, "manager_id_source", source, source == "scim_id", about)
    manager = _attribute(_rendered(onelogin, defaults=False), f"{urns.ENTERPRISE_USER}:manager")
    if not (isinstance(manager, dict) and (manager.get("managerId") or manager.get("value"))):
        skip_if_set(scim_profile, _BODY_KNOBS, "this scenario is about the manager; the template sends none")
    body = _resource(scim, onelogin, onelogin.user)
    manager_id = onelogin.app_id(onelogin.named(name))
    shown = _attribute(body, f"{urns.ENTERPRISE_USER}:manager.value")
    check(
        shown == manager_id,
        f"the app's user has the manager.value {shown!r}, not {name}'s id in the app {manager_id!r}",
        response=origin_of(body),
        expected="manager.value: the id OneLogin sent as manager.managerId",
        basis=Basis.fact("onelogin_manager_id") + Basis.rfc("R-15"),
    )


@then(
    phrase('the app keeps the department "{department:Q}" that OneLogin sent under its legacy enterprise URN')
)
def _(scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin, department: str) -> None:
    sent = onelogin.connector.requests.user_body(onelogin.user, onelogin.tenant, onelogin.connector.links)
    legacy = [sent[k].get("department") for k in urns.LEGACY_ENTERPRISE_USER if isinstance(sent.get(k), dict)]
    if department not in legacy:
        about = (
            "this scenario is about a department sent under a legacy enterprise URN, "
            "and the template sends none there"
        )
        skip_if_set(scim_profile, _BODY_KNOBS, about)
    body = _resource(scim, onelogin, onelogin.user)
    keys = (urns.ENTERPRISE_USER, *urns.LEGACY_ENTERPRISE_USER)
    kept = [body[k].get("department") for k in keys if isinstance(body.get(k), dict)]
    check(
        department in kept,
        f"the app dropped the department OneLogin sent under {urns.LEGACY_ENTERPRISE_USER[0]}: "
        f"the user shows {kept or 'no enterprise extension'}",
        response=origin_of(body),
        expected=f"department {department!r} in the enterprise extension",
        basis=Basis.fact("onelogin_legacy_urns"),
    )


@then("the app shows the user under the RFC schema URNs only")
def _(scim: ScimClient, onelogin: OneLogin) -> None:
    """RFC 7643 §3: ``schemas`` holds the resource's schema and its extensions (normalised URNs)."""
    body = _resource(scim, onelogin, onelogin.user)
    schemas = body.get("schemas") or []
    legacy = (*urns.LEGACY_USER, *urns.LEGACY_ENTERPRISE_USER)
    context: dict[str, Any] = {"response": origin_of(body), "basis": Basis.rfc("R-01")}
    context["expected"] = f"schemas naming {urns.USER} (and {urns.ENTERPRISE_USER} when used), nothing else"
    check(urns.USER in schemas, f"the app's user has the schemas {schemas}, without {urns.USER}", **context)
    echoed = [s for s in schemas if s in legacy]
    check(not echoed, f"the app echoes OneLogin's legacy URNs in schemas: {echoed}", **context)
    keys = [k for k in body if k in legacy]
    check(not keys, f"the app keeps the extension under the legacy key {keys[0] if keys else ''}", **context)
    if isinstance(body.get(urns.ENTERPRISE_USER), dict):
        check(
            urns.ENTERPRISE_USER in schemas,
            "the app's user has the enterprise extension, but its schemas do not list it",
            **context,
        )


@then("the app finds exactly the user")
def _(onelogin: OneLogin, conversation: Conversation) -> None:
    """The form-encoded filter with its trailing ``&`` finds the user it names, and only it."""
    lookup = conversation.exchanges[0].response
    basis = Basis.fact("onelogin_form_encoded_filter") + Basis.rfc("Q-05")
    expect = f"exactly the user {onelogin.app_id(onelogin.user)}"
    check(
        lookup.status_code == 200,
        f"OneLogin's lookup of an existing user answered {lookup.status_code}",
        response=lookup,
        expected=f"200 with {expect}",
        basis=basis,
    )
    resources = body_of(lookup).get("Resources") or []
    ids = [r.get("id") for r in resources if isinstance(r, dict)]
    check(
        ids == [onelogin.app_id(onelogin.user)],
        f"OneLogin's lookup found {ids or 'nobody'}",
        response=lookup,
        expected=expect,
        basis=basis,
    )


@then("the app has every assigned user with the name and email OneLogin sent")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """Non-ASCII letters arrive exactly; stray whitespace around a name may be trimmed."""
    assert_accepted(conversation, scim, onelogin)
    wrong = []
    for user in (u for u in onelogin.tenant.users if u.assigned):
        body = _resource(scim, onelogin, user)
        name = body.get("name") or {}
        if str(name.get("givenName", "")).strip() != user.firstname.strip():
            wrong.append(f"givenName {name.get('givenName')!r} ≠ {user.firstname!r}")
        if str(name.get("familyName", "")).strip() != user.lastname.strip():
            wrong.append(f"familyName {name.get('familyName')!r} ≠ {user.lastname!r}")
        emails = [str(e.get("value", "")).casefold() for e in body.get("emails") or [] if isinstance(e, dict)]
        if user.email.casefold() not in emails:
            wrong.append(f"emails {emails} lack {user.email!r}")
    check(
        not wrong,
        "the app changed what OneLogin sent: " + "; ".join(wrong),
        expected="every name and email as sent",
    )


@then("OneLogin finds every assigned user by userName")
def _(scim: ScimClient, onelogin: OneLogin) -> None:
    for user in (u for u in onelogin.tenant.users if u.assigned):
        found = _lookup(scim, onelogin, user)
        ids = [r.get("id") for r in found]
        check(
            ids == [onelogin.app_id(user)],
            f"OneLogin's lookup of {onelogin.scim_username(user)!r} found {ids or 'nobody'}",
            response=origin_of(found),
            expected=f"exactly the user {onelogin.app_id(user)}",
            basis=Basis.fact("onelogin_form_encoded_filter") + Basis.rfc("Q-05"),
        )
