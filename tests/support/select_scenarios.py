"""A pytest plugin for the suite runs of the tests: ``--scenario NAME`` keeps only that scenario.

``python -m pytest steps -p tests.support.select_scenarios --scenario "A deleted user is gone"``
runs that scenario (every example of an outline) and nothing else; a name no feature has is a usage
error, so a renamed scenario cannot make a broken-server test pass by selecting nothing.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--scenario", action="append", default=[], help="keep only the scenario with this name (repeatable)"
    )


def scenario_name(item: pytest.Item) -> str | None:
    """The name a scenario has in its feature file (an outline's, before its examples fill it)."""
    from pytest_bdd.scenario import scenario_wrapper_template_registry

    template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
    name = getattr(template, "name", None)
    return name if isinstance(name, str) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = set(config.getoption("--scenario"))
    if not wanted:
        return
    keep = [item for item in items if scenario_name(item) in wanted]
    missing = wanted - {scenario_name(item) for item in keep}
    if missing:
        raise pytest.UsageError(f"no scenario is named {sorted(missing)}")
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep
