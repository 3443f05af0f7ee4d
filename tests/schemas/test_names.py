"""Attribute names are case-insensitive (RFC 7643 §2.1): every spelling finds the same definition,
and a name the schema lacks finds none."""

from __future__ import annotations

from schemas import GROUP_TYPE, USER_TYPE


def _spellings(name: str) -> set[str]:
    return {name, name.lower(), name.upper(), name.swapcase(), name[:1].upper() + name[1:]}


def test_every_spelling_of_a_name_finds_its_attribute() -> None:
    for rtype in (USER_TYPE, GROUP_TYPE):
        for schema in rtype.schemas:
            for attribute in schema:
                for spelling in _spellings(attribute.name):
                    assert schema.attribute(spelling) is attribute, (schema.id, spelling)
                for sub in attribute.sub_attributes:
                    for spelling in _spellings(sub.name):
                        assert attribute.sub(spelling) is sub, (attribute.name, spelling)
                assert attribute.sub(attribute.name + "x") is None
            assert schema.attribute("nope") is None
            assert schema.attribute("") is None
