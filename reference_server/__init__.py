"""The reference SCIM 2.0 server: Litestar + SQLite, with the app-side domain of a Cerby-like app."""

from __future__ import annotations

from reference_server.app import create_app
from reference_server.config import ServerConfig
from reference_server.errors import ScimError
from reference_server.server import build_server

__all__ = ["ScimError", "ServerConfig", "build_server", "create_app"]
