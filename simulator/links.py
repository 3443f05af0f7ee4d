"""What the IdP remembers about the app: the app-side id each user and group is linked to.

OneLogin links a user when it creates it (the ``id`` of the 201) or finds it by userName, and a group
when it creates or looks it up; later requests address those ids. Plans read and update these maps;
the engine keeps each user's events in order, so a user's entry is only touched by one plan at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Links:
    """OneLogin user id → app SCIM id, and group displayName → app SCIM id."""

    users: dict[int, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)

    def user(self, user_id: int) -> str | None:
        """The app id linked to OneLogin user ``user_id``, or None."""
        return self.users.get(user_id)

    def link_user(self, user_id: int, scim_id: str) -> None:
        """Remember that OneLogin user ``user_id`` is ``scim_id`` in the app."""
        self.users[user_id] = scim_id

    def unlink_user(self, user_id: int) -> None:
        """Forget the user's app id (after a DELETE, or when the app no longer has it)."""
        self.users.pop(user_id, None)

    def group(self, name: str) -> str | None:
        """The app id of group ``name``, or None."""
        return self.groups.get(name)

    def link_group(self, name: str, scim_id: str) -> None:
        """Remember that group ``name`` is ``scim_id`` in the app."""
        self.groups[name] = scim_id
