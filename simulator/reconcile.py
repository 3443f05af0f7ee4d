"""Reconciliation: the expected directory against the server's actual state, at the end of a run.

The server's users and groups are read page by page (``GET /Users`` / ``GET /Groups`` with
``startIndex`` and ``count``, RFC 7644 §3.4.2.4), one page at a time, and compared with the
:class:`~simulator.expected.Directory`: who exists, who is active, the attributes the last push
set, and group members. Resources the traffic never touched (other data on a shared target) are
ignored. Each mismatch becomes a problem whose exchange shows the listing request and, as the
response, the one resource in question, with its basis (the RFC clause, or the app behaviour).

The reads are the harness's own, not OneLogin's: they carry no IdP operation, a ``User-Agent`` that
says so, and the run lists them apart (``harnessRequests`` in ``simulation.json``). When the run
created, linked or deleted nothing, nothing is read and the reconciliation is "not run".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from simulator import basis
from simulator.attributes import active_of, differences, user_attributes
from simulator.expected import Directory, GroupState, UserState
from simulator.problems import Problem, exchange_record
from simulator.wire import Exchange, Headers, WireRequest, WireResponse

PAGE_SIZE = 500
MAX_PAGES = 100_000
USER_AGENT = "scim-harness (reconciliation; not OneLogin)"
"""The reads' User-Agent, so they stand apart from OneLogin's traffic in a server's access log."""
Reconciliation = Generator[WireRequest, WireResponse, "Summary"]
Status = Literal["complete", "incomplete", "not run"]


@dataclass(slots=True)
class Summary:
    """How much was compared, and whether the comparison ran to its end."""

    users_expected: int = 0
    users_checked: int = 0
    groups_expected: int = 0
    groups_checked: int = 0
    status: Status = "complete"
    """``incomplete`` when a listing failed; ``not run`` when nothing was compared at all."""
    reason: str = ""
    """Why it is not complete."""

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    @classmethod
    def not_run(cls, reason: str) -> Summary:
        return cls(status="not run", reason=reason)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status,
            "usersExpected": self.users_expected,
            "usersChecked": self.users_checked,
            "groupsExpected": self.groups_expected,
            "groupsChecked": self.groups_checked,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


def harness_headers(headers: Headers) -> Headers:
    """OneLogin's headers (the token, the admin's custom headers a gateway may need) with the
    harness's :data:`USER_AGENT` in place of any User-Agent."""
    kept = tuple((name, value) for name, value in headers if name.lower() != "user-agent")
    return (*kept, ("User-Agent", USER_AGENT))


@dataclass(slots=True)
class _Context:
    directory: Directory
    headers: Headers
    report: Callable[[Problem], None]
    summary: Summary = field(default_factory=Summary)
    idp: str = "OneLogin"
    """The IdP whose pushes are compared, as messages name it."""

    def problem(
        self, check: str, message: str, state: UserState | None, request: WireRequest, item: Any, why: str
    ) -> None:
        body = json.dumps(item, ensure_ascii=False).encode() if item is not None else b""
        excerpt = Exchange(request, WireResponse(200, (("Content-Type", "application/scim+json"),), body))
        event = state.event if state is not None else "reconcile"
        user_id = state.user_id if state is not None else None
        record = exchange_record(excerpt)
        self.report(Problem("reconcile", message, event, user_id, None, record, f"reconcile:{check}", why))

    def who(self, scim_id: str) -> str:
        state = self.directory.users.get(scim_id)
        name = state.attributes[0] if state is not None and state.attributes else None
        return f"user {name!r} ({scim_id})" if name else f"user {scim_id}"


def reconcile(
    directory: Directory,
    headers: Headers,
    report: Callable[[Problem], None],
    page_size: int = PAGE_SIZE,
    idp: str = "OneLogin",
) -> Reconciliation:
    """Compare ``directory`` with the server; problems go to ``report``; returns the :class:`Summary`.

    ``headers`` are OneLogin's; the reads send them with the harness's User-Agent.
    """
    if not (directory.users or directory.groups or directory.deleted):
        return Summary.not_run("nothing to compare: the run created, linked or deleted no user or group")
    ctx = _Context(directory, harness_headers(headers), report, idp=idp)
    ctx.summary.users_expected, ctx.summary.groups_expected = len(directory.users), len(directory.groups)
    seen: set[str] = set()
    yield from _listing(ctx, "/Users", page_size, lambda r, i: _user(ctx, r, i, seen))
    for scim_id, state in directory.users.items():
        if scim_id not in seen:
            ctx.problem(
                "listed",
                f"{ctx.who(scim_id)} was {_done(state)} but the app does not list it",
                state,
                _get(ctx, "/Users"),
                None,
                basis.LIST_RESPONSE,
            )
    seen_groups: set[str] = set()
    without_members: list[str] = []

    def on_group(request: WireRequest, item: Mapping[str, Any]) -> None:
        scim_id = item.get("id")
        if isinstance(scim_id, str) and scim_id in directory.groups:
            seen_groups.add(scim_id)
            if "members" not in item and directory.groups[scim_id].present:
                without_members.append(scim_id)  # listed without members: read it on its own
            else:
                _group(ctx, request, item)

    yield from _listing(ctx, "/Groups", page_size, on_group)
    for scim_id in without_members:
        request = _get(ctx, f"/Groups/{quote(scim_id, safe='')}")
        response = yield request
        body = _json(response)
        if response.status == 200 and isinstance(body, Mapping):
            _group(ctx, request, body)
    for scim_id, group in directory.groups.items():
        if scim_id not in seen_groups:
            message = f"group {group.name!r} ({scim_id}) is missing from the app"
            ctx.problem("listed", message, None, _get(ctx, "/Groups"), None, basis.LIST_RESPONSE)
    return ctx.summary


