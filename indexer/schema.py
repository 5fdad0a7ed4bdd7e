"""Schema: the one definition of the index, shared by the indexer and the query side.

Input: nothing (a format version and analyzers). Output: ``build_schema()``, the analyzers,
and ``exact_grams`` / ``word_tokens``, the two ways text is cut into terms, used both when
indexing and when querying so the two cannot drift apart.

Text is indexed twice:

* ``text``: the search form cut into overlapping character bigrams, plus the last character
  alone, without positions. A passage holding a string holds all its bigrams, so their
  intersection is a superset of the answer, which is then checked against the search form
  itself, kept in the ``search`` column (``query.matching.ExactSubstring``). A single
  character occurs exactly when some term starts with it, a two-character string exactly
  when it is a term. So matching is exact: no word segmentation can hide a match, and
  nothing else can match.
* ``words``: jieba words, for BM25 relevance ranking only (cut before indexing, see
  ``WORD_SEPARATOR``).

Two kinds of document share the index: one per passage (``doctype`` "p") and one per report
(``doctype`` "r", holding the file's content hash for incremental indexing). Both are added
and deleted in one commit, so the index and its record of what it holds never disagree.

``FORMAT_VERSION`` changes whenever the schema or the analyzers change what is stored.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .gazetteer import short_name

FORMAT_VERSION = 4

PASSAGE, REPORT = "p", "r"
# The ``words`` field is given jieba's words already cut, joined by this character, so that
# segmentation can run in worker processes (see store.prepare_report).
WORD_SEPARATOR = "\x1f"

# Field of bigram terms -> column holding the search form that candidates are checked against.
EXACT_COLUMNS = {"text": "search", "section_text": "section_search"}

# Facetable fields (sortable columns) and how the CLI and JSON name them.
FACET_FIELDS = ("province", "city", "district", "year", "category", "metric")


def exact_grams(search_text: str) -> list[tuple[int, str]]:
    """(position, term) pairs for exact matching: every bigram, then the last character."""
    grams = [(i, search_text[i : i + 2]) for i in range(len(search_text) - 1)]
    if search_text:
        grams.append((len(search_text) - 1, search_text[-1]))
    return grams


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    # jieba announces its dictionary loading on stderr; that is noise for our users.
    jieba.setLogLevel(logging.WARNING)
    return jieba


def word_tokens(search_text: str) -> list[str]:
    """jieba words of a search form, without white space and punctuation."""
    return [w for w in _jieba().cut(search_text) if any(c.isalnum() for c in w)]


class _TermTokenizer(Tokenizer):
    """A Whoosh tokenizer over ``terms(value)``: (position, term, start character) triples."""

    def terms(self, value: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, term, char in self.terms(value):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + char
                token.endchar = start_char + char + len(term)
            yield token


class GramTokenizer(_TermTokenizer):
    """Search form -> exact-match terms with real positions (see ``exact_grams``)."""

    def terms(self, value: str):
        return ((position, gram, position) for position, gram in exact_grams(value))


class WordTokenizer(_TermTokenizer):
    """Words already cut by ``word_tokens`` and joined by WORD_SEPARATOR -> terms."""

    def terms(self, value: str):
        offset = 0
        for position, word in enumerate(value.split(WORD_SEPARATOR)):
            if word:
                yield position, word, offset
            offset += len(word) + 1


def place_key(level: str, name: str) -> str:
    """The term a place filter looks up: ``place_key("city", "盘锦")`` -> "city=盘锦"."""
    return f"{level}={name}"


def place_keys(province: str, city: str, district: str) -> str:
    """A passage's place terms: full and short name per level ("city=盘锦市,city=盘锦")."""
    keys = set()
    for level, name in (("province", province), ("city", city), ("district", district)):
        if name:
            keys.update({place_key(level, name), place_key(level, short_name(name))})
    return ",".join(sorted(keys))


def build_schema() -> Schema:
    return Schema(
        doctype=ID(),
        id=ID(stored=True, unique=True, sortable=True),
        report=ID(stored=True, sortable=True),
        position=NUMERIC(stored=True, sortable=True),
        # metadata, stored for display; ID+sortable where it is a facet
        title=STORED(),
        file=STORED(),
        province=ID(stored=True, sortable=True),
        city=ID(stored=True, sortable=True),
        district=ID(stored=True, sortable=True),
        place_keys=KEYWORD(commas=True),  # full and short names, prefixed "province=" etc.
        level=ID(stored=True),
        kind=ID(stored=True),
        script=ID(stored=True),
        year=ID(stored=True, sortable=True),  # "2021", or "" when the report does not say
        published=STORED(),
        doc_number=STORED(),
        issuer=STORED(),
        # passage
        section=STORED(),  # list of headings, outermost first
        section_text=TEXT(analyzer=GramTokenizer(), phrase=False),
        section_search=COLUMN(VarBytesColumn()),
        category=ID(stored=True, sortable=True),
        metric=KEYWORD(stored=True, commas=True),
        facts=STORED(),
        original=STORED(),
        start=STORED(),
        end=STORED(),
        text=TEXT(analyzer=GramTokenizer(), phrase=False),
        search=COLUMN(VarBytesColumn()),  # the search form, UTF-8
        words=TEXT(analyzer=WordTokenizer(), phrase=False),
        # report documents
        content_hash=STORED(),
        summary=STORED(),
    )
