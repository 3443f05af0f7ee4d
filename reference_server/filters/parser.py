"""A recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).

RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters are case
insensitive", and "the operators ... in order of precedence: grouping '()', logical 'not',
'and', 'or'"; "not" takes a parenthesised filter (``*1"not" "(" FILTER ")"``). A malformed filter
is 400 ``invalidFilter`` (Table 9), a malformed PATCH path 400 ``invalidPath`` (§3.5.2); the
detail says what was expected and at which column. Length and nesting are bounded, so no input
can exhaust the stack or the CPU.
"""

from __future__ import annotations

import re
from typing import NoReturn, cast

from reference_server.errors import ScimError, ScimType
from reference_server.filters.ast import (
    COMPARE_OPS,
    And,
    CompareOp,
    Comparison,
    Filter,
    Not,
    Or,
    PatchPath,
    Present,
    Value,
    ValuePath,
)
from reference_server.filters.lexer import LexError, Token, tokenize

MAX_LENGTH = 4096
"""Longest filter or path accepted, in characters."""
MAX_DEPTH = 50
"""Deepest nesting of ``(...)``, ``not (...)`` and ``[...]`` accepted."""

_NAME = r"\$?[A-Za-z][A-Za-z0-9_\-]*"
# RFC 7644 §3.10: [URN ":"] ATTRNAME ["." subAttr]; the URN itself may hold dots ("2.0").
_ATTR_PATH = re.compile(rf"(?:(?i:urn):[A-Za-z0-9][A-Za-z0-9._:\-]*:)?{_NAME}(?:\.{_NAME})?")
_SUB_ATTR = re.compile(_NAME)
_LITERALS: dict[str, Value] = {"true": True, "false": False, "null": None}
# The shape of nearly every filter an identity provider sends (``userName eq "…"``): one word, an
# operator, a string literal without escapes or control characters (so its JSON value is its
# text), blanks around them. What it matches, the full parser reads as the same Comparison.
_SIMPLE = re.compile(
    r'[ \t\r\n]*([A-Za-z_$][A-Za-z0-9_$:.\-]*)[ \t\r\n]+([A-Za-z]{2})[ \t\r\n]+"([^"\\\x00-\x1f]*)"[ \t\r\n]*'
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_OPERATORS = "eq, ne, co, sw, ew, gt, ge, lt, le or pr"


class _Parser:
    def __init__(self, text: str, scim_type: ScimType, what: str) -> None:
        self.scim_type = scim_type
        self.what = what
        if len(text) > MAX_LENGTH:
            self.fail(f"it is longer than {MAX_LENGTH} characters", None)
        if not text.strip():
            self.fail("it is empty", None)
        try:
            self.tokens = tokenize(text)
        except LexError as exc:
            self.fail(exc.message, exc.column)
        self.pos = 0
        self.depth = 0

    def fail(self, message: str, where: Token | int | None) -> NoReturn:
        column = where.column if isinstance(where, Token) else where
        at = f" at column {column}" if column is not None else ""
        raise ScimError(400, f"invalid {self.what}: {message}{at}", self.scim_type)

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        if token.kind != "end":
            self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text.lower() == word

    def open(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"it nests deeper than {MAX_DEPTH} levels", token)

    def close(self, kind: str, opened: Token) -> None:
        token = self.advance()
        if token.kind != kind:
            self.fail(
                f"expected {kind!r} to close the {opened.text!r} at column {opened.column}, "
                f"found {token.describe()}",
                token,
            )
        self.depth -= 1

    # FILTER, by precedence: or < and < not / grouping < attribute expressions.

    def parse_or(self, in_value_path: bool) -> Filter:
        operands = [self.parse_and(in_value_path)]
        while self.keyword("or"):
            self.advance()
            operands.append(self.parse_and(in_value_path))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self, in_value_path: bool) -> Filter:
        operands = [self.parse_unary(in_value_path)]
        while self.keyword("and"):
            self.advance()
            operands.append(self.parse_unary(in_value_path))
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self, in_value_path: bool) -> Filter:
        token = self.peek()
        if token.kind == "(":
            self.advance()
            self.open(token)
            inner = self.parse_or(in_value_path)
            self.close(")", token)
            return inner
        if token.kind == "word" and token.text.lower() == "not" and self.peek(1).kind == "(":
            self.advance()
            opened = self.advance()
            self.open(opened)
            inner = self.parse_or(in_value_path)
            self.close(")", opened)
            return Not(inner)
        if token.kind == "word":
            return self.parse_attr_exp(in_value_path)
        self.fail(f"expected an attribute path, '(' or 'not (', found {token.describe()}", token)

    def parse_attr_exp(self, in_value_path: bool) -> Filter:
        token = self.advance()
        path = self.attr_path(token)
        following = self.peek()
        if following.kind == "[":
            if in_value_path:
                self.fail("value filters cannot be nested", following)
            self.advance()
            self.open(following)
            inner = self.parse_or(True)
            self.close("]", following)
            return ValuePath(path, inner)
        if following.kind == "word":
            op = following.text.lower()
            if op == "pr":
                self.advance()
                return Present(path)
            if op in COMPARE_OPS:
                self.advance()
                return Comparison(path, op, self.parse_value(following))
        if token.text.lower() == "not":
            self.fail("'not' must be followed by a parenthesised filter", following)
        self.fail(
            f"expected an operator ({_OPERATORS}) after {path!r}, found {following.describe()}", following
        )

    def parse_value(self, op: Token) -> Value:
        token = self.advance()
        if token.kind == "string":
            return cast(str, token.value)
        if token.kind == "number":
            return cast(int | float, token.value)
        if token.kind == "word" and token.text.lower() in _LITERALS:
            return _LITERALS[token.text.lower()]
        self.fail(
            f'expected a value (a "string", a number, true, false or null) after {op.text!r}, '
            f"found {token.describe()}",
            token,
        )

    def attr_path(self, token: Token) -> str:
        if token.kind != "word" or not _ATTR_PATH.fullmatch(token.text):
            self.fail(f"{token.describe()} is not an attribute path", token)
        return token.text

    def expect_end(self, message: str) -> None:
        token = self.peek()
        if token.kind != "end":
            self.fail(f"{message}, found {token.describe()}", token)


