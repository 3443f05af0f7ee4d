"""Failures a vendor can act on: what broke, the exchange that shows it, and the rule it breaks.

Every failing step raises a :class:`Failure` (through :func:`check`, :func:`expect_status` or
directly). Its message is self-contained — the request as sent (method, the full path with the base
path, the query decoded), the status and the part of the answer that matters, what was expected,
and the **basis**: the checklist row and RFC clause, or the IdP fact with its certainty
([doc]/[seen]/[guess]/[?]). A step names the rule it enforces when it knows it; otherwise the basis
is the scenario's own ``@req_…`` and ``@fact_…`` tags. The same facts go to the reports as the
``scim_failure`` record (docs/reports.md), so failures are grouped by cause.

Schema checks of response bodies never speak first: :class:`~steps.wire.ScimClient` notes each
violation here, and it fails the scenario only after the scenario's own steps passed (the final
check of :func:`pytest_bdd_after_scenario`), or rides along as a note when they did not.

How a step module uses it (every module under ``steps/`` does; ``tests/steps/test_step_failures.py``
fails on a bare ``assert`` or ``AssertionError`` there):

1. Fail with ``check(condition, what, response=…, expected=…, basis=…)``, ``expect_status(response,
   200, basis=…)`` or ``raise Failure(…)`` — never ``assert``. ``assert isinstance(x, T)`` stays only
   to narrow a type right after a check that already failed otherwise.
2. ``what`` says in words what the scenario found, naming values (``the user's title is 'Boss',
   expected 'Engineer'``); a request is shown with :func:`sent` (the base path included), never as a
   Python object or class name.
3. ``response=`` whenever an exchange shows the failure: the message then shows it as sent and
   answered, and the report groups by its status and ``scimType``.
4. ``basis=Basis.rfc("M-06")`` when the step enforces one checklist row (its docstring quotes the
   clause), ``Basis.fact("onelogin_…")`` when it judges by an IdP fact; leave it out to cite the
   scenario's tags.
5. ``cause=`` when the step found out *why* (the filter alone works, the quirk the server refused):
   it is shown, and the basis follows the cause.
6. A filter the harness narrowed to the scenario's users is registered with :func:`note_filters`, so
   every later message shows the feature's filter and the one sent.
7. A mistake of the suite (a scenario naming a user it never introduced, a value no step knows,
   the harness not sending what a step says) is a :class:`SuiteError`: never a verdict on the server.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import httpx
import pytest

from schemas import requirement
from simulator import fact

__all__ = [
    "Basis",
    "Failure",
    "SchemaNote",
    "SuiteError",
    "answered",
    "check",
    "expect_status",
    "note_filters",
    "note_origin",
    "note_schema",
    "noted_filters",
    "origin_of",
    "sent",
]


@dataclass(frozen=True)
class Basis:
    """What a check rests on: checklist rows (``R-11``) and/or IdP facts (``onelogin_legacy_urns``)."""

    rows: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()

    @classmethod
    def rfc(cls, *rows: str) -> Basis:
        unknown = [r for r in rows if requirement(r) is None]
        if unknown:
            raise ValueError(f"not checklist rows: {unknown}")
        return cls(rows=rows)

    @classmethod
    def fact(cls, *ids: str) -> Basis:
        unknown = [i for i in ids if fact(i) is None]
        if unknown:
            raise ValueError(f"not IdP facts: {unknown}")
        return cls(facts=ids)

    @classmethod
    def of_tags(cls, tags: Iterable[str]) -> Basis:
        """The basis a scenario's tags name (``req_M_06``, ``fact_onelogin_legacy_urns``)."""
        rows = [r.id for r in (requirement(t) for t in tags if t.startswith("req_")) if r is not None]
        facts = [f.id for f in (fact(t) for t in tags if t.startswith("fact_")) if f is not None]
        return cls(tuple(dict.fromkeys(rows)), tuple(dict.fromkeys(facts)))

    def __bool__(self) -> bool:
        return bool(self.rows or self.facts)

    def __add__(self, other: Basis) -> Basis:
        return Basis(
            tuple(dict.fromkeys((*self.rows, *other.rows))), tuple(dict.fromkeys((*self.facts, *other.facts)))
        )

    @property
    def text(self) -> str:
        """``M-06 (RFC 7644 §3.5.2.2); OneLogin fact [seen]: … (source)``."""
        parts = [r.basis for r in map(requirement, self.rows) if r is not None]
        parts += [f.basis for f in map(fact, self.facts) if f is not None]
        return "; ".join(parts)

    @property
    def keys(self) -> list[str]:
        """For the reports' ``scim_failure`` record: ``["M-06", "fact:onelogin_legacy_urns"]``."""
        return [*self.rows, *(f"fact:{f}" for f in self.facts)]


