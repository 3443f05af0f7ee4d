"""Why the app refused an Okta or Entra request, said as the IdP habit it refused, with its fact.

Like :mod:`steps.idp_diagnosis` for OneLogin: when a request Okta or Entra sends is refused, the
body is resent with one habit corrected at a time (Entra's capitalised ops, ``"False"`` as a string,
a member removed with a value array, ``"$ref": null``, the ADSCIM Group URN, a client-sent ``meta``;
Okta's path-less PATCH). A habit is named when correcting it alone gets the request accepted. The
failure then cites that habit's fact; otherwise the scenario's own facts. The probes go through the
scenario's client, so the report shows them on the wire after the failing request.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemas import urns
from simulator import WireRequest
from steps.failures import Basis, Failure, sent
from steps.idp import Conversation, OneLogin, Sent
from steps.idp_diagnosis import NOT_ABOUT_THE_BODY, resend
from steps.wire import ScimClient

Body = dict[str, Any]


@dataclass(frozen=True)
class IdpQuirk:
    """One habit of an IdP's bodies, how to spot it and how to correct it."""

    fact: str
    says: str
    present: Callable[[Body], bool]
    fix: Callable[[Body], Body]


def _ops(body: Body) -> list[Body]:
    operations = body.get("Operations")
    return [o for o in operations if isinstance(o, dict)] if isinstance(operations, list) else []


def _capitalised(body: Body) -> bool:
    return any(isinstance(o.get("op"), str) and o["op"] != o["op"].lower() for o in _ops(body))


def _lower_ops(body: Body) -> Body:
    for operation in _ops(body):
        if isinstance(operation.get("op"), str):
            operation["op"] = operation["op"].lower()
    return body


def _string_active(body: Body) -> bool:
    return any(
        str(o.get("path", "")).lower() == "active" and o.get("value") in ("True", "False") for o in _ops(body)
    )


def _bool_active(body: Body) -> Body:
    for operation in _ops(body):
        if str(operation.get("path", "")).lower() == "active" and operation.get("value") in ("True", "False"):
            operation["value"] = operation["value"] == "True"
    return body


def _pathless(body: Body) -> bool:
    return any("path" not in o and isinstance(o.get("value"), dict) for o in _ops(body))


def _with_paths(body: Body) -> Body:
    operations: list[Body] = []
    for operation in _ops(body):
        value = operation.get("value")
        if "path" in operation or not isinstance(value, dict):
            operations.append(operation)
            continue
        operations += [
            {"op": operation.get("op"), "path": k, "value": v} for k, v in value.items() if k != "id"
        ]
    body["Operations"] = operations
    return body


def _pathless_with_id(body: Body) -> bool:
    return any(
        "path" not in o and isinstance(o.get("value"), dict) and "id" in o["value"] for o in _ops(body)
    )


def _without_id(body: Body) -> Body:
    for operation in _ops(body):
        value = operation.get("value")
        if "path" not in operation and isinstance(value, dict):
            value.pop("id", None)
    return body


def _value_array_remove(body: Body) -> bool:
    return any(
        str(o.get("op", "")).lower() == "remove"
        and o.get("path") == "members"
        and isinstance(o.get("value"), list)
        for o in _ops(body)
    )


def _path_filter_remove(body: Body) -> Body:
    operations: list[Body] = []
    for operation in _ops(body):
        value = operation.get("value")
        if str(operation.get("op", "")).lower() == "remove" and operation.get("path") == "members":
            ids = [m.get("value") for m in value or [] if isinstance(m, dict)]
            operations += [{"op": operation["op"], "path": f'members[value eq "{i}"]'} for i in ids]
        else:
            operations.append(operation)
    body["Operations"] = operations
    return body


