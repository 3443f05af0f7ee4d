"""The checklist as data: every ``@req_…`` tag a feature carries names a real row, with its clause."""

from __future__ import annotations

from schemas.checklist import REQUIREMENTS, requirement, requirement_ids
from steps.features import tags_in_features


def test_every_requirement_tag_in_the_features_is_a_checklist_row() -> None:
    unknown = sorted(t for t in tags_in_features() if t.startswith("req_") and requirement(t) is None)
    assert not unknown, f"tags naming no rfc-checklist.md row: {unknown}"


def test_a_row_cites_its_rfc_clause() -> None:
    r11 = requirement("@req_R_11")
    assert r11 is not None
    assert r11.basis == "R-11 (RFC 7643 §7, §8.7.1; RFC 7644 §3.4.2.5)"
    assert "returned: default" in r11.text
    m06 = requirement("M-06")
    assert m06 is not None and m06.clause == "RFC 7644 §3.5.2.2" and m06.tag == "req_M_06"
    assert all(row.clause.startswith("RFC ") for row in REQUIREMENTS.values())


def test_requirement_ids_keep_the_order_of_the_tags_and_drop_unknown_ones() -> None:
    assert requirement_ids(["must", "req_M_06", "req_Z_99", "@req_C_01"]) == ["M-06", "C-01"]
