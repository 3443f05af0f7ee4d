"""The server's OpenAPI 3.1 document, written for SCIM bodies.

The handlers read raw bodies (to answer SCIM errors for bad JSON and media types), so Litestar
cannot infer their schemas; this document states them instead: request bodies as RFC 7643/7644
define them, every error as a SCIM Error (RFC 7644 §3.12). Schemathesis fuzzes the server from it
(``tests/reference_server/test_schemathesis.py``). Served at ``GET /scim/v2/openapi.json``.
"""

from __future__ import annotations

from typing import Any

from schemas import urns

JSON = "application/scim+json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref(name)}}}


def _answers(ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    out = dict(ok)
    for status in (400, 401, *errors):
        out[str(status)] = {"description": "SCIM Error", "content": {JSON: {"schema": _ref("Error")}}}
    return out


def _ok(status: int, name: str | None) -> dict[str, Any]:
    if name is None:
        return {str(status): {"description": "no content"}}
    return {str(status): {"description": name, "content": {JSON: {"schema": _ref(name)}}}}


_LIST_PARAMS = [
    {"name": "filter", "in": "query", "schema": {"type": "string"}},
    {"name": "startIndex", "in": "query", "schema": {"type": "integer"}},
    {"name": "count", "in": "query", "schema": {"type": "integer"}},
    {"name": "sortBy", "in": "query", "schema": {"type": "string"}},
    {"name": "sortOrder", "in": "query", "schema": {"type": "string", "enum": ["ascending", "descending"]}},
    {"name": "attributes", "in": "query", "schema": {"type": "string"}},
    {"name": "excludedAttributes", "in": "query", "schema": {"type": "string"}},
]
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
_PROJECTION = _LIST_PARAMS[-2:]

_MULTI = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "value": {"type": "string"},
            "type": {"type": "string"},
            "display": {"type": "string"},
            "primary": {"type": "boolean"},
        },
    },
}

COMPONENTS: dict[str, Any] = {
    "User": {
        "type": "object",
        "required": ["schemas", "userName"],
        "properties": {
            "schemas": {"type": "array", "minItems": 1, "items": {"enum": [urns.USER, urns.ENTERPRISE_USER]}},
            "userName": {"type": "string", "minLength": 1},
            "externalId": {"type": "string"},
            "displayName": {"type": "string"},
            "title": {"type": "string"},
            "active": {"type": "boolean"},
            "password": {"type": "string"},
            "name": {
                "type": "object",
                "properties": {k: {"type": "string"} for k in ("formatted", "familyName", "givenName")},
            },
            "emails": _MULTI,
            "phoneNumbers": _MULTI,
            urns.ENTERPRISE_USER: {
                "type": "object",
                "properties": {
                    "department": {"type": "string"},
                    "employeeNumber": {"type": "string"},
                    "manager": {"type": "object", "properties": {"value": {"type": "string"}}},
                },
            },
        },
    },
    "Group": {
        "type": "object",
        "required": ["schemas", "displayName"],
        "properties": {
            "schemas": {"type": "array", "minItems": 1, "items": {"const": urns.GROUP}},
            "displayName": {"type": "string", "minLength": 1},
            "externalId": {"type": "string"},
            "members": {
                "type": "array",
                "items": {"type": "object", "properties": {"value": {"type": "string"}}},
            },
        },
    },
    "PatchOp": {
        "type": "object",
        "required": ["schemas", "Operations"],
        "properties": {
            "schemas": {"type": "array", "items": {"const": urns.PATCH_OP}, "minItems": 1},
            "Operations": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["op"],
                    "properties": {
                        "op": {"enum": ["add", "remove", "replace", "Add", "Remove", "Replace"]},
                        "path": {"type": "string"},
                        "value": {},
                    },
                },
            },
        },
    },
    "SearchRequest": {
        "type": "object",
        "required": ["schemas"],
        "properties": {
            "schemas": {"type": "array", "items": {"const": urns.SEARCH_REQUEST}, "minItems": 1},
            "filter": {"type": "string"},
            "sortBy": {"type": "string"},
            "sortOrder": {"enum": ["ascending", "descending"]},
            "startIndex": {"type": "integer"},
            "count": {"type": "integer"},
            "attributes": {"type": "array", "items": {"type": "string"}},
            "excludedAttributes": {"type": "array", "items": {"type": "string"}},
        },
    },
    "BulkRequest": {
        "type": "object",
        "required": ["schemas", "Operations"],
        "properties": {
            "schemas": {"type": "array", "items": {"const": urns.BULK_REQUEST}, "minItems": 1},
            "failOnErrors": {"type": "integer", "minimum": 1},
            "Operations": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "items": {
                    "type": "object",
                    "required": ["method", "path"],
                    "properties": {
                        "method": {"enum": ["POST", "PUT", "PATCH", "DELETE"]},
                        "path": {"type": "string"},
                        "bulkId": {"type": "string"},
                        "data": {},
                    },
                },
            },
        },
    },
    "Resource": {"type": "object", "required": ["schemas", "id"]},
    "ListResponse": {
        "type": "object",
        "required": ["schemas", "totalResults"],
        "properties": {"totalResults": {"type": "integer", "minimum": 0}},
    },
    "BulkResponse": {"type": "object", "required": ["schemas", "Operations"]},
    "Error": {
        "type": "object",
        "required": ["schemas", "status"],
        "properties": {
            "schemas": {"type": "array", "items": {"const": urns.ERROR}},
            "status": {"type": "string", "pattern": "^[1-5][0-9][0-9]$"},
            "scimType": {"type": "string"},
            "detail": {"type": "string"},
        },
    },
}


