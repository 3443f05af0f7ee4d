"""The effective profile of a run: the defaults, then a profile file (TOML), then ``--set`` overrides.

A profile file holds knobs as TOML, each under its dotted name (:mod:`simulator.knobs`)::

    name = "acme-staging"            # the profile's name in reports
    user_agent = "OneLogin SCIM"     # a knob of the IdP's client
    [app]
    deletion_action = "suspend"      # the admin's settings
    [template]
    file = "acme-template.json"      # relative to the profile file
    [retry]
    retries = 5

``--set KNOB=VALUE`` (repeatable) overrides one knob. Every problem — a file that cannot be read, a
TOML syntax error (with its line), an unknown knob (with the closest names), a value the knob does
not take (with what it takes), a template that does not parse — is a :class:`ProfileError` with one
line to act on. The :class:`EffectiveProfile` remembers where each value came from, for ``profile
show`` and for handing the same profile to another process (:meth:`EffectiveProfile.overrides`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from simulator.knobs import KNOBS, Knob, KnobError, find, value_of, with_value
from simulator.profile import ONELOGIN, Profile
from simulator.settings import AppSettings
from simulator.template import Template, TemplateChoice, TemplateError

__all__ = ["EffectiveProfile", "Origin", "ProfileError", "load_profile", "split_assignment"]

Origin = Literal["default", "file", "set"]
_NAME = "name"
"""The one key of a profile file that is not a knob: the profile's name."""
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


class ProfileError(ValueError):
    """The profile cannot be used; the message is one line saying where and what to change."""


@dataclass(frozen=True, slots=True)
class EffectiveProfile:
    """Every knob's value for a run, and where each came from."""

    profile: Profile = ONELOGIN
    app: AppSettings = field(default_factory=AppSettings)
    template: TemplateChoice = field(default_factory=TemplateChoice)
    file: Path | None = None
    """The profile file the values marked ``file`` came from."""
    origins: Mapping[str, Origin] = field(default_factory=dict)
    """Knob name → ``file`` or ``set``; a knob not listed has its default."""

    @property
    def name(self) -> str:
        return self.profile.name

    def value(self, knob: Knob) -> Any:
        return value_of(self, knob)

    def origin(self, name: str) -> Origin:
        return self.origins.get(name, "default")

    def where(self, name: str) -> str:
        """Where the knob's value came from, in words: ``default``, ``profile file x.toml``, ``--set``."""
        origin = self.origin(name)
        if origin == "file":
            return f"profile file {self.file}"
        return "--set" if origin == "set" else "default"

    def scim_template(self) -> Template:
        """The SCIM JSON template the knobs choose (checked when the profile was loaded)."""
        return self.template.resolve()

    def app_over(self, base: AppSettings) -> AppSettings:
        """``base`` (a scenario's own settings) with every app knob this profile sets applied."""
        settings = base
        for name in self.origins:
            knob = KNOBS[name]
            if knob.path[0] == "app":
                settings = with_value(_Holder(settings), knob, self.value(knob)).app
        return settings

    def overrides(self) -> list[str]:
        """The ``--set`` knobs as ``KNOB=VALUE`` lines that :func:`load_profile` reads back the same."""
        return [f"{n}={KNOBS[n].format(self.value(KNOBS[n]))}" for n, o in self.origins.items() if o == "set"]


@dataclass(frozen=True, slots=True)
class _Holder:
    """Lets :func:`~simulator.knobs.with_value` replace an ``app`` knob inside bare settings."""

    app: AppSettings


def split_assignment(text: str, option: str = "--set") -> tuple[str, str]:
    """``KNOB=VALUE`` → (knob, value); :class:`ProfileError` when there is no ``=``."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ProfileError(f"{option} {text!r}: write KNOB=VALUE, e.g. {option} app.deletion_action=suspend")
    return name.strip(), value


def load_profile(
    file: Path | None = None,
    sets: Sequence[str] = (),
    *,
    option: str = "--set",
    base: EffectiveProfile | None = None,
) -> EffectiveProfile:
    """The defaults (or ``base``: an IdP's own), then ``file`` (TOML), then each ``KNOB=VALUE`` of
    ``sets`` in order.

    ``option`` is what errors call the assignments (``--scim-set`` under pytest).
    """
    effective = base if base is not None else EffectiveProfile()
    if file is not None:
        effective = _apply_file(effective, file)
    for assignment in sets:
        name, raw = split_assignment(assignment, option)
        try:
            effective = _apply(effective, find(name), raw, None, "set")
        except KnobError as exc:
            raise ProfileError(f"{option} {exc}") from None
    if effective.origin("template.name") != "default" and effective.template.file is not None:
        raise ProfileError("template.name and template.file are both set: give one of them")
    try:
        effective.scim_template()
    except TemplateError as exc:
        raise ProfileError(str(exc)) from None
    return effective


def _apply(
    effective: EffectiveProfile, knob: Knob, raw: object, base: Path | None, origin: Origin
) -> EffectiveProfile:
    value = knob.parse(raw, base)
    changed: EffectiveProfile = with_value(effective, knob, value)
    return replace(changed, origins={**effective.origins, knob.name: origin})


def _apply_file(effective: EffectiveProfile, file: Path) -> EffectiveProfile:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProfileError(f"profile file {file}: cannot read it ({reason})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile file {file}{_toml_problem(str(exc))}") from None
    effective = replace(effective, file=file)
    name = data.pop(_NAME, None)
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise ProfileError(f"profile file {file}{_line(text, _NAME)}: name must be a non-empty string")
        effective = replace(effective, profile=replace(effective.profile, name=name.strip()))
    for key, raw in _flatten(data):
        try:
            effective = _apply(effective, find(key), raw, file.parent, "file")
        except KnobError as exc:
            raise ProfileError(f"profile file {file}{_line(text, key)}: {exc}") from None
    return effective


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """TOML tables → (dotted knob name, value); a table that names no group of knobs is a knob name."""
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not any(k.startswith(name + ".") for k in KNOBS):
            yield name, value  # reported as an unknown knob by find()
        elif isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def _toml_problem(message: str) -> str:
    """tomllib's ``Invalid value (at line 3, column 9)`` as `` line 3, column 9: invalid value``."""
    position = _TOML_POSITION.search(message)
    what = _TOML_POSITION.sub("", message).strip().rstrip(".")
    what = what[:1].lower() + what[1:]
    if position is None:
        return f": not valid TOML ({what})"
    return f" line {position.group(1)}, column {position.group(2)}: not valid TOML ({what})"


def _line(text: str, name: str) -> str:
    """`` line N`` of the line that sets ``name`` (by its last part) or opens it as a table, if only one."""
    leaf = re.escape(name.rsplit(".", 1)[-1])
    pattern = re.compile(rf"^\s*(?:[\w.\"']*\.)?[\"']?{leaf}[\"']?\s*=|^\s*\[\s*{re.escape(name)}\s*\]")
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]
    return f" line {lines[0]}" if len(lines) == 1 else ""
