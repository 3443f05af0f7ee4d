"""The OneLogin side of a scenario: its tenant, the app's connector, and how its requests are sent.

Steps never write by hand what OneLogin sends. Every request comes from the simulator's OneLogin
profile — a :class:`~simulator.Connector`'s event plans or its request builders — and goes out
through the scenario's ``scim`` client with the URL, headers and body bytes exactly as built, so the
report shows the real wire and the suite can never disagree with the simulator about OneLogin.

Every scenario gets its own tenant whose email domain and group names carry a random run id, so the
suite can run twice against the same server without colliding with itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from schemas import urns
from scim_client import Target
from simulator import (
    DEPARTMENTS,
    EXTRA_ROLES,
    IDPS,
    Connector,
    EffectiveProfile,
    Oddities,
    OneLoginUser,
    Outcome,
    Plan,
    Profile,
    Role,
    Template,
    Tenant,
    WireRequest,
    WireResponse,
    email_local,
    run,
)
from steps._vocabulary import phrase, quoted  # re-exported: the IdP step modules import them from here
from steps.common import assert_status
from steps.failures import Basis, SuiteError, check, sent
from steps.profile import idp_scim_profile
from steps.wire import ScimClient, note_violations

ELLIPSIS = ("…", "...")
"""Written in a step for "the scenario's own email domain": ``"ana.souza@…"``."""

UNUSUAL_NAMES = Oddities(
    apostrophe=0.25,
    hyphenated=0.25,
    whitespace=0.25,
    long_name=0.1,
    plus_address=0.3,
    mixed_case_email=0.3,
)
"""Oddity rates high enough that a handful of generated users shows each of them."""

_FIRST_ROLE_ID = 700_000
_FIRST_USER_ID = 31_000_000


@dataclass(frozen=True)
class Sent:
    """One request OneLogin sent and what the app answered."""

    request: WireRequest
    response: httpx.Response

    @property
    def status(self) -> int:
        return self.response.status_code

    def json(self) -> Any:
        try:
            return self.response.json()
        except ValueError:
            return None


@dataclass(frozen=True)
class Conversation:
    """The requests of one OneLogin event, in order, and how OneLogin judged the event."""

    event: str
    exchanges: tuple[Sent, ...]
    outcome: Outcome | None = None
    """None when the step sent single requests rather than an event plan."""
    before: Mapping[str, Any] | None = None
    """The app's user as it was just before the event, for "unchanged" checks."""

    def of(self, operation: str) -> list[Sent]:
        """The exchanges of one operation (``lookup_user``, ``create_user``, …)."""
        return [s for s in self.exchanges if s.request.operation == operation]

    @property
    def operations(self) -> list[str]:
        return [s.request.operation or "" for s in self.exchanges]

    def trace(self) -> str:
        """``GET /scim/v2/Users?filter=… → 200, POST /scim/v2/Users → 201``: the event in one line,
        each request as sent (the base path included, the query decoded)."""
        return ", ".join(f"{sent(s.response)} → {s.status}" for s in self.exchanges) or "no request"


