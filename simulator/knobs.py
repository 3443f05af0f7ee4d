"""Every knob by its dotted name, with its type, default and provenance, and how its values are read.

Knobs are found by walking the profile's dataclasses, never listed by hand, so a field added to
:class:`~simulator.profile.Profile` (or to the app's settings, or the template choice) is a knob with
no other code. Names: the profile's own fields at the top (``suspend_style``), its nested policies
by their field (``retry.retries``, ``accepted.create_user``, ``timeouts.read``), the admin's settings
under ``app.`` (``app.deletion_action``) and the template under ``template.`` (``template.emails``).

A value comes as text (``--set KNOB=VALUE``, ``SCIM_SET``) or as a TOML value (a profile file) and
is read by the field's type: a ``Literal`` takes one of its values, ``bool`` true/false, numbers
within the knob's bounds, ``X | None`` also ``none`` (TOML has no null), header lists
``Name: value`` lines, paths relative to the profile file. A bad value raises :class:`KnobError`
whose one line names the knob and what it accepts.
"""

from __future__ import annotations

import difflib
import math
import types
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from simulator.facts import Certainty
from simulator.profile import Profile
from simulator.provenance import Provenance, is_knob, provenance
from simulator.settings import AppSettings, Headers, parse_custom_headers
from simulator.template import TemplateChoice

__all__ = ["KNOBS", "ROOTS", "Knob", "KnobError", "find", "suggestions", "value_of", "with_value"]

ROOTS: tuple[tuple[str, str, type], ...] = (
    ("", "profile", Profile),
    ("app.", "app", AppSettings),
    ("template.", "template", TemplateChoice),
)
"""(name prefix, attribute of an effective profile, dataclass) for each group of knobs."""

_NONE = "none"
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
_HEADER_LINES = "\\n"
"""How ``--set`` separates header lines (a literal backslash-n; real newlines work too)."""


class KnobError(ValueError):
    """An unknown knob or a value it does not accept; the message is one line saying what would do."""


@dataclass(frozen=True, slots=True)
class Knob:
    """One setting of the effective profile."""

    name: str
    path: tuple[str, ...]
    """Attributes from the effective profile down to the field: ``("profile", "retry", "retries")``."""
    kind: Any
    """The field's type, resolved (``Literal[...]``, ``bool``, ``int | None``, ``Headers``, ...)."""
    default: Any
    provenance: Provenance

    @property
    def certainty(self) -> Certainty | None:
        return self.provenance.certainty

    @property
    def source(self) -> str | None:
        return self.provenance.source

    def parse(self, raw: object, base: Path | None = None) -> Any:
        """``raw`` (text, or a TOML value) as this knob's value; relative paths start at ``base``."""
        return _Reader(self, base).read(self.kind, raw)

    def expects(self) -> str:
        """What the knob accepts, in words: ``one of delete, suspend, nothing``."""
        return _expects(self.kind, self.provenance)

    def format(self, value: Any) -> str:
        """``value`` as ``--set`` text; ``parse(format(v)) == v``."""
        if value is None:
            return _NONE
        if isinstance(value, bool):
            return "true" if value else "false"
        if _is_headers(self.kind):
            return _HEADER_LINES.join(f"{n}: {v}" for n, v in value)
        if isinstance(value, tuple):
            return ",".join(str(v) for v in value)
        return str(value)

    def to_json(self, value: Any) -> Any:
        """``value`` as JSON (``profile show --json``): lists for tuples, ``Name: value`` for headers."""
        if _is_headers(self.kind):
            return [f"{n}: {v}" for n, v in value]
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, Path):
            return str(value)
        return value


def _is_headers(kind: Any) -> bool:
    return bool(kind == Headers)


def _optional(kind: Any) -> Any | None:
    """``X`` for ``X | None``, else None."""
    if get_origin(kind) in (Union, types.UnionType) and type(None) in get_args(kind):
        rest = [a for a in get_args(kind) if a is not type(None)]
        return rest[0] if len(rest) == 1 else Union[tuple(rest)]  # noqa: UP007  (built from a tuple)
    return None


def _bounds(p: Provenance) -> str:
    if p.minimum is not None and p.maximum is not None:
        return f" from {p.minimum:g} to {p.maximum:g}"
    if p.minimum is not None:
        return f" of at least {p.minimum:g}"
    return f" of at most {p.maximum:g}" if p.maximum is not None else ""


def _expects(kind: Any, p: Provenance) -> str:
    inner = _optional(kind)
    if inner is not None:
        return f"{_expects(inner, p)}, or {_NONE}"
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(str(v) for v in get_args(kind))
    if kind is bool:
        return "true or false"
    if kind is int:
        return "a whole number" + _bounds(p)
    if kind is float:
        return "a number" + _bounds(p)
    if kind is str:
        return "text on one line"
    if kind is Path:
        return "the path of a file"
    if _is_headers(kind):
        return '"Name: value" headers (a list in a profile file; lines separated by \\n in --set)'
    if get_origin(kind) is tuple and get_args(kind)[:1] == (int,):
        return "whole numbers separated by commas" + _bounds(p)
    raise TypeError(f"no reader for a knob of type {kind!r}")


