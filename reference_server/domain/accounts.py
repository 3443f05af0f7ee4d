"""Shared accounts, access grants and rotations: the operations behind the observer API.

Only an active, existing user can receive a grant, and that check runs in the same transaction
as the insert, so a grant can never land on a user whose suspension committed first.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from reference_server.errors import ScimError, bad_request, not_found
from reference_server.storage.sqlite import SqliteStore


def _new_secret_hash() -> str:
    """A fresh credential; only its hash is kept, the secret itself is never stored or returned."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


def _account(row: sqlite3.Row | tuple[Any, ...]) -> dict[str, Any]:
    return {"id": row[0], "name": row[1], "privileged": bool(row[2]), "credentialVersion": row[3]}


class Accounts:
    """Accounts, grants and rotations on the reference server's SQLite store."""

    def __init__(self, store: SqliteStore, clock: Callable[[], str]) -> None:
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
        account_id = str(uuid.uuid4())
        with self.store.write() as tx:
            tx.conn.execute(
                "INSERT INTO accounts (id, name, privileged, secret_hash, created) VALUES (?, ?, ?, ?, ?)",
                (account_id, name, int(privileged), _new_secret_hash(), self.clock()),
            )
        return {"id": account_id, "name": name, "privileged": privileged, "credentialVersion": 1}

    def get_account(self, account_id: str) -> dict[str, Any]:
        with self.store.read() as tx:
            row = tx.conn.execute(
                "SELECT id, name, privileged, credential_version FROM accounts WHERE id = ?", (account_id,)
            ).fetchone()
        if row is None:
            raise not_found(f"no account {account_id!r}")
        return _account(row)

    def grant(self, account_id: str, body: object) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ScimError(400, "the body must be a JSON object", "invalidSyntax")
        user_id, group_id = body.get("userId"), body.get("groupId")
        if (user_id is None) == (group_id is None):
            raise bad_request("give exactly one of userId or groupId")
        target = user_id if user_id is not None else group_id
        if not isinstance(target, str) or not target:
            raise bad_request("userId / groupId must be a non-empty string")
        grant_id = str(uuid.uuid4())
        with self.store.write() as tx:
            conn = tx.conn
            account = conn.execute("SELECT pk FROM accounts WHERE id = ?", (account_id,)).fetchone()
            if account is None:
                raise not_found(f"no account {account_id!r}")
            if user_id is not None:
                user = conn.execute("SELECT active FROM users WHERE id = ?", (user_id,)).fetchone()
                if user is None:
                    raise not_found(f"no user {user_id!r}")
                if not user[0]:
                    raise ScimError(
                        409, f"user {user_id} is not active; only active users can receive grants"
                    )
            elif conn.execute("SELECT 1 FROM groups WHERE id = ?", (group_id,)).fetchone() is None:
                raise not_found(f"no group {group_id!r}")
            try:
                conn.execute(
                    "INSERT INTO grants (id, account_pk, user_id, group_id, created) VALUES (?, ?, ?, ?, ?)",
                    (grant_id, account[0], user_id, group_id, self.clock()),
                )
            except sqlite3.IntegrityError:
                raise ScimError(409, "this grant already exists", "uniqueness") from None
        key = "userId" if user_id is not None else "groupId"
        return {"id": grant_id, "accountId": account_id, key: target}

    def user_grants(self, user_id: str) -> dict[str, Any]:
        """The user's effective access: direct grants and those reaching them through a group."""
        with self.store.read() as tx:
            conn = tx.conn
            known = conn.execute(
                "SELECT 1 FROM users WHERE id = ?1 UNION ALL SELECT 1 FROM deleted_users WHERE id = ?1",
                (user_id,),
            ).fetchone()
            if known is None:
                raise not_found(f"no user {user_id!r}")
            rows = conn.execute(
                "SELECT g.id, a.id, g.group_id FROM grants g JOIN accounts a ON a.pk = g.account_pk "
                "WHERE g.user_id = ?1 OR g.group_id IN (SELECT gr.id FROM users u "
                "JOIN group_members m ON m.user_pk = u.pk "
                "JOIN groups gr ON gr.pk = m.group_pk WHERE u.id = ?1) "
                "ORDER BY g.pk",
                (user_id,),
            ).fetchall()
        grants: list[dict[str, Any]] = []
        for grant_id, account_id, group_id in rows:
            item: dict[str, Any] = {
                "id": grant_id,
                "accountId": account_id,
                "via": "group" if group_id else "direct",
            }
            if group_id:
                item["groupId"] = group_id
            grants.append(item)
        return {"grants": grants}

    def rotations(self, account_id: str) -> dict[str, Any]:
        with self.store.read() as tx:
            conn = tx.conn
            if conn.execute("SELECT 1 FROM accounts WHERE id = ?", (account_id,)).fetchone() is None:
                raise not_found(f"no account {account_id!r}")
            rows = conn.execute(
                "SELECT r.id, r.reason, r.triggered_by, r.status, r.created, r.completed FROM rotations r "
                "JOIN accounts a ON a.pk = r.account_pk WHERE a.id = ? ORDER BY r.pk",
                (account_id,),
            ).fetchall()
        out = []
        for rid, reason, triggered_by, status, created, completed in rows:
            item = {
                "id": rid,
                "accountId": account_id,
                "reason": reason,
                "triggeredBy": triggered_by,
                "status": status,
                "createdAt": created,
            }
            if completed:
                item["completedAt"] = completed
            out.append(item)
        return {"rotations": out}

    def complete_due_rotations(self, due_before: str) -> int:
        """Complete every pending rotation scheduled at or before ``due_before``; how many."""
        with self.store.write() as tx:
            conn = tx.conn
            due = conn.execute(
                "SELECT pk, account_pk FROM rotations WHERE status = 'pending' AND created <= ? ORDER BY pk",
                (due_before,),
            ).fetchall()
            now = self.clock()
            for rotation_pk, account_pk in due:
                conn.execute(
                    "UPDATE accounts SET credential_version = credential_version + 1, secret_hash = ? "
                    "WHERE pk = ?",
                    (_new_secret_hash(), account_pk),
                )
                conn.execute(
                    "UPDATE rotations SET status = 'completed', completed = ? WHERE pk = ?",
                    (now, rotation_pk),
                )
        return len(due)
