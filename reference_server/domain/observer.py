"""The observer API: side effects that SCIM does not show (design.md, "The observer").

```
POST /observer/accounts                      {"name", "privileged"}  -> 201 account
GET  /observer/accounts/{accountId}                                  -> 200 account
POST /observer/accounts/{accountId}/grants   {"userId"} | {"groupId"} -> 201 grant
GET  /observer/users/{userId}/grants                                 -> 200 {"grants": [...]}
GET  /observer/accounts/{accountId}/rotations                        -> 200 {"rotations": [...]}
```

It has its own bearer token (checked in ``app.py``); errors use the SCIM Error format.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post

from reference_server.config import OBSERVER_PATH
from reference_server.domain.accounts import Accounts
from reference_server.wire import read_json, scim_response

AnyRequest = Request[Any, Any, Any]


def observer_router(accounts: Accounts) -> Router:
    @post("/accounts", status_code=201)
    async def create_account(request: AnyRequest) -> Response[bytes]:
        return scim_response(accounts.create_account(await read_json(request)), 201)

    @get("/accounts/{account_id:str}")
    async def get_account(request: AnyRequest) -> Response[bytes]:
        account_id = request.path_params["account_id"]
        return scim_response(accounts.get_account(account_id))

    @post("/accounts/{account_id:str}/grants", status_code=201)
    async def grant(request: AnyRequest) -> Response[bytes]:
        account_id = request.path_params["account_id"]
        return scim_response(accounts.grant(account_id, await read_json(request)), 201)

    @get("/users/{user_id:str}/grants")
    async def user_grants(request: AnyRequest) -> Response[bytes]:
        user_id = request.path_params["user_id"]
        return scim_response(accounts.user_grants(user_id))

    @get("/accounts/{account_id:str}/rotations")
    async def rotations(request: AnyRequest) -> Response[bytes]:
        account_id = request.path_params["account_id"]
        return scim_response(accounts.rotations(account_id))

    return Router(
        path=OBSERVER_PATH, route_handlers=[create_account, get_account, grant, user_grants, rotations]
    )
