"""Redaction: a token leaves no output in any form — plain, base64, URL- or JSON-encoded."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

from scim_client import MASK, NO_SECRETS, Redactor

SECRET = "s3cr3t/Tok+en=ÄÖ"


def _forms(secret: str) -> list[str]:
    return [
        secret,
        base64.b64encode(secret.encode()).decode(),
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
    ]


def test_every_form_of_a_secret_is_masked() -> None:
    redactor = Redactor.of([SECRET, None, ""])
    for form in _forms(SECRET):
        text = redactor.text(f"before {form} after")
        assert form not in text and text == f"before {MASK} after", form


def test_short_values_are_not_treated_as_secrets_in_free_text() -> None:
    assert Redactor.of(["ab"]).text("a tab and a crab") == "a tab and a crab"


def test_credential_headers_are_masked_whatever_they_hold() -> None:
    redactor = Redactor.of([SECRET])
    headers = (
        ("Authorization", "Bearer anything-at-all"),
        ("proxy-authorization", "Basic abc"),
        ("Cookie", "session=1"),
        ("X-Echo", f"token={SECRET}"),
        ("X-Tenant", "acme"),
    )
    assert redactor.headers(headers) == (
        ("Authorization", "Bearer ***"),
        ("proxy-authorization", "Basic ***"),
        ("Cookie", "***"),
        ("X-Echo", "token=***"),
        ("X-Tenant", "acme"),
    )
    assert NO_SECRETS.header("Authorization", "naked") == "***"


def test_json_ready_values_are_redacted_all_the_way_down() -> None:
    redactor = Redactor.of([SECRET])
    value = {"a": [SECRET, {"b": f"x{SECRET}y"}], SECRET: 1, "n": 2}
    assert redactor.value(value) == {"a": ["***", {"b": "x***y"}], "***": 1, "n": 2}


def test_the_redactor_never_shows_its_secrets() -> None:
    redactor = Redactor.of([SECRET])
    assert SECRET not in repr(redactor) and SECRET not in str(redactor)
