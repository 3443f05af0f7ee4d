"""The OneLogin tenant: users, roles mapped to groups, app assignments and the app's settings.

``Tenant.generate(users, seed)`` is reproducible: the same seed (and faker version) gives the same
tenant, user for user. Users are small ``__slots__`` records whose strings mostly come from shared
faker pools (see :mod:`simulator.names`); derived values (display name, custom fields, groups) are
computed on demand rather than stored, so 100,000 users stay within tens of megabytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from simulator import names
from simulator.names import Oddities
from simulator.settings import AppSettings

EXTRA_ROLES = ("Admins", "Contractors", "VPN Users", "Équipe Paris", "Finance (EMEA)")
_EXTRA_ROLE_RATE = 0.08
_SUSPENDED_RATE = 0.02
_ASSIGNED_RATE = 0.95


@dataclass(slots=True)
class OneLoginUser:
    """One OneLogin user. Mutable: events in OneLogin change title, state, roles, assignment."""

    id: int
    username: str
    email: str
    firstname: str
    lastname: str
    phone: str = ""
    title: str = ""
    department: str = ""
    manager_id: int | None = None
    roles: tuple[int, ...] = ()
    suspended: bool = False
    assigned: bool = True
    locale: str = "en_US"
    extra_fields: tuple[tuple[str, str], ...] = ()

    @property
    def display_name(self) -> str:
        """``{$user.display_name}``: first + last, exactly as stored (stray whitespace included)."""
        return f"{self.firstname} {self.lastname}"

    def custom_fields(self) -> dict[str, str]:
        """Custom user fields: two derived ones, overridden or extended by ``extra_fields``."""
        derived = {
            "employee_number": f"E{self.id % 10_000_000:07d}",
            "cost_center": f"CC-{self.department[:3].upper()}" if self.department else "",
        }
        derived.update(self.extra_fields)
        return derived


@dataclass(frozen=True, slots=True)
class Role:
    """A OneLogin role and the app group its mapping rule gives."""

    id: int
    name: str
    group: str


class Tenant:
    """A OneLogin tenant: its users (ordered), its roles and the app's provisioning settings."""

    __slots__ = ("_by_id", "_by_scim_name", "roles", "seed", "settings", "users")

    def __init__(
        self, users: Sequence[OneLoginUser], roles: Sequence[Role], settings: AppSettings, seed: int = 0
    ) -> None:
        self.users: list[OneLoginUser] = list(users)
        self.roles: tuple[Role, ...] = tuple(roles)
        self.settings = settings
        self.seed = seed
        self._by_id: dict[int, int] | None = None
        self._by_scim_name: dict[str, int] | None = None

    @classmethod
    def generate(
        cls, users: int, seed: int, settings: AppSettings | None = None, oddities: Oddities | None = None
    ) -> Tenant:
        """``users`` users from ``seed``; the same arguments give an identical tenant."""
        settings = settings or AppSettings()
        odd = oddities or Oddities()
        rng = random.Random(seed)
        role_names = (*names.DEPARTMENTS, *EXTRA_ROLES)
        first_role_id = rng.randrange(100_000, 900_000)
        roles = [Role(first_role_id + i, n, settings.group_name(n)) for i, n in enumerate(role_names)]
        dept_role = {n: first_role_id + i for i, n in enumerate(names.DEPARTMENTS)}
        extra_ids = [first_role_id + len(names.DEPARTMENTS) + i for i in range(len(EXTRA_ROLES))]
        first_id = rng.randrange(10_000_000, 90_000_000)
        used_emails: set[str] = set()
        used_usernames: set[str] = set()
        role_sets: dict[tuple[int, ...], tuple[int, ...]] = {}  # interned: few distinct role sets
        people: list[OneLoginUser] = []
        for i in range(users):
            locale = names.pick_locale(rng)
            pool = names.pools(locale, seed)
            first, last = names.odd_names(rng, pool, odd)
            email = _unique_email(rng, first, last, odd, used_emails)
            username = _unique_username(rng, first, last, email, used_usernames)
            department = "" if rng.random() < odd.no_department else rng.choice(names.DEPARTMENTS)
            role_ids = tuple(
                sorted(
                    ([dept_role[department]] if department and rng.random() < 0.9 else [])
                    + [r for r in extra_ids if rng.random() < _EXTRA_ROLE_RATE]
                )
            )
            people.append(
                OneLoginUser(
                    id=first_id + i,
                    username=username,
                    email=email,
                    firstname=first,
                    lastname=last,
                    phone="" if rng.random() < odd.no_phone else rng.choice(pool.phones),
                    title="" if rng.random() < odd.no_title else rng.choice(pool.titles),
                    department=department,
                    # managers come earlier in the list, so the reporting lines form a tree
                    manager_id=first_id + rng.randrange(max(1, i // 4))
                    if i and rng.random() < odd.manager
                    else None,
                    roles=role_sets.setdefault(role_ids, role_ids),
                    suspended=rng.random() < _SUSPENDED_RATE,
                    assigned=rng.random() < _ASSIGNED_RATE,
                    locale=locale,
                )
            )
        return cls(people, roles, settings, seed)

    def __len__(self) -> int:
        return len(self.users)

    def __iter__(self) -> Iterator[OneLoginUser]:
        return iter(self.users)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tenant):
            return NotImplemented
        return (self.users, self.roles, self.settings) == (other.users, other.roles, other.settings)

    __hash__ = None  # type: ignore[assignment]  # mutable, like its users

    def user(self, user_id: int) -> OneLoginUser:
        """The user with OneLogin id ``user_id`` (KeyError if there is none)."""
        if self._by_id is None:
            self._by_id = {u.id: i for i, u in enumerate(self.users)}
        return self.users[self._by_id[user_id]]

    def manager_of(self, user: OneLoginUser) -> OneLoginUser | None:
        """The user's manager, another user of this tenant, or None."""
        return None if user.manager_id is None else self.user(user.manager_id)

    def role(self, name: str) -> Role:
        """The role called ``name`` (KeyError if there is none)."""
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def roles_of(self, user: OneLoginUser, role_ids: Sequence[int] | None = None) -> tuple[Role, ...]:
        """The user's roles (or those of ``role_ids``), in role order."""
        wanted = set(user.roles if role_ids is None else role_ids)
        return tuple(r for r in self.roles if r.id in wanted)

    def groups_of(self, user: OneLoginUser, role_ids: Sequence[int] | None = None) -> tuple[str, ...]:
        """The app groups OneLogin puts the user in; one ``;``-joined name without the multi-value flag."""
        groups = [r.group for r in self.roles_of(user, role_ids)]
        if groups and not self.settings.groups_multi_value:
            return (";".join(groups),)
        return tuple(groups)

    def scim_username(self, user: OneLoginUser) -> str:
        """``{$parameters.scimusername}``: the email or the username, as the app is configured."""
        return user.email if self.settings.scim_username_source == "email" else user.username

    def find_by_scim_username(self, name: str) -> OneLoginUser | None:
        """The user whose SCIM username is ``name`` (case-insensitive), as an import matches them."""
        key = name.strip().lower()
        for attempt in range(2):
            if self._by_scim_name is None or attempt:
                # built on first use; rebuilt once on a miss in case usernames were edited since
                self._by_scim_name = {
                    self.scim_username(u).strip().lower(): i for i, u in enumerate(self.users)
                }
            index = self._by_scim_name.get(key)
            if index is not None and self.scim_username(self.users[index]).strip().lower() == key:
                return self.users[index]
        return None


def _unique_email(rng: random.Random, first: str, last: str, odd: Oddities, used: set[str]) -> str:
    local, domain = names.email_local(first, last), names.pick_domain(rng)
    candidate, n = local, 1
    while f"{candidate}@{domain}" in used:
        n += 1
        suffix = str(n)
        candidate = local[: names.EMAIL_LOCAL_MAX - len(suffix)] + suffix
    used.add(f"{candidate}@{domain}")
    if rng.random() < odd.plus_address and len(candidate) <= names.EMAIL_LOCAL_MAX - 10:
        # the tag comes after the uniqueness check: ana@ is taken, so ana+scim@ is unique too
        candidate = f"{candidate}+{rng.choice(names.PLUS_TAGS)}"
    if rng.random() < odd.mixed_case_email:
        return names.mixed_case(candidate, domain)
    return f"{candidate}@{domain}"


def _unique_username(rng: random.Random, first: str, last: str, email: str, used: set[str]) -> str:
    style = rng.random()
    if style < 0.55 and email.lower() not in used:
        used.add(email.lower())
        return email
    local = names.email_local(first, last)
    base = local if style < 0.8 else (local[:1] + local.partition(".")[2].replace(".", ""))[:20] or local
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{base}{n}"
    used.add(candidate.lower())
    return candidate
