"""The user attributes a OneLogin push sets, read the same way from what was sent and what came back.

OneLogin sends legacy URNs, ``manager.managerId`` and sometimes ``emails`` as one object
(onelogin-profile.md, "Templates"); a server answers with the RFC forms. :func:`user_attributes`
reads either into one flat tuple (:data:`KEYS` order), so the expected directory can keep what a
push set in a few references per user, and reconciliation can compare it with the server's copy.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from schemas import urns

KEYS: tuple[str, ...] = (
    "userName",
    "name.givenName",
    "name.familyName",
    "name.formatted",
    "displayName",
    "title",
    "emails.value",
    "enterprise.department",
    "enterprise.manager.value",
)
"""The compared attributes; ``emails.value`` is the primary (or first) address."""

Attributes = tuple[str | None, ...]
_ENTERPRISE = frozenset(u.lower() for u in (urns.ENTERPRISE_USER, *urns.LEGACY_ENTERPRISE_USER))
_INTERN_MAX = 64  # short values (names, titles, departments) repeat across users: share them


def _get(obj: Mapping[str, Any], name: str) -> Any:
    """Attribute ``name`` of ``obj``, case-insensitively (RFC 7643 §2.1)."""
    if name in obj:
        return obj[name]
    folded = name.lower()
    return next((v for k, v in obj.items() if isinstance(k, str) and k.lower() == folded), None)


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return sys.intern(value) if len(value) <= _INTERN_MAX else value


def _email(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        return None
    items = [v for v in value if isinstance(v, Mapping)]
    chosen = next((v for v in items if v.get("primary") is True), items[0] if items else None)
    return None if chosen is None else _text(_get(chosen, "value"))


def _enterprise(body: Mapping[str, Any]) -> Mapping[str, Any]:
    for key, value in body.items():
        if isinstance(key, str) and key.lower() in _ENTERPRISE and isinstance(value, Mapping):
            return value
    return {}


def user_attributes(body: Mapping[str, Any]) -> Attributes:
    """The :data:`KEYS` values of a User body, sent or returned; None where absent."""
    name = _get(body, "name")
    name = name if isinstance(name, Mapping) else {}
    enterprise = _enterprise(body)
    manager = _get(enterprise, "manager")
    manager_id = None
    if isinstance(manager, Mapping):
        manager_id = _get(manager, "value")
        if manager_id is None:
            manager_id = _get(manager, "managerId")
    return (
        _text(_get(body, "userName")),
        _text(_get(name, "givenName")),
        _text(_get(name, "familyName")),
        _text(_get(name, "formatted")),
        _text(_get(body, "displayName")),
        _text(_get(body, "title")),
        _email(_get(body, "emails")),
        _text(_get(enterprise, "department")),
        _text(manager_id),
    )


_PATCH_PATHS: dict[str, str] = {
    "username": "userName",
    "name.givenname": "name.givenName",
    "name.familyname": "name.familyName",
    "name.formatted": "name.formatted",
    "displayname": "displayName",
    "title": "title",
    'emails[type eq "work"].value': "emails.value",
    "emails.value": "emails.value",
    **{f"{u}:department": "enterprise.department" for u in _ENTERPRISE},
    **{f"{u}:manager": "enterprise.manager.value" for u in _ENTERPRISE},
}
"""PATCH paths (lower-case) of the compared attributes, as Entra addresses them."""


def patched_attributes(current: Attributes, operations: list[Any]) -> Attributes:
    """``current`` after the ``replace``/``add`` ops of a user PATCH that set compared attributes by
    path (Entra) or as keys of a path-less value (Entra with ``aadOptscim062020``)."""
    values = dict(zip(KEYS, current, strict=True))
    for operation in operations:
        if not isinstance(operation, Mapping) or str(operation.get("op", "")).lower() not in (
            "replace",
            "add",
        ):
            continue
        path, value = operation.get("path"), operation.get("value")
        pairs = [(path, value)] if isinstance(path, str) else []
        if path is None and isinstance(value, Mapping):
            pairs = list(value.items())
        for key, item in pairs:
            known = _PATCH_PATHS.get(str(key).lower())
            if known is not None:
                if isinstance(item, Mapping) and known == "enterprise.manager.value":
                    item = _get(item, "value")
                values[known] = _text(item)
    return tuple(values[k] for k in KEYS)


def active_of(body: Mapping[str, Any]) -> bool | None:
    """``active`` as a boolean (OneLogin may send ``"true"``; Entra ``"False"``), None if absent."""
    value = _get(body, "active")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def differences(expected: Attributes, actual: Attributes) -> list[tuple[str, str | None, str | None]]:
    """``(key, expected, actual)`` for each attribute the push set that the server holds otherwise.

    Attributes the push did not send are not compared; an empty string and an absent value are
    the same (RFC 7643 §2.5: unassigned); ``userName`` compares case-insensitively (caseExact false).
    """
    found: list[tuple[str, str | None, str | None]] = []
    for key, want, got in zip(KEYS, expected, actual, strict=True):
        if want is None:
            continue
        if key == "userName":
            same = got is not None and want.lower() == got.lower()
        else:
            same = (want or None) == (got or None)
        if not same:
            found.append((key, want, got))
    return found
