"""The feature suite's step definitions (pytest-bdd plugins, loaded by the root ``conftest.py``).

Other packages use only :func:`tags_in_features`, the one scan of the features' tags.
"""

from __future__ import annotations

from steps.features import tags_in_features

__all__ = [
    "tags_in_features",
]
