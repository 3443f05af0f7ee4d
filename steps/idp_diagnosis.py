"""Why the app refused a OneLogin request, said in words a vendor can act on.

When a request OneLogin sends is refused, the steps resend it with OneLogin's quirks corrected
(onelogin-profile.md: legacy URNs, single-object emails, ``managerId``, string booleans, junk
fields, empty placeholders, ``Content-Type: application/json``, the lookup and PUT URL forms).
A quirk is named when correcting it alone is not enough to be refused again while correcting
every other one is: "the server rejected OneLogin's legacy schema URN urn:scim:schemas:core:2.0 —
OneLogin's default template sends it". The probes go through the scenario's client, so the report
shows them on the wire after the failing request. The failure cites the OneLogin fact behind the
quirk (``@fact_onelogin_legacy_urns``, with its certainty), or, when no quirk explains it, the fact
behind the status OneLogin accepts for the request that failed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx

from schemas import urns
from simulator import WireRequest
from steps.failures import Basis, Failure, sent
from steps.idp import Conversation, OneLogin, Sent
from steps.wire import ScimClient

Body = dict[str, Any]
NOT_ABOUT_THE_BODY = (401, 403, 404, 409, 412, 429)
"""Refusals that are about the token, the id, a conflict, a version or the rate, not the body."""


@dataclass(frozen=True)
class Quirk:
    """One way OneLogin's body differs from the RFC, how to spot it and how to correct it."""

    present: Callable[[Body], bool]
    fix: Callable[[Body], Body]
    message: Callable[[Body], str]
    fact: Callable[[Body], str]
    """The id of the OneLogin fact that says OneLogin sends it (simulator/facts.py)."""


def _schemas(body: Body) -> list[Any]:
    listed = body.get("schemas")
    return listed if isinstance(listed, list) else []


def _legacy_core(body: Body) -> str | None:
    return next((u for u in _schemas(body) if u in urns.LEGACY_USER), None)


def _legacy_enterprise(body: Body) -> str | None:
    keys = [k for k in body if k in urns.LEGACY_ENTERPRISE_USER]
    listed = [u for u in _schemas(body) if u in urns.LEGACY_ENTERPRISE_USER]
    return next(iter(keys + listed), None)


def _fix_core(body: Body) -> Body:
    body["schemas"] = [urns.USER if u in urns.LEGACY_USER else u for u in _schemas(body)]
    return body


def _fix_enterprise(body: Body) -> Body:
    body["schemas"] = [
        urns.ENTERPRISE_USER if u in urns.LEGACY_ENTERPRISE_USER else u for u in _schemas(body)
    ]
    for key in [k for k in body if k in urns.LEGACY_ENTERPRISE_USER]:
        body[urns.ENTERPRISE_USER] = body.pop(key)
    return body


def _extensions(body: Body) -> list[Body]:
    keys = (urns.ENTERPRISE_USER, *urns.LEGACY_ENTERPRISE_USER)
    return [body[k] for k in keys if isinstance(body.get(k), dict)]


def _has_manager_id(body: Body) -> bool:
    return any(isinstance(e.get("manager"), dict) and "managerId" in e["manager"] for e in _extensions(body))


def _fix_manager_id(body: Body) -> Body:
    for extension in _extensions(body):
        manager = extension.get("manager")
        if isinstance(manager, dict) and "managerId" in manager:
            manager["value"] = manager.pop("managerId")
    return body


def _string_booleans(body: Body) -> list[Body]:
    holders = [body] if isinstance(body.get("active"), str) else []
    emails = body.get("emails")
    for email in emails if isinstance(emails, list) else [emails]:
        if isinstance(email, dict) and isinstance(email.get("primary"), str):
            holders.append(email)
    return holders


def _fix_string_booleans(body: Body) -> Body:
    for holder in _string_booleans(body):
        for key in ("active", "primary"):
            if isinstance(holder.get(key), str):
                holder[key] = holder[key].strip().lower() == "true"
    return body


