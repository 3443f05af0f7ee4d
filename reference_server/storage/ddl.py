"""The SQLite schema of the reference server.

Index columns hold *folded* values (``str.casefold``) wherever the attribute is caseExact=false,
so case-insensitive equality, uniqueness and ordering use plain B-tree indexes. ``doc`` holds the
whole stored resource as JSON (core attributes at the top level, the enterprise extension under
its URN key, ``meta`` without ``location``, which depends on the base URL); group members live in
``group_members`` only, never in ``doc``. Timestamps are UTC ``YYYY-MM-DDTHH:MM:SS.fffZ`` so that
text order is time order.

``STATEMENTS`` run in order on every open; each is idempotent.
"""

from __future__ import annotations

PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode=WAL",
    # NORMAL is durable against a killed process (the WAL is in the OS page cache once written);
    # only a power loss can drop the last transactions, which a test server can afford.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS users (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        user_name TEXT NOT NULL,
        external_id TEXT,
        display_name TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS users_user_name ON users(user_name)",
    "CREATE INDEX IF NOT EXISTS users_external_id ON users(external_id)",
    "CREATE INDEX IF NOT EXISTS users_display_name ON users(display_name)",
    "CREATE INDEX IF NOT EXISTS users_created ON users(created)",
    "CREATE INDEX IF NOT EXISTS users_last_modified ON users(last_modified)",
    """CREATE TABLE IF NOT EXISTS user_emails (
        user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
        value TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS user_emails_value ON user_emails(value)",
    "CREATE INDEX IF NOT EXISTS user_emails_user ON user_emails(user_pk)",
    """CREATE TABLE IF NOT EXISTS groups (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        external_id TEXT,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS groups_display_name ON groups(display_name)",
    "CREATE INDEX IF NOT EXISTS groups_external_id ON groups(external_id)",
    "CREATE INDEX IF NOT EXISTS groups_created ON groups(created)",
    "CREATE INDEX IF NOT EXISTS groups_last_modified ON groups(last_modified)",
    """CREATE TABLE IF NOT EXISTS group_members (
        group_pk INTEGER NOT NULL REFERENCES groups(pk) ON DELETE CASCADE,
        user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
        PRIMARY KEY (group_pk, user_pk)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS group_members_user ON group_members(user_pk, group_pk)",
    # FTS5 trigram indexes for co / sw / ew on userName and emails.value (reference_server.filters).
    # They hold the folded text already, hence case_sensitive 1, and are searched with GLOB (LIKE with
    # an ESCAPE clause is not index-assisted). Rowids are users.pk; a user's addresses share one row,
    # joined by newlines. Candidates are re-checked exactly, so a stale row is harmless.
    "CREATE VIRTUAL TABLE IF NOT EXISTS users_user_name_trigram USING fts5("
    "user_name, tokenize = 'trigram case_sensitive 1')",
    """CREATE TRIGGER IF NOT EXISTS users_user_name_trigram_insert AFTER INSERT ON users BEGIN
        DELETE FROM users_user_name_trigram WHERE rowid = new.pk;
        INSERT INTO users_user_name_trigram (rowid, user_name) VALUES (new.pk, new.user_name);
    END""",
    """CREATE TRIGGER IF NOT EXISTS users_user_name_trigram_update
    AFTER UPDATE OF pk, user_name ON users BEGIN
        DELETE FROM users_user_name_trigram WHERE rowid = old.pk;
        INSERT INTO users_user_name_trigram (rowid, user_name) VALUES (new.pk, new.user_name);
    END""",
    """CREATE TRIGGER IF NOT EXISTS users_user_name_trigram_delete AFTER DELETE ON users BEGIN
        DELETE FROM users_user_name_trigram WHERE rowid = old.pk;
    END""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS user_emails_trigram USING fts5("
    "value, tokenize = 'trigram case_sensitive 1')",
    """CREATE TRIGGER IF NOT EXISTS user_emails_trigram_insert AFTER INSERT ON user_emails BEGIN
        DELETE FROM user_emails_trigram WHERE rowid = new.user_pk;
        INSERT INTO user_emails_trigram (rowid, value)
            SELECT user_pk, group_concat(value, char(10)) FROM user_emails
            WHERE user_pk = new.user_pk GROUP BY user_pk;
    END""",
    """CREATE TRIGGER IF NOT EXISTS user_emails_trigram_update AFTER UPDATE ON user_emails BEGIN
        DELETE FROM user_emails_trigram WHERE rowid IN (old.user_pk, new.user_pk);
        INSERT INTO user_emails_trigram (rowid, value)
            SELECT user_pk, group_concat(value, char(10)) FROM user_emails
            WHERE user_pk IN (old.user_pk, new.user_pk) GROUP BY user_pk;
    END""",
    """CREATE TRIGGER IF NOT EXISTS user_emails_trigram_delete AFTER DELETE ON user_emails BEGIN
        DELETE FROM user_emails_trigram WHERE rowid = old.user_pk;
        INSERT INTO user_emails_trigram (rowid, value)
            SELECT user_pk, group_concat(value, char(10)) FROM user_emails
            WHERE user_pk = old.user_pk GROUP BY user_pk;
    END""",
)
