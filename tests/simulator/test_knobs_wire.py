"""Every knob changes the wire as documented: one case per knob, each run at its default and another value.

A case sets the knob with ``--set`` text (through :func:`load_profile`, as the command line does),
builds the requests the knob affects — OneLogin's event plans sent to the real reference server over
HTTP, or the retry policy's attempts — and checks the documented relation between the knob's value
and what went out, for the default and the other value, and that the two differ. A knob without a
case fails :func:`test_every_knob_has_a_wire_case`, so a knob added later needs one too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from reference_server.embedded import EmbeddedServer
from simulator.knobs import KNOBS
from simulator.profile_file import load_profile
from tests.support.faults import faulty_server
from tests.support.knobwire import (
    App,
    Documented,
    Probe,
    accepted,
    approval,
    approval_order,
    assign_operations,
    attempts,
    connection_test_query,
    create_body,
    create_bytes,
    duplicate_group_outcome,
    event_operations,
    event_outcome,
    group_names,
    group_patch,
    header,
    lookup_query,
    paging_query,
    put_target,
    suspend_body,
    timeout_extension,
)
from tests.support.scimtest import make_config

LEGACY_11 = ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"]
RFC_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, EmbeddedServer]]:
    """The reference server, and two faulty ones for the knobs about answers it never gives."""
    folder = tmp_path_factory.mktemp("knobs-wire")
    with (
        EmbeddedServer(make_config(folder / "ok.db")) as ok,
        faulty_server("no-match-404", make_config(folder / "404.db")) as no_match_404,
        faulty_server("create-without-name", make_config(folder / "noname.db")) as no_name,
        faulty_server("duplicate-group-400", make_config(folder / "dup400.db")) as duplicate_400,
    ):
        yield {
            "ok": ok,
            "no-match-404": no_match_404,
            "create-without-name": no_name,
            "duplicate-group-400": duplicate_400,
        }


@pytest.fixture(scope="module")
def template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "vendor.json"
    body = {
        "schemas": [RFC_USER],
        "userName": "{$parameters.scimusername}",
        "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}"},
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Case:
    knob: str
    other: str
    """The knob's other value, as ``--set`` text."""
    probe: Probe
    documented: Documented
    base: tuple[str, ...] = ()
    """Other knobs the case needs (``--set`` text), the same for both values."""
    server: str = "ok"


def _timeout(name: str) -> Case:
    return Case(f"timeouts.{name}", "0.5", timeout_extension(name), lambda v, t: t == v)


# --- the cases --------------------------------------------------------------------------------------
def _statuses(knob: str, probe: Probe, *base: str) -> Case:
    return Case(f"accepted.{knob}", "299", probe, accepted, base)


