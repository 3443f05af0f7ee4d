"""Record and replay: a recording reproduces the same directory on a fresh server, tokens never recorded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.target import embedded_server
from reference_server.config import ServerConfig
from reference_server.embedded import EmbeddedServer
from simulator.attributes import KEYS, active_of, user_attributes
from simulator.idmap import IdMap
from simulator.record import RecordingError, read_recording
from simulator.replay import ReplayReport, rebuild, replay
from simulator.simulation import SimulationConfig, simulate
from tests.support.faults import faulty_server
from tests.support.scimtest import TOKEN, make_config

RECOGNISABLE = "RECOGNISABLE-secret-token-4242"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _all(client: httpx.Client, path: str) -> Iterator[dict[str, Any]]:
    start = 1
    while True:
        body = client.get(path, params={"startIndex": start, "count": 500}).json()
        yield from body["Resources"]
        start += len(body["Resources"])
        if not body["Resources"] or start > body["totalResults"]:
            return


def directory_state(server: EmbeddedServer, token: str) -> dict[str, Any]:
    """Users by userName and groups by displayName, with attributes; ids and meta left out."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        users = list(_all(client, "/Users"))
        groups = list(_all(client, "/Groups"))
    name_of = {u["id"]: u["userName"].lower() for u in users}
    manager = KEYS.index("enterprise.manager.value")
    state_users = {}
    for user in users:
        attributes = list(user_attributes(user))
        reference = attributes[manager]
        if reference:  # ids differ between servers: compare the manager's userName instead
            attributes[manager] = name_of.get(reference, "(a deleted user)")
        state_users[user["userName"].lower()] = (tuple(attributes), active_of(user))
    state_groups = {
        g["displayName"]: sorted(name_of[m["value"]] for m in g.get("members", [])) for g in groups
    }
    return {"users": state_users, "groups": state_groups}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A lifecycle run recorded against one reference server, and that server's final directory."""
    folder = tmp_path_factory.mktemp("recorded")
    recording = folder / "traffic.jsonl"
    config = ServerConfig(db_path=str(folder / "a.db"), token=RECOGNISABLE)
    with embedded_server(config) as server:
        run = SimulationConfig("lifecycle", 200, seed=21, concurrency=8, record=recording)
        report = asyncio.run(simulate(run, server.base_url, RECOGNISABLE))
        assert report.ok, [str(p) for p in report.problems.items[:5]]
        assert report.recording > 0
        return recording, directory_state(server, RECOGNISABLE)


def test_a_recording_never_contains_the_token(recorded: tuple[Path, dict[str, Any]]) -> None:
    recording, _ = recorded
    text = recording.read_text(encoding="utf-8")
    assert RECOGNISABLE not in text
    assert "RECOGNISABLE" not in text
    first = json.loads(text.splitlines()[0])
    assert ["Authorization", "Bearer ***"] in first["request"]["headers"]


def test_a_recording_is_one_exchange_per_line_in_completion_order(
    recorded: tuple[Path, dict[str, Any]],
) -> None:
    records = list(read_recording(recorded[0]))
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert records[0]["event"] == "connection_test"
    assert {r["operation"] for r in records} >= {"create_user", "replace_user", "delete_user", "patch_group"}
    assert all(r["event"] != "reconcile" for r in records)  # the harness's own reads are not traffic


