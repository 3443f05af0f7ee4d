"""``schemas`` of a request body (RFC 7643 §3): what a list declares is remembered per resource
type, and a list that is refused is refused every time, whatever came before it."""

from __future__ import annotations

import pytest

from reference_server.errors import ScimError
from reference_server.inbound import normalize
from schemas import GROUP_TYPE, USER_TYPE, urns


def _declared(body: dict[str, object], rtype: object) -> object:
    try:
        return normalize(body, rtype)["schemas"]  # type: ignore[arg-type]
    except ScimError as exc:
        return exc.status, exc.detail


@pytest.mark.parametrize("first", [USER_TYPE, GROUP_TYPE])
def test_a_schemas_list_means_the_same_for_each_type_whatever_came_first(first: object) -> None:
    user = {"userName": "ann", "displayName": "Ann"}
    group = {"displayName": "Team"}
    cases = [
        ([urns.USER], user),
        ([urns.USER, urns.ENTERPRISE_USER], user),
        ([urns.GROUP], group),
        ([urns.GROUP, urns.ENTRA_ADSCIM_GROUP], group),
        (["urn:scim:schemas:core:2.0", "urn:nope"], user),
        ([urns.ENTERPRISE_USER], user),
    ]
    order = [USER_TYPE, GROUP_TYPE] if first is USER_TYPE else [GROUP_TYPE, USER_TYPE]
    seen = {}
    for _ in range(2):
        for rtype in order:
            for schemas, attrs in cases:
                got = _declared({"schemas": list(schemas), **attrs}, rtype)
                key = (rtype.name, tuple(schemas))  # type: ignore[attr-defined]
                assert seen.setdefault(key, got) == got, key
    assert seen[("User", (urns.USER,))] == [urns.USER]
    assert seen[("Group", (urns.USER,))][0] == 400
    assert seen[("User", (urns.ENTERPRISE_USER,))][0] == 400
    assert seen[("User", ("urn:scim:schemas:core:2.0", "urn:nope"))][0] == 400
