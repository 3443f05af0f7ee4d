"""Steps of the OneLogin user areas: connection test, push, update, suspend, reactivate, delete.

Each ``When`` runs one of the simulator's OneLogin event plans (``Connector.assign``, ``.update``,
``.suspend``, ...) against the target and returns the :class:`Conversation`; the ``Then`` steps
judge it the way OneLogin does (onelogin-profile.md, "Requests per lifecycle event") and read the
app's state back with plain SCIM requests. When OneLogin's event fails, the failure names the
OneLogin quirk the server refused (see :mod:`steps.idp_diagnosis`).
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from pytest_bdd import given, then, when

from simulator import Connector, EffectiveProfile, OneLoginUser, Outcome, Template, parse_custom_headers, run
from steps.common import assert_status, body_of
from steps.failures import Basis, SuiteError, check, sent
from steps.idp import (
    Conversation,
    OneLogin,
    Sent,
    app_user,
    converse,
    created_elsewhere,
    linked_id,
    phrase,
    send_one,
    sender,
)
from steps.idp_diagnosis import assert_accepted
from steps.profile import require
from steps.wire import ScimClient

DELETION_ACTIONS = {"Delete": "delete", "Suspend": "suspend", "Do nothing": "nothing"}
FIELDS = {
    "title": "title",
    "department": "department",
    "first name": "firstname",
    "last name": "lastname",
    "phone": "phone",
}


def pushed(scim: ScimClient, onelogin: OneLogin) -> OneLogin:
    """Push the current user as OneLogin does on assignment; fail with the reason if it breaks."""
    conversation = converse(scim, onelogin, "assign", onelogin.connector.assign(onelogin.user))
    assert_accepted(conversation, scim, onelogin)
    return onelogin.remembering()


def _person_with(onelogin: OneLogin, name: str, field: str, value: str) -> OneLoginUser:
    if field == "email":
        return onelogin.person(name, value)
    if field == "role":
        return onelogin.person(name, roles=(value,))
    if field == "manager":
        return onelogin.person(name, manager=onelogin.named(value))
    if field == "title":
        return onelogin.person(name, title=value)
    if field == "department":
        return onelogin.person(name, department=value)
    raise SuiteError(f"unknown OneLogin user field {field!r}")


def _roles_pushed(scim_profile: EffectiveProfile, onelogin: OneLogin, field: str) -> None:
    """A user given a role here is expected in the role's group once pushed."""
    if field == "role":
        pushes = onelogin.connector.profile.assign_pushes_groups
        about = "this scenario expects a pushed user to join the groups of its roles"
        require(scim_profile, "assign_pushes_groups", pushes, pushes, about)


def _suspends(scim_profile: EffectiveProfile, onelogin: OneLogin) -> None:
    action = onelogin.tenant.settings.suspension_action
    about = 'this scenario is about the "Suspend" action for users suspended in OneLogin'
    require(scim_profile, "app.suspension_action", action, action == "suspend", about)


# --- the tenant -------------------------------------------------------------------------------------
@given(phrase('a OneLogin user "{name:Q}" assigned to the app'), target_fixture="onelogin")
def _(onelogin: OneLogin, name: str) -> OneLogin:
    return onelogin.adding(onelogin.person(name))


@given(
    phrase('a OneLogin user "{name:Q}" with the {field:w} "{value:Q}" assigned to the app'),
    target_fixture="onelogin",
)
def _(scim_profile: EffectiveProfile, onelogin: OneLogin, name: str, field: str, value: str) -> OneLogin:
    _roles_pushed(scim_profile, onelogin, field)
    return onelogin.adding(_person_with(onelogin, name, field, value))


@given(
    phrase('a OneLogin user "{name:Q}" with no title, department or manager assigned to the app'),
    target_fixture="onelogin",
)
def _(onelogin: OneLogin, name: str) -> OneLogin:
    """Empty placeholders render as empty strings [guess]: ``"title": ""``, ``"managerId": ""``."""
    return onelogin.adding(onelogin.person(name, title="", department=""))


