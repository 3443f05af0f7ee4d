"""The PATCH engine as a pure function (RFC 7644 §3.5.2; rfc-checklist.md M-01…M-08, R-05, R-08, R-09).

The RFC examples of §3.5.2.1-§3.5.2.3, then what identity providers really send (Entra's
capitalised ops, string booleans, remove with a value array, pathless dotted keys; Okta's pathless
replace), then each error with its status and scimType, atomicity and no-op detection.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reference_server.errors import ScimError
from reference_server.patch import apply_patch, parse_patch_request
from schemas.definitions import GROUP_TYPE, USER_TYPE, ResourceType

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
BABS = "2819c223-7f76-453a-919d-413861904646"
MANDY = "902c246b-6245-4190-8e05-00816be7344a"


def user() -> dict[str, Any]:
    return {
        "schemas": [CORE],
        "id": BABS,
        "externalId": "bjensen",
        "meta": {
            "resourceType": "User",
            "created": "2024-01-01T00:00:00Z",
            "lastModified": "2024-01-01T00:00:00Z",
            "version": 'W/"1"',
            "location": f"https://example.com/v2/Users/{BABS}",
        },
        "userName": "bjensen@example.com",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "displayName": "Babs Jensen",
        "title": "Tour Guide",
        "active": True,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home"},
        ],
        "addresses": [{"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood"}],
        "groups": [{"value": "e9e30dba", "display": "Tour Guides"}],
    }


def enterprise_user() -> dict[str, Any]:
    out = user()
    out["schemas"] = [CORE, ENT]
    out[ENT] = {"employeeNumber": "701984", "department": "Tour Operations", "manager": {"value": MANDY}}
    return out


def group() -> dict[str, Any]:
    return {
        "schemas": [GROUP_URN],
        "id": "e9e30dba",
        "displayName": "Tour Guides",
        "members": [
            {"value": BABS, "display": "Babs Jensen", "type": "User"},
            {"value": MANDY, "display": "Mandy Pepperidge", "type": "User"},
        ],
        "meta": {"resourceType": "Group", "version": 'W/"3"'},
    }


def patch(
    resource: dict[str, Any], *operations: dict[str, Any], rtype: ResourceType = USER_TYPE
) -> dict[str, Any]:
    return apply_patch(resource, list(operations), rtype)


def fails(
    resource: dict[str, Any], *operations: dict[str, Any], rtype: ResourceType = USER_TYPE
) -> ScimError:
    before = copy.deepcopy(resource)
    with pytest.raises(ScimError) as caught:
        apply_patch(resource, list(operations), rtype)
    assert resource == before, "a failed PATCH must leave the resource untouched (M-02)"
    return caught.value


def assert_error(error: ScimError, scim_type: str, status: int = 400) -> None:
    assert error.status == status
    assert error.scim_type == scim_type
    assert error.body()["status"] == str(status)


# -- the PatchOp message (M-01) -------------------------------------------------------------------


def test_parse_patch_request_returns_the_operations() -> None:
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "title", "value": "x"}]}
    assert parse_patch_request(body) == [{"op": "add", "path": "title", "value": "x"}]


def test_parse_patch_request_member_names_are_case_insensitive() -> None:
    body = {"Schemas": [PATCH_OP.upper()], "operations": [{"op": "remove", "path": "title"}]}
    assert parse_patch_request(body) == [{"op": "remove", "path": "title"}]


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        {"Operations": [{"op": "add", "value": {}}]},
        {"schemas": PATCH_OP, "Operations": [{"op": "add", "value": {}}]},
        {"schemas": [CORE], "Operations": [{"op": "add", "value": {}}]},
        {"schemas": [PATCH_OP]},
        {"schemas": [PATCH_OP], "Operations": []},
        {"schemas": [PATCH_OP], "Operations": {"op": "add"}},
        {"schemas": [PATCH_OP], "Operations": [{"op": "add", "value": {}}, "remove"]},
    ],
)
def test_parse_patch_request_rejects_a_malformed_message(body: object) -> None:
    with pytest.raises(ScimError) as caught:
        parse_patch_request(body)
    assert_error(caught.value, "invalidSyntax")


@pytest.mark.parametrize("op", ["add", "Add", "ADD", "aDd"])
def test_op_name_in_any_case(op: str) -> None:
    """Entra capitalises op names (rfc-checklist.md trap 6)."""
    assert patch(user(), {"op": op, "path": "nickName", "value": "Babs"})["nickName"] == "Babs"


def test_capitalised_replace_and_remove() -> None:
    out = patch(
        user(), {"op": "Replace", "path": "title", "value": "Boss"}, {"op": "REMOVE", "path": "nickName"}
    )
    assert out["title"] == "Boss"


@pytest.mark.parametrize(
    "operation", [{"op": "move", "path": "title"}, {"path": "title", "value": "x"}, {"op": 1}]
)
def test_unknown_or_missing_op_is_invalid_syntax(operation: dict[str, Any]) -> None:
    assert_error(fails(user(), operation), "invalidSyntax")


def test_non_object_operation_is_invalid_syntax() -> None:
    assert_error(apply_error(user(), ["add"]), "invalidSyntax")


def test_non_string_path_is_invalid_syntax() -> None:
    assert_error(fails(user(), {"op": "add", "path": 3, "value": "x"}), "invalidSyntax")


def apply_error(resource: dict[str, Any], operations: list[object]) -> ScimError:
    with pytest.raises(ScimError) as caught:
        apply_patch(resource, operations, USER_TYPE)
    return caught.value


@pytest.mark.parametrize(
    "operation", [{"op": "add", "path": "title"}, {"op": "add", "path": "title", "value": None}]
)
def test_add_needs_a_value(operation: dict[str, Any]) -> None:
    """M-05 / RFC 7644 §3.5.2.1: the operation "MUST contain a "value" member"."""
    assert_error(fails(user(), operation), "invalidValue")


def test_replace_needs_a_value_member() -> None:
    assert_error(fails(user(), {"op": "replace", "path": "title"}), "invalidValue")


def test_pathless_value_must_be_an_object() -> None:
    assert_error(fails(user(), {"op": "add", "value": "x"}), "invalidValue")
    assert_error(fails(user(), {"op": "replace", "value": [{"title": "x"}]}), "invalidValue")


def test_input_is_never_modified() -> None:
    stored = user()
    before = copy.deepcopy(stored)
    out = patch(stored, {"op": "replace", "path": "name.givenName", "value": "Babs"})
    assert stored == before
    assert out is not stored
    assert out["name"] is not stored["name"]


# -- add (RFC 7644 §3.5.2.1, M-05) ----------------------------------------------------------------


def test_rfc_add_member_to_group() -> None:
    """RFC 7644 §3.5.2.1, first example."""
    new = {"display": "Babs Jensen", "$ref": f"https://example.com/v2/Users/{BABS}", "value": BABS}
    stored = group()
    stored["members"] = [stored["members"][1]]
    out = patch(stored, {"op": "add", "path": "members", "value": [new]}, rtype=GROUP_TYPE)
    assert out["members"] == [group()["members"][1], new]


def test_rfc_pathless_add() -> None:
    """RFC 7644 §3.5.2.1, second example: the value holds attributes; 'nickname' is canonicalised."""
    out = patch(
        user(),
        {
            "op": "add",
            "value": {"emails": [{"value": "babs@jensen.org.uk", "type": "home"}], "nickname": "Babs"},
        },
    )
    assert out["emails"][-1] == {"value": "babs@jensen.org.uk", "type": "home"}
    assert len(out["emails"]) == 3
    assert out["nickName"] == "Babs"
    assert "nickname" not in out


def test_add_existing_email_is_a_no_op() -> None:
    """M-05: adding a value already there changes nothing (so lastModified can stay)."""
    stored = user()
    out = patch(
        stored, {"op": "add", "path": "emails", "value": [{"value": "babs@jensen.org", "type": "home"}]}
    )
    assert out == stored


def test_add_existing_email_in_other_case_is_a_no_op() -> None:
    """emails.value is caseExact=false (RFC 7643 §4.1.2)."""
    stored = user()
    out = patch(stored, {"op": "add", "path": "emails", "value": [{"value": "BABS@jensen.org"}]})
    assert out == stored


def test_add_existing_member_by_value_only_is_a_no_op() -> None:
    stored = group()
    out = patch(stored, {"op": "add", "path": "members", "value": [{"value": BABS}]}, rtype=GROUP_TYPE)
    assert out == stored


def test_add_same_scalar_is_a_no_op() -> None:
    stored = user()
    assert patch(stored, {"op": "add", "path": "title", "value": "Tour Guide"}) == stored


def test_add_single_valued_replaces() -> None:
    assert patch(user(), {"op": "add", "path": "title", "value": "Boss"})["title"] == "Boss"


def test_add_to_absent_attribute_creates_it() -> None:
    out = patch(
        user(), {"op": "add", "path": "phoneNumbers", "value": [{"value": "555-555-5555", "type": "work"}]}
    )
    assert out["phoneNumbers"] == [{"value": "555-555-5555", "type": "work"}]


def test_add_lone_object_to_multi_valued_is_appended() -> None:
    out = patch(group(), {"op": "add", "path": "members", "value": {"value": "new-id"}}, rtype=GROUP_TYPE)
    assert out["members"][-1] == {"value": "new-id"}


def test_add_complex_merges_sub_attributes() -> None:
    out = patch(user(), {"op": "add", "path": "name", "value": {"middleName": "Jane", "givenName": "Babs"}})
    assert out["name"] == {"familyName": "Jensen", "givenName": "Babs", "middleName": "Jane"}


def test_add_sub_attribute_path() -> None:
    out = patch(user(), {"op": "add", "path": "name.honorificPrefix", "value": "Ms."})
    assert out["name"]["honorificPrefix"] == "Ms."
    assert out["name"]["familyName"] == "Jensen"


def test_add_sub_attribute_canonicalises_keys() -> None:
    out = patch(
        user(), {"op": "add", "path": "emails", "value": [{"VALUE": "x@example.com", "Type": "other"}]}
    )
    assert out["emails"][-1] == {"value": "x@example.com", "type": "other"}


def test_add_pathless_dotted_keys_entra() -> None:
    """Entra sends pathless values with dotted sub-attribute keys."""
    out = patch(user(), {"op": "Add", "value": {"name.middleName": "Jane", "nickName": "B"}})
    assert out["name"] == {"familyName": "Jensen", "givenName": "Barbara", "middleName": "Jane"}
    assert out["nickName"] == "B"


def test_add_extension_attribute_by_urn_path_adds_schema() -> None:
    """M-08: extension attributes by full URN path; schemas gains the extension URN."""
    out = patch(user(), {"op": "add", "path": f"{ENT}:department", "value": "Sales"})
    assert out[ENT] == {"department": "Sales"}
    assert out["schemas"] == [CORE, ENT]


def test_add_extension_sub_attribute_by_urn_path() -> None:
    out = patch(user(), {"op": "add", "path": f"{ENT}:manager.value", "value": MANDY})
    assert out[ENT] == {"manager": {"value": MANDY}}


def test_add_pathless_extension_urn_key() -> None:
    out = patch(user(), {"op": "add", "value": {ENT: {"employeeNumber": "42", "costCenter": "4130"}}})
    assert out[ENT] == {"employeeNumber": "42", "costCenter": "4130"}
    assert ENT in out["schemas"]


def test_add_pathless_extension_attribute_key() -> None:
    out = patch(user(), {"op": "add", "value": {f"{ENT}:division": "West"}})
    assert out[ENT] == {"division": "West"}


def test_add_path_extension_urn_alone() -> None:
    out = patch(enterprise_user(), {"op": "add", "path": ENT, "value": {"division": "West"}})
    assert out[ENT]["division"] == "West"
    assert out[ENT]["department"] == "Tour Operations"


@pytest.mark.parametrize("op", ["add", "replace"])
def test_whole_extension_value_may_restate_its_schemas(op: str) -> None:
    """The object given for a whole extension may carry its own ``schemas`` (scim2-models clients,
    scim2-tester's PATCH checks): it is ignored, as in a pathless value, not an invalid path."""
    value = {"schemas": [ENT], "division": "West", "manager": {"value": MANDY}}
    out = patch(user(), {"op": op, "path": ENT, "value": value})
    assert out[ENT] == {"division": "West", "manager": {"value": MANDY}}
    assert out["schemas"] == [CORE, ENT]


def test_add_extension_to_resource_already_listing_it_keeps_schemas() -> None:
    out = patch(enterprise_user(), {"op": "add", "path": f"{ENT}:division", "value": "West"})
    assert out["schemas"] == [CORE, ENT]


def test_add_with_primary_true_demotes_the_others() -> None:
    """R-08 / RFC 7644 §3.5.2: other values' primary is automatically set to false."""
    out = patch(
        user(), {"op": "add", "path": "emails", "value": [{"value": "new@example.com", "primary": True}]}
    )
    assert out["emails"][0]["primary"] is False
    assert out["emails"][-1] == {"value": "new@example.com", "primary": True}
    assert [e.get("primary") for e in out["emails"]].count(True) == 1


def test_add_of_the_current_primary_is_a_no_op() -> None:
    stored = user()
    operation = {"op": "add", "path": "emails", "value": [{"value": "bjensen@example.com", "primary": True}]}
    assert patch(stored, operation) == stored


def test_add_with_value_path_and_sub_attribute_sets_matching_elements() -> None:
    out = patch(user(), {"op": "add", "path": 'emails[type eq "home"].display', "value": "Home"})
    assert out["emails"][1] == {"value": "babs@jensen.org", "type": "home", "display": "Home"}
    assert "display" not in out["emails"][0]


def test_add_entra_value_path_without_match_creates_the_value() -> None:
    """Entra adds `emails[type eq "work"].value` for a user who has no work email."""
    stored = user()
    stored["emails"] = [stored["emails"][1]]
    out = patch(stored, {"op": "Add", "path": 'emails[type eq "work"].value', "value": "w@example.com"})
    assert out["emails"] == [stored["emails"][0], {"type": "work", "value": "w@example.com"}]


def test_add_entra_value_path_creates_the_attribute() -> None:
    stored = user()
    out = patch(stored, {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "555"})
    assert out["phoneNumbers"] == [{"type": "mobile", "value": "555"}]


def test_add_empty_list_is_a_no_op() -> None:
    stored = user()
    assert patch(stored, {"op": "add", "path": "emails", "value": []}) == stored


# -- replace (RFC 7644 §3.5.2.3, M-07) -------------------------------------------------------------


def test_rfc_replace_all_members() -> None:
    """RFC 7644 §3.5.2.3, first example: replace all values of a multi-valued attribute."""
    new = [{"display": "Babs Jensen", "$ref": f"https://example.com/v2/Users/{BABS}", "value": BABS}]
    out = patch(group(), {"op": "replace", "path": "members", "value": new}, rtype=GROUP_TYPE)
    assert out["members"] == new


def test_rfc_pathless_replace() -> None:
    """RFC 7644 §3.5.2.3, second example: "the attribute and all values are replaced"."""
    emails = [{"value": "bjensen@example.com", "type": "work", "primary": True}]
    out = patch(user(), {"op": "replace", "value": {"emails": emails, "nickname": "Babs"}})
    assert out["emails"] == emails
    assert out["nickName"] == "Babs"


def test_rfc_replace_value_path_record() -> None:
    """RFC 7644 §3.5.2.3, third example: replace a selected address; unspecified sub-attributes stay."""
    value = {"type": "work", "streetAddress": "911 Universal City Plaza", "postalCode": "91608"}
    out = patch(user(), {"op": "replace", "path": 'addresses[type eq "work"]', "value": value})
    assert out["addresses"] == [
        {
            "type": "work",
            "streetAddress": "911 Universal City Plaza",
            "locality": "Hollywood",
            "postalCode": "91608",
        }
    ]


def test_rfc_replace_value_path_sub_attribute() -> None:
    """RFC 7644 §3.5.2.3, fourth example: addresses[type eq "work"].streetAddress."""
    out = patch(
        user(),
        {"op": "replace", "path": 'addresses[type eq "work"].streetAddress', "value": "1010 Broadway Ave"},
    )
    assert out["addresses"][0]["streetAddress"] == "1010 Broadway Ave"
    assert out["addresses"][0]["locality"] == "Hollywood"


def test_replace_value_path_sub_attribute_on_every_match() -> None:
    stored = user()
    stored["emails"].append({"value": "second@example.com", "type": "work"})
    out = patch(stored, {"op": "replace", "path": 'emails[type eq "work"].display', "value": "Work"})
    assert [e.get("display") for e in out["emails"]] == ["Work", None, "Work"]


def test_replace_entra_email_value() -> None:
    out = patch(user(), {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "new@example.com"})
    assert out["emails"][0] == {"value": "new@example.com", "type": "work", "primary": True}


def test_replace_value_path_without_match_is_no_target() -> None:
    """M-07 / RFC 7644 §3.5.2.3: no record match → 400 noTarget."""
    error = fails(user(), {"op": "replace", "path": 'emails[type eq "other"].value', "value": "x"})
    assert_error(error, "noTarget")


def test_replace_value_path_without_sub_needs_an_object() -> None:
    error = fails(user(), {"op": "replace", "path": 'emails[type eq "work"]', "value": "x"})
    assert_error(error, "invalidValue")


def test_replace_absent_attribute_is_an_add() -> None:
    out = patch(user(), {"op": "replace", "path": "nickName", "value": "Babs"})
    assert out["nickName"] == "Babs"


def test_replace_absent_complex_sub_attribute_is_an_add() -> None:
    stored = user()
    del stored["name"]
    out = patch(stored, {"op": "replace", "path": "name.givenName", "value": "Babs"})
    assert out["name"] == {"givenName": "Babs"}


def test_replace_complex_changes_only_given_sub_attributes() -> None:
    out = patch(user(), {"op": "replace", "path": "name", "value": {"givenName": "Babs"}})
    assert out["name"] == {"familyName": "Jensen", "givenName": "Babs"}


def test_replace_sub_attribute_with_null_unassigns_it() -> None:
    out = patch(user(), {"op": "replace", "path": "name.givenName", "value": None})
    assert out["name"] == {"familyName": "Jensen"}


def test_replace_with_null_unassigns() -> None:
    """R-09 / RFC 7643 §2.5: null is unassigned."""
    out = patch(user(), {"op": "replace", "path": "title", "value": None})
    assert "title" not in out


def test_replace_multi_valued_with_empty_list_removes_it() -> None:
    out = patch(group(), {"op": "replace", "path": "members", "value": []}, rtype=GROUP_TYPE)
    assert "members" not in out


def test_replace_okta_pathless_deactivate() -> None:
    """Okta deactivates with a pathless replace (onelogin-profile.md, Okta)."""
    out = patch(user(), {"op": "replace", "value": {"active": False}})
    assert out["active"] is False


def test_replace_okta_group_rename_echoing_the_id() -> None:
    """Okta's group rename sends the unchanged id: an unchanged readOnly value is no change."""
    out = patch(
        group(), {"op": "replace", "value": {"id": "e9e30dba", "displayName": "Guides"}}, rtype=GROUP_TYPE
    )
    assert out["displayName"] == "Guides"
    assert out["id"] == "e9e30dba"


def test_replace_entra_string_boolean_is_stored_as_given() -> None:
    """Entra sends "False"; the server validates and coerces the whole result afterwards."""
    out = patch(user(), {"op": "Replace", "path": "active", "value": "False"})
    assert out["active"] == "False"


def test_replace_entra_pathless_dotted_and_urn_keys() -> None:
    value = {"name.familyName": "Smith", f"{ENT}:department": "Sales", "displayName": "Barbara Smith"}
    out = patch(enterprise_user(), {"op": "Replace", "value": value})
    assert out["name"] == {"familyName": "Smith", "givenName": "Barbara"}
    assert out[ENT]["department"] == "Sales"
    assert out[ENT]["employeeNumber"] == "701984"
    assert out["displayName"] == "Barbara Smith"


def test_replace_entra_pathless_value_path_key() -> None:
    out = patch(user(), {"op": "Replace", "value": {'emails[type eq "work"].value': "w2@example.com"}})
    assert out["emails"][0]["value"] == "w2@example.com"


def test_replace_pathless_schemas_key_is_ignored() -> None:
    stored = user()
    assert patch(stored, {"op": "replace", "value": {"schemas": [CORE], "title": "Tour Guide"}}) == stored


def test_replace_extension_urn_alone_merges() -> None:
    out = patch(enterprise_user(), {"op": "replace", "path": ENT, "value": {"department": "Sales"}})
    assert out[ENT] == {"employeeNumber": "701984", "department": "Sales", "manager": {"value": MANDY}}


def test_replace_manager_value() -> None:
    out = patch(enterprise_user(), {"op": "replace", "path": f"{ENT}:manager", "value": {"value": "boss"}})
    assert out[ENT]["manager"] == {"value": "boss"}


def test_replace_primary_via_value_path_demotes_the_others() -> None:
    """R-08: primary=true on one value sets the others' primary to false."""
    path = 'emails[value eq "babs@jensen.org"].primary'
    out = patch(user(), {"op": "replace", "path": path, "value": True})
    assert out["emails"][0]["primary"] is False
    assert out["emails"][1]["primary"] is True


def test_replace_primary_in_value_path_object_demotes_the_others() -> None:
    out = patch(user(), {"op": "replace", "path": 'emails[type eq "home"]', "value": {"primary": True}})
    assert [e["primary"] for e in out["emails"]] == [False, True]


def test_replace_whole_list_keeps_primaries_as_sent() -> None:
    emails = [{"value": "a@example.com", "primary": True}, {"value": "b@example.com"}]
    assert patch(user(), {"op": "replace", "path": "emails", "value": emails})["emails"] == emails


# -- remove (RFC 7644 §3.5.2.2, M-06) ---------------------------------------------------------------


def test_rfc_remove_single_member() -> None:
    """RFC 7644 §3.5.2.2, first example."""
    out = patch(group(), {"op": "remove", "path": f'members[value eq "{BABS}"]'}, rtype=GROUP_TYPE)
    assert out["members"] == [group()["members"][1]]


def test_rfc_remove_all_members() -> None:
    """RFC 7644 §3.5.2.2, second example: the attribute becomes unassigned."""
    out = patch(group(), {"op": "remove", "path": "members"}, rtype=GROUP_TYPE)
    assert "members" not in out


def test_rfc_remove_and_add_to_replace_a_member() -> None:
    """RFC 7644 §3.5.2.2, last example: remove all members, then add one."""
    out = patch(
        group(),
        {"op": "remove", "path": "members"},
        {"op": "add", "path": "members", "value": [{"value": "new-id"}]},
        rtype=GROUP_TYPE,
    )
    assert out["members"] == [{"value": "new-id"}]


def test_remove_without_path_is_no_target() -> None:
    """M-06 / RFC 7644 §3.5.2.2: no path → 400 noTarget."""
    assert_error(fails(group(), {"op": "remove"}, rtype=GROUP_TYPE), "noTarget")
    assert_error(fails(group(), {"op": "Remove", "value": [{"value": BABS}]}, rtype=GROUP_TYPE), "noTarget")


def test_remove_single_valued() -> None:
    assert "title" not in patch(user(), {"op": "remove", "path": "title"})


def test_remove_absent_attribute_is_a_no_op() -> None:
    stored = user()
    assert patch(stored, {"op": "remove", "path": "nickName"}) == stored


def test_remove_complex_sub_attribute() -> None:
    out = patch(user(), {"op": "remove", "path": "name.givenName"})
    assert out["name"] == {"familyName": "Jensen"}


def test_remove_last_sub_attribute_removes_the_complex_attribute() -> None:
    out = patch(
        user(), {"op": "remove", "path": "name.givenName"}, {"op": "remove", "path": "name.familyName"}
    )
    assert "name" not in out


def test_remove_whole_complex_attribute() -> None:
    assert "name" not in patch(user(), {"op": "remove", "path": "name"})


def test_remove_value_path_sub_attribute() -> None:
    out = patch(user(), {"op": "remove", "path": 'emails[type eq "work"].primary'})
    assert out["emails"][0] == {"value": "bjensen@example.com", "type": "work"}


def test_remove_value_path_without_match_is_a_no_op() -> None:
    """Ruling: RFC 7644 §3.5.2.2 names no error; OneLogin and Entra resend removes."""
    stored = group()
    out = patch(stored, {"op": "remove", "path": 'members[value eq "gone"]'}, rtype=GROUP_TYPE)
    assert out == stored


def test_remove_last_matching_value_removes_the_attribute() -> None:
    stored = group()
    stored["members"] = stored["members"][:1]
    out = patch(stored, {"op": "remove", "path": f'members[value eq "{BABS}"]'}, rtype=GROUP_TYPE)
    assert "members" not in out


def test_remove_entra_member_value_array() -> None:
    """Entra removes members with a value array (rfc-checklist.md M-06): only those go."""
    stored = group()
    stored["members"].append({"value": "third", "type": "User"})
    operation = {"op": "Remove", "path": "members", "value": [{"value": BABS}, {"value": "third"}]}
    out = patch(stored, operation, rtype=GROUP_TYPE)
    assert out["members"] == [group()["members"][1]]


def test_remove_entra_member_value_array_unknown_member_is_a_no_op() -> None:
    stored = group()
    out = patch(stored, {"op": "Remove", "path": "members", "value": [{"value": "nobody"}]}, rtype=GROUP_TYPE)
    assert out == stored


def test_remove_member_value_array_of_every_member_removes_the_attribute() -> None:
    operation = {"op": "remove", "path": "members", "value": [{"value": BABS}, {"value": MANDY}]}
    assert "members" not in patch(group(), operation, rtype=GROUP_TYPE)


def test_remove_extension_attribute() -> None:
    out = patch(enterprise_user(), {"op": "remove", "path": f"{ENT}:department"})
    assert out[ENT] == {"employeeNumber": "701984", "manager": {"value": MANDY}}
    assert out["schemas"] == [CORE, ENT]


def test_remove_last_extension_attribute_drops_object_and_schema() -> None:
    stored = user()
    stored["schemas"] = [CORE, ENT]
    stored[ENT] = {"department": "Sales"}
    out = patch(stored, {"op": "remove", "path": f"{ENT}:department"})
    assert ENT not in out
    assert out["schemas"] == [CORE]


def test_remove_extension_urn_alone() -> None:
    out = patch(enterprise_user(), {"op": "remove", "path": ENT})
    assert ENT not in out
    assert out["schemas"] == [CORE]


def test_remove_from_absent_extension_is_a_no_op() -> None:
    stored = user()
    assert patch(stored, {"op": "remove", "path": f"{ENT}:department"}) == stored


def test_remove_password() -> None:
    stored = user()
    stored["password"] = "secret"
    assert "password" not in patch(stored, {"op": "remove", "path": "password"})


# -- errors (M-04) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "nope",
        "name.nope",
        "userName.first",
        "urn:example:unknown:2.0:User:title",
        f"{ENT}:nope",
        "",
        'name[givenName eq "x"]',
        'title[value eq "x"]',
    ],
)
def test_invalid_path(path: str) -> None:
    """M-04 / RFC 7644 §3.5.2: an invalid path → 400 invalidPath."""
    assert_error(fails(user(), {"op": "replace", "path": path, "value": "x"}), "invalidPath")


