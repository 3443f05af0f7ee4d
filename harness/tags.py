"""``--tags`` expressions: Cucumber-style tag selection, checked before anything runs.

``@must and not @observer``, ``(@users or @groups) and @onelogin``: tags (with or without ``@``)
joined by ``and``, ``or``, ``not`` and parentheses — the Cucumber tag-expression grammar, which is
also the grammar of pytest's ``-m`` once the ``@`` are dropped. A malformed expression or a tag
no feature uses is a usage error here, with one line, rather than a run that selects nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(?:(\()|(\))|@?([A-Za-z_][\w.:-]*))")
_OPERATORS = frozenset({"and", "or", "not"})


class TagExpressionError(ValueError):
    """A malformed expression; the message says where."""


@dataclass(frozen=True)
class TagExpression:
    text: str
    """As the user wrote it."""
    marker_expression: str
    """The same expression for ``pytest -m``."""
    tags: frozenset[str]


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:].lstrip()
            column = len(text) - len(rest) + 1
            raise TagExpressionError(f"unexpected {rest[:1]!r} at position {column}")
        tokens.append(match.group(1) or match.group(2) or match.group(3))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over: expr := term ('or' term)*; term := factor ('and' factor)*;
    factor := 'not' factor | '(' expr ')' | tag."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.at, self.tags = tokens, 0, set[str]()

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise TagExpressionError("the expression ends too early")
        self.at += 1
        return token

    def expr(self) -> None:
        self.term()
        while self.peek() == "or":
            self.take()
            self.term()

    def term(self) -> None:
        self.factor()
        while self.peek() == "and":
            self.take()
            self.factor()

    def factor(self) -> None:
        word = self.take()
        if word == "not":
            self.factor()
        elif word == "(":
            self.expr()
            if self.take() != ")":
                raise TagExpressionError("a '(' is not closed")
        elif word == ")" or word in _OPERATORS:
            raise TagExpressionError(f"expected a tag, found {word!r}")
        else:
            self.tags.add(word)


def parse(text: str) -> TagExpression:
    """Check ``text`` and translate it for pytest's ``-m``."""
    tokens = _tokens(text)
    if not tokens:
        raise TagExpressionError("the expression is empty")
    parser = _Parser(tokens)
    parser.expr()
    if parser.peek() is not None:
        raise TagExpressionError(f"unexpected {parser.peek()!r} after a complete expression")
    return TagExpression(text, " ".join(tokens), frozenset(parser.tags))
