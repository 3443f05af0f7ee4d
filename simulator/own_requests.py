"""The harness's own requests: reads it makes for itself, kept apart from OneLogin's traffic.

A run sends requests OneLogin would not: the pre-flight before it (can the target be reached, is
the token accepted?) and the reconciliation reads after it (the server's users and groups, page by
page). A vendor reading their access log must be able to tell them from OneLogin's, so each one is
recorded here — when it completed (UTC), what it asked, with the token redacted, what came back —
and ``simulation.json`` lists them under ``harnessRequests``, never among OneLogin's figures,
problems or recording. Whoever sends such a request hands its exchange to :meth:`OwnRequests.add`
(``simulate`` does for the reconciliation; the caller does for its pre-flight).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from scim_client import HarnessExchange
from simulator.wire import Exchange

Purpose = Literal["preflight", "reconcile"]
DEFAULT_CAP = 1000
"""Requests listed in full; past it they are only counted (a 100,000-user reconciliation reads
~200 pages, well below it)."""


@dataclass(slots=True)
class OwnRequests:
    """The harness's own requests of a run, in completion order (the first ``cap`` in full)."""

    cap: int = DEFAULT_CAP
    items: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0

    def add(self, purpose: Purpose, exchange: Exchange, at: datetime | None = None) -> None:
        """Record ``exchange`` (redacted here), completed at ``at`` (default: now)."""
        self.count += 1
        if len(self.items) >= self.cap:
            return
        request, response = exchange.redact().request, exchange.response
        when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds")
        self.items.append(
            {
                "purpose": purpose,
                "at": when.replace("+00:00", "Z"),
                "method": request.method,
                "target": request.target,
                "headers": [list(h) for h in request.headers],
                "attempt": exchange.attempt,
                "status": response.status,
                "error": response.error,
                "elapsedMs": round(response.elapsed * 1000, 3),
            }
        )

    def add_harness(self, exchange: HarnessExchange, purpose: Purpose = "preflight") -> None:
        """Record a request :mod:`scim_client` sent for the harness (the pre-flight; redacted there)."""
        self.count += 1
        if len(self.items) >= self.cap:
            return
        record = exchange.to_json()
        record.pop("url")
        self.items.append({"purpose": purpose, **record, "target": exchange.target, "attempt": 1})

    def __len__(self) -> int:
        return self.count

    def to_json(self) -> dict[str, Any]:
        return {
            "by": "scim-harness, not OneLogin",
            "count": self.count,
            "omitted": self.count - len(self.items),
            "items": list(self.items),
        }
