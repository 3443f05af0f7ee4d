"""The ``scim-harness`` command: ``check``, ``simulate``, ``replay``, ``serve`` and ``profile``.

The top layer: no other package imports it, so it exports no names. Its interface is the command
(``harness.cli``) and the reports it writes (``harness.reporting``, ``docs/reports.md``).
"""

from __future__ import annotations

__all__: list[str] = []
