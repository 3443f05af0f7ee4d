"""Deleting a user through the service, with no app-side effects (``NoEffects``, what
``create_app`` runs without a domain): its groups lose it and say so in their version, and a
user in no group changes none (the service skips the membership step for it)."""

from __future__ import annotations

from pathlib import Path

from reference_server.service import resources_for
from reference_server.storage.sqlite import SqliteStore
from tests.support.scimtest import GROUP_URN, USER_URN


def test_deleting_a_user_changes_exactly_the_groups_it_was_in(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "scim.db")
    try:
        services = resources_for(store)
        users, groups = services["User"], services["Group"]
        member = users.create({"schemas": [USER_URN], "userName": "ann@example.com"})
        loner = users.create({"schemas": [USER_URN], "userName": "bob@example.com"})
        group = groups.create(
            {"schemas": [GROUP_URN], "displayName": "ops", "members": [{"value": member["id"]}]}
        )
        users.delete(loner["id"])
        assert groups.get(group["id"])["meta"] == group["meta"]
        users.delete(member["id"])
        after = groups.get(group["id"])
        assert after["meta"]["version"] != group["meta"]["version"]
        assert not after.get("members")
    finally:
        store.close()
