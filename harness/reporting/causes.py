"""Failures grouped by cause, so that one fix maps to every scenario it repairs.

Each failed (or errored) scenario gets a **cause**: in order of preference,

1. what the steps said (``scim_failure``, see :mod:`harness.collect`): the request, status,
   ``scimType``, ``detail`` pattern and expectation, with its basis;
2. the HTTP signature (:mod:`harness.reporting.signature`) of the exchange that broke it: the
   first exchange of the wire that the failure message names (``POST /Users answered 400``) —
   steps often probe further after a failure, so the last exchange is not always the one —
   else the last exchange with a status the message names (``could not create it: 200``),
   else the last exchange when it got an error status or no answer;
3. the failing step's text (quoted values generalised), with the signature of the last exchange
   when there was one; or, for a set-up or tear-down error, the error's first line.

and a **basis**: the checklist rows (``@req_…`` tags, :mod:`schemas.checklist`) or IdP facts
(``@fact_…`` tags, :mod:`simulator.facts`) the scenario rests on. Failures with the same cause
form a group; groups holding a failure that sets the exit code come first, largest first. What a
scenario expected (``expected 201``) is shown when the whole group agrees on it, but is not part
of the key: the same answer breaks scenarios that expected different things.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from harness.reporting.signature import Signature, path_pattern, signature_of, text_pattern
from harness.reporting.verdicts import SCOPES, Scope
from schemas import requirement
from simulator import Fact, fact

if TYPE_CHECKING:
    from harness.reporting.model import RunResult, ScenarioResult

__all__ = ["Basis", "Cause", "CauseGroup", "basis_of", "cause_of", "cited_fact", "group_causes", "resolve"]

FACT_PREFIX = "fact:"
_QUOTED = re.compile(r'"[^"]*"')
_NAMED = re.compile(
    r"\b(?P<method>GET|POST|PUT|PATCH|DELETE)\s+(?P<path>/[^\s,;)\]]*)"
    r"(?:[^0-9\n]{0,24}?\b(?P<status>[1-5]\d\d)\b)?"
)
_STATUS = re.compile(r"(?<![\w.:/-])[1-5]\d\d(?![\w.:/-])")
_EXPECTED = re.compile(
    r"\b(?:expected|accepts)\s+(?:status\s+)?(?P<expected>[1-5]\d\d(?:\s+or\s+[1-5]\d\d)*)\b"
)


@dataclass(frozen=True)
class Basis:
    """What a failure rests on: a checklist row or an IdP fact."""

    id: str
    """``R-11`` or ``fact:onelogin_legacy_urns``."""
    label: str
    """Short: ``R-11, RFC 7643 §7`` or ``OneLogin fact onelogin_legacy_urns [seen]``."""
    text: str
    """In full: the row or the fact, with its source."""


def cited_fact(ref: object) -> Fact | None:
    """The IdP fact a basis reference ``fact:<id>`` cites (None for a checklist id or an unknown fact)."""
    text = str(ref)
    return fact(text.removeprefix(FACT_PREFIX)) if text.startswith(FACT_PREFIX) else None


def resolve(ref: str) -> Basis:
    """The basis for ``R-11``/``@req_R_11`` or ``fact:onelogin_legacy_urns``/``@fact_…``."""
    name = ref.lstrip("@")
    if name.startswith((FACT_PREFIX, "fact_")):
        fact_id = name.removeprefix(FACT_PREFIX).removeprefix("fact_")
        found = fact(fact_id)
        if found is not None:
            label = f"{found.idp_name} fact {found.id} [{found.certainty}]"
            return Basis(FACT_PREFIX + found.id, label, found.basis)
        return Basis(
            FACT_PREFIX + fact_id, FACT_PREFIX + fact_id, f"{FACT_PREFIX}{fact_id} (not a known fact)"
        )
    row = requirement(name)
    if row is not None:
        return Basis(row.id, f"{row.id}, {row.clause}", f"{row.basis}: {row.text}")
    return Basis(name, name, f"{name} (not in rfc-checklist.md)")


def basis_of(scenario: ScenarioResult) -> list[Basis]:
    """The failure's basis: the steps' own when they gave one, else the scenario's tags."""
    given = (scenario.failure or {}).get("basis")
    if isinstance(given, list) and given:
        return [resolve(str(ref)) for ref in given]
    facts = [resolve(FACT_PREFIX + f.id) for f in scenario.facts]
    return facts + [resolve(r) for r in scenario.requirements]


@dataclass(frozen=True)
class Cause:
    """Why one scenario failed, with run-specific values generalised."""

    key: str
    headline: str
    signature: Signature | None = None
    step: str | None = None


