"""The OneLogin profile: the template, each event's exact requests, and what every knob changes."""

from __future__ import annotations

import asyncio
import json
from dataclasses import fields, replace
from typing import Any, get_args

import pytest

from schemas import urns
from simulator import (
    DEFAULT_TEMPLATE,
    ONELOGIN,
    AcceptedStatuses,
    AppSettings,
    Connector,
    Event,
    OneLoginUser,
    Outcome,
    Plan,
    Profile,
    RetryPolicy,
    Role,
    Template,
    TemplateError,
    Tenant,
    Timeouts,
    WireRequest,
    WireResponse,
    arun,
    run,
)
from simulator.profile import Operation
from simulator.template import DEFAULT_TEMPLATE_TEXT

TOKEN = "tok-123"
ANA_LOOKUP = "filter=userName+eq+%22ana%2Bscim%40example.com%22&"
JSON = (("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json"))
BEARER = (("Authorization", f"Bearer {TOKEN}"),)
ENGINEERING, VPN = Role(1, "Engineering", "Engineering"), Role(2, "VPN Users", "VPN Users")


def _users() -> dict[str, OneLoginUser]:
    return {
        "bob": OneLoginUser(100, "bob", "bob@example.com", "Bob", "O'Brien", title="CTO"),
        "ana": OneLoginUser(
            101,
            "asouza",
            "ana+scim@example.com",
            "Ana",
            "Souza",
            phone="+55 11 5555-0101",
            title="Engineer",
            department="Engineering",
            manager_id=100,
        ),
        "odd": OneLoginUser(
            102, "zoe", "zoe@example.com", ' Zoë "Z"', "D'Angelo \\ Jr", title="", roles=(1,)
        ),
        "carl": OneLoginUser(103, "carl", "carl@example.com", "Carl", "Berg", roles=(1,)),
    }


def make(
    profile: Profile = ONELOGIN, settings: AppSettings | None = None, template: Template = DEFAULT_TEMPLATE
) -> tuple[Connector, dict[str, OneLoginUser]]:
    users = _users()
    tenant = Tenant(list(users.values()), [ENGINEERING, VPN], settings or AppSettings())
    return Connector(tenant, TOKEN, profile, template, seed=1), users


def listing(*resources: dict[str, Any], total: int | None = None, status: int = 200) -> WireResponse:
    body = {
        "schemas": [urns.LIST_RESPONSE],
        "totalResults": len(resources) if total is None else total,
        "Resources": list(resources),
    }
    return WireResponse(status, body=json.dumps(body).encode())


def created(scim_id: str, **extra: Any) -> WireResponse:
    body = {"id": scim_id, "name": {"givenName": "Ana", "familyName": "Souza"}, **extra}
    return WireResponse(201, body=json.dumps(body).encode())


OK, NO_CONTENT, EMPTY = WireResponse(200, body=b"{}"), WireResponse(204), listing()


def script(plan: Plan, *responses: WireResponse) -> tuple[Outcome, list[WireRequest]]:
    """Drive ``plan`` with canned responses; every response must be used."""
    sent: list[WireRequest] = []
    queue = list(responses)

    def send(request: WireRequest) -> WireResponse:
        sent.append(request)
        return queue.pop(0)

    outcome = run(plan, send)
    assert not queue, f"plan stopped with {len(queue)} responses unused: {[str(r) for r in sent]}"
    return outcome, sent


def lines(sent: list[WireRequest]) -> list[str]:
    return [str(r) for r in sent]


# --- template --------------------------------------------------------------------------------------

DOC_TEMPLATE = """\
{
  "schemas": ["urn:scim:schemas:core:2.0", "urn:scim:schemas:extension:enterprise:2.0"],
  "userName": "{$parameters.scimusername}",
  "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}", "formatted": "{$user.display_name}"},
  "emails": [{"value": "{$user.email}", "type": "work", "primary": true}],
  "title": "{$parameters.title}",
  "urn:scim:schemas:extension:enterprise:2.0": {
    "department": "{$parameters.department}",
    "manager": {"managerId": "{$parameters.external_manager_id}", "displayName": "{$user.manager_firstname} {$user.manager_lastname}"}
  }
}
"""  # noqa: E501


def test_default_template_is_the_documented_one() -> None:
    assert DEFAULT_TEMPLATE_TEXT == DOC_TEMPLATE
    assert "parameters.external_manager_id" in DEFAULT_TEMPLATE.placeholders


