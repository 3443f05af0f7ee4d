"""Steps only Entra's area has: the ``aadOptscim062020`` flag, its periodic PATCH, its group reads.

Everything goes out as Entra's profile builds it (simulator/entra.py); shared events and checks are
in :mod:`steps.idp_events`.
"""

from __future__ import annotations

from pytest_bdd import given, then, when

from simulator import ENTRA_FLAG_KNOBS, ENTRA_FLAGGED
from steps.failures import Basis, SuiteError, check, sent
from steps.idp import Conversation, OneLogin, linked_id, phrase, send_one
from steps.idp_events import group_id
from steps.wire import ScimClient


def _entra(onelogin: OneLogin) -> OneLogin:
    if onelogin.idp != "entra":
        raise SuiteError(f"an Entra step in a scenario tagged @{onelogin.idp}")
    return onelogin


@given("Entra's tenant URL carries the aadOptscim062020 flag", target_fixture="onelogin")
def _(onelogin: OneLogin) -> OneLogin:
    """entra_flag_forms [doc]: lower-case ops, boolean active, path-less multi-replace, path-filter remove."""
    return _entra(onelogin).with_profile(**{k: getattr(ENTRA_FLAGGED, k) for k in ENTRA_FLAG_KNOBS})


@when("Entra sends its periodic update setting active to true", target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin) -> Conversation:
    """entra_periodic_active [seen]: the same PATCH form as a disable, with true."""
    entra = _entra(onelogin)
    request = entra.connector.requests.set_active(linked_id(entra, entra.user), True, "sync", entra.user.id)
    return send_one(scim, entra, "periodic update", request)


@when(phrase('Entra reads the group "{role:Q}" without its members'), target_fixture="conversation")
def _(scim: ScimClient, onelogin: OneLogin, role: str) -> Conversation:
    entra = _entra(onelogin)
    request = entra.connector.requests.read_group(group_id(scim, entra, role), "read")
    return send_one(scim, entra, "group read", request)


@then("the app answered with the group and no members")
def _(conversation: Conversation) -> None:
    """entra_group_read [doc]; RFC 7644 §3.4.2.5: excludedAttributes drops ``members``."""
    answer = conversation.exchanges[0]
    body = answer.json()
    check(
        answer.status == 200 and isinstance(body, dict) and body.get("displayName") and "members" not in body,
        f"{sent(answer.response)} answered {answer.status} "
        + ("with members" if isinstance(body, dict) and "members" in body else "without the group"),
        response=answer.response,
        expected="200 with the group's displayName and no members",
        basis=Basis.fact("entra_group_read") + Basis.rfc("Q-11"),
    )
