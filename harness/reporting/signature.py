"""The HTTP signature of an exchange: what stays the same when one fault breaks many scenarios.

Forty scenarios that fail because a server refuses one URN send forty different users to forty
different ids; what they share is ``POST /scim/v2/Users → 400 invalidValue "unknown schema …"``.
A signature keeps the method, the path with its ids replaced (the base path stays: paths in
reports always show it), the names of the query parameters, the status, the SCIM ``scimType``, and
the Error's ``detail`` with ids, numbers, e-mail addresses and quoted values generalised.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Signature", "path_pattern", "signature_of", "text_pattern"]

# The segment after one of these is an id (RFC 7644 §3.4.1 ``/{resource}/{id}``; the observer's
# ``/accounts/{id}``, ``/users/{id}``), except ``.search`` (RFC 7644 §3.4.3).
_COLLECTIONS = frozenset({"users", "groups", "accounts", "grants", "rotations"})
_ID_SEGMENT = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[0-9a-f]{16,}"
    r"|(?=[\w-]*\d)[\w-]{20,})$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)|“[^”]*”")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
# Each pattern may start only where a token starts (the lookbehinds): tried at every position,
# a pattern that scans a long run-on token would take quadratic time on a garbage body.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_ID = re.compile(r"(?<![\w-])(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z_-])[\w-]{16,}(?![\w-])")
# A number standing alone; the digits of a URN (``core:2.0``), a path or a word are kept.
_NUMBER = re.compile(r"(?<![\w.:/@-])-?\d+(?:\.\d+)?(?![\w:/@-]|\.\d)")


def text_pattern(text: str) -> str:
    """``userName "ana@x.com" is taken by 2f81…`` → ``userName "…" is taken by {id}``."""
    text = _QUOTED.sub('"…"', text)
    text = _UUID.sub("{id}", text)
    text = _EMAIL.sub("{email}", text)
    text = _LONG_ID.sub("{id}", text)
    text = _NUMBER.sub("{n}", text)
    return " ".join(text.split())


def path_pattern(url: str) -> str:
    """``http://h/scim/v2/Users/2f81…?filter=x&count=3`` → ``/scim/v2/Users/{id}?filter=…&count=…``."""
    parts = urlsplit(url)
    path = parts.path if parts.scheme or url.startswith("/") else url.partition("?")[0]
    segments = path.split("/")
    kept = [
        "{id}"
        if segment
        and segment != ".search"
        and ((index and segments[index - 1].lower() in _COLLECTIONS) or _ID_SEGMENT.match(segment))
        else segment
        for index, segment in enumerate(segments)
    ]
    names = list(dict.fromkeys(name for name, _ in parse_qsl(parts.query, keep_blank_values=True)))
    query = "&".join(f"{name}=…" for name in names)
    return "/".join(kept) + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Signature:
    """An exchange with everything run-specific generalised."""

    method: str
    path: str
    status: str
    """``400``, or ``no answer`` when the request got none."""
    scim_type: str | None = None
    detail: str | None = None
    expected: str | None = None
    """What the scenario expected, when the steps said so (``201``)."""

    @property
    def failed(self) -> bool:
        """An error status or no answer: the exchange itself is what broke the scenario."""
        return not self.status.isdigit() or int(self.status) >= 400

    def text(self) -> str:
        """``POST /scim/v2/Users → 400 invalidValue: "unknown schema …" (expected 201)``."""
        out = f"{self.method} {self.path} → {self.status}"
        if self.scim_type:
            out += f" {self.scim_type}"
        if self.detail:
            out += f": {self.detail}"
        if self.expected:
            out += f" (expected {self.expected})"
        return out


def _error_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, str) or not body.strip().startswith("{"):
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def signature_of(exchange: dict[str, Any]) -> Signature:
    """The signature of one recorded exchange (``steps.wire.Exchange.as_dict()``)."""
    method = str(exchange.get("method", "?"))
    path = path_pattern(str(exchange.get("url", "")))
    if exchange.get("error"):
        return Signature(method, path, "no answer", detail=text_pattern(str(exchange["error"])))
    status = str(exchange.get("status"))
    body = _error_body(exchange.get("response_body")) if status.isdigit() and int(status) >= 400 else {}
    scim_type = body.get("scimType")
    detail = body.get("detail")
    return Signature(
        method,
        path,
        status,
        str(scim_type) if scim_type else None,
        text_pattern(str(detail)) if detail else None,
    )
