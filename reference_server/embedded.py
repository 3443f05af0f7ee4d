"""Run the reference server in a background thread on a free loopback port.

This is the "embedded" target: what the test suite, ``scim-harness check`` and ``simulate`` use
when no base URL is given. The socket is bound before uvicorn starts, so the port is known and
nothing else can take it in between.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from litestar import Litestar

from reference_server.config import BASE_PATH, OBSERVER_PATH, ServerConfig
from reference_server.protocol import OneWriteProtocol
from reference_server.server import build_server


class EmbeddedServer:
    """``with EmbeddedServer(config) as srv: srv.base_url`` — a real HTTP server on 127.0.0.1."""

    def __init__(
        self,
        config: ServerConfig,
        app: Litestar | None = None,
        host: str = "127.0.0.1",
        *,
        keep_alive: int = 5,
    ) -> None:
        """``keep_alive``: seconds an idle keep-alive connection stays open (uvicorn's
        ``timeout_keep_alive``)."""
        self.config = config
        self.app = app or build_server(config)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit TCP_NODELAY from this socket. Without it, a keep-alive
        # client waits out the peer's delayed ACK (~40 ms) on every response: asyncio does not
        # set it on connections from a socket handed to uvicorn.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.bind((host, 0))
        self.host = host
        self.port: int = self._sock.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                log_level="warning",
                access_log=False,
                lifespan="on",
                http=OneWriteProtocol,
                timeout_keep_alive=keep_alive,
            )
        )
        self._thread = threading.Thread(target=self._run, name=f"scim-reference-{self.port}", daemon=True)

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The SCIM base URL, e.g. ``http://127.0.0.1:54321/scim/v2``."""
        return self.root_url + BASE_PATH

    @property
    def observer_url(self) -> str:
        return self.root_url + OBSERVER_PATH

    def _run(self) -> None:
        self._server.run(sockets=[self._sock])

    def start(self, timeout: float = 15.0) -> EmbeddedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the embedded reference server failed to start")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the embedded reference server did not start within {timeout:.0f} s")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
