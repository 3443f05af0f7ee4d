"""The OneLogin simulator: a tenant, the app's settings, the SCIM template and the request profile.

``Connector(Tenant.generate(1000, seed=7), token).assign(user)`` gives the plan of requests OneLogin
sends to push ``user``; :func:`run` / :func:`arun` drive a plan with any transport.
"""

from __future__ import annotations

from simulator.connector import Connector
from simulator.links import Links
from simulator.names import Oddities
from simulator.plans import APPROVAL, EVENTS, Event, Outcome, Plan, arun, run
from simulator.profile import ONELOGIN, AcceptedStatuses, Profile, RetryPolicy, Timeouts
from simulator.requests import Requests
from simulator.settings import AppSettings, parse_custom_headers
from simulator.template import DEFAULT_TEMPLATE, Template, TemplateError
from simulator.tenant import OneLoginUser, Role, Tenant
from simulator.wire import Exchange, WireRequest, WireResponse

__all__ = [
    "APPROVAL",
    "DEFAULT_TEMPLATE",
    "EVENTS",
    "ONELOGIN",
    "AcceptedStatuses",
    "AppSettings",
    "Connector",
    "Event",
    "Exchange",
    "Links",
    "Oddities",
    "OneLoginUser",
    "Outcome",
    "Plan",
    "Profile",
    "Requests",
    "RetryPolicy",
    "Role",
    "Template",
    "TemplateError",
    "Tenant",
    "Timeouts",
    "WireRequest",
    "WireResponse",
    "arun",
    "parse_custom_headers",
    "run",
]