def test_default_template_renders_for_a_known_user() -> None:
    connector, users = make()
    connector.links.link_user(100, "m-100")
    body = connector.requests.user_body(users["ana"], connector.tenant, connector.links)
    assert body == {
        "schemas": ["urn:scim:schemas:core:2.0", "urn:scim:schemas:extension:enterprise:2.0"],
        "userName": "ana+scim@example.com",
        "name": {"familyName": "Souza", "givenName": "Ana", "formatted": "Ana Souza"},
        "emails": [{"value": "ana+scim@example.com", "type": "work", "primary": True}],
        "title": "Engineer",
        "urn:scim:schemas:extension:enterprise:2.0": {
            "department": "Engineering",
            "manager": {"managerId": "m-100", "displayName": "Bob O'Brien"},
        },
    }
    request = connector.requests.create_user(body)
    assert request.body == (
        b'{"schemas":["urn:scim:schemas:core:2.0","urn:scim:schemas:extension:enterprise:2.0"],'
        b'"userName":"ana+scim@example.com",'
        b'"name":{"familyName":"Souza","givenName":"Ana","formatted":"Ana Souza"},'
        b'"emails":[{"value":"ana+scim@example.com","type":"work","primary":true}],"title":"Engineer",'
        b'"urn:scim:schemas:extension:enterprise:2.0":{"department":"Engineering",'
        b'"manager":{"managerId":"m-100","displayName":"Bob O\'Brien"}}}'
    )


def test_quotes_backslashes_and_non_ascii_stay_valid_json() -> None:
    connector, users = make()
    text = DEFAULT_TEMPLATE.render_text(lambda name: {"user.firstname": ' Zoë "Z"'}.get(name, "a\\b\n"))
    assert json.loads(text)["name"]["givenName"] == ' Zoë "Z"'
    body = connector.requests.user_body(users["odd"], connector.tenant, connector.links)
    assert body["name"] == {
        "familyName": "D'Angelo \\ Jr",
        "givenName": ' Zoë "Z"',
        "formatted": ' Zoë "Z" D\'Angelo \\ Jr',
    }
    # no manager and no title: empty strings, the manager's displayName a lone space [guess]
    assert body["title"] == ""
    assert body[urns.LEGACY_ENTERPRISE_USER[0]]["manager"] == {"managerId": "", "displayName": " "}
    wire = connector.requests.create_user(body).body
    assert wire is not None and "Zoë".encode() in wire and json.loads(wire) == body


