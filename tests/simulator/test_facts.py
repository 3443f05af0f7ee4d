"""IdP facts: every ``@fact_…`` tag names a known fact, and a scenario resting on a guess never gates."""

from __future__ import annotations

from pathlib import Path

from simulator.facts import FACTS, fact, facts_of

FEATURES = Path(__file__).resolve().parents[2] / "features"


def _scenario_tags() -> list[tuple[str, set[str]]]:
    """(where, tags) per scenario: the feature's tags plus the scenario's own."""
    found: list[tuple[str, set[str]]] = []
    for path in sorted(FEATURES.rglob("*.feature")):
        feature_tags: set[str] = set()
        pending: set[str] = set()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("@"):
                pending |= {t.lstrip("@") for t in stripped.split() if t.startswith("@")}
            elif stripped.startswith("Feature:"):
                feature_tags, pending = pending, set()
            elif stripped.startswith(("Scenario:", "Scenario Outline:")):
                found.append((f"{path.relative_to(FEATURES)}:{number}", feature_tags | pending))
                pending = set()
    return found


def test_every_fact_tag_names_a_known_fact() -> None:
    unknown = sorted(
        {t for _, tags in _scenario_tags() for t in tags if t.startswith("fact_") and not fact(t)}
    )
    assert not unknown, f"tags naming no fact in simulator/facts.py: {unknown}"


def test_a_scenario_resting_on_a_guess_is_should_never_must() -> None:
    wrong = [
        f"{where}: {', '.join(f.id for f in facts_of(tags) if not f.gates)}"
        for where, tags in _scenario_tags()
        if "must" in tags and any(not f.gates for f in facts_of(tags))
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