def _is_blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _has_blanks(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_is_blank(v) or _has_blanks(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_blanks(v) for v in value)
    return False


def _without_blanks(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _without_blanks(v) for k, v in value.items() if not _is_blank(v)}
        return {k: v for k, v in kept.items() if v != {}}
    if isinstance(value, list):
        return [_without_blanks(v) for v in value]
    return value


def _drop_junk(body: Body) -> Body:
    body.pop("id", None)
    body.pop("meta", None)
    return body


def _emails_object(body: Body) -> Body:
    body["emails"] = [body["emails"]]
    return body


QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        lambda b: _legacy_core(b) is not None,
        _fix_core,
        lambda b: (
            f"the server rejected OneLogin's legacy schema URN {_legacy_core(b)} — "
            + (
                "OneLogin's default template sends it"
                if _legacy_core(b) == urns.LEGACY_USER[0]
                else "OneLogin templates written for SCIM 1.1 send it"
            )
        ),
        lambda b: (
            "onelogin_legacy_urns" if _legacy_core(b) == urns.LEGACY_USER[0] else "onelogin_scim11_urns"
        ),
    ),
    Quirk(
        lambda b: _legacy_enterprise(b) is not None,
        _fix_enterprise,
        lambda b: (
            f"the server rejected OneLogin's legacy enterprise URN {_legacy_enterprise(b)}, "
            "listed in schemas and used as the extension's key — OneLogin's default template sends it"
        ),
        lambda b: (
            "onelogin_legacy_urns"
            if _legacy_enterprise(b) == urns.LEGACY_ENTERPRISE_USER[0]
            else "onelogin_scim11_urns"
        ),
    ),
    Quirk(
        lambda b: isinstance(b.get("emails"), dict),
        _emails_object,
        lambda b: (
            "the server rejected emails sent as a single object instead of an array — "
            "OneLogin's enterprise template sends it that way"
        ),
        lambda b: "onelogin_emails_object",
    ),
    Quirk(
        _has_manager_id,
        _fix_manager_id,
        lambda b: (
            "the server rejected manager.managerId — OneLogin's default template names the "
            "manager's id managerId, not value"
        ),
        lambda b: "onelogin_manager_id",
    ),
    Quirk(
        lambda b: bool(_string_booleans(b)),
        _fix_string_booleans,
        lambda b: (
            'the server rejected booleans sent as strings ("true", "false") — OneLogin renders '
            "template placeholders as strings"
        ),
        lambda b: "onelogin_string_values",
    ),
    Quirk(
        lambda b: "id" in b or "meta" in b,
        _drop_junk,
        lambda b: (
            'the server rejected the junk fields "id" / "meta" in the body — templates in the '
            "wild carry them and OneLogin sends them as they are"
        ),
        lambda b: "onelogin_junk_fields",
    ),
    Quirk(
        _has_blanks,
        _without_blanks,
        lambda b: (
            'the server rejected empty strings ("") — OneLogin renders a placeholder the user '
            "has no value for (title, department, manager) as an empty string"
        ),
        lambda b: "onelogin_empty_placeholder",
    ),
)

CONTENT_TYPE = (
    "the server rejected Content-Type: application/json — OneLogin sends it by default "
    "(RFC 7644 §3.8: a service provider SHOULD accept it)"
)
PUT_URL = "the server rejected a PUT URL ending in a bare '?' — OneLogin's PUT URLs always end in '?'"
LOOKUP_URL = (
    "the server rejected OneLogin's lookup URL: a form-encoded filter ('+' for spaces, "
    "%22 for quotes) followed by a trailing '&' — OneLogin sends every lookup that way"
)

ACCEPTED_BY = {
    "connection_test": "onelogin_connection_test",
    "lookup_user": "onelogin_lookup_before_push",
    "create_user": "onelogin_create_response",
    "replace_user": "onelogin_update_whole_template",
    "patch_user": "onelogin_suspend_patch",
    "delete_user": "onelogin_deletion_action",
    "lookup_group": "onelogin_group_lookup",
    "create_group": "onelogin_group_create",
    "patch_group": "onelogin_role_patch",
    "list_groups": "onelogin_groups_list",
    "list_users": "onelogin_import_users",
}
"""The fact behind the statuses OneLogin accepts for each of its requests (simulator/basis.py)."""


@dataclass(frozen=True)
class Diagnosis:
    """Why OneLogin's event failed: what happened, the quirk the server refused (if found), the basis."""

    what: str
    cause: str | None
    basis: Basis
    failing: Sent | None


def explain(conversation: Conversation, scim: ScimClient, onelogin: OneLogin) -> Diagnosis:
    """Why OneLogin's event failed, naming the quirk the server refused if any."""
    outcome = conversation.outcome
    detail = outcome.detail if outcome is not None else "the request was refused"
    failing = conversation.exchanges[-1] if conversation.exchanges else None
    if failing is not None:
        # the simulator names the request without the base path; a vendor reads the path as sent
        detail = detail.replace(str(failing.request), sent(failing.response), 1)
    what = f"OneLogin's {conversation.event} failed: {detail}"
    operation = failing.request.operation if failing is not None else None
    accepted = ACCEPTED_BY.get(operation or "")
    basis = Basis.fact(accepted) if accepted else Basis()
    if failing is None or failing.status < 400 or failing.status in NOT_ABOUT_THE_BODY:
        return Diagnosis(what, None, basis, failing)
    found = _diagnose(failing, scim, onelogin)
    if found is None:
        return Diagnosis(what, None, basis, failing)
    causes, facts = found
    return Diagnosis(what, "; ".join(causes), Basis.fact(*dict.fromkeys(facts)), failing)