def test_custom_template_with_custom_fields_and_bare_placeholder() -> None:
    template = Template.parse(
        '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{$user.email}",\n'
        ' "active": {$user.active}, "employeeNumber": "{$user.custom_fields.employee_number}",\n'
        ' "phone": "{$user.phone}", "x": "{$user.custom_fields.missing}",\n'
        ' "emails": {"value": "{$user.email}"}}'
    )
    connector, users = make(template=template)
    body = connector.requests.user_body(users["ana"], connector.tenant, connector.links)
    assert body == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "ana+scim@example.com",
        "active": True,
        "employeeNumber": "E0000101",
        "phone": "+55 11 5555-0101",
        "x": "",
        "emails": {"value": "ana+scim@example.com"},
    }
    assert template.placeholders[:2] == ("user.email", "user.active")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"userName": "{$user.nickname}"}', r"line 1: unknown placeholder \{\$user.nickname\}"),
        ('{\n"userName": "{$user.email"\n}', "line 2: unterminated placeholder"),
        ('{"userName": "{$user.email}",\n}', "line 2: not valid JSON"),
        ('["{$user.email}"]', "must be a JSON object"),
        ('{"a": "{$user.custom_fields.}"}', "unknown placeholder"),
    ],
)
def test_bad_templates_are_rejected_clearly(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        Template.parse(text)


def test_bare_placeholder_rendering_to_a_word_is_reported() -> None:
    template = Template.parse('{"title": {$user.title}}')
    with pytest.raises(TemplateError, match="outside quotes"):
        template.render({"user.title": "Engineer"})


# --- headers and URL forms -------------------------------------------------------------------------


def test_lookup_put_and_headers_exact_form() -> None:
    connector, _ = make()
    lookup = connector.requests.lookup_user("ana+scim@example.com", "assign", 101)
    assert (lookup.method, lookup.path, lookup.query, lookup.headers, lookup.body) == (
        "GET",
        "/Users",
        ANA_LOOKUP,
        BEARER,
        None,
    )
    assert (
        lookup.url("https://app.example.com/scim/v2") == f"https://app.example.com/scim/v2/Users?{ANA_LOOKUP}"
    )
    put = connector.requests.replace_user("u-1", {"userName": "x"})
    assert put.target == "/Users/u-1?" and put.headers == JSON
    assert (
        connector.requests.lookup_user("o'brien joão").query
        == "filter=userName+eq+%22o%27brien+jo%C3%A3o%22&"
    )
    assert connector.requests.lookup_user('a"b').query == "filter=userName+eq+%22a%5C%22b%22&"


def test_custom_headers_override_and_extend() -> None:
    settings = AppSettings(
        custom_headers=(
            ("Content-Type", "application/scim+json"),
            ("User-Agent", "OneLogin SCIM"),
            ("Authorization", "Basic nope"),
        )
    )
    connector, _ = make(settings=settings)
    assert connector.requests.create_user({}).headers == (
        ("Authorization", f"Bearer {TOKEN}"),
        ("Content-Type", "application/scim+json"),
        ("User-Agent", "OneLogin SCIM"),
    )
    # custom headers go on every request, bodiless ones too [guess]
    assert connector.requests.delete_user("u-1").header("User-Agent") == "OneLogin SCIM"


@pytest.mark.parametrize(
    ("knobs", "check"),
    [
        (
            {"content_type": "application/scim+json"},
            lambda r: r.header("Content-Type") == "application/scim+json",
        ),
        ({"user_agent": "OneLogin SCIM"}, lambda r: r.header("User-Agent") == "OneLogin SCIM"),
        ({"accept": "application/scim+json"}, lambda r: r.header("Accept") == "application/scim+json"),
        ({"put_query": None}, lambda r: r.target == "/Users/u-1"),
        ({"json_compact": False}, lambda r: r.body == b'{"userName": "jo\xc3\xa3o"}'),
        ({"json_ensure_ascii": True}, lambda r: r.body == b'{"userName":"jo\\u00e3o"}'),
    ],
)
def test_header_and_body_knobs(knobs: dict[str, Any], check: Any) -> None:
    connector, _ = make(Profile(**knobs))
    assert check(connector.requests.replace_user("u-1", {"userName": "joão"}))


def test_filter_encoding_knobs() -> None:
    percent, _ = make(Profile(filter_encoding="percent", filter_suffix=""))
    assert percent.requests.lookup_user("ana+scim@example.com").query == (
        "filter=userName%20eq%20%22ana%2Bscim%40example.com%22"
    )


# --- events ----------------------------------------------------------------------------------------


def test_connection_test() -> None:
    connector, _ = make()
    outcome, sent = script(connector.connection_test(), EMPTY)
    assert outcome.ok and sent[0].path == "/Users" and sent[0].operation == "connection_test"
    assert sent[0].query is not None and sent[0].query.startswith("filter=userName+eq+%22")
    assert sent[0].query.endswith("%22&")
    assert script(connector.connection_test(), WireResponse(404))[0].ok
    # a fresh random userName each time
    assert script(connector.connection_test(), EMPTY)[1][0].query != sent[0].query
    fails, _ = script(connector.connection_test(), listing({"id": "x", "userName": "y"}))
    assert not fails.ok and "filter seems ignored" in fails.detail
    assert not script(connector.connection_test(), WireResponse(401))[0].ok
    fixed, _ = make(Profile(connection_test_username="probe"))
    assert script(fixed.connection_test(), EMPTY)[1][0].query == "filter=userName+eq+%22probe%22&"


def test_assign_creates_when_lookup_finds_nothing() -> None:
    connector, users = make()
    outcome, sent = script(connector.assign(users["ana"]), EMPTY, created("u-1"))
    assert lines(sent) == [f"GET /Users?{ANA_LOOKUP}", "POST /Users"]
    assert sent[1].headers == JSON and sent[1].json()["userName"] == "ana+scim@example.com"
    assert all(r.event == "assign" and r.user_id == 101 for r in sent)
    assert (outcome.ok, outcome.scim_id, outcome.requests, outcome.event) == (True, "u-1", 2, "assign")
    assert connector.links.user(101) == "u-1"


def test_assign_links_and_puts_when_lookup_finds_one() -> None:
    connector, users = make()
    outcome, sent = script(connector.assign(users["ana"]), listing({"id": "u-9", "userName": "ana"}), OK)
    assert lines(sent) == [f"GET /Users?{ANA_LOOKUP}", "PUT /Users/u-9?"]
    assert sent[1].json() == connector.requests.user_body(users["ana"], connector.tenant, connector.links)
    assert outcome.ok and connector.links.user(101) == "u-9"


@pytest.mark.parametrize(
    ("responses", "detail"),
    [
        ((listing({"id": "a"}, {"id": "b"}),), "matched 2 users"),
        ((EMPTY, OK), "POST /Users answered 200; onelogin accepts 201"),
        ((EMPTY, WireResponse(201, body=b'{"id": "u-1"}')), "without name.givenName and name.familyName"),
        ((EMPTY, WireResponse(201, body=b'{"name": {}}')), "without an id"),
        ((EMPTY, WireResponse(201, body=b"<html>")), "not JSON"),
        ((listing(total=3),), "totalResults is 3 but Resources is empty"),
        ((WireResponse(0, error="timeout: ReadTimeout"),), "failed: timeout: ReadTimeout"),
    ],
)
def test_assign_failures_say_why(responses: tuple[WireResponse, ...], detail: str) -> None:
    connector, users = make()
    outcome, _ = script(connector.assign(users["ana"]), *responses)
    assert not outcome.ok and detail in outcome.detail
    assert outcome.requests == len(responses)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[]", "JSON that is not an object"),
        (b'{"Resources": {"id": "x"}}', "Resources is not a list of objects"),
        (b'{"totalResults": "1", "Resources": []}', "totalResults is not an integer"),
    ],
)
def test_malformed_list_responses(body: bytes, detail: str) -> None:
    connector, users = make()
    outcome, _ = script(connector.assign(users["ana"]), WireResponse(200, body=body))
    assert not outcome.ok and detail in outcome.detail


