"""Parsing: a query string -> a query tree, normalized exactly like report text.

Input: what the user typed, e.g. ``柔性执法 city:盘锦 -试点 (复议 OR 应诉) year:2019..2021``.
Output: a tree of ``Text``, ``Field``, ``Not``, ``And``, ``Or`` nodes, or ``QuerySyntaxError``
saying what is wrong and where.

Grammar (``OR``, ``AND``, ``NOT`` in capitals; juxtaposition is AND)::

    query  := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*
    unary  := ("-" | "NOT") unary | atom
    atom   := "(" or ")" | NAME ":" value | "quoted text" | word

A word or quoted text matches passages that contain it as an exact string; quotes only let a
string hold spaces or operator words. Field values: ``year:2021`` or ``year:2019..2021``;
``metric:出庭应诉率>=95`` (also ``>``, ``<``, ``<=``, ``=``); any other field takes a string.
Every string is put in search form (NFKC, lower case, Traditional -> Simplified).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.errors import QuerySyntaxError, UsageError
from indexer.normalizing import normalize_for_search
from indexer.schema import word_tokens

FIELDS = {
    "city": "prefecture-level city (盘锦, 盘锦市, 盤錦)",
    "province": "province (四川, 四川省)",
    "district": "district or county (巴南, 巴南区)",
    "year": "year the report is about (2021, 2019..2021)",
    "section": "text in the passage's section headings",
    "category": "section category (行政执法, 存在问题, ...)",
    "metric": "an indicator the passage states (出庭应诉率, 出庭应诉率>=95)",
    "report": "report id",
    "level": "province, city, district or department",
    "kind": "report or news",
}
_QUOTES = {'"': '"', "“": "”", "「": "」"}
_COMPARISON = re.compile(r"^(.*?)(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)%?$")


@dataclass(frozen=True)
class Text:
    value: str  # search form


@dataclass(frozen=True)
class Field:
    name: str
    value: str  # search form
    op: str | None = None  # metric comparisons: ">=", ">", "<=", "<", "="
    number: float | None = None
    year_range: tuple[int, int] | None = None


@dataclass(frozen=True)
class Words:
    """``--words`` mode: passages holding the jieba words of ``value``, in any order."""

    value: str  # search form


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "quoted", "field", "(", ")", "OR", "AND", "NOT", "-"
    value: str
    column: int
    field: str = ""


def parse_query(query: str) -> object:
    """Parse ``query`` into a tree; raise QuerySyntaxError on malformed input."""
    tokens = _tokenize(query)
    if not tokens:
        raise QuerySyntaxError("empty query: give text to find or a filter such as year:2021")
    parser = _Parser(tokens, query)
    tree = parser.parse_or()
    if parser.position < len(tokens):
        token = tokens[parser.position]
        raise QuerySyntaxError(f"unexpected {token.value!r} at column {token.column + 1}")
    return tree


def filter_node(name: str, value) -> Field:
    """The node ``name:value`` would parse to (for filters given as options); raises
    UsageError for an unknown name, QuerySyntaxError for a malformed value."""
    if name not in FIELDS:
        raise UsageError(f"unknown filter {name!r}; filters are: {', '.join(FIELDS)}")
    value = str(value)
    if not normalize_for_search(value):
        raise QuerySyntaxError(f"{name}: needs a value")
    return _field(_Token("field", value, 0, name))


def with_filters(tree, filters: dict | None):
    """``tree`` AND every filter of ``filters`` (``{"city": "盘锦"}``), as nodes: a value
    is never turned back into query text, so it needs no quoting."""
    nodes = [filter_node(name, value) for name, value in (filters or {}).items()
             if value not in (None, "")]  # fmt: skip
    if tree is not None:
        nodes.insert(0, tree)
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def as_words(tree):
    """The tree with each ``Text`` read as ``Words`` (the CLI's ``--words``); a string with
    no word in it (punctuation) stays an exact string."""
    if isinstance(tree, Text):
        return Words(tree.value) if word_tokens(tree.value) else tree
    if isinstance(tree, Not):
        return Not(as_words(tree.node))
    if isinstance(tree, (And, Or)):
        return type(tree)(tuple(as_words(node) for node in tree.nodes))
    return tree


def positive_texts(tree) -> list[str]:
    """The strings a hit must contain (not those under NOT): what snippets highlight."""
    if isinstance(tree, (Text, Words)):
        return [tree.value]
    if tree is None:
        return []
    if isinstance(tree, (And, Or)):
        return [text for node in tree.nodes for text in positive_texts(node)]
    return []


def positive_fields(tree, name: str) -> list[Field]:
    """The ``name:`` filters a hit must satisfy (not those under NOT)."""
    if isinstance(tree, Field) and tree.name == name:
        return [tree]
    if isinstance(tree, (And, Or)):
        return [f for node in tree.nodes for f in positive_fields(node, name)]
    return []


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace() or char == "\u3000":
            i += 1
        elif char in "()()":
            tokens.append(_Token("(" if char in "((" else ")", char, i))
            i += 1
        elif char in _QUOTES:
            text, i = _quoted(query, i)
            tokens.append(_Token("quoted", text, i))
        elif char == "-" and i + 1 < n and not query[i + 1].isspace():
            tokens.append(_Token("-", char, i))
            i += 1
        else:
            start = i
            match = re.match(r"([A-Za-z_]+)[::]", query[i:])
            if match:
                name = match.group(1).lower()
                if name not in FIELDS:
                    raise QuerySyntaxError(
                        f"unknown field {match.group(1)!r} at column {start + 1}; "
                        f"fields are: {', '.join(FIELDS)}"
                    )
                i += match.end()
                if i < n and query[i] in _QUOTES:
                    value, i = _quoted(query, i)
                else:
                    value, i = _bare(query, i)
                if not value.strip():
                    raise QuerySyntaxError(f"{name}: needs a value (column {start + 1})")
                tokens.append(_Token("field", value, start, name))
                continue
            word, i = _bare(query, i)
            if word in ("OR", "AND", "NOT"):
                tokens.append(_Token(word, word, start))
            else:
                tokens.append(_Token("word", word, start))
    return tokens


def _quoted(query: str, i: int) -> tuple[str, int]:
    closing = _QUOTES[query[i]]
    end = query.find(closing, i + 1)
    if end < 0:
        raise QuerySyntaxError(f"unclosed quote {query[i]} at column {i + 1}")
    return query[i + 1 : end], end + 1


def _bare(query: str, i: int) -> tuple[str, int]:
    start = i
    while i < len(query) and not query[i].isspace() and query[i] not in "()()" + "".join(_QUOTES):
        i += 1
    return query[start:i], i


class _Parser:
    def __init__(self, tokens: list[_Token], query: str):
        self.tokens = tokens
        self.position = 0
        self.query = query

    def _peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _next(self) -> _Token:
        token = self._peek()
        if token is None:
            raise QuerySyntaxError("query ends too early: something is missing at the end")
        self.position += 1
        return token

    def parse_or(self):
        nodes = [self.parse_and()]
        while (token := self._peek()) is not None and token.kind == "OR":
            self._next()
            nodes.append(self.parse_and())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def parse_and(self):
        nodes = [self.parse_unary()]
        while (token := self._peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self._next()
            nodes.append(self.parse_unary())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def parse_unary(self):
        token = self._peek()
        if token is not None and token.kind in ("-", "NOT"):
            self._next()
            return Not(self.parse_unary())
        return self.parse_atom()

    def parse_atom(self):
        token = self._next()
        if token.kind == "(":
            node = self.parse_or()
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError(f"unclosed parenthesis at column {token.column + 1}")
            self._next()
            return node
        if token.kind in ("word", "quoted"):
            value = normalize_for_search(token.value)
            if not value:
                raise QuerySyntaxError(f"empty text at column {token.column + 1}")
            return Text(value)
        if token.kind == "field":
            return _field(token)
        raise QuerySyntaxError(f"unexpected {token.value!r} at column {token.column + 1}")


def _field(token: _Token) -> Field:
    value = normalize_for_search(token.value)
    if token.field == "year":
        match = re.fullmatch(r"(\d{4})(?:\.\.(\d{4}))?", value)
        if not match:
            raise QuerySyntaxError(
                f"year:{token.value} is not a year or a range like 2019..2021 "
                f"(column {token.column + 1})"
            )
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high < low:
            raise QuerySyntaxError(f"year:{token.value}: the range runs backwards")
        return Field("year", value, year_range=(low, high))
    if token.field == "metric":
        match = _COMPARISON.match(value)
        if match:
            name, op, number = match.group(1).strip(), match.group(2), float(match.group(3))
            if not name:
                raise QuerySyntaxError(f"metric:{token.value} names no indicator")
            return Field("metric", name, op=op, number=number)
    return Field(token.field, value)
