"""IdP facts: every ``@fact_…`` tag names a known fact, and a scenario resting on a guess never gates."""

from __future__ import annotations

from simulator.facts import FACTS, fact, facts_of
from steps.features import scenario_tags


def test_every_fact_tag_names_a_known_fact() -> None:
    unknown = sorted({t for s in scenario_tags() for t in s.tags if t.startswith("fact_") and not fact(t)})
    assert not unknown, f"tags naming no fact in simulator/facts.py: {unknown}"


def test_a_scenario_resting_on_a_guess_is_should_never_must() -> None:
    wrong = [
        f"{s.where}: {', '.join(f.id for f in facts_of(s.tags) if not f.gates)}"
        for s in scenario_tags()
        if "must" in s.tags and any(not f.gates for f in facts_of(s.tags))
    ]
    assert not wrong, "a @must scenario rests on a [guess]/[?] fact:\n" + "\n".join(wrong)


def test_a_fact_cites_its_certainty_and_source() -> None:
    legacy = fact("@fact_onelogin_legacy_urns")
    assert legacy is not None and legacy.certainty == "seen" and legacy.gates
    assert legacy.basis.startswith("OneLogin fact [seen]: ")
    assert "onelogin-scim-node" in legacy.basis
    guess = FACTS["onelogin_suspend_put"]
    assert guess.certainty == "guess" and not guess.gates
    assert [f.id for f in facts_of(["must", "fact_onelogin_put_bare_query", "fact_nope"])] == [
        "onelogin_put_bare_query"
    ]
