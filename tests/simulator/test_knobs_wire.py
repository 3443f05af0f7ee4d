"""Every knob changes the wire as documented: one case per knob, each run at its default and another value.

A case sets the knob with ``--set`` text (through :func:`load_profile`, as the command line does),
builds the requests the knob affects — OneLogin's event plans sent to the real reference server over
HTTP, or the retry policy's attempts — and checks the documented relation between the knob's value
and what went out, for the default and the other value, and that the two differ. A knob without a
case fails :func:`test_every_knob_has_a_wire_case`, so a knob added later needs one too.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from simulator import APPROVAL, SCENARIOS, Connector, OneLoginUser, Outcome, Plan, Role, Tenant, run
from simulator.knobs import KNOBS
from simulator.profile_file import EffectiveProfile, load_profile
from simulator.sender import Sender
from simulator.wire import WireRequest, WireResponse, send_sync
from tests.support.faults import faulty_server
from tests.support.scimtest import TOKEN, make_config

LEGACY_11 = ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"]
RFC_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, EmbeddedServer]]:
    """The reference server, and two faulty ones for the knobs about answers it never gives."""
    folder = tmp_path_factory.mktemp("knobs-wire")
    with (
        EmbeddedServer(make_config(folder / "ok.db")) as ok,
        faulty_server("no-match-404", make_config(folder / "404.db")) as no_match_404,
        faulty_server("create-without-name", make_config(folder / "noname.db")) as no_name,
    ):
        yield {"ok": ok, "no-match-404": no_match_404, "create-without-name": no_name}


@pytest.fixture(scope="module")
def template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "vendor.json"
    body = {
        "schemas": [RFC_USER],
        "userName": "{$parameters.scimusername}",
        "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}"},
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


@dataclass
class App:
    """A OneLogin app set up by an effective profile, sending to a server; every exchange kept."""

    effective: EffectiveProfile
    base_url: str
    http: httpx.Client
    sent: list[tuple[WireRequest, WireResponse]] = field(default_factory=list)

    def __post_init__(self) -> None:
        run_id = uuid.uuid4().hex[:8]
        settings = self.effective.app
        roles = [Role(1, f"Engineering {run_id}", ""), Role(2, f"VPN {run_id}", "")]
        roles = [Role(r.id, r.name, settings.group_name(r.name)) for r in roles]
        domain = f"{run_id}.example.com"
        self.bob = OneLoginUser(10, f"bob{run_id}", f"bob@{domain}", "Bob", "Berg", title="CTO")
        self.ana = OneLoginUser(
            11, f"ana{run_id}", f"ana@{domain}", "Ana", "Souza", title="", manager_id=10, roles=(1, 2)
        )
        tenant = Tenant([self.bob, self.ana], roles, settings)
        self.connector = Connector(
            tenant, TOKEN, self.effective.profile, self.effective.scim_template(), seed=1
        )

    def send(self, request: WireRequest) -> WireResponse:
        response = send_sync(self.http, self.base_url, request, self.effective.profile.timeouts.as_dict())
        self.sent.append((request, response))
        return response

    def run(self, plan: Plan) -> Outcome:
        """Drive one event, remembering only its own requests."""
        self.sent.clear()
        return run(plan, self.send)

    def requests(self, operation: str | None = None) -> list[WireRequest]:
        return [r for r, _ in self.sent if operation is None or r.operation == operation]

    def operations(self) -> list[str]:
        return [r.operation for r, _ in self.sent]

    def body(self, operation: str) -> Any:
        return self.requests(operation)[0].json()

    def pushed(self, *users: OneLoginUser) -> App:
        for user in users:
            outcome = self.run(self.connector.assign(user))
            assert outcome.ok, outcome.detail
        return self


Probe = Callable[[App], Any]
Documented = Callable[[Any, Any], bool]
"""``(knob value, what the probe saw) → whether the wire is as documented for that value``."""


@dataclass(frozen=True)
class Case:
    knob: str
    other: str
    """The knob's other value, as ``--set`` text."""
    probe: Probe
    documented: Documented
    base: tuple[str, ...] = ()
    """Other knobs the case needs (``--set`` text), the same for both values."""
    server: str = "ok"


