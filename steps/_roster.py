"""A scenario's own directory, and queries limited to it without ever blaming the limit on the server.

A query scenario creates a handful of users (its :class:`Roster`) whose userNames carry the
scenario's token, and sends every filter limited to them: ``userName co "<token>" and (<the
feature's filter>)``, so the answers are exact even on a shared server full of other users. The
limit is the harness's, not the feature's, so every message shows both filters
(:func:`steps.failures.note_filters`), and when a limited query is refused or answered wrongly,
:func:`why_limited_query_failed` finds out whether the limit is the cause: it sends the feature's
filter alone (keeping, client-side, only this scenario's users) and the limit alone, and says
which of the three the server gets wrong — the filter, ``co`` on userName, or combining them with
``and`` and grouping (RFC 7644 §3.4.2.2, checklist Q-03). A scenario about ``not`` never fails only
because of the nesting the harness added without its message saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from steps.failures import Basis, SuiteError, sent
from steps.wire import ScimClient

_PAGE = 200
_MOST_PAGES = 10
"""A probe reads at most this many pages of the filter alone: bounded on any directory."""


@dataclass(frozen=True)
class Roster:
    """The users of one scenario's directory, by label (``ana``), and the token in their userNames."""

    token: str
    users: dict[str, dict[str, Any]]

    @property
    def scope(self) -> str:
        """The filter that selects this scenario's users, and only them."""
        return f'userName co "{self.token}"'

    def scoped(self, filter_: str | None) -> str:
        """``filter_`` limited to this scenario's users (the scope alone when there is none)."""
        return f"{self.scope} and ({filter_})" if filter_ else self.scope

    def label_of(self, resource_id: object) -> str:
        """The label of the user with this id, or ``<id>`` for a user not of this scenario."""
        return next((label for label, u in self.users.items() if u["id"] == resource_id), f"<{resource_id}>")

    def labels(self, resources: Sequence[Any]) -> list[str]:
        """The sorted labels of the resources of a ListResponse."""
        return sorted(self.label_of(r.get("id")) for r in resources if isinstance(r, dict))

    def ids(self, names: str) -> list[str]:
        """The ids of ``"ana, bo"``; ``nobody`` is none."""
        labels = [n.strip() for n in names.split(",") if n.strip() and n.strip() != "nobody"]
        missing = [label for label in labels if label not in self.users]
        if missing:
            raise SuiteError(f"{missing} are not in the scenario's directory ({sorted(self.users)})")
        return [self.users[label]["id"] for label in labels]


def shown(labels: Sequence[str]) -> str:
    return ", ".join(labels) or "nobody"


@dataclass(frozen=True)
class _Answer:
    """What a probe found: the status, and the labels of this scenario's users among the results."""

    response: httpx.Response
    labels: list[str] | None
    """None when not 200, or when the probe could not read every match."""

    @property
    def refused(self) -> bool:
        return self.response.status_code != 200


def _probe(scim: ScimClient, roster: Roster, filter_: str) -> _Answer:
    """``GET /Users?filter=…`` page by page (bounded); this scenario's users among the results."""
    found: set[str] = set()
    start, response = 1, None
    for _ in range(_MOST_PAGES):
        params = {"filter": filter_, "startIndex": start, "count": _PAGE}
        response = scim.get("/Users", params=params, validate_body=False)
        if response.status_code != 200:
            return _Answer(response, None)
        try:
            body = response.json()
        except ValueError:
            return _Answer(response, None)
        page = (
            [r for r in (body.get("Resources") or []) if isinstance(r, dict)]
            if isinstance(body, dict)
            else []
        )
        found |= {label for label in roster.labels(page) if not label.startswith("<")}
        total = body.get("totalResults") if isinstance(body, dict) else None
        start += len(page)
        if not page or not isinstance(total, int) or start > total:
            return _Answer(response, sorted(found))
    assert isinstance(response, httpx.Response)  # narrowed: the loop ran at least once
    return _Answer(response, None)


def why_limited_query_failed(
    scim: ScimClient, roster: Roster, written: str, expected: list[str] | None, *, refused: bool
) -> tuple[str, Basis | None]:
    """Why the limited query for ``written`` was refused (``refused``) or answered wrongly, and the
    basis that follows: Q-03 when the harness's limit is the cause, else None (the scenario's tags).

    ``expected`` is the labels the scenario expects (None when it only expects an answer).
    """
    alone = _probe(scim, roster, written)
    right = not alone.refused and (expected is None or alone.labels == sorted(expected))
    if not right:
        if alone.refused:
            return (
                f"sent alone, the feature's filter is refused too ({sent(alone.response)} answered "
                f"{alone.response.status_code}): the limit to this scenario's users is not the cause",
                None,
            )
        if alone.labels is None:
            return ("sent alone, the feature's filter matches more users than the harness reads back", None)
        return (
            f"sent alone, the feature's filter finds {shown(alone.labels)} among this scenario's users: "
            "it is answered wrongly by itself, the limit to this scenario's users is not the cause",
            None,
        )
    limit = _probe(scim, roster, roster.scope)
    if limit.refused or limit.labels != sorted(roster.users):
        found = "refused" if limit.refused else f"finds {shown(limit.labels or [])}"
        return (
            f"your server answers `{written}` correctly alone, but the harness's limit `{roster.scope}` "
            f"{found} where it should find exactly this scenario's users ({shown(sorted(roster.users))}): "
            "`co` on userName, RFC 7644 §3.4.2.2 (Q-03)",
            Basis.rfc("Q-03"),
        )
    how = "refuses" if refused else "answers wrongly"
    return (
        f"your server answers `{written}` correctly alone, and `{roster.scope}` too, but {how} "
        f"`{roster.scoped(written)}`: the harness limits every query to this scenario's users with "
        "`and` and grouping `( )`, which RFC 7644 §3.4.2.2 defines (Q-03)",
        Basis.rfc("Q-03"),
    )


__all__ = ["Roster", "shown", "why_limited_query_failed"]
