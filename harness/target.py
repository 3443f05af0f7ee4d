"""Choosing and opening the target of a command: a given SCIM server, or the embedded reference server.

Without ``--base-url`` (or ``SCIM_BASE_URL``) a command runs against the embedded reference server
on a free loopback port with a temporary SQLite file and fresh tokens (its observer included). With
one, a token is required, and the pre-flight (:func:`scim_client.preflight`) checks the target, and
its observer when given, before any traffic: an unreachable target or a rejected token ends the
command with one line and exit code 2. Tokens are never printed, and every file a command writes
goes through the target's redaction.
"""

from __future__ import annotations

import logging
import socket
import ssl
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
from litestar import Litestar

from reference_server import EmbeddedServer, ServerConfig, new_token
from scim_client import (
    DEFAULT_TIMEOUT,
    INSECURE_WARNING,
    HarnessExchange,
    Redactor,
    Target,
    TargetUnusable,
    Transport,
    checked_url,
    preflight,
)
from simulator import ONELOGIN, Profile, Timeouts

__all__ = [
    "Opened",
    "TargetError",
    "embedded_server",
    "given_target",
    "make_transport",
    "open_target",
    "prepare_report_dir",
    "profile_for",
    "retries_option",
    "transport_options",
    "write_text",
]


class TargetError(click.ClickException):
    """The target cannot be used (unreachable, token rejected): one line, exit code 2."""

    exit_code = 2


@dataclass(frozen=True)
class Opened:
    """An opened target and the requests the harness itself sent to it (the pre-flight's)."""

    target: Target
    harness_exchanges: list[HarnessExchange] = field(default_factory=list)


def _quiet_http_logs() -> None:
    # the embedded server's logging setup would otherwise print one INFO line per request
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def embedded_server(config: ServerConfig, app: Litestar | None = None) -> EmbeddedServer:
    """``EmbeddedServer(config, app)`` with ``TCP_NODELAY`` on its listening socket.

    The embedded server binds ``socket.socket()`` (protocol 0), and asyncio sets ``TCP_NODELAY``
    only on accepted sockets whose protocol is ``IPPROTO_TCP``; without it every request waits
    ~40 ms for a delayed ACK (Nagle). Accepted sockets inherit the option from the listener.
    """
    server = EmbeddedServer(config, app)
    listener: socket.socket = server._sock
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return server


def _url(option: str, url: str) -> str:
    try:
        return checked_url(url, "the URL")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def given_target(
    base_url: str | None,
    token: str | None,
    transport: Transport,
    observer_url: str | None = None,
    observer_token: str | None = None,
) -> Target | None:
    """The target the options name, or None for the embedded server; option mistakes exit 2."""
    if not base_url:
        if observer_url:
            raise click.UsageError("--observer-url needs --base-url (the embedded server has its own)")
        return None
    if not token:
        raise click.UsageError("--token (or SCIM_TOKEN) is required with --base-url")
    if observer_url and not observer_token:
        raise click.UsageError("--observer-token (or SCIM_OBSERVER_TOKEN) is required with --observer-url")
    return Target(
        base_url=_url("--base-url", base_url),
        token=token,
        observer_url=_url("--observer-url", observer_url) if observer_url else None,
        observer_token=observer_token if observer_url else None,
        transport=transport,
    )


@contextmanager
def open_target(given: Target | None, rotation_delay: float | None = None) -> Iterator[Opened]:
    """The target to use, checked; the embedded server runs for the duration of the ``with``.

    ``rotation_delay`` sets the embedded server's (the feature suite waits for rotations).
    """
    _quiet_http_logs()
    if given is not None:
        try:
            exchanges = preflight(given)
        except TargetUnusable as exc:
            raise TargetError(str(exc)) from None
        yield Opened(given, exchanges)
        return
    with tempfile.TemporaryDirectory(prefix="scim-harness-") as folder:
        config = ServerConfig(db_path=str(Path(folder) / "scim.db"), token=new_token())
        if rotation_delay is not None:
            config = replace(config, rotation_delay=rotation_delay)
        try:
            server = embedded_server(config).start()
        except (RuntimeError, OSError) as exc:
            raise TargetError(f"the embedded reference server did not start: {exc}") from None
        try:
            yield Opened(
                Target(
                    server.base_url,
                    config.token,
                    server.observer_url,
                    config.observer_token,
                    embedded=True,
                )
            )
        finally:
            server.stop()


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


def prepare_report_dir(path: Path) -> Path:
    """Create the report folder now, so a bad path fails before the run, not after it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.UsageError(f"cannot create the report folder {str(path)!r}: {exc.strerror}") from None
    return path


def write_text(path: Path, text: str, target: Target) -> None:
    """Write ``text`` with the target's secrets removed (a second guard: reports never carry tokens)."""
    try:
        path.write_text(Redactor.of(target.secrets).text(text), encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"cannot write {str(path)!r}: {exc.strerror}") from None