# --- probes ---------------------------------------------------------------------------------------
def _header(operation: str, name: str) -> Probe:
    def probe(app: App) -> Any:
        app.pushed(app.bob)
        app.run(app.connector.update(app.bob))
        return app.requests(operation)[0].header(name)

    return probe


def _lookup_query(app: App) -> str | None:
    app.run(app.connector.assign(app.bob))
    return app.requests("lookup_user")[0].query


def _connection_test_query(app: App) -> str | None:
    app.run(app.connector.connection_test())
    return app.requests("connection_test")[0].query


def _put_target(app: App) -> str:
    app.pushed(app.bob).run(app.connector.update(app.bob))
    return app.requests("replace_user")[0].target


def _event_operations(event: str) -> Probe:
    def probe(app: App) -> list[str]:
        app.pushed(app.bob)
        if event in ("suspend", "delete"):
            app.bob.suspended = event == "suspend"
        app.run(getattr(app.connector, event)(app.bob))
        return app.operations()

    return probe


def _suspend_body(app: App) -> Any:
    app.pushed(app.bob)
    app.bob.suspended = True
    app.run(app.connector.suspend(app.bob))
    return app.requests()[-1].json()


def _assign_operations(app: App) -> list[str]:
    app.pushed(app.bob)  # the manager first: ana's template names it
    app.run(app.connector.assign(app.ana))
    return app.operations()


def _create_body(app: App) -> Any:
    app.pushed(app.bob)
    app.run(app.connector.assign(app.ana))
    return app.body("create_user")


def _create_bytes(app: App) -> bytes:
    app.bob.lastname = "Bérg"
    app.run(app.connector.assign(app.bob))
    body = app.requests("create_user")[0].body
    assert body is not None
    return body


def _group_patch(op: str) -> Probe:
    def probe(app: App) -> Any:
        app.pushed(app.bob)
        app.run(app.connector.assign(app.ana))  # what went out counts, whatever the answer
        if op == "remove":
            app.ana.roles = (2,)
            app.run(app.connector.role_removed(app.ana, app.connector.tenant.roles[0]))
        return app.body("patch_group")

    return probe


def _group_names(app: App) -> list[str]:
    app.pushed(app.bob)
    app.run(app.connector.assign(app.ana))
    return [r.json()["displayName"] for r in app.requests("create_group")]


def _outcome(event: str) -> Probe:
    def probe(app: App) -> tuple[bool, str]:
        if event == "connection_test":
            outcome = app.run(app.connector.connection_test())
        elif event in ("entitlement_refresh", "import_users"):
            outcome = app.run(getattr(app.connector, event)())
        elif event == "assign":
            outcome = app.run(app.connector.assign(app.ana))
        else:
            app.pushed(app.bob, app.ana)
            app.ana.suspended = event == "suspend"
            role = app.connector.tenant.roles[1]
            plans = {
                "update": lambda: app.connector.update(app.ana),
                "suspend": lambda: app.connector.suspend(app.ana),
                "delete": lambda: app.connector.delete(app.ana),
                "role_removed": lambda: app.connector.role_removed(app.ana, role),
            }
            if event == "role_removed":
                app.ana.roles = (1,)
                app.connector.links.groups.pop(role.group, None)
            outcome = app.run(plans[event]())
        return outcome.ok, outcome.detail

    return probe


def _accepted(value: Any, seen: tuple[bool, str]) -> bool:
    ok, detail = seen
    return ok if 299 not in value else (not ok and "accepts 299" in detail)


def _paging_query(operation: str) -> Probe:
    def probe(app: App) -> str | None:
        if operation == "list_users":
            app.run(app.connector.import_users())
        else:
            app.run(app.connector.entitlement_refresh())
        return app.requests(operation)[0].query

    return probe


def _approval_order(app: App) -> tuple[list[str], list[str]]:
    """The lifecycle scenario's events with this app's approvals, and with none (the baseline)."""

    def events(settings: Any) -> list[str]:
        tenant = Tenant.generate(40, 7, settings=settings)
        return [str(s) for s in SCENARIOS["lifecycle"].steps(tenant, 7)]

    plain = type(app.effective.app)()
    return events(app.effective.app), events(plain)


