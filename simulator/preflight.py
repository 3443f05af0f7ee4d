"""The pre-flight request: can the target be reached, and does it accept the token?

One request before any traffic — OneLogin's own connection test, ``GET /Users?filter=userName eq
"<random>"`` — so that an unreachable target or a rejected token ends a run at once with one line
a user can act on, instead of thousands of failed events. The token never appears in the message.
"""

from __future__ import annotations

import os
import re
import uuid
from urllib.parse import urlsplit, urlunsplit

import httpx

from simulator.profile import ONELOGIN, Profile
from simulator.transport import tls_reason
from simulator.wire import ResponseTooLarge, WireRequest, aread_capped, redirect_note

_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")


def public_url(url: str) -> str:
    """``url`` without credentials in it (``https://user:secret@host`` → ``https://host``), for display."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _reason(exc: httpx.HTTPError) -> str:
    """``connection refused``, ``timed out``, ``name or service not known``: the root cause, briefly."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    tls = tls_reason(exc)
    if tls is not None:
        return tls
    cause: BaseException | None = exc
    for _ in range(10):  # the OS error sits a few causes down (httpx ← httpcore ← anyio ← OSError)
        if cause is None:
            break
        code = getattr(cause, "errno", None)
        if isinstance(code, int) and code > 0:
            return os.strerror(code).lower()
        cause = cause.__cause__ or cause.__context__
    return _ERRNO.sub("", str(exc)).strip().lower() or type(exc).__name__


async def preflight(
    client: httpx.AsyncClient, base_url: str, token: str, profile: Profile = ONELOGIN
) -> str | None:
    """None when the target answers with the token accepted, else the one-line reason it cannot be used."""
    query = profile.filter_query("userName", f"preflight-{uuid.uuid4()}@example.com")
    headers = (("Authorization", f"Bearer {token}"),)
    request = WireRequest("GET", "/Users", query, headers, None, "preflight", None, "connection_test")
    try:
        response = await client.send(request.to_httpx(base_url, profile.timeouts.as_dict()), stream=True)
        await aread_capped(response)
    except ResponseTooLarge as exc:
        return f"{public_url(base_url)} answered the connection test with a {exc}"
    except httpx.HTTPError as exc:
        return f"cannot reach {public_url(base_url)} : {_reason(exc)}"
    if response.status_code in (401, 403):
        return f"the target rejected the token ({response.status_code})"
    note = redirect_note(response)
    if note is not None:
        return f"{public_url(base_url)} {note.removeprefix('redirect: ')} (is --base-url right?)"
    return None
