"""SQLite implementation of the domain's records (:mod:`reference_server.storage.records`).

The tables (``storage/ddl.py``) live in the same database as the SCIM resources, so a
deprovisioning and its user change commit in one transaction. Grants point at users and groups by
SCIM id with ``ON DELETE CASCADE``, so deleting either drops its grants. At most one pending
rotation per account is a partial unique index; a second one is ignored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from reference_server.storage.records import Account, DuplicateGrant, Grant, Rotation

_GROUPS_OF_USER = (
    "SELECT gr.id FROM users u JOIN group_members m ON m.user_pk = u.pk "
    "JOIN groups gr ON gr.pk = m.group_pk WHERE u.id = ?1"
)
"""The ids of the groups the user ``?1`` is a member of."""
_ROTATION_COLUMNS = "r.id, a.id, r.reason, r.triggered_by, r.created, r.status, r.completed"


def _rotation(row: Any) -> Rotation:
    return Rotation(
        id=row[0],
        account_id=row[1],
        reason=row[2],
        triggered_by=row[3],
        created=row[4],
        status=row[5],
        completed=row[6],
    )


class SqliteRecords:
    """The domain half of :class:`~reference_server.storage.sqlite.SqliteTransaction`."""

    conn: sqlite3.Connection

    def insert_account(self, account: Account, secret_hash: str, created: str) -> None:
        self.conn.execute(
            "INSERT INTO accounts (id, name, privileged, credential_version, secret_hash, created) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                account.id,
                account.name,
                int(account.privileged),
                account.credential_version,
                secret_hash,
                created,
            ),
        )

    def account(self, account_id: str) -> Account | None:
        row = self.conn.execute(
            "SELECT id, name, privileged, credential_version FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
        return None if row is None else Account(row[0], row[1], bool(row[2]), row[3])

    def insert_grant(self, grant: Grant, created: str) -> None:
        try:
            self.conn.execute(
                "INSERT INTO grants (id, account_pk, user_id, group_id, created) "
                "SELECT ?, pk, ?, ?, ? FROM accounts WHERE id = ?",
                (grant.id, grant.user_id, grant.group_id, created, grant.account_id),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise DuplicateGrant(grant.account_id) from exc
            raise

    def grants(self, user_id: str) -> list[Grant]:
        rows = self.conn.execute(
            "SELECT g.id, a.id, g.user_id, g.group_id FROM grants g JOIN accounts a ON a.pk = g.account_pk "
            f"WHERE g.user_id = ?1 OR g.group_id IN ({_GROUPS_OF_USER}) ORDER BY g.pk",
            (user_id,),
        )
        return [Grant(*row) for row in rows]

    def delete_grants(self, user_id: str, *, privileged: bool | None = None) -> list[str]:
        pks = self.conn.execute(
            "DELETE FROM grants WHERE user_id = ? RETURNING account_pk", (user_id,)
        ).fetchall()
        if not pks:
            return []  # most users: no grant of their own, one statement
        kind = "" if privileged is None else f" AND privileged = {int(privileged)}"
        rows = self.conn.execute(
            f"SELECT id FROM accounts WHERE pk IN (SELECT value FROM json_each(?)){kind} ORDER BY pk",
            (json.dumps([pk for (pk,) in pks]),),  # one parameter, however many grants
        )
        return [row[0] for row in rows]

    def accounts_reached(
        self, *, user_id: str | None = None, group_id: str | None = None, privileged: bool | None = None
    ) -> list[str]:
        if (user_id is None) == (group_id is None):
            raise ValueError("give exactly one of user_id or group_id")
        if user_id is not None:
            reach = f"(g.user_id = ?1 OR g.group_id IN ({_GROUPS_OF_USER}))"
        else:
            reach = "g.group_id = ?1"
        kind = "" if privileged is None else f" AND a.privileged = {int(privileged)}"
        rows = self.conn.execute(
            f"SELECT DISTINCT a.pk, a.id FROM grants g JOIN accounts a ON a.pk = g.account_pk "
            f"WHERE {reach}{kind} ORDER BY a.pk",
            (user_id if user_id is not None else group_id,),
        )
        return [row[1] for row in rows]

    def schedule_rotations(self, rotations: Sequence[Rotation]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO rotations (id, account_pk, reason, triggered_by, status, created) "
            "SELECT ?, pk, ?, ?, 'pending', ? FROM accounts WHERE id = ?",
            [(r.id, r.reason, r.triggered_by, r.created, r.account_id) for r in rotations],
        )

    def rotations(self, account_id: str) -> list[Rotation]:
        rows = self.conn.execute(
            f"SELECT {_ROTATION_COLUMNS} FROM rotations r JOIN accounts a ON a.pk = r.account_pk "
            "WHERE a.id = ? ORDER BY r.pk",
            (account_id,),
        )
        return [_rotation(row) for row in rows]

    def due_rotations(self, created_before: str) -> list[Rotation]:
        rows = self.conn.execute(
            f"SELECT {_ROTATION_COLUMNS} FROM rotations r JOIN accounts a ON a.pk = r.account_pk "
            "WHERE r.status = 'pending' AND r.created <= ? ORDER BY r.pk",
            (created_before,),
        )
        return [_rotation(row) for row in rows]

    def complete_rotation(self, rotation_id: str, completed: str, secret_hash: str) -> None:
        row = self.conn.execute(
            "UPDATE rotations SET status = 'completed', completed = ? WHERE id = ? AND status = 'pending' "
            "RETURNING account_pk",
            (completed, rotation_id),
        ).fetchone()
        if row is not None:
            self.conn.execute(
                "UPDATE accounts SET credential_version = credential_version + 1, secret_hash = ? "
                "WHERE pk = ?",
                (secret_hash, row[0]),
            )

    def mark_deleted(self, user_id: str, deleted: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO deleted_users (id, deleted) VALUES (?, ?)", (user_id, deleted)
        )

    def was_deleted(self, user_id: str) -> bool:
        found = self.conn.execute("SELECT 1 FROM deleted_users WHERE id = ?", (user_id,)).fetchone()
        return found is not None