CASES: list[Case] = [
    # headers
    Case(
        "content_type",
        "application/scim+json",
        header("replace_user", "Content-Type"),
        lambda v, h: h == v,
    ),
    Case("user_agent", "OneLogin SCIM", header("replace_user", "User-Agent"), lambda v, h: h == v),
    Case("accept", "application/scim+json", header("lookup_user", "Accept"), lambda v, h: h == v),
    # URLs
    Case(
        "filter_encoding",
        "percent",
        lookup_query,
        lambda v, q: q.startswith("filter=userName+eq+%22" if v == "form" else "filter=userName%20eq%20%22"),
    ),
    Case("filter_suffix", "", lookup_query, lambda v, q: q.endswith("%22" + v)),
    Case("put_query", "none", put_target, lambda v, t: t.endswith("?") == (v is not None)),
    # flows
    Case(
        "update_preceded_by_lookup",
        "",
        event_operations("update"),
        lambda v, ops: ops == (["lookup_user", "replace_user"] if v else ["replace_user"]),
    ),
    Case(
        "delete_preceded_by_lookup",
        "",
        event_operations("delete"),
        lambda v, ops: ops == (["lookup_user", "delete_user"] if v else ["delete_user"]),
    ),
    Case(
        "lookup_404_means_absent",
        "",
        lambda app: (app.run(app.connector.assign(app.bob)).ok, app.operations()),
        lambda v, seen: seen == ((True, ["lookup_user", "create_user"]) if v else (False, ["lookup_user"])),
        server="no-match-404",
    ),
    Case(
        "suspend_style",
        "patch",
        suspend_body,
        lambda v, b: (
            b["Operations"] == [{"op": "replace", "value": {"active": False}}]
            if v == "patch"
            else b["active"] is False and "userName" in b
        ),
    ),
    Case("active_as_string", "", suspend_body, lambda v, b: b["active"] == ("False" if v else False)),
    Case(
        "assign_pushes_groups",
        "",
        assign_operations,
        lambda v, ops: ("patch_group" in ops) == v,
    ),
    Case(
        "group_lookup_before_create",
        "",
        assign_operations,
        lambda v, ops: ("lookup_group" in ops) == v and "create_group" in ops,
    ),
    Case(
        "duplicate_group_400_means_exists",
        "",
        duplicate_group_outcome,
        lambda v, seen: seen[0] == v and (v or "name_already_exists" in seen[1] or "400" in seen[1]),
        server="duplicate-group-400",
    ),
    Case(
        "connection_test_username",
        "probe-user",
        connection_test_query,
        lambda v, q: (q == "filter=userName+eq+%22probe-user%22&") == (v is not None),
    ),
    # bodies
    Case(
        "patch_op_case",
        "capitalized",
        group_patch("add"),
        lambda v, b: b["Operations"][0]["op"] == ("Add" if v == "capitalized" else "add"),
    ),
    Case(
        "member_remove_style",
        "value_array",
        group_patch("remove"),
        lambda v, b: (
            b["Operations"][0]["path"].startswith("members[value eq")
            if v == "path_filter"
            else b["Operations"][0]["path"] == "members" and b["Operations"][0]["value"][0]["value"]
        ),
    ),
    Case("patch_schemas", "", group_patch("add"), lambda v, b: ("schemas" in b) == v),
    Case(
        "group_create_schemas",
        "",
        lambda app: group_names(app) and app.body("create_group"),
        lambda v, b: ("schemas" in b) == v,
    ),
    Case("empty_placeholder", "n/a", create_body, lambda v, b: b["title"] == v),
    Case(
        "manager_id_source",
        "onelogin_id",
        lambda app: (create_body(app), app.connector.links.user(10)),
        lambda v, seen: (
            seen[0]["urn:scim:schemas:extension:enterprise:2.0"]["manager"]["managerId"]
            == ("10" if v == "onelogin_id" else seen[1])
        ),
    ),
    Case("json_ensure_ascii", "", create_bytes, lambda v, b: (b"B\\u00e9rg" in b) == v),
    Case("json_compact", "", create_bytes, lambda v, b: (b'", "' not in b) == v),
    Case(
        "require_name_in_create_response",
        "",
        lambda app: app.run(app.connector.assign(app.bob)).ok,
        lambda v, ok: ok != v,
        server="create-without-name",
    ),
    # paging
    Case(
        "import_page_size",
        "none",
        paging_query("list_users"),
        lambda v, q: q == (None if v is None else f"startIndex=1&count={v}"),
    ),
    Case(
        "groups_page_size",
        "1",
        paging_query("list_groups"),
        lambda v, q: q == (None if v is None else f"startIndex=1&count={v}"),
    ),
    # what OneLogin accepts
    _statuses("connection_test", event_outcome("connection_test")),
    _statuses("lookup_user", event_outcome("assign")),
    _statuses("read_user", event_outcome("update"), "update_reads_user=true"),
    _statuses("create_user", event_outcome("assign")),
    _statuses("replace_user", event_outcome("update")),
    _statuses("patch_user", event_outcome("suspend"), "suspend_style=patch"),
    _statuses("delete_user", event_outcome("delete")),
    # with the lookup knob on, a push looks up the groups of its roles it has not linked
    _statuses("lookup_group", event_outcome("assign"), "group_lookup_before_create=true"),
    _statuses("create_group", event_outcome("assign")),
    _statuses("patch_group", event_outcome("assign")),
    _statuses("list_groups", event_outcome("entitlement_refresh")),
    _statuses("list_users", event_outcome("import_users")),
    # retries: attempts and waits (never slept)
    Case("retry.retries", "0", attempts(503), lambda v, seen: seen[0] == v + 1),
    Case("retry.backoff", "5", attempts(503), lambda v, seen: seen[1][0] == v),
    Case("retry.factor", "3", attempts(503), lambda v, seen: seen[1][:3] == [1.0, v, v * v]),
    Case("retry.max_delay", "1.5", attempts(503), lambda v, seen: max(seen[1]) == min(v, 4.0)),
    Case("retry.retry_5xx", "", attempts(503), lambda v, seen: seen[0] == (4 if v else 1)),
    Case("retry.retry_429", "", attempts(429), lambda v, seen: seen[0] == (4 if v else 1)),
    Case("retry.retry_transport_errors", "", attempts(0), lambda v, seen: seen[0] == (4 if v else 1)),
    Case(
        "retry.honour_retry_after",
        "",
        attempts(429, "7"),
        lambda v, seen: seen[1][0] == (7.0 if v else 1.0),
    ),
    Case("retry.max_retry_after", "2", attempts(429, "7"), lambda v, seen: seen[1][0] == min(7.0, v)),
    _timeout("connect"),
    _timeout("read"),
    _timeout("write"),
    _timeout("pool"),
    # the admin's settings
    Case(
        "app.deletion_action",
        "suspend",
        event_operations("delete"),
        lambda v, ops: ops == {"delete": ["delete_user"], "suspend": ["lookup_user", "replace_user"]}[v],
    ),
    Case(
        "app.suspension_action",
        "nothing",
        event_operations("suspend"),
        lambda v, ops: ops == {"suspend": ["lookup_user", "replace_user"], "nothing": []}[v],
    ),
    Case("app.approve_create", "", approval_order, approval("create")),
    Case("app.approve_update", "", approval_order, approval("update")),
    Case("app.approve_delete", "", approval_order, approval("delete")),
    Case(
        "app.scim_username_source",
        "username",
        lambda app: (lookup_query(app), app.bob),
        lambda v, seen: (
            ("%40" in (seen[0] or "")) if v == "email" else f"%22{seen[1].username}%22" in (seen[0] or "")
        ),
    ),
    Case(
        "app.custom_headers",
        "X-Tenant: acme\\nUser-Agent: OneLogin SCIM",
        lambda app: [r.header("X-Tenant") for r in app.pushed(app.bob).requests()],
        lambda v, seen: seen == ["acme"] * len(seen) if v else set(seen) == {None},
    ),
    Case(
        "app.groups_multi_value",
        "",
        group_names,
        lambda v, names: (len(names) == 2) if v else (len(names) == 1 and ";" in names[0]),
    ),
    Case(
        "app.group_name_rule",
        "team {role}",
        group_names,
        lambda v, names: all(n == v.format(role=n.removeprefix("team ")) for n in names) and names != [],
    ),
    # the other IdPs' forms (simulator/okta.py, simulator/entra.py)
    Case(
        "extra_headers",
        "ADSCIMVersion: 6.0",
        header("lookup_user", "ADSCIMVersion"),
        lambda v, h: h == ("6.0" if v else None),
    ),
    Case(
        "connection_test_style",
        "page",
        connection_test_query,
        lambda v, q: (q == "startIndex=1&count=2") == (v == "page"),
    ),
    Case(
        "update_style",
        "patch_paths",
        lambda app: app.pushed(app.bob).run(app.connector.update(app.bob)) and app.sent[-1][0],
        lambda v, r: (
            r.operation == "replace_user"
            if v == "put"
            else r.operation == "patch_user"
            and {"path": "name.givenName", "op": "replace", "value": "Bob"} in r.json()["Operations"]
        ),
    ),
    Case(
        "update_reads_user",
        "true",
        event_operations("update"),
        lambda v, ops: (
            ops == (["lookup_user", "read_user", "replace_user"] if v else ["lookup_user", "replace_user"])
        ),
    ),
    Case(
        "reactivate_style",
        "patch",
        lambda app: app.pushed(app.bob).run(app.connector.reactivate(app.bob)) and app.sent[-1][0],
        lambda v, r: (
            r.json()["Operations"] == [{"op": "replace", "value": {"active": True}}]
            if v == "patch"
            else r.operation == "replace_user" and r.json()["active"] is True
        ),
    ),
    Case(
        "active_patch_path",
        "true",
        suspend_body,
        lambda v, b: (
            b["Operations"][0]
            == (
                {"op": "replace", "path": "active", "value": False}
                if v
                else {"op": "replace", "value": {"active": False}}
            )
        ),
        ("suspend_style=patch",),
    ),
    Case(
        "group_create_extra_schema",
        "urn:example:Group",
        lambda app: group_names(app) and app.body("create_group"),
        lambda v, b: b["schemas"][1:] == ([v] if v else []),
    ),
    Case(
        "group_create_external_id",
        "true",
        lambda app: group_names(app) and app.body("create_group"),
        lambda v, b: ("externalId" in b and b["meta"] == {"resourceType": "Group"}) == v,
    ),
    Case(
        "group_rename_style",
        "value_with_id",
        lambda app: app.connector.requests.rename_group("g-1", "Renamed").json(),
        lambda v, b: (
            b["Operations"]
            == (
                [{"op": "replace", "value": {"id": "g-1", "displayName": "Renamed"}}]
                if v == "value_with_id"
                else [{"op": "replace", "path": "displayName", "value": "Renamed"}]
            )
        ),
    ),
    Case(
        "group_lookup_excludes_members",
        "true",
        lambda app: group_names(app) and app.requests("lookup_group")[0].query,
        lambda v, q: q.startswith("excludedAttributes=members&") == v,
        ("group_lookup_before_create=true",),
    ),
    Case(
        "member_add_style",
        "ref_null",
        group_patch("add"),
        lambda v, b: (
            set(b["Operations"][0]["value"][0])
            == {"value": {"value"}, "display": {"value", "display"}, "ref_null": {"$ref", "value"}}[v]
        ),
    ),
    Case(
        "app.unassign_action",
        "suspend",
        event_operations("unassign"),
        lambda v, ops: ops == {None: ["delete_user"], "suspend": ["lookup_user", "replace_user"]}[v],
    ),
    # the template
    Case(
        "template.name",
        "onelogin-1.1-enterprise",
        create_body,
        lambda v, b: (b["schemas"] == LEGACY_11) == (v == "onelogin-1.1-enterprise"),
    ),
    Case(
        "template.file",
        "@template_file",
        create_body,
        lambda v, b: (b["schemas"] == [RFC_USER]) == (v is not None),
    ),
    Case(
        "template.emails",
        "object",
        create_body,
        lambda v, b: isinstance(b["emails"], dict) == (v == "object"),
    ),
]


