"""The app-side domain's records in the storage contract: shared accounts, grants, rotations.

What a Cerby-like app keeps besides the SCIM resources (design.md, "App-side domain"). The rules
(only an active user can receive a grant; which accounts a deprovisioning rotates, and why) live
in :mod:`reference_server.domain`; a store keeps the records and answers these questions inside
the same transaction as the SCIM resources (:class:`~reference_server.storage.base.Transaction`),
so a deprovisioning and the user change that caused it commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

RotationReason = Literal["user_suspended", "user_deleted", "removed_from_group"]
RotationStatus = Literal["pending", "completed"]


@dataclass(frozen=True)
class Account:
    """A shared identity; only the hash of its secret is kept, and never handed out."""

    id: str
    name: str
    privileged: bool
    credential_version: int = 1


@dataclass(frozen=True)
class Grant:
    """Access to an account for exactly one user (``user_id``) or one group (``group_id``)."""

    id: str
    account_id: str
    user_id: str | None = None
    group_id: str | None = None


@dataclass(frozen=True)
class Rotation:
    """A password rotation of an account: ``pending`` until the worker completes it."""

    id: str
    account_id: str
    reason: RotationReason
    triggered_by: str
    """The SCIM id of the user whose deprovisioning (or leaving a group) caused it."""
    created: str
    status: RotationStatus = "pending"
    completed: str | None = None


class DuplicateGrant(Exception):
    """The account is already granted to that user or group."""


class DomainTransaction(Protocol):
    """The domain's records inside a store transaction.

    Grants name resources by SCIM id; a grant's account, user or group must exist. Every list is in
    the order its records were made.
    """

    def insert_account(self, account: Account, secret_hash: str, created: str) -> None: ...

    def account(self, account_id: str) -> Account | None: ...

    def insert_grant(self, grant: Grant, created: str) -> None:
        """Raises :class:`DuplicateGrant` when the same account is granted to the same target."""
        ...

    def grants(self, user_id: str) -> list[Grant]:
        """The user's effective grants: its own, and those of every group it is a member of."""
        ...

    def delete_grants(self, user_id: str, *, privileged: bool | None = None) -> list[str]:
        """Remove every grant of the user's own (not those of its groups), and tell the ids of
        the accounts they granted, each once, in :meth:`accounts_reached`'s order; with
        ``privileged``, only the privileged (or only the other) ones are told. For a user in no
        group, that is every account it reached."""
        ...

    def accounts_reached(
        self, *, user_id: str | None = None, group_id: str | None = None, privileged: bool | None = None
    ) -> list[str]:
        """Ids of the accounts a user reaches (its grants and its groups') or a group's grants
        reach, each once; only privileged (or only other) ones when ``privileged`` is given."""
        ...

    def schedule_rotations(self, rotations: Sequence[Rotation]) -> None:
        """Add these pending rotations, except for an account that has one pending already."""
        ...

    def rotations(self, account_id: str) -> list[Rotation]: ...

    def due_rotations(self, created_before: str) -> list[Rotation]:
        """Pending rotations created at or before ``created_before``."""
        ...

    def complete_rotation(self, rotation_id: str, completed: str, secret_hash: str) -> None:
        """Mark the rotation completed, give its account the new secret and bump its credential
        version."""
        ...

    def mark_deleted(self, user_id: str, deleted: str) -> None:
        """Remember that the user was deleted through SCIM (its grants are then known: none)."""
        ...

    def was_deleted(self, user_id: str) -> bool: ...
