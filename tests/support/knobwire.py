"""Probes for tests/simulator/test_knobs_wire.py: an app set up by a profile, and what its requests show.

:class:`App` is a OneLogin app built from an effective profile and pointed at a server (every
request it sends kept); each probe runs the events a knob affects and returns what went out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from simulator import APPROVAL, SCENARIOS, Connector, OneLoginUser, Outcome, Plan, Role, Tenant, run
from simulator.profile_file import EffectiveProfile
from simulator.sender import Sender
from simulator.wire import WireRequest, WireResponse, send_sync
from tests.support.scimtest import TOKEN


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


# --- probes ---------------------------------------------------------------------------------------
def header(operation: str, name: str) -> Probe:
    def probe(app: App) -> Any:
        app.pushed(app.bob)
        app.run(app.connector.update(app.bob))
        return app.requests(operation)[0].header(name)

    return probe


def lookup_query(app: App) -> str | None:
    app.run(app.connector.assign(app.bob))
    return app.requests("lookup_user")[0].query


def connection_test_query(app: App) -> str | None:
    app.run(app.connector.connection_test())
    return app.requests("connection_test")[0].query


def put_target(app: App) -> str:
    app.pushed(app.bob).run(app.connector.update(app.bob))
    return app.requests("replace_user")[0].target


def event_operations(event: str) -> Probe:
    def probe(app: App) -> list[str]:
        app.pushed(app.bob)
        if event in ("suspend", "delete"):
            app.bob.suspended = event == "suspend"
        app.run(getattr(app.connector, event)(app.bob))
        return app.operations()

    return probe


def suspend_body(app: App) -> Any:
    app.pushed(app.bob)
    app.bob.suspended = True
    app.run(app.connector.suspend(app.bob))
    return app.requests()[-1].json()


def assign_operations(app: App) -> list[str]:
    app.pushed(app.bob)  # the manager first: ana's template names it
    app.run(app.connector.assign(app.ana))
    return app.operations()


def create_body(app: App) -> Any:
    app.pushed(app.bob)
    app.run(app.connector.assign(app.ana))
    return app.body("create_user")


def create_bytes(app: App) -> bytes:
    app.bob.lastname = "Bérg"
    app.run(app.connector.assign(app.bob))
    body = app.requests("create_user")[0].body
    assert body is not None
    return body


def group_patch(op: str) -> Probe:
    def probe(app: App) -> Any:
        app.pushed(app.bob)
        app.run(app.connector.assign(app.ana))  # what went out counts, whatever the answer
        if op == "remove":
            app.ana.roles = (2,)
            app.run(app.connector.role_removed(app.ana, app.connector.tenant.roles[0]))
        return app.body("patch_group")

    return probe


def group_names(app: App) -> list[str]:
    app.pushed(app.bob)
    app.run(app.connector.assign(app.ana))
    return [r.json()["displayName"] for r in app.requests("create_group")]


def event_outcome(event: str) -> Probe:
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


def duplicate_group_outcome(app: App) -> tuple[bool, str]:
    """Assign a user whose role's group the app has but OneLogin has not linked: its POST /Groups
    meets the app's duplicate answer (the fault server's is the sample server's 400)."""
    app.pushed(app.bob, app.ana)  # ana's roles' groups now exist in the app
    app.connector.links.groups.clear()  # OneLogin forgets them: pushing ana again creates them again
    outcome = app.run(app.connector.assign(app.ana))
    return outcome.ok, outcome.detail


def accepted(value: Any, seen: tuple[bool, str]) -> bool:
    ok, detail = seen
    return ok if 299 not in value else (not ok and "accepts 299" in detail)


def paging_query(operation: str) -> Probe:
    def probe(app: App) -> str | None:
        if operation == "list_users":
            app.run(app.connector.import_users())
        else:
            app.run(app.connector.entitlement_refresh())
        return app.requests(operation)[0].query

    return probe


def approval_order(app: App) -> tuple[list[str], list[str]]:
    """The lifecycle scenario's events with this app's approvals, and with none (the baseline)."""

    def events(settings: Any) -> list[str]:
        tenant = Tenant.generate(40, 7, settings=settings)
        return [str(s) for s in SCENARIOS["lifecycle"].triggers(tenant, 7)]

    plain = type(app.effective.app)()
    return events(app.effective.app), events(plain)


def approval(action: str) -> Documented:
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
def attempts(status: int, retry_after: str | None = None) -> Probe:
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


def timeout_extension(name: str) -> Probe:
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
