"""Okta's SCIM 2.0 client as a profile: the knobs set to what Okta's own reference shows.

Each value cites its fact (:mod:`simulator.facts`, ``okta_*``); every knob keeps its provenance for
``profile show``, and a run may still change any of them with ``--set``. Okta never deletes a user
[doc: okta_no_delete], so its app settings suspend on delete and unassign.
"""

from __future__ import annotations

from simulator.profile import AcceptedStatuses, Profile
from simulator.settings import AppSettings
from simulator.template import TemplateChoice

__all__ = ["OKTA", "OKTA_SETTINGS", "OKTA_TEMPLATE"]

OKTA = Profile(
    name="okta",
    idp_name="Okta",
    user_agent="Okta SCIM Client 1.0.0",  # okta_user_agent [doc]
    content_type="application/scim+json",  # [guess] the reference's examples are SCIM JSON
    filter_encoding="percent",  # okta_lookup_paging [doc]
    filter_suffix="&startIndex=1&count=100",  # okta_lookup_paging [doc]
    put_query=None,
    connection_test_style="page",  # okta_connection_test [seen]
    update_preceded_by_lookup=False,  # Okta updates the linked id
    update_reads_user=True,  # okta_update_put [doc], okta_put_echoes_get [guess]
    suspend_style="patch",  # okta_deactivate_patch [doc]
    reactivate_style="patch",  # okta_reactivate_patch [doc]
    assign_pushes_groups=True,
    member_add_style="display",
    group_rename_style="value_with_id",  # okta_group_rename [doc]  # okta_member_patch [doc]
    member_remove_style="path_filter",  # okta_member_patch [doc]
    require_name_in_create_response=False,  # okta_create_response: an id is what Okta needs
    import_page_size=100,  # okta_import_paging [doc]
    groups_page_size=100,  # okta_groups_paging [doc]
    duplicate_group_400_means_exists=False,
    accepted=AcceptedStatuses(connection_test=(200,), patch_user=(200, 204)),  # okta_patch_answer [doc]
)
"""Okta's profile (an OIN app: PATCH deactivation, PUT profile updates)."""

OKTA_SETTINGS = AppSettings(deletion_action="suspend", suspension_action="suspend")
"""okta_no_delete [doc]: delete and unassign become active=false."""

OKTA_TEMPLATE = TemplateChoice(name="okta-v2", emails="list")
"""okta_create_body [doc]."""