LOOKUP = Profile(group_lookup_before_create=True)


def test_group_lookup_outcomes() -> None:
    connector, users = make(LOOKUP)
    connector.links.link_user(101, "u-1")
    _, sent = script(connector.role_added(users["ana"], VPN), listing({"id": "g-2"}), OK)
    assert lines(sent) == ["GET /Groups?filter=displayName+eq+%22VPN+Users%22&", "PATCH /Groups/g-2"]
    fresh, _ = make(LOOKUP)
    fresh.links.link_user(101, "u-1")
    two = listing({"id": "g-2"}, {"id": "g-3"})
    assert "matched 2 groups" in script(fresh.role_added(users["ana"], VPN), two)[0].detail
    created_group = WireResponse(201, body=b'{"id": "g-2"}')
    assert script(fresh.role_added(users["ana"], VPN), WireResponse(404), created_group, OK)[0].ok
    racing, _ = make()
    racing.links.link_user(101, "u-1")
    lost, _ = script(racing.role_added(users["ana"], VPN), WireResponse(409), EMPTY)
    assert not lost.ok and "answered 409 but no group named 'VPN Users'" in lost.detail


def test_assign_pushes_role_groups() -> None:
    connector, users = make()
    group = WireResponse(201, body=b'{"id": "g-1", "displayName": "Engineering"}')
    outcome, sent = script(connector.assign(users["carl"]), EMPTY, created("u-3"), group, NO_CONTENT)
    assert lines(sent) == [
        "GET /Users?filter=userName+eq+%22carl%40example.com%22&",
        "POST /Users",
        "POST /Groups",
        "PATCH /Groups/g-1",
    ]
    assert sent[2].json() == {"schemas": [urns.GROUP], "displayName": "Engineering"}
    assert sent[3].json() == {
        "schemas": [urns.PATCH_OP],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": "u-3"}]}],
    }
    assert outcome.ok and connector.links.group("Engineering") == "g-1"
    # the group is linked now: the next member goes straight to the PATCH
    _, again = script(connector.assign(users["odd"]), EMPTY, created("u-2"), OK)
    assert lines(again)[-1] == "PATCH /Groups/g-1"
    no_groups, _ = make(Profile(assign_pushes_groups=False))
    assert len(script(no_groups.assign(users["carl"]), EMPTY, created("u-3"))[1]) == 2


