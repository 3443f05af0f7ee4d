"""The SCIM JSON Schemas and their loader: RFC examples pass, each RFC violation fails where it should.

Invalid samples are valid samples with one defect, and the assertions name the exact set of
(pointer, rule) findings, so a schema that stops catching a defect, or starts flagging a valid
neighbour, fails here.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from schemas import RESOURCE_SCHEMAS, RESOURCE_TYPES, urns
from schemas.validation import (
    BASE_URI,
    RESOURCE_TYPE_NAMES,
    SCHEMA_NAMES,
    Violation,
    _pointer,
    _registry,
    validate,
    validate_list_response,
    validate_resource,
    validator,
)

USER_ID = "2819c223-7f76-453a-919d-413861904646"
META = {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": 'W/"3694e05e9dff590"',
    "location": f"https://example.com/v2/Users/{USER_ID}",
}

# RFC 7643 §8.1
MINIMAL_USER: dict[str, Any] = {
    "schemas": [urns.USER],
    "id": USER_ID,
    "userName": "bjensen@example.com",
    "meta": META,
}

# RFC 7643 §8.2 (the certificate value shortened, still base64)
FULL_USER: dict[str, Any] = {
    "schemas": [urns.USER],
    "id": USER_ID,
    "externalId": "701984",
    "userName": "bjensen@example.com",
    "name": {
        "formatted": "Ms. Barbara J Jensen, III",
        "familyName": "Jensen",
        "givenName": "Barbara",
        "middleName": "Jane",
        "honorificPrefix": "Ms.",
        "honorificSuffix": "III",
    },
    "displayName": "Babs Jensen",
    "nickName": "Babs",
    "profileUrl": "https://login.example.com/bjensen",
    "emails": [
        {"value": "bjensen@example.com", "type": "work", "primary": True},
        {"value": "babs@jensen.org", "type": "home"},
    ],
    "addresses": [
        {
            "type": "work",
            "streetAddress": "100 Universal City Plaza",
            "locality": "Hollywood",
            "region": "CA",
            "postalCode": "91608",
            "country": "USA",
            "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
            "primary": True,
        },
        {
            "type": "home",
            "streetAddress": "456 Hollywood Blvd",
            "locality": "Hollywood",
            "region": "CA",
            "postalCode": "91608",
            "country": "USA",
            "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 USA",
        },
    ],
    "phoneNumbers": [
        {"value": "555-555-5555", "type": "work"},
        {"value": "555-555-4444", "type": "mobile"},
    ],
    "ims": [{"value": "someaimhandle", "type": "aim"}],
    "photos": [
        {"value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo"},
        {"value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail"},
    ],
    "userType": "Employee",
    "title": "Tour Guide",
    "preferredLanguage": "en-US",
    "locale": "en-US",
    "timezone": "America/Los_Angeles",
    "active": True,
    "password": "t1meMa$heen",
    "groups": [
        {
            "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
            "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
            "display": "Tour Guides",
        },
        {
            "value": "fc348aa8-3835-40eb-a20b-c726e15c55b5",
            "$ref": "https://example.com/v2/Groups/fc348aa8-3835-40eb-a20b-c726e15c55b5",
            "display": "Employees",
        },
    ],
    "x509Certificates": [{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}],
    "meta": META,
}

ENTERPRISE_PART: dict[str, Any] = {
    "employeeNumber": "701984",
    "costCenter": "4130",
    "organization": "Universal Studios",
    "division": "Theme Park",
    "department": "Tour Operations",
    "manager": {
        "value": "26118915-6090-4610-87e4-49d8ca9f808d",
        "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
        "displayName": "John Smith",
    },
}

# RFC 7643 §8.3
ENTERPRISE_USER: dict[str, Any] = {
    **FULL_USER,
    "schemas": [urns.USER, urns.ENTERPRISE_USER],
    urns.ENTERPRISE_USER: ENTERPRISE_PART,
}

# RFC 7643 §8.4
GROUP: dict[str, Any] = {
    "schemas": [urns.GROUP],
    "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
    "displayName": "Tour Guides",
    "members": [
        {
            "value": USER_ID,
            "$ref": f"https://example.com/v2/Users/{USER_ID}",
            "display": "Babs Jensen",
        },
        {
            "value": "902c246b-6245-4190-8e05-00816be7344a",
            "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
            "display": "Mandy Pepperidge",
            "type": "User",
        },
    ],
    "meta": {
        **META,
        "resourceType": "Group",
        "location": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
    },
}

# RFC 7643 §8.5
SPC: dict[str, Any] = {
    "schemas": [urns.SERVICE_PROVIDER_CONFIG],
    "documentationUri": "http://example.com/help/scim.html",
    "patch": {"supported": True},
    "bulk": {"supported": True, "maxOperations": 1000, "maxPayloadSize": 1048576},
    "filter": {"supported": True, "maxResults": 200},
    "changePassword": {"supported": True},
    "sort": {"supported": True},
    "etag": {"supported": True},
    "authenticationSchemes": [
        {
            "name": "OAuth Bearer Token",
            "description": "Authentication scheme using the OAuth Bearer Token Standard",
            "specUri": "http://www.rfc-editor.org/info/rfc6750",
            "documentationUri": "http://example.com/help/oauth.html",
            "type": "oauthbearertoken",
            "primary": True,
        },
        {
            "name": "HTTP Basic",
            "description": "Authentication scheme using the HTTP Basic Standard",
            "specUri": "http://www.rfc-editor.org/info/rfc2617",
            "documentationUri": "http://example.com/help/httpBasic.html",
            "type": "httpbasic",
        },
    ],
    "meta": {
        "location": "https://example.com/v2/ServiceProviderConfig",
        "resourceType": "ServiceProviderConfig",
        "created": "2010-01-23T04:56:22Z",
        "lastModified": "2011-05-13T04:42:34Z",
        "version": 'W/"3694e05e9dff594"',
    },
}

# RFC 7643 §8.6
USER_RESOURCE_TYPE: dict[str, Any] = {
    "schemas": [urns.RESOURCE_TYPE],
    "id": "User",
    "name": "User",
    "endpoint": "/Users",
    "description": "User Account",
    "schema": urns.USER,
    "schemaExtensions": [{"schema": urns.ENTERPRISE_USER, "required": True}],
    "meta": {"location": "https://example.com/v2/ResourceTypes/User", "resourceType": "ResourceType"},
}
GROUP_RESOURCE_TYPE: dict[str, Any] = {
    "schemas": [urns.RESOURCE_TYPE],
    "id": "Group",
    "name": "Group",
    "endpoint": "/Groups",
    "description": "Group",
    "schema": urns.GROUP,
    "meta": {"location": "https://example.com/v2/ResourceTypes/Group", "resourceType": "ResourceType"},
}

# RFC 7643 §8.7.1, cut down to two attributes, with the "schemas" every resource carries (§3).
GROUP_SCHEMA: dict[str, Any] = {
    "schemas": [urns.SCHEMA],
    "id": urns.GROUP,
    "name": "Group",
    "description": "Group",
    "attributes": [
        {
            "name": "displayName",
            "type": "string",
            "multiValued": False,
            "description": "A human-readable name for the Group. REQUIRED.",
            "required": False,
            "caseExact": False,
            "mutability": "readWrite",
            "returned": "default",
            "uniqueness": "none",
        },
        {
            "name": "members",
            "type": "complex",
            "multiValued": True,
            "description": "A list of members of the Group.",
            "required": False,
            "subAttributes": [
                {
                    "name": "value",
                    "type": "string",
                    "multiValued": False,
                    "description": "Identifier of the member of this Group.",
                    "required": False,
                    "caseExact": False,
                    "mutability": "immutable",
                    "returned": "default",
                    "uniqueness": "none",
                },
                {
                    "name": "$ref",
                    "type": "reference",
                    "referenceTypes": ["User", "Group"],
                    "multiValued": False,
                    "description": "The URI corresponding to a SCIM resource that is a member of this Group.",
                    "required": False,
                    "caseExact": False,
                    "mutability": "immutable",
                    "returned": "default",
                    "uniqueness": "none",
                },
                {
                    "name": "type",
                    "type": "string",
                    "multiValued": False,
                    "description": "A label indicating the type of resource, e.g., 'User' or 'Group'.",
                    "required": False,
                    "caseExact": False,
                    "canonicalValues": ["User", "Group"],
                    "mutability": "immutable",
                    "returned": "default",
                    "uniqueness": "none",
                },
            ],
            "mutability": "readWrite",
            "returned": "default",
        },
    ],
    "meta": {
        "resourceType": "Schema",
        "location": "/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
    },
}

# RFC 7644 §3.4.2 (with the "schemas" RFC 7643 §3 requires of every representation)
LIST_RESPONSE: dict[str, Any] = {
    "schemas": [urns.LIST_RESPONSE],
    "totalResults": 2,
    "Resources": [
        {"schemas": [urns.USER], "id": USER_ID, "userName": "bjensen"},
        {"schemas": [urns.USER], "id": "c75ad752-64ae-4823-840d-ffa80929976c", "userName": "jsmith"},
    ],
}
PAGED_LIST_RESPONSE: dict[str, Any] = {
    "schemas": [urns.LIST_RESPONSE],
    "totalResults": 100,
    "itemsPerPage": 1,
    "startIndex": 1,
    "Resources": [MINIMAL_USER],
}

# RFC 7644 §3.5.2 and its subsections
PATCH_ADD_MEMBER: dict[str, Any] = {
    "schemas": [urns.PATCH_OP],
    "Operations": [
        {
            "op": "add",
            "path": "members",
            "value": [
                {
                    "display": "Babs Jensen",
                    "$ref": f"https://example.com/v2/Users/{USER_ID}",
                    "value": USER_ID,
                }
            ],
        }
    ],
}
PATCH_MIXED: dict[str, Any] = {
    "schemas": [urns.PATCH_OP],
    "Operations": [
        {
            "op": "add",
            "value": {"emails": [{"value": "babs@jensen.org", "type": "home"}], "nickname": "Babs"},
        },
        {"op": "remove", "path": f'members[value eq "{USER_ID}"]'},
        {"op": "remove", "path": "members"},
        {
            "op": "replace",
            "path": 'addresses[type eq "work"]',
            "value": {"type": "work", "streetAddress": "911 Universal City Plaza", "primary": True},
        },
        {
            "op": "replace",
            "path": 'emails[type eq "work" and value ew "example.com"].value',
            "value": "x@y.com",
        },
        {"op": "replace", "value": {"emails": [{"value": "bjensen@example.com", "type": "work"}]}},
    ],
}
# What Microsoft Entra sends: capitalised op, string boolean value, a value on remove.
PATCH_ENTRA: dict[str, Any] = {
    "schemas": [urns.PATCH_OP],
    "Operations": [
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "members", "value": [{"value": USER_ID}]},
        {"op": "Remove", "path": "members", "value": [{"value": USER_ID}]},
    ],
}

# RFC 7644 §3.12
ERROR_NOT_FOUND: dict[str, Any] = {
    "schemas": [urns.ERROR],
    "detail": f"Resource {USER_ID} not found",
    "status": "404",
}
ERROR_MUTABILITY: dict[str, Any] = {
    "schemas": [urns.ERROR],
    "scimType": "mutability",
    "detail": "Attribute 'id' is readOnly",
    "status": "400",
}

# RFC 7644 §3.4.3
SEARCH_REQUEST: dict[str, Any] = {
    "schemas": [urns.SEARCH_REQUEST],
    "attributes": ["displayName", "userName"],
    "filter": 'displayName sw "smith"',
    "startIndex": 1,
    "count": 10,
}


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _step(node: Any, token: str) -> Any:
    return node[int(token)] if isinstance(node, list) else node[token]


def changed(doc: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with the value at ``pointer`` set (or appended with "-")."""
    out = copy.deepcopy(doc)
    *parents, last = _tokens(pointer)
    node: Any = out
    for token in parents:
        node = _step(node, token)
    if isinstance(node, list):
        if last == "-":
            node.append(value)
        else:
            node[int(last)] = value
    else:
        node[last] = value
    return out