def _members(operation: Body) -> list[Body]:
    value = operation.get("value")
    return [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []


def _ref_null(body: Body) -> bool:
    return any("$ref" in m and m["$ref"] is None for o in _ops(body) for m in _members(o))


def _drop_ref(body: Body) -> Body:
    for operation in _ops(body):
        for member in _members(operation):
            if "$ref" in member and member["$ref"] is None:
                del member["$ref"]
    return body


def _adscim(body: Body) -> bool:
    return urns.ENTRA_ADSCIM_GROUP in (body.get("schemas") or [])


def _drop_adscim(body: Body) -> Body:
    body["schemas"] = [s for s in body.get("schemas") or [] if s != urns.ENTRA_ADSCIM_GROUP]
    return body


def _client_meta(body: Body) -> bool:
    return "meta" in body or body.get("roles") == []


def _drop_meta(body: Body) -> Body:
    body.pop("meta", None)
    if body.get("roles") == []:
        body.pop("roles")
    return body


QUIRKS: tuple[IdpQuirk, ...] = (
    IdpQuirk(
        "entra_capitalised_ops", "the capitalised PATCH op (Replace, Add, Remove)", _capitalised, _lower_ops
    ),
    IdpQuirk(
        "entra_active_string", '"active" sent as the string "False" or "True"', _string_active, _bool_active
    ),
    IdpQuirk(
        "okta_group_rename", "path-less replace carrying the unchanged id", _pathless_with_id, _without_id
    ),
    IdpQuirk(
        "okta_deactivate_patch", "a PATCH op without a path, its value an object", _pathless, _with_paths
    ),
    IdpQuirk(
        "entra_member_remove",
        'a member removed with path "members" and a value array',
        _value_array_remove,
        _path_filter_remove,
    ),
    IdpQuirk("entra_member_add", 'a member sent with "$ref": null', _ref_null, _drop_ref),
    IdpQuirk("entra_group_create", "the ADSCIM Group schema URN beside the core one", _adscim, _drop_adscim),
    IdpQuirk("entra_create_body", 'a client-sent "meta" or an empty "roles"', _client_meta, _drop_meta),
)


def _probe(request: WireRequest, body: Body, scim: ScimClient) -> bool:
    headers = {k: v for k, v in request.headers if k.lower() != "authorization"}
    return resend(scim, request, body, headers=headers, exact_headers=True).status_code < 400


def diagnose(failing: Sent, scim: ScimClient) -> str | None:
    """The quirk whose correction alone gets the request accepted, as ``fact: words``; or None."""
    if failing.status < 400 or failing.status in NOT_ABOUT_THE_BODY:
        return None
    body = failing.request.json()
    if not isinstance(body, dict):
        return None
    for quirk in QUIRKS:
        if quirk.present(body) and _probe(failing.request, quirk.fix(copy.deepcopy(body)), scim):
            return quirk.fact
    return None


def assert_idp_accepted(conversation: Conversation, scim: ScimClient, side: OneLogin) -> None:
    """Fail, naming the habit the server refused if one explains it, unless the IdP's event
    succeeded (an event plan) or every single request got a status the IdP accepts."""
    outcome = conversation.outcome
    accepted = side.connector.profile.accepted
    if outcome is None:
        refused = [
            s
            for s in conversation.exchanges
            if s.status not in accepted.of(s.request.operation or "lookup_user")
        ]
        if not refused:
            return
        failing: Sent | None = refused[0]
        detail = f"{sent(refused[0].response)} answered {refused[0].status}"
    else:
        if outcome.ok:
            return
        failing = conversation.exchanges[-1] if conversation.exchanges else None
        detail = outcome.detail
        if failing is not None:
            detail = detail.replace(str(failing.request), sent(failing.response), 1)
    found = None if failing is None else diagnose(failing, scim)
    quirk = next((q for q in QUIRKS if q.fact == found), None)
    raise Failure(
        f"{side.idp_name}'s {conversation.event} failed: {detail}",
        response=failing.response if failing is not None else None,
        expected=f"an answer {side.idp_name} accepts, so its {conversation.event} goes on",
        basis=Basis.fact(quirk.fact) if quirk is not None else None,
        cause=None if quirk is None else f"the server refused {side.idp_name}'s habit: {quirk.says}",
    )


__all__ = ["QUIRKS", "IdpQuirk", "assert_idp_accepted", "diagnose"]
