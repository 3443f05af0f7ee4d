"""``attributes`` / ``excludedAttributes`` and the ``returned`` rules (RFC 7644 §3.4.2.5, §3.9;
RFC 7643 §7), as a pure function over stored resources (Q-11, R-10, R-11, X-02)."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from reference_server.projection import parse_attribute_list, project
from schemas.definitions import GROUP_TYPE, USER, USER_TYPE, Attribute, ResourceSchema, ResourceType

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def user() -> dict[str, Any]:
    return {
        "schemas": [CORE, ENT],
        "id": "2819c223",
        "externalId": "bjensen",
        "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z", "version": 'W/"1"'},
        "userName": "bjensen",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "displayName": "Babs",
        "active": True,
        "password": "t1meMach1ne",
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home"},
        ],
        "groups": [{"value": "g1", "display": "Tour Guides"}],
        ENT: {"employeeNumber": "701984", "department": "Tour Operations", "manager": {"value": "26118915"}},
    }


def group() -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba",
        "displayName": "Tour Guides",
        "members": [{"value": "2819c223", "display": "Babs", "type": "User"}],
        "meta": {"resourceType": "Group"},
    }


# -- parse_attribute_list -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        (" , ,", None),
        ("userName", ["userName"]),
        ("userName, name.familyName ,emails", ["userName", "name.familyName", "emails"]),
        ("displayName,,members", ["displayName", "members"]),
        (f"{ENT}:department", [f"{ENT}:department"]),
    ],
)
def test_parse_attribute_list(text: str | None, expected: list[str] | None) -> None:
    assert parse_attribute_list(text) == expected


# -- default set ------------------------------------------------------------------------------------


def test_default_drops_never_and_keeps_everything_else() -> None:
    """R-10: password (returned=never) is in no response."""
    stored = user()
    out = project(stored, USER_TYPE)
    expected = user()
    del expected["password"]
    assert out == expected


def test_output_is_a_new_dict_and_input_is_untouched() -> None:
    stored = user()
    before = copy.deepcopy(stored)
    out = project(stored, USER_TYPE, ["name"])
    out["name"]["givenName"] = "changed"
    assert stored == before


# -- attributes ----------------------------------------------------------------------------------------


def test_attributes_keep_only_listed_plus_always() -> None:
    """R-11: id and schemas come back although not listed; userName (RFC 7643 §8.7.1) and meta
    are returned=default, so they do not (issue 12 ruling 1)."""
    out = project(user(), USER_TYPE, ["displayName"])
    assert out == {"schemas": [CORE, ENT], "id": "2819c223", "displayName": "Babs"}


def test_attributes_name_leaves_user_name_out() -> None:
    """Ruling 1 (issue 12): ``attributes=name`` answers schemas, id and name; no userName."""
    out = project(user(), USER_TYPE, ["name"])
    assert out == {"schemas": [CORE, ENT], "id": "2819c223", "name": user()["name"]}


def test_attributes_never_returns_password_even_when_asked() -> None:
    """R-10 / RFC 7643 §7: "never" wins over attributes."""
    out = project(user(), USER_TYPE, ["password", "active"])
    assert "password" not in out
    assert out["active"] is True


def test_attributes_sub_attribute_of_complex() -> None:
    out = project(user(), USER_TYPE, ["name.familyName"])
    assert out["name"] == {"familyName": "Jensen"}
    assert "displayName" not in out


def test_attributes_sub_attribute_of_multi_valued() -> None:
    out = project(user(), USER_TYPE, ["emails.value"])
    assert out["emails"] == [{"value": "bjensen@example.com"}, {"value": "babs@jensen.org"}]


def test_attributes_parent_and_sub_means_whole_parent() -> None:
    out = project(user(), USER_TYPE, ["name.givenName", "name"])
    assert out["name"] == {"familyName": "Jensen", "givenName": "Barbara"}


def test_attributes_two_subs_of_one_parent() -> None:
    out = project(user(), USER_TYPE, ["emails.type", "emails.primary"])
    assert out["emails"] == [{"type": "work", "primary": True}, {"type": "home"}]


def test_attributes_full_urn_path_of_core_attribute() -> None:
    out = project(user(), USER_TYPE, [f"{CORE}:displayName", f"{CORE}:name.givenName"])
    assert out["displayName"] == "Babs"
    assert out["name"] == {"givenName": "Barbara"}


def test_attributes_extension_attribute_by_urn_path() -> None:
    """M-08 / RFC 7644 §3.10: extension attributes are named with their full URN path."""
    out = project(user(), USER_TYPE, [f"{ENT}:department"])
    assert out[ENT] == {"department": "Tour Operations"}
    assert set(out) == {"schemas", "id", ENT}


def test_attributes_extension_sub_attribute_by_urn_path() -> None:
    out = project(user(), USER_TYPE, [f"{ENT}:manager.value"])
    assert out[ENT] == {"manager": {"value": "26118915"}}


def test_attributes_extension_urn_alone_is_the_whole_extension() -> None:
    out = project(user(), USER_TYPE, [ENT])
    assert out[ENT] == user()[ENT]
    assert "displayName" not in out


def test_attributes_core_urn_alone_is_every_core_attribute() -> None:
    out = project(user(), USER_TYPE, [CORE])
    assert "displayName" in out
    assert "emails" in out
    assert ENT not in out
    assert "password" not in out


def test_attributes_without_extension_keeps_schemas_as_stored() -> None:
    """Ruling: schemas lists the resource's schemas, so it is kept as stored."""
    out = project(user(), USER_TYPE, ["userName"])
    assert out["schemas"] == [CORE, ENT]
    assert ENT not in out


