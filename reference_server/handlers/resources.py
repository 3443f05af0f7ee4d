"""``/Users`` and ``/Groups``: create, read, query, replace, patch, delete (RFC 7644 §3.3–§3.6).

One router per resource type, built from the same handlers; the work is in
:mod:`reference_server.service`, the representation in :mod:`reference_server.render`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, Router, delete, get, patch, post, put

from reference_server.errors import ScimError
from reference_server.handlers.params import ListParams, list_params, lookup
from reference_server.membership import member_changes
from reference_server.patch import apply_patch, parse_patch_request
from reference_server.projection import parse_attribute_list
from reference_server.render import list_response, render
from reference_server.service import Resources, etag, version_of
from reference_server.storage.base import Doc, Query
from reference_server.wire import ScimAnswer, parse_json, read_json, scim_response
from schemas import GROUP_TYPE, ResourceType, urns

AnyRequest = Request[Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """What a resource operation reads of its request, whoever parsed it: Litestar's ``Request``
    (:func:`call_of`) or the app's direct path for the busiest routes (``reference_server.app``)."""

    state: Any
    """The app's state: ``config``, ``resources``."""
    query: Mapping[str, Any]
    """The query parameters, as ``Request.query_params`` holds them."""
    header: Callable[[str], str | None]
    """A request header by lower-case name (its first value)."""
    base: str
    """The SCIM base URL of the request (``…/scim/v2``)."""


def _state(request: AnyRequest) -> Any:
    return request.app.state


def call_of(request: AnyRequest) -> Call:
    state = _state(request)
    return Call(state, request.query_params, request.headers.get, state.base_url(request))


def answer_one(
    call: Call, doc: Doc, rtype: ResourceType, status: int = 200, *, created: bool = False
) -> ScimAnswer:
    """One resource, with ``ETag`` (= ``meta.version``) and ``Location`` on a create (RFC 7644 §3.3)."""
    base = call.base
    body = render(
        doc,
        rtype,
        base,
        parse_attribute_list(lookup(call.query, "attributes")),
        parse_attribute_list(lookup(call.query, "excludedAttributes")),
    )
    headers = {"ETag": etag(version_of(doc))}
    if created:
        headers["Location"] = f"{base}{rtype.endpoint}/{doc['id']}"
    return scim_response(body, status, headers)


def check_too_many(request: AnyRequest, params: ListParams, total: int) -> None:
    """RFC 7644 Table 9 ``tooMany``: a filter that "yields many more results than the server is
    willing to calculate or process" (e.g. ``userName pr`` on a large tenant)."""
    _check_too_many(_state(request).config, params, total)


def _check_too_many(config: Any, params: ListParams, total: int) -> None:
    limit = config.max_filter_matches
    if params.filter is not None and total > limit:
        raise ScimError(400, f"the filter matches {total} resources; narrow it (limit {limit})", "tooMany")


def run_query(request: AnyRequest, service: Resources, params: ListParams) -> dict[str, Any]:
    """RFC 7644 §3.4.2: a ListResponse; no match is 200 with totalResults 0, never 404."""
    return _run_query(call_of(request), service, params)


def _run_query(call: Call, service: Resources, params: ListParams) -> dict[str, Any]:
    members = not any(e.lower() == "members" for e in params.excluded or ())
    total, docs = service.query(
        Query(
            filter=params.filter,
            sort_by=params.sort_by,
            descending=params.descending,
            start_index=params.start_index,
            count=params.count,
            members=members,
        )
    )
    _check_too_many(call.state.config, params, total)
    base = call.base
    items = [render(d, service.rtype, base, params.attributes, params.excluded) for d in docs]
    return list_response(items, total, params.start_index, with_resources=params.count > 0)


# -- the operations, on a Call: one implementation for Litestar's routes and the direct path -------


def do_create(call: Call, rtype: ResourceType, body: bytes) -> ScimAnswer:
    doc = call.state.resources[rtype.name].create(parse_json(body, call.header("content-type")))
    return answer_one(call, doc, rtype, 201, created=True)


def do_query(call: Call, rtype: ResourceType) -> ScimAnswer:
    cfg = call.state.config
    params = list_params(call.query, default_count=cfg.default_count, max_results=cfg.max_results)
    return scim_response(_run_query(call, call.state.resources[rtype.name], params))


