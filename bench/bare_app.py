"""The framework ceiling: a bare Litestar app answering the mixed workload with fixed JSON bodies.

One route per method and path pattern the workload uses, each reading the request body (as every
real handler must) and answering the status the workload expects with a fixed, pre-encoded body
of about the size the reference server returns. No validation, no storage, no rendering: what is
left is Litestar's routing and request/response cycle under uvicorn, the most any Litestar server
can do on this machine.

    .venv/bin/python bench/bare_app.py --port PORT
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from litestar import Litestar, Request, Response, delete, get, patch, post, put
from uvicorn_settings import run

MEDIA = "application/scim+json"
FIXED_ID = "2819c223-7f76-453a-919d-413861904646"
_USER = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": FIXED_ID,
    "userName": "bench.fixed@example.com",
    "name": {"familyName": "Souza", "givenName": "Ana", "formatted": "Ana Souza"},
    "emails": [{"value": "bench.fixed@example.com", "type": "work", "primary": True}],
    "title": "Engineer",
    "active": True,
    "meta": {
        "resourceType": "User",
        "created": "2024-01-01T00:00:00Z",
        "lastModified": "2024-01-01T00:00:00Z",
        "version": 'W/"1"',
        "location": f"http://127.0.0.1/scim/v2/Users/{FIXED_ID}",
    },
}
USER = json.dumps(_USER).encode()
GROUP = json.dumps(
    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": FIXED_ID, "displayName": "role"}
).encode()
EMPTY_LIST = json.dumps(
    {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": [],
    }
).encode()

AnyRequest = Request[Any, Any, Any]


def _answer(body: bytes, status: int = 200) -> Response[bytes]:
    return Response(body, status_code=status, media_type=MEDIA)


@get("/scim/v2/Users")
async def lookup(request: AnyRequest) -> Response[bytes]:
    return _answer(EMPTY_LIST)


@post("/scim/v2/Users")
async def create_user(request: AnyRequest) -> Response[bytes]:
    await request.body()
    return _answer(USER, 201)


@put("/scim/v2/Users/{resource_id:str}")
async def replace_user(request: AnyRequest, resource_id: str) -> Response[bytes]:
    await request.body()
    return _answer(USER)


@delete("/scim/v2/Users/{resource_id:str}", status_code=204)
async def delete_user(request: AnyRequest, resource_id: str) -> None:
    return None


@post("/scim/v2/Groups")
async def create_group(request: AnyRequest) -> Response[bytes]:
    await request.body()
    return _answer(GROUP, 201)


@patch("/scim/v2/Groups/{resource_id:str}")
async def patch_group(request: AnyRequest, resource_id: str) -> Response[bytes]:
    await request.body()
    return _answer(GROUP)


@get("/scim/v2/ServiceProviderConfig")
async def ready() -> Response[bytes]:
    return _answer(b"{}")


app = Litestar(
    route_handlers=[lookup, create_user, replace_user, delete_user, create_group, patch_group, ready],
    openapi_config=None,
)

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    run(app, parser.parse_args().port)
