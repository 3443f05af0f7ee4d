"""Problems grouped by cause: one fix on the server usually clears many problems at once.

A server that refuses OneLogin's legacy schema URN answers every ``POST /Users`` with the same 400;
listed one by one that is 66 rows saying the same thing. A :class:`Cause` is what those problems
share — the check that failed (and its basis), the operation, the method and path (ids taken out),
the status, the SCIM ``scimType``, and the message with its particulars (quoted values, ids,
emails, numbers) generalised — so ``simulation.json`` can say "66 × POST /Users → 400 invalidValue"
once, with the count, the events it hit and one example exchange.

Memory stays bounded: at most :data:`MAX_CAUSES` distinct causes are kept; problems past that are
counted under one catch-all cause.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # problems.py builds its log on this module
    from simulator.problems import Problem

MAX_CAUSES = 500
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_EMAIL = re.compile(r"[^\s'\"(),;<>]+@[^\s'\"(),;<>]+")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_ID_SEGMENT = re.compile(r"/[^/?]+")
_NUMBER = re.compile(r"(?<![\w.:])\d+(?![\w.])")  # not a version (``core:2.0``) nor part of a word
_STATUS = re.compile(r"^[1-5]\d\d$")


def generalised(text: str) -> str:
    """``text`` with what varies from one problem to the next replaced: ``'…'``, ``<email>``,
    ``<id>``, ``#`` (HTTP statuses are kept: they are part of the cause)."""
    text = _UUID.sub("<id>", text)
    text = _EMAIL.sub("<email>", text)
    text = _QUOTED.sub(lambda m: m.group(0)[0] + "…" + m.group(0)[0], text)
    return _NUMBER.sub(lambda m: m.group(0) if _STATUS.match(m.group(0)) else "#", text)


def path_pattern(target: str) -> str:
    """``/Users/2819c223?`` → ``/Users/{id}``: the resource type stays, the id and query go."""
    path = target.split("?", 1)[0]
    segments = _ID_SEGMENT.findall(path)
    return "".join(segments[:1]) + ("/{id}" if len(segments) > 1 else "")


def _error_fields(body: Any) -> tuple[str | None, str | None]:
    """``scimType`` and ``detail`` of an RFC 7644 §3.12 Error body (None when absent)."""
    try:
        parsed = json.loads(body) if isinstance(body, str) and body.strip() else None
    except ValueError:
        return None, None
    if not isinstance(parsed, dict):
        return None, None
    scim_type, detail = parsed.get("scimType"), parsed.get("detail")
    return (
        scim_type if isinstance(scim_type, str) else None,
        detail if isinstance(detail, str) else None,
    )


@dataclass(frozen=True, slots=True)
class Cause:
    """What a group of problems has in common."""

    check: str
    basis: str
    operation: str | None
    request: str | None
    """``POST /Users``, ``PUT /Users/{id}``; None when no request is in question."""
    status: int | None
    scim_type: str | None
    detail: str | None
    """The SCIM Error's ``detail``, generalised."""
    message: str
    """The problem's message, generalised (the request in it left out: it is :attr:`request`)."""
    pointer: str | None

    @property
    def title(self) -> str:
        """One line: ``POST /Users → 400 invalidValue: <message>``."""
        answer = ""
        if self.status is not None:
            answer = f" → {self.status or 'no answer'}" + (f" {self.scim_type}" if self.scim_type else "")
        where = f" at {self.pointer}" if self.pointer else ""
        head = f"{self.request}{answer}: " if self.request else ""
        return f"{head}{self.message}{where}"

    @classmethod
    def of(cls, problem: Problem) -> Cause:
        """The cause of ``problem``, read from its check, message and (redacted) exchange."""
        exchange = problem.exchange or {}
        request, response = exchange.get("request") or {}, exchange.get("response") or {}
        method, target = request.get("method"), request.get("target")
        sent = f"{method} {target}" if method and target else None
        status = response.get("status") if isinstance(response.get("status"), int) else None
        scim_type, detail = _error_fields(response.get("body")) if status and status >= 400 else (None, None)
        message = problem.message.replace(sent, "").strip(" :;") if sent else problem.message
        pointer = _NUMBER.sub("#", problem.pointer) if problem.pointer else None
        reconciled = problem.kind == "reconcile"  # its exchange is the listing, not the cause
        return cls(
            problem.check or problem.kind,
            problem.basis,
            None if reconciled else exchange.get("operation"),
            None if reconciled or not sent else f"{method} {path_pattern(str(target))}",
            None if reconciled else status,
            scim_type,
            generalised(detail) if detail else None,
            generalised(message),
            pointer,
        )


OTHER = Cause("other", "", None, None, None, None, None, f"more than {MAX_CAUSES} other causes", None)
"""Where problems go once :data:`MAX_CAUSES` distinct causes are kept."""


@dataclass(slots=True)
class Group:
    """The problems of one cause: how many, which events, and the first one (with its exchange)."""

    cause: Cause
    example: Problem
    count: int = 0
    events: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        c = self.cause
        return {
            "cause": c.title,
            "check": c.check,
            "basis": c.basis,
            "operation": c.operation,
            "request": c.request,
            "status": c.status,
            "scimType": c.scim_type,
            "detail": c.detail,
            "count": self.count,
            "events": dict(self.events.most_common()),
            "example": self.example.to_json(),
        }


@dataclass(slots=True)
class Causes:
    """Problems counted by cause, most frequent first in :meth:`to_json`."""

    limit: int = MAX_CAUSES
    groups: dict[Cause, Group] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        cause = Cause.of(problem)
        group = self.groups.get(cause)
        if group is None:
            if len(self.groups) >= self.limit:
                cause = OTHER
                group = self.groups.get(OTHER)
            if group is None:
                group = self.groups[cause] = Group(cause, problem)
        group.count += 1
        group.events[problem.event or "-"] += 1

    def __len__(self) -> int:
        return len(self.groups)

    def ranked(self) -> list[Group]:
        """The groups, most problems first (ties: first seen first)."""
        return sorted(self.groups.values(), key=lambda g: -g.count)

    def to_json(self) -> list[dict[str, Any]]:
        return [g.to_json() for g in self.ranked()]