def test_replay_on_a_fresh_server_reproduces_the_same_directory(
    recorded: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    recording, expected = recorded
    with embedded_server(make_config(tmp_path / "b.db")) as server:
        report = asyncio.run(
            replay(read_recording(recording), server.base_url, TOKEN, recording=str(recording))
        )
        actual = directory_state(server, TOKEN)
    assert report.ok, [str(p) for p in report.differences.items[:5]]
    assert report.exchanges == len(list(read_recording(recording)))
    assert report.remapped_ids > 150
    assert len(expected["users"]) > 150
    assert actual == expected


def test_replay_pinpoints_where_another_target_answers_differently(
    recorded: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    recording, _ = recorded
    with faulty_server("create-200", make_config(tmp_path / "c.db")) as server:
        report: ReplayReport = asyncio.run(replay(read_recording(recording), server.base_url, TOKEN))
    assert not report.ok
    statuses = [p for p in report.differences.items if p.kind == "status"]
    assert statuses
    first = statuses[0]
    assert first.message.startswith("line ")
    assert "answered 200 (a different status); the recording has 201" in first.message
    assert first.exchange is not None
    assert first.exchange["request"]["method"] == "POST"
    assert TOKEN not in json.dumps(report.to_json())


def test_rebuild_swaps_the_token_and_remaps_ids() -> None:
    ids = IdMap()
    ids.learn("old-user", "new-user")
    ids.learn("old-group", "new/group")
    body = {"Operations": [{"op": "remove", "path": 'members[value eq "old-user"]'}]}
    record = {
        "seq": 3,
        "event": "role_removed",
        "userId": 7,
        "operation": "patch_group",
        "request": {
            "method": "PATCH",
            "target": "/Groups/old-group",
            "headers": [["Authorization", "Bearer ***"], ["Content-Type", "application/json"]],
            "body": json.dumps(body),
        },
        "response": {"status": 204},
    }
    request = rebuild(record, "fresh-token", ids)
    assert request.path == "/Groups/new%2Fgroup"
    assert request.query is None
    assert request.header("Authorization") == "Bearer fresh-token"
    assert request.json() == {"Operations": [{"op": "remove", "path": 'members[value eq "new-user"]'}]}
    unchanged = {**record, "request": {**record["request"], "target": "/Users/x?", "body": '{"a": 1}'}}
    request = rebuild(unchanged, "t", ids)
    assert (request.path, request.query, request.body) == ("/Users/x", "", b'{"a": 1}')  # exact bytes kept


def test_ids_are_learned_from_creates_and_from_lookups_by_name() -> None:
    ids = IdMap()
    ids.learn_bodies({"id": "a1"}, {"id": "b1"})
    ids.learn_bodies(
        {"Resources": [{"id": "a2", "userName": "Ana@x"}, {"id": "a3", "displayName": "G"}]},
        {"Resources": [{"id": "b3", "displayName": "G"}, {"id": "b2", "userName": "ana@x"}]},
    )
    assert ids.ids == {"a1": "b1", "a2": "b2", "a3": "b3"}
    assert ids.body({"members": [{"value": "a2"}], "manager": {"managerId": "a1"}}) == {
        "members": [{"value": "b2"}],
        "manager": {"managerId": "b1"},
    }


def test_a_malformed_recording_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = {
        "operation": "list_users",
        "request": {"method": "GET", "target": "/Users", "headers": []},
        "response": {"status": 200},
    }
    path.write_text(json.dumps(good) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(RecordingError, match="line 3: not JSON"):
        list(read_recording(path))
    path.write_text('{"request": {}}\n', encoding="utf-8")
    with pytest.raises(RecordingError, match="line 1: not a recorded exchange"):
        list(read_recording(path))


class FakeGroups:
    """A tiny SCIM target for groups only: create (409 on duplicates), list or filtered lookup, patch."""

    def __init__(self, duplicate: httpx.Response | None = None) -> None:
        self.groups: dict[str, str] = {}
        self.patched: list[str] = []
        self.duplicate = duplicate or httpx.Response(
            409, json={"schemas": [ERROR], "status": "409", "detail": "taken"}
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v2")
        if request.method == "POST":
            name = json.loads(request.content)["displayName"]
            if name in self.groups.values():
                return self.duplicate
            new_id = f"new-{len(self.groups)}"
            self.groups[new_id] = name
            return httpx.Response(201, json={"schemas": [GROUP], "id": new_id, "displayName": name})
        if request.method == "GET":
            wanted = request.url.params.get("filter", "").split('"')[1:2]
            found = [
                {"schemas": [GROUP], "id": i, "displayName": n}
                for i, n in self.groups.items()
                if not wanted or n == wanted[0]
            ]
            return httpx.Response(
                200, json={"schemas": [LIST], "totalResults": len(found), "Resources": found}
            )
        self.patched.append(path)
        return httpx.Response(204)


def _line(
    seq: int, method: str, target: str, status: int, body: Any = None, sent: Any = None
) -> dict[str, Any]:
    operation = {"POST": "create_group", "GET": "lookup_group", "PATCH": "patch_group"}[method]
    return {
        "seq": seq,
        "event": "role_added",
        "userId": seq,
        "operation": operation,
        "request": {
            "method": method,
            "target": target,
            "headers": [],
            "body": None if sent is None else json.dumps(sent),
        },
        "response": {"status": status, "body": "" if body is None else json.dumps(body)},
    }


LOOKUP = "/Groups?filter=displayName+eq+%22G%22&"
CREATE = {"schemas": [GROUP], "displayName": "G"}
PATCH = {"Operations": [{"op": "add", "path": "members", "value": [{"value": "u"}]}]}


def _listing(*ids: str) -> dict[str, Any]:
    found = [{"schemas": [GROUP], "id": i, "displayName": "G"} for i in ids]
    return {"schemas": [LIST], "totalResults": len(found), "Resources": found}


def _replay(lines: list[dict[str, Any]], target: FakeGroups | None = None) -> tuple[ReplayReport, FakeGroups]:
    target = target or FakeGroups()
    client = httpx.AsyncClient(transport=httpx.MockTransport(target))
    return asyncio.run(replay(lines, "http://scim.test/v2", TOKEN, clients=[client])), target


@pytest.mark.parametrize(
    "lines",
    [
        [  # X's create recorded before Y's lookup that the server had answered first
            _line(1, "POST", "/Groups", 201, {"id": "old", "displayName": "G"}, CREATE),
            _line(2, "GET", LOOKUP, 200, _listing()),
            _line(
                3, "POST", "/Groups", 409, {"schemas": [ERROR], "status": "409", "detail": "taken"}, CREATE
            ),
            _line(4, "GET", LOOKUP, 200, _listing("old")),
            _line(5, "PATCH", "/Groups/old", 204, None, PATCH),
        ],
        [  # Y's lookup (which found X's group) recorded before X's create
            _line(1, "GET", LOOKUP, 200, _listing("old")),
            _line(2, "POST", "/Groups", 201, {"id": "old", "displayName": "G"}, CREATE),
            _line(3, "PATCH", "/Groups/old", 204, None, PATCH),
        ],
    ],
)
def test_concurrent_creates_recorded_out_of_order_are_not_differences(lines: list[dict[str, Any]]) -> None:
    report, target = _replay(lines)
    assert report.ok, [str(p) for p in report.differences.items]
    assert target.patched == ["/Groups/new-0"]


def test_a_resource_the_recording_never_created_is_a_difference() -> None:
    report, _ = _replay([_line(1, "GET", LOOKUP, 200, _listing("old"))])
    assert [p.message for p in report.differences.items] == [
        f"line 1: GET {LOOKUP} found 0 resource(s); the recording found 1"
    ]


def test_a_group_the_target_had_is_found_as_the_profile_finds_it() -> None:
    """The sample server's duplicate answer is 400 ``name_already_exists`` [seen]: the replay reads
    ``GET /Groups`` (the documented call) to find the group, and PATCHes the id it has there."""
    sample = FakeGroups(
        httpx.Response(400, json={"Errors": {"description": "name_already_exists", "code": 400}})
    )
    sample.groups["theirs"] = "G"
    lines = [
        _line(1, "POST", "/Groups", 201, {"id": "old", "displayName": "G"}, CREATE),
        _line(2, "PATCH", "/Groups/old", 204, None, PATCH),
    ]
    report, target = _replay(lines, sample)
    assert target.patched == ["/Groups/theirs"]
    # no status difference; what is left is true: the body is not an RFC 7644 §3.12 Error
    assert {d.kind for d in report.differences.items} == {"schema"}
