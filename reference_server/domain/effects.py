"""Deprovisioning: what the app does when the identity provider suspends or deletes a user.

Cerby's documented behaviour (onelogin-profile.md, "What the app does"): a suspended or deleted
user loses **every** access grant — direct ones, and team access through groups, by leaving every
group — and each **privileged** account the user could reach gets one password rotation. It all
happens inside the SCIM request's transaction, so the response is sent only after it committed.
Leaving a group ends the access that came through it and rotates that group's privileged
accounts. Reactivation restores nothing.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence

from reference_server.storage.base import Doc, Transaction
from reference_server.storage.sqlite import SqliteTransaction


def _conn(tx: Transaction) -> sqlite3.Connection:
    if not isinstance(tx, SqliteTransaction):
        raise TypeError("the app-side domain runs on the SQLite store")
    return tx.conn


def schedule_rotations(
    conn: sqlite3.Connection, account_pks: Sequence[int], reason: str, triggered_by: str, now: str
) -> None:
    """One pending rotation per account; none is added while one is already pending."""
    conn.executemany(
        "INSERT OR IGNORE INTO rotations (id, account_pk, reason, triggered_by, status, created) "
        "VALUES (?, ?, ?, ?, 'pending', ?)",
        [(str(uuid.uuid4()), pk, reason, triggered_by, now) for pk in account_pks],
    )


class Deprovisioning:
    """The :class:`reference_server.service.Effects` of the Cerby-like app."""

    def __init__(self, clock: Callable[[], str]) -> None:
        self.clock = clock

    def user_changed(self, tx: Transaction, before: Doc | None, after: Doc | None) -> None:
        if before is None:
            return
        if after is None:
            self._deprovision(tx, before["id"], "user_deleted")
            _conn(tx).execute(
                "INSERT OR REPLACE INTO deleted_users (id, deleted) VALUES (?, ?)",
                (before["id"], self.clock()),
            )
        elif before.get("active") is not False and after.get("active") is False:
            self._deprovision(tx, before["id"], "user_suspended")
        # Any other update (attributes, reactivation) touches no grant.

    def members_removed(self, tx: Transaction, group_id: str, user_ids: Sequence[str]) -> None:
        conn = _conn(tx)
        accounts = [
            r[0]
            for r in conn.execute(
                "SELECT a.pk FROM grants g JOIN accounts a ON a.pk = g.account_pk "
                "WHERE g.group_id = ? AND a.privileged = 1 ORDER BY a.pk",
                (group_id,),
            )
        ]
        schedule_rotations(conn, accounts, "removed_from_group", user_ids[0], self.clock())

    def _deprovision(self, tx: Transaction, user_id: str, reason: str) -> None:
        conn = _conn(tx)
        now = self.clock()
        # Every privileged account the user could reach, directly or through a team, before the
        # access is cut.
        reachable = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT a.pk FROM grants g JOIN accounts a ON a.pk = g.account_pk "
                "WHERE a.privileged = 1 AND (g.user_id = ?1 OR g.group_id IN ("
                "  SELECT gr.id FROM users u JOIN group_members m ON m.user_pk = u.pk "
                "  JOIN groups gr ON gr.pk = m.group_pk WHERE u.id = ?1)) ORDER BY a.pk",
                (user_id,),
            )
        ]
        conn.execute("DELETE FROM grants WHERE user_id = ?", (user_id,))
        tx.leave_all_groups(user_id, now)
        schedule_rotations(conn, reachable, reason, user_id, now)