def without(doc: dict[str, Any], pointer: str) -> dict[str, Any]:
    """A deep copy of ``doc`` with the member at ``pointer`` removed."""
    out = copy.deepcopy(doc)
    *parents, last = _tokens(pointer)
    node: Any = out
    for token in parents:
        node = _step(node, token)
    del node[int(last) if isinstance(node, list) else last]
    return out


PAGE_WITHOUT_RESOURCES = without(PAGED_LIST_RESPONSE, "/Resources")
DEEP = {"name": "deep", "type": "string", "multiValued": False}


def found(violations: list[Violation]) -> set[tuple[str, str]]:
    return {(v.pointer, v.rule) for v in violations}


VALID = [
    pytest.param("User", MINIMAL_USER, id="User-rfc7643-8.1-minimal"),
    pytest.param("User", FULL_USER, id="User-rfc7643-8.2-full"),
    pytest.param("User", ENTERPRISE_USER, id="User-rfc7643-8.3-enterprise"),
    pytest.param("User", {"schemas": [urns.USER], "userName": "alice"}, id="User-create-request-no-id"),
    pytest.param(
        "User",
        {**MINIMAL_USER, "displayName": None, "emails": None, "active": None, "name": None},
        id="User-null-is-unassigned",
    ),
    pytest.param("User", {**MINIMAL_USER, "emails": []}, id="User-empty-multivalued"),
    pytest.param(
        "User",
        {**MINIMAL_USER, "x-vendor": {"anything": [1, "two"]}, "urn:example:ext:1.0": {"a": 1}},
        id="User-unknown-attributes-allowed",
    ),
    pytest.param(
        "User",
        {**MINIMAL_USER, "meta": {**META, "created": "2010-01-23T04:56:22.123+02:00"}},
        id="User-datetime-offset-and-fraction",
    ),
    pytest.param("EnterpriseUser", ENTERPRISE_PART, id="EnterpriseUser-rfc7643-8.3"),
    pytest.param("EnterpriseUser", {}, id="EnterpriseUser-empty"),
    pytest.param("Group", GROUP, id="Group-rfc7643-8.4"),
    pytest.param("Group", {"schemas": [urns.GROUP], "displayName": "Empty"}, id="Group-no-members"),
    pytest.param(
        "Group",
        {**GROUP, "members": [{"value": "g1", "type": "Group"}]},
        id="Group-nested-group-member",
    ),
    pytest.param("ListResponse", LIST_RESPONSE, id="ListResponse-rfc7644-3.4.2"),
    pytest.param("ListResponse", PAGED_LIST_RESPONSE, id="ListResponse-paged"),
    pytest.param(
        "ListResponse",
        {"schemas": [urns.LIST_RESPONSE], "totalResults": 0},
        id="ListResponse-no-matches",
    ),
    pytest.param(
        "ListResponse",
        {
            "schemas": [urns.LIST_RESPONSE],
            "totalResults": 0,
            "Resources": [],
            "startIndex": 1,
            "itemsPerPage": 0,
        },
        id="ListResponse-no-matches-empty-resources",
    ),
    pytest.param(
        "ListResponse",
        {"schemas": [urns.LIST_RESPONSE], "totalResults": 7, "startIndex": 1, "itemsPerPage": 0},
        id="ListResponse-count-0-page",
    ),
    pytest.param(
        "ListResponse",
        {
            "schemas": [urns.LIST_RESPONSE],
            "totalResults": 1,
            "Resources": [without(GROUP_RESOURCE_TYPE, "/id")],
        },
        id="ListResponse-resource-type-without-id",
    ),
    pytest.param("PatchOp", PATCH_ADD_MEMBER, id="PatchOp-rfc7644-3.5.2.1-add-members"),
    pytest.param("PatchOp", PATCH_MIXED, id="PatchOp-rfc7644-3.5.2-add-remove-replace"),
    pytest.param("PatchOp", PATCH_ENTRA, id="PatchOp-entra-capitalised-op"),
    pytest.param("Error", ERROR_NOT_FOUND, id="Error-rfc7644-3.12-404"),
    pytest.param("Error", ERROR_MUTABILITY, id="Error-rfc7644-3.12-mutability"),
    pytest.param(
        "Error",
        {"schemas": [urns.ERROR], "status": "409", "scimType": "uniqueness"},
        id="Error-409-uniqueness",
    ),
    pytest.param("SearchRequest", SEARCH_REQUEST, id="SearchRequest-rfc7644-3.4.3"),
    pytest.param(
        "SearchRequest",
        {
            "schemas": [urns.SEARCH_REQUEST],
            "excludedAttributes": ["emails"],
            "sortBy": "userName",
            "sortOrder": "descending",
            "startIndex": 0,
            "count": -1,
        },
        id="SearchRequest-out-of-range-paging-is-tolerated",
    ),
    pytest.param("SearchRequest", {"schemas": [urns.SEARCH_REQUEST]}, id="SearchRequest-empty"),
    pytest.param("ServiceProviderConfig", SPC, id="ServiceProviderConfig-rfc7643-8.5"),
    pytest.param(
        "ServiceProviderConfig",
        changed(SPC, "/bulk", {"supported": False, "maxOperations": 0, "maxPayloadSize": 0}),
        id="ServiceProviderConfig-bulk-unsupported",
    ),
    pytest.param("ResourceType", USER_RESOURCE_TYPE, id="ResourceType-rfc7643-8.6-User"),
    pytest.param("ResourceType", GROUP_RESOURCE_TYPE, id="ResourceType-rfc7643-8.6-Group"),
    pytest.param("ResourceType", without(GROUP_RESOURCE_TYPE, "/id"), id="ResourceType-id-optional"),
    pytest.param("Schema", GROUP_SCHEMA, id="Schema-rfc7643-8.7.1-Group"),
    pytest.param(
        "Schema",
        changed(GROUP_SCHEMA, "/attributes/0/type", "binary"),
        id="Schema-binary-type",
    ),
]


