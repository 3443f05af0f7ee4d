"""An independent conformance tool against the reference server: scim2-tester, every check.

scim2-tester (python-scim, pinned in the dev extra) discovers the server from its
``/ServiceProviderConfig``, ``/ResourceTypes`` and ``/Schemas``, then creates, reads, queries,
replaces, patches (every attribute path, add / remove / replace) and deletes Users and Groups,
and probes the discovery endpoints and an unknown URL. Here it runs over real HTTP against an
embedded reference server on 127.0.0.1 with a SQLite file, and every check must be SUCCESS: not
COMPLIANT, ACCEPTABLE or SKIPPED either, so a check that silently stopped running fails too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("scim2_tester", reason="scim2-tester is a dev dependency (pip install -e '.[dev]')")

from scim2_client.client import BaseSyncSCIMClient
from scim2_tester import CheckResult, Status, check_server

from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import TOKEN, make_config

pytestmark = pytest.mark.slow


class HttpxSCIMClient(BaseSyncSCIMClient):
    """scim2-client's synchronous client over an ``httpx.Client`` (its own engine wants httpx2,
    which the project does not install; the calls it makes are the ones httpx has)."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__()
        self.client = client

    def _stays_under_base_url(self, endpoint: str) -> bool:
        base = self.client.base_url
        url = self.client.build_request("GET", endpoint).url
        same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        return same_origin and url.raw_path.startswith(base.raw_path)

    def _parse_json(self, response: Any) -> Any:
        return response.json()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, url, **kwargs)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[CheckResult]]:
    db: Path = tmp_path_factory.mktemp("scim2-tester") / "scim.db"
    with (
        EmbeddedServer(make_config(db)) as server,
        httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as http,
    ):
        yield check_server(HttpxSCIMClient(http))


def _line(result: CheckResult) -> str:
    where = f"{result.resource_type} " if result.resource_type else ""
    reason = " ".join(str(result.reason or "").split())[:400]
    return f"{result.status.name} {where}{result.title}: {reason}"


def test_every_scim2_tester_check_succeeds(results: list[CheckResult]) -> None:
    """scim2-tester 0.5.2 with all its checks: each one SUCCESS (issue 12, item 9)."""
    failing = [r for r in results if r.status != Status.SUCCESS]
    summary = f"{len(results) - len(failing)}/{len(results)} SUCCESS"
    assert not failing, summary + "\n" + "\n".join(_line(r) for r in failing)


def test_scim2_tester_exercised_both_resource_types_and_every_operation(results: list[CheckResult]) -> None:
    """The run reached the resource checks (discovery succeeded) for Users and Groups alike."""
    assert {r.resource_type for r in results} >= {"User", "Group"}
    tags = set().union(*(r.tags for r in results))
    assert {"discovery", "crud:create", "crud:read", "crud:update", "crud:delete"} <= tags, tags
    assert {"patch:add", "patch:remove", "patch:replace"} <= tags, tags