class _Reader:
    """Reads one raw value for one knob, raising :class:`KnobError` with the knob's name."""

    def __init__(self, knob: Knob, base: Path | None) -> None:
        self.knob, self.base = knob, base

    def fail(self, raw: object) -> KnobError:
        shown = raw if isinstance(raw, str) else repr(raw)
        return KnobError(f"{self.knob.name}: {shown!r} is not allowed; it takes {self.knob.expects()}")

    def read(self, kind: Any, raw: object) -> Any:
        inner = _optional(kind)
        if inner is not None:
            if isinstance(raw, str) and raw.strip().lower() == _NONE:
                return None
            return self.read(inner, raw)
        if get_origin(kind) is Literal:
            return self.choice(get_args(kind), raw)
        if kind is bool:
            return self.boolean(raw)
        if kind is int or kind is float:
            return self.number(kind, raw)
        if kind is str:
            if not isinstance(raw, str) or "\n" in raw or "\r" in raw:
                raise self.fail(raw)
            return raw
        if kind is Path:
            return self.path(raw)
        if _is_headers(kind):
            return self.headers(raw)
        if get_origin(kind) is tuple and get_args(kind)[:1] == (int,):
            items = raw.split(",") if isinstance(raw, str) else raw
            if not isinstance(items, list | tuple) or not items:
                raise self.fail(raw)
            return tuple(self.number(int, item) for item in items)
        raise TypeError(f"no reader for {self.knob.name} of type {kind!r}")

    def choice(self, allowed: tuple[Any, ...], raw: object) -> Any:
        for value in allowed:
            # case-insensitive, so the admin console's "Delete" reads as delete
            if isinstance(raw, str) and raw.strip().casefold() == str(value).casefold():
                return value
        raise self.fail(raw)

    def boolean(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        text = raw.strip().lower() if isinstance(raw, str) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self.fail(raw)

    def number(self, kind: type, raw: object) -> Any:
        value: float | int
        if isinstance(raw, bool):
            raise self.fail(raw)
        if isinstance(raw, int) or (kind is float and isinstance(raw, float)):
            value = kind(raw)
        elif isinstance(raw, str):
            try:
                value = kind(raw.strip())
            except ValueError:
                raise self.fail(raw) from None
        else:
            raise self.fail(raw)
        low, high = self.knob.provenance.minimum, self.knob.provenance.maximum
        if (
            (isinstance(value, float) and not math.isfinite(value))
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            raise self.fail(raw)
        return value

    def path(self, raw: object) -> Path:
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(raw)
        path = Path(raw.strip()).expanduser()
        if not path.is_absolute():
            path = (self.base or Path.cwd()) / path
        if not path.is_file():
            raise KnobError(f"{self.knob.name}: no file {str(path)!r}")
        return path.resolve()

    def headers(self, raw: object) -> Headers:
        if isinstance(raw, str):
            text = raw.replace(_HEADER_LINES, "\n")
        elif isinstance(raw, list) and all(isinstance(line, str) for line in raw):
            text = "\n".join(raw)
        else:
            raise self.fail(raw)
        try:
            return parse_custom_headers(text)
        except ValueError as exc:
            raise KnobError(f"{self.knob.name}: {exc}") from None


def _walk(cls: type, prefix: str, path: tuple[str, ...]) -> Iterator[Knob]:
    hints = get_type_hints(cls)
    defaults = cls()
    for f in fields(cls):
        kind = hints[f.name]
        if isinstance(kind, type) and is_dataclass(kind):
            yield from _walk(kind, f"{prefix}{f.name}.", (*path, f.name))
        elif is_knob(f):
            yield Knob(prefix + f.name, (*path, f.name), kind, getattr(defaults, f.name), provenance(f))


KNOBS: dict[str, Knob] = {
    knob.name: knob for prefix, attr, cls in ROOTS for knob in _walk(cls, prefix, (attr,))
}
"""Every knob by name, in declaration order."""


def suggestions(name: str) -> list[str]:
    """Knob names close to ``name``: the same last part first, then similar spellings."""
    leaf = name.rsplit(".", 1)[-1].casefold()
    same_leaf = [k for k in KNOBS if k.rsplit(".", 1)[-1].casefold() == leaf and k != name]
    similar = difflib.get_close_matches(name, list(KNOBS), n=3, cutoff=0.6)
    return list(dict.fromkeys(same_leaf + similar))[:4]


def find(name: str) -> Knob:
    """The knob called ``name``; :class:`KnobError` naming the closest ones when there is none."""
    knob = KNOBS.get(name.strip())
    if knob is not None:
        return knob
    close = suggestions(name.strip())
    hint = f"did you mean {' or '.join(close)}?" if close else "scim-harness profile show lists every knob"
    raise KnobError(f"{name.strip()}: no such knob; {hint}")


def value_of(holder: object, knob: Knob) -> Any:
    """The knob's value in ``holder`` (an object with ``profile``, ``app`` and ``template``)."""
    value = holder
    for attr in knob.path:
        value = getattr(value, attr)
    return value


def with_value(holder: Any, knob: Knob, value: Any) -> Any:
    """``holder`` (a dataclass) with the knob set to ``value``, every dataclass on the way replaced.

    A value a dataclass refuses in ``__post_init__`` is a :class:`KnobError` naming the knob.
    """

    def put(obj: Any, path: tuple[str, ...]) -> Any:
        head, rest = path[0], path[1:]
        return replace(obj, **{head: put(getattr(obj, head), rest) if rest else value})

    try:
        return put(holder, knob.path)
    except ValueError as exc:
        raise KnobError(f"{knob.name}: {exc}") from None
