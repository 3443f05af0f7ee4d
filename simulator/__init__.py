"""The OneLogin simulator: a tenant, the app's settings, the SCIM template and the request profile;
the traffic engine, verification, reconciliation, and record / replay.

``Connector(Tenant.generate(1000, seed=7), token).assign(user)`` gives the plan of requests OneLogin
sends to push ``user``; :func:`run` / :func:`arun` drive a plan with any transport.
``await simulate(SimulationConfig("lifecycle", 1000, seed=7), base_url, token)`` runs a scenario
with bounded concurrency and returns a :class:`Report` of every problem found;
``await replay(read_recording(path), base_url, token)`` replays a ``--record`` file elsewhere.
The harness's own requests (a pre-flight) go to ``simulate(..., own_requests=OwnRequests())``.
"""

from __future__ import annotations

from simulator.connector import Connector
from simulator.engine import Engine
from simulator.entra import ENTRA, ENTRA_FLAG_KNOBS, ENTRA_FLAGGED
from simulator.expected import AppBehaviour, Directory
from simulator.facts import FACTS, IDPS, Fact, fact, facts_of
from simulator.idps import DEFAULT_IDP, IDP_CHOICES, IDP_PROFILES, IdpError, IdpProfile, idp_profile, idp_tags
from simulator.knobs import KNOBS
from simulator.links import Links
from simulator.names import DEPARTMENTS, Oddities, email_local
from simulator.okta import OKTA
from simulator.own_requests import OwnRequests
from simulator.plans import APPROVAL, EVENTS, Event, Outcome, Plan, arun, drive, run
from simulator.problems import Problem, Problems
from simulator.profile import ONELOGIN, AcceptedStatuses, Profile, RetryPolicy, Timeouts
from simulator.profile_file import EffectiveProfile, ProfileError, load_profile
from simulator.progress import Silent, for_stream
from simulator.record import Recorder, RecordingError, read_recording
from simulator.replay import ReplayReport, replay
from simulator.requests import Requests
from simulator.scenarios import SCENARIOS, Scenario
from simulator.sender import Sender
from simulator.settings import AppSettings, parse_custom_headers
from simulator.simulation import Report, SimulationConfig, simulate
from simulator.template import DEFAULT_TEMPLATE, Template, TemplateError
from simulator.tenant import EXTRA_ROLES, OneLoginUser, Role, Tenant
from simulator.triggers import Trigger
from simulator.wire import Exchange, WireRequest, WireResponse

__all__ = [
    "APPROVAL",
    "DEFAULT_IDP",
    "DEFAULT_TEMPLATE",
    "DEPARTMENTS",
    "ENTRA",
    "ENTRA_FLAGGED",
    "ENTRA_FLAG_KNOBS",
    "EVENTS",
    "EXTRA_ROLES",
    "FACTS",
    "IDPS",
    "IDP_CHOICES",
    "IDP_PROFILES",
    "KNOBS",
    "OKTA",
    "ONELOGIN",
    "SCENARIOS",
    "AcceptedStatuses",
    "AppBehaviour",
    "AppSettings",
    "Connector",
    "Directory",
    "EffectiveProfile",
    "Engine",
    "Event",
    "Exchange",
    "Fact",
    "IdpError",
    "IdpProfile",
    "Links",
    "Oddities",
    "OneLoginUser",
    "Outcome",
    "OwnRequests",
    "Plan",
    "Problem",
    "Problems",
    "Profile",
    "ProfileError",
    "Recorder",
    "RecordingError",
    "ReplayReport",
    "Report",
    "Requests",
    "RetryPolicy",
    "Role",
    "Scenario",
    "Sender",
    "Silent",
    "SimulationConfig",
    "Template",
    "TemplateError",
    "Tenant",
    "Timeouts",
    "Trigger",
    "WireRequest",
    "WireResponse",
    "arun",
    "drive",
    "email_local",
    "fact",
    "facts_of",
    "for_stream",
    "idp_profile",
    "idp_tags",
    "load_profile",
    "parse_custom_headers",
    "read_recording",
    "replay",
    "run",
    "simulate",
]
