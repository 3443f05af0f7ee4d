"""SQLite tables of the app-side domain: shared accounts, access grants, password rotations.

They live in the same database as the SCIM resources so that a deprovisioning and its effects
commit in one transaction.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS accounts (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        privileged INTEGER NOT NULL,
        credential_version INTEGER NOT NULL DEFAULT 1,
        secret_hash TEXT NOT NULL,
        created TEXT NOT NULL
    )""",
    # A grant reaches an account from exactly one user or one group.
    """CREATE TABLE IF NOT EXISTS grants (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account_pk INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
        group_id TEXT REFERENCES groups(id) ON DELETE CASCADE,
        created TEXT NOT NULL,
        CHECK ((user_id IS NULL) != (group_id IS NULL))
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS grants_account_user ON grants(account_pk, user_id) "
    "WHERE user_id IS NOT NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS grants_account_group ON grants(account_pk, group_id) "
    "WHERE group_id IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS grants_user ON grants(user_id)",
    "CREATE INDEX IF NOT EXISTS grants_group ON grants(group_id)",
    """CREATE TABLE IF NOT EXISTS rotations (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account_pk INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
        reason TEXT NOT NULL CHECK (reason IN ('user_suspended', 'user_deleted', 'removed_from_group')),
        triggered_by TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'completed')),
        created TEXT NOT NULL,
        completed TEXT
    )""",
    # At most one pending rotation per account: a second trigger while one waits adds nothing.
    "CREATE UNIQUE INDEX IF NOT EXISTS rotations_one_pending ON rotations(account_pk) "
    "WHERE status = 'pending'",
    "CREATE INDEX IF NOT EXISTS rotations_account ON rotations(account_pk, pk)",
    "CREATE INDEX IF NOT EXISTS rotations_due ON rotations(created) WHERE status = 'pending'",
    # Users deleted through SCIM, so the observer can still answer "which grants does X have?" (none).
    """CREATE TABLE IF NOT EXISTS deleted_users (
        id TEXT PRIMARY KEY,
        deleted TEXT NOT NULL
    ) WITHOUT ROWID""",
)
