"""Locust's entry point for the OneLogin simulation: ``locust -f simulator/load/locustfile.py``.

The user class and its options live in :mod:`simulator.load.onelogin_user`; docs/load.md shows how
to run a master and workers against a deployment.
"""

from __future__ import annotations

from simulator.load.onelogin_user import OneLoginApp

__all__ = ["OneLoginApp"]