def _resource_paths(endpoint: str, name: str) -> dict[str, Any]:
    return {
        endpoint: {
            "get": {"parameters": _LIST_PARAMS, "responses": _answers(_ok(200, "ListResponse"))},
            "post": {
                "parameters": _PROJECTION,
                "requestBody": _body(name),
                "responses": _answers(_ok(201, "Resource"), 409),
            },
        },
        f"{endpoint}/.search": {
            "post": {"requestBody": _body("SearchRequest"), "responses": _answers(_ok(200, "ListResponse"))}
        },
        f"{endpoint}/{{id}}": {
            "get": {"parameters": [_ID, *_PROJECTION], "responses": _answers(_ok(200, "Resource"), 404)},
            "put": {
                "parameters": [_ID, *_PROJECTION],
                "requestBody": _body(name),
                "responses": _answers(_ok(200, "Resource"), 404, 409, 412),
            },
            "patch": {
                "parameters": [_ID, *_PROJECTION],
                "requestBody": _body("PatchOp"),
                "responses": _answers(_ok(200, "Resource"), 404, 409, 412),
            },
            "delete": {"parameters": [_ID], "responses": _answers(_ok(204, None), 404, 412)},
        },
    }


def openapi_document(server_url: str = "/scim/v2") -> dict[str, Any]:
    """The OpenAPI 3.1 document of the SCIM API under ``server_url``."""
    discovery = {
        path: {"get": {"responses": _answers(_ok(200, schema), 403, 404)}}
        for path, schema in (
            ("/ServiceProviderConfig", "Resource"),
            ("/ResourceTypes", "ListResponse"),
            ("/Schemas", "ListResponse"),
        )
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "scim-harness reference server", "version": "1"},
        "servers": [{"url": server_url}],
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            **discovery,
            **_resource_paths("/Users", "User"),
            **_resource_paths("/Groups", "Group"),
            "/.search": {
                "post": {
                    "requestBody": _body("SearchRequest"),
                    "responses": _answers(_ok(200, "ListResponse")),
                }
            },
            "/Bulk": {
                "post": {
                    "requestBody": _body("BulkRequest"),
                    "responses": _answers(_ok(200, "BulkResponse"), 413),
                }
            },
        },
    }