def attr_path_syntax_ok(text: str) -> bool:
    """Whether ``text`` has the form of an attribute path: ``[URN ":"] attr ["." sub]``."""
    return _ATTR_PATH.fullmatch(text) is not None


def parse_filter(text: str) -> Filter:
    """The syntax tree of the filter ``text``.

    Raises :class:`ScimError` 400 ``invalidFilter`` for anything malformed, and nothing else.
    Attribute paths are checked for syntax only; :func:`~reference_server.filters.bind` checks
    them against a resource type.
    """
    simple = _simple_comparison(text)
    if simple is not None:
        return simple
    parser = _Parser(text, "invalidFilter", "filter")
    node = parser.parse_or(False)
    parser.expect_end("expected 'and', 'or' or the end of the filter")
    return node


def _simple_comparison(text: str) -> Comparison | None:
    """``attrPath op "string"`` read without the tokenizer, or None to leave ``text`` to the parser.

    Every lookup an identity provider sends has this shape with a fresh value, so a cache keyed by
    the text would never hit; this is the cached parse of that shape. Anything unusual (escapes,
    numbers, another operator, a surrogate) goes to the parser, which also words the errors.
    """
    if len(text) > MAX_LENGTH:
        return None
    match = _SIMPLE.fullmatch(text)
    if match is None:
        return None
    path, op, value = match.groups()
    op = op.lower()
    if op not in COMPARE_OPS or not _ATTR_PATH.fullmatch(path) or _SURROGATE.search(value):
        return None
    return Comparison(path, cast(CompareOp, op), value)


def parse_patch_path(text: str) -> PatchPath:
    """The parts of a PATCH ``path``: ``attrPath / valuePath [subAttr]`` (RFC 7644 §3.5.2).

    Raises :class:`ScimError` 400 ``invalidPath`` for anything malformed, including a malformed
    filter inside the brackets. The attribute is not resolved here.
    """
    parser = _Parser(text, "invalidPath", "PATCH path")
    attr = parser.attr_path(parser.advance())
    opened = parser.peek()
    if opened.kind != "[":
        parser.expect_end("expected '[' or the end of the path")
        return PatchPath(attr)
    parser.advance()
    parser.open(opened)
    value_filter = parser.parse_or(True)
    parser.close("]", opened)
    sub: str | None = None
    if parser.peek().kind == ".":
        parser.advance()
        token = parser.advance()
        if token.kind != "word" or not _SUB_ATTR.fullmatch(token.text):
            parser.fail(f"expected a sub-attribute name after '.', found {token.describe()}", token)
        sub = token.text
    parser.expect_end("expected '.subAttribute' or the end of the path")
    return PatchPath(attr, value_filter, sub)
