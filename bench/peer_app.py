"""The independent SCIM server: scim2-server's ASGI app on in-memory storage, run in its own venv.

Built as the package's own ``scim2-server`` command builds its application
(``scim2_server/testserver/cli.py``): the RFC 7643 schemas, resource types and service provider
configuration shipped with the package, an :class:`AsyncInMemoryStorage`, and a static bearer
token checked as ``BearerTokenApplication`` checks it, ported to the ASGI application (the
package ships that check only for its WSGI app). The token comes from ``BENCH_TOKEN``.

Runs under ``bench/.venv-peer/bin/python``: the bench's own venv, so what it measures does not
depend on what the project venv happens to hold.

    BENCH_TOKEN=… bench/.venv-peer/bin/python bench/peer_app.py --port PORT
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from scim2_models import UnauthorizedException  # type: ignore[import-not-found, unused-ignore]
from scim2_server.applications.asgi import ASGIApplication  # type: ignore[import-not-found, unused-ignore]
from scim2_server.memory import AsyncInMemoryStorage  # type: ignore[import-not-found, unused-ignore]
from scim2_server.utils import load_default_provider  # type: ignore[import-not-found, unused-ignore]
from uvicorn_settings import run


class BearerASGIApplication(ASGIApplication):  # type: ignore[misc, unused-ignore]
    """scim2-server's ASGI app refusing requests without the one static bearer token."""

    def __init__(self, token: str) -> None:
        super().__init__(AsyncInMemoryStorage(), load_default_provider())
        self.token = token

    def check_auth(self, request: Any) -> None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or token != self.token:
            raise UnauthorizedException


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    run(BearerASGIApplication(os.environ["BENCH_TOKEN"]), parser.parse_args().port)
