"""Record: the Whoosh index of record -> stored passages, report rows and ``--words`` hits.

Input: an open Whoosh searcher (from ``indexer.store``). Output: a passage's stored fields
by uid (original text, section path, facts, metadata), every report's summary row, and for
``--words`` the passages holding all jieba words of a string, in any order, with their BM25
scores over those words. Exact matching never comes here: see ``query.engine``.
"""

from __future__ import annotations

from whoosh import query as wq

from indexer.schema import REPORT, word_tokens


class Record:
    def __init__(self, searcher):
        self.searcher = searcher

    def passage(self, uid: int) -> dict:
        """The stored fields of passage ``uid``."""
        docnum = self.searcher.document_number(uid=str(uid))
        if docnum is None:
            raise LookupError(f"passage {uid} is missing from the index of record")
        return self.searcher.stored_fields(docnum)

    def reports(self) -> list[dict]:
        """The summary row of every indexed report, ordered by report id."""
        rows = [fields["summary"] for fields in self.searcher.documents(doctype=REPORT)]
        return sorted(rows, key=lambda row: row["report"])

    def words(self, value: str) -> dict[int, float]:
        """{uid: BM25 score} of the passages holding every jieba word of ``value``."""
        terms = sorted(set(word_tokens(value)))
        if not terms:
            return {}
        query = (
            wq.And([wq.Term("words", w) for w in terms])
            if len(terms) > 1
            else wq.Term("words", terms[0])
        )
        results = self.searcher.search(query, limit=None)
        uids = self.searcher.reader().column_reader("uid")
        return {int(uids[docnum]): score for docnum, score in results.items()}