def test_attributes_meta_is_returned_default() -> None:
    assert "meta" not in project(user(), USER_TYPE, ["userName"])
    assert project(user(), USER_TYPE, ["meta"])["meta"] == user()["meta"]
    assert project(user(), USER_TYPE, ["meta.resourceType"])["meta"] == {"resourceType": "User"}


def test_attributes_are_case_insensitive_and_output_canonical() -> None:
    """R-05 / RFC 7643 §2.1: names are case-insensitive; the output keeps the schema's spelling."""
    out = project(user(), USER_TYPE, ["DISPLAYNAME", "Name.FamilyName", f"{ENT.upper()}:DEPARTMENT"])
    assert out["displayName"] == "Babs"
    assert out["name"] == {"familyName": "Jensen"}
    assert out[ENT] == {"department": "Tour Operations"}


def test_resource_keys_in_odd_case_are_matched_and_canonicalised() -> None:
    stored = {
        "schemas": [CORE],
        "ID": "1",
        "USERNAME": "x",
        "Name": {"GIVENNAME": "a"},
        ENT.lower(): {"Department": "d"},
    }
    out = project(stored, USER_TYPE, ["name.givenName", f"{ENT}:department"])
    assert out == {"schemas": [CORE], "id": "1", "name": {"givenName": "a"}, ENT: {"department": "d"}}
    assert project(stored, USER_TYPE, ["USERNAME"])["userName"] == "x"


def test_unknown_names_are_ignored() -> None:
    """RFC 7644 §3.4.2.5 names no error: unknown names select nothing."""
    out = project(user(), USER_TYPE, ["nope", "name.nope", "urn:example:nope:attr", "displayName"])
    assert out == {"schemas": [CORE, ENT], "id": "2819c223", "displayName": "Babs"}


def test_attributes_naming_only_unknown_names_leaves_always_ones() -> None:
    out = project(user(), USER_TYPE, ["nope"])
    assert out == {"schemas": [CORE, ENT], "id": "2819c223"}


def test_attributes_absent_attribute_is_not_invented() -> None:
    out = project(user(), USER_TYPE, ["nickName", "addresses"])
    assert "nickName" not in out
    assert "addresses" not in out


def test_group_attributes() -> None:
    out = project(group(), GROUP_TYPE, ["displayName"])
    assert out == {"schemas": group()["schemas"], "id": "e9e30dba", "displayName": "Tour Guides"}


# -- excludedAttributes --------------------------------------------------------------------------------


def test_excluded_members_entra_group_read() -> None:
    """Entra reads groups with excludedAttributes=members."""
    out = project(group(), GROUP_TYPE, excluded=["members"])
    expected = group()
    del expected["members"]
    assert out == expected


def test_excluded_cannot_remove_always() -> None:
    """RFC 7644 §3.4.2.5: excludedAttributes "SHALL have no effect on" returned=always (id,
    schemas); userName is returned=default (RFC 7643 §8.7.1), so excluding it removes it."""
    out = project(user(), USER_TYPE, excluded=["id", "userName", "schemas", "displayName"])
    assert out["id"] == "2819c223"
    assert "userName" not in out
    assert out["schemas"] == [CORE, ENT]
    assert "displayName" not in out


