"""Schema: the one definition of the index, shared by the indexer and the query side.

Input: nothing (a format version and analyzers). Output: ``build_schema()`` (the Whoosh
index of record), ``word_tokens`` (how text is cut into jieba words, at index and query time
alike; from ``indexer.words``), and, from ``indexer.fields``, the field registry: what a
query can filter on and count by (``fields.FIELDS``, read through ``query_names``,
``filter_names``, ``facet_names``).

An index has two parts, written in one commit by ``indexer.store``:

* the Whoosh index of record: one document per passage (``doctype`` "p") with its stored
  record (original text, section path, facts, metadata) and the fields city, year and
  metric, and one per report (``doctype`` "r", with the file's content hash for incremental
  indexing). Passages are found by ``uid``.
* the engine's segments (``indexer.segment``): suffix arrays over every passage's search
  form, per-passage columns, and the jieba words of every passage with their inverted
  index (BM25 for ``--words``). Exact strings, words, filters, counts and facets are
  answered there, never by iterating Whoosh postings.

``FORMAT_VERSION`` changes whenever what is stored changes.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, Schema

from . import fields
from .fields import FieldSpec, facet_names, filter_names, named, query_names
from .words import word_tokens

__all__ = [
    "DUPLICATE",
    "FORMAT_VERSION",
    "PASSAGE",
    "REPORT",
    "FieldSpec",
    "build_schema",
    "facet_names",
    "fields",
    "filter_names",
    "named",
    "query_names",
    "word_tokens",
]

# 11: the map from each search form to its original text; 10: checksums of every index
# file; 9: pinyin readings dropped from search forms.
FORMAT_VERSION = 11

# Whoosh document types: a passage, a report, and a file that duplicates an indexed report.
PASSAGE, REPORT, DUPLICATE = "p", "r", "d"


def build_schema() -> Schema:
    """The Whoosh index of record. Only what Whoosh is asked is indexed: the passage and
    report ids and the fields the product names (city, year, metric, and the section path,
    stored). Everything else is stored for display; filters, facets and jieba words are
    the engine's columns."""
    return Schema(
        doctype=ID(),
        id=STORED(),  # passage id, "<report>#<position>"
        report=ID(stored=True),
        # the passage's number in the exact-match engine's segments
        uid=ID(stored=True, sortable=True),
        city=ID(stored=True),
        year=ID(stored=True),  # "2021", or "" when the report does not say
        section=STORED(),  # list of headings, outermost first
        metric=KEYWORD(stored=True, commas=True),
        # stored only
        position=STORED(),
        title=STORED(),
        file=STORED(),
        file_stat=STORED(),  # report documents: pipeline.file_stat when the file was read
        # the file's absolute path as the file system knows it (``file`` is for people: a
        # name that is not UTF-8 is escaped there)
        path=STORED(),
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
        text_hash=STORED(),  # of the report's passages: copies in other files or formats
        summary=STORED(),
    )
