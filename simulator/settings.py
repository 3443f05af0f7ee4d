"""The app's provisioning settings as a OneLogin admin sets them (onelogin-profile.md, "Connector settings").

These are choices a tenant makes, not facts about OneLogin: the deletion action, admin approval, the
source of the SCIM username, custom headers, how roles become groups. What OneLogin *does* with them
lives in the profile and the event plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from simulator.provenance import ADMIN, DOC, INFERRED, knob

DeletionAction = Literal["delete", "suspend", "nothing"]
ApprovalAction = Literal["create", "update", "delete"]
UsernameSource = Literal["email", "username"]
Headers = tuple[tuple[str, str], ...]

# RFC 9110 §5.6.2 token characters: what a header name may contain.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def parse_custom_headers(text: str) -> Headers:
    """Parse the "Custom Headers" box: one ``Name: value`` per line [guess], blank lines ignored.

    Raises ValueError naming the line when a line is not a header, so an admin-style typo is
    reported instead of silently sending nothing.
    """
    headers: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not _TOKEN.match(name):
            raise ValueError(f"custom header line {number} is not 'Name: value': {line!r}")
        headers.append((name, value.strip()))
    return tuple(headers)


@dataclass(frozen=True, slots=True)
class AppSettings:
    """One app's Configuration and Provisioning tabs in OneLogin."""

    deletion_action: DeletionAction = knob("delete", "doc", ADMIN)
    """"When users are deleted in OneLogin, or the user's app access is removed": Delete, Suspend
    or Do nothing. Also applies to the ``unassign`` event."""

    suspension_action: DeletionAction = knob("suspend", "guess", INFERRED)
    """The similar choice for users suspended in OneLogin (its existence is a guess)."""

    unassign_action: DeletionAction | None = knob(None, "doc", DOC)
    """What removing the app from a user does; None: the deletion action, as in OneLogin [doc].
    Entra disables an unassigned user (``suspend``) and deletes only a deleted one."""

    approve_create: bool = knob(False, "doc", ADMIN)
    """"Require admin approval before this action is performed": Create user."""

    approve_update: bool = knob(False, "doc", ADMIN)
    """Same, for Update user (suspend and reactivate are updates)."""

    approve_delete: bool = knob(False, "doc", ADMIN)
    """Same, for Delete user."""

    scim_username_source: UsernameSource = knob("email", "doc", DOC)
    """The "SCIM Username" parameter: OneLogin's default is the username; admins usually switch
    it to the email, which is what this harness assumes unless told otherwise."""

    custom_headers: Headers = knob((), "doc", DOC)
    """The Custom Headers box, parsed (see :func:`parse_custom_headers`; one ``Name: value`` per
    line is a guess); sent on every request, overriding the profile's own headers of the same name."""

    groups_multi_value: bool = knob(True, "doc", DOC)
    """The Groups parameter's multi-value flag. Without it several roles arrive as one
    ``;``-joined group name."""

    group_name_rule: str = knob("{role}", "doc", DOC)
    """Roles are mapped to groups by rules: the rule, as a format string over ``{role}``."""

    def __post_init__(self) -> None:
        try:
            self.group_name_rule.format(role="")
        except (IndexError, KeyError, ValueError):
            raise ValueError(
                f"the group name rule {self.group_name_rule!r} may use only {{role}} "
                "(write {{ and }} for literal braces)"
            ) from None

    def needs_approval(self, action: ApprovalAction | None) -> bool:
        """Whether an event of this kind waits for an admin (approved requests arrive later, in bursts)."""
        if action is None:
            return False
        return {"create": self.approve_create, "update": self.approve_update, "delete": self.approve_delete}[
            action
        ]

    def group_name(self, role_name: str) -> str:
        """The app group a role maps to."""
        return self.group_name_rule.format(role=role_name)
