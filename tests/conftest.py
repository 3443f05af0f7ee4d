"""Fixtures for the harness's own tests: a real reference server over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import make_config, scim_client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """One server per test module, on a real SQLite file."""
    db = tmp_path_factory.mktemp("db") / "scim.db"
    with EmbeddedServer(make_config(db)) as srv:
        yield srv


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A server of its own for tests that need an empty directory."""
    with EmbeddedServer(make_config(tmp_path / "scim.db")) as srv:
        yield srv


@pytest.fixture
def client(server: EmbeddedServer) -> Iterator[httpx.Client]:
    with scim_client(server) as c:
        yield c


@pytest.fixture
def fresh_client(fresh_server: EmbeddedServer) -> Iterator[httpx.Client]:
    with scim_client(fresh_server) as c:
        yield c
