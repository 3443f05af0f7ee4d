"""The uvicorn settings every bench target runs under (stdlib only: the peer venv imports it too).

They mirror what ``scim-harness serve`` passes to ``uvicorn.run`` (harness/serve.py): one process,
no access log, lifespan on, the log level it uses by default. ``loop``/``http`` are ``auto``
there, which picks uvloop and httptools when installed; the project depends on both, and the
peer venv installs them too, so every target runs on uvloop and httptools (named here, so that a
venv without them fails to start instead of silently measuring another stack).
"""

from __future__ import annotations

from typing import Any

HOST = "127.0.0.1"
SETTINGS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "log_level": "warning",
    "access_log": False,
    "lifespan": "on",
}


def run(app: Any, port: int) -> None:
    """Serve ``app`` on 127.0.0.1:``port`` with :data:`SETTINGS` (one worker: the app object)."""
    import uvicorn

    uvicorn.run(app, host=HOST, port=port, **SETTINGS)