def _approval(action: str) -> Documented:
    def documented(value: bool, seen: tuple[list[str], list[str]]) -> bool:
        steps, baseline = seen
        if not value:
            return steps == baseline
        moved = next(i for i, (a, b) in enumerate(zip(steps, baseline, strict=True)) if a != b)
        held = baseline[moved].split()[0]
        # the same events, the first one out of place an event that waits for this approval
        return sorted(steps) == sorted(baseline) and APPROVAL[held] == action  # type: ignore[index]

    return documented


# --- the retry policy: attempts and waits on the wire ------------------------------------------------
def _attempts(status: int, retry_after: str | None = None) -> Probe:
    def probe(app: App) -> tuple[int, list[float]]:
        waits: list[float] = []

        async def answer(request: WireRequest) -> WireResponse:
            if status == 0:
                return WireResponse(0, error="timeout: ReadTimeout")
            headers = (("Retry-After", retry_after),) if retry_after else ()
            return WireResponse(status, headers=headers)

        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        async def go() -> int:
            async with httpx.AsyncClient() as unused:  # the transport hook answers instead
                sender = Sender([unused], app.base_url, app.effective.profile, sleep=sleep, transport=answer)
                return (await sender.exchange(app.connector.requests.lookup_user("x"))).attempt

        return asyncio.run(go()), waits

    return probe


def _timeout_extension(name: str) -> Probe:
    def probe(app: App) -> float:
        seen: list[dict[str, float]] = []

        async def go() -> None:
            async def hook(request: httpx.Request) -> None:
                seen.append(request.extensions["timeout"])

            async with httpx.AsyncClient(event_hooks={"request": [hook]}) as client:
                sender = Sender([client], app.base_url, app.effective.profile)
                await sender(app.connector.requests.lookup_user("x"))

        asyncio.run(go())
        return seen[0][name]

    return probe


def _timeout(name: str) -> Case:
    return Case(f"timeouts.{name}", "0.5", _timeout_extension(name), lambda v, t: t == v)


# --- the cases --------------------------------------------------------------------------------------
def _statuses(knob: str, probe: Probe, *base: str) -> Case:
    return Case(f"accepted.{knob}", "299", probe, _accepted, base)