@given(phrase('a OneLogin user "{name:Q}" pushed to the app'), target_fixture="onelogin")
def _(scim: ScimClient, onelogin: OneLogin, name: str) -> OneLogin:
    return pushed(scim, onelogin.adding(onelogin.person(name)))


@given(
    phrase('a OneLogin user "{name:Q}" with the {field:w} "{value:Q}" pushed to the app'),
    target_fixture="onelogin",
)
def _(
    scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin, name: str, field: str, value: str
) -> OneLogin:
    _roles_pushed(scim_profile, onelogin, field)
    return pushed(scim, onelogin.adding(_person_with(onelogin, name, field, value)))


@given(phrase('a OneLogin user "{name:Q}" who already exists in the app'), target_fixture="onelogin")
def _(scim: ScimClient, onelogin: OneLogin, name: str) -> OneLogin:
    """The app got the user some other way (a CSV, another IdP): a plain RFC POST, same userName."""
    state = onelogin.adding(onelogin.person(name))
    created_elsewhere(scim, state)
    return state


@given(
    phrase("a OneLogin tenant of {count:d} users with unusual names, generated from seed {seed:d}"),
    target_fixture="onelogin",
)
def _(onelogin: OneLogin, count: int, seed: int) -> OneLogin:
    """``Tenant.generate``: non-ASCII, apostrophes, hyphens, stray whitespace, plus-addressing."""
    return onelogin.with_tenant(onelogin.generated(count, seed))


@given("OneLogin has suspended the user")
def _(scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin) -> None:
    _suspends(scim_profile, onelogin)
    onelogin.user.suspended = True
    conversation = converse(scim, onelogin, "suspend", onelogin.connector.suspend(onelogin.user))
    assert_accepted(conversation, scim, onelogin)


@given("the app's user was deleted on the app side")
def _(scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin) -> None:
    lookup = onelogin.connector.profile.update_preceded_by_lookup
    about = "this scenario is about OneLogin finding the user gone by its lookup before an update"
    require(scim_profile, "update_preceded_by_lookup", lookup, lookup, about)
    scim_id = linked_id(onelogin, onelogin.user)
    assert_status(scim.delete(f"/Users/{quote(scim_id, safe='')}"), 204, 200, basis=Basis.rfc("X-01"))


# --- the app's settings in OneLogin ----------------------------------------------------------------
@given(phrase('the app\'s deletion action is "{action:Q}"'), target_fixture="onelogin")
def _(onelogin: OneLogin, action: str) -> OneLogin:
    """Provisioning tab: "When users are deleted in OneLogin, or the user's app access is removed"."""
    if action not in DELETION_ACTIONS:
        raise SuiteError(f"the deletion action is one of {', '.join(DELETION_ACTIONS)}, not {action!r}")
    return onelogin.with_settings(deletion_action=DELETION_ACTIONS[action])


@given("the app's SCIM JSON template is", target_fixture="onelogin")
def _(onelogin: OneLogin, docstring: str) -> OneLogin:
    return onelogin.with_template(Template.parse(docstring))


@given("the app's custom headers are", target_fixture="onelogin")
def _(onelogin: OneLogin, docstring: str) -> OneLogin:
    return onelogin.with_settings(custom_headers=parse_custom_headers(docstring))


@given("OneLogin is set to suspend users by PATCH", target_fixture="onelogin")
def _(onelogin: OneLogin) -> OneLogin:
    """The profile's ``suspend_style`` knob [guess]: ``{"op": "replace", "value": {"active": false}}``."""
    return onelogin.with_profile(suspend_style="patch")


