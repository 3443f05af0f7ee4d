"""``POST /.search`` at the server root: one query over every resource type (RFC 7644 §3.4.3, §3.4.2.1).

A filter naming an attribute that one type lacks simply matches nothing of that type; only a
filter that fits no type at all is an ``invalidFilter``. Pages run over Users, then Groups; a
``sortBy`` orders within each type.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, post

from reference_server.errors import ScimError
from reference_server.handlers.params import list_params
from reference_server.handlers.resources import check_too_many, search_body
from reference_server.render import list_response, render
from reference_server.service import Resources
from reference_server.storage.base import Doc, Query
from reference_server.wire import read_json, scim_response


@post("/.search", status_code=200)
async def root_search(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    cfg = state.config
    params = list_params(
        search_body(await read_json(request)), default_count=cfg.default_count, max_results=cfg.max_results
    )
    services: list[Resources] = list(state.resources.values())
    base = state.base_url(request)
    total = 0
    skip = params.start_index - 1
    wanted = params.count
    items: list[dict[str, Any]] = []
    failures: list[ScimError] = []
    for service in services:
        try:
            type_total, _ = service.query(Query(filter=params.filter, count=0))
        except ScimError as exc:
            if exc.scim_type != "invalidFilter":
                raise
            failures.append(exc)
            continue
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
            )
        )
        skip = 0
        wanted -= len(docs)
        items.extend(_render_all(docs, service, base, params.attributes, params.excluded))
    if failures and len(failures) == len(services):
        raise failures[0]
    check_too_many(request, params, total)
    return scim_response(list_response(items, total, params.start_index, with_resources=params.count > 0))


def _render_all(
    docs: list[Doc], service: Resources, base: str, attributes: list[str] | None, excluded: list[str] | None
) -> list[dict[str, Any]]:
    return [render(d, service.rtype, base, attributes, excluded) for d in docs]


def root_router() -> Router:
    return Router(path="/", route_handlers=[root_search])
