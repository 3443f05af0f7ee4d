"""The single requests an IdP sends, built from its profile, the app's settings and the token.

Each builder returns the exact :class:`WireRequest` (URL form, headers, body bytes) for one
operation; the event plans chain them into conversations, and Gherkin steps call them directly for
"the request OneLogin would send". :func:`template_values` supplies the template's placeholders.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from schemas import urns
from simulator.links import Links
from simulator.profile import Operation, Profile
from simulator.settings import AppSettings
from simulator.template import CUSTOM_FIELD_PREFIX, Template
from simulator.tenant import OneLoginUser, Tenant
from simulator.wire import Headers, WireRequest


def template_values(
    user: OneLoginUser, tenant: Tenant, links: Links, profile: Profile
) -> Callable[[str], str]:
    """The value of each placeholder for ``user``: OneLogin's attribute names → this tenant's data."""
    manager = tenant.manager_of(user)
    simple = {
        "parameters.scimusername": tenant.scim_username(user),
        "parameters.title": user.title,
        "parameters.department": user.department,
        "user.firstname": user.firstname,
        "user.lastname": user.lastname,
        "user.display_name": user.display_name,
        "user.email": user.email,
        "user.phone": user.phone,
        "user.department": user.department,
        "user.title": user.title,
        "user.manager_firstname": manager.firstname if manager else "",
        "user.manager_lastname": manager.lastname if manager else "",
        "user.active": "false" if user.suspended else "true",
        "user.id": str(user.id),
        "user.guid": str(uuid.uuid5(_GUIDS, f"user:{user.id}")),
    }

    def value(name: str) -> str:
        if name.startswith(CUSTOM_FIELD_PREFIX):
            return user.custom_fields().get(name[len(CUSTOM_FIELD_PREFIX) :], "")
        if name == "parameters.external_manager_id":
            if manager is None:
                return ""
            if profile.manager_id_source == "onelogin_id":
                return str(manager.id)
            return links.user(manager.id) or ""
        return simple.get(name, "")

    return value


_GUIDS = uuid.UUID("5c1e0a37-6b1d-4e0c-9a57-3f0a1d1e2b7c")
"""Namespace of the stable GUIDs an Entra-like IdP sends as ``externalId`` (its object ids)."""

_NOT_PATCHED = frozenset({"schemas", "meta", "id", "externalId", "userName", "active"})
"""Template keys an attribute-change PATCH leaves out: protocol fields, the identity, and ``active``
(which only a suspension or reactivation sets)."""


def patch_paths(body: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, value) for each attribute of a rendered user body, as Entra addresses them [doc]:
    ``name.givenName``, ``emails[type eq "work"].value``, ``urn:…:User:department``."""
    found: list[tuple[str, Any]] = []
    for key, value in body.items():
        if key in _NOT_PATCHED or value in ([], {}, None):
            continue
        if isinstance(value, dict):
            joiner = ":" if key.startswith("urn:") else "."
            found += [
                (f"{key}{joiner}{sub}", v) for sub, v in value.items() if not isinstance(v, dict | list)
            ]
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and isinstance(item.get("type"), str) and "value" in item:
                    found.append((f'{key}[type eq "{item["type"]}"].value', item["value"]))
        else:
            found.append((key, value))
    return found


def _id(scim_id: str) -> str:
    # [guess] ids are appended percent-encoded; the usual UUIDs and integers are left unchanged
    return quote(scim_id, safe="")