def test_update_is_a_full_put_after_a_lookup() -> None:
    connector, users = make()
    connector.links.link_user(101, "u-1")
    outcome, sent = script(connector.update(users["ana"]), listing({"id": "u-1"}), OK)
    assert lines(sent) == [f"GET /Users?{ANA_LOOKUP}", "PUT /Users/u-1?"]
    assert "active" not in sent[1].json() and sent[1].json()["title"] == "Engineer"
    assert outcome.ok
    direct, _ = make(Profile(update_preceded_by_lookup=False))
    direct.links.link_user(101, "u-1")
    assert lines(script(direct.update(users["ana"]), OK)[1]) == ["PUT /Users/u-1?"]
    # not linked: the lookup happens anyway, and a user gone from the app is created again
    direct.links.unlink_user(101)
    assert lines(script(direct.update(users["ana"]), EMPTY, created("u-2"))[1])[1] == "POST /Users"


def test_suspend_puts_template_with_active_false() -> None:
    connector, users = make()
    outcome, sent = script(connector.suspend(users["ana"]), listing({"id": "u-1"}), OK)
    assert lines(sent) == [f"GET /Users?{ANA_LOOKUP}", "PUT /Users/u-1?"]
    assert sent[1].json()["active"] is False and sent[1].json()["userName"] == "ana+scim@example.com"
    assert outcome.ok and outcome.detail == "suspended"


def test_suspend_style_patch_and_active_as_string() -> None:
    connector, users = make(Profile(suspend_style="patch", update_preceded_by_lookup=False))
    connector.links.link_user(101, "u-1")
    _, sent = script(connector.suspend(users["ana"]), NO_CONTENT)
    assert lines(sent) == ["PATCH /Users/u-1"] and sent[0].headers == JSON
    assert sent[0].body == (
        b'{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],'
        b'"Operations":[{"op":"replace","value":{"active":false}}]}'
    )
    entra, _ = make(Profile(suspend_style="patch", active_as_string=True, patch_op_case="capitalized"))
    _, sent = script(entra.suspend(users["ana"]), listing({"id": "u-1"}), OK)
    assert sent[1].json()["Operations"] == [{"op": "Replace", "value": {"active": "False"}}]


def test_reactivate_sends_active_true_or_creates_again() -> None:
    connector, users = make()
    _, sent = script(connector.reactivate(users["ana"]), listing({"id": "u-1"}), OK)
    assert sent[1].json()["active"] is True
    outcome, sent = script(connector.reactivate(users["ana"]), EMPTY, created("u-2"))
    assert lines(sent)[1] == "POST /Users" and sent[1].json()["active"] is True and outcome.scim_id == "u-2"


@pytest.mark.parametrize("event", ["unassign", "delete"])
def test_deletion_action_delete(event: Event) -> None:
    connector, users = make()
    connector.links.link_user(101, "u-1")
    outcome, sent = script(connector.plan(event, users["ana"]), NO_CONTENT)
    assert lines(sent) == ["DELETE /Users/u-1"] and sent[0].headers == BEARER and sent[0].body is None
    assert outcome.ok and connector.links.user(101) is None
    connector.links.link_user(101, "u-1")
    assert script(connector.plan(event, users["ana"]), OK)[0].ok
    connector.links.link_user(101, "u-1")
    assert not script(connector.plan(event, users["ana"]), WireResponse(404))[0].ok
    looked, _ = make(Profile(delete_preceded_by_lookup=True))
    looked.links.link_user(101, "u-1")
    _, sent = script(looked.plan(event, users["ana"]), listing({"id": "u-1"}), NO_CONTENT)
    assert lines(sent) == [f"GET /Users?{ANA_LOOKUP}", "DELETE /Users/u-1"]


def test_deletion_action_delete_when_not_linked_looks_up_first() -> None:
    connector, users = make()
    outcome, sent = script(connector.delete(users["ana"]), EMPTY)
    assert lines(sent) == [f"GET /Users?{ANA_LOOKUP}"] and outcome.ok and "nothing to do" in outcome.detail


