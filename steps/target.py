"""Target selection, pre-flight, capabilities, cleanup and wire capture for the feature suite.

A target is a SCIM base URL, a bearer token and an optional observer (design.md, "The target").
Options: ``--scim-base-url``, ``--scim-token``, ``--scim-observer-url``, ``--scim-observer-token``
(or ``SCIM_BASE_URL``, ``SCIM_TOKEN``, ``SCIM_OBSERVER_URL``, ``SCIM_OBSERVER_TOKEN``), and how to
connect: ``--scim-timeout`` (seconds per connect, read and write), ``--scim-ca-bundle PATH`` and
``--scim-insecure`` (``SCIM_TIMEOUT``, ``SCIM_CA_BUNDLE``, ``SCIM_INSECURE``). With no
base URL, the embedded reference server runs on a free loopback port with a fresh SQLite file for
the whole session. Tokens appear nowhere: not in the header, the wire, or any message.
"""

from __future__ import annotations

import contextlib
import os
import ssl
import tempfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulator.transport import DEFAULT_TIMEOUT, Transport, env_flag, tls_reason
from simulator.wire import ResponseTooLarge, read_capped, redirect_note
from steps.wire import Exchange, ScimClient

FEATURES = Path(__file__).resolve().parent.parent / "features"
WIRE_KEY = pytest.StashKey[list[Exchange]]()


@dataclass(frozen=True)
class Target:
    """Where the suite sends its requests. Tokens never show in ``repr``."""

    base_url: str
    token: str = field(repr=False)
    observer_url: str | None = None
    observer_token: str | None = field(default=None, repr=False)
    embedded: bool = False
    transport: Transport = field(default_factory=Transport)

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.token, self.observer_token) if s]

    @property
    def timeout(self) -> float:
        return self.transport.timeout

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """httpx's ``verify`` for this target (see :class:`simulator.transport.Transport`)."""
        return self.transport.verify()

    def client(self, token: str | None = None) -> httpx.Client:
        """A plain client for session fixtures: this target's timeout and TLS, the bearer token."""
        return httpx.Client(
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=self.timeout,
            verify=self.verify,
            follow_redirects=False,
        )


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


def _tags_in_features() -> set[str]:
    tags: set[str] = set()
    for path in FEATURES.rglob("*.feature"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("@"):
                tags.update(t.lstrip("@") for t in stripped.split() if t.startswith("@"))
    return tags


def pytest_configure(config: pytest.Config) -> None:
    # Gherkin tags are pytest markers; registering exactly the ones the features use keeps
    # --strict-markers catching typos in Python code.
    for tag in sorted(_tags_in_features()):
        config.addinivalue_line("markers", f"{tag}: Gherkin tag")


def pytest_report_header(config: pytest.Config) -> str:
    url = config.getoption("--scim-base-url")
    return (
        f"SCIM target: {url}" if url else "SCIM target: the embedded reference server (started on first use)"
    )


def _preflight(target: Target) -> None:
    """One clear message for an unreachable target or a rejected token, not hundreds of failures."""
    try:
        with target.client() as client:
            response = client.send(
                client.build_request("GET", target.base_url.rstrip("/") + "/ServiceProviderConfig"),
                stream=True,
            )
            read_capped(response)
    except ResponseTooLarge as exc:
        pytest.exit(f"the SCIM target {target.base_url} answered with a {exc}", returncode=2)
    except (httpx.HTTPError, OSError, ssl.SSLError) as exc:
        why = tls_reason(exc) or type(exc).__name__
        pytest.exit(f"cannot reach the SCIM target {target.base_url}: {why}", returncode=2)
    if response.status_code in (401, 403):
        pytest.exit(
            f"the SCIM target {target.base_url} rejected the token ({response.status_code})", returncode=2
        )
    note = redirect_note(response)
    if note is not None:
        pytest.exit(f"the SCIM target {target.base_url} {note.removeprefix('redirect: ')}", returncode=2)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The target of this run: given by options, or the embedded reference server."""
    config = request.config
    base_url = config.getoption("--scim-base-url")
    if base_url:
        token = config.getoption("--scim-token") or ""
        if not token:
            pytest.exit("--scim-token (or SCIM_TOKEN) is required with --scim-base-url", returncode=2)
        chosen = Target(
            base_url=base_url.rstrip("/"),
            token=token,
            observer_url=(config.getoption("--scim-observer-url") or "").rstrip("/") or None,
            observer_token=config.getoption("--scim-observer-token"),
            transport=Transport(
                config.getoption("--scim-timeout"),
                config.getoption("--scim-ca-bundle"),
                config.getoption("--scim-insecure"),
            ),
        )
        _preflight(chosen)
        yield chosen
        return
    from reference_server.config import ServerConfig
    from reference_server.embedded import EmbeddedServer

    with tempfile.TemporaryDirectory(prefix="scim-suite-") as tmp:
        server_config = ServerConfig(db_path=str(Path(tmp) / "suite.db"), rotation_delay=0.05)
        with EmbeddedServer(server_config) as server:
            chosen = Target(
                base_url=server.base_url,
                token=server_config.token,
                observer_url=server.observer_url,
                observer_token=server_config.observer_token,
                embedded=True,
            )
            _preflight(chosen)
            yield chosen


@pytest.fixture(scope="session")
def service_provider_config(target: Target) -> dict[str, Any]:
    """The target's ``/ServiceProviderConfig`` (RFC 7643 §5), read once; capabilities gate scenarios.

    A target that cannot answer it claims nothing: capability-gated scenarios skip, saying so.
    """
    try:
        with target.client() as client:
            response = client.send(
                client.build_request("GET", target.base_url + "/ServiceProviderConfig"), stream=True
            )
            read_capped(response)
        body = response.json()
    except (httpx.HTTPError, ResponseTooLarge, ValueError):
        body = {}
    return body if isinstance(body, dict) else {}


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
    """What a scenario created, deleted by id when it ends — never by a broad query."""

    created: list[tuple[str, str]] = field(default_factory=list)

    def add(self, endpoint: str, resource_id: str) -> None:
        self.created.append((endpoint, resource_id))

    def forget(self, endpoint: str, resource_id: str) -> None:
        if (endpoint, resource_id) in self.created:
            self.created.remove((endpoint, resource_id))


@pytest.fixture
def scim(target: Target, wire: list[Exchange]) -> Generator[ScimClient, None, None]:
    """The scenario's SCIM client; resources it created are deleted afterwards (groups first)."""
    cleanup = Cleanup()
    client = ScimClient(
        target.base_url,
        target.token,
        wire,
        timeout=target.timeout,
        verify=target.verify,
        on_created=cleanup.add,
    )
    client.cleanup = cleanup  # type: ignore[attr-defined]
    yield client
    for endpoint, resource_id in sorted(cleanup.created, key=lambda item: item[0] != "/Groups"):
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
    if not target.observer_url or not target.observer_token:
        pytest.skip("no observer configured (--scim-observer-url / --scim-observer-token)")
    client = ScimClient(
        target.observer_url,
        target.observer_token,
        wire,
        timeout=target.timeout,
        verify=target.verify,
        validate_bodies=False,
    )
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


AnyCallable = Callable[..., Any]
