"""The routes ``ScimApp`` answers itself give the same answers as Litestar's routes.

The same requests, over real HTTP, to two servers: one answering ``/Users`` and ``/Groups``
directly (as ``scim-harness serve`` runs), one sending everything through Litestar
(``app.direct = False``). Statuses, headers and bodies must match once the ids and timestamps
each server made are replaced by placeholders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reference_server import build_server
from reference_server.embedded import EmbeddedServer
from tests.support.scimtest import ENTERPRISE_URN, GROUP_URN, PATCH_URN, TOKEN, USER_URN, make_config

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
_METHODS = re.compile(
    r"\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)(?:, (?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS))+"
)
"""A 405's list of allowed methods: Litestar builds it from a set, in no fixed order."""
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedServer, EmbeddedServer]]:
    direct_db = tmp_path_factory.mktemp("direct") / "scim.db"
    routed_db = tmp_path_factory.mktemp("routed") / "scim.db"
    routed_app = build_server(make_config(routed_db))
    routed_app.direct = False  # type: ignore[attr-defined]
    with (
        EmbeddedServer(make_config(direct_db)) as direct,
        EmbeddedServer(make_config(routed_db), app=routed_app) as routed,
    ):
        yield direct, routed


class Session:
    """One server's answers, with its ids and timestamps replaced by placeholders in order."""

    def __init__(self, server: EmbeddedServer) -> None:
        self.client = httpx.Client(base_url=server.base_url, timeout=10)
        self.base = server.base_url
        self.ids: dict[str, str] = {}
        self.vars: dict[str, str] = {}

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        sent = {"Authorization": f"Bearer {TOKEN}", **(headers or {})}
        content = None
        if body is not None:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/scim+json")
        response = self.client.request(method, path.format(**self.vars), content=content, headers=sent)
        kept = {k: v for k, v in response.headers.items() if k not in ("date", "server")}
        text = response.text
        for found in _UUID.findall(text + json.dumps(kept)):
            self.ids.setdefault(found, f"<id{len(self.ids)}>")
        shown = json.dumps([response.status_code, kept, text])
        shown = shown.replace(self.base, "<base>")
        for raw, placeholder in self.ids.items():
            shown = shown.replace(raw, placeholder)
        shown = _METHODS.sub(lambda m: ", ".join(sorted(m.group(0).split(", "))), shown)
        return response, _TIMESTAMP.sub("<time>", shown)


def _user(name: str, **more: Any) -> dict[str, Any]:
    return {"schemas": [USER_URN, ENTERPRISE_URN], "userName": name, "emails": [{"value": name}], **more}


