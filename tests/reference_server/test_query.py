"""Querying over real HTTP (RFC 7644 §3.4.2–§3.4.3): every operator, logic, value paths, case
rules, sorting, paging edges, projection and ``.search``."""

from __future__ import annotations

import httpx
import pytest

from tests.support.scimtest import ENTERPRISE_URN, GROUP_URN, USER_URN, assert_scim_error

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

PEOPLE = [
    # userName, given, family, externalId, active, title, emails[(value, type)], department
    (
        "ana.souza@example.com",
        "Ana",
        "Souza",
        "E-001",
        True,
        "Engineer",
        [("ana.souza@example.com", "work"), ("ana@home.org", "home")],
        "Sales",
    ),
    ("Bo.Lee@Example.com", "Bo", "Lee", "e-002", True, "Manager", [("bo.lee@example.com", "work")], "Ops"),
    (
        "carla.o'brien@example.org",
        "Carla",
        "O'Brien",
        "E-003",
        False,
        "engineer",
        [("carla@example.org", "work")],
        "Sales",
    ),
    ("dmitri@example.net", "Dmitri", "Ivanov", None, True, None, [], None),
    (
        "Élodie.martin@example.com",
        "Élodie",
        "Martin",
        "E-005",
        True,
        "Designer",
        [("elodie@example.com", "other")],
        "Design",
    ),
]


@pytest.fixture(scope="module")
def directory(server) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """userName → created user; one group holding the first two."""
    out: dict[str, dict] = {}
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": "Bearer test-token-a1b2c3"}
    ) as client:
        for user_name, given, family, ext, active, title, emails, dept in PEOPLE:
            body: dict = {
                "schemas": [USER_URN, ENTERPRISE_URN],
                "userName": user_name,
                "name": {"givenName": given, "familyName": family},
                "active": active,
                "emails": [{"value": v, "type": t} for v, t in emails],
                "password": "never-returned",
            }
            if ext:
                body["externalId"] = ext
            if title:
                body["title"] = title
            if dept:
                body[ENTERPRISE_URN] = {"department": dept}
            response = client.post("/Users", json=body)
            assert response.status_code == 201, response.text
            out[user_name] = response.json()
        members = [{"value": out[PEOPLE[0][0]]["id"]}, {"value": out[PEOPLE[1][0]]["id"]}]
        group = client.post(
            "/Groups", json={"schemas": [GROUP_URN], "displayName": "Query Team", "members": members}
        )
        assert group.status_code == 201
        out["group"] = group.json()
    return out


def names(client: httpx.Client, filter_: str, **params: object) -> list[str]:
    response = client.get("/Users", params={"filter": filter_, "count": 100, **params})
    assert response.status_code == 200, response.text
    return sorted(r["userName"] for r in response.json()["Resources"])


ANA, BO, CARLA, DMITRI, ELODIE = (p[0] for p in PEOPLE)


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ('userName eq "ANA.SOUZA@EXAMPLE.COM"', [ANA]),
        ('userName ne "ana.souza@example.com"', [BO, CARLA, DMITRI, ELODIE]),
        ('userName co "LEE"', [BO]),
        ('userName sw "ana"', [ANA]),
        ('userName ew ".ORG"', [CARLA]),
        ("title pr", [ANA, BO, CARLA, ELODIE]),
        ('userName gt "d"', [DMITRI, ELODIE]),
        ('userName ge "dmitri@example.net"', [DMITRI, ELODIE]),
        ('userName lt "bo"', [ANA]),
        ('userName le "bo.lee@example.com"', [ANA, BO]),
        ('externalId eq "E-002"', []),
        ('externalId eq "e-002"', [BO]),
        ('title eq "ENGINEER"', [ANA, CARLA]),
        ("active eq false", [CARLA]),
        ('name.familyName eq "o\'brien"', [CARLA]),
        ('emails co "home.org"', [ANA]),
        ('emails.value ew "example.com"', [ANA, BO, ELODIE]),
        ('emails[type eq "work" and value co "@example.com"]', [ANA, BO]),
        ('emails[type eq "home"]', [ANA]),
        ('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales"', [ANA, CARLA]),
        ('title eq "Engineer" and active eq true', [ANA]),
        ('title eq "Manager" or name.givenName eq "Dmitri"', [BO, DMITRI]),
        ("not (title pr)", [DMITRI]),
        ('(title eq "engineer" or title eq "designer") and not (active eq false)', [ANA, ELODIE]),
        ('USERNAME EQ "dmitri@example.net"', [DMITRI]),
        ('userName eq "élodie.martin@example.com"', [ELODIE]),
        ('meta.created gt "2000-01-01T00:00:00Z"', [ANA, BO, CARLA, DMITRI, ELODIE]),
        ('meta.lastModified lt "2000-01-01T00:00:00+01:00"', []),
    ],
)
def test_filters(client: httpx.Client, directory: dict, filter_: str, expected: list[str]) -> None:
    assert names(client, filter_) == sorted(expected)