def _diagnose(failing: Sent, scim: ScimClient, onelogin: OneLogin) -> tuple[list[str], list[str]] | None:
    """The quirks the server refused, in words, and the facts behind them; None when none is."""
    request = failing.request
    if request.method == "GET" and request.query and "filter=" in request.query:
        return _diagnose_lookup(request, scim, onelogin)
    body = request.json() if request.body else None
    if not isinstance(body, dict):
        return None
    present = [q for q in QUIRKS if q.present(body)]
    json_type = (request.header("Content-Type") or "").split(";")[0].strip() == "application/json"
    suspects: list[Quirk | None] = [*present, *([None] if json_type else [])]  # None: the Content-Type
    if not suspects:
        return _diagnose_put_url(request, body, scim)

    sent_type = request.header("Content-Type") or "application/json"

    def accepted(keep: Quirk | str | None) -> bool:
        """Whether the request passes with every suspect corrected except ``keep``."""
        fixed = copy.deepcopy(body)
        for quirk in present:
            if quirk is not keep:
                fixed = quirk.fix(fixed)
        content_type = sent_type if keep is None or not json_type else "application/scim+json"
        return _probe(request, fixed, content_type, scim, onelogin)

    if not accepted("all"):
        return _diagnose_put_url(request, body, scim)
    rejected = [s for s in suspects if not accepted(s)] or suspects
    causes = [CONTENT_TYPE if s is None else s.message(body) for s in rejected]
    facts = ["onelogin_content_type_json" if s is None else s.fact(body) for s in rejected]
    return causes, facts


def resend(
    scim: ScimClient,
    request: WireRequest,
    body: Body,
    *,
    headers: dict[str, str],
    raw_url: str | None = None,
    exact_headers: bool = False,
) -> httpx.Response:
    """A diagnosis probe: ``request`` sent again with ``body``. A resource a POST probe creates is
    deleted at once, so a diagnosis leaves the app as it found it."""
    response = scim.request(
        request.method,
        request.target,
        raw_url=raw_url,
        headers=headers,
        content=json.dumps(body).encode(),
        validate_body=False,
        exact_headers=exact_headers,
    )
    if request.method == "POST" and response.status_code == 201:
        try:
            created = response.json().get("id")
        except (ValueError, AttributeError):
            created = None
        if isinstance(created, str):
            scim.request("DELETE", f"{request.path}/{quote(created, safe='')}", validate_body=False)
    return response


def _probe(request: WireRequest, body: Body, content_type: str, scim: ScimClient, onelogin: OneLogin) -> bool:
    """Whether ``request`` passes with ``body`` and ``content_type``."""
    response = resend(
        scim, request, body, headers={"Content-Type": content_type}, raw_url=request.url(onelogin.base_url)
    )
    return response.status_code < 300


def _diagnose_put_url(
    request: WireRequest, body: Body, scim: ScimClient
) -> tuple[list[str], list[str]] | None:
    if request.method != "PUT" or request.query != "":
        return None
    response = scim.request(
        "PUT",
        request.path,
        content=json.dumps(body).encode(),
        headers={"Content-Type": request.header("Content-Type") or "application/json"},
        validate_body=False,
    )
    if response.status_code < 300:
        return [PUT_URL], ["onelogin_put_bare_query"]
    return None


def _diagnose_lookup(
    request: WireRequest, scim: ScimClient, onelogin: OneLogin
) -> tuple[list[str], list[str]] | None:
    expression = dict(parse_qsl(request.query or "")).get("filter")
    if not expression:
        return None
    url = f"{onelogin.base_url.rstrip('/')}{request.path}?filter={quote(expression, safe='')}"
    response = scim.request("GET", request.path, raw_url=url, validate_body=False)
    if response.status_code == 200:
        return [LOOKUP_URL], ["onelogin_form_encoded_filter"]
    return None


def assert_accepted(conversation: Conversation, scim: ScimClient, onelogin: OneLogin) -> None:
    """Fail, with the reason in plain words, unless OneLogin's event succeeded."""
    outcome = conversation.outcome
    if outcome is None or outcome.ok:
        return
    found = explain(conversation, scim, onelogin)
    raise Failure(
        found.what,
        response=found.failing.response if found.failing is not None else None,
        expected=f"an answer OneLogin accepts, so its {conversation.event} goes on",
        basis=found.basis,
        cause=found.cause,
    )


__all__ = ["NOT_ABOUT_THE_BODY", "QUIRKS", "Diagnosis", "Quirk", "assert_accepted", "explain", "resend"]