@dataclass(frozen=True)
class OneLogin:
    """The scenario's OneLogin tenant and app connector; ``current`` is "the user" of the steps.

    Steps that add users or change settings return a new value (``target_fixture="onelogin"``);
    the connector's links (OneLogin's memory of app ids) carry over from one value to the next.
    """

    connector: Connector
    base_url: str
    run_id: str
    current: OneLoginUser | None = None
    app_ids: Mapping[int, str] = field(default_factory=dict)
    """App ids of pushed users, remembered past a DELETE (which makes OneLogin forget them)."""
    idp: str = "onelogin"
    """The IdP the scenario acts as (its tag); its profile is the connector's."""

    @property
    def idp_name(self) -> str:
        """``Okta``, ``Microsoft Entra ID``, ``OneLogin``."""
        return dict(IDPS).get(self.idp, self.idp)

    @property
    def tenant(self) -> Tenant:
        return self.connector.tenant

    @property
    def domain(self) -> str:
        """The scenario's email domain: unique per scenario and per run."""
        return f"{self.run_id}.example.com"

    @property
    def user(self) -> OneLoginUser:
        """The user the scenario is about (the last one added)."""
        if self.current is None:
            raise SuiteError("the scenario has no OneLogin user yet")
        return self.current

    def named(self, name: str) -> OneLoginUser:
        """The tenant's user whose display name is ``name``."""
        for user in self.tenant.users:
            if user.display_name.strip() == name.strip():
                return user
        known = ", ".join(u.display_name for u in self.tenant.users)
        raise SuiteError(f"the OneLogin tenant has no user {name!r} (it has: {known})")

    def role(self, name: str) -> Role:
        """The tenant's role called ``name``."""
        try:
            return self.tenant.role(name)
        except KeyError:
            known = ", ".join(r.name for r in self.tenant.roles)
            raise SuiteError(f"the OneLogin tenant has no role {name!r} (it has: {known})") from None

    def group_of(self, role: str) -> str:
        """The app group the role maps to (the mapping rule adds the run id)."""
        return self.role(role).group

    def scim_username(self, user: OneLoginUser) -> str:
        return self.tenant.scim_username(user)

    def app_id(self, user: OneLoginUser) -> str | None:
        """The app id OneLogin linked the user to, or the one it had before a DELETE."""
        return self.connector.links.user(user.id) or self.app_ids.get(user.id)

    def expand(self, text: str) -> str:
        """``"ana.souza@…"`` with the scenario's email domain in place of the ellipsis."""
        for mark in ELLIPSIS:
            text = text.replace(mark, self.domain)
        return text

    # --- new values -------------------------------------------------------------------------------
    def _rebuild(self, tenant: Tenant, **connector: Any) -> Connector:
        old = self.connector
        return Connector(
            tenant,
            old.token,
            profile=connector.get("profile", old.profile),
            template=connector.get("template", old.template),
            links=old.links,
            seed=old.seed,
        )

    def adding(self, user: OneLoginUser) -> OneLogin:
        """This tenant plus ``user``, who becomes "the user"."""
        tenant = Tenant([*self.tenant.users, user], self.tenant.roles, self.tenant.settings, self.tenant.seed)
        return replace(self, connector=self._rebuild(tenant), current=user)

    def with_tenant(self, tenant: Tenant) -> OneLogin:
        return replace(
            self, connector=self._rebuild(tenant), current=tenant.users[-1] if tenant.users else None
        )

    def with_settings(self, **changes: Any) -> OneLogin:
        settings = replace(self.tenant.settings, **changes)
        tenant = Tenant(self.tenant.users, self.tenant.roles, settings, self.tenant.seed)
        return replace(self, connector=self._rebuild(tenant))

    def with_profile(self, **changes: Any) -> OneLogin:
        profile: Profile = replace(self.connector.profile, **changes)
        return replace(self, connector=self._rebuild(self.tenant, profile=profile))

    def with_template(self, template: Template) -> OneLogin:
        return replace(self, connector=self._rebuild(self.tenant, template=template))

    def remembering(self) -> OneLogin:
        """This value with every currently linked app id remembered."""
        return replace(self, app_ids={**self.app_ids, **self.connector.links.users})

    # --- users ------------------------------------------------------------------------------------
    def person(
        self,
        name: str,
        email: str | None = None,
        *,
        title: str = "Engineer",
        department: str = "Engineering",
        manager: OneLoginUser | None = None,
        roles: tuple[str, ...] = (),
    ) -> OneLoginUser:
        """A OneLogin user called ``name`` (first word: first name), with a scenario-unique email."""
        first, _, last = name.strip().partition(" ")
        local = email_local(first, last)
        address = self.expand(email) if email else f"{local}@{self.domain}"
        next_id = max((u.id for u in self.tenant.users), default=_FIRST_USER_ID) + 1
        return OneLoginUser(
            id=next_id,
            username=local,
            email=address,
            firstname=first,
            lastname=last,
            phone="+1 555 0100",
            title=title,
            department=department,
            manager_id=None if manager is None else manager.id,
            roles=tuple(self.role(r).id for r in roles),
        )

    def generated(self, users: int, seed: int) -> Tenant:
        """``Tenant.generate`` with unusual names; each email gets the run id in its domain."""
        tenant = Tenant.generate(users, seed, settings=self.tenant.settings, oddities=UNUSUAL_NAMES)
        for user in tenant.users:
            local, _, domain = user.email.rpartition("@")
            user.email = f"{local}@{self.run_id}.{domain}"
        return tenant


def scenario_idp(request: pytest.FixtureRequest) -> str:
    """The IdP a scenario acts as: the first of its IdP tags (``@okta``, ``@entra``) that is not
    OneLogin's, else OneLogin; a scenario tagged with several is about the first."""
    names = {marker.name for marker in request.node.iter_markers()}
    return next((tag for tag, _ in IDPS if tag != "onelogin" and tag in names), "onelogin")


@pytest.fixture
def onelogin(request: pytest.FixtureRequest, target: Target, scim_profile: EffectiveProfile) -> OneLogin:
    """An empty tenant of the scenario's IdP (OneLogin, or the ``@okta``/``@entra`` tag's) with the
    usual roles and an app pointed at the target.

    The app is set up as the run's profile says (steps/profile.py) over the IdP's own profile;
    group names get the run id.
    """
    tag = scenario_idp(request)
    if tag != "onelogin":
        scim_profile = idp_scim_profile(request.config, tag)
    run_id = uuid.uuid4().hex[:10]
    app = scim_profile.app
    settings = replace(app, group_name_rule=f"{app.group_name_rule} ({run_id})")
    role_names = (*DEPARTMENTS, *EXTRA_ROLES)
    roles = [Role(_FIRST_ROLE_ID + i, n, settings.group_name(n)) for i, n in enumerate(role_names)]
    tenant = Tenant([], roles, settings)
    connector = Connector(tenant, target.token, scim_profile.profile, scim_profile.scim_template())
    return OneLogin(connector, target.base_url, run_id, idp=tag)


