"""Property tests for PATCH: any operation list gives a resource or a SCIM 400, never a crash,
and a failing PATCH leaves the resource byte-for-byte unchanged (RFC 7644 §3.5.2, M-02)."""

from __future__ import annotations

import copy
import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference_server.errors import ScimError
from reference_server.inbound import normalize
from reference_server.patch import apply_patch, parse_patch_request
from schemas import USER_TYPE
from tests.support.scimtest import ENTERPRISE_URN, USER_URN, new_user, patch_body

PATHS = [
    "title",
    "name.givenName",
    "name",
    "emails",
    'emails[type eq "work"].value',
    'emails[type eq "work"]',
    "emails.value",
    "active",
    "id",
    "meta.version",
    "groups",
    "userName",
    f"{ENTERPRISE_URN}:department",
    f"{ENTERPRISE_URN}:manager.value",
    "nosuch",
    'emails[type eq "work"',
    "emails[",
    "",
    "name..givenName",
    "urn:bogus:x",
]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=12), st.sampled_from(["False", "true"])
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["value", "type", "primary", "givenName", "title", "display", "x"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)
operation = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "remove", "replace", "Replace", "move", 3])},
    optional={"path": st.one_of(st.sampled_from(PATHS), st.text(max_size=20)), "value": values},
)

USER = normalize(
    {
        "schemas": [USER_URN, ENTERPRISE_URN],
        "userName": "fuzz@example.com",
        "name": {"givenName": "Ana", "familyName": "Souza"},
        "title": "Engineer",
        "emails": [
            {"value": "ana@work.example", "type": "work", "primary": True},
            {"value": "ana@home.example", "type": "home"},
        ],
        ENTERPRISE_URN: {"department": "Sales"},
    },
    USER_TYPE,
) | {
    "id": "u-1",
    "meta": {
        "resourceType": "User",
        "created": "2026-01-01T00:00:00.000Z",
        "lastModified": "2026-01-01T00:00:00.000Z",
        "version": 'W/"1"',
    },
}


@settings(max_examples=600, deadline=None)
@given(st.lists(operation, min_size=1, max_size=4))
def test_any_operations_give_a_resource_or_a_400(operations: list[dict]) -> None:
    before = copy.deepcopy(USER)
    try:
        result = apply_patch(USER, operations, USER_TYPE)
    except ScimError as exc:
        assert exc.status == 400, exc.detail
        assert exc.scim_type in {
            "invalidPath",
            "invalidValue",
            "invalidSyntax",
            "noTarget",
            "mutability",
            "invalidFilter",
        }
    else:
        assert isinstance(result, dict)
        try:
            normalize(result, USER_TYPE)  # the server re-validates the outcome; that may refuse it, cleanly
        except ScimError as exc:
            assert exc.status == 400
    assert before == USER  # the input is never touched


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=3))
def test_a_failing_patch_over_http_leaves_the_resource_byte_for_byte(
    client: httpx.Client, operations: list[dict]
) -> None:
    user = new_user(client, title="Fuzzed", emails=[{"value": "f@work.example", "type": "work"}])
    before = client.get(f"/Users/{user['id']}").content
    response = client.patch(f"/Users/{user['id']}", content=json.dumps(patch_body(*operations)).encode())
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["status"] == "400"
        assert client.get(f"/Users/{user['id']}").content == before
    client.delete(f"/Users/{user['id']}")


def test_parse_patch_request_refuses_non_patch_bodies() -> None:
    for body in (None, [], "x", {"Operations": []}, {"schemas": ["urn:nope"], "Operations": [{}]}):
        try:
            parse_patch_request(body)
        except ScimError as exc:
            assert (exc.status, exc.scim_type) == (400, "invalidSyntax")
        else:
            raise AssertionError(f"accepted {body!r}")