# --- events -----------------------------------------------------------------------------------------
@when("OneLogin tests the connection", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    return converse(scim, onelogin, "connection test", onelogin.connector.connection_test())


@when("OneLogin tests the connection with a wrong bearer token", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    right = onelogin.connector
    wrong = Connector(onelogin.tenant, f"wrong-{uuid.uuid4().hex}", right.profile, right.template)
    sent: list[Sent] = []
    # No schema check: a refusal of the token need not be a SCIM Error for OneLogin to fail the test.
    outcome = run(wrong.connection_test(), sender(scim, onelogin.base_url, sent, validate=False))
    return Conversation("connection test", tuple(sent), outcome)


@when("OneLogin pushes the user", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    return converse(scim, onelogin, "push", onelogin.connector.assign(onelogin.user))


@when("OneLogin pushes every assigned user", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    exchanges: list[Sent] = []
    failed: Outcome | None = None
    for user in onelogin.tenant.users:
        if not user.assigned:
            continue
        one = converse(scim, onelogin, "push", onelogin.connector.assign(user))
        exchanges.extend(one.exchanges)
        if one.outcome is not None and not one.outcome.ok:
            failed = one.outcome
            break
    outcome = failed or Outcome("assign", None, True, "every assigned user pushed")
    return Conversation("push", tuple(exchanges), outcome)


@when("OneLogin looks the user up by userName", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    user = onelogin.user
    request = onelogin.connector.requests.lookup_user(onelogin.scim_username(user), "lookup", user.id)
    return send_one(scim, onelogin, "lookup", request)


@when(
    phrase('OneLogin changes the user\'s {field} to "{value:Q}" and pushes the update'),
    target_fixture="conversation",
)
def _(scim: ScimClient, onelogin: OneLogin, field: str, value: str) -> Conversation:
    user = onelogin.user
    if field == "manager":
        user.manager_id = onelogin.named(value).id
    else:
        if field not in FIELDS:
            known = ", ".join([*FIELDS, "manager"])
            raise SuiteError(f"OneLogin's user fields here are {known}, not {field!r}")
        setattr(user, FIELDS[field], value)
    return converse(scim, onelogin, "update", onelogin.connector.update(user))


@when("OneLogin suspends the user", target_fixture="conversation")
def _(scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin) -> Conversation:
    _suspends(scim_profile, onelogin)
    onelogin.user.suspended = True
    return converse(scim, onelogin, "suspend", onelogin.connector.suspend(onelogin.user))


@when("OneLogin reactivates the user", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    onelogin.user.suspended = False
    return converse(scim, onelogin, "reactivate", onelogin.connector.reactivate(onelogin.user))


@when("OneLogin deletes the user", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    before = body_of(app_user(scim, onelogin, onelogin.user))
    plan = onelogin.connector.delete(onelogin.user)
    return converse(scim, onelogin, "delete", plan, before)


@when("OneLogin removes the app from the user", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    before = body_of(app_user(scim, onelogin, onelogin.user))
    onelogin.user.assigned = False
    plan = onelogin.connector.unassign(onelogin.user)
    return converse(scim, onelogin, "unassign", plan, before)


# --- what OneLogin saw -----------------------------------------------------------------------------
@then("OneLogin accepts the connection")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """OneLogin passes the test on 200 with an empty ListResponse, or on 404 [doc]."""
    assert_accepted(conversation, scim, onelogin)


@then("OneLogin reports that the connection failed")
def _(conversation: Conversation) -> None:
    """OneLogin's token is the only credential (onelogin-profile.md); a wrong one must be refused."""
    outcome = conversation.outcome
    check(
        outcome is not None and not outcome.ok,
        f"the app accepted a wrong bearer token ({conversation.trace()}): anyone could provision users",
        response=conversation.exchanges[-1].response if conversation.exchanges else None,
        expected="a refusal (401), so OneLogin reports the connection failed",
        basis=Basis.rfc("T-03") + Basis.fact("onelogin_bearer_token"),
    )


@then(phrase("the app refused the token with {status:d}"))
def _(conversation: Conversation, status: int) -> None:
    """RFC 7644 §3.12 Table 8: missing or invalid credentials → 401."""
    last = conversation.exchanges[-1]
    check(
        last.status == status,
        f"{sent(last.response)} with a wrong token answered {last.status}, not {status}",
        response=last.response,
        expected=str(status),
        basis=Basis.rfc("T-03"),
    )


@then("OneLogin created the user in the app")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """A userName lookup finding nothing, then ``POST /Users`` → 201 with ``id`` and the name [doc]."""
    assert_accepted(conversation, scim, onelogin)
    creates = conversation.of("create_user")
    lookups = conversation.of("lookup_user")
    check(
        creates,
        f"OneLogin did not create the user: its userName lookup found someone, so it linked and "
        f"replaced instead ({conversation.trace()})",
        response=lookups[0].response if lookups else None,
        expected="no match for a userName the app has never seen: totalResults 0",
        basis=Basis.fact("onelogin_lookup_before_push") + Basis.rfc("Q-02"),
    )
    if "lookup_user" not in conversation.operations[: conversation.operations.index("create_user")]:
        trace = conversation.trace()
        raise SuiteError(f"the simulator created the user without looking it up first: {trace}")
    response = creates[0].response
    body = body_of(response)
    context = {"response": response, "basis": Basis.fact("onelogin_create_response")}
    check(body.get("id"), "the 201 to OneLogin's create carries no id", expected="id", **context)
    name = body.get("name") or {}
    missing = [n for n in ("givenName", "familyName") if not isinstance(name, dict) or n not in name]
    check(
        not missing,
        f"the 201 to OneLogin's create lacks {', '.join('name.' + m for m in missing)}, which OneLogin "
        "needs to link the user",
        expected="id, name.givenName and name.familyName in the 201",
        **context,
    )


@then("OneLogin linked the user to the app's existing user and replaced it")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """One lookup result → OneLogin links its ``id`` and sends ``PUT /Users/{id}?`` [seen]."""
    assert_accepted(conversation, scim, onelogin)
    lookups = conversation.of("lookup_user")
    if not lookups:
        raise SuiteError(f"the simulator pushed without looking the user up: {conversation.trace()}")
    check(
        not conversation.of("create_user"),
        f"OneLogin created a second user: its userName lookup found nobody ({conversation.trace()})",
        response=lookups[0].response,
        expected="the app's existing user of that userName in the lookup's answer",
        basis=Basis.fact("onelogin_lookup_before_push", "onelogin_link_existing") + Basis.rfc("Q-05"),
    )
    found = lookups[0].json()["Resources"][0]["id"]
    puts = conversation.of("replace_user")
    if not puts or puts[0].request.path != f"/Users/{quote(found, safe='')}":
        trace = conversation.trace()
        raise SuiteError(f"the simulator did not replace the user its lookup found ({found}): {trace}")


@then("the app accepted every request OneLogin sent")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    assert_accepted(conversation, scim, onelogin)


@then("the app accepted OneLogin's full replacement of the user")
def _(
    scim: ScimClient, scim_profile: EffectiveProfile, onelogin: OneLogin, conversation: Conversation
) -> None:
    """``PUT /Users/{id}?`` with the whole template → 200 [seen] (RFC 7644 §3.5.1)."""
    if conversation.event in ("suspend", "delete", "unassign"):
        style = onelogin.connector.profile.suspend_style
        about = "this scenario checks a suspension sent as a full replacement (PUT)"
        require(scim_profile, "suspend_style", style, style == "put", about)
    assert_accepted(conversation, scim, onelogin)
    puts = conversation.of("replace_user")
    check(
        puts,
        f"OneLogin sent no replacement of the user: {conversation.trace()}",
        response=conversation.exchanges[-1].response if conversation.exchanges else None,
        expected="PUT /Users/{id}? with the whole template, the user found by its lookup",
        basis=Basis.fact("onelogin_update_whole_template"),
    )
    for put in puts:
        check(
            put.status == 200,
            f"{sent(put.response)} answered {put.status}",
            response=put.response,
            expected="200 with the replaced user",
            basis=Basis.fact("onelogin_update_whole_template") + Basis.rfc("P-03"),
        )


@then('OneLogin\'s replacement URL ended in a bare "?"')
def _(scim_profile: EffectiveProfile, onelogin: OneLogin, conversation: Conversation) -> None:
    """[seen] PUT URLs end in ``?``: the request-target on the wire really carried it."""
    query = onelogin.connector.profile.put_query
    about = 'this scenario is about OneLogin\'s PUT URLs ending in a bare "?" (put_query="")'
    require(scim_profile, "put_query", query, query == "", about)
    puts = conversation.of("replace_user")
    if not puts:
        raise SuiteError(f"the scenario's event sent no replacement: {conversation.trace()}")
    for put in puts:
        raw = put.response.request.url.raw_path
        if not raw.endswith(b"?"):
            raise SuiteError(f"the harness sent the request-target {raw!r}, not OneLogin's '...?'")


@then('OneLogin\'s lookup went out form-encoded with a trailing "&"')
def _(scim_profile: EffectiveProfile, onelogin: OneLogin, conversation: Conversation) -> None:
    """[seen] ``filter=userName+eq+%22…%22&``: the query on the wire is exactly OneLogin's."""
    encoding, suffix = onelogin.connector.profile.filter_encoding, onelogin.connector.profile.filter_suffix
    about = 'this scenario is about OneLogin\'s form-encoded filter with a trailing "&"'
    require(scim_profile, "filter_encoding", encoding, encoding == "form", about)
    require(scim_profile, "filter_suffix", suffix, suffix == "&", about)
    lookups = [s for s in conversation.exchanges if s.request.operation in ("lookup_user", "connection_test")]
    if not lookups:
        raise SuiteError(f"the scenario's event sent no lookup: {conversation.trace()}")
    for lookup in lookups:
        query = lookup.response.request.url.query.decode("ascii")
        form = query.startswith("filter=userName+eq+%22") and query.endswith("%22&")
        if query != lookup.request.query or not form:
            raise SuiteError(f"the harness sent the query {query!r}, not OneLogin's {lookup.request.query!r}")


@then("OneLogin deleted the user in the app")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """Deletion action Delete → ``DELETE /Users/{id}``, accepted as 200 or 204 [doc]."""
    assert_accepted(conversation, scim, onelogin)
    check(
        conversation.of("delete_user"),
        f"OneLogin sent no DELETE: it did not find the user in the app ({conversation.trace()})",
        response=conversation.exchanges[-1].response if conversation.exchanges else None,
        expected="DELETE /Users/{id} of the user OneLogin linked",
        basis=Basis.fact("onelogin_deletion_action"),
    )


@then("OneLogin sent no request to the app")
def _(conversation: Conversation) -> None:
    """Deletion action Do nothing → no request [doc]."""
    if conversation.exchanges:
        raise SuiteError(f"the simulator sent {conversation.trace()} for the deletion action Do nothing")


@then(phrase('OneLogin sent its requests with Content-Type "{media:Q}"'))
def _(scim_profile: EffectiveProfile, onelogin: OneLogin, conversation: Conversation, media: str) -> None:
    """Content-Type is the profile's ``content_type`` unless a custom header replaces it."""
    sends = dict((n.lower(), v) for n, v in onelogin.connector.requests.headers(True))["content-type"]
    custom = onelogin.tenant.settings.custom_headers
    overridden = any(n.lower() == "content-type" for n, _ in custom)
    knob, actual = ("app.custom_headers", custom) if overridden else ("content_type", sends)
    about = f"this scenario is about requests sent with Content-Type {media}, not {sends}"
    require(scim_profile, knob, actual, sends == media, about)
    with_body = [s for s in conversation.exchanges if s.request.body]
    if not with_body:
        raise SuiteError(f"the scenario's event sent no request with a body: {conversation.trace()}")
    for exchange in with_body:
        on_wire = exchange.response.request.headers.get("content-type")
        if on_wire != media:
            raise SuiteError(
                f"{sent(exchange.response)} went out with Content-Type {on_wire!r}, not {media!r}"
            )
