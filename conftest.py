"""Root pytest configuration: the feature suite's target, steps and wire capture.

Every plain module in ``steps/`` (not ``test_*.py``) is loaded once here as a plugin, so a new
area's step module needs no registration; ``steps/test_<area>.py`` only bind scenarios.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scim_client import Target

_STEPS = Path(__file__).resolve().parent / "steps"

# The shared modules first: the area modules import them, and pytest can only rewrite the
# asserts of a module it imports itself.
_FIRST = [
    "features",
    "failures",
    "wire",
    "target",
    "common",
    "directory",
    "profile",
    "idp",
    "idp_diagnosis",
    "idp_events",
]

pytest_plugins = [f"steps.{name}" for name in _FIRST] + [
    f"steps.{path.stem}"
    for path in sorted(_STEPS.glob("*.py"))
    if not path.stem.startswith(("test_", "_")) and path.stem not in _FIRST
]


@pytest.fixture(scope="session")
def embedded_target() -> Iterator[Target]:
    """The suite's default target: the reference server on a free loopback port and a fresh SQLite
    file, for the whole session (steps never import the server; they ask for this fixture).

    Imported here, not at the top: a run against a given target (every ``check`` worker, every
    broken-server run of the tests) never needs the server, Litestar included (~0.4 s a start)."""
    from harness.target import open_target

    with open_target(None, rotation_delay=0.05) as opened:
        yield opened.target
