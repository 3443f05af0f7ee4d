"""The filter and PATCH path parsers (RFC 7644 §3.4.2.2, §3.5.2): trees, precedence, errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_server.errors import ScimError
from reference_server.filters import (
    And,
    Comparison,
    Not,
    Or,
    PatchPath,
    Present,
    ValuePath,
    parse_filter,
    parse_patch_path,
    render,
)
from reference_server.filters.parser import MAX_DEPTH, MAX_LENGTH, _Parser, _simple_comparison

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LAST_MODIFIED = "2011-05-13T04:42:34Z"

# RFC 7644 §3.4.2.2, the example filters, in order.
RFC_EXAMPLES = [
    ('userName eq "bjensen"', Comparison("userName", "eq", "bjensen")),
    ('name.familyName co "O\'Malley"', Comparison("name.familyName", "co", "O'Malley")),
    ('userName sw "J"', Comparison("userName", "sw", "J")),
    (
        'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
        Comparison("urn:ietf:params:scim:schemas:core:2.0:User:userName", "sw", "J"),
    ),
    ("title pr", Present("title")),
    (f'meta.lastModified gt "{LAST_MODIFIED}"', Comparison("meta.lastModified", "gt", LAST_MODIFIED)),
    (f'meta.lastModified ge "{LAST_MODIFIED}"', Comparison("meta.lastModified", "ge", LAST_MODIFIED)),
    (f'meta.lastModified lt "{LAST_MODIFIED}"', Comparison("meta.lastModified", "lt", LAST_MODIFIED)),
    (f'meta.lastModified le "{LAST_MODIFIED}"', Comparison("meta.lastModified", "le", LAST_MODIFIED)),
    (
        'title pr and userType eq "Employee"',
        And((Present("title"), Comparison("userType", "eq", "Employee"))),
    ),
    ('title pr or userType eq "Intern"', Or((Present("title"), Comparison("userType", "eq", "Intern")))),
    (f'schemas eq "{ENTERPRISE}"', Comparison("schemas", "eq", ENTERPRISE)),
    (
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        And(
            (
                Comparison("userType", "eq", "Employee"),
                Or(
                    (
                        Comparison("emails", "co", "example.com"),
                        Comparison("emails.value", "co", "example.org"),
                    )
                ),
            )
        ),
    ),
    (
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
        And(
            (
                Comparison("userType", "ne", "Employee"),
                Not(
                    Or(
                        (
                            Comparison("emails", "co", "example.com"),
                            Comparison("emails.value", "co", "example.org"),
                        )
                    )
                ),
            )
        ),
    ),
    (
        'userType eq "Employee" and (emails.type eq "work")',
        And((Comparison("userType", "eq", "Employee"), Comparison("emails.type", "eq", "work"))),
    ),
    (
        'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
        And(
            (
                Comparison("userType", "eq", "Employee"),
                ValuePath(
                    "emails",
                    And((Comparison("type", "eq", "work"), Comparison("value", "co", "@example.com"))),
                ),
            )
        ),
    ),
    (
        'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
        Or(
            (
                ValuePath(
                    "emails",
                    And((Comparison("type", "eq", "work"), Comparison("value", "co", "@example.com"))),
                ),
                ValuePath(
                    "ims", And((Comparison("type", "eq", "xmpp"), Comparison("value", "co", "@foo.com")))
                ),
            )
        ),
    ),
]


@pytest.mark.parametrize(("text", "tree"), RFC_EXAMPLES, ids=[t for t, _ in RFC_EXAMPLES])
def test_rfc_examples_parse(text, tree):
    assert parse_filter(text) == tree


@pytest.mark.parametrize(("text", "tree"), RFC_EXAMPLES, ids=[t for t, _ in RFC_EXAMPLES])
def test_render_reads_back(text, tree):
    assert parse_filter(render(tree)) == tree


def test_extension_path_is_kept_as_written():
    tree = parse_filter(f'{ENTERPRISE}:department eq "R&D"')
    assert tree == Comparison(f"{ENTERPRISE}:department", "eq", "R&D")
    assert parse_filter(f'{ENTERPRISE}:manager.value eq "42"') == Comparison(
        f"{ENTERPRISE}:manager.value", "eq", "42"
    )


def test_operators_keywords_and_attributes_are_case_insensitive():
    """Q-04: the operator is normalised; the path keeps its spelling (resolution ignores case)."""
    tree = parse_filter('USERNAME EQ "x" AND Title PR OR NOT (active Eq TRUE)')
    assert tree == Or(
        (
            And((Comparison("USERNAME", "eq", "x"), Present("Title"))),
            Not(Comparison("active", "eq", True)),
        )
    )
    for op in ("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"):
        assert parse_filter(f'title {op.upper()} "v"') == Comparison("title", op, "v")


def test_precedence_not_and_or_grouping():
    """Q-06: grouping > not > and > or."""
    a, b, c = Present("a"), Present("b"), Present("c")
    assert parse_filter("a pr or b pr and c pr") == Or((a, And((b, c))))
    assert parse_filter("a pr and b pr or c pr") == Or((And((a, b)), c))
    assert parse_filter("(a pr or b pr) and c pr") == And((Or((a, b)), c))
    assert parse_filter("not (a pr) and b pr") == And((Not(a), b))
    assert parse_filter("not(a pr or b pr)") == Not(Or((a, b)))
    assert parse_filter("a pr and b pr and c pr") == And((a, b, c))
    assert parse_filter("((a pr))") == a


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("0", 0),
        ("-12", -12),
        ("3.25", 3.25),
        ("1e3", 1000.0),
        ("-2.5E-1", -0.25),
        ("true", True),
        ("False", False),
        ("null", None),
        ('""', ""),
        (r'"a \"quoted\" back\\slash"', 'a "quoted" back\\slash'),
        (r'"caf\u00e9 \ud83d\ude00 tab\t"', "café 😀 tab\t"),
        ('"naïve ümlaut ß"', "naïve ümlaut ß"),
        ('"50% off_sale*?[x]"', "50% off_sale*?[x]"),
        ('"it\'s"', "it's"),
    ],
)
def test_values_are_json_literals(literal, value):
    tree = parse_filter(f"x eq {literal}")
    assert isinstance(tree, Comparison)
    assert tree.value == value
    assert type(tree.value) is type(value)


def test_whitespace_is_flexible():
    assert parse_filter('  userName   eq\t"x"\n') == Comparison("userName", "eq", "x")
    assert parse_filter('emails[type eq "work"]and(title pr)') == And(
        (ValuePath("emails", Comparison("type", "eq", "work")), Present("title"))
    )


def test_keywords_can_be_attribute_names():
    assert parse_filter("pr pr") == Present("pr")
    assert parse_filter('and eq "x" and or pr') == And((Comparison("and", "eq", "x"), Present("or")))
    assert parse_filter("not pr") == Present("not")


MALFORMED = [
    ("", "empty"),
    ("   ", "empty"),
    ("userName", "operator"),
    ('userName equals "x"', "operator"),
    ('userName eq "x', "unterminated"),
    ("userName eq bjensen", "value"),
    ("userName eq", "value"),
    ('userName eq "x" and', "attribute path"),
    ('userName eq "x" userName eq "y"', "'and', 'or'"),
    ('(userName eq "x"', "')'"),
    ('userName eq "x")', "')'"),
    ('not userName eq "x"', "'not' must be followed"),
    ("title pr extra", "'and', 'or'"),
    ('emails[type eq "work"', "']'"),
    ('emails[type eq "work"]]', "']'"),
    ('emails[type[value eq "x"] eq "y"]', "nested"),
    ('emails[type eq "work"].value eq "x"', "'.'"),
    ('"userName" eq "x"', "attribute path"),
    ('user name eq "x"', "operator"),
    ('userName eq "x" & title pr', "unexpected character"),
    ('userName eq "\\x"', "malformed string"),
    ('userName eq "\\ud800"', "surrogate"),
    ('userName eq "\\u0000"', "U+0000"),
    ('userName eq "tab\there"', "malformed string"),
    ("userName eq 01", "malformed number"),
    ("userName eq 1.", "malformed number"),
    ("userName eq 12abc", "malformed number"),
    ("userName eq 1e999", "out of range"),
    ("userName eq 99999999999999999999", "out of range"),
    ('a:b eq "x"', "not an attribute path"),
    ('urn:foo eq "x"', "not an attribute path"),
    ('name.givenName.x eq "x"', "not an attribute path"),
    ('1abc eq "x"', "malformed number"),
    ('userName eq "x" or ()', "attribute path"),
    ("userName gt", "value"),
    ("[]", "attribute path"),
    ('userName eq "x" and not', "'not' must be followed"),
    ('émail eq "x"', "unexpected character"),
]


@pytest.mark.parametrize(("text", "hint"), MALFORMED, ids=[t or "<empty>" for t, _ in MALFORMED])
def test_malformed_filters_are_invalid_filter(text, hint):
    """Q-07: a malformed filter is 400 invalidFilter, with a detail saying what is wrong."""
    with pytest.raises(ScimError) as caught:
        parse_filter(text)
    assert caught.value.status == 400
    assert caught.value.scim_type == "invalidFilter"
    assert hint in caught.value.detail


def test_error_detail_gives_the_column():
    with pytest.raises(ScimError) as caught:
        parse_filter('userName eq "x" and title is "y"')
    assert "column 27" in caught.value.detail
    assert "'is'" in caught.value.detail


def test_nesting_is_bounded():
    deep_ok = "(" * MAX_DEPTH + "a pr" + ")" * MAX_DEPTH
    assert parse_filter(deep_ok) == Present("a")
    for text in (
        "(" * (MAX_DEPTH + 1) + "a pr" + ")" * (MAX_DEPTH + 1),
        "not (" * (MAX_DEPTH + 1) + "a pr" + ")" * (MAX_DEPTH + 1),
        "(" * 100_000,
    ):
        with pytest.raises(ScimError) as caught:
            parse_filter(text)
        assert caught.value.scim_type == "invalidFilter"


def test_length_is_bounded():
    long_value = 'userName eq "' + "x" * MAX_LENGTH + '"'
    with pytest.raises(ScimError) as caught:
        parse_filter(long_value)
    assert caught.value.scim_type == "invalidFilter"
    assert str(MAX_LENGTH) in caught.value.detail
    # A long flat chain within the limit stays a shallow tree.
    chain = " or ".join(["a pr"] * 500)
    assert len(parse_filter(chain).operands) == 500  # type: ignore[union-attr]


PATCH_PATHS = [
    ("members", PatchPath("members")),
    ("name.givenName", PatchPath("name.givenName")),
    (f"{ENTERPRISE}:manager", PatchPath(f"{ENTERPRISE}:manager")),
    (f"{ENTERPRISE}:manager.value", PatchPath(f"{ENTERPRISE}:manager.value")),
    (ENTERPRISE, PatchPath(ENTERPRISE)),
    (
        'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
        PatchPath("members", Comparison("value", "eq", "2819c223-7f76-453a-919d-413861904646")),
    ),
    ('emails[type eq "work"].value', PatchPath("emails", Comparison("type", "eq", "work"), "value")),
    (
        'addresses[type eq "work" and not (primary eq false)].streetAddress',
        PatchPath(
            "addresses",
            And((Comparison("type", "eq", "work"), Not(Comparison("primary", "eq", False)))),
            "streetAddress",
        ),
    ),
    ('EMAILS[TYPE EQ "work"]', PatchPath("EMAILS", Comparison("TYPE", "eq", "work"))),
]


@pytest.mark.parametrize(("text", "expected"), PATCH_PATHS, ids=[t for t, _ in PATCH_PATHS])
def test_patch_paths(text, expected):
    assert parse_patch_path(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "emails[",
        'emails[type eq "work"',
        'emails[type eq "work"].',
        'emails[type eq "work"].value.display',
        'emails[type eq "work"] value',
        'emails[type eq "work"][value eq "x"]',
        'emails[type eq work"]',
        "emails[]",
        "emails.",
        '"emails"',
        'emails[type[value eq "x"] eq "w"]',
        "members value",
        "a b",
        'emails[type eq "work"].valu e',
    ],
)
def test_malformed_patch_paths_are_invalid_path(text):
    with pytest.raises(ScimError) as caught:
        parse_patch_path(text)
    assert caught.value.status == 400
    assert caught.value.scim_type == "invalidPath"


# --- the shortcut for ``attrPath op "string"`` must read exactly as the parser does ---------------

_BLANKS = st.text(alphabet=" \t\r\n", max_size=2)
_WORDS = st.sampled_from(
    ["userName", "emails.value", "name.familyName", f"{ENTERPRISE}:department", "and", "not", "pr", "a.b.c"]
)
_OPS = st.sampled_from(["eq", "EQ", "Co", "sw", "ew", "ne", "gt", "ge", "lt", "le", "pr", "xx", "and"])
_STRING_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    ['"', "\\", "\x00", "\x1f", "\x7f", "\u00e9", "\U0001f600"]
)


@given(
    lead=_BLANKS,
    path=_WORDS,
    gap1=st.text(alphabet=" \t", min_size=0, max_size=2),
    op=_OPS,
    gap2=st.text(alphabet=" \t", min_size=0, max_size=2),
    value=st.text(alphabet=_STRING_CHARS, max_size=12),
    escaped=st.booleans(),
    trail=_BLANKS,
)
@settings(max_examples=400, deadline=None)
def test_the_simple_comparison_shortcut_agrees_with_the_parser(
    lead: str, path: str, gap1: str, op: str, gap2: str, value: str, escaped: bool, trail: str
) -> None:
    """What the shortcut accepts, the full parser turns into the same Comparison."""
    literal = json.dumps(value, ensure_ascii=False) if escaped else f'"{value}"'
    text = f"{lead}{path}{gap1}{op}{gap2}{literal}{trail}"
    shortcut = _simple_comparison(text)
    if shortcut is None:
        return
    parser = _Parser(text, "invalidFilter", "filter")
    node = parser.parse_or(False)
    parser.expect_end("expected the end")
    assert shortcut == node
