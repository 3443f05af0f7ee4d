"""Stored documents → SCIM representations: ``meta.location``, ``$ref``s, and projection.

RFC 7643 §3.1: ``meta.location`` is the resource's URI and MUST equal the ``Location``/
``Content-Location`` header; ``meta.version`` equals the ``ETag`` (RFC 7644 §3.14).
"""

from __future__ import annotations

from typing import Any

from reference_server.projection import project
from reference_server.storage.base import Doc
from schemas import USER_TYPE, ResourceType, urns


def location(base_url: str, rtype: ResourceType, resource_id: str) -> str:
    return f"{base_url}{rtype.endpoint}/{resource_id}"


def render(
    doc: Doc,
    rtype: ResourceType,
    base_url: str,
    attributes: list[str] | None = None,
    excluded: list[str] | None = None,
) -> dict[str, Any]:
    """The representation of ``doc`` a client sees, projected per ``attributes``/``excludedAttributes``."""
    out = dict(doc)
    out["meta"] = {**doc["meta"], "location": location(base_url, rtype, doc["id"])}
    if rtype is USER_TYPE:
        if doc.get("groups"):
            out["groups"] = [{**g, "$ref": f"{base_url}/Groups/{g['value']}"} for g in doc["groups"]]
    elif doc.get("members"):
        out["members"] = [{**m, "$ref": f"{base_url}/Users/{m['value']}"} for m in doc["members"]]
    return project(out, rtype, attributes, excluded)


def list_response(
    resources: list[dict[str, Any]], total: int, start_index: int, *, with_resources: bool = True
) -> dict[str, Any]:
    """RFC 7644 §3.4.2: a ListResponse; ``Resources`` is left out only for a ``count=0`` page."""
    out: dict[str, Any] = {
        "schemas": [urns.LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": len(resources),
    }
    if with_resources:
        out["Resources"] = resources
    return out
