"""The storage contract: the same tests run against every Store implementation.

SCIM resources and the app-side domain's records (accounts, grants, rotations) alike. A new
backend (PostgreSQL, say) joins by adding its factory to ``STORES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reference_server.filters.parser import parse_filter
from reference_server.storage.base import Doc, Query, Store, UniquenessConflict, UnknownMember
from reference_server.storage.records import Account, DuplicateGrant, Grant, Rotation
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


def test_each_user_carries_exactly_its_groups_alone_or_in_a_page(store: Store) -> None:
    """A user in no group has no ``groups``; one in groups has them in group order, whether read
    by id, found alone by a filter, or in a page beside users in none."""
    with store.write() as tx:
        for i in range(1, 6):
            tx.insert("User", user(f"u{i}", f"user{i}@example.com"))
        tx.insert("Group", group("g1", "Team", ["u2", "u4"]))
        tx.insert("Group", group("g2", "Ops", ["u4"]))
    team = {"value": "g1", "display": "Team", "type": "direct"}
    ops = {"value": "g2", "display": "Ops", "type": "direct"}
    expected = {"u1": None, "u2": [team], "u3": None, "u4": [team, ops], "u5": None}
    with store.read() as tx:
        _, page = tx.search("User", Query())
        assert {doc["id"]: doc.get("groups") for doc in page} == expected
        for uid, groups in expected.items():
            got = tx.get("User", uid)
            assert got is not None and got.get("groups") == groups
            n = uid.removeprefix("u")
            total, found = tx.search("User", Query(filter=parse_filter(f'userName eq "user{n}@example.com"')))
            assert total == 1 and found[0].get("groups") == groups
        _, in_none = tx.search(
            "User", Query(filter=parse_filter('userName sw "user1" or userName sw "user3"'))
        )
        assert [doc["id"] for doc in in_none] == ["u1", "u3"]
        assert all("groups" not in doc for doc in in_none)
    with store.write() as tx:
        tx.update("Group", {**group("g1", "Team", []), "meta": _meta(2)})
    with store.read() as tx:
        assert [(doc["id"], doc.get("groups")) for doc in tx.search("User", Query())[1]] == [
            ("u1", None),
            ("u2", None),
            ("u3", None),
            ("u4", [ops]),
            ("u5", None),
        ]


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


# --- the app-side domain's records (storage/records.py) ----------------------------------------------

T0, T1, T2 = "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z", "2026-01-01T00:00:02.000Z"


def _directory(store: Store) -> None:
    """Users u1 (in g1) and u2, group g1, accounts: a1 privileged, a2 not, a3 privileged."""
    with store.write() as tx:
        tx.insert("User", user("u1", "a@example.com"))
        tx.insert("User", user("u2", "b@example.com"))
        tx.insert("Group", group("g1", "Team", ["u1"]))
        tx.insert_account(Account("a1", "root", True), "hash-1", T0)
        tx.insert_account(Account("a2", "wiki", False), "hash-2", T0)
        tx.insert_account(Account("a3", "prod", True), "hash-3", T0)


def test_accounts_are_kept_without_their_secret(store: Store) -> None:
    _directory(store)
    with store.read() as tx:
        assert tx.account("a1") == Account("a1", "root", True, 1)
        assert tx.account("nope") is None
        assert "hash" not in repr(tx.account("a1"))


def test_grants_direct_and_through_groups_in_the_order_made(store: Store) -> None:
    _directory(store)
    with store.write() as tx:
        tx.insert_grant(Grant("gr1", "a1", group_id="g1"), T0)
        tx.insert_grant(Grant("gr2", "a2", user_id="u1"), T1)
        tx.insert_grant(Grant("gr3", "a3", user_id="u2"), T1)
    with pytest.raises(DuplicateGrant), store.write() as tx:
        tx.insert_grant(Grant("gr4", "a2", user_id="u1"), T2)
    with store.read() as tx:
        assert tx.grants("u1") == [Grant("gr1", "a1", group_id="g1"), Grant("gr2", "a2", user_id="u1")]
        assert tx.grants("u2") == [Grant("gr3", "a3", user_id="u2")]
        assert tx.accounts_reached(user_id="u1") == ["a1", "a2"]
        assert tx.accounts_reached(user_id="u1", privileged=True) == ["a1"]
        assert tx.accounts_reached(user_id="u1", privileged=False) == ["a2"]
        assert tx.accounts_reached(group_id="g1", privileged=True) == ["a1"]


def test_deleting_grants_leaves_the_groups_ones(store: Store) -> None:
    _directory(store)
    with store.write() as tx:
        tx.insert_grant(Grant("gr1", "a1", group_id="g1"), T0)
        tx.insert_grant(Grant("gr2", "a2", user_id="u1"), T1)
        tx.delete_grants("u1")
    with store.read() as tx:
        assert tx.grants("u1") == [Grant("gr1", "a1", group_id="g1")]
    with store.write() as tx:
        tx.leave_all_groups("u1", T2)
    with store.read() as tx:
        assert tx.grants("u1") == []


def test_deleting_grants_names_the_accounts_they_granted(store: Store) -> None:
    """What a user in no group reached, from the one statement that removes its grants."""
    _directory(store)
    with store.write() as tx:
        tx.insert_grant(Grant("gr1", "a1", group_id="g1"), T0)
        for n, account in enumerate(("a3", "a2", "a1")):
            tx.insert_grant(Grant(f"u1-{n}", account, user_id="u1"), T1)
            tx.insert_grant(Grant(f"u2-{n}", account, user_id="u2"), T1)
    with store.write() as tx:
        assert tx.delete_grants("u2") == ["a1", "a2", "a3"] == tx.accounts_reached(user_id="u1")
        assert tx.delete_grants("u2") == []
        assert tx.delete_grants("u1", privileged=True) == ["a1", "a3"]
    with store.read() as tx:
        assert tx.grants("u2") == []
        assert tx.grants("u1") == [Grant("gr1", "a1", group_id="g1")]
    with store.write() as tx:
        tx.insert_grant(Grant("u1-again", "a2", user_id="u1"), T2)
        assert tx.delete_grants("u1", privileged=True) == []
        assert tx.delete_grants("u1", privileged=False) == []  # deleted all the same
        assert tx.accounts_reached(user_id="u1") == ["a1"]  # through g1


def test_deleting_a_resource_deletes_its_grants(store: Store) -> None:
    _directory(store)
    with store.write() as tx:
        tx.insert_grant(Grant("gr1", "a1", group_id="g1"), T0)
        tx.insert_grant(Grant("gr2", "a2", user_id="u2"), T0)
        tx.delete("Group", "g1")
        tx.delete("User", "u2")
        tx.mark_deleted("u2", T1)
    with store.read() as tx:
        assert tx.accounts_reached(user_id="u1") == []
        assert tx.grants("u2") == []
        assert tx.was_deleted("u2")
        assert not tx.was_deleted("u1")


def test_one_pending_rotation_per_account_until_it_completes(store: Store) -> None:
    _directory(store)
    with store.write() as tx:
        tx.schedule_rotations([Rotation("r1", "a1", "user_suspended", "u1", T0)])
        tx.schedule_rotations(
            [Rotation("r2", "a1", "user_deleted", "u2", T1), Rotation("r3", "a3", "user_deleted", "u2", T1)]
        )
    with store.read() as tx:
        assert [r.id for r in tx.rotations("a1")] == ["r1"]
        assert [r.id for r in tx.due_rotations(T0)] == ["r1"]
        assert [r.id for r in tx.due_rotations(T2)] == ["r1", "r3"]
    with store.write() as tx:
        tx.complete_rotation("r1", T2, "hash-new")
        tx.complete_rotation("r1", T2, "hash-again")  # completed already: nothing more
    with store.read() as tx:
        assert tx.rotations("a1") == [Rotation("r1", "a1", "user_suspended", "u1", T0, "completed", T2)]
        assert tx.account("a1") == Account("a1", "root", True, 2)
        assert [r.id for r in tx.due_rotations(T2)] == ["r3"]
    with store.write() as tx:  # a new one may wait now
        tx.schedule_rotations([Rotation("r4", "a1", "removed_from_group", "u1", T2)])
    with store.read() as tx:
        assert [r.id for r in tx.rotations("a1")] == ["r1", "r4"]


def test_a_failed_transaction_leaves_no_domain_record(store: Store) -> None:
    _directory(store)
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.insert_grant(Grant("gr1", "a1", user_id="u1"), T0)
        tx.schedule_rotations([Rotation("r1", "a1", "user_suspended", "u1", T0)])
        tx.mark_deleted("u2", T0)
        raise RuntimeError("boom")
    with store.read() as tx:
        assert tx.grants("u1") == []
        assert tx.rotations("a1") == []
        assert not tx.was_deleted("u2")
