"""Why a simulator finding is true: the RFC requirement or the OneLogin fact it rests on.

Every problem the simulator reports says its basis, the way a failing scenario does: a row of the
checklist with its clause (``C-02 (RFC 7644 §3.3)``, from :mod:`schemas.checklist`), or a OneLogin
fact with how well it is known (``OneLogin fact [doc]: …``, from :mod:`simulator.facts`). The names
below pick the row or fact each kind of finding rests on; the text lives in those registries only.
"""

from __future__ import annotations

from schemas import REQUIREMENTS
from simulator.facts import FACTS
from simulator.profile import Operation


def rfc(*rows: str) -> str:
    """Checklist rows and their clauses: ``C-02 (RFC 7644 §3.3)``."""
    return "; ".join(REQUIREMENTS[row].basis for row in rows)


def onelogin(fact_id: str) -> str:
    """A OneLogin fact with its certainty and source: ``OneLogin fact [doc]: … (source)``."""
    return FACTS["onelogin_" + fact_id].basis


# --- RFC 7643 / 7644 --------------------------------------------------------------------------------
JSON_MEDIA_TYPE = rfc("T-01")
ERROR_BODY = rfc("E-01")
LIST_RESPONSE = rfc("Q-01")
FILTER_EQ = rfc("Q-05")
PAGING = rfc("Q-10")
CREATE_BODY = rfc("C-01")
DUPLICATE_409 = rfc("C-02")
REPLACE = rfc("P-03")
PATCH = rfc("M-03")
MEMBERSHIP = rfc("M-05", "M-06")
DELETE = rfc("X-01")
ID = rfc("R-02")
USERNAME_UNIQUE = rfc("R-12")
SCHEMA = {"User": "RFC 7643 §4.1 (the User schema)", "Group": "RFC 7643 §4.2 (the Group schema)"}
"""No checklist row covers a resource's schema as a whole; the clause alone is the basis."""

# --- OneLogin ---------------------------------------------------------------------------------------
CONNECTION_TEST = onelogin("connection_test")
CREATE_RESPONSE = onelogin("create_response")
LINK_ONE = onelogin("link_existing")
GROUP_CREATE = onelogin("group_create")
SUSPENDED_LEAVE_GROUPS = onelogin("team_removal")

STATUS: dict[Operation, str] = {
    "connection_test": CONNECTION_TEST,
    "lookup_user": onelogin("lookup_before_push"),
    "read_user": FACTS["okta_update_put"].basis,
    "create_user": CREATE_RESPONSE,
    "replace_user": onelogin("update_whole_template"),
    "patch_user": onelogin("suspend_patch"),
    "delete_user": onelogin("deletion_action"),
    "lookup_group": onelogin("group_lookup"),
    "create_group": GROUP_CREATE,
    "patch_group": onelogin("role_patch"),
    "list_groups": onelogin("groups_list"),
    "list_users": onelogin("import_users"),
}
"""The basis of the statuses OneLogin accepts, per operation (``Profile.accepted``)."""


def _fact(fact_id: str) -> str:
    return FACTS[fact_id].basis


STATUS_BY_IDP: dict[str, dict[Operation, str]] = {
    "Okta": {
        **STATUS,
        "connection_test": _fact("okta_connection_test"),
        "lookup_user": _fact("okta_lookup_before_create"),
        "create_user": _fact("okta_create_response"),
        "replace_user": _fact("okta_update_put"),
        "patch_user": _fact("okta_patch_answer"),
        "delete_user": _fact("okta_no_delete"),
        "create_group": _fact("okta_group_create"),
        "patch_group": _fact("okta_member_patch"),
        "list_groups": _fact("okta_groups_paging"),
        "list_users": _fact("okta_import_paging"),
    },
    "Microsoft Entra ID": {
        **STATUS,
        "connection_test": _fact("entra_match_username"),
        "lookup_user": _fact("entra_match_username"),
        "create_user": _fact("entra_create_201"),
        "patch_user": _fact("entra_update_patch"),
        "delete_user": _fact("entra_delete"),
        "lookup_group": _fact("entra_group_filter"),
        "create_group": _fact("entra_group_create"),
        "patch_group": _fact("entra_member_add"),
    },
}
"""The same, for the other IdPs (by ``Profile.idp_name``); an operation they share keeps OneLogin's."""


def status_basis(idp: str, operation: Operation | None) -> str:
    """The fact behind the statuses ``idp`` accepts for ``operation`` ("" for the harness's own)."""
    if operation is None:
        return ""
    return STATUS_BY_IDP.get(idp, STATUS)[operation]
