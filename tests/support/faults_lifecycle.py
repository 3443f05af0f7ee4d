"""Broken grant rules of the app-side domain: servers that give access to users who are not active.

The observer contract (README, "The app-side behaviour, and the observer API"): only an active,
existing user can receive a grant — a direct grant to a suspended user is refused with 409, one to
an unknown or deleted id with 404 — and an inactive user has no access, not even through a team it
was put in while suspended. A reactivated user is active again and can be granted access anew.
Each fault here breaks one of those rules in the reference server's :class:`Accounts` (or, for the
last, both); SCIM and the deprovisioning stay correct. They register in ``faults.FAULTS``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from reference_server.domain import Accounts, Deprovisioning
from reference_server.errors import ScimError, not_found
from reference_server.service import Effects
from reference_server.storage.base import Doc, Store, Transaction
from tests.support.faults import Fault, fault

AccountsFactory = Callable[[Store, Callable[[], str]], Accounts]


class _SuspendedMayReceive(Accounts):
    """A direct grant to a suspended user is inserted (an unknown or deleted id is still 404)."""

    def check_grantee(self, tx: Transaction, user_id: str) -> None:
        if tx.get("User", user_id) is None:
            raise not_found(f"no user {user_id!r}")


class _DeletedMayReceive(Accounts):
    """A direct grant to the id of a deleted user is answered 201, as if it were given (the store
    keeps grants of existing users only, so it is never stored)."""

    def grant(self, account_id: str, body: object) -> dict[str, Any]:
        user_id = body.get("userId") if isinstance(body, dict) else None
        if isinstance(user_id, str):
            with self.store.read() as tx:
                gone = tx.get("User", user_id) is None and tx.was_deleted(user_id)
            if gone:
                return {"id": str(uuid.uuid4()), "accountId": account_id, "userId": user_id}
        return super().grant(account_id, body)


class _TeamsReachInactive(Accounts):
    """A team's grants reach its members whether they are active or not."""

    def has_access(self, tx: Transaction, user_id: str) -> bool:
        return True


class _InactiveMayReceive(_DeletedMayReceive, _TeamsReachInactive, _SuspendedMayReceive):
    """Every rule about inactive users gone: grants to suspended and deleted users, team access."""


@fault("grant-to-suspended-user")
class GrantToSuspendedUser(Fault):
    """Grants a suspended user direct access (the observer contract: 409 for an inactive user).

    Caught by "A suspended user cannot receive a direct grant" (lifecycle/inactive).
    """

    def accounts(self) -> AccountsFactory | None:
        return _SuspendedMayReceive


@fault("team-access-while-suspended")
class TeamAccessWhileSuspended(Fault):
    """A suspended user put in a team's group gets the team's access (an inactive user has none).

    Caught by "A suspended user put in a team's group gains no access through it" (lifecycle/inactive).
    """

    def accounts(self) -> AccountsFactory | None:
        return _TeamsReachInactive


@fault("grant-to-deleted-user")
class GrantToDeletedUser(Fault):
    """Grants access to the id of a deleted user (the observer contract: 404 for an unknown user).

    Caught by "A deleted user's id cannot receive a grant" (lifecycle/inactive).
    """

    def accounts(self) -> AccountsFactory | None:
        return _DeletedMayReceive


@fault("grants-to-inactive-users")
class GrantsToInactiveUsers(Fault):
    """Lets users who are not active receive grants — suspended or deleted — and team access.

    Caught by exactly the three scenarios of lifecycle/inactive (tests/steps/test_suite_inactive.py
    runs the whole lifecycle area against it).
    """

    def accounts(self) -> AccountsFactory | None:
        return _InactiveMayReceive


class _Remembers:
    """The ids of users ever suspended, shared by a fault's effects and accounts."""

    def __init__(self) -> None:
        self.suspended: set[str] = set()


class _RecordSuspensions(Deprovisioning):
    def __init__(self, clock: Callable[[], str], memory: _Remembers) -> None:
        super().__init__(clock)
        self.memory = memory

    def user_changed(self, tx: Transaction, before: Doc | None, after: Doc | None) -> None:
        if before is not None and after is not None and after.get("active") is False:
            self.memory.suspended.add(before["id"])
        super().user_changed(tx, before, after)


class _OnceSuspendedRefused(Accounts):
    def __init__(self, store: Store, clock: Callable[[], str], memory: _Remembers) -> None:
        super().__init__(store, clock)
        self.memory = memory

    def check_grantee(self, tx: Transaction, user_id: str) -> None:
        super().check_grantee(tx, user_id)
        if user_id in self.memory.suspended:
            raise ScimError(409, f"user {user_id} was suspended; it can receive no grant")

    def has_access(self, tx: Transaction, user_id: str) -> bool:
        return user_id not in self.memory.suspended and super().has_access(tx, user_id)


@fault("grants-refused-after-reactivation")
class GrantsRefusedAfterReactivation(Fault):
    """A user once suspended can never receive access again, even after reactivation.

    Cerby: a reactivated user is valid again and access must be granted anew (onelogin-profile.md,
    "What the app does"). Caught by "After reactivation, access granted again works, directly and
    through a team" (lifecycle/reactivate).
    """

    def __init__(self) -> None:
        self.memory = _Remembers()

    def effects(self, clock: Callable[[], str]) -> Effects | None:
        return _RecordSuspensions(clock, self.memory)

    def accounts(self) -> AccountsFactory | None:
        memory = self.memory
        return lambda store, clock: _OnceSuspendedRefused(store, clock, memory)
