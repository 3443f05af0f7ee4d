"""Query parameters of SCIM list and read requests (RFC 7644 §3.4.2, §3.9)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reference_server.errors import bad_request
from reference_server.filters import Filter, parse_filter
from reference_server.projection import parse_attribute_list


@dataclass(frozen=True)
class ListParams:
    """What a query asks for: filter, sort, page and projection."""

    filter: Filter | None
    sort_by: str | None
    descending: bool
    start_index: int
    count: int
    attributes: list[str] | None
    excluded: list[str] | None


def lookup(params: Mapping[str, Any], name: str) -> Any:
    """A parameter by name, case-insensitively (clients differ: ``startindex``, ``Filter``)."""
    if name in params:
        return params[name]
    if not params:
        return None  # most requests: no query string
    folded = name.lower()
    return next((v for k, v in params.items() if isinstance(k, str) and k.lower() == folded), None)


def _integer(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise bad_request(f"{name} must be an integer")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise bad_request(f"{name} must be an integer, not {str(value)[:40]!r}") from None


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string")
    return value


_NAMES = frozenset(
    {"filter", "sortBy", "sortOrder", "startIndex", "count", "attributes", "excludedAttributes"}
)
"""The list parameters, as RFC 7644 §3.4.2 spells them."""


def list_params(params: Mapping[str, Any], *, default_count: int, max_results: int) -> ListParams:
    """Parse list parameters from a query string or a SearchRequest body.

    RFC 7644 §3.4.2.4: ``startIndex`` below 1 is treated as 1; a negative ``count`` as 0; a
    ``count`` above the server's maximum is lowered to it (the response says how many it holds).
    """
    get: Callable[[str], Any]
    if _NAMES.issuperset(params):
        get = params.get  # every name spelled as the RFC does (the usual case): no folding
    else:
        folded: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(key, str):
                folded.setdefault(key.lower(), value)

        def get(name: str) -> Any:
            # As the module's lookup, with one case-folding pass over the parameters, not one a name.
            return params[name] if name in params else folded.get(name.lower())

    text = _text(get("filter"), "filter")
    sort_by = _text(get("sortBy"), "sortBy")
    order = (_text(get("sortOrder"), "sortOrder") or "ascending").strip().lower()
    if order not in ("ascending", "descending"):
        raise bad_request("sortOrder must be 'ascending' or 'descending'")
    start = _integer(get("startIndex"), "startIndex")
    count = _integer(get("count"), "count")
    return ListParams(
        filter=parse_filter(text) if text is not None and text.strip() else None,
        sort_by=sort_by.strip() if sort_by and sort_by.strip() else None,
        descending=order == "descending",
        start_index=max(1, start if start is not None else 1),
        count=min(max(0, count if count is not None else default_count), max_results),
        attributes=parse_attribute_list(_text(get("attributes"), "attributes")),
        excluded=parse_attribute_list(_text(get("excludedAttributes"), "excludedAttributes")),
    )
