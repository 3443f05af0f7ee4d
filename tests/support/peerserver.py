"""An independent SCIM 2.0 server from PyPI (``scim2-server``), served by uvicorn on 127.0.0.1.

It is the server of the ``scim2-server`` command with its defaults — the RFC 7643 schemas, the
User and Group resource types, every feature of the default ``/ServiceProviderConfig``, in-memory
storage — and one static bearer token, built here on its ASGI application.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from scim2_models import ScimProvider, UnauthorizedException
from scim2_server.applications.asgi import ASGIApplication
from scim2_server.applications.base import VERSION_PREFIX
from scim2_server.memory import AsyncInMemoryStorage, InMemoryStorage
from scim2_server.requests import ScimRequest
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME
from scim2_server.utils import (
    load_default_resource_types,
    load_default_schemas,
    load_default_service_provider_config,
)


class BearerASGIApplication(ASGIApplication):
    """scim2-server's ASGI application accepting one static bearer token (as its test server does)."""

    def __init__(self, token: str) -> None:
        config = load_default_service_provider_config()
        config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
        provider = ScimProvider.from_discovery(
            load_default_schemas().values(), load_default_resource_types().values(), config=config
        )
        super().__init__(
            AsyncInMemoryStorage(InMemoryStorage()),
            provider,
            ScimService(provider, secret=secrets.token_urlsafe(32)),
        )
        self.token = token

    def check_auth(self, request: ScimRequest) -> None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token, self.token):
            raise UnauthorizedException


class PeerServer:
    """``with PeerServer() as peer: peer.base_url, peer.token`` — scim2-server over real HTTP."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(24)
        self.app: Any = BearerASGIApplication(self.token)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="on")
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{VERSION_PREFIX}"

    def __enter__(self) -> PeerServer:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("scim2-server did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
