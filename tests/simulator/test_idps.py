"""The IdP registry: Okta's and Entra's profiles send what their facts say, and --idp picks them."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import (
    ENTRA,
    ENTRA_FLAG_KNOBS,
    ENTRA_FLAGGED,
    FACTS,
    IDPS,
    OKTA,
    Connector,
    IdpError,
    Role,
    Tenant,
    idp_profile,
    idp_tags,
    load_profile,
)
from simulator.idps import IDP_PROFILES
from simulator.tenant import OneLoginUser

ROOT = Path(__file__).resolve().parents[2]


def test_idp_tags_expand_all_keep_the_order_and_default_to_onelogin() -> None:
    assert idp_tags([]) == ("onelogin",)
    assert idp_tags(["all"]) == tuple(tag for tag, _ in IDPS)
    assert idp_tags(["entra", "OKTA"]) == ("okta", "entra")
    assert idp_tags(["okta,entra"]) == ("okta", "entra")
    with pytest.raises(IdpError, match="one of onelogin, okta, entra, all"):
        idp_tags(["ping"])


def test_each_idp_has_its_facts_with_certainty_and_source() -> None:
    assert len(idp_profile("okta").facts) >= 20 and len(idp_profile("entra").facts) >= 23
    for tag in ("okta", "entra"):
        for f in idp_profile(tag).facts:
            assert f.id.startswith(tag + "_") and f.certainty in ("doc", "seen", "guess", "?") and f.source
    assert FACTS["okta_put_echoes_get"].certainty == "guess"


def test_the_entra_flag_file_is_exactly_the_flagged_profile() -> None:
    base = IDP_PROFILES["entra"].base
    flagged = load_profile(ROOT / "docs/profiles/entra-aadoptscim062020.toml", base=base)
    knobs = {k for k in flagged.origins if k != "name"}
    assert knobs == set(ENTRA_FLAG_KNOBS)
    for knob in ENTRA_FLAG_KNOBS:
        assert getattr(flagged.profile, knob) == getattr(ENTRA_FLAGGED, knob) != getattr(ENTRA, knob)


def _connector(tag: str) -> tuple[Connector, OneLoginUser]:
    idp = idp_profile(tag)
    user = OneLoginUser(7, "ana", "ana@example.com", "Ana", "Souza", title="CTO", roles=(1,))
    tenant = Tenant([user], [Role(1, "Finance", "Finance")], idp.settings)
    connector = Connector(tenant, "t0k3n", idp.profile, idp.template.resolve(), seed=1)
    connector.links.link_user(7, "u-7")
    connector.links.link_group("Finance", "g-1")
    return connector, user


def test_okta_sends_its_documented_forms() -> None:
    okta, user = _connector("okta")
    test = next(okta.connection_test())
    assert (test.query, test.header("User-Agent")) == ("startIndex=1&count=2", "Okta SCIM Client 1.0.0")
    lookup = okta.requests.lookup_user("ana@example.com")
    assert lookup.query == "filter=userName%20eq%20%22ana%40example.com%22&startIndex=1&count=100"
    user.suspended = True
    deactivate = next(okta.suspend(user))
    assert deactivate.method == "PATCH"
    assert deactivate.json()["Operations"] == [{"op": "replace", "value": {"active": False}}]
    body = okta.requests.user_body(user, okta.tenant, okta.links)
    assert body["externalId"] == "7" and body["groups"] == [] and body["locale"] == "en-US"
    rename = okta.requests.rename_group("g-1", "New").json()["Operations"]
    assert rename == [{"op": "replace", "value": {"id": "g-1", "displayName": "New"}}]
    add = okta.requests.add_member("g-1", "u-7", display="ana@example.com").json()["Operations"][0]
    assert add["value"] == [{"value": "u-7", "display": "ana@example.com"}]
    assert OKTA.accepted.patch_user == (200, 204)
    user.assigned = False
    assert next(okta.unassign(user)).method == "PATCH"  # okta_no_delete: never DELETE


def test_entra_sends_its_unflagged_forms() -> None:
    entra, user = _connector("entra")
    user.suspended = True
    disable = next(entra.suspend(user))
    assert disable.header("ADSCIMVersion") == "6.0"
    assert disable.header("Content-Type") == "application/scim+json; charset=utf-8"
    assert disable.json()["Operations"] == [{"op": "Replace", "path": "active", "value": "False"}]
    update = next(entra.update(user)).json()["Operations"]
    assert {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ana@example.com"} in update
    group = entra.requests.create_group("Sales").json()
    assert (
        group["schemas"][1].endswith("ADSCIM/2.0/Group") and "externalId" in group and "members" not in group
    )
    remove = entra.requests.remove_member("g-1", "u-7").json()["Operations"]
    assert remove == [{"op": "Remove", "path": "members", "value": [{"value": "u-7"}]}]
    assert entra.requests.add_member("g-1", "u-7").json()["Operations"][0]["value"] == [
        {"$ref": None, "value": "u-7"}
    ]
    assert entra.requests.lookup_group("Sales").query.startswith("excludedAttributes=members&filter=")
    user.assigned = False
    assert next(entra.unassign(user)).method == "PATCH"  # entra_unassign_disables
    assert next(entra.delete(user)).method == "DELETE"  # entra_delete


def test_a_refused_status_cites_the_fact_of_the_idp_that_sent_it() -> None:
    from simulator.basis import STATUS, STATUS_BY_IDP, status_basis

    assert status_basis("OneLogin", "create_group") == STATUS["create_group"]
    okta, entra = status_basis(OKTA.idp_name, "patch_user"), status_basis(ENTRA.idp_name, "create_group")
    assert okta.startswith("Okta fact [doc]: a user PATCH may be answered")
    assert entra.startswith("Microsoft Entra ID fact [doc]: POST /Groups")
    assert all(set(table) == set(STATUS) for table in STATUS_BY_IDP.values())
    assert status_basis(ENTRA.idp_name, None) == ""
