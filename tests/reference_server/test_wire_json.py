"""Request bodies: the compact fast path (msgspec) reads every body as the general path does.

``wire.parse_json`` takes a body that is exactly the compact JSON msgspec would write for its
value in C, and every other body through the stdlib decoder with its checks (duplicate members,
``NaN``, nesting). Whichever path a body takes, the value or the error must be the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_server import wire
from reference_server.errors import ScimError


def outcome(read: Any, raw: bytes) -> tuple[str, Any]:
    """What reading ``raw`` gives: ``("value", v as JSON text)`` or ``("error", (status,
    scimType, detail))``; as text, ``-0.0`` and ``0.0`` differ, and ``1`` and ``1.0``."""
    try:
        return "value", json.dumps(read(raw), allow_nan=True, sort_keys=False)
    except ScimError as exc:
        return "error", (exc.status, exc.scim_type, exc.detail)


def parse(raw: bytes) -> Any:
    return wire.parse_json(raw, "application/scim+json")


BODIES = [
    b'{"userName":"a@example.com","userName":"b@example.com"}',
    b'{"name":{"givenName":"A","givenName":"B"}}',
    b'{"emails":[{"value":"a@example.com","value":"b@example.com"}]}',
    b'{"a":NaN}',
    b'{"a":Infinity}',
    b'{"a":-0}',
    b'{"a":-0.0}',
    b'{"a":1e400}',
    b'{"a":123456789012345678901234567890}',
    b'{"a":1.10}',
    b'{"a":"\\u003a"}',
    b'{"a":"\\ud800"}',
    b'{"a":"x\\ny\\"z\\\\"}',
    b'{"a":"\xed\xa0\x80"}',
    b'{"a":"\xff"}',
    b'\xef\xbb\xbf{"a":1}',
    b'{"a":"\x01"}',
    b'{"a":"caf\xc3\xa9 \xe2\x80\xa8"}',
    b'{"a":true} ',
    b"null",
    b"[]",
    b'"x"',
    b"",
    b"   ",
    b"{",
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
]


@pytest.mark.parametrize("raw", BODIES, ids=range(len(BODIES)))
def test_every_body_reads_as_the_general_path_reads_it(raw: bytes) -> None:
    assert outcome(parse, raw) == outcome(wire._parse_general, raw)


def test_a_compact_body_with_a_duplicate_member_is_refused_by_name() -> None:
    with pytest.raises(ScimError) as caught:
        parse(b'{"schemas":[],"name":{"givenName":"A","givenName":"B"}}')
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidSyntax")
    assert "'givenName'" in caught.value.detail


def test_onelogin_s_compact_body_takes_the_fast_path() -> None:
    """The path this exists for: the bytes OneLogin sends are read without the general path."""
    raw = json.dumps(
        {"schemas": ["urn:scim:schemas:core:2.0"], "userName": "ana@example.com", "active": False},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    assert wire._canonical(raw) == json.loads(raw)
    assert wire._canonical(json.dumps(json.loads(raw)).encode()) is None  # spaced: the general path


KEYS = st.sampled_from(["a", "b", "userName", "urn:x:y", "é", '"', "\\", "\n"]) | st.text(max_size=4)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


def _with_a_duplicate(doc: Any) -> str | None:
    """``doc`` written compactly with its first object's first member written twice, or ``None``
    when it holds no non-empty object."""
    if isinstance(doc, dict) and doc:
        key, value = next(iter(doc.items()))
        rest = _compact(doc)[1:]
        return "{" + _compact(key) + ":" + _compact(value) + "," + rest
    for item in doc.values() if isinstance(doc, dict) else doc if isinstance(doc, list) else ():
        found = _with_a_duplicate(item)
        if found is not None:
            return _compact(doc).replace(_compact(item), found, 1)
    return None


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(doc=VALUES, ascii_only=st.booleans(), duplicate=st.booleans())
def test_generated_bodies_read_as_the_general_path_reads_them(
    doc: Any, ascii_only: bool, duplicate: bool
) -> None:
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=ascii_only)
    if duplicate:
        text = _with_a_duplicate(doc) or text
    raw = text.encode("utf-8", "surrogatepass")
    assert outcome(parse, raw) == outcome(wire._parse_general, raw)
