"""The step vocabulary: how step texts are matched, and how their quoted values are read.

One field-type system for every step module (and for the IdP step modules to come): write a step
with :func:`phrase` and its ``{name:Type}`` fields take one of :data:`TYPES`:

- ``Q`` — the text inside one pair of double quotes, never empty and never holding a quote, so
  ``a OneLogin user "{name:Q}" assigned to the app`` cannot swallow ``... "Ana Souza" with the
  role "Finance" assigned to the app``;
- ``Kind`` — ``user`` or ``group`` (the resource a step is about);
- ``Word`` — one word, no spaces (an attribute name, ``first``/``last``, a sort order);
- ``Literal`` — a JSON literal a step compares by type: ``true``, ``false`` or an integer;
- ``Endpoint`` — a discovery endpoint by its name in prose: ``resource types`` or ``schemas``;
- ``IdP`` — the other identity providers by name: ``Okta`` or ``Entra`` (their areas' steps).

pytest-bdd's own ``parse`` types (``{count:d}``, ``{field:w}``) keep working beside them. A
:func:`phrase` matches its text case-sensitively.
:func:`quoted` reads the double-quoted values out of a list written in a step
(``"ana", "bo" and "carla"``) by the same rule as ``Q``.
"""

from __future__ import annotations

import re

from pytest_bdd import parsers

__all__ = ["TYPES", "FieldType", "phrase", "quoted"]

QUOTED = r'[^"]+'
"""What a quoted value is: one or more characters, none of them a double quote."""


class FieldType:
    """A ``parse`` field type: a fixed pattern whose text is the value (typed for mypy)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __call__(self, text: str) -> str:
        return text


TYPES: dict[str, FieldType] = {
    "Q": FieldType(QUOTED),
    "Kind": FieldType(r"user|group"),
    "Word": FieldType(r"\S+"),
    "Literal": FieldType(r"true|false|-?\d+"),
    "Endpoint": FieldType(r"resource types|schemas"),
    "IdP": FieldType(r"Okta|Entra"),
}
"""Every field type a step text may use, by name."""

_QUOTED = re.compile(f'"({QUOTED})"')


def phrase(text: str) -> parsers.parse:
    """``parsers.parse`` with :data:`TYPES`: ``phrase('a user "{label:Q}" exists')``.

    Matched case-sensitively, unlike ``parse``'s default: ``{literal:Literal}`` must not take
    ``True`` (not JSON), nor ``{kind:Kind}`` a ``User`` no step knows.
    """
    return parsers.parse(text, extra_types=TYPES, case_sensitive=True)


def quoted(text: str) -> list[str]:
    """The double-quoted values in ``text``: ``'"Ana Souza" and "Bo Lee"'`` → both names."""
    return _QUOTED.findall(text)
