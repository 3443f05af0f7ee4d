"""``POST /Bulk`` (RFC 7644 §3.7): many operations in one request, each answered on its own.

- Each operation runs through the same services as its single-request form, in its own
  transaction: a failure is that operation's answer, not the request's (§3.7).
- ``bulkId:<id>`` references, in paths and anywhere in ``data``, are replaced by the id of the
  resource the operation with that ``bulkId`` created (§3.7.2). An operation whose reference is not
  resolved yet waits for a later pass; one that can never be resolved (unknown or circular,
  §3.7.1) fails with 409 ``invalidValue``.
- ``failOnErrors``: after that many errors, the remaining operations are not run (§3.7.3).
- More than ``maxOperations`` operations, or a body over ``maxPayloadSize``, is 413 naming the
  limit (§3.7.4); the payload limit is the server's request body limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, post

from reference_server.errors import ScimError, bad_request
from reference_server.membership import member_changes
from reference_server.patch import apply_patch, parse_patch_request
from reference_server.service import Resources, etag, version_of
from reference_server.wire import read_json, scim_response
from schemas import GROUP_TYPE, urns

MAX_OPERATIONS = 500
_REF = re.compile(r"bulkId:([^/\s\"]+)")
_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class _Unresolved(Exception):
    """The operation refers to a bulkId no operation has created (yet)."""


@dataclass
class _Operation:
    index: int
    method: str
    path: str
    bulk_id: str | None
    version: str | None
    data: Any


def _parse(body: object) -> tuple[list[_Operation], int | None]:
    schemas = body.get("schemas") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(schemas, list) or urns.BULK_REQUEST not in schemas:
        raise ScimError(400, f"a bulk request needs schemas [{urns.BULK_REQUEST!r}]", "invalidSyntax")
    raw = body.get("Operations")
    if not isinstance(raw, list) or not raw:
        raise ScimError(400, "a bulk request needs a non-empty Operations array", "invalidSyntax")
    if len(raw) > MAX_OPERATIONS:
        raise ScimError(413, f"the bulk request has {len(raw)} operations; maxOperations is {MAX_OPERATIONS}")
    fail_on_errors = body.get("failOnErrors")
    if fail_on_errors is not None and (not isinstance(fail_on_errors, int) or fail_on_errors < 1):
        raise bad_request("failOnErrors must be a positive integer")
    operations = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ScimError(400, f"Operations[{index}] must be an object", "invalidSyntax")
        method = str(item.get("method", "")).upper()
        path = item.get("path")
        if method not in _METHODS or not isinstance(path, str) or not path.startswith("/"):
            raise ScimError(
                400, f"Operations[{index}] needs a method in {_METHODS} and a path", "invalidSyntax"
            )
        bulk_id = item.get("bulkId")
        if method == "POST" and not isinstance(bulk_id, str):
            raise ScimError(
                400, f"Operations[{index}]: bulkId is REQUIRED for POST (RFC 7644 §3.7)", "invalidSyntax"
            )
        operations.append(_Operation(index, method, path, bulk_id, item.get("version"), item.get("data")))
    return operations, fail_on_errors


def _resolve(value: Any, created: dict[str, str]) -> Any:
    """``value`` with every ``bulkId:x`` replaced by the id created for ``x``."""
    if isinstance(value, str):

        def swap(match: re.Match[str]) -> str:
            if match.group(1) not in created:
                raise _Unresolved(match.group(1))
            return created[match.group(1)]

        return _REF.sub(swap, value)
    if isinstance(value, list):
        return [_resolve(v, created) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, created) for k, v in value.items()}
    return value


def _run(
    services: dict[str, Resources], op: _Operation, path: str, data: Any
) -> tuple[int, dict[str, Any] | None]:
    """Run one operation; its status and the resource it leaves (None after a DELETE)."""
    parts = path.strip("/").split("/")
    service = next((s for s in services.values() if s.rtype.endpoint == "/" + parts[0]), None)
    if service is None or len(parts) > 2 or (op.method == "POST") != (len(parts) == 1):
        raise ScimError(400, f"{op.method} {path} is not a bulk operation this server knows", "invalidPath")
    if op.method == "POST":
        return 201, service.create(data)
    resource_id = parts[1]
    if op.method == "DELETE":
        service.delete(resource_id, op.version)
        return 204, None
    if op.method == "PUT":
        return 200, service.replace(resource_id, data, op.version)
    operations = parse_patch_request(data)
    changes = member_changes(operations) if service.rtype is GROUP_TYPE else None
    if changes is not None:
        return 200, service.modify_members(resource_id, changes, op.version)
    rtype = service.rtype
    return 200, service.modify(resource_id, lambda before: apply_patch(before, operations, rtype), op.version)


def _answer(
    op: _Operation, status: int, doc: dict[str, Any] | None, location: Callable[[dict[str, Any]], str]
) -> dict[str, Any]:
    out: dict[str, Any] = {"method": op.method, "status": str(status)}
    if op.bulk_id is not None:
        out["bulkId"] = op.bulk_id
    if doc is not None:
        out["location"] = location(doc)
        out["version"] = etag(version_of(doc))
    return out


@post("/Bulk", status_code=200)
async def bulk(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    operations, fail_on_errors = _parse(await read_json(request))
    services: dict[str, Resources] = state.resources
    base = state.base_url(request)

    def location(doc: dict[str, Any]) -> str:
        endpoint = "/Users" if doc["meta"]["resourceType"] == "User" else "/Groups"
        return f"{base}{endpoint}/{doc['id']}"

    created: dict[str, str] = {}
    answers: dict[int, dict[str, Any]] = {}
    errors = 0
    pending = list(operations)
    while pending and (fail_on_errors is None or errors < fail_on_errors):
        waiting: list[_Operation] = []
        for op in pending:
            if fail_on_errors is not None and errors >= fail_on_errors:
                break
            try:
                path, data = _resolve(op.path, created), _resolve(op.data, created)
            except _Unresolved:
                waiting.append(op)
                continue
            try:
                status, doc = _run(services, op, path, data)
            except ScimError as exc:
                errors += 1
                answers[op.index] = {**_answer(op, exc.status, None, location), "response": exc.body()}
                continue
            if op.method == "POST" and op.bulk_id is not None and doc is not None:
                created[op.bulk_id] = doc["id"]
            answers[op.index] = _answer(op, status, doc, location)
        if len(waiting) == len(pending):
            # No progress: the references are unknown or circular (RFC 7644 §3.7.1).
            for op in waiting:
                error = ScimError(
                    409, "a bulkId this operation refers to can never be resolved", "invalidValue"
                )
                answers[op.index] = {**_answer(op, 409, None, location), "response": error.body()}
                errors += 1
            break
        pending = waiting
    body = {"schemas": [urns.BULK_RESPONSE], "Operations": [answers[i] for i in sorted(answers)]}
    return scim_response(body)
