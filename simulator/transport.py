"""How the harness connects to a target: per-request timeout and TLS verification.

One value, :class:`Transport`, carries what ``--timeout``, ``--ca-bundle`` and ``--insecure`` (and
``SCIM_TIMEOUT``, ``SCIM_CA_BUNDLE``, ``SCIM_INSECURE``) say, to every HTTP client the harness builds:
the suite's, the simulator's and the pre-flights'. TLS certificates are verified by default against
the system's bundle; ``--ca-bundle`` trusts a private CA instead (a staging server), and only an
explicit ``--insecure`` turns verification off.
"""

from __future__ import annotations

import functools
import ssl
from dataclasses import dataclass

import httpx

DEFAULT_TIMEOUT = 30.0
INSECURE_WARNING = "warning: --insecure: TLS certificates are not verified; use it only for a staging server"
_TRUE = frozenset({"1", "true", "yes", "on"})


def env_flag(value: str | None) -> bool:
    """``SCIM_INSECURE=1`` (or true, yes, on) as a boolean."""
    return (value or "").strip().lower() in _TRUE


@dataclass(frozen=True, slots=True)
class Transport:
    """Timeout (seconds, for connect and each read and write) and TLS verification of a target."""

    timeout: float = DEFAULT_TIMEOUT
    ca_bundle: str | None = None
    insecure: bool = False

    def verify(self) -> ssl.SSLContext | bool:
        """httpx's ``verify``: False with ``insecure``, a context trusting ``ca_bundle``, else True.

        Raises ``OSError`` or ``ssl.SSLError`` for an unreadable or invalid bundle.
        """
        if self.insecure:
            return False
        return _context(self.ca_bundle)

    def httpx_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout)


@functools.lru_cache(maxsize=8)
def _context(ca_bundle: str | None) -> ssl.SSLContext:
    """One verifying context per CA choice, shared by every client.

    Building one loads the whole CA store (~50 ms); a client per scenario would pay that each time.
    """
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    return httpx.create_ssl_context()


def tls_reason(exc: BaseException) -> str | None:
    """The TLS failure behind ``exc`` in one line, with what to do about it; None if not TLS."""
    cause: BaseException | None = exc
    for _ in range(10):
        if cause is None:
            return None
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or "certificate verify failed"
            return (
                f"TLS certificate verification failed ({detail}); "
                "give the CA with --ca-bundle PATH, or --insecure for a staging server"
            )
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed ({cause.reason or type(cause).__name__})"
        cause = cause.__cause__ or cause.__context__
    return None
