"""Users the lifecycle scenarios start from, pushed whatever template the app takes (issue 15).

The side-effect scenarios (``features/lifecycle/``) are about what the app does on deprovisioning,
not about OneLogin's template. So their users are pushed with the run's profile, and when the app
refuses that push because of the body OneLogin's template renders (a 4xx that is not about the
token, the id or a conflict), the push is sent once more with the RFC-clean template of the recipe
``docs/profiles/vendor-rfc-clean.toml`` — the same definition ``--profile`` reads, not a second one —
and the scenario goes on with it. The refusal is an **IdP-compatibility finding**: a
``scim_finding`` record in the scenario's report data (harness/collect.py), which the reports show
once per run, never a failure of the side-effect scenario. The OneLogin areas still fail on it.

A push refused by the RFC-clean template too fails as any push does, with the reason.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given

from simulator import EffectiveProfile, Template, load_profile
from steps.failures import Failure, sent
from steps.idp import Conversation, OneLogin, converse, phrase
from steps.idp_diagnosis import NOT_ABOUT_THE_BODY, assert_accepted, explain
from steps.wire import ScimClient

RFC_CLEAN_RECIPE = Path(__file__).resolve().parents[1] / "docs" / "profiles" / "vendor-rfc-clean.toml"
"""The RFC-clean recipe; its template is what a refused push falls back to."""
FINDING = "template_refused"
"""The id of the finding: the app refuses the template the run's profile renders."""
_BODY_WRITES = ("create_user", "replace_user")


@cache
def rfc_clean_template() -> Template:
    """The template of ``docs/profiles/vendor-rfc-clean.toml`` (RFC 7643 URNs, ``manager.value``)."""
    return load_profile(RFC_CLEAN_RECIPE).scim_template()


def _template_refused(conversation: Conversation) -> bool:
    """Whether the event failed at a user body the template rendered, for a reason about the body."""
    if conversation.outcome is None or conversation.outcome.ok or not conversation.exchanges:
        return False
    last = conversation.exchanges[-1]
    about_body = 400 <= last.status < 500 and last.status not in NOT_ABOUT_THE_BODY
    return last.request.operation in _BODY_WRITES and about_body


def _finding(
    conversation: Conversation, scim: ScimClient, onelogin: OneLogin, profile: str
) -> dict[str, Any]:
    """The ``scim_finding`` record of a refused template (the diagnosis names the quirk, if it can)."""
    found = explain(conversation, scim, onelogin)
    failing = conversation.exchanges[-1]
    record: dict[str, Any] = {
        "id": FINDING,
        "idp": "onelogin",
        "title": f"The app refuses {profile}",
        "what": found.what,
        "basis": found.basis.keys,
        "request": sent(failing.response).split("?", 1)[0],
        "status": failing.status,
        "fallback": "the RFC-clean template of docs/profiles/vendor-rfc-clean.toml",
        "consequence": "the lifecycle scenarios went on with the RFC-clean template of "
        "docs/profiles/vendor-rfc-clean.toml, so their verdicts are about the side effects",
    }
    if found.cause:
        record["cause"] = found.cause
    return record


def provisioned(
    scim: ScimClient, onelogin: OneLogin, request: pytest.FixtureRequest, profile: str
) -> OneLogin:
    """Push the current user; on a refused template, push it once more with the RFC-clean one."""
    conversation = converse(scim, onelogin, "assign", onelogin.connector.assign(onelogin.user))
    clean = rfc_clean_template()
    if not _template_refused(conversation) or onelogin.connector.template == clean:
        assert_accepted(conversation, scim, onelogin)
        return onelogin.remembering()
    finding = _finding(conversation, scim, onelogin, profile)
    fallback = onelogin.with_template(clean)
    retry = converse(scim, fallback, "assign", fallback.connector.assign(fallback.user))
    try:
        assert_accepted(retry, scim, fallback)
    except Failure as failure:
        raise Failure(
            f"{failure.what} — and before it, with the run's template: {finding['what']}",
            response=failure.response,
            expected=failure.expected,
            basis=failure.basis,
            cause=failure.cause,
        ) from None
    request.node.user_properties.append(("scim_finding", finding))
    return fallback.remembering()


def _profile_name(scim_profile: EffectiveProfile) -> str:
    """``OneLogin's default SCIM template``, or the template of the run's profile by its name."""
    chosen = any(scim_profile.origin(k) != "default" for k in ("template.name", "template.file"))
    return (
        f"the SCIM template of the run's profile {scim_profile.name!r}"
        if chosen
        else ("OneLogin's default SCIM template")
    )


@given(phrase('a OneLogin user "{name:Q}" provisioned to the app'), target_fixture="onelogin")
def _(
    scim: ScimClient,
    scim_profile: EffectiveProfile,
    onelogin: OneLogin,
    request: pytest.FixtureRequest,
    name: str,
) -> OneLogin:
    """Pushed as OneLogin does, falling back once to the RFC-clean template (module docstring)."""
    return provisioned(scim, onelogin.adding(onelogin.person(name)), request, _profile_name(scim_profile))


@given(
    phrase('a OneLogin user "{name:Q}" with the {field:w} "{value:Q}" provisioned to the app'),
    target_fixture="onelogin",
)
def _(
    scim: ScimClient,
    scim_profile: EffectiveProfile,
    onelogin: OneLogin,
    request: pytest.FixtureRequest,
    name: str,
    field: str,
    value: str,
) -> OneLogin:
    # imported here: pytest loads steps.onelogin as a plugin after this module, and rewrites the
    # asserts of a module only when it imports it first
    from steps.onelogin import _person_with, _roles_pushed

    _roles_pushed(scim_profile, onelogin, field)
    state = onelogin.adding(_person_with(onelogin, name, field, value))
    return provisioned(scim, state, request, _profile_name(scim_profile))
