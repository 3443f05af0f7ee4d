"""OneLogin's user lifecycle as two workloads: one user's life as OneLogin's SCIM client sends it.

The requests have the shapes of ``simulator/requests.py`` with the ``ONELOGIN`` profile
(form-encoded filter with a trailing ``&``, PUT URLs ending in ``?``, compact JSON, the full
template on every PUT, suspension as a PUT with ``"active": false``). The **mixed** workload is
nine requests a user, with a role push and its removal::

    GET    /Users?filter=userName+eq+"…"&    lookup_miss: no such user yet
    POST   /Users                            create: the rendered template → id
    PATCH  /Groups/{gid}                     group_add: add the user to a role's group
    GET    /Users?filter=…&                  lookup_hit: before the update
    PUT    /Users/{id}?                      put: full replace (a changed title)
    GET    /Users?filter=…&                  lookup_hit: before the suspension
    PUT    /Users/{id}?                      suspend: the template plus "active": false
    PATCH  /Groups/{gid}                     group_remove: path members[value eq "…"]
    DELETE /Users/{id}                       delete

The **users** workload is the user-only lifecycle OneLogin sends most often, six requests a user:
lookup_miss, create, lookup_hit, put, suspend, delete (no group, so no role push).

Groups and a population of seed users (the managers the template points at, and the groups'
standing members) are created up front by :func:`prepare`. The bodies use the RFC 7643 URNs, not
OneLogin's legacy ``urn:scim:schemas:core:2.0``: scim2-server refuses those, and every target must
get the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from http1 import BlockingClient, Endpoint
from loadgen import RequestTemplate, Vars

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _dumps(body: dict[str, Any]) -> bytes:
    # the ONELOGIN profile: compact separators, UTF-8 rather than \\u escapes
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def user_doc(vu: Vars, title: str, active: bool | None = None) -> dict[str, Any]:
    """The default OneLogin template rendered for ``vu``, with RFC URNs (and RFC ``manager.value``)."""
    doc: dict[str, Any] = {
        "schemas": [USER, ENTERPRISE],
        "userName": vu["name"],
        "name": {
            "familyName": vu["last"],
            "givenName": vu["first"],
            "formatted": f"{vu['first']} {vu['last']}",
        },
        "emails": [{"value": vu["name"], "type": "work", "primary": True}],
        "title": title,
        ENTERPRISE: {"department": "Engineering", "manager": {"value": vu["mgr"]}},
    }
    if active is not None:
        doc["active"] = active
    return doc


def create_body(vu: Vars) -> bytes:
    return _dumps(user_doc(vu, "Engineer"))


def replace_body(vu: Vars) -> bytes:
    return _dumps(user_doc(vu, "Senior Engineer"))


def suspend_body(vu: Vars) -> bytes:
    return _dumps(user_doc(vu, "Senior Engineer", active=False))


def add_member_body(vu: Vars) -> bytes:
    return _dumps(
        {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": vu["uid"]}]}],
        }
    )


def remove_member_body(vu: Vars) -> bytes:
    path = f'members[value eq "{vu["uid"]}"]'
    return _dumps({"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": path}]})


LOOKUP = "/Users?filter=userName+eq+%22{qname}%22&"
LOOKUP_MISS = RequestTemplate("lookup_miss", "GET", LOOKUP)
CREATE = RequestTemplate("create", "POST", "/Users", create_body, (201,), capture="uid")
LOOKUP_HIT = RequestTemplate("lookup_hit", "GET", LOOKUP)
PUT = RequestTemplate("put", "PUT", "/Users/{uid}?", replace_body)
SUSPEND = RequestTemplate("suspend", "PUT", "/Users/{uid}?", suspend_body)
DELETE = RequestTemplate("delete", "DELETE", "/Users/{uid}", expect=(204,))
MIXED: tuple[RequestTemplate, ...] = (
    LOOKUP_MISS,
    CREATE,
    RequestTemplate("group_add", "PATCH", "/Groups/{gid}", add_member_body, (200, 204)),
    LOOKUP_HIT,
    PUT,
    LOOKUP_HIT,
    SUSPEND,
    RequestTemplate("group_remove", "PATCH", "/Groups/{gid}", remove_member_body, (200, 204)),
    DELETE,
)
USERS: tuple[RequestTemplate, ...] = (LOOKUP_MISS, CREATE, LOOKUP_HIT, PUT, SUSPEND, DELETE)


@dataclass(frozen=True)
class Directory:
    """What :func:`prepare` created on one target: the groups and the seed users (managers)."""

    groups: tuple[str, ...]
    managers: tuple[str, ...]


@dataclass(frozen=True)
class Lifecycle:
    """A lifecycle workload over one target's :class:`Directory`: ``requests`` for each new user."""

    directory: Directory
    requests: tuple[RequestTemplate, ...]

    def begin(self, vu: Vars, key: str) -> None:
        n = sum(map(ord, key))
        vu.clear()
        vu["name"] = name = f"bench.{key}@example.com"
        vu["qname"] = quote_plus(name, safe="")
        vu["first"], vu["last"] = f"Ana{n % 97}", f"Souza-{key}"
        vu["gid"] = self.directory.groups[n % len(self.directory.groups)]
        vu["mgr"] = self.directory.managers[n % len(self.directory.managers)]


WORKLOADS: dict[str, tuple[str, tuple[RequestTemplate, ...]]] = {
    "mixed": ("3 lookups, create, full PUT, suspend PUT, 2 group PATCHes, delete", MIXED),
    "users": ("user-only: 2 lookups, create, full PUT, suspend PUT, delete", USERS),
}
"""The workloads by name: what each is, and its requests."""


def _created(client: BlockingClient, path: str, body: bytes) -> str:
    status, data = client.request("POST", path, body)
    if status != 201:
        raise RuntimeError(f"setup POST {path}: {status} {data[:200]!r}")
    return str(json.loads(data)["id"])


def prepare(endpoint: Endpoint, label: str, groups: int = 10, seed_users: int = 500) -> Directory:
    """Create ``groups`` groups and ``seed_users`` users, spread over the groups as their members."""
    client = BlockingClient(endpoint)
    try:
        group_ids = [
            _created(client, "/Groups", _dumps({"schemas": [GROUP], "displayName": f"{label} role {g}"}))
            for g in range(groups)
        ]
        seed: Vars = {"mgr": ""}
        users: list[str] = []
        for i in range(seed_users):
            seed.update(name=f"seed.{label}.{i}@example.com", first=f"Seed{i}", last=f"Person{i}")
            doc = user_doc(seed, "Staff")
            del doc[ENTERPRISE]["manager"]
            users.append(_created(client, "/Users", _dumps(doc)))
        for g, gid in enumerate(group_ids):
            members = [{"value": uid} for uid in users[g::groups]]
            patch = {
                "schemas": [PATCH_OP],
                "Operations": [{"op": "add", "path": "members", "value": members}],
            }
            status, data = client.request("PATCH", f"/Groups/{gid}", _dumps(patch))
            if status not in (200, 204):
                raise RuntimeError(f"setup PATCH /Groups: {status} {data[:200]!r}")
    finally:
        client.close()
    return Directory(tuple(group_ids), tuple(users))


@dataclass(frozen=True)
class Ping:
    """One GET of a fixed path: the trivial workload the load generator's ceiling is measured on."""

    path: str = "/ping"

    @property
    def requests(self) -> Sequence[RequestTemplate]:
        return (RequestTemplate("ping", "GET", self.path),)

    def begin(self, vu: Vars, key: str) -> None:
        return None
