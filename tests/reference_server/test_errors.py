"""Errors, auth and media types over real HTTP (RFC 7644 §3.12, §3.8; RFC 6750)."""

from __future__ import annotations

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import SCIM_JSON, TOKEN, USER_URN, assert_scim_error, unique


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer"}],
)
def test_missing_or_wrong_token_is_401_with_a_bearer_challenge(server: EmbeddedServer, headers: dict) -> None:
    response = httpx.get(server.base_url + "/Users", headers=headers)
    assert_scim_error(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_path_is_a_scim_404_even_when_authenticated(client: httpx.Client) -> None:
    assert_scim_error(client.get("/Widgets"), 404)


def test_wrong_method_is_405_with_allow(client: httpx.Client) -> None:
    response = client.delete("/Users")
    assert_scim_error(response, 405)
    assert "GET" in response.headers["allow"] and "POST" in response.headers["allow"]


def test_body_over_the_limit_is_413(client: httpx.Client) -> None:
    big = {"schemas": [USER_URN], "userName": unique(), "title": "x" * 2_000_000}
    assert_scim_error(client.post("/Users", json=big), 413)


def test_non_json_content_type_is_415(client: httpx.Client) -> None:
    response = client.post(
        "/Users", content=b"userName=a", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_scim_error(response, 415)


@pytest.mark.parametrize("raw", [b"{", b"not json", b'{"schemas": [}', b"", b"\xff\xfe", b'{"a": NaN}'])
def test_malformed_json_is_400_invalid_syntax(client: httpx.Client, raw: bytes) -> None:
    assert_scim_error(client.post("/Users", content=raw), 400, "invalidSyntax")


def test_duplicate_json_keys_are_400(client: httpx.Client) -> None:
    raw = (
        b'{"schemas": ["'
        + USER_URN.encode()
        + b'"], "userName": "a@example.com", "userName": "b@example.com"}'
    )
    assert_scim_error(client.post("/Users", content=raw), 400, "invalidSyntax")


def test_body_that_is_not_an_object_is_400(client: httpx.Client) -> None:
    assert_scim_error(client.post("/Users", json=[1, 2]), 400, "invalidSyntax")


def test_me_is_501(client: httpx.Client) -> None:
    """RFC 7644 §3.11: an unsupported /Me SHOULD be answered 501."""
    assert_scim_error(client.get("/Me"), 501)


def test_every_response_is_scim_json(client: httpx.Client) -> None:
    for response in (client.get("/Users"), client.get("/ServiceProviderConfig"), client.get("/Users/nope")):
        assert response.headers["content-type"].startswith(SCIM_JSON)


def test_application_json_is_accepted(client: httpx.Client) -> None:
    body = {"schemas": [USER_URN], "userName": unique()}
    response = client.post("/Users", json=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 201


def test_bad_start_index_is_400(client: httpx.Client) -> None:
    assert_scim_error(client.get("/Users", params={"startIndex": "one"}), 400, "invalidValue")


def test_malformed_filter_is_400_invalid_filter(client: httpx.Client) -> None:
    assert_scim_error(
        client.get("/Users", params={"filter": 'userName eq "unterminated'}), 400, "invalidFilter"
    )