def test_deletion_action_suspend_and_nothing() -> None:
    suspend, users = make(settings=AppSettings(deletion_action="suspend"))
    _, sent = script(suspend.unassign(users["ana"]), listing({"id": "u-1"}), OK)
    assert lines(sent)[1] == "PUT /Users/u-1?" and sent[1].json()["active"] is False
    nothing, _ = make(settings=AppSettings(deletion_action="nothing", suspension_action="nothing"))
    for plan in (nothing.delete(users["ana"]), nothing.unassign(users["ana"]), nothing.suspend(users["ana"])):
        outcome, sent = script(plan)
        assert sent == [] and outcome.ok and "Do nothing" in outcome.detail
    deleting, _ = make(settings=AppSettings(suspension_action="delete"))
    deleting.links.link_user(101, "u-1")
    assert lines(script(deleting.suspend(users["ana"]), NO_CONTENT)[1]) == ["DELETE /Users/u-1"]


def test_role_added_creates_group_when_missing() -> None:
    connector, users = make()
    connector.links.link_user(101, "u-1")
    group = WireResponse(201, body=b'{"id": "g-2"}')
    outcome, sent = script(connector.role_added(users["ana"], VPN), group, OK)
    assert lines(sent) == ["POST /Groups", "PATCH /Groups/g-2"]
    assert all(r.event == "role_added" and r.user_id == 101 for r in sent)
    assert outcome.ok and outcome.detail == "+VPN Users"
    looked_up, _ = make(LOOKUP)
    looked_up.links.link_user(101, "u-1")
    _, sent = script(looked_up.role_added(users["ana"], VPN), EMPTY, group, OK)
    assert lines(sent) == [
        "GET /Groups?filter=displayName+eq+%22VPN+Users%22&",
        "POST /Groups",
        "PATCH /Groups/g-2",
    ]
    direct, _ = make(Profile(group_create_schemas=False, patch_schemas=False))
    direct.links.link_user(101, "u-1")
    _, sent = script(direct.role_added(users["ana"], VPN), group, OK)
    assert lines(sent) == ["POST /Groups", "PATCH /Groups/g-2"]
    assert sent[0].json() == {"displayName": "VPN Users"}
    assert sent[1].json() == {"Operations": [{"op": "add", "path": "members", "value": [{"value": "u-1"}]}]}


SAMPLE_DUPLICATE = WireResponse(400, body=b'{"Errors": {"description": "name_already_exists", "code": 400}}')
GROUPS = listing({"id": "g-1", "displayName": "Engineering"}, {"id": "g-2", "displayName": "VPN Users"})


@pytest.mark.parametrize(
    "exists",
    [WireResponse(409), SAMPLE_DUPLICATE, WireResponse(400, body=b'{"detail": "name_already_exists"}')],
    ids=["409", "sample server 400", "400 with that detail"],
)
def test_a_group_the_app_has_is_found_by_reading_get_groups(exists: WireResponse) -> None:
    """OneLogin's documented call is ``GET /Groups`` [doc]: the group is found there and linked."""
    connector, users = make()
    connector.links.link_user(101, "u-1")
    outcome, sent = script(connector.role_added(users["ana"], VPN), exists, GROUPS, NO_CONTENT)
    assert lines(sent) == ["POST /Groups", "GET /Groups", "PATCH /Groups/g-2"]
    assert sent[1].operation == "list_groups" and sent[1].event == "role_added"
    assert outcome.ok and connector.links.group("Engineering") == "g-1"


def test_group_lookup_before_create_knob_sends_the_filtered_lookup() -> None:
    connector, users = make(LOOKUP)
    connector.links.link_user(101, "u-1")
    outcome, sent = script(
        connector.role_added(users["ana"], VPN), EMPTY, WireResponse(409), listing({"id": "g-2"}), NO_CONTENT
    )
    assert lines(sent) == [
        "GET /Groups?filter=displayName+eq+%22VPN+Users%22&",
        "POST /Groups",
        "GET /Groups?filter=displayName+eq+%22VPN+Users%22&",
        "PATCH /Groups/g-2",
    ]
    assert outcome.ok


def test_the_sample_servers_400_is_a_failure_when_the_knob_is_off() -> None:
    connector, users = make(Profile(duplicate_group_400_means_exists=False))
    connector.links.link_user(101, "u-1")
    outcome, sent = script(connector.role_added(users["ana"], VPN), SAMPLE_DUPLICATE)
    assert lines(sent) == ["POST /Groups"]
    assert not outcome.ok and "POST /Groups answered 400; onelogin accepts 201" in outcome.detail
    # any other 400 fails whatever the knob says
    other = WireResponse(400, body=b'{"detail": "displayName is too long"}')
    fresh, _ = make()
    fresh.links.link_user(101, "u-1")
    assert not script(fresh.role_added(users["ana"], VPN), other)[0].ok


