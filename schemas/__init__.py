"""SCIM schemas: attribute definitions (RFC 7643) and JSON Schema validators for SCIM messages."""

from __future__ import annotations

from schemas import urns
from schemas.checklist import REQUIREMENTS, Requirement, requirement, requirement_ids
from schemas.definitions import (
    ENTERPRISE_USER,
    GROUP,
    GROUP_TYPE,
    RESOURCE_SCHEMAS,
    RESOURCE_TYPES,
    USER,
    USER_TYPE,
    Attribute,
    AttrPath,
    ResourceSchema,
    ResourceType,
    common_attribute,
    schema_by_urn,
)
from schemas.validation import (
    RESOURCE_TYPE_NAMES,
    SCHEMA_NAMES,
    Violation,
    validate,
    validate_list_response,
    validate_resource,
    validator,
)

__all__ = [
    "ENTERPRISE_USER",
    "GROUP",
    "GROUP_TYPE",
    "REQUIREMENTS",
    "RESOURCE_SCHEMAS",
    "RESOURCE_TYPES",
    "RESOURCE_TYPE_NAMES",
    "SCHEMA_NAMES",
    "USER",
    "USER_TYPE",
    "AttrPath",
    "Attribute",
    "Requirement",
    "ResourceSchema",
    "ResourceType",
    "Violation",
    "common_attribute",
    "requirement",
    "requirement_ids",
    "schema_by_urn",
    "urns",
    "validate",
    "validate_list_response",
    "validate_resource",
    "validator",
]
