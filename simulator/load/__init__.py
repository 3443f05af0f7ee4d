"""Distributed load on Locust: the OneLogin profile's traffic from many processes and machines.

:data:`LOCUSTFILE` is the file to give ``locust -f``; :class:`Feed` and :class:`Partition` are the
Locust-free part (one process's share of a scenario's steps). Importing this package does not import
Locust: only the locustfile does, because Locust monkey-patches the process with gevent.
"""

from __future__ import annotations

from pathlib import Path

from simulator.load.feed import Feed, Partition

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
"""``locust -f`` this file (or ``scim-harness simulate --engine locust``)."""

__all__ = ["LOCUSTFILE", "Feed", "Partition"]