def test_invalid_path_on_remove() -> None:
    assert_error(fails(user(), {"op": "remove", "path": "nope"}), "invalidPath")


def test_invalid_path_in_pathless_value_key() -> None:
    assert_error(fails(user(), {"op": "add", "value": {"title": "x", "nope": 1}}), "invalidPath")


def test_value_path_syntax_error_is_invalid_path() -> None:
    assert_error(
        fails(user(), {"op": "replace", "path": 'emails[type eq "work"', "value": "x"}), "invalidPath"
    )


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "path": "id", "value": "other"},
        {"op": "remove", "path": "id"},
        {"op": "replace", "path": "meta.created", "value": "2020-01-01T00:00:00Z"},
        {"op": "add", "path": "meta", "value": {"resourceType": "Group"}},
        {"op": "remove", "path": "meta"},
        {"op": "add", "path": "groups", "value": [{"value": "other"}]},
        {"op": "remove", "path": "groups"},
        {"op": "replace", "value": {"id": "other"}},
        {"op": "replace", "path": f"{CORE}:id", "value": "other"},
    ],
)
def test_changing_read_only_is_mutability(operation: dict[str, Any]) -> None:
    """M-04: a client MUST NOT modify a readOnly attribute → 400 mutability."""
    assert_error(fails(user(), operation), "mutability")


