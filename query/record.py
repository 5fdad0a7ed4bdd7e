"""Record: what a search shows of passages and reports, read from the engine's segments.

Input: an open ``Engine`` and the index's records of files indexed as copies (from
``indexer.store``). Output: a passage's record by uid (original text, section path, facts,
and its report's title, file, place and year), one report's summary row, and every report's
summary row. Matching never comes here: see ``query.engine``.
"""

from __future__ import annotations

from .engine import Engine


class Record:
    def __init__(self, engine: Engine, copies: dict[str, dict]):
        self.engine = engine
        self.copies = copies  # report id of the copy -> {"file", "report", "same_as"}

    def passage(self, uid: int) -> dict:
        """The record of passage ``uid``."""
        return self.engine.record(uid)

    def reports(self) -> list[dict]:
        """The summary row of every indexed report, ordered by report id; each carries
        ``duplicates``, the files not indexed because they are copies of it."""
        copies: dict[str, list[dict]] = {}
        for copy in self.copies.values():
            copies.setdefault(copy["same_as"], []).append(
                {"report": copy["report"], "file": copy["file"]}
            )
        rows = [dict(record["summary"]) for record in self.engine.report_records()]
        for row in rows:
            row["duplicates"] = sorted(copies.get(row["report"], []), key=lambda c: c["file"])
        return sorted(rows, key=lambda row: row["report"])

    def report(self, report_id: str) -> dict | None:
        """The summary row of report ``report_id``, or None if it is not indexed."""
        record = self.engine.report_record(report_id)
        return None if record is None else record["summary"]
