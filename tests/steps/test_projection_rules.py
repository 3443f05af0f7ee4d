"""The projection steps judge an answer by the target's own ``returned`` characteristics.

Issue 12, ruling 1: ``userName`` is ``returned: default`` (RFC 7643 §8.7.1), so a projected
answer may leave it out; a target whose ``/Schemas`` declares it ``always`` must keep it; with no
declaration the RFC's schema decides. ``id`` is always returned (RFC 7643 §3.1) whatever a target
declares. These are the decisions behind "… has "userName" only if the target returns it always".
"""

from __future__ import annotations

import pytest

from reference_server.projection import project
from schemas import USER_TYPE, urns
from schemas.definitions import USER
from steps.projection import Returned, check_left_out_or_kept, read_returned


def schemas_answer(user_name_returned: str | None) -> dict:
    attribute: dict = {"name": "userName", "type": "string"}
    if user_name_returned is not None:
        attribute["returned"] = user_name_returned
    name = {
        "name": "name",
        "type": "complex",
        "subAttributes": [{"name": "givenName", "returned": "request"}],
    }
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 1,
        "Resources": [{"id": urns.USER, "attributes": [attribute, name]}],
    }


def test_the_reference_servers_own_schemas_say_default() -> None:
    declared = read_returned({"Resources": [USER.to_scim()]})
    assert declared.of("userName") == ("default", "the target's /Schemas")
    assert declared.of("password") == ("never", "the target's /Schemas")
    assert declared.of("id")[0] == "always"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (schemas_answer("always"), "always"),
        (schemas_answer("default"), "default"),
        (schemas_answer(None), "default"),  # RFC 7643 §2.2: no "returned" means "default"
        (schemas_answer("sometimes"), "default"),
        ({}, "default"),  # no /Schemas: RFC 7643 §8.7.1
        ([{"id": urns.USER.upper(), "attributes": [{"name": "USERNAME", "returned": "always"}]}], "always"),
    ],
)
def test_user_name_as_the_target_declares_it(body: object, expected: str) -> None:
    assert read_returned(body).of("userName")[0] == expected
    assert read_returned(body).of(f"{urns.USER}:userName")[0] == expected


def test_sub_attributes_and_undeclared_attributes() -> None:
    declared = read_returned(schemas_answer("default"))
    assert declared.of("name.givenName") == ("request", "the target's /Schemas")
    assert declared.of("password")[1].startswith("RFC 7643 §8.7.1")
    assert declared.of("password")[0] == "never"
    assert declared.of("title")[0] == "default"


def test_a_default_user_name_may_and_must_be_left_out() -> None:
    declared = read_returned(schemas_answer("default"))
    check_left_out_or_kept({"id": "1"}, "userName", declared, "ana@example.com")
    with pytest.raises(AssertionError, match=r"(?s)returned: default.*only if the attribute is named"):
        check_left_out_or_kept({"id": "1", "userName": "ana@example.com"}, "userName", declared, "x")


def test_an_always_user_name_must_be_kept_and_be_the_users() -> None:
    declared = read_returned(schemas_answer("always"))
    check_left_out_or_kept({"userName": "ANA@example.com"}, "userName", declared, "ana@example.com")
    with pytest.raises(AssertionError, match=r"the target's /Schemas declares it returned: always"):
        check_left_out_or_kept({"id": "1"}, "userName", declared, "ana@example.com")
    with pytest.raises(AssertionError, match="expected"):
        check_left_out_or_kept({"userName": "bo@example.com"}, "userName", declared, "ana@example.com")


def test_the_reference_server_agrees_with_its_own_declaration() -> None:
    """What the reference server's projection does is what the steps expect of it."""
    declared = read_returned({"Resources": [USER.to_scim()]})
    stored = {"schemas": [urns.USER], "id": "1", "userName": "ana@example.com", "name": {"givenName": "A"}}
    for attributes, excluded in ((["name"], None), (None, ["userName"])):
        out = project(stored, USER_TYPE, attributes, excluded)
        check_left_out_or_kept(out, "userName", declared, "ana@example.com")
        assert out["id"] == "1"


def test_returned_is_a_plain_value() -> None:
    assert Returned({"username": "always"}).always("userName")
    assert not Returned({}).always("userName")
