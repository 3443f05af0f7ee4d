"""The step helpers of ``steps/_resources.py``: names, bodies, paths, reading and PATCH answers.

Pure helpers are checked as values; those that talk to a server do it through the steps' own
client against a real reference server (``server``, one per module), so a failure they raise is
the one a scenario would show.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from schemas import urns
from steps._resources import (
    assert_same,
    attributes_from_table,
    create,
    differences,
    endpoint_of,
    ensure_id,
    group_body,
    group_name,
    kind_of,
    member_of,
    modified,
    modify,
    patch_message,
    path_of,
    read,
    same_text,
    set_path,
    short_label,
    user_body,
    user_name,
    value_at,
    values_of,
)
from steps.failures import Failure, SuiteError
from steps.wire import ScimClient
from tests.support.scimtest import unique


def test_labels_become_names_unique_to_the_scenario() -> None:
    assert user_name("ana@example.org", "tok1") == "ana.tok1@example.org"
    assert user_name("ana", "tok1") == "ana.tok1@example.com"
    assert group_name("Engineering", "tok1") == "Engineering tok1"
    assert short_label("Bo@Example.org") == "bo"


def test_attribute_paths_write_nested_typed_and_extension_values() -> None:
    body: dict[str, Any] = {}
    set_path(body, "name.givenName", "Ana")
    set_path(body, "emails[work]", "ana@work.example.com")
    set_path(body, "emails[home, primary]", "ana@home.example.org")
    set_path(body, f"{urns.ENTERPRISE_USER}:manager.value", "42")
    assert body == {
        "name": {"givenName": "Ana"},
        "emails": [
            {"value": "ana@work.example.com", "type": "work"},
            {"value": "ana@home.example.org", "type": "home", "primary": True},
        ],
        urns.ENTERPRISE_USER: {"manager": {"value": "42"}},
    }


def test_a_table_is_a_resource_fragment_and_an_empty_cell_leaves_it_out() -> None:
    rows = [
        ["title", "Engineer"],
        ["active", "false"],
        ["nickName", " "],
        [f"{urns.ENTERPRISE_USER}:department", "R&D"],
    ]
    fragment = attributes_from_table(rows)
    assert fragment == {"title": "Engineer", "active": False, urns.ENTERPRISE_USER: {"department": "R&D"}}
    assert user_body("ana.tok@example.com", fragment)["schemas"] == [urns.USER, urns.ENTERPRISE_USER]
    assert user_body("ana.tok@example.com")["schemas"] == [urns.USER]
    assert group_body("Team", [{"id": "u1"}]) == {
        "schemas": [urns.GROUP],
        "displayName": "Team",
        "members": [{"value": "u1"}],
    }


def test_paths_follow_the_resources_schemas() -> None:
    group = {"schemas": [urns.GROUP.upper()], "id": "g 1"}
    assert endpoint_of(group) == "/Groups" and kind_of(group) == "group"
    assert path_of({"schemas": [urns.USER], "id": "u1"}) == "/Users/u1"
    assert patch_message([{"op": "remove", "path": "title"}]) == {
        "schemas": [urns.PATCH_OP],
        "Operations": [{"op": "remove", "path": "title"}],
    }


def test_values_are_read_by_path_in_any_case_and_unassigned_is_none() -> None:
    user = {
        "Name": {"familyName": "Souza"},
        "emails": [{"value": "a@w", "type": "work"}, {"value": "a@h", "type": "home"}],
        urns.ENTERPRISE_USER: {"manager": {"value": "7"}},
        "nickName": None,
        "phoneNumbers": [],
    }
    assert value_at(user, "name.familyname") == "Souza"
    assert value_at(user, "emails.value") == ["a@w", "a@h"]
    assert value_at(user, 'emails[type eq "home"].value') == ["a@h"]
    assert value_at(user, f"{urns.ENTERPRISE_USER}:manager.value") == "7"
    assert value_at(user, "nickName") is None and value_at(user, "phoneNumbers") is None
    assert value_at(user, "title") is None
    assert values_of(user, "emails") == ["a@w", "a@h"]


def test_text_compares_by_the_attributes_case_exactness() -> None:
    assert same_text("userName", "ANA@example.com", "ana@example.com")
    assert not same_text("id", "ABC", "abc")
    assert not same_text("title", None, "x")


def test_differences_ignore_the_order_of_multi_valued_attributes() -> None:
    before = {"id": "1", "emails": [{"value": "a"}, {"value": "b"}], "meta": {"lastModified": "t1"}}
    assert differences(before, {**before, "emails": [{"value": "b"}, {"value": "a"}]}) == []
    changed = differences(before, {"id": "1", "emails": [{"value": "a"}], "meta": {"lastModified": "t2"}})
    assert changed == [
        "emails is now [{'value': 'a'}], was [{'value': 'a'}, {'value': 'b'}]",
        "meta.lastModified is now 't2', was 't1'",
    ]


def test_a_label_never_introduced_is_the_suites_mistake() -> None:
    with pytest.raises(SuiteError, match="the suite is wrong, not the server: no user 'carla'"):
        member_of({"ana": {"id": "1"}}, "carla")


def test_create_read_and_a_refused_create_say_what_the_scenario_needed(steps_client: ScimClient) -> None:
    name = unique("ana") + "@example.com"
    created = create(steps_client, "/Users", user_body(name, {"title": "Engineer"}))
    assert ensure_id(created) and read(steps_client, created)["title"] == "Engineer"
    with pytest.raises(Failure) as refused:
        create(steps_client, "/Users", user_body(name))
    message = str(refused.value)
    assert message.startswith("the server did not create the user this scenario needs: it answered 409")
    assert "  sent: POST /scim/v2/Users" in message and "  answered: 409 uniqueness" in message
    assert "  basis: C-01 (RFC 7644 §3.3)" in message


def test_an_answer_without_an_id_fails_on_r02() -> None:
    with pytest.raises(Failure, match=r"(?s)resource without an id.*basis: R-02"):
        ensure_id({"userName": "ana"})


def test_a_patch_answer_is_the_resource_of_a_200_or_read_back_after_a_204(steps_client: ScimClient) -> None:
    user = create(steps_client, "/Users", user_body(unique("bo") + "@example.com"))
    answer = modify(steps_client, user, [{"op": "replace", "path": "title", "value": "Lead"}])
    assert modified(steps_client, answer, user)["title"] == "Lead"
    no_content = httpx.Response(204, request=answer.request)
    assert modified(steps_client, no_content, user)["title"] == "Lead"  # read back from the server
    not_the_user = httpx.Response(
        200, json={"id": "someone-else", "schemas": [urns.USER]}, request=answer.request
    )
    with pytest.raises(Failure, match=r"(?s)is not the user.*basis: M-03"):
        modified(steps_client, not_the_user, user)


def test_an_unchanged_resource_passes_and_a_changed_one_says_what_changed(steps_client: ScimClient) -> None:
    user = create(steps_client, "/Users", user_body(unique("carla") + "@example.com", {"title": "Engineer"}))
    assert_same(user, read(steps_client, user))
    modify(steps_client, user, [{"op": "replace", "path": "title", "value": "Boss"}])
    with pytest.raises(Failure) as changed:
        assert_same(user, read(steps_client, user), why=" though the request failed")
    lines = str(changed.value).splitlines()
    assert lines[0].startswith(
        "the user changed though the request failed: title is now 'Boss', was 'Engineer'"
    )
