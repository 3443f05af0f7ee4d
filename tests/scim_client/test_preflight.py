"""Sending and the pre-flight against real servers: the reference server, a misbehaving proxy in
front of it, and a port nobody listens on. Each failure is one line, without the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from scim_client import (
    PYTEST_OPTIONS,
    Target,
    TargetUnusable,
    Transport,
    preflight,
    send,
)
from tests.support.misbehaving import MisbehavingServer
from tests.support.procserver import free_port
from tests.support.scimtest import OBSERVER_TOKEN, TOKEN, make_config


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(make_config(tmp_path_factory.mktemp("db") / "scim.db")) as server:
        yield server


def _unusable(target: Target, **kw: object) -> str:
    with pytest.raises(TargetUnusable) as caught:
        preflight(target, **kw)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and TOKEN not in message and OBSERVER_TOKEN not in message
    return message


def test_a_usable_target_passes_and_its_requests_are_returned_redacted(reference: EmbeddedServer) -> None:
    target = Target(reference.base_url, TOKEN, reference.observer_url, OBSERVER_TOKEN)
    exchanges = preflight(target)
    assert [(e.purpose, e.method, e.status) for e in exchanges] == [
        ("pre-flight", "GET", 200),
        ("pre-flight (observer)", "GET", 404),
    ]
    assert exchanges[0].url == reference.base_url + "/ServiceProviderConfig"
    assert all(TOKEN not in str(e.to_json()) for e in exchanges)


def test_a_rejected_token_names_the_request_and_status(reference: EmbeddedServer) -> None:
    message = _unusable(Target(reference.base_url, "wrong-token-123"))
    assert message == (
        f"the SCIM target {reference.base_url} rejected the token "
        "(GET /scim/v2/ServiceProviderConfig answered 401)"
    )
    observer = _unusable(Target(reference.base_url, TOKEN, reference.observer_url, "wrong-observer-1"))
    assert observer == f"the observer {reference.observer_url} rejected the observer token (401)"


def test_nobody_listening_is_connection_refused() -> None:
    url = f"http://127.0.0.1:{free_port()}/scim/v2"
    assert _unusable(Target(url, TOKEN)) == f"cannot reach the SCIM target {url}: connection refused"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("hang", "cannot reach the SCIM target {url}: no answer within the 1 s timeout (ReadTimeout)"),
        (
            "non-json",
            "the SCIM target {url} answered GET /scim/v2/ServiceProviderConfig with "
            "text/html; charset=utf-8, not JSON: is --scim-base-url the SCIM base URL?",
        ),
        (
            "huge",
            "the SCIM target {url} answered GET /scim/v2/ServiceProviderConfig with a response body "
            "exceeds 10 MB (stopped reading)",
        ),
        ("redirect", "the SCIM target {url} answered 307 to http://127.0.0.2:"),
    ],
)
def test_a_target_that_is_not_a_scim_api_stops_the_run_with_one_line(
    reference: EmbeddedServer, mode: str, expected: str
) -> None:
    with MisbehavingServer(mode, reference.base_url, where="all", hang_limit=5) as server:
        target = Target(server.base_url, TOKEN, transport=Transport(timeout=1))
        message = _unusable(target, options=PYTEST_OPTIONS)
        assert message.startswith(expected.format(url=server.base_url)), message
        assert server.elsewhere == []  # the redirect was not followed: the token went nowhere


def test_send_reads_the_answer_or_says_why_there_is_none(reference: EmbeddedServer, tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(timeout=5) as client:
        ok = send(client, httpx.Request("GET", reference.base_url + "/Users", headers=headers))
        assert ok.ok and ok.response is not None and ok.response.json()["totalResults"] >= 0
        with MisbehavingServer("close-mid-response", reference.base_url) as server:
            broken = send(client, httpx.Request("GET", server.base_url + "/Users", headers=headers))
    assert broken.response is None and not broken.timed_out
    assert broken.failure == (
        "the target closed the connection before the response was complete (RemoteProtocolError)"
    )
