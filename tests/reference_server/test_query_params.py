"""The direct path's query parameters are Litestar's (``Request.query_params``), pair for pair."""

from __future__ import annotations

import pytest
from litestar._parsers import parse_query_string

from reference_server.app import _query_params

QUERIES = [
    b"",
    b"filter=userName+eq+%22ann%40example.com%22&",
    b"filter=userName%20eq%20%22Ann%22&count=10&startIndex=2",
    b"a=1&a=2&b",
    b"&&=v&k=&=&&",
    b"f=a;b&g=x=y=z",
    b"x=%E9%zz&y=%C3%A9&z=%2B+%2b&w=%",
    b"%66ilter=a&FILTER=b",
    b"q=%F0%9F%98%80%F0%9F&r=%ED%A0%80",
    "é=1&attributes=na%C3%AFve".encode(),
    b"x=\xc3\xa9&y=%C3%A9",
]


@pytest.mark.parametrize("raw", QUERIES)
def test_query_parameters_are_litestars(raw: bytes) -> None:
    expected = list(parse_query_string(raw))
    got = _query_params(raw)
    assert list(got.items()) == expected
    for name, _ in expected:
        assert got.get(name) == dict(reversed(expected))[name]  # the first value, as Litestar's
