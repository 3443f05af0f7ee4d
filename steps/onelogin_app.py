"""Steps reading what the app holds after OneLogin's requests: its users, their attributes, deletions.

Reads are plain SCIM requests (``GET /Users/{id}``) or OneLogin's own userName lookup built by the
simulator's profile, so "the app has the user" means what it means to OneLogin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pytest_bdd import then

from schemas import urns
from simulator import DEFAULT_TEMPLATE, ONELOGIN, AppSettings, OneLoginUser, Requests, Tenant
from simulator.profile_file import EffectiveProfile
from steps.common import assert_status, body_of
from steps.idp import Conversation, OneLogin, app_user, phrase, send_one
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
    assert len(matches) == 1, f"{len(matches)} OneLogin users have the SCIM username or email {pattern!r}"
    return matches[0]


def _resource(scim: ScimClient, onelogin: OneLogin, user: OneLoginUser) -> dict[str, Any]:
    response = app_user(scim, onelogin, user)
    assert_status(response, 200)
    body = body_of(response)
    sent = onelogin.scim_username(user)
    assert str(body.get("userName", "")).casefold() == sent.casefold(), (
        f"the app's user has userName {body.get('userName')!r}, OneLogin sent {sent!r}"
    )
    return body


@then(phrase('the app has an active user "{pattern:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, pattern: str) -> None:
    """Issue 12, ruling 2: an unassigned ``active`` is not a deactivation. RFC 7643 §4.1.1 gives
    ``active`` no default and OneLogin's default template sends none, so a server that leaves it
    unassigned passes; one that stores ``active: false`` has suspended the user, and fails."""
    body = _resource(scim, onelogin, _one_user(onelogin, pattern))
    active = body.get("active")
    assert active is not False, f"the app's user {body.get('userName')} has active={active!r}"


@then(phrase('the app has an inactive user "{pattern:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, pattern: str) -> None:
    body = _resource(scim, onelogin, _one_user(onelogin, pattern))
    assert body.get("active") is False, (
        f"the app's user {body.get('userName')} has active={body.get('active')!r}; OneLogin suspended it"
    )


@then(phrase('the app has exactly one user "{pattern:Q}"'))
def _(scim: ScimClient, onelogin: OneLogin, pattern: str) -> None:
    user = _one_user(onelogin, pattern)
    found = _lookup(scim, onelogin, user)
    assert len(found) == 1, f"OneLogin's lookup of {onelogin.scim_username(user)} found {len(found)} users"


def _lookup(scim: ScimClient, onelogin: OneLogin, user: OneLoginUser) -> list[dict[str, Any]]:
    """OneLogin's own userName lookup; a 404 means "none" to OneLogin [guess]."""
    request = onelogin.connector.requests.lookup_user(onelogin.scim_username(user), "lookup", user.id)
    sent = send_one(scim, onelogin, "lookup", request).exchanges[0]
    if sent.status == 404:
        return []
    assert sent.status == 200, f"{request} answered {sent.status}"
    resources = body_of(sent.response).get("Resources") or []
    assert isinstance(resources, list)
    return resources


def _gone(scim: ScimClient, onelogin: OneLogin) -> None:
    """RFC 7644 §3.6: after DELETE the resource answers 404 and is omitted from queries."""
    user = onelogin.user
    scim_id = onelogin.app_id(user)
    assert scim_id, "OneLogin never linked the user"
    response = scim.get(f"/Users/{quote(scim_id, safe='')}")
    assert response.status_code == 404, f"GET /Users/{scim_id} answered {response.status_code} after DELETE"
    assert not _lookup(scim, onelogin, user), "OneLogin's lookup still finds the deleted user"


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
        assert body.get("active") is False, f"the app's user has active={body.get('active')!r}"
    elif state == "unchanged":
        assert not conversation.exchanges, f"OneLogin sent {conversation.trace()}"
        now = _resource(scim, onelogin, onelogin.user)
        assert now == conversation.before, f"the app's user changed: {conversation.before} → {now}"
    else:
        raise AssertionError(f"unknown state {state!r}: deleted, inactive or unchanged")


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
    assert not wrong, "; ".join(wrong)


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
    assert shown == manager_id, f"manager.value is {shown!r}, the app id of {name} is {manager_id!r}"


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
    assert department in kept, (
        f"the app dropped the department OneLogin sent under {urns.LEGACY_ENTERPRISE_USER[0]}: "
        f"the user shows {kept or 'no enterprise extension'}"
    )


@then("the app shows the user under the RFC schema URNs only")
def _(scim: ScimClient, onelogin: OneLogin) -> None:
    """RFC 7643 §3: ``schemas`` holds the resource's schema and its extensions (normalised URNs)."""
    body = _resource(scim, onelogin, onelogin.user)
    schemas = body.get("schemas") or []
    legacy = (*urns.LEGACY_USER, *urns.LEGACY_ENTERPRISE_USER)
    assert urns.USER in schemas, f"schemas is {schemas}"
    assert not [s for s in schemas if s in legacy], f"the app echoes OneLogin's legacy URNs: {schemas}"
    assert not [k for k in body if k in legacy], "the app keeps the extension under its legacy key"
    if isinstance(body.get(urns.ENTERPRISE_USER), dict):
        assert urns.ENTERPRISE_USER in schemas, "the enterprise extension is not listed in schemas"


@then("the app finds exactly the user")
def _(onelogin: OneLogin, conversation: Conversation) -> None:
    """The form-encoded filter with its trailing ``&`` finds the user it names, and only it."""
    sent = conversation.exchanges[0]
    assert sent.status == 200, f"{sent.request} answered {sent.status} for an existing user"
    resources = body_of(sent.response).get("Resources") or []
    ids = [r.get("id") for r in resources]
    assert ids == [onelogin.app_id(onelogin.user)], f"{sent.request} found {ids}"


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
        emails = [str(e.get("value", "")).casefold() for e in body.get("emails") or []]
        if user.email.casefold() not in emails:
            wrong.append(f"emails {emails} lack {user.email!r}")
    assert not wrong, "; ".join(wrong)


@then("OneLogin finds every assigned user by userName")
def _(scim: ScimClient, onelogin: OneLogin) -> None:
    for user in (u for u in onelogin.tenant.users if u.assigned):
        ids = [r.get("id") for r in _lookup(scim, onelogin, user)]
        assert ids == [onelogin.app_id(user)], (
            f"OneLogin's lookup of {onelogin.scim_username(user)!r} found {ids}, "
            f"expected [{onelogin.app_id(user)!r}]"
        )