def test_every_knob_has_a_wire_case() -> None:
    cased = [c.knob for c in CASES]
    assert len(cased) == len(set(cased)), "a knob has two cases"
    assert set(cased) == set(KNOBS), f"knobs without a case: {sorted(set(KNOBS) - set(cased))}"


def _other(case: Case, template_file: Path) -> str:
    knob = KNOBS[case.knob]
    if case.other == "@template_file":
        return str(template_file)
    if case.other == "" and knob.kind is bool:
        return "false" if knob.default else "true"
    return case.other


@pytest.mark.parametrize("case", CASES, ids=[c.knob for c in CASES])
def test_the_knob_changes_the_wire_as_documented(
    case: Case, servers: dict[str, EmbeddedServer], template_file: Path
) -> None:
    server = servers[case.server]
    seen = {}
    with httpx.Client(follow_redirects=False) as http:
        for label, sets in (("default", []), ("other", [f"{case.knob}={_other(case, template_file)}"])):
            effective = load_profile(None, [*case.base, *sets])
            value = effective.value(KNOBS[case.knob])
            seen[label] = case.probe(App(effective, server.base_url, http))
            shown = seen[label]
            assert case.documented(value, shown), f"{case.knob}={value!r}: the wire showed {shown!r}"
    assert seen["default"] != seen["other"], f"{case.knob} changed nothing on the wire: {seen['default']!r}"