CASES: list[Case] = [
    # headers
    Case(
        "content_type",
        "application/scim+json",
        _header("replace_user", "Content-Type"),
        lambda v, h: h == v,
    ),
    Case("user_agent", "OneLogin SCIM", _header("replace_user", "User-Agent"), lambda v, h: h == v),
    Case("accept", "application/scim+json", _header("lookup_user", "Accept"), lambda v, h: h == v),
    # URLs
    Case(
        "filter_encoding",
        "percent",
        _lookup_query,
        lambda v, q: q.startswith("filter=userName+eq+%22" if v == "form" else "filter=userName%20eq%20%22"),
    ),
    Case("filter_suffix", "", _lookup_query, lambda v, q: q.endswith("%22" + v)),
    Case("put_query", "none", _put_target, lambda v, t: t.endswith("?") == (v is not None)),
    # flows
    Case(
        "update_preceded_by_lookup",
        "",
        _event_operations("update"),
        lambda v, ops: ops == (["lookup_user", "replace_user"] if v else ["replace_user"]),
    ),
    Case(
        "delete_preceded_by_lookup",
        "",
        _event_operations("delete"),
        lambda v, ops: ops == (["lookup_user", "delete_user"] if v else ["delete_user"]),
    ),
    Case(
        "lookup_404_means_absent",
        "",
        lambda app: (app.run(app.connector.assign(app.bob)).ok, app.operations()),
        lambda v, seen: seen == ((True, ["lookup_user", "create_user"]) if v else (False, ["lookup_user"])),
        server="no-match-404",
    ),
    Case(
        "suspend_style",
        "patch",
        _suspend_body,
        lambda v, b: (
            b["Operations"] == [{"op": "replace", "value": {"active": False}}]
            if v == "patch"
            else b["active"] is False and "userName" in b
        ),
    ),
    Case("active_as_string", "", _suspend_body, lambda v, b: b["active"] == ("False" if v else False)),
    Case(
        "assign_pushes_groups",
        "",
        _assign_operations,
        lambda v, ops: ("patch_group" in ops) == v,
    ),
    Case(
        "group_lookup_before_create",
        "",
        _assign_operations,
        lambda v, ops: ("lookup_group" in ops) == v and "create_group" in ops,
    ),
    Case(
        "connection_test_username",
        "probe-user",
        _connection_test_query,
        lambda v, q: (q == "filter=userName+eq+%22probe-user%22&") == (v is not None),
    ),
    # bodies
    Case(
        "patch_op_case",
        "capitalized",
        _group_patch("add"),
        lambda v, b: b["Operations"][0]["op"] == ("Add" if v == "capitalized" else "add"),
    ),
    Case(
        "member_remove_style",
        "value_array",
        _group_patch("remove"),
        lambda v, b: (
            b["Operations"][0]["path"].startswith("members[value eq")
            if v == "path_filter"
            else b["Operations"][0]["path"] == "members" and b["Operations"][0]["value"][0]["value"]
        ),
    ),
    Case("patch_schemas", "", _group_patch("add"), lambda v, b: ("schemas" in b) == v),
    Case(
        "group_create_schemas",
        "",
        lambda app: _group_names(app) and app.body("create_group"),
        lambda v, b: ("schemas" in b) == v,
    ),
    Case("empty_placeholder", "n/a", _create_body, lambda v, b: b["title"] == v),
    Case(
        "manager_id_source",
        "onelogin_id",
        lambda app: (_create_body(app), app.connector.links.user(10)),
        lambda v, seen: (
            seen[0]["urn:scim:schemas:extension:enterprise:2.0"]["manager"]["managerId"]
            == ("10" if v == "onelogin_id" else seen[1])
        ),
    ),
    Case("json_ensure_ascii", "", _create_bytes, lambda v, b: (b"B\\u00e9rg" in b) == v),
    Case("json_compact", "", _create_bytes, lambda v, b: (b'", "' not in b) == v),
    Case(
        "require_name_in_create_response",
        "",
        lambda app: app.run(app.connector.assign(app.bob)).ok,
        lambda v, ok: ok != v,
        server="create-without-name",
    ),
    # paging
    Case(
        "import_page_size",
        "none",
        _paging_query("list_users"),
        lambda v, q: q == (None if v is None else f"startIndex=1&count={v}"),
    ),
    Case(
        "groups_page_size",
        "1",
        _paging_query("list_groups"),
        lambda v, q: q == (None if v is None else f"startIndex=1&count={v}"),
    ),
    # what OneLogin accepts
    _statuses("connection_test", _outcome("connection_test")),
    _statuses("lookup_user", _outcome("assign")),
    _statuses("create_user", _outcome("assign")),
    _statuses("replace_user", _outcome("update")),
    _statuses("patch_user", _outcome("suspend"), "suspend_style=patch"),
    _statuses("delete_user", _outcome("delete")),
    # the group is looked up when OneLogin has not linked it: here, when a role is removed
    _statuses("lookup_group", _outcome("role_removed"), "group_lookup_before_create=false"),
    _statuses("create_group", _outcome("assign")),
    _statuses("patch_group", _outcome("assign")),
    _statuses("list_groups", _outcome("entitlement_refresh")),
    _statuses("list_users", _outcome("import_users")),
    # retries: attempts and waits (never slept)
    Case("retry.retries", "0", _attempts(503), lambda v, seen: seen[0] == v + 1),
    Case("retry.backoff", "5", _attempts(503), lambda v, seen: seen[1][0] == v),
    Case("retry.factor", "3", _attempts(503), lambda v, seen: seen[1][:3] == [1.0, v, v * v]),
    Case("retry.max_delay", "1.5", _attempts(503), lambda v, seen: max(seen[1]) == min(v, 4.0)),
    Case("retry.retry_5xx", "", _attempts(503), lambda v, seen: seen[0] == (4 if v else 1)),
    Case("retry.retry_429", "", _attempts(429), lambda v, seen: seen[0] == (4 if v else 1)),
    Case("retry.retry_transport_errors", "", _attempts(0), lambda v, seen: seen[0] == (4 if v else 1)),
    Case(
        "retry.honour_retry_after",
        "",
        _attempts(429, "7"),
        lambda v, seen: seen[1][0] == (7.0 if v else 1.0),
    ),
    Case("retry.max_retry_after", "2", _attempts(429, "7"), lambda v, seen: seen[1][0] == min(7.0, v)),
    _timeout("connect"),
    _timeout("read"),
    _timeout("write"),
    _timeout("pool"),
    # the admin's settings
    Case(
        "app.deletion_action",
        "suspend",
        _event_operations("delete"),
        lambda v, ops: ops == {"delete": ["delete_user"], "suspend": ["lookup_user", "replace_user"]}[v],
    ),
    Case(
        "app.suspension_action",
        "nothing",
        _event_operations("suspend"),
        lambda v, ops: ops == {"suspend": ["lookup_user", "replace_user"], "nothing": []}[v],
    ),
    Case("app.approve_create", "", _approval_order, _approval("create")),
    Case("app.approve_update", "", _approval_order, _approval("update")),
    Case("app.approve_delete", "", _approval_order, _approval("delete")),
    Case(
        "app.scim_username_source",
        "username",
        lambda app: (_lookup_query(app), app.bob),
        lambda v, seen: (
            ("%40" in (seen[0] or "")) if v == "email" else f"%22{seen[1].username}%22" in (seen[0] or "")
        ),
    ),
    Case(
        "app.custom_headers",
        "X-Tenant: acme\\nUser-Agent: OneLogin SCIM",
        lambda app: [r.header("X-Tenant") for r in app.pushed(app.bob).requests()],
        lambda v, seen: seen == ["acme"] * len(seen) if v else set(seen) == {None},
    ),
    Case(
        "app.groups_multi_value",
        "",
        _group_names,
        lambda v, names: (len(names) == 2) if v else (len(names) == 1 and ";" in names[0]),
    ),
    Case(
        "app.group_name_rule",
        "team {role}",
        _group_names,
        lambda v, names: all(n == v.format(role=n.removeprefix("team ")) for n in names) and names != [],
    ),
    # the template
    Case(
        "template.name",
        "onelogin-1.1-enterprise",
        _create_body,
        lambda v, b: (b["schemas"] == LEGACY_11) == (v == "onelogin-1.1-enterprise"),
    ),
    Case(
        "template.file",
        "@template_file",
        _create_body,
        lambda v, b: (b["schemas"] == [RFC_USER]) == (v is not None),
    ),
    Case(
        "template.emails",
        "object",
        _create_body,
        lambda v, b: isinstance(b["emails"], dict) == (v == "object"),
    ),
]


