"""The feature files as data: where they are, and the tags each scenario carries.

The one place that reads tags out of ``.feature`` text: the suite registers them as pytest markers,
``check --tags`` checks a selection against them, and the tests keep every ``@req_…`` and
``@fact_…`` tag resolvable and every ``@must`` off a guessed fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FEATURES = Path(__file__).resolve().parent.parent / "features"


def _tags_of(line: str) -> set[str]:
    return {word.lstrip("@") for word in line.split() if word.startswith("@")}


def tags_in_features(features: Path = FEATURES) -> set[str]:
    """Every tag written in a ``.feature`` file under ``features`` (without ``@``)."""
    found: set[str] = set()
    for path in features.rglob("*.feature"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("@"):
                found |= _tags_of(line)
    return found


@dataclass(frozen=True)
class ScenarioTags:
    """A scenario's place (``onelogin/push.feature:8``), name and tags (its feature's included)."""

    where: str
    name: str
    tags: frozenset[str]


def scenario_tags(features: Path = FEATURES) -> list[ScenarioTags]:
    """Every scenario (or outline) with its own tags and its feature's, in file order."""
    found: list[ScenarioTags] = []
    for path in sorted(features.rglob("*.feature")):
        feature: set[str] = set()
        pending: set[str] = set()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("@"):
                pending |= _tags_of(stripped)
            elif stripped.startswith("Feature:"):
                feature, pending = pending, set()
            elif stripped.startswith(("Scenario:", "Scenario Outline:", "Scenario Template:")):
                name = stripped.partition(":")[2].strip()
                where = f"{path.relative_to(features)}:{number}"
                found.append(ScenarioTags(where, name, frozenset(feature | pending)))
                pending = set()
            elif stripped.startswith("Examples:"):
                pending = set()
    return found
