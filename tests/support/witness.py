"""A reference server that writes down the order of what it receives and answers.

``Witness`` records, in order, each request the server receives and each answer it gives; the
simulator's connection test (a filtered ``GET /Users`` for a random UUID userName) is held for
``delay`` seconds before it is answered, so a request sent before its answer shows in the log, and
``connection_test`` can replace its answer. Use it with :func:`witnessed`::

    witness = Witness(scim_error(500, "down"))
    with witnessed(tmp_path, witness) as server:
        ...  # run the simulator against server.base_url
    assert witness.provisioning() == []
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.target import embedded_server
from reference_server.config import BASE_PATH
from reference_server.embedded import EmbeddedServer
from reference_server.server import build_server
from tests.support.faults import ASGIApp, Fault, Receive, Request, Response, Scope, Send
from tests.support.scimtest import make_config

_RANDOM_USERNAME = re.compile(r"%22[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-")


class Witness(Fault):
    """Writes down, in order, each request the server receives and each answer it gives.

    The connection test (a filtered ``GET /Users`` for a random UUID userName) is answered only after
    ``delay`` seconds, so a request sent before its answer would be seen; with ``connection_test``
    given, that is its answer instead of the server's own.
    """

    def __init__(self, connection_test: Response | None = None, delay: float = 0.3) -> None:
        self.log: list[tuple[str, str]] = []
        self.user_agents: list[tuple[str, str | None]] = []
        """What each received request was, and its User-Agent (None: it sent none)."""
        self.connection_test, self.delay = connection_test, delay

    @staticmethod
    def what(method: str, path: str, query: str) -> str:
        if method == "GET" and path == "/ServiceProviderConfig":
            return "preflight"  # the harness's own check of the target (scim_client.preflight)
        if method == "GET" and path == "/Users" and "filter=" in query and _RANDOM_USERNAME.search(query):
            return "connection test"
        return f"{method} {path.split('/')[1]}"

    def wrap(self, app: ASGIApp) -> ASGIApp:
        faulty = super().wrap(app)

        async def witnessed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                path = str(scope["path"]).removeprefix(BASE_PATH)
                what = self.what(scope["method"], path, scope.get("query_string", b"").decode("latin-1"))
                self.log.append(("received", what))
                agent = dict(scope.get("headers", [])).get(b"user-agent")
                self.user_agents.append((what, agent.decode("latin-1") if agent is not None else None))
                if what == "connection test":
                    await asyncio.sleep(self.delay)
            await faulty(scope, receive, send)

        return witnessed

    def request(self, request: Request) -> Request | Response:
        if self.connection_test is not None and self.what(*_parts(request)) == "connection test":
            return self.connection_test
        return request

    def response(self, request: Request, response: Response) -> Response:
        self.log.append(("answered", self.what(*_parts(request))))
        return response

    def provisioning(self) -> list[int]:
        """Where, in the log, a request other than the pre-flight and the connection test arrived."""
        harmless = ("preflight", "connection test")
        return [i for i, (what, name) in enumerate(self.log) if what == "received" and name not in harmless]


def _parts(request: Request) -> tuple[str, str, str]:
    return request.method, request.path, request.query


@contextmanager
def witnessed(folder: Path, witness: Witness) -> Iterator[EmbeddedServer]:
    config = make_config(folder / "scim.db")
    with embedded_server(config, witness.wrap(build_server(config))) as server:  # type: ignore[arg-type]
        yield server
