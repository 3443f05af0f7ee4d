"""Root pytest configuration: the feature suite's target, steps and wire capture.

Every plain module in ``steps/`` (not ``test_*.py``) is loaded once here as a plugin, so a new
area's step module needs no registration; ``steps/test_<area>.py`` only bind scenarios.
"""

from __future__ import annotations

from pathlib import Path

_STEPS = Path(__file__).resolve().parent / "steps"

# The shared modules first: the area modules import them, and pytest can only rewrite the
# asserts of a module it imports itself.
_FIRST = ["wire", "target", "common", "directory", "profile"]

pytest_plugins = [f"steps.{name}" for name in _FIRST] + [
    f"steps.{path.stem}"
    for path in sorted(_STEPS.glob("*.py"))
    if not path.stem.startswith(("test_", "_")) and path.stem not in _FIRST
]
