"""``POST /.search`` at the server root: one query over every resource type (RFC 7644 §3.4.3, §3.4.2.1).

An attribute that one type lacks reads as unassigned for that type, so
``displayName pr or userName eq "x"`` finds Groups and Users alike; a filter that fits no type at
all is an ``invalidFilter``. Pages run over Users, then Groups; a ``sortBy`` orders within each type.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, post

from reference_server.errors import ScimError
from reference_server.filters import bind
from reference_server.handlers.params import list_params
from reference_server.handlers.resources import check_too_many, search_body
from reference_server.render import list_response, render
from reference_server.service import Resources
from reference_server.storage.base import Query
from reference_server.wire import read_json, scim_response


def _fits_some_type(services: list[Resources], params: Any) -> None:
    if params.filter is None:
        return
    failures: list[ScimError] = []
    for service in services:
        try:
            bind(params.filter, service.rtype)
        except ScimError as exc:
            failures.append(exc)
    if len(failures) == len(services):
        raise failures[0]


@post("/.search", status_code=200)
async def root_search(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    cfg = state.config
    body = search_body(await read_json(request))
    params = list_params(body, default_count=cfg.default_count, max_results=cfg.max_results)
    services: list[Resources] = list(state.resources.values())
    _fits_some_type(services, params)
    base = state.base_url(request)
    total = 0
    skip = params.start_index - 1
    wanted = params.count
    items: list[dict[str, Any]] = []
    for service in services:
        type_total, _ = service.query(Query(filter=params.filter, count=0, lenient=True))
        total += type_total
        if wanted <= 0 or skip >= type_total:
            skip = max(0, skip - type_total)
            continue
        _, docs = service.query(
            Query(
                filter=params.filter,
                sort_by=params.sort_by,
                descending=params.descending,
                start_index=skip + 1,
                count=wanted,
                lenient=True,
            )
        )
        skip = 0
        wanted -= len(docs)
        items.extend(render(d, service.rtype, base, params.attributes, params.excluded) for d in docs)
    check_too_many(request, params, total)
    return scim_response(list_response(items, total, params.start_index, with_resources=params.count > 0))


def root_router() -> Router:
    return Router(path="/", route_handlers=[root_search])
