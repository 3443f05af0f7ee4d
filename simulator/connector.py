"""The app as configured in a OneLogin tenant, turning lifecycle events into request plans.

``Connector(tenant, token).assign(user)`` returns a :data:`~simulator.plans.Plan`: the conversation
OneLogin holds with the app for that event (onelogin-profile.md, "Requests per lifecycle event"),
with every undocumented choice read from the :class:`~simulator.profile.Profile`. The plans know
OneLogin's conversation shapes; the engine that drives them knows none of it. The flows see the
connector only as a :class:`~simulator.flow.FlowContext`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from simulator import groups_flow, users_flow
from simulator.flow import Abort
from simulator.links import Links
from simulator.plans import APPROVAL, Event, Outcome, Plan
from simulator.profile import ONELOGIN, Profile
from simulator.requests import Requests
from simulator.template import DEFAULT_TEMPLATE, Template
from simulator.tenant import OneLoginUser, Role, Tenant


@dataclass(slots=True)
class Connector:
    """One OneLogin app ("SCIM Provisioner with SAML (SCIM v2 Core)") pointed at one SCIM server."""

    tenant: Tenant
    token: str = field(repr=False)  # a bearer token: never in a repr or a traceback
    profile: Profile = ONELOGIN
    template: Template = DEFAULT_TEMPLATE
    links: Links = field(default_factory=Links)
    seed: int = 0
    """Seeds the random userNames of connection tests."""
    requests: Requests = field(init=False)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.requests = Requests(self.profile, self.tenant.settings, self.token, self.template)
        self._rng = random.Random(self.seed)

    def needs_approval(self, event: Event) -> bool:
        """Whether the app's settings hold ``event`` for admin approval (the engine delays it)."""
        return self.tenant.settings.needs_approval(APPROVAL[event])

    def plan(self, event: Event, user: OneLoginUser | None = None, role: Role | None = None) -> Plan:
        """The plan of ``event`` by name (``user`` for user events, plus ``role`` for role events)."""
        if event == "connection_test":
            return self.connection_test()
        if event == "entitlement_refresh":
            return self.entitlement_refresh()
        if event == "import":
            return self.import_users()
        if user is None:
            raise ValueError(f"event {event!r} needs a user")
        if event in ("role_added", "role_removed"):
            if role is None:
                raise ValueError(f"event {event!r} needs a role")
            return self.role_added(user, role) if event == "role_added" else self.role_removed(user, role)
        user_events = {
            "assign": self.assign,
            "update": self.update,
            "suspend": self.suspend,
            "reactivate": self.reactivate,
            "unassign": self.unassign,
            "delete": self.delete,
        }
        return user_events[event](user)

    # --- events ------------------------------------------------------------------------------------
    def connection_test(self) -> Plan:
        """Admin presses Enable: a filtered GET for a userName nobody has; 200 empty or 404 passes."""
        name = self.profile.connection_test_username or str(
            uuid.UUID(int=self._rng.getrandbits(128), version=4)
        )
        return self._guard("connection_test", None, users_flow.connection_test(self, name))

    def assign(self, user: OneLoginUser) -> Plan:
        """Push: GET by userName; 0 → POST the template, 1 → link and PUT it; then group memberships."""
        return self._guard("assign", user.id, users_flow.assign(self, user))

    def update(self, user: OneLoginUser) -> Plan:
        """``PUT /Users/{id}?`` with the whole template, after a lookup when the profile says so."""
        return self._guard("update", user.id, users_flow.push(self, user, "update", None))

    def reactivate(self, user: OneLoginUser) -> Plan:
        """Like update with ``"active": true``; a user gone from the app is POSTed again."""
        return self._guard("reactivate", user.id, users_flow.push(self, user, "reactivate", True))

    def suspend(self, user: OneLoginUser) -> Plan:
        """The user is suspended in OneLogin: the app's suspension action (Suspend by default)."""
        action = self.tenant.settings.suspension_action
        return self._guard("suspend", user.id, users_flow.deprovision(self, user, "suspend", action))

    def unassign(self, user: OneLoginUser) -> Plan:
        """The app is removed from the user: the deletion action (Delete / Suspend / Do nothing),
        unless the IdP has an unassign action of its own (Entra disables)."""
        settings = self.tenant.settings
        action = settings.unassign_action or settings.deletion_action
        return self._guard("unassign", user.id, users_flow.deprovision(self, user, "unassign", action))

    def delete(self, user: OneLoginUser) -> Plan:
        """The user is deleted in OneLogin: the deletion action (Delete / Suspend / Do nothing)."""
        action = self.tenant.settings.deletion_action
        return self._guard("delete", user.id, users_flow.deprovision(self, user, "delete", action))

    def role_added(self, user: OneLoginUser, role: Role) -> Plan:
        """``PATCH /Groups/{id}`` adding the user to the role's group (creating the group if needed)."""
        return self._guard("role_added", user.id, groups_flow.role_changed(self, user, role, "role_added"))

    def role_removed(self, user: OneLoginUser, role: Role) -> Plan:
        """``PATCH /Groups/{id}`` removing the user from the role's group."""
        return self._guard(
            "role_removed", user.id, groups_flow.role_changed(self, user, role, "role_removed")
        )

    def entitlement_refresh(self) -> Plan:
        """``GET /Groups``: OneLogin learns the app's groups and links them by displayName."""
        return self._guard("entitlement_refresh", None, groups_flow.refresh(self))

    def import_users(self) -> Plan:
        """``GET /Users`` page by page: app users are matched to OneLogin users by userName and linked."""
        return self._guard("import", None, users_flow.import_users(self))

    # --- plumbing ----------------------------------------------------------------------------------
    def _guard(self, event: Event, user_id: int | None, inner: Plan) -> Plan:
        """``inner``, with an :class:`Abort` turned into a failed :class:`Outcome` (no driving loop:
        requests pass straight through ``yield from``; the driver counts them)."""
        try:
            return (yield from inner)
        except Abort as abort:
            scim_id = None if user_id is None else self.links.user(user_id)
            return Outcome(event, user_id, False, str(abort), scim_id, basis=abort.basis)