@pytest.mark.parametrize(("name", "instance"), VALID)
def test_valid_samples_pass(name: str, instance: dict[str, Any]) -> None:
    assert validate(name, instance) == []


DELETE = object()
"""Marks a member to remove rather than to change."""

Findings = str | set[tuple[str, str]]
"""A rule name: one finding, at the changed pointer. A set: exactly these (pointer, rule) findings."""

# Per schema: (id, valid sample, pointer to change, new value or DELETE, the findings)
INVALID_ROWS: dict[str, list[tuple[str, dict[str, Any], str, Any, Findings]]] = {
    # RFC 7643 §3, §4.1, §2.3, §2.4
    "User": [
        ("missing-schemas", MINIMAL_USER, "/schemas", DELETE, {("", "required")}),
        ("empty-schemas", MINIMAL_USER, "/schemas", [], {("/schemas", "minItems"), ("/schemas", "contains")}),
        ("duplicate-schemas", MINIMAL_USER, "/schemas", [urns.USER] * 2, "uniqueItems"),
        ("schemas-not-array", MINIMAL_USER, "/schemas", urns.USER, "type"),
        (
            "schemas-not-uri",
            MINIMAL_USER,
            "/schemas",
            ["User"],
            {("/schemas/0", "format"), ("/schemas", "contains")},
        ),
        ("schemas-without-user-urn", MINIMAL_USER, "/schemas", [urns.GROUP], "contains"),
        ("missing-userName", MINIMAL_USER, "/userName", DELETE, {("", "required")}),
        ("empty-userName", MINIMAL_USER, "/userName", "", "minLength"),
        ("null-userName", MINIMAL_USER, "/userName", None, "type"),
        ("numeric-id", MINIMAL_USER, "/id", 42, "type"),
        ("id-reserved-bulkId", MINIMAL_USER, "/id", "bulkId", "not"),
        ("active-string-True", FULL_USER, "/active", "True", "type"),
        ("active-integer", FULL_USER, "/active", 1, "type"),
        ("email-primary-string", FULL_USER, "/emails/0/primary", "true", "type"),
        ("two-primary-emails", FULL_USER, "/emails/1/primary", True, {("/emails", "not")}),
        ("two-primary-addresses", FULL_USER, "/addresses/1/primary", True, {("/addresses", "not")}),
        ("email-value-number", FULL_USER, "/emails/0/value", 7, "type"),
        ("emails-not-array", FULL_USER, "/emails", {"value": "a@b.c"}, "type"),
        ("name-not-complex", FULL_USER, "/name", "Barbara", "type"),
        ("created-not-datetime", FULL_USER, "/meta/created", "2010-01-23 04:56:22", "format"),
        ("lastModified-no-offset", FULL_USER, "/meta/lastModified", "2011-05-13T04:42:34", "format"),
        ("created-impossible-date", FULL_USER, "/meta/created", "2011-13-45T04:42:34Z", "format"),
        ("location-bad-uri", FULL_USER, "/meta/location", "https://example.com/v2/Users/a b", "format"),
        ("profileUrl-not-absolute", FULL_USER, "/profileUrl", "login.example.com/bjensen", "format"),
        ("photo-bad-uri", FULL_USER, "/photos/0/value", "not a uri", "format"),
        ("group-ref-bad-uri", FULL_USER, "/groups/0/$ref", "https://x/Groups/{id}", "format"),
        ("certificate-not-base64", FULL_USER, "/x509Certificates/0/value", "not base64!", "pattern"),
        # RFC 7643 §3, §4.3: the extension is validated in place and listed in schemas
        ("enterprise-not-in-schemas", ENTERPRISE_USER, "/schemas", [urns.USER], "contains"),
        ("enterprise-manager-as-string", ENTERPRISE_USER, f"/{urns.ENTERPRISE_USER}/manager", "2611", "type"),
    ],
    # RFC 7643 §4.3
    "EnterpriseUser": [
        ("numeric-employeeNumber", ENTERPRISE_PART, "/employeeNumber", 701984, "type"),
        ("manager-value-array", ENTERPRISE_PART, "/manager/value", ["x"], "type"),
        ("manager-ref-bad-uri", ENTERPRISE_PART, "/manager/$ref", "../Users/{id}", "format"),
    ],
    # RFC 7643 §4.2
    "Group": [
        ("missing-displayName", GROUP, "/displayName", DELETE, {("", "required")}),
        ("empty-displayName", GROUP, "/displayName", "", "minLength"),
        ("user-urn", GROUP, "/schemas", [urns.USER], "contains"),
        ("member-value-number", GROUP, "/members/0/value", 12, "type"),
        ("member-type-lowercase", GROUP, "/members/1/type", "user", "enum"),
        ("member-type-unknown", GROUP, "/members/1/type", "Device", "enum"),
        ("members-not-array", GROUP, "/members", {"value": USER_ID}, "type"),
    ],
    # RFC 7644 §3.4.2
    "ListResponse": [
        ("missing-totalResults", LIST_RESPONSE, "/totalResults", DELETE, {("", "required")}),
        ("negative-totalResults", LIST_RESPONSE, "/totalResults", -1, "minimum"),
        ("totalResults-string", LIST_RESPONSE, "/totalResults", "2", "type"),
        ("missing-Resources-when-totalResults-2", LIST_RESPONSE, "/Resources", DELETE, {("", "required")}),
        ("missing-Resources-full-page", PAGE_WITHOUT_RESOURCES, "/itemsPerPage", 10, {("", "required")}),
        ("startIndex-0", PAGED_LIST_RESPONSE, "/startIndex", 0, "minimum"),
        ("negative-itemsPerPage", PAGED_LIST_RESPONSE, "/itemsPerPage", -1, "minimum"),
        ("wrong-urn", LIST_RESPONSE, "/schemas", [urns.USER], "contains"),
        ("resource-without-id", LIST_RESPONSE, "/Resources/1/id", DELETE, {("/Resources/1", "required")}),
        (
            "resource-without-schemas",
            LIST_RESPONSE,
            "/Resources/0/schemas",
            DELETE,
            {("/Resources/0", "required")},
        ),
        ("Resources-not-array", LIST_RESPONSE, "/Resources", {"id": "x"}, "type"),
    ],
    # RFC 7644 §3.5.2
    "PatchOp": [
        ("empty-Operations", PATCH_ADD_MEMBER, "/Operations", [], "minItems"),
        ("missing-Operations", PATCH_ADD_MEMBER, "/Operations", DELETE, {("", "required")}),
        (
            "add-without-value",
            PATCH_ADD_MEMBER,
            "/Operations/0/value",
            DELETE,
            {("/Operations/0", "required")},
        ),
        ("unknown-op-move", PATCH_ADD_MEMBER, "/Operations/0/op", "move", "pattern"),
        ("op-trailing-space", PATCH_ADD_MEMBER, "/Operations/0/op", "add ", "pattern"),
        ("missing-op", PATCH_ADD_MEMBER, "/Operations/0/op", DELETE, {("/Operations/0", "required")}),
        ("path-not-string", PATCH_ADD_MEMBER, "/Operations/0/path", 5, "type"),
        ("remove-without-path", PATCH_MIXED, "/Operations/2", {"op": "remove"}, "required"),
        ("pathless-replace-value-not-object", PATCH_MIXED, "/Operations/5/value", "Babs", "type"),
        ("wrong-urn", PATCH_ADD_MEMBER, "/schemas", [urns.SEARCH_REQUEST], "contains"),
    ],
    # RFC 7644 §3.12
    "Error": [
        ("status-number", ERROR_NOT_FOUND, "/status", 404, "type"),
        ("status-text", ERROR_NOT_FOUND, "/status", "Not Found", "pattern"),
        ("status-four-digits", ERROR_NOT_FOUND, "/status", "4040", "pattern"),
        ("status-success-code", ERROR_NOT_FOUND, "/status", "200", "pattern"),
        ("missing-status", ERROR_NOT_FOUND, "/status", DELETE, {("", "required")}),
        ("unknown-scimType", ERROR_MUTABILITY, "/scimType", "invalidAttribute", "enum"),
        ("scimType-wrong-case", ERROR_MUTABILITY, "/scimType", "Mutability", "enum"),
        ("missing-schemas", ERROR_NOT_FOUND, "/schemas", DELETE, {("", "required")}),
        ("detail-array", ERROR_NOT_FOUND, "/detail", ["a"], "type"),
    ],
    # RFC 7644 §3.4.3
    "SearchRequest": [
        ("attributes-comma-string", SEARCH_REQUEST, "/attributes", "displayName,userName", "type"),
        ("sortOrder-asc", SEARCH_REQUEST, "/sortOrder", "asc", "enum"),
        ("count-string", SEARCH_REQUEST, "/count", "10", "type"),
        ("startIndex-fraction", SEARCH_REQUEST, "/startIndex", 1.5, "type"),
        ("filter-object", SEARCH_REQUEST, "/filter", {"eq": 1}, "type"),
        ("missing-schemas", SEARCH_REQUEST, "/schemas", DELETE, {("", "required")}),
    ],
    # RFC 7643 §5
    "ServiceProviderConfig": [
        ("missing-etag", SPC, "/etag", DELETE, {("", "required")}),
        ("patch-supported-string", SPC, "/patch/supported", "true", "type"),
        ("bulk-missing-maxOperations", SPC, "/bulk/maxOperations", DELETE, {("/bulk", "required")}),
        ("filter-missing-maxResults", SPC, "/filter/maxResults", DELETE, {("/filter", "required")}),
        ("maxResults-string", SPC, "/filter/maxResults", "200", "type"),
        ("auth-scheme-missing-type", SPC, "/authenticationSchemes/0/type", DELETE, "required"),
        ("auth-scheme-specUri-relative", SPC, "/authenticationSchemes/0/specUri", "rfc6750", "format"),
        (
            "two-primary-auth-schemes",
            SPC,
            "/authenticationSchemes/1/primary",
            True,
            {("/authenticationSchemes", "not")},
        ),
        ("documentationUri-bad-uri", SPC, "/documentationUri", "http://exa mple.com/", "format"),
        ("wrong-urn", SPC, "/schemas", [urns.SCHEMA], "contains"),
    ],
    # RFC 7643 §6
    "ResourceType": [
        ("missing-endpoint", USER_RESOURCE_TYPE, "/endpoint", DELETE, {("", "required")}),
        ("missing-schema", USER_RESOURCE_TYPE, "/schema", DELETE, {("", "required")}),
        ("schema-not-uri", USER_RESOURCE_TYPE, "/schema", "User", "format"),
        ("extension-required-string", USER_RESOURCE_TYPE, "/schemaExtensions/0/required", "false", "type"),
        (
            "extension-missing-required",
            USER_RESOURCE_TYPE,
            "/schemaExtensions/0/required",
            DELETE,
            "required",
        ),
        ("endpoint-bad-uri-reference", USER_RESOURCE_TYPE, "/endpoint", "/Us ers", "format"),
    ],
    # RFC 7643 §7, §2.2, §2.3.8
    "Schema": [
        ("missing-attributes", GROUP_SCHEMA, "/attributes", DELETE, {("", "required")}),
        ("id-not-uri", GROUP_SCHEMA, "/id", "Group", "format"),
        ("multiValued-string", GROUP_SCHEMA, "/attributes/0/multiValued", "false", "type"),
        ("attribute-missing-multiValued", GROUP_SCHEMA, "/attributes/0/multiValued", DELETE, "required"),
        ("unknown-type", GROUP_SCHEMA, "/attributes/0/type", "text", "enum"),
        ("mutability-wrong-case", GROUP_SCHEMA, "/attributes/0/mutability", "readonly", "enum"),
        ("unknown-returned", GROUP_SCHEMA, "/attributes/0/returned", "sometimes", "enum"),
        ("unknown-uniqueness", GROUP_SCHEMA, "/attributes/0/uniqueness", "client", "enum"),
        ("complex-sub-attribute", GROUP_SCHEMA, "/attributes/1/subAttributes/0/type", "complex", "not"),
        (
            "nested-sub-attributes",
            GROUP_SCHEMA,
            "/attributes/1/subAttributes/0/subAttributes",
            [DEEP],
            "maxItems",
        ),
        ("wrong-urn", GROUP_SCHEMA, "/schemas", [urns.RESOURCE_TYPE], "contains"),
    ],
}


