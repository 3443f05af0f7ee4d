"""How well each knob's default is known, kept as data beside the knob.

A knob is a field of the profile's dataclasses (:class:`~simulator.profile.Profile` and its nested
policies, :class:`~simulator.settings.AppSettings`, :class:`~simulator.template.TemplateChoice`)
declared with :func:`knob`: its default, the default's **certainty** (``doc``, ``seen``, ``guess``,
``?``: the tags of onelogin-profile.md and :mod:`simulator.facts`) and its **source**. ``scim-harness
profile show`` prints both; a test checks that every knob has them, so a knob added as a plain field
is caught rather than shown without its basis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, field
from typing import Any, TypeVar

from simulator.facts import ONELOGIN_DOCS, ONELOGIN_SAMPLE, Certainty

__all__ = [
    "ADMIN",
    "DOC",
    "INFERRED",
    "SAMPLE",
    "UNKNOWN",
    "Provenance",
    "is_knob",
    "knob",
    "label",
    "provenance",
]

T = TypeVar("T")

DOC = ONELOGIN_DOCS
SAMPLE = ONELOGIN_SAMPLE
INFERRED = "onelogin-profile.md: the best inference, not confirmed by OneLogin"
UNKNOWN = "onelogin-profile.md: OneLogin does not publish it; the default is a sensible assumption"
ADMIN = "OneLogin developer docs: a setting the admin chooses in the app's Provisioning tab"

_CERTAINTY, _SOURCE, _MINIMUM, _MAXIMUM = "certainty", "source", "minimum", "maximum"
_LABEL = "label"


def knob(
    default: T,
    certainty: Certainty,
    source: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> T:
    """A dataclass field holding a knob: ``default``, how well it is known and where that comes from.

    ``minimum``/``maximum`` bound a number (each number of a list) given in a profile file or ``--set``.
    """
    metadata: dict[str, Any] = {_CERTAINTY: certainty, _SOURCE: source}
    if minimum is not None:
        metadata[_MINIMUM] = minimum
    if maximum is not None:
        metadata[_MAXIMUM] = maximum
    return field(default=default, metadata=metadata)


def label(default: T) -> T:
    """A field that names something rather than setting behaviour (a profile's name): not a knob."""
    return field(default=default, metadata={_LABEL: True})


def is_knob(f: Field[Any]) -> bool:
    """Whether a dataclass field is a knob (every field but labels)."""
    return not f.metadata.get(_LABEL, False)


class Provenance:
    """What a knob field's metadata says (``certainty`` None when the field was declared without it)."""

    __slots__ = ("certainty", "maximum", "minimum", "source")

    def __init__(self, metadata: Mapping[str, Any]) -> None:
        self.certainty: Certainty | None = metadata.get(_CERTAINTY)
        self.source: str | None = metadata.get(_SOURCE)
        self.minimum: float | None = metadata.get(_MINIMUM)
        self.maximum: float | None = metadata.get(_MAXIMUM)


def provenance(f: Field[Any]) -> Provenance:
    """The provenance a dataclass field was declared with."""
    return Provenance(f.metadata)