def test_role_removed_patch_forms() -> None:
    connector, users = make()
    connector.links.link_user(103, "u-3")
    connector.links.link_group("Engineering", "g-1")
    _, sent = script(connector.role_removed(users["carl"], ENGINEERING), NO_CONTENT)
    assert lines(sent) == ["PATCH /Groups/g-1"]
    assert sent[0].json()["Operations"] == [{"op": "remove", "path": 'members[value eq "u-3"]'}]
    entra, _ = make(Profile(patch_op_case="capitalized", member_remove_style="value_array"))
    entra.links.link_user(103, "u-3")
    _, sent = script(entra.role_removed(users["carl"], ENGINEERING), GROUPS, NO_CONTENT)
    assert lines(sent) == ["GET /Groups", "PATCH /Groups/g-1"]
    assert sent[1].json()["Operations"] == [{"op": "Remove", "path": "members", "value": [{"value": "u-3"}]}]
    # a group the app does not have: nothing to remove
    fresh, _ = make()
    fresh.links.link_user(103, "u-3")
    outcome, sent = script(fresh.role_removed(users["carl"], ENGINEERING), EMPTY)
    assert outcome.ok and lines(sent) == ["GET /Groups"]
    looked_up, _ = make(LOOKUP)
    looked_up.links.link_user(103, "u-3")
    outcome, sent = script(looked_up.role_removed(users["carl"], ENGINEERING), EMPTY)
    assert outcome.ok and lines(sent) == ["GET /Groups?filter=displayName+eq+%22Engineering%22&"]


def test_role_change_without_multi_value_moves_between_joined_groups() -> None:
    connector, users = make(settings=AppSettings(groups_multi_value=False))
    connector.links.link_user(103, "u-3")
    connector.links.link_group("Engineering", "g-1")
    connector.links.link_group("Engineering;VPN Users", "g-12")
    outcome, sent = script(connector.role_added(users["carl"], VPN), OK, OK)
    assert lines(sent) == ["PATCH /Groups/g-1", "PATCH /Groups/g-12"]
    assert (
        sent[0].json()["Operations"][0]["op"] == "remove" and sent[1].json()["Operations"][0]["op"] == "add"
    )
    assert outcome.detail == "-Engineering +Engineering;VPN Users"


def test_role_change_for_a_user_the_app_lacks() -> None:
    connector, users = make()
    outcome, sent = script(connector.role_added(users["ana"], VPN), EMPTY)
    assert outcome.ok and "no membership change" in outcome.detail and len(sent) == 1
    # two roles mapped to one group: losing one of them changes no membership
    a, b = Role(1, "A", "Staff"), Role(2, "B", "Staff")
    both = OneLoginUser(5, "e", "e@example.com", "E", "F", roles=(1, 2))
    shared = Connector(Tenant([both], [a, b], AppSettings()), TOKEN)
    outcome, sent = script(shared.role_removed(both, b))
    assert sent == [] and outcome.ok and outcome.detail == "no group change"


def test_entitlement_refresh_links_groups() -> None:
    connector, _ = make()
    outcome, sent = script(
        connector.entitlement_refresh(), listing({"id": "g-1", "displayName": "Engineering"}, {"id": "g-2"})
    )
    assert lines(sent) == ["GET /Groups"] and sent[0].query is None and sent[0].user_id is None
    assert outcome.ok and connector.links.groups == {"Engineering": "g-1"}
    paged, _ = make(Profile(groups_page_size=50))
    assert lines(script(paged.entitlement_refresh(), EMPTY)[1]) == ["GET /Groups?startIndex=1&count=50"]


def test_import_pages_and_links_by_username() -> None:
    connector, _ = make(Profile(import_page_size=2))
    page1 = listing(
        {"id": "u-1", "userName": "ANA+scim@example.com"}, {"id": "u-x", "userName": "x"}, total=3
    )
    page2 = listing({"id": "u-3", "userName": "carl@example.com"}, total=3)
    outcome, sent = script(connector.import_users(), page1, page2)
    assert lines(sent) == ["GET /Users?startIndex=1&count=2", "GET /Users?startIndex=3&count=2"]
    assert outcome.ok and outcome.detail == "3 app users, 2 linked to OneLogin users"
    assert connector.links.users == {101: "u-1", 103: "u-3"}
    default, _ = make()
    assert lines(script(default.import_users(), EMPTY)[1]) == ["GET /Users?startIndex=1&count=100"]
    plain, _ = make(Profile(import_page_size=None))
    assert lines(script(plain.import_users(), EMPTY)[1]) == ["GET /Users"]
    stuck, _ = script(connector.import_users(), page1, page1)
    assert not stuck.ok and "startIndex is ignored" in stuck.detail


