"""Schemathesis fuzzes the reference server from its own OpenAPI document.

Bounded: a fixed number of examples per operation, no deadline. Checks: never a 5xx, and every
error is an RFC 7644 §3.12 Error body with ``status`` as a string, served as SCIM JSON.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from reference_server.embedded import EmbeddedServer
from reference_server.openapi import openapi_document
from tests.support.scimtest import TOKEN, make_config

schema = schemathesis.openapi.from_dict(openapi_document("/scim/v2"))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(make_config(tmp_path_factory.mktemp("fuzz") / "scim.db")) as server:
        yield server


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_5xx_and_every_error_is_a_scim_error(case: schemathesis.Case, fuzz_server: EmbeddedServer) -> None:
    response = case.call(
        base_url=fuzz_server.root_url + "/scim/v2", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400:
        content_type = response.headers.get("content-type") or [""]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/scim+json"), content_type
        body = response.json()
        assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"], body
        assert body["status"] == str(response.status_code), body


def test_the_document_is_served(fuzz_server: EmbeddedServer) -> None:
    import httpx

    response = httpx.get(fuzz_server.base_url + "/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.json()["openapi"] == "3.1.0"
    assert "/Users/{id}" in response.json()["paths"]