def test_read_only_sub_attribute_is_mutability() -> None:
    operation = {"op": "replace", "path": f"{ENT}:manager.displayName", "value": "Mandy"}
    assert_error(fails(enterprise_user(), operation), "mutability")


def test_changing_an_immutable_sub_attribute_is_mutability() -> None:
    """Group members' value is immutable (RFC 7643 §4.2 / §8.7.1): it cannot change once set."""
    operation = {"op": "replace", "path": f'members[value eq "{BABS}"].value', "value": "other"}
    assert_error(fails(group(), operation, rtype=GROUP_TYPE), "mutability")
    operation = {"op": "remove", "path": f'members[value eq "{BABS}"].type'}
    assert_error(fails(group(), operation, rtype=GROUP_TYPE), "mutability")
    # Its display too: "sub-attributes of members are "immutable"" (RFC 7643 §4.2).
    operation = {"op": "replace", "path": f'members[value eq "{BABS}"].display', "value": "B"}
    assert_error(fails(group(), operation, rtype=GROUP_TYPE), "mutability")


def test_immutable_sub_attribute_may_be_set_when_unassigned() -> None:
    """RFC 7644 §3.5.2: a client MAY add a value to an immutable attribute with no previous value."""
    stored = group()
    del stored["members"][0]["type"]
    operation = {"op": "add", "path": f'members[value eq "{BABS}"].type', "value": "User"}
    assert patch(stored, operation, rtype=GROUP_TYPE)["members"][0]["type"] == "User"


