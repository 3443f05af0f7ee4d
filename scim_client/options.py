"""The names of the options a user gives a target with, per front end, for hints and skip reasons.

The same target reaches the harness as ``scim-harness check --base-url …`` or as ``pytest steps
--scim-base-url …``; a message that tells a user what to give must name the option of the command
they ran (issue: "skip reasons name check's options when run through check").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FRONTEND_VARIABLE = "SCIM_HARNESS_FRONTEND"
"""Set to ``check`` by ``scim-harness check`` for the pytest workers it starts."""


@dataclass(frozen=True, slots=True)
class OptionNames:
    """How the options that describe a target are spelled in one front end."""

    base_url: str
    token: str
    observer_url: str
    observer_token: str
    timeout: str
    ca_bundle: str
    insecure: str


CLI_OPTIONS = OptionNames(
    "--base-url", "--token", "--observer-url", "--observer-token", "--timeout", "--ca-bundle", "--insecure"
)
PYTEST_OPTIONS = OptionNames(
    "--scim-base-url",
    "--scim-token",
    "--scim-observer-url",
    "--scim-observer-token",
    "--scim-timeout",
    "--scim-ca-bundle",
    "--scim-insecure",
)


def options_for(env: Mapping[str, str]) -> OptionNames:
    """The option names of the command that started this process: ``check``'s, else pytest's."""
    return CLI_OPTIONS if env.get(FRONTEND_VARIABLE) == "check" else PYTEST_OPTIONS
