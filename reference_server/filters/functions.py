"""The SQL functions compiled filters call, registered on every connection the store opens.

They keep SQLite's comparisons identical to the evaluator's: the same case folding
(:func:`reference_server.casefold.fold`, RFC 7644 §3.4.2.2 "caseExact"), prefix and suffix
tests that do not stop at U+0000 as SQLite's text functions do, and the same ``pr`` rule
("If the attribute has a non-empty value, or if it contains a non-empty node for complex
attributes, there is a match"). All are deterministic, so SQLite may use them in indexes.
"""

from __future__ import annotations

import json
import sqlite3

from reference_server.casefold import fold
from reference_server.filters.evaluate import is_present


def _scim_fold(value: object) -> str | None:
    return fold(value) if isinstance(value, str) else None


def _scim_sw(value: object, prefix: object) -> int | None:
    if isinstance(value, str) and isinstance(prefix, str):
        return int(value.startswith(prefix))
    return None


def _scim_ew(value: object, suffix: object) -> int | None:
    if isinstance(value, str) and isinstance(suffix, str):
        return int(value.endswith(suffix))
    return None


def _scim_present(text: object) -> int:
    if not isinstance(text, str):
        return 0
    try:
        return int(is_present(json.loads(text)))
    except ValueError:
        return 0


def _scim_text(text: object) -> str | None:
    """The string a JSON text holds, whole: ``json_extract`` stops at an escaped U+0000."""
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def register_functions(conn: sqlite3.Connection) -> None:
    """Register the deterministic SQL functions compiled filters use, on ``conn``:
    ``scim_fold(x)`` (case folding of text, NULL otherwise), ``scim_sw(x, p)``, ``scim_ew(x, s)``
    (exact prefix / suffix tests, NUL-safe), ``scim_present(json)`` (the ``pr`` rule),
    ``scim_text(json)`` (the string of a JSON text, NUL-safe; NULL for any other value)."""
    conn.create_function("scim_fold", 1, _scim_fold, deterministic=True)
    conn.create_function("scim_sw", 2, _scim_sw, deterministic=True)
    conn.create_function("scim_ew", 2, _scim_ew, deterministic=True)
    conn.create_function("scim_present", 1, _scim_present, deterministic=True)
    conn.create_function("scim_text", 1, _scim_text, deterministic=True)
