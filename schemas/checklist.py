"""The RFC 7643 / 7644 requirement checklist as data: what a scenario's ``@req_…`` tag stands for.

Each row of ``rfc-checklist.md`` (the ids scenarios are tagged with, ``@req_M_06`` → ``M-06``) with its
RFC 2119 level and its clause, so a failing step and a report can say *which* requirement a server
broke and where the RFC says so, without anyone looking the id up by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["REQUIREMENTS", "Requirement", "requirement", "requirement_ids"]


@dataclass(frozen=True, slots=True)
class Requirement:
    """One checklist row: ``id`` (``M-06``), RFC 2119 ``level`` (may be empty), ``clause``, ``text``."""

    id: str
    level: str
    clause: str
    """Where the RFCs say it: ``RFC 7644 §3.5.2.2``."""
    text: str

    @property
    def tag(self) -> str:
        """The Gherkin tag scenarios carry: ``req_M_06``."""
        return "req_" + self.id.replace("-", "_")

    @property
    def basis(self) -> str:
        """How a failure cites it: ``M-06 (RFC 7644 §3.5.2.2)``."""
        return f"{self.id} ({self.clause})"


_ROWS = (
    Requirement(
        "T-01",
        "MUST/SHOULD",
        "RFC 7644 §3.8",
        "SP MUST support `Accept: application/scim+json` and SHOULD support `application/json`. "
        "Default format is `application/scim+json`; UTF-8 is the default encoding.",
    ),
    Requirement(
        "T-02",
        "MUST",
        "RFC 7644 §7.1",
        "TLS required; the SP MUST support TLS 1.2.",
    ),
    Requirement(
        "T-03",
        "status semantics",
        "RFC 7644 §3.12 Table 8, §2",
        "Missing or invalid credentials → 401 (Table 8). An authenticated but unauthorised request → 403.",
    ),
    Requirement(
        "T-04",
        "MUST",
        "RFC 7644 §3.13",
        "A version segment (`/v2`), if present, immediately precedes the resource endpoint. If the "
        "requested version is unsupported, reject the request (`invalidVers`).",
    ),
    Requirement(
        "T-05",
        "SHALL",
        "RFC 7644 §7.5.2, §3.12",
        "Personal or sensitive data SHALL NOT be put in request URIs; use POST `/.search`. The "
        "`sensitive` scimType applies.",
    ),
    Requirement(
        "D-01",
        "SHALL",
        "RFC 7644 §4; RFC 7643 §5",
        "`GET /ServiceProviderConfig` returns one object (not a ListResponse) with the SPC schema URN.",
    ),
    Requirement(
        "D-02",
        "REQUIRED",
        "RFC 7643 §5",
        "The SPC has `patch.supported`, `bulk.{supported,maxOperations,maxPayloadSize}`, "
        "`filter.{supported,maxResults}`, `changePassword.supported`, `sort.supported`, "
        "`etag.supported` and `authenticationSchemes`; all REQUIRED.",
    ),
    Requirement(
        "D-03",
        "SHALL",
        "RFC 7644 §4",
        "`GET /Schemas` returns every supported schema as a ListResponse. `GET /Schemas/{urn}` "
        "returns one schema.",
    ),
    Requirement(
        "D-04",
        "SHALL / REQUIRED",
        "RFC 7644 §4; RFC 7643 §6",
        "`GET /ResourceTypes` returns a ListResponse. Each entry has `name`, `endpoint`, `schema` and"
        " `schemaExtensions[{schema, required}]`.",
    ),
    Requirement(
        "D-05",
        "SHALL / SHOULD",
        "RFC 7644 §4",
        "On the discovery endpoints, filtering, sorting and pagination parameters SHALL be ignored. "
        "If a `filter` is given, the SP SHOULD return 403.",
    ),
    Requirement(
        "D-06",
        "",
        "RFC 7643 §7",
        "Schema attribute definitions carry name, type, multiValued, required, caseExact, mutability,"
        " returned, uniqueness, canonicalValues, referenceTypes and subAttributes.",
    ),
    Requirement(
        "D-07",
        "consistency",
        "RFC 7643 §3, §6",
        "Cross-check: every attribute the SP returns is declared in `/Schemas`; each declared "
        "resource type is served at its `endpoint`; extension URNs appear in `schemas`.",
    ),
    Requirement(
        "R-01",
        "REQUIRED/MUST",
        "RFC 7643 §3",
        "`schemas` is REQUIRED and non-empty. It contains only the resource type's schema and its "
        "extensions, with no duplicates.",
    ),
    Requirement(
        "R-02",
        "MUST",
        "RFC 7643 §3.1",
        "`id`: issued by the SP; unique; stable; not reassignable; `caseExact`; `readOnly`; returned "
        "always; MUST NOT be set by the client; `bulkId` is a reserved value.",
    ),
    Requirement(
        "R-03",
        "",
        "RFC 7643 §3.1",
        "`externalId`: issued by the client; caseExact; readWrite.",
    ),
    Requirement(
        "R-04",
        "MUST",
        "RFC 7643 §3.1",
        "`meta` is readOnly. `meta.resourceType`, `created` and `lastModified` are dateTimes; "
        "`lastModified` equals `created` until the first change. `meta.location` MUST equal `Content-"
        "Location`; `meta.version` MUST equal the `ETag`.",
    ),
    Requirement(
        "R-05",
        "",
        "RFC 7643 §2.1",
        "Attribute names are case-insensitive.",
    ),
    Requirement(
        "R-06",
        "",
        "RFC 7643 §2.2",
        "Default characteristics: required=false, caseExact=false, mutability=readWrite, "
        "returned=default, uniqueness=none, type=string.",
    ),
    Requirement(
        "R-07",
        "MUST",
        "RFC 7643 §2.3",
        'Data types: boolean is a JSON literal (so `"False"` is invalid); dateTime is xsd:dateTime; '
        "binary is base64; reference is a URI.",
    ),
    Requirement(
        "R-08",
        "MUST/SHALL",
        "RFC 7643 §2.4",
        "Multi-valued attributes: `primary: true` MUST appear at most once. On PATCH, setting "
        "`primary=true` SHALL make other values `false` (7644 §3.5.2).",
    ),
    Requirement(
        "R-09",
        "SHALL",
        "RFC 7643 §2.5",
        "Unassigned, `null` and `[]` are the same state. Unassigned attributes MAY be omitted.",
    ),
    Requirement(
        "R-10",
        "MUST",
        "RFC 7643 §7, §4.1",
        "`returned: never` (for example `password`, which is writeOnly) MUST NOT appear in any "
        "response, even when listed in `attributes`.",
    ),
    Requirement(
        "R-11",
        "",
        "RFC 7643 §7, §8.7.1; RFC 7644 §3.4.2.5",
        "`returned: always` attributes (`id`, and `schemas`) appear even when `attributes` or "
        "`excludedAttributes` would drop them. `userName` is `returned: default` (7643 §8.7.1): it is"
        " left out when `attributes` does not name it or `excludedAttributes` does. A server's own "
        "`/Schemas` is the authority for any other attribute. `returned: request` attributes appear "
        "only when requested.",
    ),
    Requirement(
        "R-12",
        "MUST",
        "RFC 7643 §4.1",
        "`userName` is REQUIRED, non-empty, and unique within the SP (uniqueness=server); caseExact=false.",
    ),
    Requirement(
        "R-13",
        "MUST",
        "RFC 7643 §4.1.2",
        "User `groups` is readOnly; membership changes go through the Group resource.",
    ),
    Requirement(
        "R-14",
        "",
        "RFC 7643 §4.2",
        "Group `displayName`, and `members[{value,$ref,type}]`. Note the inconsistency described in §4.",
    ),
    Requirement(
        "R-15",
        "",
        "RFC 7643 §4.3",
        "Enterprise extension (`urn:…:extension:enterprise:2.0:User`): employeeNumber, costCenter, "
        "organization, division, department, `manager{value,$ref,displayName(readOnly)}`.",
    ),
    Requirement(
        "C-01",
        "SHALL/SHOULD",
        "RFC 7644 §3.3",
        "POST to the resource endpoint returns 201 with the created resource in the body, plus a "
        "`Location` header and `meta.location`.",
    ),
    Requirement(
        "C-02",
        "MUST",
        "RFC 7644 §3.3",
        'A uniqueness conflict (for example a duplicate userName) → 409 with `scimType: "uniqueness"`.',
    ),
    Requirement(
        "C-03",
        "SHALL",
        "RFC 7644 §3.3, §3.12",
        "`readOnly` attributes in the request body are ignored. A missing required attribute → 400 "
        "(`invalidValue`/`invalidSyntax`).",
    ),
    Requirement(
        "G-01",
        "",
        "RFC 7644 §3.4.1, Table 8",
        "`GET /{Resource}/{id}` → 200. An unknown id → 404 with an Error body.",
    ),
    Requirement(
        "P-01",
        "MUST",
        "RFC 7644 §3.5.1",
        "PUT replaces the resource and MUST NOT create one (an unknown id → 404).",
    ),
    Requirement(
        "P-02",
        "MUST/SHOULD/MAY",
        "RFC 7644 §3.5.1",
        "On PUT: readOnly values are ignored. `immutable` values must match, otherwise SHOULD 400 "
        "`mutability`. Required attributes MUST be supplied. Omitted readWrite attributes MAY be "
        "cleared or defaulted.",
    ),
    Requirement(
        "P-03",
        "",
        "RFC 7644 §3.5.1",
        "A successful PUT returns 200 with the full resource.",
    ),
    Requirement(
        "X-01",
        "SHALL/MUST/SHOULD",
        "RFC 7644 §3.6",
        "DELETE → 204. Afterwards every operation on the resource → 404, and it is omitted from "
        "queries. The deleted resource SHOULD NOT cause a 409 for a later create with the same "
        "userName.",
    ),
    Requirement(
        "X-02",
        "",
        "RFC 7644 §3.9",
        "`attributes`/`excludedAttributes` also apply to POST, PUT and PATCH responses.",
    ),
    Requirement(
        "Q-01",
        "REQUIRED",
        "RFC 7644 §3.4.2",
        "The response is a ListResponse (`urn:…:messages:2.0:ListResponse`). `totalResults` is "
        "REQUIRED. `Resources` is REQUIRED if totalResults > 0. `startIndex` and `itemsPerPage` are "
        "REQUIRED when results are paged.",
    ),
    Requirement(
        "Q-02",
        "SHALL",
        "RFC 7644 §3.4.2",
        "No matches → 200 with `totalResults` 0 (not 404).",
    ),
    Requirement(
        "Q-03",
        "",
        "RFC 7644 §3.4.2.2",
        "Operators `eq ne co sw ew pr gt ge lt le`; logical `and or not`; grouping `()`; valuePath "
        '`attr[subfilter]`, for example `emails[type eq "work" and value co "@x.com"]`.',
    ),
    Requirement(
        "Q-04",
        "",
        "RFC 7644 §3.4.2.2",
        "Attribute names and operators in filters are case-insensitive.",
    ),
    Requirement(
        "Q-05",
        "SHALL",
        "RFC 7644 §3.4.2.2",
        'String comparison follows the attribute\'s `caseExact`, so `userName eq "ALICE"` matches `alice`.',
    ),
    Requirement(
        "Q-06",
        "MUST",
        "RFC 7644 §3.4.2.2",
        "Precedence: grouping, then logical (`not` > `and` > `or`), then attribute operators. A "
        "filter on a multi-valued attribute matches if any value matches. `pr` is false for an empty "
        "value.",
    ),
    Requirement(
        "Q-07",
        "MUST/SHALL",
        "RFC 7644 §3.4.2.2, Table 9",
        "An unrecognised or unsupported operator, or a malformed filter → 400 `invalidFilter`. "
        "`gt`/`ge`/`lt`/`le` on boolean or binary → 400 `invalidFilter`.",
    ),
    Requirement(
        "Q-08",
        "",
        "RFC 7644 Table 9",
        "Too many results → 400 `tooMany`.",
    ),
    Requirement(
        "Q-09",
        "SHALL (if supported)",
        "RFC 7644 §3.4.2.3",
        "`sortBy` and `sortOrder` (`ascending` is the default). Ordering respects the attribute type "
        "and caseExact. Sorting is optional (`sort.supported`).",
    ),
    Requirement(
        "Q-10",
        "SHALL/MUST",
        "RFC 7644 §3.4.2.4",
        "`startIndex` is 1-based; values < 1 are treated as 1. A negative `count` is treated as 0. "
        "`count=0` returns only `totalResults`. The SP MUST NOT return more results than `count`.",
    ),
    Requirement(
        "Q-11",
        "",
        "RFC 7644 §3.4.2.5, §3.10",
        "`attributes` and `excludedAttributes` (comma-separated; full URN paths allowed) with the "
        "returned-characteristic rules of R-10/R-11.",
    ),
    Requirement(
        "Q-12",
        "SHALL",
        "RFC 7644 §3.4.3",
        "`POST /{Resource}/.search` (or `/.search` at the root) with the SearchRequest schema "
        "(`urn:…:messages:2.0:SearchRequest`: attributes, excludedAttributes, filter, sortBy, "
        "sortOrder, startIndex, count) → 200 ListResponse.",
    ),
    Requirement(
        "Q-13",
        "",
        "RFC 7644 §3.4.2.1",
        "Queries at the server root return resources of several types.",
    ),
    Requirement(
        "Q-14",
        "",
        "RFC 9865",
        "(Optional profile) cursor pagination per RFC 9865, which updates 7643/7644.",
    ),
    Requirement(
        "M-01",
        "MUST",
        "RFC 7644 §3.5.2",
        "The body uses the PatchOp schema `urn:…:messages:2.0:PatchOp` and a non-empty `Operations` "
        "array. Each operation has exactly one `op` (add/remove/replace). `path` is optional for add "
        "and replace and REQUIRED for remove.",
    ),
    Requirement(
        "M-02",
        "SHALL/MUST",
        "RFC 7644 §3.5.2",
        "The request is atomic: on any error the resource is restored and a failure returned. "
        "Operations are applied in order.",
    ),
    Requirement(
        "M-03",
        "MUST/MAY",
        "RFC 7644 §3.5.2",
        "Success: 200 with the full resource, or 204. Must be 200 if `attributes` was requested. (A "
        "200 with an empty body is non-conformant.)",
    ),
    Requirement(
        "M-04",
        "SHALL",
        "RFC 7644 §3.5.2, Table 9",
        "Invalid path → 400 `invalidPath`. Mutability violations (changing readOnly or immutable; "
        "removing a required attribute) → 400 `mutability`.",
    ),
    Requirement(
        "M-05",
        "MUST/SHALL/SHOULD",
        "RFC 7644 §3.5.2.1",
        "add: `value` is required. With no path, `value` is a set of attributes. Multi-valued → "
        "append. Single-valued → replace. Complex → the `value` holds sub-attributes. Adding an "
        "existing value is a no-op, returns success, and does not change `lastModified`.",
    ),
    Requirement(
        "M-06",
        "SHALL",
        "RFC 7644 §3.5.2.2",
        "remove: no path → 400 `noTarget`. Single-valued → becomes unassigned. Multi-valued with no "
        'filter → all values removed. With a valuePath filter (`members[value eq "…"]`), only '
        "matching values are removed. The RFC defines no `value` member on remove (Entra's default "
        "form uses one).",
    ),
    Requirement(
        "M-07",
        "SHALL",
        "RFC 7644 §3.5.2.3",
        "replace: no path → `value` is a set of attributes. A non-existent target is treated as add. "
        "Complex → only the given sub-attributes change. A valuePath with a sub-attribute "
        '(`emails[type eq "work"].value`) replaces that sub-attribute on all matches. A valuePath '
        "with no match → 400 `noTarget`.",
    ),
    Requirement(
        "M-08",
        "",
        "RFC 7644 §3.10, §3.5.2",
        "Extension attributes are addressed with a full URN path: "
        "`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.",
    ),
    Requirement(
        "E-01",
        "REQUIRED",
        "RFC 7644 §3.12",
        'The error body has `schemas:["urn:ietf:params:scim:api:messages:2.0:Error"]`; `status` is '
        "REQUIRED and is the HTTP code as a JSON string; `scimType` and `detail` are OPTIONAL.",
    ),
    Requirement(
        "E-02",
        "",
        "RFC 7644 Table 8",
        "Status codes per Table 8: 307/308 redirect, 400, 401, 403, 404, 409, 412, 413, 500, 501.",
    ),
    Requirement(
        "E-03",
        "",
        "RFC 7644 Table 9",
        "scimType values in Table 9 and the operations they apply to:",
    ),
    Requirement(
        "E-04",
        "",
        "RFC 7644 §3.8",
        "Error responses use `Content-Type: application/scim+json`. This follows from T-01; the Entra"
        " validator does not check it.",
    ),
    Requirement(
        "V-01",
        "MUST/SHOULD",
        "RFC 7644 §3.14; RFC 7643 §3.1",
        "If `etag.supported`, the ETag MUST be sent as an HTTP header and SHOULD also be in "
        "`meta.version`; weak ETags are allowed.",
    ),
    Requirement(
        "V-02",
        "",
        "RFC 7644 §3.14, Table 8",
        "`If-None-Match` matching the current ETag → 304. `If-Match` mismatch on PUT/PATCH/DELETE → "
        "412 Precondition Failed.",
    ),
    Requirement(
        "B-01",
        "REQUIRED",
        "RFC 7644 §3.7",
        "BulkRequest/BulkResponse schemas. Each operation has `method`, `path`, `data`, optionally "
        "`version`; `bulkId` is REQUIRED for POST; `bulkId:<id>` references are resolved.",
    ),
    Requirement(
        "B-02",
        "MUST",
        "RFC 7644 §3.7, §3.7.3",
        "Without `failOnErrors` the SP continues past failures. After `failOnErrors` errors it stops."
        " Per-operation `status` and `location` are returned; the overall response is 200.",
    ),
    Requirement(
        "B-03",
        "",
        "RFC 7644 §3.7.1",
        "Circular or unresolvable `bulkId` references are handled per §3.7.1.",
    ),
    Requirement(
        "B-04",
        "MUST",
        "RFC 7644 §3.7.4",
        "Exceeding `maxOperations` or `maxPayloadSize` → 413, and the body names the limit.",
    ),
    Requirement(
        "ME-01",
        "SHOULD/MAY/MUST",
        "RFC 7644 §3.11",
        "`/Me` is an alias for the authenticated subject. If unsupported → SHOULD 501. Otherwise the "
        "SP MAY redirect with 308 or serve the request directly. The `Location` header MUST be the "
        "aliased resource's permanent URI.",
    ),
)

REQUIREMENTS: dict[str, Requirement] = {row.id: row for row in _ROWS}
"""Every checklist row by id."""


def requirement(id_or_tag: str) -> Requirement | None:
    """The row for ``M-06``, ``req_M_06`` or ``@req_M_06``; None for anything else."""
    key = id_or_tag.lstrip("@").removeprefix("req_").replace("_", "-")
    return REQUIREMENTS.get(key)


def requirement_ids(tags: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The checklist ids among scenario tags, in the tags' order (unknown ``req_`` tags are dropped)."""
    found = (requirement(tag) for tag in tags if tag.lstrip("@").startswith("req_"))
    return [row.id for row in found if row is not None]