# --- knobs that change verification, not the wire ------------------------------------------------


def test_lookup_404_and_accepted_status_knobs() -> None:
    connector, users = make()
    assert (
        lines(script(connector.assign(users["ana"]), WireResponse(404), created("u-1"))[1])[1]
        == "POST /Users"
    )
    strict, _ = make(Profile(lookup_404_means_absent=False))
    assert not script(strict.assign(users["ana"]), WireResponse(404))[0].ok
    lenient, _ = make(
        Profile(accepted=AcceptedStatuses(create_user=(200, 201)), require_name_in_create_response=False)
    )
    assert script(lenient.assign(users["ana"]), EMPTY, WireResponse(200, body=b'{"id": "u-1"}'))[0].ok


def test_every_operation_has_its_accepted_statuses_and_nothing_else() -> None:
    assert {f.name for f in fields(AcceptedStatuses)} == set(get_args(Operation))


def test_manager_id_and_empty_placeholder_knobs() -> None:
    connector, users = make(Profile(manager_id_source="onelogin_id", empty_placeholder="-"))
    body = connector.requests.user_body(users["ana"], connector.tenant, connector.links)
    assert body[urns.LEGACY_ENTERPRISE_USER[0]]["manager"]["managerId"] == "100"
    odd = connector.requests.user_body(users["odd"], connector.tenant, connector.links)
    assert odd["title"] == "-"


def test_plan_dispatch_and_approval() -> None:
    connector, users = make(settings=AppSettings(approve_update=True))
    assert script(connector.plan("connection_test"), EMPTY)[0].ok
    assert script(connector.plan("entitlement_refresh"), EMPTY)[0].ok
    assert script(connector.plan("import"), EMPTY)[0].ok
    connector.links.link_user(103, "u-3")
    connector.links.link_group("Engineering", "g-1")
    assert script(connector.plan("role_added", users["carl"], ENGINEERING), OK)[0].ok
    assert script(connector.plan("assign", users["ana"]), EMPTY, created("u-1"))[0].ok
    with pytest.raises(ValueError, match="needs a user"):
        connector.plan("assign")
    with pytest.raises(ValueError, match="needs a role"):
        connector.plan("role_removed", users["ana"])
    assert connector.needs_approval("suspend") and not connector.needs_approval("assign")


def test_arun_drives_a_plan_asynchronously() -> None:
    connector, users = make()
    queue = [EMPTY, created("u-1")]

    async def send(request: WireRequest) -> WireResponse:
        return queue.pop(0)

    outcome = asyncio.run(arun(connector.assign(users["ana"]), send))
    assert outcome.ok and outcome.requests == 2


# --- retries and timeouts ----------------------------------------------------------------------------


def test_retry_policy_defaults() -> None:
    policy = ONELOGIN.retry
    assert [policy.delay(n, 503) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, None]
    assert policy.delay(1, 0) == 1.0  # timeouts and connection errors
    assert policy.delay(1, 400) is None and policy.delay(1, 404) is None and policy.delay(1, 409) is None
    assert policy.delay(1, 429, "7") == 7.0
    assert policy.delay(1, 429, "Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert policy.delay(1, 429, "soon") == 1.0
    assert policy.delay(1, 503, "9999") == policy.max_retry_after
    assert RetryPolicy(backoff=10, max_delay=15).delay(3, 500) == 15
    assert RetryPolicy(retry_5xx=False).delay(1, 500) is None
    assert RetryPolicy(honour_retry_after=False).delay(1, 429, "7") == 1.0


def test_timeouts_as_httpx_extension() -> None:
    assert Timeouts(read=5).as_dict() == {"connect": 10.0, "read": 5, "write": 30.0, "pool": 30.0}
    assert replace(ONELOGIN, name="x").timeouts == ONELOGIN.timeouts