def _script(s: Session) -> Iterator[tuple[str, str]]:
    """The requests, each with what it is; ``s.vars`` gets the ids the answers give."""
    yield "lookup, no match", s.send("GET", "/Users?filter=userName+eq+%22ann@example.com%22&")[1]
    response, shown = s.send("POST", "/Users", _user("ann@example.com", title="Engineer"))
    s.vars["uid"] = response.json()["id"]
    yield "create", shown
    yield "lookup, a match", s.send("GET", "/Users?filter=userName+eq+%22ann@example.com%22&")[1]
    yield (
        "query parameters in another case",
        s.send("GET", "/Users?Filter=userName%20pr&COUNT=1&sortby=userName")[1],
    )
    yield (
        "repeated, blank and escaped parameters",
        s.send("GET", "/Users?filter=userName+pr&filter=x&count=&attributes=user%4eame&sortBy=%C3%A9")[1],
    )
    yield "projection", s.send("GET", "/Users/{uid}?attributes=userName,emails.value")[1]
    yield "exclusion", s.send("GET", "/Users/{uid}?excludedAttributes=emails,meta")[1]
    yield "read", s.send("GET", "/Users/{uid}")[1]
    yield "not modified", s.send("GET", "/Users/{uid}", headers={"If-None-Match": 'W/"1"'})[1]
    yield "replace", s.send("PUT", "/Users/{uid}?", _user("ann@example.com", title="Lead"))[1]
    yield "stale If-Match", s.send("PUT", "/Users/{uid}", _user("ann@example.com"), {"If-Match": 'W/"1"'})[1]
    yield "suspend", s.send("PUT", "/Users/{uid}?", _user("ann@example.com", active=False))[1]
    patch = {"schemas": [PATCH_URN], "Operations": [{"op": "replace", "path": "title", "value": "X"}]}
    yield "patch", s.send("PATCH", "/Users/{uid}", patch)[1]
    yield "duplicate userName", s.send("POST", "/Users", _user("ANN@example.com"))[1]
    yield "bad JSON", s.send("POST", "/Users", b'{"schemas": [')[1]
    yield "duplicate member", s.send("POST", "/Users", b'{"userName": "a", "userName": "b"}')[1]
    yield (
        "form body",
        s.send("POST", "/Users", b"a=b", {"Content-Type": "application/x-www-form-urlencoded"})[1],
    )
    yield "not a user", s.send("POST", "/Users", {"schemas": [GROUP_URN], "displayName": "x"})[1]
    yield "bad filter", s.send("GET", '/Users?filter=userName eq "a" and')[1]
    yield "unknown id", s.send("GET", "/Users/nope")[1]
    yield "replace an unknown id", s.send("PUT", "/Users/nope", _user("bo@example.com"))[1]
    yield "search path", s.send("GET", "/Users/.search")[1]
    yield "trailing slash", s.send("GET", "/Users/")[1]
    yield "wrong token", s.send("GET", "/Users", headers={"Authorization": "Bearer wrong"})[1]
    yield "token cut short", s.send("GET", "/Users", headers={"Authorization": f"Bearer {TOKEN[:-1]}"})[1]
    yield "lower-case scheme", s.send("GET", "/Users/{uid}", headers={"Authorization": f"bearer {TOKEN}"})[1]
    yield "two spaces", s.send("GET", "/Users/{uid}", headers={"Authorization": f"Bearer  {TOKEN}"})[1]
    yield "no method", s.send("DELETE", "/Users")[1]
    response, shown = s.send("POST", "/Groups", {"schemas": [GROUP_URN], "displayName": "Team"})
    s.vars["gid"] = response.json()["id"]
    yield "group create", shown
    add = {
        "schemas": [PATCH_URN],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": "{uid}"}]}],
    }
    add_body = json.dumps(add).replace("{uid}", s.vars["uid"]).encode()
    yield "group add", s.send("PATCH", "/Groups/{gid}", add_body)[1]
    yield "user in a group", s.send("GET", "/Users/{uid}")[1]
    yield "group members excluded", s.send("GET", "/Groups?excludedAttributes=members")[1]
    yield "delete, wrong If-Match", s.send("DELETE", "/Users/{uid}", headers={"If-Match": 'W/"9"'})[1]
    yield "delete", s.send("DELETE", "/Users/{uid}")[1]
    yield "delete again", s.send("DELETE", "/Users/{uid}")[1]
    yield "group delete", s.send("DELETE", "/Groups/{gid}")[1]


def test_direct_routes_answer_as_litestar_routes_do(servers: tuple[EmbeddedServer, EmbeddedServer]) -> None:
    direct, routed = (Session(s) for s in servers)
    for (what, mine), (_, theirs) in zip(_script(direct), _script(routed), strict=True):
        assert mine == theirs, what


def test_a_request_the_direct_path_leaves_to_litestar_still_gets_its_answer(tmp_path: Path) -> None:
    """A body over the limit is refused by Litestar's own check (413), not read."""
    with EmbeddedServer(make_config(tmp_path / "scim.db", max_body_bytes=100)) as server:
        big = json.dumps(_user("x@example.com", title="x" * 200)).encode()
        response = httpx.post(
            server.base_url + "/Users",
            content=big,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"},
        )
    assert response.status_code == 413
