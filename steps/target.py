"""Target selection, pre-flight, capabilities, cleanup and wire capture for the feature suite.

A target is a SCIM base URL, a bearer token and an optional observer (design.md, "The target").
Options: ``--scim-base-url``, ``--scim-token``, ``--scim-observer-url``, ``--scim-observer-token``
(or ``SCIM_BASE_URL``, ``SCIM_TOKEN``, ``SCIM_OBSERVER_URL``, ``SCIM_OBSERVER_TOKEN``), and how to
connect: ``--scim-timeout`` (seconds per connect, read and write), ``--scim-ca-bundle PATH`` and
``--scim-insecure`` (``SCIM_TIMEOUT``, ``SCIM_CA_BUNDLE``, ``SCIM_INSECURE``). With no base URL the
suite asks for an ``embedded_target`` fixture: the root ``conftest.py`` provides one that runs the
reference server (the steps never import it). Tokens appear nowhere: not in the wire, a message or
a ``repr``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from scim_client import (
    DEFAULT_TIMEOUT,
    Target,
    TargetUnusable,
    Transport,
    checked_url,
    env_flag,
    options_for,
    preflight,
    send,
)
from steps.features import tags_in_features
from steps.wire import Exchange, ScimClient

WIRE_KEY = pytest.StashKey[list[Exchange]]()
OPTIONS = options_for(os.environ)
"""The option names of the command that started this run (``check``'s or pytest's), for hints."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scim", "SCIM target (default: the embedded reference server)")
    group.addoption(
        "--scim-base-url", default=os.environ.get("SCIM_BASE_URL"), help="SCIM base URL of the target"
    )
    group.addoption("--scim-token", default=os.environ.get("SCIM_TOKEN"), help="bearer token of the target")
    group.addoption(
        "--scim-observer-url", default=os.environ.get("SCIM_OBSERVER_URL"), help="observer API base URL"
    )
    group.addoption(
        "--scim-observer-token", default=os.environ.get("SCIM_OBSERVER_TOKEN"), help="observer token"
    )
    group.addoption(
        "--scim-timeout",
        type=float,
        default=float(os.environ.get("SCIM_TIMEOUT") or DEFAULT_TIMEOUT),
        help="seconds to connect, and for each read or write, per request",
    )
    group.addoption(
        "--scim-ca-bundle",
        default=os.environ.get("SCIM_CA_BUNDLE") or None,
        help="PEM file of the CA(s) that signed the target's TLS certificate",
    )
    group.addoption(
        "--scim-insecure",
        action="store_true",
        default=env_flag(os.environ.get("SCIM_INSECURE")),
        help="do not verify TLS certificates (a staging server only)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Gherkin tags are pytest markers; registering exactly the ones the features use keeps
    # --strict-markers catching typos in Python code.
    for tag in sorted(tags_in_features()):
        config.addinivalue_line("markers", f"{tag}: Gherkin tag")


def pytest_report_header(config: pytest.Config) -> str:
    url = config.getoption("--scim-base-url")
    return (
        f"SCIM target: {url}" if url else "SCIM target: the embedded reference server (started on first use)"
    )


def _given(config: pytest.Config) -> Target | None:
    """The target the options name, or None; option mistakes end the run with one line."""
    base_url = config.getoption("--scim-base-url")
    if not base_url:
        return None
    token = config.getoption("--scim-token") or ""
    if not token:
        pytest.exit(f"{OPTIONS.token} (or SCIM_TOKEN) is required with {OPTIONS.base_url}", returncode=2)
    observer_url = (config.getoption("--scim-observer-url") or "").strip() or None
    observer_token = config.getoption("--scim-observer-token") or None
    try:
        return Target(
            base_url=checked_url(base_url, OPTIONS.base_url),
            token=token,
            observer_url=checked_url(observer_url, OPTIONS.observer_url) if observer_url else None,
            observer_token=observer_token,
            transport=Transport(
                config.getoption("--scim-timeout"),
                config.getoption("--scim-ca-bundle"),
                config.getoption("--scim-insecure"),
            ),
        )
    except ValueError as exc:
        pytest.exit(str(exc), returncode=2)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Target:
    """The target of this run: given by options, else the ``embedded_target`` fixture's."""
    chosen = _given(request.config)
    if chosen is None:
        try:
            chosen = request.getfixturevalue("embedded_target")
        except pytest.FixtureLookupError:
            pytest.exit(f"no SCIM target: give {OPTIONS.base_url} and {OPTIONS.token}", returncode=2)
    assert isinstance(chosen, Target)
    try:
        preflight(chosen, OPTIONS)
    except TargetUnusable as exc:
        pytest.exit(str(exc), returncode=2)
    return chosen


def discovery_document(target: Target, path: str) -> Any:
    """A discovery endpoint's JSON (``/ServiceProviderConfig``, ``/ResourceTypes``, ``/Schemas``),
    or None when the target cannot answer it: what it does not declare, it does not claim."""
    request = httpx.Request(
        "GET",
        target.url(path),
        headers={"Authorization": f"Bearer {target.token}", "Accept": "application/scim+json"},
    )
    with target.transport.client() as client:
        received = send(client, request, options=OPTIONS)
    if not received.ok or received.response is None or received.response.status_code != 200:
        return None
    try:
        return received.response.json()
    except ValueError:
        return None


@pytest.fixture(scope="session")
def service_provider_config(target: Target) -> dict[str, Any]:
    """The target's ``/ServiceProviderConfig`` (RFC 7643 §5), read once; capabilities gate scenarios.

    A target that cannot answer it claims nothing: capability-gated scenarios skip, saying so.
    """
    body = discovery_document(target, "/ServiceProviderConfig")
    return body if isinstance(body, dict) else {}


@pytest.fixture(scope="session")
def resource_types(target: Target) -> list[dict[str, Any]]:
    """The target's ``/ResourceTypes`` (RFC 7644 §4), read once for extension gates."""
    body = discovery_document(target, "/ResourceTypes")
    items = body.get("Resources") if isinstance(body, dict) else body
    return [i for i in items or [] if isinstance(i, dict)] if isinstance(items, list) else []


def require_capability(spc: dict[str, Any], name: str) -> None:
    """Skip, with the reason, a scenario whose capability the target does not claim."""
    claim = spc.get(name)
    if not (isinstance(claim, dict) and claim.get("supported") is True):
        pytest.skip(f"the target does not claim {name}.supported in /ServiceProviderConfig")


@pytest.fixture
def wire(request: pytest.FixtureRequest) -> list[Exchange]:
    """The exchanges of the current scenario, attached to its report."""
    exchanges: list[Exchange] = []
    request.node.stash[WIRE_KEY] = exchanges
    return exchanges


@dataclass
class Cleanup:
    """What a scenario created, deleted by id when it ends — never by a broad query.

    Every ``201`` to ``POST /Users`` or ``/Groups`` is added by the client itself; a step adds what
    it created another way (``/Bulk``, a PUT that wrongly created) and forgets what it deleted.
    """

    created: list[tuple[str, str]] = field(default_factory=list)

    def add(self, endpoint: str, resource_id: str) -> None:
        self.created.append((endpoint, resource_id))

    def forget(self, endpoint: str, resource_id: str) -> None:
        if (endpoint, resource_id) in self.created:
            self.created.remove((endpoint, resource_id))

    def in_order(self) -> list[tuple[str, str]]:
        """Groups first: deleting a user first would change the groups it belongs to."""
        return sorted(self.created, key=lambda item: item[0] != "/Groups")


@pytest.fixture
def cleanup() -> Cleanup:
    """What the scenario created, for the ``scim`` fixture to delete when it ends."""
    return Cleanup()


@pytest.fixture
def scim(target: Target, wire: list[Exchange], cleanup: Cleanup) -> Generator[ScimClient, None, None]:
    """The scenario's SCIM client; resources it created are deleted afterwards (groups first)."""
    client = ScimClient(target, wire, on_created=cleanup.add, options=OPTIONS)
    yield client
    for endpoint, resource_id in cleanup.in_order():
        # An unreachable target already failed the scenario; cleanup must not fail it twice.
        with contextlib.suppress(AssertionError):
            client.request("DELETE", f"{endpoint}/{resource_id}", validate_body=False)
    client.close()


@dataclass
class Observer:
    """The observer API of the target (design.md, "The observer")."""

    client: ScimClient

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.client.request(
            "POST", path, json_body=body, headers={"Content-Type": "application/json"}, validate_body=False
        )

    def get(self, path: str) -> httpx.Response:
        return self.client.request("GET", path, validate_body=False)


@pytest.fixture
def observer(target: Target, wire: list[Exchange]) -> Generator[Observer, None, None]:
    """The observer, or a skip with the reason when the target offers none."""
    if not target.has_observer or target.observer_url is None or target.observer_token is None:
        pytest.skip(
            "no observer configured: give the observer API with "
            f"{OPTIONS.observer_url} and {OPTIONS.observer_token} to run the side-effect scenarios"
        )
    observing = Target(target.observer_url, target.observer_token, transport=target.transport)
    client = ScimClient(observing, wire, validate_bodies=False, options=OPTIONS)
    yield Observer(client)
    client.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    exchanges = item.stash.get(WIRE_KEY, None)
    if exchanges and report.when == "call":
        report.sections.append(("SCIM wire", "\n\n".join(e.as_text() for e in exchanges)))
        report.user_properties.append(("scim_wire", [e.as_dict() for e in exchanges]))
    return report
