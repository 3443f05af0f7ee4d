"""``scim-harness serve``: run the reference server under uvicorn."""

from __future__ import annotations

import errno
import gc
import os
import socket
import sqlite3

import click
import uvicorn

from reference_server import BASE_PATH, OBSERVER_PATH, OneWriteProtocol, ServerConfig, build_server, new_token


def _check_port(host: str, port: int) -> None:
    """Fail early, with one line, when the address cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise click.UsageError(f"cannot resolve --host {host!r}: {exc.strerror}") from None
    family, *_, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "address already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise click.UsageError(
                f"cannot listen on {host}:{port}: {reason}; choose another --port"
            ) from None


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--token", envvar="SCIM_TOKEN", help="SCIM bearer token (or SCIM_TOKEN); generated when absent."
)
@click.option(
    "--observer-token",
    envvar="SCIM_OBSERVER_TOKEN",
    help="Observer API bearer token (or SCIM_OBSERVER_TOKEN); generated when absent.",
)
@click.option("--db", "db_path", default="reference.db", show_default=True, help="SQLite file (or :memory:).")
@click.option(
    "--rotation-delay",
    default=0.2,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds before a scheduled password rotation is completed.",
)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def serve(
    host: str,
    port: int,
    token: str | None,
    observer_token: str | None,
    db_path: str,
    rotation_delay: float,
    log_level: str,
) -> None:
    """Run the reference SCIM server (Litestar + SQLite)."""
    _check_port(host, port)
    config = ServerConfig(
        db_path=db_path,
        token=token or new_token(),
        observer_token=observer_token or new_token(),
        rotation_delay=rotation_delay,
    )
    try:
        app = build_server(config)
    except (sqlite3.Error, OSError) as exc:
        raise click.UsageError(f"cannot open the database {db_path!r}: {exc}") from None
    shown = "localhost" if host in ("0.0.0.0", "::") else host  # noqa: S104 - only for display
    base = f"http://{shown}:{port}"
    click.echo(f"SCIM base URL:     {base}{BASE_PATH}")
    click.echo(f"Observer base URL: {base}{OBSERVER_PATH}")
    # A token the user gave is never echoed; a generated one is shown once so it can be used.
    if not token:
        click.echo(f"SCIM token (generated, shown once): {config.token}")
    if not observer_token:
        click.echo(f"Observer token (generated, shown once): {config.observer_token}")
    click.echo(f"Database: {os.path.abspath(db_path) if db_path != ':memory:' else ':memory:'}", nl=True)
    # Everything loaded so far (modules, schemas, the app) lives as long as the process: out of
    # the collector's reach, the full collections that requests' garbage sets off no longer walk
    # it (issue 17: about 5% of the server's CPU on the user lifecycle).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        http=OneWriteProtocol,  # each response in one socket write (reference_server/protocol.py)
    )
