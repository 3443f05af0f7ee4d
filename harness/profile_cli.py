"""``--profile FILE`` and ``--set KNOB=VALUE`` for the commands that act as OneLogin, and ``profile show``.

``simulate``, ``replay`` and ``check`` take the same two options (also ``SCIM_PROFILE``, and
``SCIM_SET`` with one ``KNOB=VALUE`` per line); :func:`effective_profile` turns them into the run's
:class:`~simulator.profile_file.EffectiveProfile`, or ends the command with one line and exit code 2.
``scim-harness profile show`` prints that profile: each knob's value, its certainty tag and source,
and whether the value is the default or came from the profile file or ``--set``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from simulator import (
    DEFAULT_IDP,
    IDP_CHOICES,
    KNOBS,
    EffectiveProfile,
    IdpProfile,
    ProfileError,
    idp_profile,
    idp_tags,
    load_profile,
)

_CERTAINTY_STYLE = {"doc": "green", "seen": "cyan", "guess": "yellow", "?": "red"}
_FROM = {"default": "default", "file": "profile file", "set": "--set"}
_WIDE = 240
"""Columns of the table when the output is not a terminal (a file or a pipe: no wrapping)."""


class ProfileUsageError(click.ClickException):
    """A profile file or ``--set`` the run cannot use: one line, exit code 2."""

    exit_code = 2


def profile_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--idp``, ``--profile FILE`` and ``--set KNOB=VALUE`` (repeatable), passed as ``idps``,
    ``profile_file`` and ``sets``."""
    options = (
        click.option(
            "--idp",
            "idps",
            multiple=True,
            envvar="SCIM_IDP",
            type=click.Choice(IDP_CHOICES, case_sensitive=False),
            help=f"The identity provider to act as (repeatable; 'all'; or SCIM_IDP); default {DEFAULT_IDP}. "
            "--profile and --set change knobs on top of its profile.",
        ),
        click.option(
            "--profile",
            "profile_file",
            envvar="SCIM_PROFILE",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A profile file (TOML) of OneLogin knobs (or SCIM_PROFILE); see 'profile show'.",
        ),
        click.option(
            "--set",
            "sets",
            multiple=True,
            metavar="KNOB=VALUE",
            help="Set one knob, after the profile file and SCIM_SET: --set app.deletion_action=suspend.",
        ),
    )
    for option in reversed(options):
        func = option(func)
    return func


def one_idp(idps: Sequence[str], command: str) -> IdpProfile:
    """The one IdP a command that acts as a single IdP runs as, or :class:`ProfileUsageError`."""
    tags = idp_tags(idps)
    if len(tags) != 1:
        raise ProfileUsageError(
            f"--idp: {command} acts as one identity provider at a time; give one of {', '.join(tags)}"
        )
    return idp_profile(tags[0])


def effective_profile(
    profile_file: Path | None, sets: Sequence[str], idp: IdpProfile | None = None
) -> EffectiveProfile:
    """The run's profile from the options (``SCIM_SET`` lines before ``--set``) over ``idp``'s own
    (OneLogin's by default), or :class:`ProfileUsageError` (exit 2, one line)."""
    from_env = [line for line in os.environ.get("SCIM_SET", "").splitlines() if line.strip()]
    try:
        return load_profile(profile_file, [*from_env, *sets], base=None if idp is None else idp.base)
    except ProfileError as exc:
        raise ProfileUsageError(str(exc)) from None


def profile_json(effective: EffectiveProfile) -> dict[str, Any]:
    """The effective profile as ``profile show --json`` prints it."""
    return {
        "name": effective.name,
        "file": None if effective.file is None else str(effective.file),
        "knobs": [
            {
                "name": knob.name,
                "value": knob.to_json(effective.value(knob)),
                "certainty": knob.certainty,
                "source": knob.source,
                "from": effective.origin(knob.name),
            }
            for knob in KNOBS.values()
        ],
    }


def _table(effective: EffectiveProfile) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("knob", "value", "certainty", "from", "source"):
        table.add_column(column, overflow="fold")
    for knob in KNOBS.values():
        value = effective.value(knob)
        shown = knob.format(value)
        if isinstance(value, str):
            shown = json.dumps(value, ensure_ascii=False)  # quoted, so "" and spaces show
        shown = shown.replace("\\n", "\n")  # header lines, one per line
        if knob.name == "template.name" and effective.template.file is not None:
            shown += " (not used: template.file)"
        certainty = knob.certainty or "unrecorded"
        origin = effective.origin(knob.name)
        table.add_row(
            Text(knob.name, style="bold" if origin != "default" else ""),
            Text(shown),
            Text(f"[{certainty}]", style=_CERTAINTY_STYLE.get(certainty, "red")),
            Text(_FROM[origin], style="" if origin == "default" else "bold"),
            Text(knob.source or "unrecorded", style="dim"),
        )
    return table


@click.group("profile")
def profile_group() -> None:
    """The OneLogin profile a run uses: every knob, its value and how well it is known."""


@profile_group.command("show")
@profile_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (name, file, knobs[]) instead of a table.")
def show(idps: tuple[str, ...], profile_file: Path | None, sets: tuple[str, ...], as_json: bool) -> None:
    """Print the effective profile: each knob's value, certainty tag, source and where it came from.

    Certainty: [doc] OneLogin documents it, [seen] observed in OneLogin's traffic or sample server,
    [guess] the best inference, [?] unknown. Every knob takes --set NAME=VALUE or a line of a
    profile file.
    """
    effective = effective_profile(profile_file, sets, one_idp(idps, "profile show"))
    if as_json:
        click.echo(json.dumps(profile_json(effective), indent=2, ensure_ascii=False))
        return
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=_WIDE)
    where = f"profile file {effective.file}" if effective.file else "no profile file"
    changed = len(effective.origins)
    console.print(f"Profile {effective.name} ({where}; {changed} knob(s) set, the rest at their defaults)")
    console.print(_table(effective))
