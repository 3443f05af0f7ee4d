"""The generated OneLogin tenant: reproducible, odd in the ways real directories are, and small."""

from __future__ import annotations

import tracemalloc

import pytest

from simulator import AppSettings, Oddities, OneLoginUser, Role, Tenant, parse_custom_headers
from simulator.names import EMAIL_LOCAL_MAX, LOCALES, pools
from simulator.plans import APPROVAL, EVENTS


@pytest.fixture(scope="module")
def tenant() -> Tenant:
    return Tenant.generate(1000, seed=42)


def test_same_seed_same_tenant() -> None:
    first, second = Tenant.generate(300, seed=7), Tenant.generate(300, seed=7)
    assert first == second
    assert [u.email for u in first] == [u.email for u in second]
    assert Tenant.generate(300, seed=8) != first


def test_ids_unique_and_addressable(tenant: Tenant) -> None:
    ids = [u.id for u in tenant]
    assert len(tenant) == 1000 and len(set(ids)) == 1000
    assert tenant.user(ids[500]) is tenant.users[500]
    with pytest.raises(KeyError):
        tenant.user(-1)


def test_usernames_and_emails_unique_case_insensitively() -> None:
    big = Tenant.generate(5000, seed=3)
    assert len({u.email.lower() for u in big}) == len(big)
    assert len({u.username.lower() for u in big}) == len(big)


def test_emails_are_well_formed(tenant: Tenant) -> None:
    for user in tenant:
        local, _, domain = user.email.partition("@")
        assert local and domain.lower().endswith(("example.com", "example.org")), user.email
        assert len(local) <= EMAIL_LOCAL_MAX and user.email.isascii() and user.email.count("@") == 1
        assert user.email == user.email.strip()


def _count(tenant: Tenant, predicate: object) -> int:
    assert callable(predicate)
    return sum(1 for u in tenant if predicate(u))


def test_oddities_are_present(tenant: Tenant) -> None:
    def names(u: OneLoginUser) -> str:
        return u.firstname + u.lastname

    assert _count(tenant, lambda u: not names(u).isascii()) > 100
    assert _count(tenant, lambda u: "'" in u.lastname) >= 10
    assert _count(tenant, lambda u: "-" in u.lastname) >= 20
    assert _count(tenant, lambda u: names(u) != u.firstname.strip() + u.lastname.strip()) >= 5
    assert _count(tenant, lambda u: len(u.lastname) >= 120) >= 1
    assert _count(tenant, lambda u: "+" in u.email.partition("@")[0]) >= 20
    assert _count(tenant, lambda u: u.email != u.email.lower()) >= 10
    assert _count(tenant, lambda u: u.manager_id is not None) > 700
    assert _count(tenant, lambda u: u.title == "") > 10
    assert _count(tenant, lambda u: u.phone == "") > 50
    assert _count(tenant, lambda u: "@" not in u.username) > 200
    assert _count(tenant, lambda u: u.suspended) >= 5
    assert _count(tenant, lambda u: not u.assigned) >= 20
    assert {u.locale for u in tenant} == {name for name, _ in LOCALES}


def test_oddities_can_be_switched_off() -> None:
    plain = Oddities(
        apostrophe=0, hyphenated=0, whitespace=0, long_name=0, plus_address=0, mixed_case_email=0
    )
    quiet = Tenant.generate(500, seed=1, oddities=plain)
    assert not any("+" in u.email or u.email != u.email.lower() for u in quiet)
    assert all(u.firstname == u.firstname.strip() and u.lastname == u.lastname.strip() for u in quiet)


def test_long_names_have_the_configured_length() -> None:
    tenant = Tenant.generate(50, seed=5, oddities=Oddities(long_name=1.0, long_name_length=120))
    assert all(len(u.lastname) == 120 for u in tenant)
    assert all(len(u.email.partition("@")[0]) <= EMAIL_LOCAL_MAX for u in tenant)


