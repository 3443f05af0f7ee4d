"""PATCH over real HTTP (RFC 7644 §3.5.2): every form, atomicity, and each error type."""

from __future__ import annotations

import httpx
import pytest

from tests.support.scimtest import (
    ENTERPRISE_URN,
    USER_URN,
    assert_scim_error,
    new_group,
    new_user,
    patch_body,
)


def patch(client: httpx.Client, user: dict, *ops: dict, path: str = "/Users") -> httpx.Response:
    return client.patch(f"{path}/{user['id']}", json=patch_body(*ops))


def full_user(client: httpx.Client) -> dict:
    return new_user(
        client,
        title="Engineer",
        name={"givenName": "Ana", "familyName": "Souza"},
        emails=[
            {"value": "ana@work.example.com", "type": "work", "primary": True},
            {"value": "ana@home.example.org", "type": "home"},
        ],
        schemas=[USER_URN, ENTERPRISE_URN],
        **{ENTERPRISE_URN: {"department": "Sales"}},
    )


FORMS = [
    ("add title", [{"op": "add", "path": "title", "value": "Lead"}], lambda u: u["title"] == "Lead"),
    (
        "replace sub-attribute",
        [{"op": "replace", "path": "name.givenName", "value": "Anna"}],
        lambda u: u["name"] == {"givenName": "Anna", "familyName": "Souza"},
    ),
    (
        "replace complex merges",
        [{"op": "replace", "path": "name", "value": {"familyName": "S."}}],
        lambda u: u["name"] == {"givenName": "Ana", "familyName": "S."},
    ),
    (
        "pathless replace",
        [{"op": "replace", "value": {"title": "CTO", "active": False}}],
        lambda u: u["title"] == "CTO" and u["active"] is False,
    ),
    (
        "pathless dotted keys (Entra)",
        [{"op": "replace", "value": {"name.familyName": "Lima"}}],
        lambda u: u["name"]["familyName"] == "Lima",
    ),
    (
        "capitalised op (Entra)",
        [{"op": "Replace", "path": "title", "value": "X"}],
        lambda u: u["title"] == "X",
    ),
    (
        "string boolean (Entra)",
        [{"op": "replace", "path": "active", "value": "False"}],
        lambda u: u["active"] is False,
    ),
    (
        "add to multi-valued appends",
        [{"op": "add", "path": "emails", "value": [{"value": "a3@example.com", "type": "other"}]}],
        lambda u: len(u["emails"]) == 3,
    ),
    (
        "value-path sub-attribute replace",
        [{"op": "replace", "path": 'emails[type eq "work"].value', "value": "new@work.example.com"}],
        lambda u: u["emails"][0]["value"] == "new@work.example.com",
    ),
    (
        "value-path remove",
        [{"op": "remove", "path": 'emails[type eq "home"]'}],
        lambda u: [e["type"] for e in u["emails"]] == ["work"],
    ),
    ("remove single-valued", [{"op": "remove", "path": "title"}], lambda u: "title" not in u),
    ("remove all of multi-valued", [{"op": "remove", "path": "emails"}], lambda u: "emails" not in u),
    # RFC 7644 §3.5.2.2: a removed single-valued attribute "SHALL be considered unassigned",
    # ``active`` too (only a PUT that omits it keeps the stored value).
    ("remove active", [{"op": "remove", "path": "active"}], lambda u: "active" not in u),
    (
        "whole extension restating its schemas",
        [{"op": "add", "path": ENTERPRISE_URN, "value": {"schemas": [ENTERPRISE_URN], "division": "W"}}],
        lambda u: u[ENTERPRISE_URN] == {"department": "Sales", "division": "W"},
    ),
    (
        "extension URN path",
        [{"op": "replace", "path": f"{ENTERPRISE_URN}:department", "value": "Ops"}],
        lambda u: u[ENTERPRISE_URN]["department"] == "Ops",
    ),
    (
        "extension manager",
        [{"op": "add", "path": f"{ENTERPRISE_URN}:manager", "value": {"value": "m-1"}}],
        lambda u: u[ENTERPRISE_URN]["manager"] == {"value": "m-1"},
    ),
    (
        "primary moves",
        [{"op": "replace", "path": 'emails[type eq "home"].primary', "value": True}],
        lambda u: [e.get("primary") for e in u["emails"]] == [False, True],
    ),
    (
        "several ops in order",
        [{"op": "replace", "path": "title", "value": "A"}, {"op": "replace", "path": "title", "value": "B"}],
        lambda u: u["title"] == "B",
    ),
]


@pytest.mark.parametrize(("label", "ops", "check"), FORMS, ids=[f[0] for f in FORMS])
def test_patch_forms(client: httpx.Client, label: str, ops: list[dict], check) -> None:  # type: ignore[no-untyped-def]
    user = full_user(client)
    response = patch(client, user, *ops)
    assert response.status_code == 200, response.text
    body = response.json()
    assert check(body), body
    assert client.get(f"/Users/{user['id']}").json() == body
    assert body["meta"]["version"] != user["meta"]["version"]


