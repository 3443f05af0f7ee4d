"""The knob catalogue: every knob found, with its certainty and source, and values read by their type."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import get_args

import pytest

from simulator.facts import Certainty
from simulator.knobs import KNOBS, KnobError, find, suggestions
from simulator.profile import Profile
from simulator.settings import AppSettings
from simulator.template import NAMED_TEMPLATES, TemplateChoice, TemplateName


def test_every_knob_has_a_certainty_tag_and_a_source() -> None:
    missing = [k.name for k in KNOBS.values() if k.certainty is None or not k.source]
    assert not missing, f"declare these with simulator.provenance.knob(default, certainty, source): {missing}"
    assert {k.certainty for k in KNOBS.values()} <= set(get_args(Certainty))


def test_the_knobs_are_every_field_found_by_walking_the_dataclasses() -> None:
    names = set(KNOBS)
    # the profile's own fields at the top (its name is a label, not a knob), nested policies by field
    nested = ("name", "idp_name", "accepted", "retry", "timeouts")
    assert {f.name for f in fields(Profile) if f.name not in nested} <= names
    assert "name" not in names
    assert {"retry.retries", "accepted.create_user", "timeouts.read"} <= names
    assert {f"app.{f.name}" for f in fields(AppSettings)} <= names
    assert {f"template.{f.name}" for f in fields(TemplateChoice)} <= names
    # the knobs the issue names
    assert {
        "app.deletion_action",
        "app.approve_create",
        "app.approve_update",
        "app.approve_delete",
        "app.custom_headers",
        "template.emails",
        "app.groups_multi_value",
        "user_agent",
        "accept",
        "group_lookup_before_create",
    } <= names


def test_every_default_reads_back_from_its_text() -> None:
    for knob in KNOBS.values():
        assert knob.parse(knob.format(knob.default)) == knob.default, knob.name
        knob.expects()  # every type has words for what it takes


def test_every_named_template_has_its_text_and_parses() -> None:
    assert set(get_args(TemplateName)) == set(NAMED_TEMPLATES)
    for name in NAMED_TEMPLATES:
        TemplateChoice(name=name).resolve()


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("app.deletion_action", "Suspend", "suspend"),  # as the admin console writes it
        ("app.deletion_action", "nothing", "nothing"),
        ("app.approve_create", "yes", True),
        ("app.approve_create", "0", False),
        ("retry.retries", " 5 ", 5),
        ("retry.backoff", "0.25", 0.25),
        ("import_page_size", "none", None),
        ("import_page_size", "50", 50),
        ("user_agent", "OneLogin SCIM", "OneLogin SCIM"),
        ("put_query", "", ""),
        ("put_query", "None", None),
        ("accepted.create_user", "200, 201", (200, 201)),
        (
            "app.custom_headers",
            "Content-Type: application/scim+json\\nUser-Agent: OneLogin SCIM",
            (("Content-Type", "application/scim+json"), ("User-Agent", "OneLogin SCIM")),
        ),
        ("app.custom_headers", "X-A: 1\nX-B: 2", (("X-A", "1"), ("X-B", "2"))),
        ("template.emails", "OBJECT", "object"),
    ],
)
def test_text_values_are_read_by_the_knobs_type(name: str, text: str, value: object) -> None:
    knob = find(name)
    assert knob.parse(text) == value
    assert knob.parse(knob.format(value)) == value


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("app.approve_delete", True, True),
        ("retry.retries", 2, 2),
        ("retry.backoff", 2, 2.0),
        ("accepted.delete_user", [200, 204], (200, 204)),
        ("app.custom_headers", ["X-A: 1", "X-B: 2"], (("X-A", "1"), ("X-B", "2"))),
    ],
)
def test_toml_values_are_read_by_the_knobs_type(name: str, raw: object, value: object) -> None:
    assert find(name).parse(raw) == value


@pytest.mark.parametrize(
    ("name", "raw", "says"),
    [
        ("app.deletion_action", "remove", "takes one of delete, suspend, nothing"),
        ("app.approve_create", "maybe", "takes true or false"),
        ("app.approve_create", 1, "takes true or false"),
        ("retry.retries", "11", "takes a whole number from 0 to 10"),
        ("retry.retries", "2.5", "takes a whole number from 0 to 10"),
        ("retry.retries", True, "takes a whole number"),
        ("retry.backoff", "-1", "takes a number of at least 0"),
        ("retry.backoff", "nan", "takes a number of at least 0"),
        ("import_page_size", "0", "takes a whole number of at least 1, or none"),
        ("accepted.create_user", "201,700", "from 100 to 599"),
        ("accepted.create_user", [], "whole numbers separated by commas"),
        ("user_agent", "a\nb", "takes text on one line, or none"),
        ("app.custom_headers", "no colon here", "custom header line 1 is not 'Name: value'"),
        ("app.custom_headers", 5, '"Name: value" headers'),
        ("template.file", "/no/such/template.json", "template.file: no file '/no/such/template.json'"),
    ],
)
def test_a_bad_value_says_what_the_knob_takes(name: str, raw: object, says: str) -> None:
    with pytest.raises(KnobError) as caught:
        find(name).parse(raw)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and says in message and "\n" not in message


def test_a_relative_template_file_is_read_from_the_profile_files_folder(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text("{}", encoding="utf-8")
    assert find("template.file").parse("t.json", tmp_path) == (tmp_path / "t.json").resolve()


@pytest.mark.parametrize(
    ("name", "close"),
    [
        ("deletion_action", "app.deletion_action"),
        ("retries", "retry.retries"),
        ("suspendstyle", "suspend_style"),
        ("app.custom_header", "app.custom_headers"),
        ("template.email", "template.emails"),
    ],
)
def test_an_unknown_knob_names_the_closest_ones(name: str, close: str) -> None:
    assert close in suggestions(name)
    with pytest.raises(KnobError, match=rf"^{name}: no such knob; did you mean .*{close}"):
        find(name)


def test_a_knob_nothing_resembles_points_to_profile_show() -> None:
    with pytest.raises(KnobError, match="no such knob; scim-harness profile show lists every knob"):
        find("zzz")
