"""Deprovisioning: what the app does when the identity provider suspends or deletes a user.

Cerby's documented behaviour (onelogin-profile.md, "What the app does"): a suspended or deleted
user loses **every** access grant — direct ones, and team access through groups, by leaving every
group — and each **privileged** account the user could reach gets one password rotation. It all
happens inside the SCIM request's transaction, so the response is sent only after it committed.
Leaving a group ends the access that came through it and rotates that group's privileged
accounts. Reactivation restores nothing. Everything goes through the storage contract.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from reference_server.storage.base import Doc, Transaction
from reference_server.storage.records import Rotation, RotationReason


def schedule_rotations(
    tx: Transaction, account_ids: Sequence[str], reason: RotationReason, triggered_by: str, now: str
) -> None:
    """One pending rotation per account; none is added while one is already pending."""
    if account_ids:
        tx.schedule_rotations(
            [Rotation(str(uuid.uuid4()), account, reason, triggered_by, now) for account in account_ids]
        )


class Deprovisioning:
    """The :class:`reference_server.service.Effects` of the Cerby-like app."""

    def __init__(self, clock: Callable[[], str]) -> None:
        self.clock = clock

    def user_changed(self, tx: Transaction, before: Doc | None, after: Doc | None) -> None:
        if before is None:
            return
        if after is None:
            self._deprovision(tx, before, "user_deleted")
            tx.mark_deleted(before["id"], self.clock())
        elif before.get("active") is not False and after.get("active") is False:
            self._deprovision(tx, before, "user_suspended")
        # Any other update (attributes, reactivation) touches no grant.

    def members_removed(self, tx: Transaction, group_id: str, user_ids: Sequence[str]) -> None:
        accounts = tx.accounts_reached(group_id=group_id, privileged=True)
        schedule_rotations(tx, accounts, "removed_from_group", user_ids[0], self.clock())

    def _deprovision(self, tx: Transaction, user: Doc, reason: RotationReason) -> None:
        """``user`` as stored before the change, with its ``groups``: read in this transaction."""
        now = self.clock()
        user_id = user["id"]
        # Every privileged account the user could reach, directly or through a team, before the
        # access is cut.
        if user.get("groups"):
            reachable = tx.accounts_reached(user_id=user_id, privileged=True)
            tx.delete_grants(user_id)
            tx.leave_all_groups(user_id, now)
        else:  # a user in no group reaches only what its own grants did, and has no team to leave
            reachable = tx.delete_grants(user_id, privileged=True)
        schedule_rotations(tx, reachable, reason, user_id, now)