def do_read(call: Call, rtype: ResourceType, resource_id: str) -> ScimAnswer:
    doc = call.state.resources[rtype.name].get(resource_id)
    if_none_match = call.header("if-none-match")
    if if_none_match is not None and _matches_any(if_none_match, etag(version_of(doc))):
        # RFC 7644 §3.14 / RFC 7232 §3.2: the client's copy is current.
        return scim_response(None, 304, {"ETag": etag(version_of(doc))})
    return answer_one(call, doc, rtype)


def do_replace(call: Call, rtype: ResourceType, resource_id: str, body: bytes) -> ScimAnswer:
    parsed = parse_json(body, call.header("content-type"))
    doc = call.state.resources[rtype.name].replace(resource_id, parsed, call.header("if-match"))
    return answer_one(call, doc, rtype)


def do_modify(call: Call, rtype: ResourceType, resource_id: str, body: bytes) -> ScimAnswer:
    """RFC 7644 §3.5.2: answered 200 with the resource (or the requested attributes)."""
    service: Resources = call.state.resources[rtype.name]
    operations = parse_patch_request(parse_json(body, call.header("content-type")))
    changes = member_changes(operations) if rtype is GROUP_TYPE else None
    if changes is not None:
        doc = service.modify_members(resource_id, changes, call.header("if-match"))
        return answer_one(call, doc, rtype)
    doc = service.modify(
        resource_id,
        lambda before: apply_patch(before, operations, rtype),
        call.header("if-match"),
    )
    return answer_one(call, doc, rtype)


def do_delete(call: Call, rtype: ResourceType, resource_id: str) -> None:
    """RFC 7644 §3.6: 204 and no body."""
    call.state.resources[rtype.name].delete(resource_id, call.header("if-match"))


def resource_router(rtype: ResourceType) -> Router:
    """The routes of one resource type, mounted at its endpoint."""
    kind = rtype.name

    def service(request: AnyRequest) -> Resources:
        return _state(request).resources[kind]  # type: ignore[no-any-return]

    def config(request: AnyRequest) -> Any:
        return _state(request).config

    @post("/", status_code=201)
    async def create(request: AnyRequest) -> Response[bytes]:
        return do_create(call_of(request), rtype, await request.body())

    @get("/")
    async def query(request: AnyRequest) -> Response[bytes]:
        return do_query(call_of(request), rtype)

    @post("/.search", status_code=200)
    async def search(request: AnyRequest) -> Response[bytes]:
        """RFC 7644 §3.4.3: POST ``.search`` with a SearchRequest body."""
        body = await read_json(request)
        cfg = config(request)
        params = list_params(search_body(body), default_count=cfg.default_count, max_results=cfg.max_results)
        return scim_response(run_query(request, service(request), params))

    @get("/{resource_id:str}")
    async def read(request: AnyRequest) -> Response[bytes]:
        return do_read(call_of(request), rtype, request.path_params["resource_id"])

    @put("/{resource_id:str}")
    async def replace(request: AnyRequest) -> Response[bytes]:
        resource_id = request.path_params["resource_id"]
        return do_replace(call_of(request), rtype, resource_id, await request.body())

    @patch("/{resource_id:str}")
    async def modify(request: AnyRequest) -> Response[bytes]:
        """RFC 7644 §3.5.2: answered 200 with the resource (or the requested attributes)."""
        resource_id = request.path_params["resource_id"]
        return do_modify(call_of(request), rtype, resource_id, await request.body())

    @delete("/{resource_id:str}", status_code=204)
    async def remove(request: AnyRequest) -> None:
        """RFC 7644 §3.6: 204 and no body."""
        do_delete(call_of(request), rtype, request.path_params["resource_id"])

    return Router(path=rtype.endpoint, route_handlers=[create, query, search, read, replace, modify, remove])


def search_body(body: object) -> dict[str, Any]:
    """The SearchRequest parameters (RFC 7644 §3.4.3), checked for shape."""
    if not isinstance(body, dict):
        raise ScimError(400, "a SearchRequest must be a JSON object", "invalidSyntax")
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or urns.SEARCH_REQUEST not in schemas:
        raise ScimError(400, f"schemas must contain {urns.SEARCH_REQUEST}", "invalidSyntax")
    return {k: v for k, v in body.items() if k != "schemas"}


def _matches_any(header: str, current: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == current.removeprefix("W/") for t in tags)