def test_group_members_filter(client: httpx.Client, directory: dict) -> None:
    ana = directory[ANA]["id"]
    body = client.get("/Groups", params={"filter": f'members[value eq "{ana}"]'}).json()
    assert [g["displayName"] for g in body["Resources"]] == ["Query Team"]
    by_user = client.get("/Users", params={"filter": f'groups.value eq "{directory["group"]["id"]}"'}).json()
    assert sorted(r["userName"] for r in by_user["Resources"]) == sorted([ANA, BO])


@pytest.mark.parametrize(
    ("filter_", "why"),
    [
        ("userName eq", "missing value"),
        ('userName zz "a"', "unknown operator"),
        ('(userName eq "a"', "unbalanced"),
        ("active gt true", "ordering on a boolean"),
        ('nosuchattr eq "x"', "unknown attribute"),
        ('userName eq "a" and', "dangling and"),
    ],
)
def test_bad_filters_are_400_invalid_filter(
    client: httpx.Client, directory: dict, filter_: str, why: str
) -> None:
    assert_scim_error(client.get("/Users", params={"filter": filter_}), 400, "invalidFilter")


def test_sort_by_user_name_both_ways(client: httpx.Client, directory: dict) -> None:
    asc = client.get("/Users", params={"sortBy": "userName"}).json()["Resources"]
    desc = client.get("/Users", params={"sortBy": "userName", "sortOrder": "descending"}).json()["Resources"]
    # caseExact=false: "Bo.Lee" sorts with the b's, "Élodie" after "dmitri" by its folded form.
    expected = sorted((p[0] for p in PEOPLE), key=str.casefold)
    assert [r["userName"] for r in asc] == expected
    assert [r["userName"] for r in desc] == expected[::-1]


def test_sort_by_sub_attribute_and_date(client: httpx.Client, directory: dict) -> None:
    family = [
        r["name"]["familyName"]
        for r in client.get("/Users", params={"sortBy": "name.familyName"}).json()["Resources"]
    ]
    assert family == sorted(family, key=str.casefold)
    created = [
        r["meta"]["created"]
        for r in client.get("/Users", params={"sortBy": "meta.created"}).json()["Resources"]
    ]
    assert created == sorted(created)


def test_paging_edges(client: httpx.Client, directory: dict) -> None:
    total = 5
    zero = client.get("/Users", params={"startIndex": 0, "count": 2}).json()
    assert zero["startIndex"] == 1 and zero["itemsPerPage"] == 2
    negative_start = client.get("/Users", params={"startIndex": -5, "count": 1}).json()
    assert negative_start["startIndex"] == 1
    only_total = client.get("/Users", params={"count": 0}).json()
    assert only_total["totalResults"] == total and "Resources" not in only_total
    negative_count = client.get("/Users", params={"count": -3}).json()
    assert negative_count["totalResults"] == total and negative_count["itemsPerPage"] == 0
    past = client.get("/Users", params={"startIndex": 99}).json()
    assert past["totalResults"] == total and past["Resources"] == []
    last = client.get("/Users", params={"startIndex": 5, "count": 10}).json()
    assert last["itemsPerPage"] == 1