@dataclass(frozen=True)
class SchemaNote:
    """A response body that breaks its JSON Schema, noted when it arrived."""

    request: str
    status: int
    problems: str
    basis: Basis
    response: httpx.Response | None = field(default=None, compare=False, repr=False)
    """The answer itself, so a failure on this note shows the exchange."""

    def line(self) -> str:
        return f"{self.request} answered {self.status} with a body that breaks the schema: {self.problems}"


@dataclass
class _Scenario:
    """What the failures of the running scenario share: its basis and the schema notes so far."""

    basis: Basis = field(default_factory=Basis)
    notes: list[SchemaNote] = field(default_factory=list)
    origins: dict[int, tuple[Any, httpx.Response]] = field(default_factory=dict)
    """A body the steps read (by ``id()``, kept alive here) → the answer it came from."""
    filters: tuple[str, str] | None = None
    """(the filter the feature wrote, the filter sent), when the scenario scoped one; the first is
    empty when the harness sent a filter of its own only (the scenario's users, for sorting or paging)."""


_CURRENT: contextvars.ContextVar[_Scenario] = contextvars.ContextVar("scim_scenario")


def _scenario() -> _Scenario:
    try:
        return _CURRENT.get()
    except LookupError:  # outside a scenario (a unit test of a step helper)
        here = _Scenario()
        _CURRENT.set(here)
        return here


def sent(message: httpx.Request | httpx.Response) -> str:
    """``GET /scim/v2/Users?filter=userName eq "ana"``: the request as sent, its query decoded."""
    request = message.request if isinstance(message, httpx.Response) else message
    path = request.url.path
    query = request.url.query.decode("ascii", "replace")
    return f"{request.method} {path}" + (f"?{unquote_plus(query)}" if query else "")


def answered(response: httpx.Response, limit: int = 600) -> str:
    """The status and the part of the answer that matters: an Error's ``scimType`` and ``detail``,
    else the body (shortened for the message; the report holds the whole exchange)."""
    status = str(response.status_code)
    try:
        body: Any = response.json()
    except ValueError:
        text = response.text.strip()
        return status + (f" with a body that is not JSON: {text[:limit]!r}" if text else " with no body")
    if isinstance(body, dict) and (body.get("scimType") or body.get("detail")):
        kind = f" {body['scimType']}" if body.get("scimType") else ""
        detail = f": {body['detail']}" if body.get("detail") else ""
        return f"{status}{kind}{detail}"
    if isinstance(body, dict) and isinstance(body.get("Resources"), list):
        # a list says what the step's own line names; its size is what matters here
        listed = body["Resources"]
        ids = ", ".join(str(r.get("id")) for r in listed[:10] if isinstance(r, dict))
        more = f" and {len(listed) - 10} more" if len(listed) > 10 else ""
        return f"{status} with a list: totalResults {body.get('totalResults')!r}, ids {ids or 'none'}{more}"
    text = response.text.strip()
    return f"{status} {text[:limit]}" + ("…" if len(text) > limit else "")


