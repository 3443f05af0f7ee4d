"""The target of ``check``: the embedded reference server, or a given one checked before the run.

``harness.target`` chooses targets for ``simulate``; ``check`` also needs the observer (its URL
and token, given or the embedded server's), hence this module. The embedded server is started
**once** here and handed to every worker as an ordinary target,
so parallel workers share one server. A given target is pre-flighted: an unreachable server or a
rejected token ends the run with exit code 2 and one line saying which, before any scenario runs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import click
import httpx

from harness.reporting.model import Target
from harness.suite import SuiteTarget
from harness.target import TargetError, embedded_server
from simulator.transport import Transport, tls_reason
from simulator.wire import ResponseTooLarge, read_capped, redirect_note

PREFLIGHT_TIMEOUT = 10.0
__all__ = ["TargetError", "given_target", "open_target", "preflight"]


def _check_url(option: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint=option)
    return url.rstrip("/")


def _reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within the timeout ({type(exc).__name__})"
    tls = tls_reason(exc)
    if tls is not None:
        return tls
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}" + (f" ({detail})" if detail else "")


def _get(url: str, token: str, transport: Transport, what: str) -> httpx.Response:
    """One GET with the run's timeout and TLS settings, its body capped; failures are one line."""
    timeout = min(transport.timeout, PREFLIGHT_TIMEOUT)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/scim+json"}
    try:
        with httpx.Client(timeout=timeout, verify=transport.verify(), follow_redirects=False) as client:
            response = client.send(client.build_request("GET", url, headers=headers), stream=True)
            read_capped(response)
    except ResponseTooLarge as exc:
        raise TargetError(f"{what} answered GET {url} with a {exc}") from None
    except httpx.HTTPError as exc:
        raise TargetError(f"cannot reach {what}: {_reason(exc)}") from None
    note = redirect_note(response)
    if note is not None:
        raise TargetError(f"{what} {note.removeprefix('redirect: ')} (is the URL right?)")
    return response


def preflight(target: SuiteTarget, transport: Transport | None = None) -> None:
    """One request each to the SCIM API and the observer, to fail early and clearly."""
    transport = transport or Transport()
    what = f"the SCIM target {target.base_url}"
    response = _get(target.base_url + "/ServiceProviderConfig", target.token, transport, what)
    if response.status_code in (401, 403):
        raise TargetError(
            f"the SCIM target {target.base_url} rejected the token "
            f"(GET /ServiceProviderConfig answered {response.status_code})"
        )
    if response.status_code == 200:
        try:
            response.json()
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            raise TargetError(
                f"{what} answered GET /ServiceProviderConfig with {kind}, not JSON: "
                "is --base-url the SCIM base URL?"
            ) from None
    if target.observer_url and target.observer_token:
        response = _get(
            target.observer_url + "/users/scim-harness-preflight/grants",
            target.observer_token,
            transport,
            f"the observer {target.observer_url}",
        )
        if response.status_code in (401, 403):
            raise TargetError(
                f"the observer {target.observer_url} rejected the observer token ({response.status_code})"
            )


def given_target(
    base_url: str | None, token: str | None, observer_url: str | None, observer_token: str | None
) -> SuiteTarget | None:
    """The target the options name, or None for the embedded server; option mistakes exit 2."""
    if not base_url:
        if observer_url:
            raise click.UsageError("--observer-url needs --base-url (the embedded server has its own)")
        return None
    if not token:
        raise click.UsageError("--token (or SCIM_TOKEN) is required with --base-url")
    if observer_url and not observer_token:
        raise click.UsageError("--observer-token (or SCIM_OBSERVER_TOKEN) is required with --observer-url")
    return SuiteTarget(
        base_url=_check_url("--base-url", base_url),
        token=token,
        observer_url=_check_url("--observer-url", observer_url) if observer_url else None,
        observer_token=observer_token if observer_url else None,
    )


@contextmanager
def open_target(
    given: SuiteTarget | None, transport: Transport | None = None
) -> Iterator[tuple[SuiteTarget, Target]]:
    """The target for the workers and its description for the reports (no token in it)."""
    if given is not None:
        preflight(given, transport)
        yield given, Target(given.base_url, embedded=False, observer_url=given.observer_url)
        return
    from reference_server.config import ServerConfig

    with tempfile.TemporaryDirectory(prefix="scim-check-") as tmp:
        config = ServerConfig(db_path=str(Path(tmp) / "reference.db"), rotation_delay=0.05)
        try:
            server = embedded_server(config).start()
        except (RuntimeError, OSError) as exc:
            raise TargetError(f"the embedded reference server did not start: {exc}") from None
        try:
            target = SuiteTarget(server.base_url, config.token, server.observer_url, config.observer_token)
            yield target, Target(server.base_url, embedded=True, observer_url=server.observer_url)
        finally:
            server.stop()
