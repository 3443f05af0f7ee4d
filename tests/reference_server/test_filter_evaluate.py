"""The in-memory filter evaluator (RFC 7644 §3.4.2.2): operators, case rules, multi-valued
attributes, value paths, presence, dateTimes, booleans, and the filters that do not fit."""

from __future__ import annotations

import pytest

from reference_server.errors import ScimError
from reference_server.filters import matches, matches_value, parse_filter
from schemas.definitions import GROUP_TYPE, USER, USER_TYPE

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"

ALICE = {
    "schemas": [CORE, ENTERPRISE],
    "id": "2819c223-7f76-453a-919d-413861904646",
    "externalId": "Ext-Alice",
    "userName": "Alice.Smith@Example.com",
    "name": {"familyName": "Smith", "givenName": "Alice"},
    "displayName": "Alice Smith",
    "title": "Engineer",
    "userType": "Employee",
    "active": True,
    "emails": [
        {"value": "Alice@Example.com", "type": "work", "primary": True},
        {"value": "alice@home.org", "type": "home"},
    ],
    "groups": [{"value": "g-1", "display": "Admins", "type": "direct"}],
    ENTERPRISE: {"department": "R&D", "manager": {"value": "m-1", "displayName": "The Boss"}},
    "meta": {
        "resourceType": "User",
        "created": "2024-01-01T10:00:00.000Z",
        "lastModified": "2024-06-01T12:30:00.500Z",
        "version": 'W/"3"',
    },
}
BOB = {
    "schemas": [CORE],
    "id": "bob-id",
    "userName": "bob",
    "title": "",
    "nickName": None,
    "name": {},
    "active": False,
    "phoneNumbers": [],
    "emails": [{"value": "bob@example.org", "type": "work"}, {"type": "home"}],
    "meta": {
        "resourceType": "User",
        "created": "2023-12-31T23:00:00.000Z",
        "lastModified": "2023-12-31T23:00:00.000Z",
        "version": 'W/"1"',
    },
}
GRETE = {
    "schemas": [CORE],
    "id": "grete-id",
    "userName": "grete@straße.de",
    "displayName": "Grete ÄRGER",
    "meta": {
        "resourceType": "User",
        "created": "2024-03-01T00:00:00.000Z",
        "lastModified": "2024-03-01T00:00:00.000Z",
        "version": 'W/"1"',
    },
}
USERS = {"alice": ALICE, "bob": BOB, "grete": GRETE}


def selected(text: str) -> set[str]:
    tree = parse_filter(text)
    return {name for name, user in USERS.items() if matches(tree, user, USER_TYPE)}


