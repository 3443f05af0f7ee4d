"""Checking every response against what OneLogin accepts and against the SCIM JSON schemas.

:func:`check` looks at one exchange and returns its findings, each a message a vendor can act on
(with a JSON Pointer for schema rules), the check that failed and its basis (:mod:`simulator.basis`:
the RFC clause, or the OneLogin fact with its certainty). What it checks, by source:

- OneLogin [doc]: the status it accepts for the operation (the profile's ``accepted``, plus 404 on
  a lookup when ``lookup_404_means_absent``, plus the 409 a racing ``POST /Groups`` recovers from);
  with ``duplicate_group_400_means_exists`` the sample server's 400 ``name_already_exists`` passes
  OneLogin but is reported against RFC 7644 §3.3, which requires 409;
  a created user's ``id`` and ``name.givenName`` / ``name.familyName``; a created group's ``id``.
- RFC 7644 §3.4.2.2: a userName / displayName ``eq`` filter returns only matching resources (a
  server ignoring filters makes OneLogin link the wrong user).
- RFC 7644 §3.5.1 / §3.5.2: the returned resource reflects the write (``active``, ``userName``).
- RFC 7644 §3.1 / §8.1: responses with a body are JSON (``application/scim+json``).
- RFC 7643 / RFC 7644 §3.4.2, §3.12: resources, ListResponses and Errors validate against the
  JSON schemas in :mod:`schemas`; legacy or quirky output is reported, never silently tolerated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from schemas import Violation, validate, validate_list_response, validate_resource
from simulator import basis
from simulator.attributes import active_of
from simulator.flow import says_name_exists
from simulator.problems import Kind
from simulator.profile import Operation, Profile
from simulator.wire import Exchange, WireRequest

_ONE_RESOURCE: dict[Operation, str] = {"create_user": "User", "replace_user": "User", "patch_user": "User"}
_ONE_RESOURCE |= {"create_group": "Group", "patch_group": "Group"}
_LISTS: dict[Operation, str] = {"connection_test": "User", "lookup_user": "User", "list_users": "User"}
_LISTS |= {"lookup_group": "Group", "list_groups": "Group"}
_NEEDS_BODY: frozenset[Operation] = frozenset({"create_user", "replace_user", "create_group", *_LISTS})
_JSON_TYPES = ("application/scim+json", "application/json")
SAMPLE = 10
"""Group members, and ListResponse resources, validated per response. Everything else in every
response is validated; long lists are sampled because a server renders their items alike, and
validating a 10,000-member group on every PATCH would make verification quadratic in the tenant.
Lookups (one resource) are always validated in full."""
_EQ_FILTER = re.compile(r'^\s*([A-Za-z][\w.]*)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Finding:
    """One way a response fails OneLogin or the RFCs."""

    kind: Kind
    message: str
    pointer: str | None = None
    check: str = ""
    """Which rule failed (``status``, ``schema:User``, ``filter-honoured``, …): part of the cause."""
    basis: str = ""
    """The RFC clause or OneLogin fact the rule rests on (:mod:`simulator.basis`)."""


def accepted_statuses(profile: Profile, operation: Operation | None) -> tuple[int, ...]:
    """The statuses after which the IdP carries on (the plans' own leniencies included)."""
    statuses = profile.accepted.of(operation) if operation else (200,)
    if operation in ("lookup_user", "lookup_group") and profile.lookup_404_means_absent:
        statuses = (*statuses, 404)
    if operation == "create_group":
        statuses = (*statuses, 409)  # the plan looks the group up again: another event created it
    return statuses


def filter_equality(request: WireRequest) -> tuple[str, str] | None:
    """``(attribute, value)`` of an ``attribute eq "value"`` filter in the request's query."""
    if not request.query:
        return None
    values = parse_qs(request.query, keep_blank_values=True).get("filter")
    match = _EQ_FILTER.match(values[0]) if values else None
    if match is None:
        return None
    try:
        return match.group(1), str(json.loads(match.group(2)))
    except ValueError:
        return None


def check(exchange: Exchange, profile: Profile) -> list[Finding]:
    """Every finding about ``exchange``'s response; empty when OneLogin and the RFCs are satisfied."""
    request, response = exchange.request, exchange.response
    if response.error is not None:
        return [Finding("transport", f"{request} failed: {response.error}", check="answered")]
    found: list[Finding] = []
    operation = request.operation
    accepted = accepted_statuses(profile, operation)
    body, problem = _body(exchange)
    detail = body.get("detail") if isinstance(body, Mapping) else None
    said = f" ({detail})" if isinstance(detail, str) and detail else ""
    if (
        operation == "create_group"
        and profile.duplicate_group_400_means_exists
        and says_name_exists(response)
    ):
        # OneLogin carries on (its own sample server answers so), but the RFC says 409
        message = (
            f"{request} answered 400 name_already_exists for a group that exists; a conflict with an "
            "existing resource MUST be 409 with scimType uniqueness"
        )
        found.append(Finding("status", message, check="duplicate-409", basis=basis.DUPLICATE_409))
    elif response.status not in accepted:
        wanted = " or ".join(str(s) for s in accepted)
        message = f"{request} answered {response.status}{said}; {profile.name} accepts {wanted}"
        found.append(
            Finding("status", message, check="status", basis=basis.status_basis(profile.idp_name, operation))
        )
    if problem is not None:
        found.append(problem)
    if body is None:
        if 200 <= response.status < 300 and operation in _NEEDS_BODY and problem is None:
            message = f"{request} answered {response.status} without a body"
            found.append(Finding("schema", message, check="body", basis=_body_basis(operation)))
        return found
    if response.status >= 400:
        found += _schema(validate("Error", body), "the Error", basis.ERROR_BODY)
    elif 200 <= response.status < 300:
        found += _success(request, response.status, body, profile)
    return found


def _body(exchange: Exchange) -> tuple[Any, Finding | None]:
    """The response body parsed (None when empty), or a finding when it is not JSON."""
    request, response = exchange.request, exchange.response
    if not response.body.strip():
        if response.status >= 400:
            message = f"{request} answered {response.status} without an Error body"
            return None, Finding("schema", message, check="error-body", basis=basis.ERROR_BODY)
        return None, None
    media = (response.header("Content-Type") or "").split(";")[0].strip().lower()
    header = None
    if media not in _JSON_TYPES:
        message = f"{request} answered with Content-Type {media or 'none'!r}, not JSON"
        header = Finding("header", message, check="media-type", basis=basis.JSON_MEDIA_TYPE)
    try:
        return response.json(), header
    except ValueError:
        message = f"{request} answered {response.status} with a body that is not JSON"
        return None, Finding("schema", message, check="json", basis=basis.JSON_MEDIA_TYPE)


def _body_basis(operation: Operation | None) -> str:
    if operation in _LISTS:
        return basis.LIST_RESPONSE
    return basis.REPLACE if operation == "replace_user" else basis.CREATE_BODY


def _schema(violations: list[Violation], what: str, rule: str) -> list[Finding]:
    check = "schema:" + what.split()[-1]
    return [
        Finding("schema", f"{what} breaks its schema: {v.message}", v.pointer, check, rule)
        for v in violations
    ]


def _success(request: WireRequest, status: int, body: Any, profile: Profile) -> list[Finding]:
    operation = request.operation
    if operation is None:
        return []
    if operation in _LISTS:
        violations = validate_list_response(_sampled(body, "Resources"), _LISTS[operation])
        found = _schema(violations, "the ListResponse", basis.LIST_RESPONSE)
        return found + _filter_honoured(request, body)
    resource_type = _ONE_RESOURCE.get(operation)
    if resource_type is None:
        return []
    rule = basis.SCHEMA[resource_type]
    if not isinstance(body, Mapping):
        return _schema(validate_resource(body, resource_type), f"the returned {resource_type}", rule)
    found = _schema(
        validate_resource(_sampled(body, "members"), resource_type), f"the returned {resource_type}", rule
    )
    if operation in ("create_user", "create_group") and not (isinstance(body.get("id"), str) and body["id"]):
        message = f"{request} answered {status} without an id; {profile.idp_name} cannot link it"
        why = basis.CREATE_RESPONSE if operation == "create_user" else basis.ID
        found.append(Finding("onelogin", message, "/id", "id", why))
    if operation == "create_user" and profile.require_name_in_create_response:
        name = body.get("name")
        missing = [p for p in ("givenName", "familyName") if not (isinstance(name, Mapping) and p in name)]
        if missing:
            fields = " and name.".join(missing)
            message = f"{request} answered {status} without name.{fields}; {profile.idp_name} needs both"
            found.append(Finding("onelogin", message, "/name", "name", basis.CREATE_RESPONSE))
    if resource_type == "User":
        found += _reflects(request, body)
    return found


def _sampled(body: Any, key: str) -> Any:
    """``body`` with only the first :data:`SAMPLE` items of list ``key`` (pointers stay the same)."""
    items = body.get(key) if isinstance(body, Mapping) else None
    if isinstance(items, list) and len(items) > SAMPLE:
        return {**body, key: items[:SAMPLE]}
    return body


def _reflects(request: WireRequest, body: Mapping[str, Any]) -> list[Finding]:
    """RFC 7644 §3.5.1 / §3.5.2: the resource returned after a write shows what was written."""
    try:
        sent = request.json()
    except ValueError:
        return []
    if not isinstance(sent, Mapping):
        return []
    if request.operation == "patch_user":
        ops = sent.get("Operations")
        values = [o.get("value") for o in ops if isinstance(o, Mapping)] if isinstance(ops, list) else []
        sent = next((v for v in values if isinstance(v, Mapping) and "active" in v), {})
    found = []
    rule = basis.PATCH if request.operation == "patch_user" else basis.REPLACE
    want, got = active_of(sent), body.get("active")
    if want is not None and got != want:
        message = f"{request} sent active {want} but the returned user has active {got}"
        found.append(Finding("state", message, "/active", "active-written", rule))
    name, returned = sent.get("userName"), body.get("userName")
    if isinstance(name, str) and not (isinstance(returned, str) and returned.lower() == name.lower()):
        message = f"{request} sent userName {name!r} but the user returned has {returned!r}"
        found.append(Finding("state", message, "/userName", "userName-written", rule))
    return found


def _filter_honoured(request: WireRequest, body: Any) -> list[Finding]:
    """RFC 7644 §3.4.2.2: ``attr eq "v"`` returns only resources whose attr is v (case-insensitive)."""
    equality = filter_equality(request)
    items = body.get("Resources") if isinstance(body, Mapping) else None
    if equality is None or not isinstance(items, list):
        return []
    attribute, value = equality
    found = []
    for index, item in enumerate(items):
        got = item.get(attribute) if isinstance(item, Mapping) else None
        if request.operation == "connection_test" or not (
            isinstance(got, str) and got.lower() == value.lower()
        ):
            message = (
                f"{request} filters {attribute} eq {value!r} but returned a resource with "
                f"{attribute} {got!r}: the filter is ignored and the IdP links the wrong resource"
            )
            rule = basis.CONNECTION_TEST if request.operation == "connection_test" else basis.FILTER_EQ
            found.append(Finding("onelogin", message, f"/Resources/{index}/{attribute}", "filter", rule))
            break  # one finding says it; a server ignoring filters returns every resource
    return found