def _from_steps(failure: dict[str, Any]) -> Cause | None:
    request = str(failure.get("request") or "").strip()
    if not request:
        return None
    method, _, target = request.partition(" ")
    scim_type, detail, expected = failure.get("scimType"), failure.get("detail"), failure.get("expected")
    signature = Signature(
        method=method.upper(),
        path=path_pattern(target),
        status=str(failure.get("status", "?")),
        scim_type=str(scim_type) if scim_type else None,
        detail=text_pattern(str(detail)) if detail else None,
        expected=str(expected) if expected not in (None, "") else None,
    )
    return Cause(replace(signature, expected=None).text(), signature.text(), signature)


def _failing_step(scenario: ScenarioResult) -> str | None:
    step = next((s for s in scenario.steps if s.status == "failed"), None)
    # Only quoted values are generalised: a step's numbers (statuses, counts) are what it checks.
    return step.keyword + " " + _QUOTED.sub('"…"', step.name) if step is not None else None


def _path_only(pattern: str) -> str:
    return pattern.partition("?")[0].rstrip("/")


def _named(scenario: ScenarioResult) -> Signature | None:
    """The first exchange of the wire that the failure message names, as a signature."""
    message = scenario.message or ""
    signatures = [signature_of(exchange) for exchange in scenario.wire]
    tried: set[tuple[str, str, str | None]] = set()
    for match in _NAMED.finditer(message):
        said = _path_only(path_pattern(match["path"]))
        if (match["method"], said, match["status"]) in tried:
            continue  # a long message may name the same request many times; try it once
        tried.add((match["method"], said, match["status"]))
        for signature in signatures:
            if signature.method.upper() != match["method"]:
                continue
            if not _path_only(signature.path).endswith(said):
                continue
            if match["status"] and signature.status != match["status"]:
                continue
            expected = _EXPECTED.search(message[match.end() : match.end() + 80])
            return replace(signature, expected=expected["expected"] if expected else None)
    statuses = set(_STATUS.findall(message))
    return next((s for s in reversed(signatures) if s.status in statuses), None)


def cause_of(scenario: ScenarioResult) -> Cause:
    """The cause of a failed or errored scenario."""
    if scenario.failure:
        told = _from_steps(scenario.failure)
        if told is not None:
            return told
    named = _named(scenario)
    if named is not None:
        return Cause(replace(named, expected=None).text(), named.text(), named)
    last = signature_of(scenario.wire[-1]) if scenario.wire else None
    if last is not None and last.failed:
        return Cause(last.text(), last.text(), last)
    step = _failing_step(scenario) if scenario.status == "failed" else None
    if step is not None:
        headline = f"{step} — after {last.text()}" if last is not None else step
        return Cause(headline, headline, last, step)
    first_line = (
        (scenario.message or scenario.status).splitlines()[0] if scenario.message else scenario.status
    )
    headline = text_pattern(first_line)
    return Cause(headline, headline, last)


@dataclass
class CauseGroup:
    """Scenarios that failed for the same cause."""

    number: int
    cause: Cause
    scenarios: list[ScenarioResult] = field(default_factory=list)
    basis: list[tuple[Basis, int]] = field(default_factory=list)
    """Each basis with how many of the group's scenarios rest on it, most first."""

    @property
    def anchor(self) -> str:
        return f"cause-{self.number}"

    @property
    def scopes(self) -> list[Scope]:
        present = {s.scope for s in self.scenarios}
        return [s for s in SCOPES if s in present]

    def basis_text(self, limit: int | None = None) -> str:
        """``OneLogin fact onelogin_legacy_urns [seen]; R-01, RFC 7643 §3 (2 of 31)``, or a plain
        admission; at most ``limit`` entries, then how many more."""
        if not self.basis:
            return "no checklist id or IdP fact tagged"
        total = len(self.scenarios)
        shown = self.basis if limit is None else self.basis[:limit]
        text = "; ".join(b.label + ("" if n == total else f" ({n} of {total})") for b, n in shown)
        more = len(self.basis) - len(shown)
        return text + (f"; {more} more" if more else "")


def group_causes(run: RunResult) -> list[CauseGroup]:
    """The run's failures by cause: groups with a failure that sets the exit code first, then
    larger groups first, then in the order the run met them."""
    groups: dict[str, CauseGroup] = {}
    for scenario in run.scenarios:
        if not scenario.bad:
            continue
        cause = cause_of(scenario)
        group = groups.setdefault(cause.key, CauseGroup(0, cause))
        if cause.headline != group.cause.headline:
            # They disagree on what they expected: the group shows what they share.
            shared = replace(cause.signature, expected=None) if cause.signature else None
            group.cause = Cause(cause.key, cause.key, shared, cause.step)
        group.scenarios.append(scenario)
    ordered = sorted(
        groups.values(),
        key=lambda g: (not any(run.blocks(s) for s in g.scenarios), -len(g.scenarios)),
    )
    for number, group in enumerate(ordered, start=1):
        group.number = number
        group.scenarios.sort(key=lambda s: not run.blocks(s))
        tally: Counter[Basis] = Counter(b for s in group.scenarios for b in dict.fromkeys(basis_of(s)))
        group.basis = tally.most_common()
    return ordered
