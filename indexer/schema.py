"""Schema: the one definition of the index, shared by the indexer and the query side.

Input: nothing (a format version and analyzers). Output: ``build_schema()`` (the Whoosh
index of record), ``word_tokens`` (how text is cut into jieba words, at index and query time
alike; from ``indexer.words``), and, from ``indexer.fields``, the field registry: what a
query can filter on and count by (``fields.FIELDS``, read through ``query_names``,
``filter_names``, ``facet_names``).

An index has two parts, written in one commit by ``indexer.store``:

* the Whoosh index of record: one document per passage (``doctype`` "p") with the fields
  the product names (city, year, section path, metric) and its ``uid`` in the segments,
  and one per report (``doctype`` "r", with its file's stat, path and content hash, which
  the writer reads back for incremental indexing, and its summary row). A search never
  opens it.
* the engine's segments (``indexer.segment``): suffix arrays over every passage's search
  form, per-passage columns, the jieba words of every passage with their inverted index
  (BM25 for ``--words``), and what hits show (each passage's original text, section path
  and facts; each report's title, place and summary). Exact strings, words, filters,
  counts, facets and hits are answered there.

``FORMAT_VERSION`` changes whenever what is stored changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import fields
from .fields import FieldSpec, facet_names, filter_names, named, query_names
from .words import word_tokens

if TYPE_CHECKING:
    from whoosh.fields import Schema

__all__ = [
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

# 13: issuer (canonical), title, and the new levels and kinds as fields; places by today's
# gazetteer; 12: what hits show is kept in the engine's segments, a segment's arrays in one
# file, words cut with HMM off (rjieba); 11: the map from each search form to its original
# text; 10: checksums of every index file; 9: pinyin readings dropped from search forms.
FORMAT_VERSION = 13

# Whoosh document types: a passage and a report (files that copy a report are recorded in the
# engine file, ``IndexWriter.record_copy``).
PASSAGE, REPORT = "p", "r"


def build_schema() -> Schema:
    """The Whoosh index of record. Only what Whoosh is asked is indexed: the document type,
    the report id (to delete a report's documents) and the fields the product names (city,
    year, metric, and the section path, stored). What a hit shows is in the engine's
    segments, not here: a passage's original text stored twice made a fifth of a build."""
    # Whoosh loads here, for the writer: a search never imports it (about 100 ms).
    from whoosh.fields import ID, KEYWORD, STORED, Schema

    return Schema(
        doctype=ID(),
        id=STORED(),  # passage id, "<report>#<position>"
        report=ID(stored=True),
        # the passage's number in the exact-match engine's segments
        uid=STORED(),  # not indexed: nothing looks a passage up here (a term each cost 5%)
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
        issuer=STORED(),  # canonical (司法局); issuer_name: as written (四川省司法厅)
        issuer_name=STORED(),
        category=STORED(),
        # report documents
        content_hash=STORED(),
        text_hash=STORED(),  # of the report's passages: copies in other files or formats
        summary=STORED(),
    )