def test_excluded_sub_attribute() -> None:
    out = project(user(), USER_TYPE, excluded=["name.givenName", "emails.primary"])
    assert out["name"] == {"familyName": "Jensen"}
    assert out["emails"] == [
        {"value": "bjensen@example.com", "type": "work"},
        {"value": "babs@jensen.org", "type": "home"},
    ]


def test_excluding_every_sub_attribute_omits_the_parent() -> None:
    out = project(user(), USER_TYPE, excluded=["name.givenName", "name.familyName"])
    assert "name" not in out


def test_excluded_extension_urn_alone_drops_the_extension() -> None:
    out = project(user(), USER_TYPE, excluded=[ENT])
    assert ENT not in out
    assert out["schemas"] == [CORE, ENT]


def test_excluded_extension_attribute() -> None:
    out = project(user(), USER_TYPE, excluded=[f"{ENT}:manager", f"{ENT}:employeeNumber"])
    assert out[ENT] == {"department": "Tour Operations"}


def test_excluding_all_extension_attributes_omits_the_object() -> None:
    names = [f"{ENT}:{a}" for a in ("employeeNumber", "department", "manager")]
    assert ENT not in project(user(), USER_TYPE, excluded=names)


def test_excluded_is_case_insensitive() -> None:
    out = project(user(), USER_TYPE, excluded=["EMAILS", "meta.VERSION"])
    assert "emails" not in out
    assert out["meta"] == {"resourceType": "User", "created": "2024-01-01T00:00:00Z"}


def test_excluded_unknown_names_are_ignored() -> None:
    out = project(user(), USER_TYPE, excluded=["nope", "name.nope"])
    assert out == project(user(), USER_TYPE)


def test_excluded_password_stays_out() -> None:
    assert "password" not in project(user(), USER_TYPE, excluded=["displayName"])


# -- both parameters ----------------------------------------------------------------------------------


def test_attributes_then_excluded() -> None:
    """Ruling: attributes selects, then excludedAttributes removes."""
    out = project(user(), USER_TYPE, ["name", "displayName"], ["name.givenName", "userName"])
    assert out == {
        "schemas": [CORE, ENT],
        "id": "2819c223",
        "name": {"familyName": "Jensen"},
        "displayName": "Babs",
    }


def test_excluded_whole_attribute_beats_listed_sub_attribute() -> None:
    out = project(user(), USER_TYPE, ["emails.value"], ["emails"])
    assert "emails" not in out


# -- returned=request ----------------------------------------------------------------------------------


def _with_request_attribute() -> ResourceType:
    """USER_TYPE plus a returned=request attribute and sub-attribute (the stock schemas have none)."""
    secret = Attribute("secretCode", returned="request")
    badge = Attribute(
        "badge",
        type="complex",
        sub_attributes=(Attribute("number"), Attribute("pin", returned="request")),
    )
    schema = ResourceSchema(USER.id, USER.name, USER.description, (*USER.attributes, secret, badge))
    return replace(USER_TYPE, schema=schema)


def test_request_attribute_only_when_named() -> None:
    rtype = _with_request_attribute()
    stored = {"schemas": [CORE], "id": "1", "userName": "u", "secretCode": "s", "displayName": "d"}
    assert "secretCode" not in project(stored, rtype)
    assert "secretCode" not in project(stored, rtype, excluded=["displayName"])
    assert "secretCode" not in project(stored, rtype, [CORE])
    assert project(stored, rtype, ["secretCode"])["secretCode"] == "s"
    assert project(stored, rtype, ["SECRETCODE"])["secretCode"] == "s"
    assert "secretCode" not in project(stored, rtype, ["secretCode"], ["secretCode"])


def test_request_sub_attribute_only_when_named() -> None:
    rtype = _with_request_attribute()
    stored = {"schemas": [CORE], "id": "1", "userName": "u", "badge": {"number": "7", "pin": "1234"}}
    assert project(stored, rtype)["badge"] == {"number": "7"}
    assert project(stored, rtype, ["badge"])["badge"] == {"number": "7"}
    assert project(stored, rtype, ["badge.pin"])["badge"] == {"pin": "1234"}
