"""Parsing: a query string -> a query tree, normalized exactly like report text.

Input: what the user typed, e.g. ``柔性执法 city:盘锦 -试点 (复议 OR 应诉) year:2019..2021``.
Output: a tree of ``Text``, ``Field``, ``Not``, ``And``, ``Or`` nodes, or ``QuerySyntaxError``
saying what is wrong and where.

Grammar (``OR``, ``AND``, ``NOT`` in capitals; juxtaposition is AND)::

    query  := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*
    unary  := ("-" | "NOT") unary | atom
    atom   := "(" or ")" | NAME ":" value | NAME ":" "(" values ")" | "quoted text" | word

A word or quoted text matches passages that contain it as an exact string; quotes only let a
string hold spaces or operator words. Field values: ``year:2021``, ``year:2019..2021`` or
Lucene's ``year:[2019 TO 2021]`` (``{}`` excludes the ends, ``*`` leaves one open);
``metric:出庭应诉率>=95`` (also ``>``, ``<``, ``<=``, ``=``; a comparison without a number is an
error); any other field takes a string. The field names are the registry's
(``indexer.fields``), read at each parse. Lucene's field groups work too:
``city:(盘锦 OR 遂宁)`` is ``(city:盘锦 OR city:遂宁)``, and values side by side in a group are
alternatives. Every string is put in search form (NFKC, lower case, Traditional ->
Simplified). ``concept:NAME`` is the OR of the concept's terms (``query.concepts``: the
list that ships with the project, or the one ``parse_query`` is given), each an exact string
like any other: ``concept:免罚`` is ``(首违不罚 OR 首违免罚 OR …)``; an unknown name is an
error listing the known ones. ``query_hints`` says what a query that found nothing was read
as, where a user of another search syntax may have meant something else (``or``, ``+``,
``&&``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportsearch.indexer.errors import QuerySyntaxError, UsageError
from reportsearch.indexer.fields import METRIC, YEAR, named, query_names
from reportsearch.indexer.normalizing import normalize_for_search
from reportsearch.indexer.schema import word_tokens

_QUOTES = {'"': '"', "“": "”", "「": "」"}
CONCEPT = "concept"  # concept:NAME, expanded by the parser (not a field of the registry)
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


# Limits that keep every later stage (matching, snippets) far from Python's recursion limit;
# a real query nests two or three levels and is a line long.
MAX_NESTING = 32
MAX_QUERY_CHARACTERS = 4000


def parse_query(query: str, concepts=None) -> object:
    """Parse ``query`` into a tree; raise QuerySyntaxError on malformed input, a query over
    MAX_QUERY_CHARACTERS or one nesting ( ) and NOT deeper than MAX_NESTING. ``concepts``:
    what ``concept:NAME`` may name (a ``query.concepts.Concepts``; None: the shipped list)."""
    if len(query) > MAX_QUERY_CHARACTERS:
        raise QuerySyntaxError(f"query too long: {len(query)} characters, at most "
                               f"{MAX_QUERY_CHARACTERS}")  # fmt: skip
    tokens = _tokenize(query)
    if not tokens:
        raise QuerySyntaxError("empty query: give text to find or a filter such as year:2021")
    parser = _Parser(tokens, query, concepts)
    tree = parser.parse_or()
    if parser.position < len(tokens):
        token = tokens[parser.position]
        raise QuerySyntaxError(f"unexpected {token.value!r} at column {token.column + 1}")
    return tree


def filter_node(name: str, value) -> Field:
    """The node ``name:value`` would parse to (for filters given as options); raises
    UsageError for an unknown name, QuerySyntaxError for a malformed value."""
    if named(name) is None:
        raise UsageError(f"unknown filter {name!r}; filters are: {', '.join(query_names())}")
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
                if named(name) is None and name != CONCEPT:
                    raise QuerySyntaxError(
                        f"unknown field {match.group(1)!r} at column {start + 1}; "
                        f"fields are: {', '.join((*query_names(), CONCEPT))}"
                    )
                i += match.end()
                if i < n and query[i] in "((":
                    group, i = _field_group(query, i, name, start)
                    tokens.extend(group)
                    continue
                if i < n and query[i] in "[{":
                    value, i = _lucene_range(query, i, name, start)
                elif i < n and query[i] in _QUOTES:
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


def _field_group(query: str, i: int, name: str, start: int) -> tuple[list[_Token], int]:
    """``name:(a OR b c)`` -> the tokens of ``(name:a OR name:b OR name:c)``."""
    end = query.find(")" if query[i] == "(" else ")", i + 1)
    if end < 0:
        raise QuerySyntaxError(f"unclosed parenthesis at column {i + 1}")
    inner = _tokenize(query[i + 1 : end])
    tokens = [_Token("(", query[i], i)]
    for token in inner:
        column = token.column + i + 1
        if token.kind in ("OR", "AND", "NOT", "-"):
            tokens.append(_Token(token.kind, token.value, column))
            continue
        if token.kind not in ("word", "quoted"):
            raise QuerySyntaxError(f"{name}:( … ) holds only values (column {column + 1})")
        if tokens[-1].kind in ("field",):
            tokens.append(_Token("OR", "OR", column))  # side by side: alternatives
        tokens.append(_Token("field", token.value, column, name))
    if len(tokens) == 1:
        raise QuerySyntaxError(f"{name}: needs a value (column {start + 1})")
    tokens.append(_Token(")", query[end], end))
    return tokens, end + 1


def _lucene_range(query: str, i: int, name: str, start: int) -> tuple[str, int]:
    """``[2019 TO 2021]`` (``{ }`` without the ends, ``*`` open) -> ``2019..2021``."""
    closing = query.find("]" if query[i] == "[" else "}", i + 1)
    if closing < 0:
        raise QuerySyntaxError(f"unclosed range {query[i]} at column {i + 1}")
    match = re.fullmatch(r"\s*(\d{4}|\*)\s+TO\s+(\d{4}|\*)\s*", query[i + 1 : closing])
    if name == CONCEPT or named(name).kind != YEAR or not match:
        raise QuerySyntaxError(
            f"{name}:{query[i : closing + 1]} is not a range like year:[2019 TO 2021] "
            f"(column {start + 1})"
        )
    low = 1000 if match.group(1) == "*" else int(match.group(1)) + (query[i] == "{")
    high = 9999 if match.group(2) == "*" else int(match.group(2)) - (query[closing] == "}")
    return f"{low}..{high}", closing + 1


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
    def __init__(self, tokens: list[_Token], query: str, concepts=None):
        self.tokens = tokens
        self.position = 0
        self.query = query
        self.depth = 0
        self.concepts = concepts

    def _deeper(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QuerySyntaxError(f"query nests too deep at column {token.column + 1}: more "
                                   f"than {MAX_NESTING} levels of ( ) and NOT")  # fmt: skip

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
            self._deeper(token)
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_atom(self):
        token = self._next()
        if token.kind == "(":
            self._deeper(token)
            node = self.parse_or()
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError(f"unclosed parenthesis at column {token.column + 1}")
            self._next()
            self.depth -= 1
            return node
        if token.kind in ("word", "quoted"):
            value = normalize_for_search(token.value)
            if not value:
                raise QuerySyntaxError(f"empty text at column {token.column + 1}")
            return Text(value)
        if token.kind == "field" and token.field == CONCEPT:
            return concept_node(token.value, self.concepts, token.column)
        if token.kind == "field":
            return _field(token)
        raise QuerySyntaxError(f"unexpected {token.value!r} at column {token.column + 1}")


def concept_node(name: str, concepts=None, column: int | None = None):
    """What ``concept:NAME`` means: the OR of the concept's terms as ``Text`` nodes (one term:
    that ``Text``). ``concepts``: a ``query.concepts.Concepts`` (None: the shipped list). An
    unknown name is a one-line QuerySyntaxError listing the known ones."""
    from .concepts import load_concepts  # the shipped list is read on the first concept:

    known = load_concepts() if concepts is None else concepts
    if name not in known:
        where = f" at column {column + 1}" if column is not None else ""
        listed = ", ".join(known.names()) or "none"
        raise QuerySyntaxError(f"unknown concept {name!r}{where}; concepts are: {listed}")
    terms = known[name].terms
    return Text(terms[0]) if len(terms) == 1 else Or(tuple(Text(term) for term in terms))


def _field(token: _Token) -> Field:
    """The node of one ``name:value``; the field's kind says how its value reads."""
    value = normalize_for_search(token.value)
    spec = named(token.field)
    kind = spec.kind
    if spec.choices and value not in spec.choices:
        raise QuerySyntaxError(
            f"{token.field}:{token.value} is not one of {', '.join(spec.choices)} "
            f"(column {token.column + 1})"
        )
    if kind == YEAR:
        match = re.fullmatch(r"(\d{4})(?:\.\.(\d{4}))?", value)
        if not match:
            raise QuerySyntaxError(
                f"{token.field}:{token.value} is not a year or a range like 2019..2021 "
                f"(column {token.column + 1})"
            )
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high < low:
            raise QuerySyntaxError(f"{token.field}:{token.value}: the range runs backwards")
        return Field(token.field, value, year_range=(low, high))
    if kind == METRIC:
        match = _COMPARISON.match(value)
        if match:
            name, op, number = match.group(1).strip(), match.group(2), float(match.group(3))
            if not name:
                raise QuerySyntaxError(f"{token.field}:{token.value} names no indicator")
            return Field(token.field, name, op=op, number=number)
        if re.search(r"[<>=]", value):
            raise QuerySyntaxError(
                f"{token.field}:{token.value}: a comparison needs a number, like 出庭应诉率>=95 "
                f"(column {token.column + 1})"
            )
    return Field(token.field, value)