def test_managers_form_a_tree(tenant: Tenant) -> None:
    position = {u.id: i for i, u in enumerate(tenant)}
    for index, user in enumerate(tenant):
        manager = tenant.manager_of(user)
        if manager is not None:
            assert position[manager.id] < index
    assert tenant.manager_of(tenant.users[0]) is None


def test_roles_map_to_groups() -> None:
    settings = AppSettings(group_name_rule="app-{role}")
    tenant = Tenant.generate(200, seed=9, settings=settings)
    assert all(r.group == f"app-{r.name}" for r in tenant.roles)
    assert tenant.role("Équipe Paris").group == "app-Équipe Paris"
    with_roles = [u for u in tenant if u.roles]
    assert len(with_roles) > 150
    user = next(u for u in with_roles if len(u.roles) >= 2)
    assert tenant.groups_of(user) == tuple(r.group for r in tenant.roles_of(user))
    with pytest.raises(KeyError):
        tenant.role("Nope")


def test_without_multi_value_roles_join_into_one_group() -> None:
    roles = [Role(1, "Sales", "Sales"), Role(2, "VPN Users", "VPN Users")]
    user = OneLoginUser(10, "ana", "ana@example.com", "Ana", "Souza", roles=(1, 2))
    single = Tenant([user], roles, AppSettings(groups_multi_value=False))
    assert single.groups_of(user) == ("Sales;VPN Users",)
    assert Tenant([user], roles, AppSettings()).groups_of(user) == ("Sales", "VPN Users")
    assert single.groups_of(user, role_ids=()) == ()


def test_scim_username_source_and_lookup() -> None:
    user = OneLoginUser(10, "asouza", "Ana.Souza@example.com", "Ana", "Souza")
    by_email = Tenant([user], [], AppSettings())
    by_username = Tenant([user], [], AppSettings(scim_username_source="username"))
    assert by_email.scim_username(user) == "Ana.Souza@example.com"
    assert by_username.scim_username(user) == "asouza"
    assert by_email.find_by_scim_username("ana.souza@EXAMPLE.com") is user
    assert by_username.find_by_scim_username("ASOUZA") is user
    assert by_email.find_by_scim_username("asouza") is None
    user.email = "ana@example.com"  # edited after the index was built
    assert by_email.find_by_scim_username("ana@example.com") is user


def test_custom_fields_are_derived_and_overridable() -> None:
    user = OneLoginUser(1234, "a", "a@example.com", "A", "B", department="Engineering")
    assert user.custom_fields() == {"employee_number": "E0001234", "cost_center": "CC-ENG"}
    user.extra_fields = (("cost_center", "42"), ("badge", "7"))
    assert user.custom_fields() == {"employee_number": "E0001234", "cost_center": "42", "badge": "7"}
    assert user.display_name == "A B"


def test_approval_settings() -> None:
    settings = AppSettings(approve_create=True, approve_delete=True)
    held = {e for e in EVENTS if settings.needs_approval(APPROVAL[e])}
    assert held == {"assign", "unassign", "delete"}
    assert not AppSettings().needs_approval("create")


def test_parse_custom_headers() -> None:
    text = "Content-Type: application/scim+json\n\n  User-Agent: OneLogin SCIM  \nX-Trace: a:b\n"
    assert parse_custom_headers(text) == (
        ("Content-Type", "application/scim+json"),
        ("User-Agent", "OneLogin SCIM"),
        ("X-Trace", "a:b"),
    )
    with pytest.raises(ValueError, match="line 2"):
        parse_custom_headers("X-Ok: 1\nno colon here")
    with pytest.raises(ValueError, match="line 1"):
        parse_custom_headers("Bad Name: 1")


def test_memory_per_user_is_small() -> None:
    for locale, _ in LOCALES:
        pools(locale, 11)  # the shared pools are paid once per process, not per user
    tracemalloc.start()
    try:
        tenant = Tenant.generate(10_000, seed=11)
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 100,000 users must fit well under 300 MB with everything else: budget 600 bytes a user
    assert current / len(tenant) < 600, current / len(tenant)