CASES = [
    # eq, and the case rules: userName, emails.value, displayName fold; id, externalId do not.
    ('userName eq "ALICE.SMITH@EXAMPLE.COM"', {"alice"}),
    ('userName eq "bob"', {"bob"}),
    ('USERNAME Eq "Bob"', {"bob"}),
    ('externalId eq "Ext-Alice"', {"alice"}),
    ('externalId eq "ext-alice"', set()),
    ('id eq "BOB-ID"', set()),
    ('id eq "bob-id"', {"bob"}),
    ('displayName eq "grete ärger"', {"grete"}),
    ('meta.version eq "W/\\"3\\""', {"alice"}),
    ('meta.resourceType eq "user"', set()),
    ('meta.resourceType eq "User"', {"alice", "bob", "grete"}),
    # co / sw / ew, folded with str.casefold (ß is "ss").
    ('userName co "SMITH@"', {"alice"}),
    ('userName co "STRASSE"', {"grete"}),
    ('userName sw "ALI"', {"alice"}),
    ('userName ew ".DE"', {"grete"}),
    ('userName co ""', {"alice", "bob", "grete"}),
    ('externalId sw "ext"', set()),
    ('externalId sw "Ext"', {"alice"}),
    # ne: a present value that differs; unassigned matches neither eq nor ne.
    ('title ne "engineer"', {"bob"}),
    ('displayName ne "x"', {"alice", "grete"}),
    ('not (displayName eq "x")', {"alice", "bob", "grete"}),
    # ordering on folded strings.
    ('userName gt "b"', {"bob", "grete"}),
    ('userName ge "bob"', {"bob", "grete"}),
    ('userName lt "BOB"', {"alice"}),
    ('userName le "bob"', {"alice", "bob"}),
    # multi-valued: any value matches; a complex attribute without sub-attribute is its value.
    ('emails.type eq "home"', {"alice", "bob"}),
    ('emails co "EXAMPLE.ORG"', {"bob"}),
    ('emails eq "alice@home.org"', {"alice"}),
    ('emails.value ew "example.com"', {"alice"}),
    ("emails.primary eq true", {"alice"}),
    ("emails.primary eq false", set()),
    # value paths: one element satisfies the whole value filter.
    ('emails[type eq "work" and value co "example.com"]', {"alice"}),
    ('emails[type eq "home" and value co "example.com"]', set()),
    ('emails[type eq "home" and not (value pr)]', {"bob"}),
    ('emails[value eq "ALICE@example.com"]', {"alice"}),
    ('emails[type eq "work"] and emails[type eq "home"]', {"alice", "bob"}),
    ('name[givenName eq "alice"]', {"alice"}),
    ("name[not (givenName pr)]", {"bob"}),
    ('groups[display eq "admins" and type eq "direct"]', {"alice"}),
    ('groups.value eq "G-1"', {"alice"}),
    # pr: null, "", [], {} are not present.
    ("title pr", {"alice"}),
    ("nickName pr", set()),
    ("name pr", {"alice"}),
    ("phoneNumbers pr", set()),
    ("emails pr", {"alice", "bob"}),
    ("displayName pr", {"alice", "grete"}),
    ("emails.primary pr", {"alice"}),
    # null: eq null is "not present", ne null "present".
    ("title eq null", {"bob", "grete"}),
    ("title ne null", {"alice"}),
    # not, and, or, grouping.
    ("not (title pr)", {"bob", "grete"}),
    ('not (userName eq "bob") and not (userName sw "grete")', {"alice"}),
    ('userName eq "bob" or userName sw "g" and title pr', {"bob"}),
    ('(userName eq "bob" or userName sw "g") and not (title pr)', {"bob", "grete"}),
    # booleans.
    ("active eq true", {"alice"}),
    ("active eq false", {"bob"}),
    ("active ne true", {"bob"}),
    ("active pr", {"alice", "bob"}),
    ("not (active eq true)", {"bob", "grete"}),
    # dateTime: instants, offsets, the stored millisecond precision.
    ('meta.lastModified gt "2024-06-01T12:30:00Z"', {"alice"}),
    ('meta.lastModified eq "2024-06-01T14:30:00.5+02:00"', {"alice"}),
    ('meta.lastModified eq "2024-06-01T12:30:00.500Z"', {"alice"}),
    ('meta.created ge "2024-01-01T10:00:00Z"', {"alice", "grete"}),
    ('meta.created lt "2024-01-01T00:00:00+00:30"', {"bob"}),
    ('meta.created le "2023-12-31T23:00:00.000Z"', {"bob"}),
    ('meta.created eq "2023-12-31t18:00:00-05:00"', {"bob"}),
    ('meta.created lt "2024-01-01T10:00:00.0001Z"', {"alice", "bob"}),
    ('meta.created gt "2024-01-01T09:59:59.9999Z"', {"alice", "grete"}),
    ('meta.created eq "2024-01-01T10:00:00.0001Z"', set()),
    ('meta.created ne "2024-01-01T10:00:00.0001Z"', {"alice", "bob", "grete"}),
    ('meta.created ne "2024-01-01T10:00:00Z"', {"bob", "grete"}),
    # the enterprise extension, by full URN path; the core URN prefix.
    (f'{ENTERPRISE}:department eq "r&d"', {"alice"}),
    (f'{ENTERPRISE.upper()}:DEPARTMENT co "&"', {"alice"}),
    (f'{ENTERPRISE}:manager eq "M-1"', {"alice"}),
    (f'{ENTERPRISE}:manager.displayName sw "the"', {"alice"}),
    (f"{ENTERPRISE}:manager[value pr]", {"alice"}),
    (f'{CORE}:userName sw "alice"', {"alice"}),
    # schemas (RFC 7644 §3.4.2.2 example).
    (f'schemas eq "{ENTERPRISE}"', {"alice"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t for t, _ in CASES])
def test_filters(text, expected):
    assert selected(text) == expected


def test_attribute_keys_match_case_insensitively():
    odd = {
        "USERNAME": "Zed",
        "Emails": [{"VALUE": "z@x.org", "Type": "work"}],
        "urn:IETF:params:scim:schemas:extension:enterprise:2.0:user": {"Department": "Ops"},
    }
    for text in (
        'userName eq "zed"',
        'emails[type eq "work" and value eq "z@x.org"]',
        f'{ENTERPRISE}:department eq "ops"',
    ):
        assert matches(parse_filter(text), odd, USER_TYPE), text


def test_values_of_the_wrong_type_match_nothing():
    weird = {"userName": "w", "title": 5, "active": "true", "emails": ["plain@string.org", {"value": 7}]}
    assert not matches(parse_filter('title eq "5"'), weird, USER_TYPE)
    assert not matches(parse_filter('title ne "5"'), weird, USER_TYPE)
    assert matches(parse_filter("title pr"), weird, USER_TYPE)
    assert not matches(parse_filter("active eq true"), weird, USER_TYPE)
    assert not matches(parse_filter("active ne true"), weird, USER_TYPE)
    assert not matches(parse_filter('emails co "plain"'), weird, USER_TYPE)
    assert not matches(parse_filter('emails[not (value eq "x")] and emails.value eq "7"'), weird, USER_TYPE)


def test_groups_members():
    group = {
        "id": "g-1",
        "displayName": "Admins",
        "members": [
            {"value": "u-1", "display": "Alice Smith", "type": "User"},
            {"value": "u-2", "display": "bob", "type": "User"},
        ],
    }
    for text, expected in [
        ('members.value eq "U-2"', True),
        ('members eq "u-1"', True),
        ('members[display co "smith" and value eq "u-1"]', True),
        ('members[display co "smith" and value eq "u-2"]', False),
        ('members.type eq "user"', True),
        ("members pr", True),
        ('displayName eq "ADMINS"', True),
    ]:
        assert matches(parse_filter(text), group, GROUP_TYPE) is expected, text
    assert not matches(parse_filter("members pr"), {"id": "g-2", "displayName": "Empty"}, GROUP_TYPE)


def test_matches_value_evaluates_one_element():
    emails = USER.attribute("emails")
    assert emails is not None
    work = {"value": "a@example.com", "type": "work", "primary": True}
    assert matches_value(parse_filter('type eq "WORK"'), work, emails)
    assert matches_value(parse_filter('type eq "work" and value ew "EXAMPLE.COM"'), work, emails)
    assert matches_value(parse_filter("primary eq true and not (display pr)"), work, emails)
    assert not matches_value(parse_filter('type eq "home" or value sw "b"'), work, emails)
    with pytest.raises(ScimError) as caught:
        matches_value(parse_filter('nope eq "x"'), work, emails)
    assert caught.value.scim_type == "invalidFilter"


INVALID = [
    ('nosuch eq "x"', "not an attribute"),
    ('name.nosuch eq "x"', "not an attribute"),
    (f'{ENTERPRISE}:nosuch eq "x"', "not an attribute"),
    ('urn:example:unknown:1.0:User:title eq "x"', "not an attribute"),
    ('name eq "x"', "complex"),
    ('meta co "x"', "complex"),
    ('password eq "secret"', "never returned"),
    ('meta.location eq "https://x/Users/1"', "not supported"),
    ('members.$ref eq "x"', "not an attribute"),
    ('groups.$ref eq "x"', "not supported"),
    ("active gt true", "boolean"),
    ("emails.primary le false", "boolean"),
    ('active co "t"', "boolean"),
    ('active eq "yes"', "true or false"),
    ("active eq 1", "true or false"),
    ("title eq 5", "string"),
    ("title eq true", "string"),
    ("userName gt null", "null"),
    ('x509Certificates.value gt "abc"', "binary"),
    ('meta.created eq "yesterday"', "RFC 3339"),
    ('meta.created eq "2024-02-30T00:00:00Z"', "RFC 3339"),
    ('meta.created eq "2024-01-01"', "RFC 3339"),
    ('meta.created eq "2024-01-01T00:00:00+25:00"', "RFC 3339"),
    ('meta.created co "2024"', "dateTime"),
    ("meta.created eq 2024", "string"),
    ('emails[nosuch eq "x"]', "no sub-attribute"),
    ('emails[emails.value eq "x"]', "no sub-attribute"),
    ('title[value eq "x"]', "not a complex attribute"),
    ('name.givenName[value eq "x"]', "not a complex attribute"),
]


@pytest.mark.parametrize(("text", "hint"), INVALID, ids=[t for t, _ in INVALID])
def test_filters_that_do_not_fit_the_schema_are_invalid_filter(text, hint):
    """Q-07 and Table 9: an unknown attribute or an unsupported comparison is 400 invalidFilter."""
    tree = parse_filter(text)
    with pytest.raises(ScimError) as caught:
        matches(tree, ALICE, USER_TYPE)
    assert caught.value.status == 400
    assert caught.value.scim_type == "invalidFilter"
    assert hint in caught.value.detail


def test_group_attributes_are_not_user_attributes():
    with pytest.raises(ScimError):
        matches(parse_filter('userName eq "x"'), {"displayName": "x"}, GROUP_TYPE)
    with pytest.raises(ScimError):
        matches(parse_filter('members.value eq "x"'), ALICE, USER_TYPE)
