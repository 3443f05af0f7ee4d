"""The description of a target: where its SCIM API and observer are, their tokens, and how to connect.

One value, :class:`Target`, goes to everything that talks to a SCIM server — the feature suite, the
simulator, the pre-flight, the report writers (which show :attr:`Target.label`, never a token). It
carries a :class:`Transport` (per-request timeout and TLS verification) from ``--timeout``,
``--ca-bundle`` and ``--insecure``. Tokens never show in a ``repr``, and :meth:`Target.environment`
hands a target to a child process through its environment, never its command line.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

from scim_client.redaction import Redactor

DEFAULT_TIMEOUT = 30.0
INSECURE_WARNING = "warning: --insecure: TLS certificates are not verified; use it only for a staging server"
_TRUE = frozenset({"1", "true", "yes", "on"})


def env_flag(value: str | None) -> bool:
    """``SCIM_INSECURE=1`` (or true, yes, on) as a boolean."""
    return (value or "").strip().lower() in _TRUE


def checked_url(url: str, what: str = "the base URL") -> str:
    """``url`` without a trailing ``/``; ValueError (naming ``what``) unless it is an http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} must be an http:// or https:// URL, not {url!r}")
    return url.strip().rstrip("/")


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


@dataclass(frozen=True, slots=True)
class Transport:
    """Timeout (seconds, for connect and each read and write) and TLS verification of a target.

    TLS certificates are verified by default against the system's bundle; ``ca_bundle`` trusts a
    private CA instead (a staging server), and only an explicit ``insecure`` turns verification off.
    """

    timeout: float = DEFAULT_TIMEOUT
    ca_bundle: str | None = None
    insecure: bool = False

    def verify(self) -> ssl.SSLContext | bool:
        """httpx's ``verify``: False with ``insecure``, a context trusting ``ca_bundle``, else one
        verifying against the system's CAs.

        Raises ``OSError`` or ``ssl.SSLError`` for an unreadable or invalid bundle.
        """
        if self.insecure:
            return False
        return _context(self.ca_bundle)

    def client(self) -> httpx.Client:
        """A blocking client with this timeout and TLS. Redirects are never followed: the bearer
        token would go with the request wherever ``Location`` points."""
        return httpx.Client(timeout=self.timeout, verify=self.verify(), follow_redirects=False)

    def environment(self) -> dict[str, str]:
        """``SCIM_TIMEOUT``, ``SCIM_CA_BUNDLE``, ``SCIM_INSECURE`` for a child process."""
        return {
            "SCIM_TIMEOUT": repr(self.timeout),
            "SCIM_CA_BUNDLE": self.ca_bundle or "",
            "SCIM_INSECURE": "1" if self.insecure else "",
        }

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Transport:
        """The transport a parent process handed over with :meth:`environment` (defaults otherwise)."""
        timeout = env.get("SCIM_TIMEOUT") or ""
        try:
            seconds = float(timeout) if timeout else DEFAULT_TIMEOUT
        except ValueError:
            raise ValueError(f"SCIM_TIMEOUT must be a number of seconds, not {timeout!r}") from None
        if seconds <= 0:
            raise ValueError(f"SCIM_TIMEOUT must be more than 0 seconds, not {timeout!r}")
        return cls(seconds, env.get("SCIM_CA_BUNDLE") or None, env_flag(env.get("SCIM_INSECURE")))


@functools.lru_cache(maxsize=8)
def _context(ca_bundle: str | None) -> ssl.SSLContext:
    """One verifying context per CA choice, shared by every client.

    Building one loads the whole CA store (~50 ms); a client per scenario would pay that each time.
    """
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    return httpx.create_ssl_context()


@dataclass(frozen=True, slots=True)
class Target:
    """A SCIM API (and optionally its observer), the bearer tokens, and how to connect to them."""

    base_url: str
    token: str = field(repr=False)
    observer_url: str | None = None
    observer_token: str | None = field(default=None, repr=False)
    transport: Transport = field(default_factory=Transport)
    embedded: bool = False
    """The reference server this run started for itself (reports say so instead of a URL)."""

    def __repr__(self) -> str:
        # tokens are left out, and any copy of one in a URL is masked (a token pasted in a path)
        shown = Redactor.of(self.secrets)
        return (
            f"Target(base_url={shown.text(self.base_url)!r}, "
            f"observer_url={shown.text(self.observer_url) if self.observer_url else None!r}, "
            f"transport={self.transport!r}, embedded={self.embedded!r})"
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential of this target: what redaction removes from all output."""
        return tuple(s for s in (self.token, self.observer_token) if s)

    @property
    def has_observer(self) -> bool:
        return bool(self.observer_url and self.observer_token)

    @property
    def label(self) -> str:
        """How reports name the target: never a token, never credentials in the URL."""
        return "embedded reference server" if self.embedded else public_url(self.base_url)

    def url(self, path: str) -> str:
        """``path`` (``/Users``) appended to the base URL as is."""
        return self.base_url.rstrip("/") + path

    def environment(self) -> dict[str, str]:
        """The target for a child process (``SCIM_BASE_URL``, ``SCIM_TOKEN``, the observer's and the
        transport's variables): the environment, because a command line shows in process listings."""
        observer = self.has_observer
        env = {
            "SCIM_BASE_URL": self.base_url,
            "SCIM_TOKEN": self.token,
            "SCIM_OBSERVER_URL": (self.observer_url or "") if observer else "",
            "SCIM_OBSERVER_TOKEN": (self.observer_token or "") if observer else "",
        }
        env.update(self.transport.environment())
        return env