def test_writing_an_unchanged_immutable_value_is_allowed() -> None:
    operation = {
        "op": "replace",
        "path": f'members[value eq "{BABS}"]',
        "value": {"value": BABS, "display": "Babs Jensen"},
    }
    out = patch(group(), operation, rtype=GROUP_TYPE)
    assert out["members"][0] == {"value": BABS, "display": "Babs Jensen", "type": "User"}


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "remove", "path": "userName"},
        {"op": "replace", "path": "userName", "value": None},
        {"op": "replace", "value": {"userName": None}},
    ],
)
def test_removing_a_required_attribute_is_mutability(operation: dict[str, Any]) -> None:
    """M-04: removing a required attribute → 400 mutability."""
    assert_error(fails(user(), operation), "mutability")


def test_removing_group_display_name_is_mutability() -> None:
    assert_error(fails(group(), {"op": "remove", "path": "displayName"}, rtype=GROUP_TYPE), "mutability")


def test_schemas_path_is_invalid() -> None:
    assert_error(fails(user(), {"op": "add", "path": "schemas", "value": [ENT]}), "invalidPath")


# -- atomicity and order (M-02) ------------------------------------------------------------------------


def test_failure_in_the_third_operation_leaves_the_input_untouched() -> None:
    stored = enterprise_user()
    before = copy.deepcopy(stored)
    operations = [
        {"op": "replace", "path": "title", "value": "Boss"},
        {"op": "remove", "path": f"{ENT}:department"},
        {"op": "replace", "path": "id", "value": "stolen"},
    ]
    with pytest.raises(ScimError) as caught:
        apply_patch(stored, operations, USER_TYPE)
    assert_error(caught.value, "mutability")
    assert stored == before


