"""Token redaction: the one place a bearer token is removed from anything the harness writes.

Every output path — the suite's recorded exchanges, report files, the simulator's recordings and
``simulation.json``, worker logs, the messages of errors — goes through a :class:`Redactor` built
from the target's secrets. It removes a secret in every form it may take on its way out: as is,
base64-encoded (as in Basic auth), URL-encoded, and escaped inside a JSON string; and it masks the
value of credential headers whatever they hold.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LENGTH = 6
"""Shorter "secrets" are not masked in free text: masking ``ab`` everywhere would garble a report,
and a token that short protects nothing anyway. Credential headers are masked whatever their length."""
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


def _forms(secret: str) -> set[str]:
    encoded = base64.b64encode(secret.encode("utf-8")).decode("ascii")
    return {
        secret,
        encoded,
        encoded.rstrip("="),
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1],
    }


@dataclass(frozen=True)
class Redactor:
    """Removes ``secrets`` (and their encoded forms) from text, headers and JSON-ready values."""

    secrets: tuple[str, ...] = field(default=(), repr=False)
    _forms: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        forms: set[str] = set()
        for secret in self.secrets:
            if secret and len(secret) >= MIN_SECRET_LENGTH:
                forms |= _forms(secret)
        # longest first, so a form containing another is masked whole
        object.__setattr__(self, "_forms", tuple(sorted(forms, key=len, reverse=True)))

    @classmethod
    def of(cls, secrets: Iterable[str | None]) -> Redactor:
        return cls(tuple(s for s in secrets if s))

    def text(self, value: str) -> str:
        """``value`` with every form of every secret replaced by ``***``."""
        for form in self._forms:
            if form in value:
                value = value.replace(form, MASK)
        return value

    def header(self, name: str, value: str) -> str:
        """A header value as it may be shown: credentials masked, keeping the scheme (``Bearer ***``)."""
        if name.lower() in CREDENTIAL_HEADERS:
            scheme, _, credential = value.partition(" ")
            return f"{scheme} {MASK}" if credential else MASK
        return self.text(value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple((name, self.header(name, value)) for name, value in headers)

    def value(self, value: object) -> object:
        """A JSON-ready value (dicts, lists, strings) with every string redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value


NO_SECRETS = Redactor()
"""Masks credential headers only: for output that belongs to no particular target."""
