"""Schema: the one definition of the index, shared by the indexer and the query side.

Input: nothing (a format version and analyzers). Output: ``build_schema()`` (the Whoosh
index of record), ``word_tokens`` (how text is cut into jieba words, at index and query time
alike), and the names of the facets.

An index has two parts, written in one commit by ``indexer.store``:

* the Whoosh index of record: one document per passage (``doctype`` "p") with its stored
  record (original text, section path, facts, metadata) and its jieba ``words`` (BM25 for
  ``--words``), and one per report (``doctype`` "r", with the file's content hash for
  incremental indexing). Passages are found by ``uid``.
* the exact-match engine's segments (``indexer.segment``): suffix arrays over every
  passage's search form and per-passage columns. Exact strings, filters, counts and facets
  are answered there, never by iterating Whoosh postings.

``FORMAT_VERSION`` changes whenever what is stored changes.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

FORMAT_VERSION = 6

PASSAGE, REPORT = "p", "r"
# The ``words`` field is given jieba's words already cut, joined by this character, so that
# segmentation can run in worker processes (see store.prepare_report).
WORD_SEPARATOR = "\x1f"

# Facetable fields (sortable columns) and how the CLI and JSON name them.
FACET_FIELDS = ("province", "city", "district", "year", "category", "metric")


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


class WordTokenizer(_TermTokenizer):
    """Words already cut by ``word_tokens`` and joined by WORD_SEPARATOR -> terms."""

    def terms(self, value: str):
        offset = 0
        for position, word in enumerate(value.split(WORD_SEPARATOR)):
            if word:
                yield position, word, offset
            offset += len(word) + 1


def build_schema() -> Schema:
    """The Whoosh index of record. Only what Whoosh is asked is indexed: the passage and
    report ids, the fields the product names (city, year, metric, and the section path,
    stored), and the jieba words behind ``--words``. Everything else is stored for display;
    filters and facets are the engine's columns."""
    return Schema(
        doctype=ID(),
        id=ID(stored=True, unique=True),
        report=ID(stored=True),
        # the passage's number in the exact-match engine's segments
        uid=ID(stored=True, sortable=True),
        city=ID(stored=True),
        year=ID(stored=True),  # "2021", or "" when the report does not say
        section=STORED(),  # list of headings, outermost first
        metric=KEYWORD(stored=True, commas=True),
        words=TEXT(analyzer=WordTokenizer(), phrase=False),
        # stored only
        position=STORED(),
        title=STORED(),
        file=STORED(),
        province=STORED(),
        district=STORED(),
        level=STORED(),
        kind=STORED(),
        script=STORED(),
        published=STORED(),
        doc_number=STORED(),
        issuer=STORED(),
        category=STORED(),
        facts=STORED(),
        original=STORED(),
        start=STORED(),
        end=STORED(),
        # report documents
        content_hash=STORED(),
        summary=STORED(),
    )
