"""Problems: what breaks provisioning, each with the exchange that shows it, in a capped log.

A problem carries the lifecycle event, the OneLogin user, a message a vendor can act on, the JSON
Pointer into the response when a schema rule failed, and the *redacted* exchange (request and
response; large bodies cut). The log keeps the first :data:`DEFAULT_CAP` problems and counts the
rest by kind, so a broken server answering 100,000 requests wrongly does not fill the memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from simulator.wire import Exchange

DEFAULT_CAP = 1000
BODY_CAP = 16_384
"""Characters of a request or response body kept in a problem's exchange."""


def exchange_record(exchange: Exchange, body_cap: int = BODY_CAP) -> dict[str, Any]:
    """The redacted record of ``exchange`` with bodies longer than ``body_cap`` cut."""
    record = exchange.record()
    for part in ("request", "response"):
        body = record[part].get("body")
        if isinstance(body, str) and len(body) > body_cap:
            record[part]["body"] = body[:body_cap] + f"… [{len(body) - body_cap} more characters]"
    return record


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing OneLogin (or the app behind it) would trip over."""

    kind: str
    """``status``, ``transport``, ``schema``, ``onelogin``, ``header``, ``event``, ``reconcile``."""
    message: str
    event: str = ""
    user_id: int | None = None
    pointer: str | None = None
    """JSON Pointer (RFC 6901) into the response body, for schema findings."""
    exchange: dict[str, Any] | None = None
    """The redacted exchange (see :func:`exchange_record`)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message, "event": self.event}
        if self.user_id is not None:
            out["userId"] = self.user_id
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.exchange is not None:
            out["exchange"] = self.exchange
        return out

    def __str__(self) -> str:
        where = f" at {self.pointer}" if self.pointer else ""
        return f"[{self.kind}] {self.event or '-'}: {self.message}{where}"


@dataclass(slots=True)
class Problems:
    """The first ``cap`` problems in full; every problem counted by kind."""

    cap: int = DEFAULT_CAP
    items: list[Problem] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def omitted(self) -> int:
        return self.total - len(self.items)

    def add(self, problem: Problem) -> None:
        """Count ``problem``; keep it while fewer than ``cap`` are kept."""
        self.by_kind[problem.kind] += 1
        if len(self.items) < self.cap:
            self.items.append(problem)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.total,
            "byKind": dict(sorted(self.by_kind.items())),
            "omitted": self.omitted,
            "items": [p.to_json() for p in self.items],
        }