def test_operations_apply_in_order() -> None:
    out = patch(
        user(),
        {"op": "replace", "path": "title", "value": "A"},
        {"op": "remove", "path": "title"},
        {"op": "add", "path": "title", "value": "C"},
    )
    assert out["title"] == "C"


def test_a_later_operation_sees_an_earlier_one() -> None:
    out = patch(
        user(),
        {"op": "add", "path": "emails", "value": [{"value": "x@example.com", "type": "other"}]},
        {"op": "replace", "path": 'emails[type eq "other"].display', "value": "X"},
    )
    assert out["emails"][-1] == {"value": "x@example.com", "type": "other", "display": "X"}


# -- case-insensitivity (R-05) ------------------------------------------------------------------------


def test_paths_are_case_insensitive_and_keys_canonical() -> None:
    out = patch(
        enterprise_user(),
        {"op": "replace", "path": "NAME.GIVENNAME", "value": "B"},
        {"op": "replace", "path": 'EMAILS[TYPE eq "work"].VALUE', "value": "w@example.com"},
        {"op": "replace", "path": f"{ENT.upper()}:DEPARTMENT", "value": "Sales"},
        {"op": "add", "path": "NICKNAME", "value": "b"},
    )
    assert out["name"]["givenName"] == "B"
    assert out["emails"][0]["value"] == "w@example.com"
    assert out[ENT]["department"] == "Sales"
    assert out["nickName"] == "b"
    assert not {"NAME", "NICKNAME", "nickname"} & set(out)


