"""The pre-flight: one request to a target (and one to its observer) before any traffic.

An unreachable target, a rejected token, a base URL that is not a SCIM API (a redirect, an HTML
page, an endless body) ends a run at once with one line a user can act on — instead of hundreds of
failed scenarios or thousands of failed events. The request is ``GET /ServiceProviderConfig``
(RFC 7644 §4), which every SCIM server serves and which changes nothing; the observer's is a read of
a user nobody has. Both are the harness's own requests, not an identity provider's: they are
returned as :class:`HarnessExchange` values so reports can list them apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from scim_client.failures import redirect_note
from scim_client.options import CLI_OPTIONS, OptionNames
from scim_client.redaction import Redactor
from scim_client.sending import Received, send
from scim_client.target import Target

PREFLIGHT_TIMEOUT = 10.0
"""At most this long per pre-flight request, whatever ``--timeout`` says: a user waits for it."""
OBSERVER_PROBE = "/users/scim-harness-preflight/grants"
USER_AGENT = "scim-harness (pre-flight; not an identity provider)"
"""So a vendor reading their access log can tell the harness's own request from an IdP's."""


class TargetUnusable(Exception):
    """The target cannot be used; the message is one line, without a token."""


@dataclass(frozen=True, slots=True)
class HarnessExchange:
    """A request the harness itself sent (the pre-flight), as a vendor's access log shows it."""

    purpose: str
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    """As sent, credentials masked."""
    status: int | None
    elapsed: float
    at: datetime
    """When the answer (or the failure) came, UTC."""
    failure: str | None = None

    @property
    def target(self) -> str:
        """Path and query as in an access log line: ``/scim/v2/ServiceProviderConfig``."""
        return _path(self.url)

    def to_json(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "at": self.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": self.method,
            "url": self.url,
            "headers": [list(h) for h in self.headers],
            "status": self.status,
            "elapsedMs": round(self.elapsed * 1000, 3),
            "error": self.failure,
        }


def _path(url: str) -> str:
    return httpx.URL(url).raw_path.decode("ascii", "replace")


def _get(
    client: httpx.Client, url: str, token: str, purpose: str, options: OptionNames, redactor: Redactor
) -> tuple[Received, HarnessExchange]:
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/scim+json",
        "User-Agent": USER_AGENT,
    }
    started = time.monotonic()
    received = send(client, httpx.Request("GET", url, headers=headers), options=options)
    status = received.response.status_code if received.response is not None else None
    exchange = HarnessExchange(
        purpose,
        "GET",
        redactor.text(url),
        redactor.headers(headers.items()),
        status,
        time.monotonic() - started,
        datetime.now(UTC),
        redactor.text(received.failure) if received.failure else None,
    )
    return received, exchange


def preflight(target: Target, options: OptionNames = CLI_OPTIONS) -> list[HarnessExchange]:
    """Check ``target`` (and its observer, when it has one); raise :class:`TargetUnusable` if unusable.

    Returns the exchanges sent, redacted, for the reports.
    """
    redactor = Redactor.of(target.secrets)
    what = f"the SCIM target {target.label}"
    url = target.url("/ServiceProviderConfig")
    shown = f"GET {_path(url)}"
    exchanges: list[HarnessExchange] = []
    transport = target.transport
    with httpx.Client(
        timeout=min(transport.timeout, PREFLIGHT_TIMEOUT), verify=transport.verify(), follow_redirects=False
    ) as client:
        received, exchange = _get(client, url, target.token, "pre-flight", options, redactor)
        exchanges.append(exchange)
        response = _answer(received, what, shown, redactor, f"is {options.base_url} the SCIM base URL?")
        if response.status_code in (401, 403):
            raise TargetUnusable(f"{what} rejected the token ({shown} answered {response.status_code})")
        if response.status_code == 200:
            try:
                response.json()
            except ValueError:
                kind = response.headers.get("content-type", "no content type")
                raise TargetUnusable(
                    f"{what} answered {shown} with {kind}, not JSON: is {options.base_url} the SCIM base URL?"
                ) from None
        if target.has_observer and target.observer_url and target.observer_token:
            exchanges.append(_observer(client, target, options, redactor))
    return exchanges


def _observer(
    client: httpx.Client, target: Target, options: OptionNames, redactor: Redactor
) -> HarnessExchange:
    observer = f"the observer {target.observer_url}"
    url = (target.observer_url or "").rstrip("/") + OBSERVER_PROBE
    received, exchange = _get(
        client, url, target.observer_token or "", "pre-flight (observer)", options, redactor
    )
    response = _answer(received, observer, f"GET {_path(url)}", redactor, f"is {options.observer_url} right?")
    if response.status_code in (401, 403):
        raise TargetUnusable(f"{observer} rejected the observer token ({response.status_code})")
    return exchange


def _answer(received: Received, what: str, shown: str, redactor: Redactor, hint: str) -> httpx.Response:
    """The response ``received`` holds, or :class:`TargetUnusable` saying why there is none to use:
    no answer, a body past the cap, or a redirect (``hint`` asks whether the URL given is right)."""
    response = received.response
    if response is None:
        raise TargetUnusable(redactor.text(f"cannot reach {what}: {received.failure}"))
    if received.failure:
        raise TargetUnusable(f"{what} answered {shown} with a {received.failure}")
    note = redirect_note(response)
    if note is not None:
        raise TargetUnusable(f"{what} {note} ({hint})")
    return response
