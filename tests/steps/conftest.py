"""Fixtures for the step helpers' own tests: the suite's client on a real reference server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reference_server.embedded import EmbeddedServer
from scim_client import Target, Transport
from steps.wire import ScimClient
from tests.support.scimtest import TOKEN


def suite_client(server: EmbeddedServer) -> ScimClient:
    """The client the steps use (recording, validating), on ``server``."""
    return ScimClient(Target(server.base_url, TOKEN, transport=Transport(timeout=10)), [])


@pytest.fixture
def steps_client(server: EmbeddedServer) -> Iterator[ScimClient]:
    """The steps' own client on this module's reference server."""
    client = suite_client(server)
    yield client
    client.close()