def test_stored_keys_in_odd_case_are_rewritten_canonically() -> None:
    stored = user()
    stored["NickName"] = "old"
    out = patch(stored, {"op": "replace", "path": "nickname", "value": "new"})
    assert out["nickName"] == "new"
    assert "NickName" not in out


def test_empty_values_are_not_stored() -> None:
    """R-09: an element with only null sub-attributes is no value."""
    stored = user()
    assert patch(stored, {"op": "add", "path": "emails", "value": [{"value": None}]}) == stored
    out = patch(stored, {"op": "replace", "path": "emails", "value": [{"value": None}, {}]})
    assert "emails" not in out


def test_add_value_path_with_and_of_equalities_creates_the_value() -> None:
    path = 'addresses[type eq "home" and country eq "US"].locality'
    out = patch(user(), {"op": "add", "path": path, "value": "Springfield"})
    assert out["addresses"][-1] == {"type": "home", "country": "US", "locality": "Springfield"}


@pytest.mark.parametrize(
    "path",
    [
        'emails[type eq "other" or type eq "home2"].value',
        'emails[value co "nobody"].value',
        'emails[not (type eq "work") and type eq "home2"].value',
    ],
)
def test_add_value_path_that_describes_no_single_value_is_no_target(path: str) -> None:
    assert_error(fails(user(), {"op": "add", "path": path, "value": "x"}), "noTarget")


def test_value_path_filter_on_unknown_sub_attribute_is_invalid_filter() -> None:
    """RFC 7644 Table 9: invalidFilter covers a PATCH path filter."""
    error = fails(user(), {"op": "replace", "path": 'emails[nope eq "x"].value', "value": "x"})
    assert_error(error, "invalidFilter")
