"""Shared accounts, access grants and rotations: the operations behind the observer API.

Only an active, existing user can receive a grant, and that check runs in the same transaction
as the insert, so a grant can never land on a user whose suspension committed first. An inactive
user has no access at all: a team it joins while suspended reaches it with nothing. Everything
goes through the storage contract (:mod:`reference_server.storage.records`).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from reference_server.errors import ScimError, bad_request, conflict, not_found
from reference_server.storage.base import Store, Transaction
from reference_server.storage.records import Account, DuplicateGrant, Grant, Rotation


def new_secret_hash() -> str:
    """A fresh credential; only its hash is kept, the secret itself is never stored or returned."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


def _account(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "privileged": account.privileged,
        "credentialVersion": account.credential_version,
    }


def _grant(grant: Grant) -> dict[str, Any]:
    item: dict[str, Any] = {"id": grant.id, "accountId": grant.account_id}
    if grant.group_id is not None:
        item.update(via="group", groupId=grant.group_id)
    else:
        item["via"] = "direct"
    return item


def _rotation(rotation: Rotation) -> dict[str, Any]:
    item = {
        "id": rotation.id,
        "accountId": rotation.account_id,
        "reason": rotation.reason,
        "triggeredBy": rotation.triggered_by,
        "status": rotation.status,
        "createdAt": rotation.created,
    }
    if rotation.completed:
        item["completedAt"] = rotation.completed
    return item


class Accounts:
    """Accounts, grants and rotations on the reference server's store."""

    def __init__(self, store: Store, clock: Callable[[], str]) -> None:
        self.store = store
        self.clock = clock

    def create_account(self, body: object) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ScimError(400, "the body must be a JSON object", "invalidSyntax")
        name, privileged = body.get("name"), body.get("privileged", False)
        if not isinstance(name, str) or not name.strip():
            raise bad_request("name is required and must be a non-empty string")
        if not isinstance(privileged, bool):
            raise bad_request("privileged must be a boolean")
        account = Account(str(uuid.uuid4()), name, privileged)
        with self.store.write() as tx:
            tx.insert_account(account, new_secret_hash(), self.clock())
        return _account(account)

    def get_account(self, account_id: str) -> dict[str, Any]:
        with self.store.read() as tx:
            account = tx.account(account_id)
        if account is None:
            raise not_found(f"no account {account_id!r}")
        return _account(account)

    def grant(self, account_id: str, body: object) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ScimError(400, "the body must be a JSON object", "invalidSyntax")
        user_id, group_id = body.get("userId"), body.get("groupId")
        if (user_id is None) == (group_id is None):
            raise bad_request("give exactly one of userId or groupId")
        target = user_id if user_id is not None else group_id
        if not isinstance(target, str) or not target:
            raise bad_request("userId / groupId must be a non-empty string")
        grant = Grant(str(uuid.uuid4()), account_id, user_id=user_id, group_id=group_id)
        with self.store.write() as tx:
            if tx.account(account_id) is None:
                raise not_found(f"no account {account_id!r}")
            if user_id is not None:
                self.check_grantee(tx, user_id)
            elif tx.version("Group", target) is None:
                raise not_found(f"no group {group_id!r}")
            try:
                tx.insert_grant(grant, self.clock())
            except DuplicateGrant:
                raise conflict("this grant already exists") from None
        key = "userId" if user_id is not None else "groupId"
        return {"id": grant.id, "accountId": account_id, key: target}

    def check_grantee(self, tx: Transaction, user_id: str) -> None:
        """Only an active, existing user can receive a direct grant: 404 for an unknown (or
        deleted) id, 409 for a user whose ``active`` is false."""
        user = tx.get("User", user_id)
        if user is None:
            raise not_found(f"no user {user_id!r}")
        if user.get("active") is False:
            raise ScimError(409, f"user {user_id} is not active; only active users can receive grants")

    def has_access(self, tx: Transaction, user_id: str) -> bool:
        """Whether any grant reaches the user: an inactive user has no access at all, not even
        through a team it was put in while suspended."""
        user = tx.get("User", user_id)
        return user is None or user.get("active") is not False

    def user_grants(self, user_id: str) -> dict[str, Any]:
        """The user's effective access: direct grants and those reaching them through a group;
        none for an inactive user."""
        with self.store.read() as tx:
            if tx.version("User", user_id) is None and not tx.was_deleted(user_id):
                raise not_found(f"no user {user_id!r}")
            grants = tx.grants(user_id) if self.has_access(tx, user_id) else []
        return {"grants": [_grant(g) for g in grants]}

    def rotations(self, account_id: str) -> dict[str, Any]:
        with self.store.read() as tx:
            if tx.account(account_id) is None:
                raise not_found(f"no account {account_id!r}")
            rotations = tx.rotations(account_id)
        return {"rotations": [_rotation(r) for r in rotations]}

    def complete_due_rotations(self, due_before: str) -> int:
        """Complete every pending rotation scheduled at or before ``due_before``; how many."""
        with self.store.read() as tx:
            # The worker asks every 50 ms and most ticks find nothing: a read writes nothing to
            # the WAL and takes no write lock.
            if not tx.due_rotations(due_before):
                return 0
        with self.store.write() as tx:
            due = tx.due_rotations(due_before)
            now = self.clock()
            for rotation in due:
                tx.complete_rotation(rotation.id, now, new_secret_hash())
        return len(due)
