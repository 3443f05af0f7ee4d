"""Microsoft Entra ID's SCIM client as a profile: the default (unflagged) forms, each a knob.

Without the ``aadOptscim062020`` flag Entra capitalises ops, sends ``"active": "False"`` as a string,
removes members with a value array and changes attributes one path at a time [doc: entra_*]; with
the flag those knobs take the RFC forms (:data:`ENTRA_FLAG_KNOBS`, and the profile file
``docs/profiles/entra-aadoptscim062020.toml``). Every difference between the two is one knob.
"""

from __future__ import annotations

from dataclasses import replace

from schemas import urns
from simulator.profile import AcceptedStatuses, Profile
from simulator.settings import AppSettings
from simulator.template import TemplateChoice

__all__ = ["ADSCIM_GROUP", "ENTRA", "ENTRA_FLAGGED", "ENTRA_FLAG_KNOBS", "ENTRA_SETTINGS", "ENTRA_TEMPLATE"]

ADSCIM_GROUP = urns.ENTRA_ADSCIM_GROUP

ENTRA = Profile(
    name="entra",
    idp_name="Microsoft Entra ID",
    content_type="application/scim+json; charset=utf-8",  # entra_headers [seen]
    extra_headers=(("ADSCIMVersion", "6.0"),),  # entra_headers [seen]
    filter_encoding="percent",  # [guess] the docs show the filter decoded
    filter_suffix="",
    put_query=None,
    update_preceded_by_lookup=False,
    suspend_style="patch",  # entra_disable_patch [doc]
    reactivate_style="patch",  # entra_reactivate_patch [guess]
    active_patch_path=True,  # entra_disable_patch [doc]
    active_as_string=True,  # entra_active_string [doc] (unflagged)
    patch_op_case="capitalized",  # entra_capitalised_ops [doc] (unflagged)
    update_style="patch_paths",  # entra_update_patch [doc] (unflagged)
    member_remove_style="value_array",  # entra_member_remove [doc] (unflagged)
    member_add_style="ref_null",
    group_rename_style="path",  # entra_group_rename [doc]  # entra_member_add [doc]
    group_lookup_before_create=True,  # entra_group_filter [doc]
    group_lookup_excludes_members=True,  # entra_group_filter [doc]
    group_create_extra_schema=ADSCIM_GROUP,  # entra_group_create [doc]
    group_create_external_id=True,  # entra_group_create [doc]
    require_name_in_create_response=False,
    duplicate_group_400_means_exists=False,
    import_page_size=None,
    groups_page_size=None,
    accepted=AcceptedStatuses(
        connection_test=(200,),  # entra_match_username [doc]: 200 with totalResults 0
        patch_user=(200, 204),
        patch_group=(200, 204),  # entra_group_rename, entra_member_add [doc]: 204
        delete_user=(204,),  # entra_delete [doc]
    ),
)
"""Entra's profile without ``aadOptscim062020`` (the default a new app gets)."""

ENTRA_FLAG_KNOBS: dict[str, str] = {
    "patch_op_case": "lower",  # entra_flag_forms [doc]
    "active_as_string": "false",  # entra_flag_forms [doc]
    "update_style": "patch_value",  # entra_flag_multi_replace [doc]
    "member_remove_style": "path_filter",  # entra_flag_member_remove [doc]
}
"""What ``aadOptscim062020`` changes, knob by knob (``--set`` text)."""

ENTRA_FLAGGED = replace(
    ENTRA,
    name="entra-aadoptscim062020",
    patch_op_case="lower",
    active_as_string=False,
    update_style="patch_value",
    member_remove_style="path_filter",
)
"""Entra with the flag in its tenant URL."""

ENTRA_SETTINGS = AppSettings(deletion_action="delete", suspension_action="suspend", unassign_action="suspend")
"""entra_delete, entra_unassign_disables [doc]."""

ENTRA_TEMPLATE = TemplateChoice(name="entra-v2", emails="list")
"""entra_create_body [doc]."""
