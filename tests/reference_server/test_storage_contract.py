"""The storage contract: the same tests run against every Store implementation.

A new backend (PostgreSQL, say) joins by adding its factory to ``STORES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reference_server.storage.base import Doc, Query, Store, UniquenessConflict, UnknownMember
from reference_server.storage.sqlite import SqliteStore

STORES: dict[str, Callable[[Path], Store]] = {
    "sqlite-file": lambda tmp: SqliteStore(tmp / "contract.db"),
    "sqlite-memory": lambda tmp: SqliteStore(":memory:"),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = STORES[request.param](tmp_path)
    yield s
    s.close()


def _meta(version: int = 1, ts: str = "2026-01-01T00:00:00.000Z") -> dict:
    return {"resourceType": "User", "created": ts, "lastModified": ts, "version": f'W/"{version}"'}


def user(uid: str, name: str, **attrs: object) -> Doc:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": uid,
        "userName": name,
        "meta": _meta(),
        **attrs,
    }


def group(gid: str, name: str, members: list[str]) -> Doc:
    meta = {**_meta(), "resourceType": "Group"}
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": gid,
        "displayName": name,
        "meta": meta,
        "members": [{"value": m} for m in members],
    }


def test_insert_then_get_returns_the_document(store: Store) -> None:
    doc = user("u1", "Ana@Example.com", emails=[{"value": "ana@example.com"}])
    with store.write() as tx:
        tx.insert("User", doc)
    with store.read() as tx:
        assert tx.get("User", "u1") == doc
        assert tx.get("User", "nope") is None


def test_user_name_is_unique_case_insensitively(store: Store) -> None:
    with store.write() as tx:
        tx.insert("User", user("u1", "ana@example.com"))
    with pytest.raises(UniquenessConflict) as info, store.write() as tx:
        tx.insert("User", user("u2", "ANA@example.com"))
    assert info.value.attribute == "userName"


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.insert("User", user("u1", "a@example.com"))
        raise RuntimeError("boom")
    with store.read() as tx:
        assert tx.get("User", "u1") is None


def test_update_and_delete(store: Store) -> None:
    with store.write() as tx:
        tx.insert("User", user("u1", "a@example.com"))
    changed = {**user("u1", "b@example.com", title="T"), "meta": _meta(2)}
    with store.write() as tx:
        tx.update("User", changed)
    with store.read() as tx:
        assert tx.get("User", "u1") == changed
    with store.write() as tx:
        assert tx.delete("User", "u1") is True
        assert tx.delete("User", "u1") is False
    with store.write() as tx:  # the userName is free again
        tx.insert("User", user("u2", "b@example.com"))


def test_members_and_derived_groups(store: Store) -> None:
    with store.write() as tx:
        tx.insert("User", user("u1", "a@example.com", displayName="Ana"))
        tx.insert("User", user("u2", "b@example.com"))
        tx.insert("Group", group("g1", "Team", ["u1", "u2"]))
    with store.read() as tx:
        g = tx.get("Group", "g1")
        assert g is not None
        assert g["members"] == [
            {"value": "u1", "display": "Ana", "type": "User"},
            {"value": "u2", "display": "b@example.com", "type": "User"},
        ]
        u = tx.get("User", "u1")
        assert u is not None
        assert u["groups"] == [{"value": "g1", "display": "Team", "type": "direct"}]
        assert tx.group_ids_of("u2") == ["g1"]
    with store.write() as tx:
        tx.update("Group", {**group("g1", "Team", ["u2"]), "meta": _meta(2)})
    with store.read() as tx:
        assert tx.group_ids_of("u1") == []
        assert tx.missing_users(["u1", "zz", "u2", "zz"]) == ["zz"]


def test_unknown_member_is_refused(store: Store) -> None:
    with pytest.raises(UnknownMember), store.write() as tx:
        tx.insert("Group", group("g1", "Team", ["ghost"]))
    with store.read() as tx:
        assert tx.get("Group", "g1") is None


def test_a_member_keeps_the_display_it_joined_with(store: Store) -> None:
    """RFC 7643 §4.2: member sub-attributes are immutable. A display given when a member joins
    (insert, update, change_members) is kept; one given for a member already there is not; a
    member with none shows the user's displayName or userName; leaving drops it."""
    with store.write() as tx:
        tx.insert("User", user("u1", "a@example.com", displayName="Ana"))
        tx.insert("User", user("u2", "b@example.com"))
        tx.insert("User", user("u3", "c@example.com"))
        doc = group("g1", "Team", ["u1", "u2"])
        doc["members"][0]["display"] = "Ana S."
        tx.insert("Group", doc)
    with store.read() as tx:
        g = tx.get("Group", "g1")
        assert g is not None
        assert [m["display"] for m in g["members"]] == ["Ana S.", "b@example.com"]
    with store.write() as tx:
        doc = {**group("g1", "Team", ["u1", "u3"]), "meta": _meta(2)}
        doc["members"][0]["display"] = "changed"
        doc["members"][1]["display"] = "Carla"
        tx.update("Group", doc)
        tx.change_members("g1", ["u2"], ["u3"], "2026-01-02T00:00:00.000Z", {"u2": "Bo", "u1": "again"})
        tx.change_members("g1", ["u3"], [], "2026-01-03T00:00:00.000Z")
    with store.read() as tx:
        g = tx.get("Group", "g1")
        assert g is not None
        assert {m["value"]: m["display"] for m in g["members"]} == {
            "u1": "Ana S.",
            "u2": "Bo",
            "u3": "c@example.com",
        }


def test_deleting_a_user_drops_their_memberships(store: Store) -> None:
    with store.write() as tx:
        tx.insert("User", user("u1", "a@example.com"))
        tx.insert("Group", group("g1", "Team", ["u1"]))
        tx.delete("User", "u1")
    with store.read() as tx:
        g = tx.get("Group", "g1")
        assert g is not None and "members" not in g


def test_search_pages_in_insertion_order(store: Store) -> None:
    with store.write() as tx:
        for i in range(7):
            tx.insert("User", user(f"u{i}", f"user{i}@example.com"))
    with store.read() as tx:
        total, page = tx.search("User", Query(start_index=3, count=2))
        assert total == 7
        assert [d["id"] for d in page] == ["u2", "u3"]
        assert tx.search("User", Query(count=0)) == (7, [])
        assert tx.search("User", Query(start_index=8, count=5)) == (7, [])