_OTHER_SYNTAX = (
    (
        re.compile(r"(?:^|\s)(and|or|not)(?=\s|$)"),
        "{0!r} was searched as text; write {1} in capitals to combine strings",
    ),
    (
        re.compile(r"(?:^|\s)\+(?=\S)"),
        "'+' was searched as text; strings side by side must all occur already",
    ),
    (re.compile(r"&&|\|\|"), "'&&' and '||' were searched as text; write AND or OR"),
    (
        re.compile(r"'"),
        'ASCII quotes \' were searched as text; keep a phrase in double quotes "…" or none',
    ),
    (
        re.compile(r"[*?](?=\s|$|\))"),
        "'*' and '?' were searched as text: there are no wildcards, a string already matches "
        "inside longer text (柔性 finds 柔性执法); drop them",
    ),
    (
        re.compile(r"(?:^|\s)-(?=\s|$)"),
        "a '-' with nothing after it was searched as text; write -WORD, without a space, to "
        "leave out passages holding WORD",
    ),
)


def query_hints(query: str) -> list[str]:
    """For a query that found nothing: where it holds another syntax's operators that were
    searched as text (``or``, ``+``, ``&&``, ASCII ``'`` quotes, ``*`` wildcards, a ``-``
    with nothing after it), one line each naming the cause and what to write instead."""
    hints = []
    for pattern, message in _OTHER_SYNTAX:
        match = pattern.search(query)
        if match:
            word = match.group(1) if match.groups() else ""
            hints.append(message.format(word, word.upper()))
    return hints
