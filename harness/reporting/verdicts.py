"""The verdicts of a ``check`` run: RFC 7643/7644 conformance, and compatibility with each IdP.

A scenario carrying an IdP's tag (``@onelogin``) belongs to that IdP's verdict; every other scenario
belongs to the RFC verdict. A scenario carrying several IdP tags belongs to the first of them in
:data:`IDPS`, so each scenario counts in exactly one verdict and the verdicts add up to the run.

Every verdict gates by the same rule (issue 13; design.md, "Reports and exit codes"): ``@must``
gates, ``@should`` gates only under ``--strict``, ``@may`` and untagged scenarios never do. Being
an IdP scenario gates nothing by itself: a scenario resting on an IdP fact known only as a
[guess] or [?] is ``@should``, because the server may be right and the guess wrong.

``check --gate`` picks the verdicts whose gating failures set the exit code: ``all`` (the
default), ``rfc``, or an IdP's tag. Adding an IdP is one line of :data:`simulator.facts.IDPS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simulator import IDPS

__all__ = [
    "ALL",
    "GATE_CHOICES",
    "IDPS",
    "RFC",
    "SCOPES",
    "Scope",
    "Verdict",
    "gate_label",
    "level_gates",
    "scope",
    "scope_of",
    "selected",
]


@dataclass(frozen=True)
class Scope:
    """What one verdict is about: ``rfc``, or an IdP by its tag."""

    id: str
    title: str
    """``RFC 7643/7644 conformance``, ``OneLogin compatibility``."""
    name: str
    """``RFC 7643/7644``, ``OneLogin``: the short form tables use."""

    @property
    def is_idp(self) -> bool:
        return self.id != RFC.id


RFC = Scope("rfc", "RFC 7643/7644 conformance", "RFC 7643/7644")
SCOPES: tuple[Scope, ...] = (RFC, *(Scope(tag, f"{name} compatibility", name) for tag, name in IDPS))
ALL = "all"
GATE_CHOICES: tuple[str, ...] = (ALL, *(s.id for s in SCOPES))
"""What ``--gate`` accepts."""


def scope(scope_id: str) -> Scope:
    """The scope named ``rfc`` or an IdP tag (``KeyError`` for anything else)."""
    for candidate in SCOPES:
        if candidate.id == scope_id:
            return candidate
    raise KeyError(scope_id)


def scope_of(tags: Iterable[str]) -> Scope:
    """The verdict a scenario with these tags (without ``@``) belongs to."""
    present = set(tags)
    return next((s for s in SCOPES if s.is_idp and s.id in present), RFC)


def level_gates(level: str, strict: bool) -> bool:
    """Whether a failure at this RFC 2119 level fails its verdict."""
    return level == "must" or (strict and level == "should")


def selected(gate: str, target: Scope) -> bool:
    """Whether ``--gate gate`` lets ``target``'s verdict set the exit code."""
    return gate in (ALL, target.id)


def gate_label(gate: str) -> str:
    """``--gate all`` → ``every verdict``; ``rfc`` → ``RFC 7643/7644 conformance``."""
    return "every verdict" if gate == ALL else scope(gate).title


@dataclass(frozen=True)
class Verdict:
    """One verdict of a run, with its counts."""

    scope: Scope
    selected: bool
    """``--gate`` lets it set the exit code."""
    counts: dict[str, int]
    failures: int
    """Failed or errored scenarios that fail this verdict (gating by level)."""
    warnings: int
    """Failed or errored scenarios that do not (``@should`` without ``--strict``, ``@may``, ...)."""

    @property
    def result(self) -> str:
        """``failed``, ``passed`` (perhaps with warnings) or ``untested`` (nothing of it ran)."""
        if self.failures:
            return "failed"
        if self.counts["total"] - self.counts["skipped"]:
            return "passed"
        return "untested"

    @property
    def words(self) -> str:
        """How people read the result: ``passed``, ``passed with 2 warnings``, ``not tested``."""
        if self.result == "failed":
            return "failed"
        if self.result == "untested":
            return "not tested"
        if self.warnings:
            return f"passed with {self.warnings} warning{'s' if self.warnings != 1 else ''}"
        return "passed"

    @property
    def icon(self) -> str:
        return {"failed": "❌", "passed": "⚠️" if self.warnings else "✅"}.get(self.result, "➖")
