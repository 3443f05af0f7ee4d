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
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
import httpx
from litestar import Litestar

from reference_server.config import ServerConfig, new_token
from reference_server.embedded import EmbeddedServer
from simulator.preflight import preflight


class TargetError(click.ClickException):
    """The target cannot be used (unreachable, token rejected): one line, exit code 2."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Target:
    base_url: str
    token: str
    embedded: bool


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


async def _preflight(base_url: str, token: str) -> str | None:
    async with httpx.AsyncClient() as client:
        return await preflight(client, base_url, token)


@contextmanager
def open_target(base_url: str | None, token: str | None) -> Iterator[Target]:
    """The target to use, checked; the embedded server runs for the duration of the ``with``."""
    _quiet_http_logs()
    if base_url:
        url = _checked_url(base_url)
        if not token:
            raise click.UsageError("--token (or SCIM_TOKEN) is required with --base-url")
        problem = asyncio.run(_preflight(url, token))
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
