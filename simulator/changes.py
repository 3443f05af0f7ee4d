"""Changes an admin or HR makes in the OneLogin directory, and the events they trigger.

Each change edits a :class:`~simulator.tenant.OneLoginUser` the way it happens in a real tenant
(a promotion, a marriage, a new phone, a move to another department, a new manager) and returns
the triggers that follow: an ``update`` push, plus role changes when the department's role moves with
it. New values come from the tenant's own seeded faker pools, oddities included.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from simulator import names
from simulator.tenant import OneLoginUser, Tenant
from simulator.triggers import Trigger

Change = Callable[[Tenant, OneLoginUser, random.Random], list[Trigger]]
MARRIED_NAMES = ("O'Neil", "Müller-Lüdenscheidt", "Nakamura", "da Silva Santos", "Łukasiewicz", "Ng")


def new_title(tenant: Tenant, user: OneLoginUser, rng: random.Random) -> list[Trigger]:
    """A promotion, or a new job title from the user's locale."""
    if user.title and not user.title.startswith("Senior ") and rng.random() < 0.5:
        user.title = f"Senior {user.title}"
    else:
        user.title = rng.choice(names.pools(user.locale, tenant.seed).titles)
    return [Trigger("update", user.id)]


def new_lastname(tenant: Tenant, user: OneLoginUser, rng: random.Random) -> list[Trigger]:
    """A family name change (the email, hence the userName, stays)."""
    pool = names.pools(user.locale, tenant.seed).last
    user.lastname = rng.choice(MARRIED_NAMES) if rng.random() < 0.3 else rng.choice(pool)
    return [Trigger("update", user.id)]


def new_phone(tenant: Tenant, user: OneLoginUser, rng: random.Random) -> list[Trigger]:
    """A new phone number (not in the default template: the push is the same body again)."""
    user.phone = rng.choice(names.pools(user.locale, tenant.seed).phones)
    return [Trigger("update", user.id)]


def new_manager(tenant: Tenant, user: OneLoginUser, rng: random.Random) -> list[Trigger]:
    """Reporting to someone else (any other user: SCIM's manager is just an id)."""
    manager = tenant.users[rng.randrange(len(tenant))]
    if manager.id == user.id or manager.id == user.manager_id:
        return []
    user.manager_id = manager.id
    return [Trigger("update", user.id)]


def new_department(tenant: Tenant, user: OneLoginUser, rng: random.Random) -> list[Trigger]:
    """A move to another department; the department's role (and so its group) moves along."""
    choices = [d for d in names.DEPARTMENTS if d != user.department]
    old, user.department = user.department, rng.choice(choices)
    triggers = [Trigger("update", user.id)]
    by_name = {r.name: r for r in tenant.roles}
    old_role, new_role = by_name.get(old), by_name[user.department]
    if old_role is not None and old_role.id in user.roles:
        user.roles = tuple(sorted({*user.roles, new_role.id} - {old_role.id}))
        triggers += [
            Trigger("role_removed", user.id, old_role.id),
            Trigger("role_added", user.id, new_role.id),
        ]
    return triggers


def toggle_extra_role(tenant: Tenant, user: OneLoginUser, rng: random.Random) -> list[Trigger]:
    """A role given or taken away (VPN Users, Contractors, ...): one group push."""
    role = rng.choice(tenant.roles)
    if role.id in user.roles:
        user.roles = tuple(r for r in user.roles if r != role.id)
        return [Trigger("role_removed", user.id, role.id)]
    user.roles = tuple(sorted((*user.roles, role.id)))
    return [Trigger("role_added", user.id, role.id)]


ATTRIBUTE_CHANGES: tuple[tuple[Change, int], ...] = (
    (new_title, 35),
    (new_lastname, 15),
    (new_phone, 10),
    (new_department, 25),
    (new_manager, 15),
)
"""Attribute changes with their relative weights."""


def attribute_change(tenant: Tenant, user: OneLoginUser, rng: random.Random) -> list[Trigger]:
    """One attribute change drawn by weight, with the triggers it causes."""
    changes, weights = zip(*ATTRIBUTE_CHANGES, strict=True)
    change: Change = rng.choices(changes, weights)[0]
    return change(tenant, user, rng)
