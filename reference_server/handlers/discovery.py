"""Discovery endpoints: ``/ServiceProviderConfig``, ``/ResourceTypes``, ``/Schemas`` (RFC 7644 §4).

Their claims are exactly what this server does. RFC 7644 §4: filtering, sorting and paging
parameters SHALL be ignored here, and a ``filter`` SHOULD be answered with 403.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get

from reference_server.config import ServerConfig
from reference_server.errors import ScimError, not_found
from reference_server.handlers.bulk import MAX_OPERATIONS
from reference_server.handlers.params import lookup
from reference_server.openapi import openapi_document
from reference_server.render import list_response
from reference_server.wire import scim_response
from schemas import RESOURCE_SCHEMAS, RESOURCE_TYPES, urns


def service_provider_config(config: ServerConfig, base_url: str) -> dict[str, Any]:
    """RFC 7643 §5: every sub-attribute is REQUIRED; each claim is backed by a test."""
    return {
        "schemas": [urns.SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://www.rfc-editor.org/rfc/rfc7644",
        "patch": {"supported": True},
        "bulk": {"supported": True, "maxOperations": MAX_OPERATIONS, "maxPayloadSize": config.max_body_bytes},
        "filter": {"supported": True, "maxResults": config.max_results},
        "changePassword": {"supported": False},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication with a bearer token (RFC 6750)",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    }


def _no_filter(request: Request[Any, Any, Any]) -> None:
    if lookup(request.query_params, "filter") is not None:
        raise ScimError(403, "filtering is not supported on discovery endpoints (RFC 7644 §4)")


def _base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.app.state.base_url(request))


@get("/ServiceProviderConfig")
async def get_service_provider_config(request: Request[Any, Any, Any]) -> Response[bytes]:
    _no_filter(request)
    return scim_response(service_provider_config(request.app.state.config, _base_url(request)))


@get("/ResourceTypes")
async def list_resource_types(request: Request[Any, Any, Any]) -> Response[bytes]:
    _no_filter(request)
    base = _base_url(request)
    items = [t.to_scim(f"{base}/ResourceTypes/{t.name}") for t in RESOURCE_TYPES]
    return scim_response(list_response(items, len(items), 1))


@get("/ResourceTypes/{name:str}")
async def get_resource_type(request: Request[Any, Any, Any]) -> Response[bytes]:
    name = request.path_params["name"]
    found = next((t for t in RESOURCE_TYPES if t.name.lower() == name.lower()), None)
    if found is None:
        raise not_found(f"no resource type {name!r}")
    return scim_response(found.to_scim(f"{_base_url(request)}/ResourceTypes/{found.name}"))


@get("/Schemas")
async def list_schemas(request: Request[Any, Any, Any]) -> Response[bytes]:
    _no_filter(request)
    base = _base_url(request)
    items = [s.to_scim(f"{base}/Schemas/{s.id}") for s in RESOURCE_SCHEMAS]
    return scim_response(list_response(items, len(items), 1))


@get("/Schemas/{urn:str}")
async def get_schema(request: Request[Any, Any, Any]) -> Response[bytes]:
    urn = request.path_params["urn"]
    found = next((s for s in RESOURCE_SCHEMAS if s.id.lower() == urn.lower()), None)
    if found is None:
        raise not_found(f"no schema {urn!r}")
    return scim_response(found.to_scim(f"{_base_url(request)}/Schemas/{found.id}"))


@get("/openapi.json")
async def get_openapi(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The OpenAPI document of this API (see :mod:`reference_server.openapi`)."""
    return scim_response(openapi_document(_base_url(request)))


def discovery_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            get_service_provider_config,
            list_resource_types,
            get_resource_type,
            list_schemas,
            get_schema,
            get_openapi,
        ],
    )
