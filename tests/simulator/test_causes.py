"""Problems grouped by cause: what a group shares, what varies, and a bounded number of groups."""

from __future__ import annotations

import json

from simulator.causes import MAX_CAUSES, Cause, Causes, generalised, path_pattern
from simulator.problems import Problem, Problems, exchange_record
from simulator.profile import ONELOGIN
from simulator.verify import check
from simulator.wire import Exchange, WireRequest, WireResponse

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_JSON = (("Content-Type", "application/scim+json"),)


def _refused(
    user: int, path: str = "/Users", detail: str = "unknown schema urn:scim:schemas:core:2.0"
) -> Problem:
    """The problem the simulator reports for a create the server refuses with a 400."""
    body = {"schemas": [ERROR], "status": "400", "scimType": "invalidValue", "detail": detail}
    request = WireRequest(
        "POST", path, None, (("Authorization", "Bearer secret-token"),), b"{}", "assign", user, "create_user"
    )
    exchange = Exchange(request, WireResponse(400, SCIM_JSON, json.dumps(body).encode()))
    (finding,) = [f for f in check(exchange, ONELOGIN) if f.kind == "status"]
    return Problem(
        finding.kind,
        finding.message,
        "assign",
        user,
        finding.pointer,
        exchange_record(exchange),
        finding.check,
        finding.basis,
    )


def test_what_varies_is_generalised_and_what_matters_is_kept() -> None:
    assert generalised("user 'ana@example.com' (2819c223-7f76-453a-919d-413861904646) has 3 groups") == (
        "user '…' (<id>) has # groups"
    )
    assert (
        generalised("answered 400; onelogin accepts 201 or 409")
        == "answered 400; onelogin accepts 201 or 409"
    )
    assert (
        generalised("unknown schema urn:scim:schemas:core:2.0") == "unknown schema urn:scim:schemas:core:2.0"
    )
    assert generalised("mail bob+x@example.org bounced") == "mail <email> bounced"
    assert path_pattern("/Users/2819c223?") == "/Users/{id}"
    assert path_pattern("/Groups?filter=displayName+eq+%22x%22&") == "/Groups"


def test_sixty_six_identical_refusals_are_one_cause_with_its_count_and_an_example() -> None:
    problems = Problems(cap=10)
    for user in range(66):
        problems.add(_refused(user))
    problems.add(_refused(99, detail="userName is required"))
    data = problems.to_json()
    first, second = data["causes"]
    assert (first["count"], second["count"]) == (66, 1)
    assert (
        first["request"] == "POST /Users" and first["status"] == 400 and first["scimType"] == "invalidValue"
    )
    assert first["operation"] == "create_user" and first["check"] == "status"
    assert first["detail"] == "unknown schema urn:scim:schemas:core:2.0"
    assert first["basis"].startswith("OneLogin fact [doc]: POST /Users must answer 201")
    assert first["cause"].startswith("POST /Users → 400 invalidValue: answered 400")
    assert first["events"] == {"assign": 66}
    assert first["example"]["userId"] == 0 and first["example"]["exchange"]["response"]["status"] == 400
    assert "secret-token" not in json.dumps(data)
    assert len(data["items"]) == 10 and data["omitted"] == 57  # the list is capped; the causes count all


def test_the_same_refusal_on_another_resource_type_is_another_cause() -> None:
    assert Cause.of(_refused(1)) == Cause.of(_refused(2))
    assert Cause.of(_refused(1)) != Cause.of(_refused(1, path="/Groups"))


def test_reconciliation_problems_group_by_their_check_not_by_the_listing() -> None:
    listing = Exchange(WireRequest("GET", "/Users", "startIndex=1&count=500"), WireResponse(200))
    record = exchange_record(listing)

    def inactive(name: str, scim_id: str) -> Problem:
        message = f"user {name!r} ({scim_id}) should be inactive (last event: suspend) but has active True"
        return Problem(
            "reconcile", message, "suspend", 1, None, record, "reconcile:active", "P-03 (RFC 7644 §3.5.1)"
        )

    a = Cause.of(inactive("ana@x.org", "2819c223-7f76-453a-919d-413861904646"))
    b = Cause.of(inactive("bob@y.org", "9919c223-7f76-453a-919d-413861904646"))
    assert a == b and a.request is None and a.status is None and a.check == "reconcile:active"


def test_the_number_of_causes_is_bounded() -> None:
    causes = Causes(limit=3)
    for n in range(10):
        causes.add(_refused(n, detail=f"attribute number{'x' * n} is wrong"))
    groups = causes.to_json()
    assert len(groups) == 4 and groups[0]["check"] == "other" and groups[0]["count"] == 7
    assert MAX_CAUSES >= 100
