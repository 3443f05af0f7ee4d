"""One step vocabulary: one field-type system, one ``quoted()``, URNs only from ``schemas/urns.py``.

The field types are checked by parsing step texts as pytest-bdd does; the "only one" rules by
reading the step modules' source (issue 14.4: two field-type systems with different regexes had
grown apart).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from steps._vocabulary import TYPES, phrase, quoted

STEPS = Path(__file__).resolve().parents[2] / "steps"
MODULES = sorted(p for p in STEPS.glob("*.py") if not p.name.startswith("test_"))


def _parsed(step: str, text: str) -> dict[str, object] | None:
    found = phrase(step).parser.parse(text)
    return None if found is None else dict(found.named)


def test_a_quoted_value_is_one_pair_of_quotes_never_more() -> None:
    step = 'a OneLogin user "{name:Q}" assigned to the app'
    assert _parsed(step, 'a OneLogin user "Ana Souza" assigned to the app') == {"name": "Ana Souza"}
    assert _parsed(step, 'a OneLogin user "Ana" with the role "Finance" assigned to the app') is None
    assert _parsed(step, 'a OneLogin user "" assigned to the app') is None


@pytest.mark.parametrize(
    ("step", "text", "expected"),
    [
        ("the {kind:Kind} is unchanged", "the group is unchanged", {"kind": "group"}),
        ("the {kind:Kind} is unchanged", "the account is unchanged", None),
        ("sorted by {attribute:Word}", "sorted by name.familyName", {"attribute": "name.familyName"}),
        ("sorted by {attribute:Word}", "sorted by two words", None),
        ("the title is {literal:Literal}", "the title is -12", {"literal": "-12"}),
        ("the title is {literal:Literal}", "the title is True", None),
        (
            "a client lists the {endpoint:Endpoint}",
            "a client lists the resource types",
            {"endpoint": "resource types"},
        ),
        ("a client lists the {endpoint:Endpoint}", "a client lists the schemas with paging", None),
        ("{count:d} users", "12 users", {"count": 12}),
    ],
)
def test_each_field_type_matches_exactly_its_words(step: str, text: str, expected: object) -> None:
    assert _parsed(step, text) == expected


def test_quoted_reads_a_list_as_the_q_type_does() -> None:
    assert quoted('"ana@example.com", "bo@example.com" and "carla@example.com"') == [
        "ana@example.com",
        "bo@example.com",
        "carla@example.com",
    ]
    assert quoted('"Ana Souza" and ""') == ["Ana Souza"]
    assert TYPES["Q"].pattern == r'[^"]+'


def _calls_and_strings(path: Path) -> tuple[list[str], list[str]]:
    """The names called and the non-docstring string constants of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    calls, strings = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            calls.append(ast.unparse(node.func))
            calls += [f"{ast.unparse(node.func)}(..., {k.arg}=)" for k in node.keywords if k.arg]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            strings.append(node.value)
    return calls, strings


@pytest.mark.parametrize("module", [p for p in MODULES if p.name != "_vocabulary.py"], ids=lambda p: p.name)
def test_no_step_module_has_field_types_or_urns_of_its_own(module: Path) -> None:
    calls, strings = _calls_and_strings(module)
    own_types = [c for c in calls if c in ("FieldType", "parsers.parse(..., extra_types=)")]
    assert not own_types, f"steps/{module.name} defines field types: use steps._vocabulary.phrase"
    urns = [s for s in strings if s.startswith(("urn:ietf:params:scim:", "urn:scim:"))]
    assert not urns, f"steps/{module.name} spells URNs itself: use schemas.urns ({urns})"
