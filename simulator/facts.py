"""What is known about an identity provider's SCIM client, fact by fact, with how well it is known.

A scenario that rests on an IdP's behaviour rather than on the RFC carries a ``@fact_<id>`` tag; a
failing step and a report cite the fact the way an RFC scenario cites its checklist row, with its
**certainty** (onelogin-profile.md): ``doc`` stated in the IdP's documentation, ``seen`` observed in
real traffic or the IdP's own sample server, ``guess`` the best inference, ``?`` unknown. A scenario
resting on a ``guess`` or ``?`` fact is ``@should``: it never gates by default, because the server
may be right and the guess wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CERBY_ARTICLE",
    "ENTRA_DOCS",
    "ENTRA_ISSUES",
    "FACTS",
    "IDPS",
    "OKTA_DOCS",
    "ONELOGIN_DOCS",
    "ONELOGIN_SAMPLE",
    "Certainty",
    "Fact",
    "fact",
    "facts_of",
]

Certainty = Literal["doc", "seen", "guess", "?"]

IDPS: tuple[tuple[str, str], ...] = (
    ("onelogin", "OneLogin"),
    ("okta", "Okta"),
    ("entra", "Microsoft Entra ID"),
)
"""(tag, name) of every identity provider the harness knows, in precedence order: its scenarios carry
the tag, its facts' ids start with it, and it gets a compatibility verdict of its own."""
_IDP_NAMES = dict(IDPS)
ONELOGIN_DOCS = "OneLogin developer docs, SCIM provisioning"
ONELOGIN_SAMPLE = "OneLogin's sample server (onelogin/onelogin-scim-node) and observed OneLogin traffic"
CERBY_ARTICLE = "Cerby's OneLogin SCIM article (what the app must do)"
OKTA_DOCS = (
    "Okta developer docs, SCIM 2.0 reference (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20)"
)
OKTA_TESTS = "Okta's SCIM 2.0 test suite for Runscope (okta-scim-beta) and vendors' Okta endpoint references"
ENTRA_DOCS = (
    'Microsoft Entra docs, "Use SCIM to provision users and groups" (use-scim-to-provision-users-and-groups)'
)
ENTRA_ISSUES = (
    'Microsoft Entra docs, "Known issues with SCIM 2.0 protocol compliance" '
    "(application-provisioning-config-problem-scim-compatibility)"
)
ENTRA_SEEN = "Entra requests quoted in getsentry/self-hosted#2280 and getsentry/sentry-docs#16258"


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing an IdP does (or an app must do for it), with its certainty and where it comes from."""

    id: str
    """``onelogin_legacy_urns``; the scenario tag is ``fact_`` + id."""
    idp: str
    statement: str
    certainty: Certainty
    source: str

    @property
    def tag(self) -> str:
        return "fact_" + self.id

    @property
    def idp_name(self) -> str:
        return _IDP_NAMES.get(self.idp, self.idp)

    @property
    def gates(self) -> bool:
        """Whether a scenario resting on it may be ``@must``: only documented or observed facts."""
        return self.certainty in ("doc", "seen")

    @property
    def basis(self) -> str:
        """How a failure cites it: ``OneLogin fact [seen]: … (source)``."""
        return f"{self.idp_name} fact [{self.certainty}]: {self.statement} ({self.source})"


def _onelogin(id_: str, certainty: Certainty, statement: str, source: str = ONELOGIN_DOCS) -> Fact:
    return Fact("onelogin_" + id_, "onelogin", statement, certainty, source)


def _okta(id_: str, certainty: Certainty, statement: str, source: str = OKTA_DOCS) -> Fact:
    return Fact("okta_" + id_, "okta", statement, certainty, source)


def _entra(id_: str, certainty: Certainty, statement: str, source: str = ENTRA_DOCS) -> Fact:
    return Fact("entra_" + id_, "entra", statement, certainty, source)


_OKTA = (
    _okta("user_agent", "doc", "every request carries User-Agent: Okta SCIM Client 1.0.0"),
    _okta(
        "connection_test",
        "seen",
        "Test Connector Configuration sends GET /Users?startIndex=1&count=2 and needs a 200 ListResponse "
        "with integer itemsPerPage, startIndex and totalResults",
        OKTA_TESTS,
    ),
    _okta(
        "lookup_paging",
        "doc",
        'a userName lookup is GET /Users?filter=userName%20eq%20"…"&startIndex=1&count=100 (percent-encoded, '
        "with paging)",
    ),
    _okta(
        "lookup_before_create", "doc", "a push looks the userName up first; one match is linked, not created"
    ),
    _okta(
        "create_body",
        "doc",
        "POST /Users carries the core User schema, userName, name, a primary work email, displayName, "
        "locale, externalId (the Okta user id), groups: [] and active: true",
    ),
    _okta(
        "create_response", "doc", "the create must answer 201 with the user and its id; an empty answer fails"
    ),
    _okta(
        "duplicate_409",
        "doc",
        "a create for a userName the app has is answered 409 with the SCIM Error schema",
    ),
    _okta(
        "update_put", "doc", "a profile update is GET /Users/{id} then PUT /Users/{id} with the whole user"
    ),
    _okta(
        "put_echoes_get",
        "guess",
        "the PUT body is the GET's answer with Okta's changes applied, so it carries id and meta back",
    ),
    _okta(
        "deactivate_patch",
        "doc",
        'deactivation is PATCH /Users/{id} {"op":"replace","value":{"active":false}}: lower-case op, no path',
    ),
    _okta("reactivate_patch", "doc", 'reactivation is the same PATCH with "active": true'),
    _okta("patch_answer", "doc", "a user PATCH may be answered 200 with the user or 204"),
    _okta("no_delete", "doc", "Okta never sends DELETE /Users; deprovisioning is always active=false"),
    _okta(
        "suspended_kept",
        "?",
        "a user suspended in Okta is not deprovisioned in the app: an earlier reading of Okta's newest "
        "reference; other-idps.md says suspend becomes active=false, "
        "which the profile keeps (not re-verified)",
    ),
    _okta(
        "import_paging",
        "doc",
        "import reads GET /Users?startIndex=1&count=100 page by page, following totalResults",
    ),
    _okta("groups_paging", "doc", "group import reads GET /Groups?startIndex=1&count=100 the same way"),
    _okta(
        "group_create",
        "doc",
        'Group Push creates with POST /Groups {"schemas":[Group],"displayName":…,"members":[]}',
    ),
    _okta(
        "group_rename",
        "doc",
        'a group push sends PATCH {"op":"replace","value":{"id":…,"displayName":…}}, also with every '
        "membership update",
    ),
    _okta(
        "member_patch",
        "doc",
        'memberships change by PATCH: add with path "members" and [{"value","display"}], remove with '
        'path members[value eq "<id>"]',
    ),
    _okta(
        "group_delete", "doc", "unlinking a pushed group with delete sends DELETE /Groups/{id}, answered 204"
    ),
    _okta(
        "aiw_put",
        "doc",
        "apps made with the integration wizard (AIW) send every user change, deactivation too, as PUT",
    ),
)

_ENTRA = (
    _entra(
        "match_username",
        "doc",
        'users are matched with GET /Users?filter=userName eq "…"; none found is 200, totalResults 0',
    ),
    _entra("match_email", "doc", 'matching may use emails[type eq "work"].value instead of userName'),
    _entra(
        "create_body",
        "doc",
        "POST /Users carries the core and enterprise schemas, a GUID externalId, userName, active, a "
        "primary work email, meta.resourceType, name and roles: []",
    ),
    _entra("create_201", "doc", "a create is answered 201 with the user"),
    _entra(
        "update_patch",
        "doc",
        "attribute changes are PATCH /Users/{id} with one op per attribute path, such as "
        'emails[type eq "work"].value and name.familyName',
    ),
    _entra(
        "capitalised_ops",
        "doc",
        "without the aadOptscim062020 flag ops are Add, Replace, Remove",
        ENTRA_ISSUES,
    ),
    _entra(
        "active_string",
        "doc",
        'without the flag a disable sends "active" as the string "False"',
        ENTRA_ISSUES,
    ),
    _entra("disable_patch", "doc", 'disabling is PATCH {"op":"Replace","path":"active","value":false}'),
    _entra(
        "flag_forms",
        "doc",
        "with aadOptscim062020 ops are lower-case and active a JSON boolean",
        ENTRA_ISSUES,
    ),
    _entra(
        "flag_multi_replace",
        "doc",
        'with the flag several attributes change in one path-less {"op":"replace","value":{…}} with '
        "dotted and URN-prefixed keys",
        ENTRA_ISSUES,
    ),
    _entra("delete", "doc", "a deleted user gets DELETE /Users/{id}, answered 204"),
    _entra(
        "unassign_disables",
        "doc",
        "unassigning a user (soft delete) disables it with active=false, not DELETE",
    ),
    _entra(
        "reactivate_patch", "guess", "a reassigned user is enabled again by the same PATCH with active true"
    ),
    _entra(
        "group_create",
        "doc",
        "POST /Groups carries the core and the ADSCIM Group schema "
        "(http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group), externalId, "
        "displayName and meta, and no members",
    ),
    _entra("group_read", "doc", "groups are read with GET /Groups/{id}?excludedAttributes=members"),
    _entra(
        "group_filter",
        "doc",
        'groups are found with GET /Groups?excludedAttributes=members&filter=displayName eq "…"',
    ),
    _entra("group_rename", "doc", 'a rename is PATCH {"op":"Replace","path":"displayName",…}, answered 204'),
    _entra(
        "member_add",
        "doc",
        'a member is added with {"op":"Add","path":"members","value":[{"$ref":null,"value":…}]}',
    ),
    _entra(
        "member_remove",
        "doc",
        'without the flag a member is removed with {"op":"Remove","path":"members","value":[{"value":…}]}',
        ENTRA_ISSUES,
    ),
    _entra(
        "flag_member_remove",
        "doc",
        'with the flag a member is removed with {"op":"remove","path":"members[value eq \\"<id>\\"]"}',
        ENTRA_ISSUES,
    ),
    _entra(
        "headers",
        "seen",
        "requests carry ADSCIMVersion: 6.0 and Content-Type: application/scim+json; charset=utf-8",
        ENTRA_SEEN,
    ),
    _entra("periodic_active", "seen", "Entra also sends periodic PATCHes setting active=true", ENTRA_SEEN),
    _entra(
        "downgrade_flag",
        "doc",
        "AzureAdScimPatch2017 brings the pre-2020 forms back (not simulated)",
        ENTRA_ISSUES,
    ),
    _entra("user_agent", "?", "Entra's User-Agent is not documented; none is sent"),
)

_ALL = (
    # --- connection and lookups -------------------------------------------------------------------
    _onelogin(
        "connection_test",
        "doc",
        'Enable sends GET /Users?filter=userName eq "<random>" and accepts 200 with an empty '
        "ListResponse, or 404",
    ),
    _onelogin(
        "bearer_token",
        "doc",
        "every request carries Authorization: Bearer <the configured token>; a wrong one must be refused",
    ),
    _onelogin(
        "form_encoded_filter",
        "seen",
        "lookups are form-encoded (userName+eq+%22…%22) with a trailing &",
        ONELOGIN_SAMPLE,
    ),
    _onelogin("lookup_before_push", "seen", "a push looks the user up by userName first", ONELOGIN_SAMPLE),
    _onelogin(
        "lookup_404_absent",
        "guess",
        "a 404 to the userName lookup means nobody has that userName, as for the connection test",
    ),
    _onelogin(
        "group_lookup",
        "?",
        'a filtered GET /Groups?filter=displayName eq "…" before creating a group (no source shows it)',
    ),
    _onelogin(
        "lookup_before_update",
        "?",
        "an attribute update is preceded by the userName lookup, so a user deleted on the app side "
        "is created again (no source shows whether it is)",
    ),
    # --- create, link, update ---------------------------------------------------------------------
    _onelogin(
        "create_response",
        "doc",
        "POST /Users must answer 201 with id and name.givenName/familyName, or OneLogin cannot link",
    ),
    _onelogin(
        "link_existing",
        "seen",
        "a lookup with one match links to its id and replaces it with PUT /Users/{id}? (no second POST)",
        ONELOGIN_SAMPLE,
    ),
    _onelogin(
        "update_whole_template",
        "seen",
        "attribute changes arrive as PUT /Users/{id}? with the whole rendered template, not a diff",
        ONELOGIN_SAMPLE,
    ),
    _onelogin("put_bare_query", "seen", "PUT URLs end in a bare '?'", ONELOGIN_SAMPLE),
    _onelogin(
        "content_type_json",
        "guess",
        "requests carry Content-Type: application/json unless an admin adds a custom header",
    ),
    _onelogin(
        "custom_headers",
        "doc",
        "admins add custom headers such as Content-Type: application/scim+json and User-Agent",
    ),
    # --- the template -----------------------------------------------------------------------------
    _onelogin(
        "legacy_urns",
        "seen",
        "the default SCIM v2 template declares urn:scim:schemas:core:2.0 and "
        "urn:scim:schemas:extension:enterprise:2.0",
        ONELOGIN_SAMPLE,
    ),
    _onelogin("scim11_urns", "doc", "SCIM 1.1-style templates declare the 1.0 URNs"),
    _onelogin("manager_id", "doc", "the enterprise template sends manager.managerId, not manager.value"),
    _onelogin("emails_object", "doc", "OneLogin's enterprise template sends emails as one object"),
    _onelogin("empty_placeholder", "guess", "an empty placeholder renders as an empty string"),
    _onelogin(
        "string_values",
        "guess",
        'rendered values are strings, so a template line for a boolean sends "true"',
    ),
    _onelogin(
        "junk_fields",
        "seen",
        'vendor templates carry junk such as "id": null or a client-sent meta',
        "templates seen in vendor SCIM guides",
    ),
    # --- deprovisioning ---------------------------------------------------------------------------
    _onelogin(
        "suspend_put",
        "guess",
        'a suspension is PUT /Users/{id}? with the template plus "active": false',
    ),
    _onelogin(
        "suspend_patch",
        "guess",
        'a profile may suspend with PATCH {"op":"replace","value":{"active":false}} instead',
    ),
    _onelogin("reactivate_put", "guess", 'a reactivation is the same PUT with "active": true'),
    _onelogin(
        "deletion_action",
        "doc",
        "'When users are deleted' is Delete (DELETE /Users/{id}, 200 or 204), Suspend, or Do nothing",
    ),
    _onelogin(
        "app_removal",
        "doc",
        "removing the app from a user follows the same deletion action ('When users are deleted in "
        "OneLogin, or the user's app access is removed')",
    ),
    # --- groups -----------------------------------------------------------------------------------
    _onelogin(
        "role_patch",
        "seen",
        "a role change is PATCH /Groups/{id} adding or removing the member",
        ONELOGIN_SAMPLE,
    ),
    _onelogin("role_patch_body", "?", "the body of that PATCH (an RFC PatchOp is assumed)"),
    _onelogin("groups_list", "doc", "entitlement refresh reads GET /Groups"),
    _onelogin(
        "groups_paging",
        "?",
        "entitlement refresh sends no paging parameters, so it learns the groups of the first page only",
    ),
    _onelogin(
        "assign_pushes_groups",
        "guess",
        "a user assigned with roles joins the roles' groups when pushed",
    ),
    _onelogin(
        "group_create", "doc", "a rule-generated group is created with POST /Groups; a duplicate → 409"
    ),
    _onelogin("import_users", "doc", "importing reads GET /Users"),
    _onelogin("import_paging", "?", "import paging (startIndex=1&count=100, following totalResults)"),
    # --- what the app must do (Cerby's documented behaviour) -------------------------------------
    _onelogin(
        "grants_removed",
        "doc",
        "a suspended or deleted user loses every access grant in the app",
        CERBY_ARTICLE,
    ),
    _onelogin(
        "rotation",
        "doc",
        "privileged accounts a deprovisioned user could reach get a password rotation",
        CERBY_ARTICLE,
    ),
    _onelogin(
        "no_grants_back",
        "doc",
        "a reactivated user is valid again but gets no access grant back",
        CERBY_ARTICLE,
    ),
    _onelogin(
        "no_access_while_inactive",
        "doc",
        "only an active, existing user can receive access: a direct grant to a suspended user is "
        "refused (409), one to a deleted or unknown id is 404, and a team reaches no inactive member",
        "the harness's observer contract (README, 'The observer API'), from Cerby's rule that a "
        "suspended or deleted user has no access",
    ),
    _onelogin(
        "team_removal",
        "doc",
        "removal from an IdP group removes the user from the matching team",
        CERBY_ARTICLE,
    ),
)

FACTS: dict[str, Fact] = {f.id: f for f in (*_ALL, *_OKTA, *_ENTRA)}
"""Every fact by id."""


def fact(id_or_tag: str) -> Fact | None:
    """The fact for ``onelogin_legacy_urns``, ``fact_onelogin_legacy_urns`` or its ``@`` tag."""
    return FACTS.get(id_or_tag.lstrip("@").removeprefix("fact_"))


def facts_of(tags: list[str] | tuple[str, ...] | set[str]) -> list[Fact]:
    """The facts among scenario tags, in the tags' order (unknown ``fact_`` tags are dropped)."""
    found = (fact(tag) for tag in tags if tag.lstrip("@").startswith("fact_"))
    return [f for f in found if f is not None]
