"""Why a simulator finding is true: the RFC requirement or the OneLogin fact it rests on.

Every problem the simulator reports says its basis, the way a failing scenario does: a row of
``rfc-checklist.md`` with its clause (``C-02 (RFC 7644 §3.3)``), or a OneLogin fact with how well it
is known (``OneLogin fact [doc]: …``; onelogin-profile.md's [doc]/[seen]/[guess]/[?]). The strings
have the form of ``schemas.checklist.Requirement.basis`` and ``simulator.facts.Fact.basis``, and the
names below are those rows' ids and those facts' ids, so each can be looked up there.
"""

from __future__ import annotations

from typing import Literal

from simulator.profile import Operation

Certainty = Literal["doc", "seen", "guess", "?"]

_DOC = "OneLogin developer docs, SCIM provisioning"
_SAMPLE = "OneLogin's sample server (onelogin/onelogin-scim-node) and observed OneLogin traffic"
_CERBY = "Cerby's OneLogin SCIM article (what the app must do)"


def rfc(row: str, clause: str) -> str:
    """A checklist row and its clause: ``C-02 (RFC 7644 §3.3)``."""
    return f"{row} ({clause})" if row else clause


def onelogin(certainty: Certainty, statement: str, source: str = _DOC) -> str:
    """A OneLogin fact: ``OneLogin fact [doc]: … (source)``."""
    return f"OneLogin fact [{certainty}]: {statement} ({source})"


# --- RFC 7643 / 7644 (rfc-checklist.md rows) --------------------------------------------------------
JSON_MEDIA_TYPE = rfc("T-01", "RFC 7644 §3.8")
ERROR_BODY = rfc("E-01", "RFC 7644 §3.12")
LIST_RESPONSE = rfc("Q-01", "RFC 7644 §3.4.2")
FILTER_EQ = rfc("Q-05", "RFC 7644 §3.4.2.2")
PAGING = rfc("Q-10", "RFC 7644 §3.4.2.4")
CREATE_BODY = rfc("C-01", "RFC 7644 §3.3")
DUPLICATE_409 = rfc("C-02", "RFC 7644 §3.3")
REPLACE = rfc("P-03", "RFC 7644 §3.5.1")
PATCH = rfc("M-03", "RFC 7644 §3.5.2")
MEMBERSHIP = rfc("M-05/M-06", "RFC 7644 §3.5.2.1, §3.5.2.2")
DELETE = rfc("X-01", "RFC 7644 §3.6")
ID = rfc("R-02", "RFC 7643 §3.1")
USERNAME_UNIQUE = rfc("R-12", "RFC 7643 §4.1")
SCHEMA = {"User": rfc("", "RFC 7643 §4.1 (User)"), "Group": rfc("", "RFC 7643 §4.2 (Group)")}

# --- OneLogin (onelogin-profile.md; simulator.facts ids in the comments) -----------------------------
CONNECTION_TEST = onelogin(  # onelogin_connection_test
    "doc",
    'Enable sends GET /Users?filter=userName eq "<random>" and accepts 200 with an empty '
    "ListResponse, or 404",
)
CREATE_RESPONSE = onelogin(  # onelogin_create_response
    "doc", "POST /Users must answer 201 with id and name.givenName/familyName, or OneLogin cannot link"
)
LINK_ONE = onelogin(  # onelogin_link_existing
    "seen",
    "a lookup with one match links to its id and replaces it with PUT /Users/{id}? (no second POST)",
    _SAMPLE,
)
GROUP_CREATE = onelogin(  # onelogin_group_create
    "doc", "a rule-generated group is created with POST /Groups; a duplicate → 409"
)
SUSPENDED_LEAVE_GROUPS = onelogin(  # onelogin_team_removal / onelogin_grants_removed
    "doc", "a suspended or deleted user loses every access grant in the app, team access included", _CERBY
)

STATUS: dict[Operation, str] = {
    "connection_test": CONNECTION_TEST,
    "lookup_user": onelogin("doc", "a push looks the user up by userName and expects 200 (or 404: nobody)"),
    "create_user": CREATE_RESPONSE,
    "replace_user": onelogin(
        "seen", "attribute changes arrive as PUT /Users/{id}? with the whole template; 200", _SAMPLE
    ),
    "patch_user": onelogin("guess", 'a profile may suspend with PATCH {"op":"replace",…}; 200 or 204'),
    "delete_user": onelogin(
        "doc", "'When users are deleted' is Delete (DELETE /Users/{id}, 200 or 204), Suspend, or Do nothing"
    ),
    "lookup_group": onelogin("?", 'a filtered GET /Groups?filter=displayName eq "…" answers 200'),
    "create_group": GROUP_CREATE,
    "patch_group": onelogin(
        "seen", "a role change is PATCH /Groups/{id} adding or removing the member; 200 or 204", _SAMPLE
    ),
    "list_groups": onelogin("doc", "entitlement refresh reads GET /Groups; 200 ListResponse"),
    "list_users": onelogin("doc", "importing reads GET /Users; 200 ListResponse"),
}
"""The basis of the statuses OneLogin accepts, per operation (``Profile.accepted``)."""