ERRORS = [
    ("remove without path", [{"op": "remove"}], 400, "noTarget"),
    (
        "replace value path with no match",
        [{"op": "replace", "path": 'emails[type eq "pager"].value', "value": "x"}],
        400,
        "noTarget",
    ),
    ("unknown attribute", [{"op": "replace", "path": "nosuch", "value": "x"}], 400, "invalidPath"),
    (
        "malformed path",
        [{"op": "replace", "path": 'emails[type eq "work"', "value": "x"}],
        400,
        "invalidPath",
    ),
    ("read-only id", [{"op": "replace", "path": "id", "value": "mine"}], 400, "mutability"),
    ("read-only groups", [{"op": "add", "path": "groups", "value": [{"value": "g"}]}], 400, "mutability"),
    ("remove required userName", [{"op": "remove", "path": "userName"}], 400, "mutability"),
    ("unknown op", [{"op": "move", "path": "title", "value": "x"}], 400, "invalidSyntax"),
    ("wrong value type", [{"op": "replace", "path": "active", "value": "perhaps"}], 400, "invalidValue"),
]


@pytest.mark.parametrize(("label", "ops", "status", "scim_type"), ERRORS, ids=[e[0] for e in ERRORS])
def test_patch_errors(client: httpx.Client, label: str, ops: list[dict], status: int, scim_type: str) -> None:
    user = full_user(client)
    assert_scim_error(patch(client, user, *ops), status, scim_type)
    assert client.get(f"/Users/{user['id']}").json() == user


def test_patch_is_atomic(client: httpx.Client) -> None:
    """RFC 7644 §3.5.2: on any error the resource is left exactly as it was."""
    user = full_user(client)
    response = patch(
        client,
        user,
        {"op": "replace", "path": "title", "value": "Changed"},
        {"op": "remove", "path": "emails"},
        {"op": "replace", "path": "nosuch", "value": 1},
    )
    assert_scim_error(response, 400, "invalidPath")
    assert client.get(f"/Users/{user['id']}").json() == user


def test_patch_message_must_be_a_patch_op(client: httpx.Client) -> None:
    user = new_user(client)
    no_schema = client.patch(
        f"/Users/{user['id']}", json={"Operations": [{"op": "add", "path": "title", "value": "x"}]}
    )
    assert_scim_error(no_schema, 400, "invalidSyntax")
    empty = client.patch(f"/Users/{user['id']}", json=patch_body())
    assert_scim_error(empty, 400, "invalidSyntax")


def test_no_op_patch_keeps_last_modified_and_version(client: httpx.Client) -> None:
    user = full_user(client)
    again = patch(
        client,
        user,
        {"op": "add", "path": "emails", "value": [{"value": "ana@work.example.com", "type": "work"}]},
    )
    assert again.status_code == 200
    assert again.json()["meta"]["lastModified"] == user["meta"]["lastModified"]
    assert again.headers["etag"] == user["meta"]["version"]
    same = patch(client, user, {"op": "replace", "path": "title", "value": "Engineer"})
    assert same.json()["meta"]["version"] == user["meta"]["version"]


def test_group_membership_patches(client: httpx.Client) -> None:
    a, b, c = (new_user(client) for _ in range(3))
    group = new_group(client, members=[a["id"]])
    added = patch(
        client,
        group,
        {"op": "add", "path": "members", "value": [{"value": b["id"]}, {"value": c["id"]}]},
        path="/Groups",
    )
    assert {m["value"] for m in added.json()["members"]} == {a["id"], b["id"], c["id"]}
    removed = patch(client, group, {"op": "remove", "path": f'members[value eq "{b["id"]}"]'}, path="/Groups")
    assert {m["value"] for m in removed.json()["members"]} == {a["id"], c["id"]}
    entra = patch(
        client, group, {"op": "Remove", "path": "members", "value": [{"value": a["id"]}]}, path="/Groups"
    )
    assert [m["value"] for m in entra.json()["members"]] == [c["id"]]
    renamed = patch(
        client,
        group,
        {"op": "replace", "value": {"displayName": group["displayName"] + " (renamed)"}},
        path="/Groups",
    )
    assert renamed.json()["displayName"].endswith("(renamed)")
    unknown = patch(
        client, group, {"op": "add", "path": "members", "value": [{"value": "ghost"}]}, path="/Groups"
    )
    assert_scim_error(unknown, 400, "invalidValue")
    assert [m["value"] for m in client.get(f"/Groups/{group['id']}").json()["members"]] == [c["id"]]


def test_patch_response_honours_attributes(client: httpx.Client) -> None:
    user = full_user(client)
    response = client.patch(
        f"/Users/{user['id']}",
        params={"attributes": "title"},
        json=patch_body({"op": "replace", "path": "title", "value": "Z"}),
    )
    assert response.status_code == 200
    # userName is returned "default" (RFC 7643 §8.7.1): not asked for, so left out.
    assert set(response.json()) == {"schemas", "id", "title"}
