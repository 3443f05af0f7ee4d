"""Settings of one reference server instance."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

BASE_PATH = "/scim/v2"
OBSERVER_PATH = "/observer"


def new_token() -> str:
    """A fresh random bearer token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ServerConfig:
    """What the app needs to run; tokens are secrets and never printed by this module."""

    db_path: str = ":memory:"
    token: str = field(default_factory=new_token, repr=False)
    observer_token: str = field(default_factory=new_token, repr=False)
    max_body_bytes: int = 1_048_576
    """Request bodies above this size get 413 (RFC 7644 §3.12 Table 8)."""
    max_results: int = 1000
    """The most resources one query page returns (advertised as ``filter.maxResults``)."""
    default_count: int = 100
    """Page size when a query gives no ``count``."""
    max_filter_matches: int = 50_000
    """A filter matching more resources than this is refused with 400 ``tooMany`` (RFC 7644 Table 9)."""
    rotation_delay: float = 0.2
    """Seconds a scheduled password rotation waits before the worker completes it."""