class Failure(AssertionError):
    """A failed check: what, the exchange that shows it, what was expected, and the basis."""

    def __init__(
        self,
        what: str,
        *,
        response: httpx.Response | None = None,
        expected: str | None = None,
        basis: Basis | None = None,
        notes: list[SchemaNote] | None = None,
        cause: str | None = None,
    ) -> None:
        here = _scenario()
        self.what, self.response, self.expected, self.cause = what, response, expected, cause
        self.basis = basis if basis else here.basis
        self.notes = list(here.notes) if notes is None else notes
        self.filters = here.filters
        super().__init__(self.render())

    def render(self) -> str:
        lines = [self.what]
        if self.response is not None:
            lines.append(f"  sent: {sent(self.response)}")
            lines.append(f"  answered: {answered(self.response)}")
        if self.filters is not None:
            written, scoped = self.filters
            if written:
                lines.append(f"  the feature's filter: {written}")
                lines.append(f"  sent scoped to this scenario's users as: {scoped}")
            else:
                lines.append(f"  the harness limited the query to this scenario's users with: {scoped}")
        if self.cause:
            lines.append(f"  cause: {self.cause}")
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        lines.append(f"  basis: {self.basis.text or 'none given'}")
        lines += [f"  also noticed: {note.line()}" for note in self.notes]
        return "\n".join(lines)

    def record(self) -> dict[str, Any]:
        """The ``scim_failure`` record the reports group failures by (docs/reports.md)."""
        out: dict[str, Any] = {"basis": self.basis.keys, "what": self.what}
        if self.response is not None:
            request = self.response.request
            out["request"] = f"{request.method} {request.url.path}"
            out["status"] = self.response.status_code
            try:
                body = self.response.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                for key in ("scimType", "detail"):
                    if body.get(key):
                        out[key] = str(body[key])
        if self.expected:
            out["expected"] = self.expected
        return out


class SuiteError(Exception):
    """A mistake of the suite — a scenario naming what it never introduced, a value no step knows,
    the harness not sending what a step says it sends: to fix in the suite, never a verdict on the
    server."""

    def __init__(self, what: str) -> None:
        super().__init__(f"the suite is wrong, not the server: {what}")


def check(condition: object, what: str, **context: Any) -> None:
    """Raise a :class:`Failure` saying ``what`` unless ``condition`` holds."""
    if not condition:
        raise Failure(what, **context)


def expect_status(
    response: httpx.Response, *expected: int, basis: Basis | None = None, why: str | None = None
) -> None:
    """The answer's status is one of ``expected``; otherwise a failure that shows the exchange."""
    if response.status_code in expected:
        return
    wanted = " or ".join(map(str, expected))
    raise Failure(
        f"{sent(response)} answered {response.status_code}, not {wanted}",
        response=response,
        expected=f"{wanted}" + (f" ({why})" if why else ""),
        basis=basis,
    )


def note_schema(response: httpx.Response, problems: str, basis: Basis) -> None:
    """A body broke its schema: noted now, judged after the scenario's own steps."""
    _scenario().notes.append(SchemaNote(sent(response), response.status_code, problems, basis, response))


def noted_filters() -> tuple[str, str] | None:
    """(the feature's filter, or "" when it wrote none; the filter sent), if the scenario noted one."""
    return _scenario().filters


def note_origin(body: Any, response: httpx.Response) -> None:
    """``body`` was read from ``response``: a later check of it shows that exchange."""
    _scenario().origins[id(body)] = (body, response)


def origin_of(body: Any) -> httpx.Response | None:
    """The answer ``body`` was read from (see :func:`note_origin`), or None."""
    entry = _scenario().origins.get(id(body))
    return entry[1] if entry is not None and entry[0] is body else None


def note_filters(written: str | None, scoped: str) -> None:
    """The filter a feature wrote (None: it wrote none) and the one sent, for the messages of the
    steps after it."""
    _scenario().filters = (written or "", scoped)


# --- the pytest side --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _scenario_basis(request: pytest.FixtureRequest) -> None:
    """Each scenario starts with its own basis (its tags) and no schema notes."""
    names = [marker.name for marker in request.node.iter_markers()]
    _CURRENT.set(_Scenario(Basis.of_tags(names)))


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: object, scenario: object) -> None:
    """RFC 7643 §8.7 / RFC 7644 §3.12: the bodies of a scenario whose own steps passed follow the
    SCIM schemas; a violation fails it now, after its own assertions had their say."""
    if sys.exc_info()[0] is not None:  # a step already failed: the notes ride along in its message
        return
    notes = _scenario().notes
    if notes:
        first = notes[0]
        expected = "every answer's body follows its SCIM schema"
        what = first.line()
        if first.response is not None:  # the exchange is shown below the line: say what is wrong
            what = f"the scenario's own checks passed, but an answer breaks its SCIM schema: {first.problems}"
        raise Failure(what, response=first.response, basis=first.basis, expected=expected, notes=notes[1:])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Put a failure's ``scim_failure`` record in the report, for grouping by cause."""
    report = yield
    if report.when == "call" and report.failed and call.excinfo is not None:
        error = call.excinfo.value
        if isinstance(error, Failure):
            report.user_properties.append(("scim_failure", error.record()))
    return report
