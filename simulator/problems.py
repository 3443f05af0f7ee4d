"""Problems: what breaks provisioning, each with the exchange that shows it, in a capped log.

A problem carries the lifecycle event, the OneLogin user, a message a vendor can act on, the check
that failed and its basis (the RFC clause or OneLogin fact), the JSON Pointer into the response
when a schema rule failed, and the *redacted* exchange (request and response; large bodies cut).
The log keeps the first :data:`DEFAULT_CAP` problems, counts every one by kind, and groups every
one by cause (:mod:`simulator.causes`), so a broken server answering 100,000 requests wrongly does
not fill the memory and its report says what to fix first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from simulator.causes import Causes
from simulator.wire import Exchange

Kind = Literal[
    "status", "transport", "schema", "onelogin", "header", "state", "event", "reconcile", "id", "results"
]
"""What sort of problem: a status OneLogin refuses, no answer, a body breaking its schema, a body
OneLogin cannot use, a wrong Content-Type, a write not reflected, an event that could not finish,
a directory mismatch found by reconciliation; ``id`` and ``results`` are replay differences."""

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

    kind: Kind
    message: str
    event: str = ""
    user_id: int | None = None
    pointer: str | None = None
    """JSON Pointer (RFC 6901) into the response body, for schema findings."""
    exchange: dict[str, Any] | None = None
    """The redacted exchange (see :func:`exchange_record`)."""
    check: str = ""
    """The rule that failed (``status``, ``schema:User``, ``reconcile:active``, …); ``kind`` if empty."""
    basis: str = ""
    """The RFC clause or OneLogin fact the rule rests on (:mod:`simulator.basis`)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message, "event": self.event}
        out["check"] = self.check or self.kind
        if self.basis:
            out["basis"] = self.basis
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
    """The first ``cap`` problems in full; every problem counted by kind and grouped by cause."""

    cap: int = DEFAULT_CAP
    items: list[Problem] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    causes: Causes = field(default_factory=Causes)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def omitted(self) -> int:
        return self.total - len(self.items)

    def add(self, problem: Problem) -> None:
        """Count ``problem``; keep it while fewer than ``cap`` are kept."""
        self.by_kind[problem.kind] += 1
        self.causes.add(problem)
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
            "causes": self.causes.to_json(),
            "omitted": self.omitted,
            "items": [p.to_json() for p in self.items],
        }
