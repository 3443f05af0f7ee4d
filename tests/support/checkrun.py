"""Helpers for the ``check`` tests and the browser check: broken targets and a CLI runner.

A *broken target* is the reference server with discovery faults in front (``tests/faults.py``):
``GET /ResourceTypes`` answers 202 instead of 200 (a ``@must`` scenario fails) and filtering it
is allowed instead of refused with 403 (a ``@should`` scenario fails). Discovery is the area the
suite always has, so these runs use ``--tags @discovery`` and stay independent of other areas.
Both faults break RFC 7644 §4 only: OneLogin never reads ``/ResourceTypes``.

:func:`faulty_target` puts one registered fault of ``tests/support/faults.py`` in front instead
(``reject-legacy-urns``: one fault that breaks many OneLogin scenarios). The tokens are
recognisable, so a test can grep every report for them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.target import embedded_server
from reference_server.config import ServerConfig
from reference_server.server import build_server
from tests.support.faults import Fault, Request, Response, faulty_server

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "SeCrEt-check-token-7Q9ZK4xw"
OBSERVER_TOKEN = "ObSeRvEr-secret-5R2M8pq"
SECRETS = (TOKEN, OBSERVER_TOKEN)
MUST_FAILURE = "Users and groups are declared resource types, each served at its endpoint"
SHOULD_FAILURE = "Filtering a discovery endpoint is forbidden"


class BrokenDiscovery(Fault):
    """``GET /ResourceTypes`` answers 202 (RFC 7644 §4: 200), and a filter on it is not refused
    (RFC 7644 §4: the SP SHOULD answer 403)."""

    def response(self, request: Request, response: Response) -> Response:
        if request.is_("GET", "ResourceTypes", item=False):
            if "filter=" in request.query and response.status == 403:
                return replace(response, status=200)
            if not request.query and response.status == 200:
                return replace(response, status=202)
        return response


@dataclass(frozen=True)
class Running:
    base_url: str
    observer_url: str

    def env(self, token: str = TOKEN, observer: bool = True) -> dict[str, str]:
        """The environment a ``check`` against this target runs with (tokens never in argv)."""
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("SCIM_") and k != "GITHUB_STEP_SUMMARY"
        }
        env.update(SCIM_BASE_URL=self.base_url, SCIM_TOKEN=token)
        if observer:
            env.update(SCIM_OBSERVER_URL=self.observer_url, SCIM_OBSERVER_TOKEN=OBSERVER_TOKEN)
        return env


@contextmanager
def broken_target(folder: Path) -> Iterator[Running]:
    config = ServerConfig(db_path=str(folder / "broken.db"), token=TOKEN, observer_token=OBSERVER_TOKEN)
    # Not registered in faults.FAULTS: the simulator's tests run every registered fault.
    app = BrokenDiscovery().wrap(build_server(config))  # type: ignore[arg-type]
    with embedded_server(config, app) as server:  # type: ignore[arg-type]
        yield Running(server.base_url, server.observer_url)


@contextmanager
def faulty_target(name: str, folder: Path) -> Iterator[Running]:
    """The reference server behind the registered fault ``name``, with its observer."""
    config = ServerConfig(
        db_path=str(folder / f"{name}.db"), token=TOKEN, observer_token=OBSERVER_TOKEN, rotation_delay=0.05
    )
    with faulty_server(name, config) as server:
        yield Running(server.base_url, server.observer_url)


def clean_env() -> dict[str, str]:
    """The environment without any SCIM target or CI summary variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SCIM_") and k != "GITHUB_STEP_SUMMARY"}


def run_check(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``scim-harness check ARGS`` as a user runs it: a child process, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "harness", "check", *args],
        cwd=ROOT,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def summary_of(reports: Path) -> dict[str, Any]:
    """The ``summary.json`` a run wrote into ``reports``."""
    loaded: dict[str, Any] = json.loads((reports / "summary.json").read_text())
    return loaded
