"""Record: the Whoosh index of record -> stored passages and report rows.

Input: an open Whoosh searcher (from ``indexer.store``). Output: a passage's stored fields
by uid (original text, section path, facts, metadata), one report's summary row, and every
report's summary row.
Matching never comes here: see ``query.engine``.
"""

from __future__ import annotations

from reportsearch.indexer.schema import DUPLICATE, REPORT


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
        """The summary row of every indexed report, ordered by report id; each carries
        ``duplicates``, the files not indexed because they are copies of it."""
        rows = [dict(fields["summary"]) for fields in self.searcher.documents(doctype=REPORT)]
        copies: dict[str, list[dict]] = {}
        for fields in self.searcher.documents(doctype=DUPLICATE):
            copy = fields["summary"]
            copies.setdefault(copy["same_as"], []).append(
                {"report": copy["report"], "file": copy["file"]}
            )
        for row in rows:
            row["duplicates"] = sorted(copies.get(row["report"], []), key=lambda c: c["file"])
        return sorted(rows, key=lambda row: row["report"])

    def report(self, report_id: str) -> dict | None:
        """The summary row of report ``report_id``, or None if it is not indexed."""
        for fields in self.searcher.documents(doctype=REPORT, report=report_id):
            return fields["summary"]
        return None
