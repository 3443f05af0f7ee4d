"""The storage contract of the reference server.

Business rules (ids, ``meta``, validation, ETags, deprovisioning) live above this line; a store
only keeps documents and the app-side domain's records (:mod:`reference_server.storage.records`),
indexes them and answers queries, inside transactions. One transaction holds both, so a
deprovisioning commits with the user change that caused it. Every implementation passes the same
contract tests (``tests/reference_server/test_storage_contract.py``), so a PostgreSQL backend is a
new module, not a rewrite.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from reference_server.storage.records import DomainTransaction

if TYPE_CHECKING:
    from reference_server.filters import Filter

Kind = Literal["User", "Group"]
Doc = dict[str, Any]


class UniquenessConflict(Exception):
    """An insert or update would duplicate a unique attribute (``userName``, group ``displayName``)."""

    def __init__(self, kind: Kind, attribute: str) -> None:
        super().__init__(f"a {kind} with this {attribute} already exists")
        self.kind = kind
        self.attribute = attribute


class UnknownMember(Exception):
    """A group member refers to no existing user."""

    def __init__(self, member_id: str) -> None:
        super().__init__(f"no User with id {member_id!r}")
        self.member_id = member_id


@dataclass(frozen=True)
class Query:
    """One page of a filtered, sorted query. ``start_index`` is 1-based (RFC 7644 §3.4.2.4)."""

    filter: Filter | None = None
    sort_by: str | None = None
    descending: bool = False
    start_index: int = 1
    count: int = 100
    members: bool = True
    """Whether Group documents carry ``members`` (skipped when excluded, as Entra asks)."""
    lenient: bool = False
    """Attributes the resource type lacks read as unassigned instead of failing the filter
    (for queries at the server root, which span types)."""


class Transaction(DomainTransaction, Protocol):
    """Reads and writes inside one transaction: SCIM resources here, the app-side domain's records
    through :class:`~reference_server.storage.records.DomainTransaction`.

    Documents handed out carry the derived attributes: a User its ``groups`` (``value``,
    ``display``, ``type``), a Group its ``members`` (``value``, ``display``, ``type``). A Group
    handed in carries ``members`` with at least ``value``; a User's ``groups`` is ignored. A
    member's ``display`` is the one given when it joined, else the user's displayName or userName.
    Deleting a User deletes its memberships and its own grants; deleting a Group its memberships
    and its grants.
    """

    def get(self, kind: Kind, resource_id: str) -> Doc | None: ...

    def insert(self, kind: Kind, doc: Doc) -> None: ...

    def update(self, kind: Kind, doc: Doc) -> None: ...

    def delete(self, kind: Kind, resource_id: str) -> bool: ...

    def search(self, kind: Kind, query: Query) -> tuple[int, list[Doc]]: ...

    def group_ids_of(self, user_id: str) -> list[str]: ...

    def missing_users(self, user_ids: Sequence[str]) -> list[str]: ...

    def leave_all_groups(self, user_id: str, now: str) -> list[str]:
        """Take the user out of every group, bumping each group's version; the group ids."""
        ...

    def version(self, kind: Kind, resource_id: str) -> int | None:
        """The resource's version counter, without reading the resource; None if it is absent."""
        ...

    def change_members(
        self,
        group_id: str,
        add: Sequence[str],
        remove: Sequence[str],
        now: str,
        displays: Mapping[str, str] | None = None,
    ) -> tuple[list[str], list[str]]:
        """Add and remove members by id; the ids really added and removed. A change bumps the
        group's version and lastModified. Raises :class:`UnknownMember` for an added id that is
        no User. ``displays`` (member id → display) is kept for the members this adds; a member
        already there keeps the display it has (RFC 7643 §4.2: member sub-attributes are
        immutable)."""
        ...


class Store(Protocol):
    """A document store with read and write transactions."""

    def read(self) -> AbstractContextManager[Transaction]: ...

    def write(self) -> AbstractContextManager[Transaction]: ...

    def close(self) -> None: ...


def iter_member_ids(doc: Doc) -> Iterator[str]:
    """The ``value`` of each member of a Group document, in order."""
    for member in doc.get("members") or ():
        yield str(member["value"])


def member_displays(doc: Doc) -> dict[str, str]:
    """Member id → the non-empty ``display`` a Group document gives it (the first one wins)."""
    out: dict[str, str] = {}
    for member in doc.get("members") or ():
        display = member.get("display")
        if isinstance(display, str) and display:
            out.setdefault(str(member["value"]), display)
    return out