def test_every_knob_has_a_wire_case() -> None:
    cased = [c.knob for c in CASES]
    assert len(cased) == len(set(cased)), "a knob has two cases"
    assert set(cased) == set(KNOBS), f"knobs without a case: {sorted(set(KNOBS) - set(cased))}"


def _other(case: Case, template_file: Path) -> str:
    knob = KNOBS[case.knob]
    if case.other == "@template_file":
        return str(template_file)
    if case.other == "" and knob.kind is bool:
        return "false" if knob.default else "true"
    return case.other


@pytest.mark.parametrize("case", CASES, ids=[c.knob for c in CASES])
def test_the_knob_changes_the_wire_as_documented(
    case: Case, servers: dict[str, EmbeddedServer], template_file: Path
) -> None:
    server = servers[case.server]
    seen = {}
    with httpx.Client(follow_redirects=False) as http:
        for label, sets in (("default", []), ("other", [f"{case.knob}={_other(case, template_file)}"])):
            effective = load_profile(None, [*case.base, *sets])
            value = effective.value(KNOBS[case.knob])
            seen[label] = case.probe(App(effective, server.base_url, http))
            shown = seen[label]
            assert case.documented(value, shown), f"{case.knob}={value!r}: the wire showed {shown!r}"
    assert seen["default"] != seen["other"], f"{case.knob} changed nothing on the wire: {seen['default']!r}"
