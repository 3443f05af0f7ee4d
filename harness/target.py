"""Choosing the target for a command: the embedded reference server, or a base URL and token.

Without ``--base-url`` (or ``SCIM_BASE_URL``) a command runs against the embedded reference server
on a free loopback port with a temporary SQLite file and a fresh token. With one, a token is
required, and a pre-flight request checks the target before any traffic: an unreachable target
or a rejected token ends the command with one line and exit code 2. Tokens are never printed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx
from litestar import Litestar

from reference_server.config import ServerConfig, new_token
from reference_server.embedded import EmbeddedServer
from simulator.preflight import preflight
from simulator.profile import ONELOGIN, Profile, Timeouts
from simulator.transport import DEFAULT_TIMEOUT, INSECURE_WARNING, Transport


class TargetError(click.ClickException):
    """The target cannot be used (unreachable, token rejected): one line, exit code 2."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Target:
    """Where a run sends its requests; the token never shows in ``repr`` (nor in tracebacks)."""

    base_url: str
    token: str = field(repr=False)
    embedded: bool = False


def _quiet_http_logs() -> None:
    # the embedded server's logging setup would otherwise print one INFO line per request
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def embedded_server(config: ServerConfig, app: Litestar | None = None) -> EmbeddedServer:
    """``EmbeddedServer(config, app)`` with ``TCP_NODELAY`` on its listening socket.

    The embedded server binds ``socket.socket()`` (protocol 0), and asyncio sets ``TCP_NODELAY``
    only on accepted sockets whose protocol is ``IPPROTO_TCP``; without it every request waits
    ~40 ms for a delayed ACK (Nagle). Accepted sockets inherit the option from the listener.
    To be fixed in ``reference_server/embedded.py``; harmless once it is.
    """
    server = EmbeddedServer(config, app)
    listener: socket.socket = server._sock
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return server


def _checked_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.UsageError(f"--base-url must be an http:// or https:// URL, not {base_url!r}")
    return base_url.rstrip("/")


async def _preflight(base_url: str, token: str, transport: Transport, profile: Profile) -> str | None:
    async with httpx.AsyncClient(verify=transport.verify(), follow_redirects=False) as client:
        return await preflight(client, base_url, token, profile)


def transport_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--timeout``, ``--ca-bundle`` and ``--insecure``, shared by the commands that talk to a target."""
    options = (
        click.option(
            "--timeout",
            envvar="SCIM_TIMEOUT",
            type=click.FloatRange(min=0, min_open=True),
            help="Seconds to wait to connect and for each read or write (or SCIM_TIMEOUT).",
        ),
        click.option(
            "--ca-bundle",
            envvar="SCIM_CA_BUNDLE",
            type=click.Path(exists=True, dir_okay=False),
            help="PEM file of the CA(s) that signed the target's certificate (or SCIM_CA_BUNDLE).",
        ),
        click.option(
            "--insecure",
            is_flag=True,
            envvar="SCIM_INSECURE",
            help="Do not verify TLS certificates (a staging server only; or SCIM_INSECURE=1).",
        ),
    )
    for option in reversed(options):
        func = option(func)
    return func


retries_option = click.option(
    "--retries",
    type=click.IntRange(0, 10),
    help="Retries of a request after a 5xx, 429 or no answer (default: the profile's, 3).",
)
"""``--retries``, shared by ``simulate`` and ``replay``."""


def make_transport(timeout: float | None, ca_bundle: str | None, insecure: bool) -> Transport:
    """The options as a :class:`Transport`, its CA bundle loaded once here so a bad one is a usage error."""
    if insecure and ca_bundle:
        raise click.UsageError("--insecure and --ca-bundle contradict each other: give one")
    transport = Transport(timeout or DEFAULT_TIMEOUT, ca_bundle, insecure)
    try:
        transport.verify()
    except (OSError, ssl.SSLError) as exc:
        raise click.UsageError(f"--ca-bundle {ca_bundle!r} is not a readable PEM bundle: {exc}") from None
    if insecure:
        click.echo(INSECURE_WARNING, err=True)
    return transport


def profile_for(timeout: float | None, retries: int | None = None, profile: Profile = ONELOGIN) -> Profile:
    """``profile`` with ``--timeout`` for each of its timeouts and ``--retries``, when given."""
    if timeout is not None:
        profile = replace(profile, timeouts=Timeouts(timeout, timeout, timeout, timeout))
    if retries is not None:
        profile = replace(profile, retry=replace(profile.retry, retries=retries))
    return profile


@contextmanager
def open_target(
    base_url: str | None,
    token: str | None,
    transport: Transport | None = None,
    profile: Profile = ONELOGIN,
) -> Iterator[Target]:
    """The target to use, checked; the embedded server runs for the duration of the ``with``."""
    _quiet_http_logs()
    if base_url:
        url = _checked_url(base_url)
        if not token:
            raise click.UsageError("--token (or SCIM_TOKEN) is required with --base-url")
        problem = asyncio.run(_preflight(url, token, transport or Transport(), profile))
        if problem is not None:
            raise TargetError(problem)
        yield Target(url, token, embedded=False)
        return
    with tempfile.TemporaryDirectory(prefix="scim-harness-") as folder:
        config = ServerConfig(db_path=str(Path(folder) / "scim.db"), token=new_token())
        with embedded_server(config) as server:
            yield Target(server.base_url, config.token, embedded=True)


def prepare_report_dir(path: Path) -> Path:
    """Create the report folder now, so a bad path fails before the run, not after it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.UsageError(f"cannot create the report folder {str(path)!r}: {exc.strerror}") from None
    return path


def write_text(path: Path, text: str, secrets: tuple[str, ...]) -> None:
    """Write ``text`` with every secret masked (a second guard: reports never carry tokens)."""
    for secret in secrets:
        if len(secret) >= 6:
            text = text.replace(secret, "***")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"cannot write {str(path)!r}: {exc.strerror}") from None