def _bearer(request: WireRequest) -> str | None:
    value = request.header("Authorization") or ""
    scheme, _, token = value.partition(" ")
    return token if scheme.lower() == "bearer" else None


def sender(
    scim: ScimClient, base_url: str, sent: list[Sent], *, validate: bool = True
) -> Callable[[WireRequest], WireResponse]:
    """A ``send`` for :func:`simulator.run`: the exact request through ``scim``, recorded in ``sent``.

    Response bodies are checked against the schemas, except a 404 to the connection test, which
    OneLogin accepts whatever its body (onelogin-profile.md, "Requests per lifecycle event").
    """

    def send(request: WireRequest) -> WireResponse:
        headers = {k: v for k, v in request.headers if k.lower() != "authorization"}
        response = scim.request(
            request.method,
            request.target,
            raw_url=request.url(base_url),
            headers=headers,
            content=request.body,
            token=_bearer(request),
            validate_body=False,
            exact_headers=True,
        )
        sent.append(Sent(request, response))
        lenient = request.operation == "connection_test" and response.status_code == 404
        if validate and not lenient:
            note_violations(response)
        return WireResponse.from_httpx(response)

    return send


def converse(
    scim: ScimClient, onelogin: OneLogin, event: str, plan: Plan, before: Mapping[str, Any] | None = None
) -> Conversation:
    """Drive one OneLogin event plan against the target."""
    sent: list[Sent] = []
    outcome = run(plan, sender(scim, onelogin.base_url, sent))
    return Conversation(event, tuple(sent), outcome, before)


def send_one(scim: ScimClient, onelogin: OneLogin, event: str, request: WireRequest) -> Conversation:
    """Send one request from the profile's builders (a lookup, a list, ...)."""
    sent: list[Sent] = []
    sender(scim, onelogin.base_url, sent)(request)
    return Conversation(event, tuple(sent))


def created_elsewhere(scim: ScimClient, state: OneLogin) -> None:
    """The app got the current user some other way (a CSV, another IdP): a plain RFC POST with
    the userName the IdP will send."""
    user = state.user
    body = {
        "schemas": [urns.USER],
        "userName": state.scim_username(user),
        "name": {"givenName": user.firstname, "familyName": user.lastname},
        "emails": [{"value": user.email, "type": "work", "primary": True}],
    }
    assert_status(scim.post("/Users", body), 201, basis=Basis.rfc("C-01"))


def assert_user_unreadable(scim: ScimClient, onelogin: OneLogin) -> None:
    """RFC 7644 §3.6: after DELETE, reading the current user's app id answers 404."""
    response = app_user(scim, onelogin, onelogin.user)
    check(
        response.status_code == 404,
        f"the deleted user can still be read: {sent(response)} answered {response.status_code}",
        response=response,
        expected="404: a deleted resource is gone for every operation",
        basis=Basis.rfc("X-01"),
    )


def app_user(scim: ScimClient, onelogin: OneLogin, user: OneLoginUser) -> httpx.Response:
    """``GET /Users/{id}`` of the user's app id (a plain client request, not OneLogin's)."""
    return scim.get(f"/Users/{quote(linked_id(onelogin, user), safe='')}")


def linked_id(onelogin: OneLogin, user: OneLoginUser) -> str:
    """The app id OneLogin linked ``user`` to: it learns it from the 201 of a create or from a lookup."""
    scim_id = onelogin.app_id(user)
    check(
        scim_id,
        f"OneLogin never linked {user.display_name} to a user in the app: no answer gave it the user's id",
        expected="an id in the 201 of the create, or in the userName lookup",
        basis=Basis.fact("onelogin_create_response", "onelogin_lookup_before_push"),
    )
    assert isinstance(scim_id, str)  # narrowed: check() raised otherwise
    return scim_id


def who(onelogin: OneLogin, text: str) -> OneLoginUser:
    """``the user`` (the scenario's current user) or ``"Ana Souza"`` (a user by name)."""
    if text.strip() == "the user":
        return onelogin.user
    names = quoted(text)
    if len(names) != 1:
        raise SuiteError(f"expected 'the user' or one quoted name, got {text!r}")
    return onelogin.named(names[0])


__all__ = [
    "Conversation",
    "OneLogin",
    "Sent",
    "app_user",
    "assert_user_unreadable",
    "converse",
    "linked_id",
    "phrase",
    "quoted",
    "scenario_idp",
    "send_one",
    "sender",
    "who",
]
