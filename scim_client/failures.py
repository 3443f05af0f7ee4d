"""The wording of everything that can go wrong between the harness and a target, in one line each.

A vendor reads these in a failed scenario, a simulator problem or the one line that stops a run, so
the same failure reads the same everywhere: what happened (no answer within the timeout, connection
refused, closed mid-response, a TLS failure and what to do about it, a redirect that is not
followed) and never a token or a traceback.
"""

from __future__ import annotations

import os
import re
import ssl

import httpx

from scim_client.options import CLI_OPTIONS, OptionNames

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")


def tls_reason(exc: BaseException, options: OptionNames = CLI_OPTIONS) -> str | None:
    """The TLS failure behind ``exc`` in one line, with what to do about it; None if not TLS."""
    cause: BaseException | None = exc
    for _ in range(10):
        if cause is None:
            return None
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or "certificate verify failed"
            return (
                f"TLS certificate verification failed ({detail}); "
                f"give the CA with {options.ca_bundle} PATH, or {options.insecure} for a staging server"
            )
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed ({cause.reason or type(cause).__name__})"
        cause = cause.__cause__ or cause.__context__
    return None


def _os_reason(exc: BaseException) -> str | None:
    """``connection refused``, ``name or service not known``: the OS error a few causes down."""
    cause: BaseException | None = exc
    for _ in range(10):  # httpx ← httpcore ← anyio ← OSError
        if cause is None:
            return None
        code = getattr(cause, "errno", None)
        if isinstance(code, int) and code > 0:
            return os.strerror(code).lower()
        cause = cause.__cause__ or cause.__context__
    return None


def no_answer(exc: httpx.HTTPError, timeout: float | None = None, options: OptionNames = CLI_OPTIONS) -> str:
    """Why no complete answer came, in words: timed out, refused, closed mid-response, TLS."""
    name = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        within = f"the {timeout:g} s timeout" if timeout is not None else "the timeout"
        return f"no answer within {within} ({name})"
    tls = tls_reason(exc, options)
    if tls is not None:
        return tls
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the target closed the connection before the response was complete ({name})"
    reason = _os_reason(exc)
    if isinstance(exc, httpx.ConnectError):
        # "connection refused", "name or service not known": the cause, as the OS words it
        return reason or _ERRNO.sub("", str(exc)).strip().lower() or name
    return f"no answer from the target ({name}{': ' + reason if reason else ''})"


def is_timeout(exc: httpx.HTTPError) -> bool:
    return isinstance(exc, httpx.TimeoutException)


def redirect_note(response: httpx.Response) -> str | None:
    """For a 3xx redirect: why the exchange fails, naming where it pointed; None otherwise.

    Redirects are never followed: the bearer token would go with the request to wherever the
    ``Location`` points, and a SCIM endpoint has no reason to redirect.
    """
    if response.status_code not in _REDIRECTS:
        return None
    return f"answered {response.status_code} to {_location(response)}; redirects are not followed"


def _location(response: httpx.Response) -> str:
    location = response.headers.get("location", "")
    try:
        where = response.request.url.join(location) if location else None
    except (httpx.InvalidURL, ValueError):
        return repr(location)
    return f"{where.scheme}://{where.netloc.decode('ascii', 'replace')}" if where else "no Location"


def redirected_elsewhere(response: httpx.Response) -> str | None:
    """Where a redirect points when that is another origin (scheme, host, port); None otherwise.

    A same-origin redirect is the scenario's business (``/Me`` may answer 308, RFC 7644 §3.11).
    """
    if response.status_code not in _REDIRECTS:
        return None
    here = response.request.url
    try:
        there = here.join(response.headers.get("location", ""))
    except (httpx.InvalidURL, ValueError):
        return _location(response)
    if (there.scheme, there.host, there.port) == (here.scheme, here.host, here.port):
        return None
    return f"{there.scheme}://{there.netloc.decode('ascii', 'replace')}"
