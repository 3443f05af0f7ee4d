"""Steps only Okta's area has: its import paging, its duplicate create and its PUT of the GET.

Everything goes out as Okta's profile builds it (simulator/okta.py); shared events and checks are
in :mod:`steps.idp_events`.
"""

from __future__ import annotations

from pytest_bdd import then, when

from schemas import urns
from steps._idp_quirks import assert_idp_accepted
from steps.common import body_of
from steps.failures import Basis, SuiteError, check, sent
from steps.idp import Conversation, OneLogin, converse, linked_id, phrase, send_one
from steps.wire import ScimClient


def _okta(onelogin: OneLogin) -> OneLogin:
    if onelogin.idp != "okta":
        raise SuiteError(f"an Okta step in a scenario tagged @{onelogin.idp}")
    return onelogin


@when("Okta imports the app's users", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    okta = _okta(onelogin)
    return converse(scim, okta, "import", okta.connector.import_users())


@then("Okta read the app's users page by page from startIndex=1 with count=100")
def _(scim: ScimClient, onelogin: OneLogin, conversation: Conversation) -> None:
    """okta_import_paging [doc]: ``GET /Users?startIndex=1&count=100`` until totalResults."""
    okta = _okta(onelogin)
    assert_idp_accepted(conversation, scim, okta)
    pages = conversation.of("list_users")
    if not pages or pages[0].request.query != "startIndex=1&count=100":
        raise SuiteError(f"Okta's profile did not page its import as Okta does: {conversation.trace()}")
    for page in pages:
        body = page.json()
        counts = (
            {k: body.get(k) for k in ("totalResults", "itemsPerPage", "startIndex")}
            if isinstance(body, dict)
            else {}
        )
        check(
            all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values()),
            f"{sent(page.response)} answered counts Okta cannot page by: {counts}",
            response=page.response,
            expected="integer totalResults, itemsPerPage and startIndex (Okta: counts must be integers)",
        )
    linked = okta.app_id(okta.user)
    check(
        linked is not None,
        f"Okta's import did not find {okta.scim_username(okta.user)!r}: {conversation.trace()}",
    )


@when("Okta creates the user again without looking it up", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    okta = _okta(onelogin)
    requests = okta.connector.requests
    body = requests.user_body(okta.user, okta.tenant, okta.connector.links)
    return send_one(scim, okta, "duplicate create", requests.create_user(body, "assign", okta.user.id))


@then("the app refused the duplicate with 409 and a SCIM error")
def _(conversation: Conversation) -> None:
    """okta_duplicate_409 [doc]; RFC 7644 §3.3: a duplicate is 409 uniqueness."""
    answer = conversation.exchanges[0]
    body = answer.json()
    check(
        answer.status == 409 and isinstance(body, dict) and urns.ERROR in (body.get("schemas") or []),
        f"{sent(answer.response)} answered {answer.status} to a userName the app already has",
        response=answer.response,
        expected="409 with the urn:ietf:params:scim:api:messages:2.0:Error schema",
        basis=Basis.fact("okta_duplicate_409") + Basis.rfc("C-03"),
    )


@when(
    phrase('Okta sends back the app\'s copy of the user with the title "{value:Q}"'),
    target_fixture="conversation",
)
def _(scim: ScimClient, onelogin: OneLogin, value: str) -> Conversation:
    """okta_update_put [doc], okta_put_echoes_get [guess]: GET the user, change it, PUT it whole."""
    okta = _okta(onelogin)
    requests = okta.connector.requests
    scim_id = linked_id(okta, okta.user)
    read = send_one(scim, okta, "profile update", requests.read_user(scim_id, "update", okta.user.id))
    assert_idp_accepted(read, scim, okta)
    body = body_of(read.exchanges[0].response)
    body["title"] = value
    put = send_one(scim, okta, "profile update", requests.replace_user(scim_id, body, "update", okta.user.id))
    return Conversation("profile update", (*read.exchanges, *put.exchanges))