def _findings(pointer: str, value: Any, expected: Findings) -> set[tuple[str, str]]:
    if isinstance(expected, set):
        return expected
    # A removed member is reported on the object that lacks it.
    return {(pointer.rsplit("/", 1)[0] if value is DELETE else pointer, expected)}


INVALID = [
    pytest.param(
        name,
        without(base, pointer) if value is DELETE else changed(base, pointer, value),
        _findings(pointer, value, expected),
        id=f"{name}-{case_id}",
    )
    for name, rows in INVALID_ROWS.items()
    for case_id, base, pointer, value, expected in rows
]


@pytest.mark.parametrize(("name", "instance", "expected"), INVALID)
def test_invalid_samples_fail_where_expected(
    name: str, instance: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    violations = validate(name, instance)
    assert found(violations) == expected
    assert all(v.message for v in violations)


def test_every_schema_is_tested_both_ways() -> None:
    valid_names = {p.values[0] for p in VALID}
    invalid_names = {p.values[0] for p in INVALID}
    assert valid_names == set(SCHEMA_NAMES)
    assert invalid_names == set(SCHEMA_NAMES)


# --- the project's own definitions, as served by /Schemas and /ResourceTypes


@pytest.mark.parametrize("schema", RESOURCE_SCHEMAS, ids=lambda s: s.name)
@pytest.mark.parametrize(
    "location", [None, "https://example.com/v2/Schemas/x"], ids=["no-location", "location"]
)
def test_definitions_render_valid_schema_resources(schema: Any, location: str | None) -> None:
    assert validate("Schema", schema.to_scim(location)) == []


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize(
    "location", [None, "https://example.com/v2/ResourceTypes/x"], ids=["no-location", "location"]
)
def test_definitions_render_valid_resource_types(resource_type: Any, location: str | None) -> None:
    assert validate("ResourceType", resource_type.to_scim(location)) == []


def test_definitions_list_responses_validate() -> None:
    schemas_body = {
        "schemas": [urns.LIST_RESPONSE],
        "totalResults": len(RESOURCE_SCHEMAS),
        "Resources": [s.to_scim() for s in RESOURCE_SCHEMAS],
    }
    types_body = {
        "schemas": [urns.LIST_RESPONSE],
        "totalResults": len(RESOURCE_TYPES),
        "Resources": [t.to_scim() for t in RESOURCE_TYPES],
    }
    assert validate_list_response(schemas_body, "Schema") == []
    assert validate_list_response(types_body, "ResourceType") == []


# --- the loader


def test_schema_files_are_the_names_plus_shared_definitions() -> None:
    folder = resources.files("schemas").joinpath("json")
    stems = {e.name.removesuffix(".json") for e in folder.iterdir() if e.name.endswith(".json")}
    assert stems == {*SCHEMA_NAMES, "common"}
    assert len(SCHEMA_NAMES) == 10


@pytest.mark.parametrize("name", [*SCHEMA_NAMES, "common"])
def test_schema_documents_are_valid_2020_12_with_matching_id(name: str) -> None:
    document = json.loads(resources.files("schemas").joinpath("json", f"{name}.json").read_text("utf-8"))
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"{BASE_URI}{name}.json"


def _keyword_refs(node: Any, *, in_properties: bool = False) -> list[str]:
    """Every ``$ref`` keyword in a schema document (not properties that are *named* "$ref")."""
    refs: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and not in_properties and isinstance(value, str):
                refs.append(value)
            elif in_properties:
                refs += _keyword_refs(value)
            else:
                refs += _keyword_refs(value, in_properties=key in {"properties", "$defs", "dependentSchemas"})
    elif isinstance(node, list):
        for item in node:
            refs += _keyword_refs(item)
    return refs


@pytest.mark.parametrize("name", [*SCHEMA_NAMES, "common"])
def test_every_ref_resolves_offline(name: str) -> None:
    uri = f"{BASE_URI}{name}.json"
    registry = _registry()
    refs = _keyword_refs(registry.contents(uri))
    resolver = registry.resolver(base_uri=uri)
    for ref in refs:
        resolver.lookup(ref)  # raises referencing.exceptions.Unresolvable; no retrieval is configured
    if name == "User":
        assert "EnterpriseUser.json" in refs


def test_validator_is_cached_and_checks_formats() -> None:
    assert validator("User") is validator("User")
    checker = validator("User").format_checker
    assert checker is not None
    assert not checker.conforms("2010-01-23 04:56:22", "date-time")
    assert not checker.conforms("yesterday", "date-time")
    assert checker.conforms("2010-01-23T04:56:22Z", "date-time")
    assert not checker.conforms("/Users/1", "uri")
    assert not checker.conforms("http://exa mple.com", "uri")
    assert checker.conforms(urns.USER, "uri")
    assert checker.conforms("/Users/1", "uri-reference")


def test_unknown_schema_name_lists_the_names() -> None:
    with pytest.raises(KeyError) as caught:
        validator("Users")
    assert "Users" in str(caught.value)
    for name in SCHEMA_NAMES:
        assert name in str(caught.value)
    with pytest.raises(KeyError):
        validate("common", {})


def test_violation_str_and_messages() -> None:
    [violation] = validate("Error", changed(ERROR_NOT_FOUND, "/status", 404))
    assert violation == Violation("/status", "type", "404 is not of type 'string'")
    assert str(violation) == "/status: 404 is not of type 'string' (type)"
    [root] = validate("User", without(MINIMAL_USER, "/userName"))
    assert str(root) == ": 'userName' is a required property (required)"
    [op] = validate("PatchOp", changed(PATCH_ADD_MEMBER, "/Operations/0/op", "move"))
    assert "add" in op.message
    assert "'move'" in op.message


def test_json_pointer_escapes_tilde_and_slash() -> None:
    assert _pointer([]) == ""
    assert _pointer(["a/b", "m~n", 0]) == "/a~1b/m~0n/0"
    assert _pointer([urns.ENTERPRISE_USER, "manager"]) == f"/{urns.ENTERPRISE_USER}/manager"


def test_violations_are_sorted_by_pointer_with_numeric_indices() -> None:
    emails = [{"value": str(i)} for i in range(12)]
    emails[10]["primary"] = "yes"
    emails[2]["primary"] = "no"
    user = {**MINIMAL_USER, "emails": emails, "active": "true", "userName": ""}
    pointers = [v.pointer for v in validate("User", user)]
    assert pointers == ["/active", "/emails/2/primary", "/emails/10/primary", "/userName"]


def test_non_object_instances_are_violations_not_crashes() -> None:
    assert found(validate("User", [MINIMAL_USER])) == {("", "type")}
    assert found(validate("ListResponse", None)) == {("", "type")}


# --- validate_resource and validate_list_response


def test_validate_resource_checks_the_enterprise_extension() -> None:
    assert validate_resource(ENTERPRISE_USER, "User") == []
    bad = changed(ENTERPRISE_USER, f"/{urns.ENTERPRISE_USER}/manager/$ref", "not a uri")
    assert found(validate_resource(bad, "User")) == {(f"/{urns.ENTERPRISE_USER}/manager/$ref", "format")}


def test_validate_resource_group_and_types() -> None:
    assert validate_resource(GROUP, "Group") == []
    assert found(validate_resource(GROUP, "User")) == {("", "required"), ("/schemas", "contains")}
    assert set(RESOURCE_TYPE_NAMES) == {"User", "Group", "ResourceType", "Schema"}
    with pytest.raises(ValueError, match="User, Group"):
        validate_resource(GROUP, "Groups")


def test_validate_list_response_prefixes_item_pointers() -> None:
    users = [{**MINIMAL_USER, "id": str(i)} for i in range(12)]
    users[3] = changed(users[3], "/emails", [{"value": "a@b.c", "primary": "True"}])
    users[11] = changed(users[11], "/active", "false")
    body = {"schemas": [urns.LIST_RESPONSE], "totalResults": 12, "Resources": users}
    assert [(v.pointer, v.rule) for v in validate_list_response(body, "User")] == [
        ("/Resources/3/emails/0/primary", "type"),
        ("/Resources/11/active", "type"),
    ]


def test_validate_list_response_reports_envelope_and_item_findings_once() -> None:
    body = changed(without(LIST_RESPONSE, "/Resources/1/schemas"), "/totalResults", -2)
    assert [(v.pointer, v.rule) for v in validate_list_response(body, "User")] == [
        ("/Resources/1", "required"),
        ("/totalResults", "minimum"),
    ]


def test_validate_list_response_checks_the_item_type() -> None:
    body = {"schemas": [urns.LIST_RESPONSE], "totalResults": 1, "Resources": [GROUP]}
    assert validate_list_response(body, "Group") == []
    assert found(validate_list_response(body, "User")) == {
        ("/Resources/0", "required"),
        ("/Resources/0/schemas", "contains"),
    }


def test_validate_list_response_root_query_infers_each_type() -> None:
    bad_group = changed(GROUP, "/members/0/type", "Robot")
    odd = {"schemas": ["urn:example:Device"], "id": "d1", "serial": 5}
    body = {"schemas": [urns.LIST_RESPONSE], "totalResults": 3, "Resources": [MINIMAL_USER, bad_group, odd]}
    assert found(validate_list_response(body, None)) == {("/Resources/1/members/0/type", "enum")}


def test_validate_list_response_resource_types_may_omit_id() -> None:
    body = {
        "schemas": [urns.LIST_RESPONSE],
        "totalResults": 2,
        "Resources": [USER_RESOURCE_TYPE, without(GROUP_RESOURCE_TYPE, "/id")],
    }
    assert validate_list_response(body, "ResourceType") == []


def test_validate_list_response_rejects_unknown_type_up_front() -> None:
    with pytest.raises(ValueError):
        validate_list_response({"schemas": [urns.LIST_RESPONSE], "totalResults": 0}, "Device")


# --- projected answers (attributes / excludedAttributes)


def test_a_projected_user_may_leave_user_name_out() -> None:
    """RFC 7643 §8.7.1: userName is returned "default" (issue 12 ruling 1, checklist R-11), so an
    answer to ``attributes=name`` may lack it; a whole User may not (RFC 7643 §4.1: REQUIRED)."""
    projected = {"schemas": [urns.USER], "id": USER_ID, "name": {"familyName": "Jensen"}}
    assert found(validate_resource(projected, "User")) == {("", "required")}
    assert validate_resource(projected, "User", projected=True) == []
    # What is there is still checked in full, and schemas stays required ("always").
    assert found(validate_resource({**projected, "userName": ""}, "User", projected=True)) == {
        ("/userName", "minLength")
    }
    assert found(validate_resource(without(projected, "/schemas"), "User", projected=True)) == {
        ("", "required")
    }


def test_a_projected_group_may_leave_display_name_out() -> None:
    projected = {"schemas": [urns.GROUP], "id": "e9e30dba", "members": GROUP["members"]}
    assert found(validate_resource(projected, "Group")) == {("", "required")}
    assert validate_resource(projected, "Group", projected=True) == []


def test_a_projected_list_still_needs_each_id() -> None:
    """RFC 7643 §3.1: id is returned "always": projection never excuses its absence."""
    items = [{"schemas": [urns.USER], "id": "1"}, {"schemas": [urns.USER], "name": {"givenName": "B"}}]
    body = {"schemas": [urns.LIST_RESPONSE], "totalResults": 2, "Resources": items}
    assert found(validate_list_response(body, "User", projected=True)) == {("/Resources/1", "required")}
    assert found(validate_list_response(body, "User")) == {
        ("/Resources/0", "required"),
        ("/Resources/1", "required"),
    }
