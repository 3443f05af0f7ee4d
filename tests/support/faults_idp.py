"""Broken servers that only an IdP's own scenarios catch: one habit of Okta's or Entra's refused.

Each is the reference server with one fault in front, registered into :data:`tests.support.faults.FAULTS`
when this module is imported; :data:`CAUGHT_BY_IDP` names the area and the scenarios each one must
fail (``tests/steps/test_suite_faults.py`` merges it into its ``CAUGHT_BY``), and
``tests/steps/test_suite_faults_idp.py`` runs both IdP areas against each fault and checks that
exactly those scenarios fail — Okta's faults catch no Entra scenario and the other way round.
"""

from __future__ import annotations

from typing import Any

from schemas import urns
from tests.support.faults import Fault, Request, Response, fault, scim_error

ADSCIM = urns.ENTRA_ADSCIM_GROUP.lower()


def _operations(request: Request) -> list[dict[str, Any]]:
    body = request.json()
    operations = body.get("Operations") if isinstance(body, dict) else None
    return [o for o in operations if isinstance(o, dict)] if isinstance(operations, list) else []


@fault("pathless-patch-ignored")
class PathlessPatchIgnored(Fault):
    """Answers a user PATCH whose ops have no ``path`` with 200 but applies nothing.

    RFC 7644 §3.5.2.3: without a path the value's attributes are replaced; Okta deactivates and
    reactivates exactly so (okta_deactivate_patch [doc]). Caught by Okta's deactivation scenarios.
    """

    def request(self, request: Request) -> Request | Response:
        operations = _operations(request)
        if (
            request.is_("PATCH", "Users", item=True)
            and operations
            and all("path" not in o for o in operations)
        ):
            return Request("GET", request.path, "", request.headers, b"")
        return request


@fault("group-rename-id-refused")
class GroupRenameIdRefused(Fault):
    """Answers 400 mutability to a group PATCH whose value carries ``id``, even unchanged.

    Okta renames a pushed group with ``{"op":"replace","value":{"id":…,"displayName":…}}``
    (okta_group_rename [doc]); an unchanged readOnly value is no change (RFC 7644 §3.5.2).
    Caught by "Okta renames a group with the id in the value".
    """

    def request(self, request: Request) -> Request | Response:
        if request.is_("PATCH", "Groups", item=True) and any(
            isinstance(o.get("value"), dict) and "id" in o["value"] for o in _operations(request)
        ):
            return scim_error(400, "id is readOnly", "mutability")
        return request


@fault("patch-op-case-sensitive")
class PatchOpCaseSensitive(Fault):
    """Answers 400 to a PATCH op that is not lower-case (``Replace``, ``Add``, ``Remove``).

    RFC 7644 §3.5.2 names the ops in lower case but Entra capitalises them without the
    aadOptscim062020 flag (entra_capitalised_ops [doc]). Caught by Entra's unflagged scenarios.
    """

    def request(self, request: Request) -> Request | Response:
        if request.method == "PATCH" and any(
            isinstance(o.get("op"), str) and o["op"] != o["op"].lower() for o in _operations(request)
        ):
            return scim_error(400, "op must be add, remove or replace", "invalidSyntax")
        return request


@fault("active-string-refused")
class ActiveStringRefused(Fault):
    """Answers 400 to a user PATCH setting ``active`` to the string ``"False"`` or ``"True"``.

    Entra without the flag sends the boolean as a string (entra_active_string [doc]). Caught by
    "Entra disables the user with "active": "False" as a string".
    """

    def request(self, request: Request) -> Request | Response:
        if request.is_("PATCH", "Users", item=True) and any(
            str(o.get("path", "")).lower() == "active" and isinstance(o.get("value"), str)
            for o in _operations(request)
        ):
            return scim_error(400, "active must be a boolean", "invalidValue")
        return request


@fault("adscim-group-refused")
class AdscimGroupRefused(Fault):
    """Answers 400 to ``POST /Groups`` declaring Entra's ADSCIM Group schema URN.

    Entra creates groups with it beside the core URN (entra_group_create [doc]); scim2-server
    refuses it the same way. Caught by Entra's group scenarios.
    """

    def request(self, request: Request) -> Request | Response:
        body = request.json()
        schemas = body.get("schemas") if isinstance(body, dict) else None
        declared = [s.lower() for s in schemas if isinstance(s, str)] if isinstance(schemas, list) else []
        if request.is_("POST", "Groups", item=False) and ADSCIM in declared:
            return scim_error(400, f"unknown schema {ADSCIM}", "invalidValue")
        return request


CAUGHT_BY_IDP: dict[str, tuple[str, tuple[str, ...]]] = {
    "pathless-patch-ignored": ("okta", ("Okta's path-less PATCH deactivates the user",)),
    "group-rename-id-refused": ("okta", ("Okta renames a group with the id in the value",)),
    "patch-op-case-sensitive": ("entra", ("Entra's capitalised PATCH with value paths updates the user",)),
    "active-string-refused": ("entra", ('Entra disables the user with "active": "False" as a string',)),
    "adscim-group-refused": ("entra", ("Entra creates a group and adds its member",)),
}
"""Fault → (area, the scenario(s) it must fail), as ``test_suite_faults.CAUGHT_BY`` has it."""
