"""The reference SCIM 2.0 server: Litestar + SQLite, with the app-side domain of a Cerby-like app."""

from __future__ import annotations

from reference_server.app import create_app
from reference_server.config import BASE_PATH, OBSERVER_PATH, ServerConfig, new_token
from reference_server.embedded import EmbeddedServer
from reference_server.errors import ScimError
from reference_server.protocol import OneWriteProtocol
from reference_server.server import build_server

__all__ = [
    "BASE_PATH",
    "OBSERVER_PATH",
    "EmbeddedServer",
    "OneWriteProtocol",
    "ScimError",
    "ServerConfig",
    "build_server",
    "create_app",
    "new_token",
]
