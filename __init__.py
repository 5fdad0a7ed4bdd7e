"""reportsearch: full-text search over Chinese local governments' annual reports on building
law-based government (法治政府建设年度报告).

The public API, importable from here (loaded on first use, so ``reportsearch`` itself costs
nothing to import)::

    from reportsearch import open_index, IndexStore, ingest_file

    IndexStore("index_data").update(["seeds"])
    with open_index("index_data") as index:
        result = index.search("柔性执法")

The packages install under this one name: ``reportsearch.indexer`` (report files -> an
index), ``reportsearch.query`` (an index -> answers), ``reportsearch.web`` (the local page)
and ``reportsearch.cli`` (the command line). In the repository they are the folders
``indexer/``, ``query/``, ``web/`` and the file ``cli.py``.
"""

from __future__ import annotations

from importlib import import_module

_PUBLIC = {
    "open_index": "reportsearch.query.api",
    "ReportIndex": "reportsearch.query.api",
    "IndexStore": "reportsearch.indexer.store",
    "IndexWriter": "reportsearch.indexer.writer",
    "IndexSummary": "reportsearch.indexer.writer",
    "ingest_file": "reportsearch.indexer.pipeline",
    "ReportSearchError": "reportsearch.indexer.errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'reportsearch' has no attribute {name!r}")
