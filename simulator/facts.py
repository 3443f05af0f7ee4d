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
    "FACTS",
    "IDPS",
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

FACTS: dict[str, Fact] = {f.id: f for f in _ALL}
"""Every fact by id."""


def fact(id_or_tag: str) -> Fact | None:
    """The fact for ``onelogin_legacy_urns``, ``fact_onelogin_legacy_urns`` or its ``@`` tag."""
    return FACTS.get(id_or_tag.lstrip("@").removeprefix("fact_"))


def facts_of(tags: list[str] | tuple[str, ...] | set[str]) -> list[Fact]:
    """The facts among scenario tags, in the tags' order (unknown ``fact_`` tags are dropped)."""
    found = (fact(tag) for tag in tags if tag.lstrip("@").startswith("fact_"))
    return [f for f in found if f is not None]