def test_attributes_and_excluded_attributes_on_lists(client: httpx.Client, directory: dict) -> None:
    only = client.get(
        "/Users", params={"filter": f'userName eq "{ANA}"', "attributes": "name.familyName,emails"}
    ).json()
    resource = only["Resources"][0]
    # userName is returned "default" (RFC 7643 §8.7.1): not named, so left out (issue 12 ruling 1).
    assert set(resource) == {"schemas", "id", "name", "emails"}
    assert resource["name"] == {"familyName": "Souza"}
    urn = client.get(
        "/Users", params={"filter": f'userName eq "{ANA}"', "attributes": f"{ENTERPRISE_URN}:department"}
    ).json()["Resources"][0]
    assert urn[ENTERPRISE_URN] == {"department": "Sales"}
    without = client.get(
        "/Users", params={"filter": f'userName eq "{ANA}"', "excludedAttributes": "emails,meta,id"}
    ).json()
    resource = without["Resources"][0]
    assert "emails" not in resource and "meta" not in resource
    assert resource["id"] == directory[ANA]["id"]  # returned "always"
    assert resource["userName"] == ANA  # returned "default" and not excluded
    no_name = client.get(f"/Users/{directory[ANA]['id']}", params={"excludedAttributes": "userName"}).json()
    assert "userName" not in no_name and no_name["id"] == directory[ANA]["id"]


def test_password_is_never_returned_even_when_asked(client: httpx.Client, directory: dict) -> None:
    body = client.get(f"/Users/{directory[ANA]['id']}", params={"attributes": "password,userName"}).json()
    assert "password" not in body
    assert body["userName"] == ANA


def test_attributes_on_every_verb(client: httpx.Client, directory: dict) -> None:
    params = {"attributes": "userName"}
    created = client.post(
        "/Users", params=params, json={"schemas": [USER_URN], "userName": "proj@example.com", "title": "x"}
    )
    assert created.status_code == 201
    assert set(created.json()) == {"schemas", "id", "userName"}
    uid = created.json()["id"]
    got = client.get(f"/Users/{uid}", params={"excludedAttributes": "title"}).json()
    assert "title" not in got and got["meta"]
    put = client.put(
        f"/Users/{uid}",
        params=params,
        json={"schemas": [USER_URN], "userName": "proj@example.com", "title": "y"},
    )
    assert set(put.json()) == {"schemas", "id", "userName"}
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "value": "z"}],
    }
    patched = client.patch(f"/Users/{uid}", params={"attributes": "title"}, json=patch)
    assert patched.status_code == 200
    assert patched.json()["title"] == "z" and "meta" not in patched.json()
    client.delete(f"/Users/{uid}")


def test_search_on_users_groups_and_root(client: httpx.Client, directory: dict) -> None:
    users = client.post(
        "/Users/.search",
        json={
            "schemas": [SEARCH],
            "filter": 'title eq "engineer"',
            "sortBy": "userName",
            "attributes": ["userName"],
        },
    )
    assert users.status_code == 200
    assert [r["userName"] for r in users.json()["Resources"]] == [ANA, CARLA]
    groups = client.post(
        "/Groups/.search", json={"schemas": [SEARCH], "filter": 'displayName eq "query team"'}
    ).json()
    assert groups["totalResults"] == 1
    root = client.post(
        "/.search", json={"schemas": [SEARCH], "filter": 'displayName pr or userName eq "dmitri@example.net"'}
    ).json()
    kinds = sorted(r["meta"]["resourceType"] for r in root["Resources"])
    assert kinds == ["Group", "User"]
    paged = client.post(
        "/.search",
        json={
            "schemas": [SEARCH],
            "startIndex": 2,
            "count": 1,
            "filter": 'displayName pr or userName eq "dmitri@example.net"',
        },
    ).json()
    assert paged["totalResults"] == 2 and paged["Resources"][0]["meta"]["resourceType"] == "Group"


def test_search_request_needs_its_schema(client: httpx.Client, directory: dict) -> None:
    assert_scim_error(client.post("/Users/.search", json={"filter": "userName pr"}), 400, "invalidSyntax")
    assert_scim_error(
        client.post("/.search", json={"schemas": [SEARCH], "filter": "nosuch pr"}), 400, "invalidFilter"
    )


def test_a_filter_matching_too_many_is_400_too_many(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reference_server.embedded import EmbeddedServer
    from tests.support.scimtest import make_config, scim_client

    with (
        EmbeddedServer(make_config(tmp_path / "s.db", max_filter_matches=3)) as server,
        scim_client(server) as client,
    ):
        for i in range(4):
            client.post("/Users", json={"schemas": [USER_URN], "userName": f"many{i}@example.com"})
        assert_scim_error(client.get("/Users", params={"filter": "userName pr"}), 400, "tooMany")
        assert client.get("/Users", params={"filter": 'userName sw "many1"'}).json()["totalResults"] == 1
        # Without a filter, paging is the way through a large directory: no tooMany.
        assert client.get("/Users", params={"count": 2}).json()["totalResults"] == 4
