"""Tokens of the SCIM filter language (RFC 7644 §3.4.2.2).

"compValue = false / null / true / number / string ; rules from JSON (RFC 7159)": string
literals are JSON strings (escapes included) and numbers JSON numbers. Attribute paths and
keywords are one kind of token, a *word*; which one a word is depends on where it stands, so an
attribute may be called ``pr`` or ``and`` without confusing the parser.

Whitespace between tokens is optional (the ABNF's single SP is accepted as any run of blanks).
Every failure is a :class:`LexError` carrying the 1-based column; the parser turns it into the
right SCIM error.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["word", "string", "number", "(", ")", "[", "]", ".", "end"]

_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$:.\-]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD_CHAR = re.compile(r"[A-Za-z0-9_$:.\-]")
_BLANK = " \t\r\n"
_INT64 = 2**63
_PUNCTUATION: dict[str, TokenKind] = {"(": "(", ")": ")", "[": "[", "]": "]", ".": "."}


class LexError(Exception):
    """A malformed token; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    """The source text of the token."""
    value: str | int | float | None
    """The decoded value of a string or number literal."""
    start: int
    """0-based offset of the first character."""

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def column(self) -> int:
        return self.start + 1

    def describe(self) -> str:
        if self.kind == "end":
            return "the end"
        shown = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return repr(shown)


def describe_char(ch: str) -> str:
    """A character as it can safely be shown in an error detail (lone surrogates included)."""
    return f"{ch!r}" if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else f"U+{ord(ch):04X}"


def _string(text: str, start: int) -> Token:
    end = start + 1
    while end < len(text) and text[end] != '"':
        end += 2 if text[end] == "\\" else 1
    if end >= len(text):
        raise LexError("unterminated string literal", start + 1)
    end += 1
    try:
        value = json.loads(text[start:end])
    except json.JSONDecodeError as exc:
        message = exc.msg.removesuffix(" at")  # json's "Invalid control character at"
        raise LexError(f"malformed string literal: {message}", start + exc.pos + 1) from None
    for offset, ch in enumerate(value):
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise LexError(f"string literal holds an unpaired surrogate {describe_char(ch)}", start + 1)
        if ch == "\x00":
            # SQLite text functions stop at NUL; no SCIM value legitimately holds one.
            raise LexError(f"string literal holds U+0000 (at character {offset + 1})", start + 1)
    return Token("string", text[start:end], value, start)


def _number(text: str, start: int) -> Token:
    match = _NUMBER.match(text, start)
    if match is None:
        raise LexError("malformed number", start + 1)
    end = match.end()
    if end < len(text) and _WORD_CHAR.match(text, end):
        raise LexError("malformed number", start + 1)
    literal = match.group()
    value: int | float
    if any(c in literal for c in ".eE"):
        value = float(literal)
        if not math.isfinite(value):
            raise LexError(f"number {literal[:40]} is out of range", start + 1)
    else:
        value = int(literal)
        if not -_INT64 <= value < _INT64:
            raise LexError(f"integer {literal[:40]} is out of range (64-bit)", start + 1)
    return Token("number", literal, value, start)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token."""
    tokens: list[Token] = []
    pos, size = 0, len(text)
    while True:
        while pos < size and text[pos] in _BLANK:
            pos += 1
        if pos >= size:
            tokens.append(Token("end", "", None, size))
            return tokens
        ch = text[pos]
        if ch in _PUNCTUATION:
            token = Token(_PUNCTUATION[ch], ch, None, pos)
        elif ch == '"':
            token = _string(text, pos)
        elif ch == "-" or (ch.isdigit() and ch.isascii()):
            token = _number(text, pos)
        else:
            match = _WORD.match(text, pos)
            if match is None:
                raise LexError(f"unexpected character {describe_char(ch)}", pos + 1)
            token = Token("word", match.group(), None, pos)
        tokens.append(token)
        pos = token.end