def _done(state: UserState) -> str:
    return "created or linked" if state.attributes is None else f"pushed (last event: {state.event})"


def _get(ctx: _Context, path: str, query: str | None = None) -> WireRequest:
    return WireRequest("GET", path, query, ctx.headers, None, "reconcile", None, None)


def _json(response: WireResponse) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _listing(
    ctx: _Context, path: str, page_size: int, on_item: Callable[[WireRequest, Mapping[str, Any]], None]
) -> Generator[WireRequest, WireResponse, None]:
    start, previous = 1, None
    for _ in range(MAX_PAGES):
        request = _get(ctx, path, f"startIndex={start}&count={page_size}")
        response = yield request
        body = _json(response)
        items = body.get("Resources", []) if isinstance(body, Mapping) else None
        total = body.get("totalResults") if isinstance(body, Mapping) else None
        if response.status != 200 or not isinstance(items, list) or not isinstance(total, int):
            detail = response.error or f"status {response.status}"
            message = f"cannot read the app's directory: {request} answered {detail}"
            ctx.summary.status, ctx.summary.reason = "incomplete", message
            ctx.problem("read", message, None, request, body, basis.LIST_RESPONSE)
            return
        first = items[0].get("id") if items and isinstance(items[0], Mapping) else None
        if first is not None and first == previous:
            message = f"{request} returned the previous page again: startIndex is ignored"
            ctx.summary.status, ctx.summary.reason = "incomplete", message
            ctx.problem("paging", message, None, request, None, basis.PAGING)
            return
        for item in items:
            if isinstance(item, Mapping):
                on_item(request, item)
        start, previous = start + len(items), first
        if not items or start > total:
            return


def _user(ctx: _Context, request: WireRequest, item: Mapping[str, Any], seen: set[str]) -> None:
    scim_id = item.get("id")
    if not isinstance(scim_id, str):
        return
    if scim_id in ctx.directory.deleted:
        ctx.problem(
            "deleted",
            f"user {item.get('userName')!r} ({scim_id}) was deleted but the app still lists it",
            None,
            request,
            item,
            basis.DELETE,
        )
        return
    state = ctx.directory.users.get(scim_id)
    if state is None:
        return
    seen.add(scim_id)
    ctx.summary.users_checked += 1
    actual = active_of(item)
    if state.active is False and actual is not False:
        message = (
            f"{ctx.who(scim_id)} should be inactive (last event: {state.event}) "
            f"but has active {item.get('active')}"
        )
        ctx.problem("active", message, state, request, item, basis.REPLACE)
    elif state.active is True and actual is False:
        message = f"{ctx.who(scim_id)} should be active (last event: {state.event}) but has active false"
        ctx.problem("active", message, state, request, item, basis.REPLACE)
    if state.attributes is not None:
        for key, want, got in differences(state.attributes, user_attributes(item)):
            message = f"{ctx.who(scim_id)}: {key} is {got!r}, {ctx.idp} last pushed {want!r}"
            ctx.problem("attribute", message, state, request, item, basis.REPLACE)


def _group(ctx: _Context, request: WireRequest, item: Mapping[str, Any]) -> None:
    scim_id = str(item.get("id"))
    group: GroupState = ctx.directory.groups[scim_id]
    ctx.summary.groups_checked += 1
    raw = item.get("members")
    members = {m.get("value") for m in raw if isinstance(m, Mapping)} if isinstance(raw, list) else set()
    label = f"group {group.name or item.get('displayName')!r}"
    for member in sorted(group.present - members):
        message = f"{ctx.who(member)} should be a member of {label} but is not"
        ctx.problem("member", message, ctx.directory.users.get(member), request, item, basis.MEMBERSHIP)
    for member in sorted(m for m in members if isinstance(m, str)):
        state = ctx.directory.users.get(member)
        if member in ctx.directory.deleted:
            message = f"deleted user {member} is still a member of {label}"
            ctx.problem("member", message, None, request, item, basis.DELETE)
        elif member in group.absent:
            suspended = state is not None and state.active is False
            why = "is suspended" if suspended else "was removed"
            message = f"{ctx.who(member)} {why} but is still a member of {label}"
            rule = basis.SUSPENDED_LEAVE_GROUPS if suspended else basis.MEMBERSHIP
            ctx.problem("member", message, state, request, item, rule)
        elif group.created and state is not None and member not in group.present:
            message = f"{ctx.who(member)} is a member of {label} but {ctx.idp} never added it"
            ctx.problem("member", message, state, request, item, basis.MEMBERSHIP)