@dataclass(frozen=True, slots=True)
class Requests:
    """Builds every request of one configured app: profile + settings + bearer token + template."""

    profile: Profile
    settings: AppSettings
    token: str = field(repr=False)  # a bearer token: never in a repr or a traceback
    template: Template

    def headers(self, with_body: bool) -> Headers:
        """Authorization, Content-Type (with a body), profile headers, then the admin's custom headers."""
        headers: list[tuple[str, str]] = [("Authorization", f"Bearer {self.token}")]
        if with_body:
            headers.append(("Content-Type", self.profile.content_type))
        if self.profile.user_agent is not None:
            headers.append(("User-Agent", self.profile.user_agent))
        if self.profile.accept is not None:
            headers.append(("Accept", self.profile.accept))
        headers += self.profile.extra_headers
        for name, value in self.settings.custom_headers:
            if name.lower() == "authorization":
                continue  # [guess] the SCIM Bearer Token field wins over a custom Authorization line
            # a custom header replaces the profile's header of the same name, in place
            same = [i for i, (n, _) in enumerate(headers) if n.lower() == name.lower()]
            if same:
                headers[same[0]] = (name, value)
            else:
                headers.append((name, value))
        return tuple(headers)

    def _request(
        self,
        method: str,
        path: str,
        operation: Operation,
        *,
        query: str | None = None,
        body: Any = None,
        event: str = "",
        user_id: int | None = None,
    ) -> WireRequest:
        data = None if body is None else self.profile.dumps(body)
        return WireRequest(
            method, path, query, self.headers(data is not None), data, event, user_id, operation
        )

    def user_body(
        self, user: OneLoginUser, tenant: Tenant, links: Links, active: bool | None = None
    ) -> dict[str, Any]:
        """The rendered template for ``user``, plus ``"active"`` when the event sets it."""
        body = self.template.render(
            template_values(user, tenant, links, self.profile), self.profile.empty_placeholder
        )
        if active is not None:
            body["active"] = self.profile.active(active)
        return body

    # --- users -------------------------------------------------------------------------------------
    def connection_test(self, user_name: str) -> WireRequest:
        """``GET /Users?filter=userName+eq+%22<random>%22&`` (API status → Enable), or Okta's
        ``GET /Users?startIndex=1&count=2``."""
        if self.profile.connection_test_style == "page":
            query = self.profile.paging_query(1, 2)
        else:
            query = self.profile.filter_query("userName", user_name)
        return self._request("GET", "/Users", "connection_test", query=query, event="connection_test")

    def lookup_user(self, user_name: str, event: str = "", user_id: int | None = None) -> WireRequest:
        """``GET /Users?filter=userName+eq+%22<scimusername>%22&``."""
        query = self.profile.filter_query("userName", user_name)
        return self._request("GET", "/Users", "lookup_user", query=query, event=event, user_id=user_id)

    def create_user(self, body: dict[str, Any], event: str = "", user_id: int | None = None) -> WireRequest:
        """``POST /Users`` with the rendered template."""
        return self._request("POST", "/Users", "create_user", body=body, event=event, user_id=user_id)

    def replace_user(
        self, scim_id: str, body: dict[str, Any], event: str = "", user_id: int | None = None
    ) -> WireRequest:
        """``PUT /Users/{id}?`` with the whole rendered template."""
        path = f"/Users/{_id(scim_id)}"
        return self._request(
            "PUT", path, "replace_user", query=self.profile.put_query, body=body, event=event, user_id=user_id
        )

    def set_active(
        self, scim_id: str, active: bool, event: str = "", user_id: int | None = None
    ) -> WireRequest:
        """``PATCH /Users/{id}`` with ``{"op": "replace", "value": {"active": …}}`` (no path), or
        ``{"op": "Replace", "path": "active", "value": …}`` when the profile addresses it (Entra)."""
        value = self.profile.active(active)
        operation: dict[str, Any] = (
            {"op": self.profile.op("replace"), "path": "active", "value": value}
            if self.profile.active_patch_path
            else {"op": self.profile.op("replace"), "value": {"active": value}}
        )
        return self._request(
            "PATCH",
            f"/Users/{_id(scim_id)}",
            "patch_user",
            body=self._patch(operation),
            event=event,
            user_id=user_id,
        )

    def patch_user(
        self, scim_id: str, body: dict[str, Any], event: str = "", user_id: int | None = None
    ) -> WireRequest:
        """``PATCH /Users/{id}`` carrying the body's attributes: one op per path (``patch_paths``), or
        one path-less replace whose value holds them all (``patch_value``)."""
        pairs = patch_paths(body)
        operations: list[dict[str, Any]]
        if self.profile.update_style == "patch_value":
            operations = [{"op": self.profile.op("replace"), "value": dict(pairs)}]
        else:
            operations = [{"op": self.profile.op("replace"), "path": p, "value": v} for p, v in pairs]
        return self._request(
            "PATCH",
            f"/Users/{_id(scim_id)}",
            "patch_user",
            body=self._patch(*operations),
            event=event,
            user_id=user_id,
        )

    def delete_user(self, scim_id: str, event: str = "", user_id: int | None = None) -> WireRequest:
        """``DELETE /Users/{id}``."""
        return self._request("DELETE", f"/Users/{_id(scim_id)}", "delete_user", event=event, user_id=user_id)

    def list_users(self, start_index: int | None, event: str = "import") -> WireRequest:
        """``GET /Users`` (with ``startIndex=…&count=…`` when the profile pages)."""
        size = self.profile.import_page_size
        query = None if size is None or start_index is None else self.profile.paging_query(start_index, size)
        return self._request("GET", "/Users", "list_users", query=query, event=event)

    # --- groups ------------------------------------------------------------------------------------
    def list_groups(self, start_index: int | None, event: str = "entitlement_refresh") -> WireRequest:
        """``GET /Groups`` (paged only when the profile says so)."""
        size = self.profile.groups_page_size
        query = None if size is None or start_index is None else self.profile.paging_query(start_index, size)
        return self._request("GET", "/Groups", "list_groups", query=query, event=event)

    def lookup_group(self, name: str, event: str = "", user_id: int | None = None) -> WireRequest:
        """``GET /Groups?filter=displayName+eq+%22<name>%22&``."""
        query = self.profile.filter_query("displayName", name)
        if self.profile.group_lookup_excludes_members:
            query = f"excludedAttributes=members&{query}"
        return self._request("GET", "/Groups", "lookup_group", query=query, event=event, user_id=user_id)

    def create_group(self, name: str, event: str = "", user_id: int | None = None) -> WireRequest:
        """``POST /Groups {"displayName": …}``."""
        body: dict[str, Any] = {"displayName": name}
        if self.profile.group_create_external_id:
            body = {
                "externalId": str(uuid.uuid5(_GUIDS, f"group:{name}")),
                **body,
                "meta": {"resourceType": "Group"},
            }
        if self.profile.group_create_schemas:
            schemas = [urns.GROUP]
            if self.profile.group_create_extra_schema:
                schemas.append(self.profile.group_create_extra_schema)
            body = {"schemas": schemas, **body}
        return self._request("POST", "/Groups", "create_group", body=body, event=event, user_id=user_id)

    def add_member(
        self,
        group_id: str,
        member_id: str,
        event: str = "",
        user_id: int | None = None,
        display: str | None = None,
    ) -> WireRequest:
        """``PATCH /Groups/{id}`` adding ``member_id`` to ``members`` (with ``display``, or ``$ref``,
        as the profile's ``member_add_style`` says)."""
        member: dict[str, Any] = {"value": member_id}
        if self.profile.member_add_style == "ref_null":
            member = {"$ref": None, "value": member_id}
        elif self.profile.member_add_style == "display" and display is not None:
            member = {"value": member_id, "display": display}
        operation = {"op": self.profile.op("add"), "path": "members", "value": [member]}
        return self._request(
            "PATCH",
            f"/Groups/{_id(group_id)}",
            "patch_group",
            body=self._patch(operation),
            event=event,
            user_id=user_id,
        )

    def rename_group(self, group_id: str, name: str, event: str = "") -> WireRequest:
        """``PATCH /Groups/{id}`` setting ``displayName``, in the profile's ``group_rename_style``."""
        operation: dict[str, Any] = {"op": self.profile.op("replace"), "path": "displayName", "value": name}
        if self.profile.group_rename_style == "value_with_id":
            operation = {"op": self.profile.op("replace"), "value": {"id": group_id, "displayName": name}}
        return self._request(
            "PATCH", f"/Groups/{_id(group_id)}", "patch_group", body=self._patch(operation), event=event
        )

    def read_group(self, group_id: str, event: str = "") -> WireRequest:
        """``GET /Groups/{id}`` (``?excludedAttributes=members`` when the profile's lookups say so)."""
        query = "excludedAttributes=members" if self.profile.group_lookup_excludes_members else None
        return self._request("GET", f"/Groups/{_id(group_id)}", "lookup_group", query=query, event=event)

    def read_user(self, scim_id: str, event: str = "", user_id: int | None = None) -> WireRequest:
        """``GET /Users/{id}`` (Okta reads the user before its PUT)."""
        return self._request("GET", f"/Users/{_id(scim_id)}", "read_user", event=event, user_id=user_id)

    def remove_member(
        self, group_id: str, member_id: str, event: str = "", user_id: int | None = None
    ) -> WireRequest:
        """``PATCH /Groups/{id}`` removing ``member_id``: by path filter, or with a value array."""
        operation: dict[str, Any] = {"op": self.profile.op("remove")}
        if self.profile.member_remove_style == "path_filter":
            operation["path"] = f'members[value eq "{member_id}"]'
        else:
            operation.update(path="members", value=[{"value": member_id}])
        return self._request(
            "PATCH",
            f"/Groups/{_id(group_id)}",
            "patch_group",
            body=self._patch(operation),
            event=event,
            user_id=user_id,
        )

    def _patch(self, *operations: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"Operations": list(operations)}
        if self.profile.patch_schemas:
            body = {"schemas": [urns.PATCH_OP], **body}
        return body
