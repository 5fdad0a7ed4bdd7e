"""Results: the records a search answers with.

Input: what ``api.ReportIndex.search`` found. Output: ``SearchResult`` and its ``Hit`` list,
whose ``as_dict()`` is exactly the JSON the CLI prints (docs/json.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields


@dataclass
class Hit:
    report: str
    title: str
    province: str
    city: str
    district: str
    year: int | None
    section: list[str]
    category: str
    snippet: str
    highlights: list[list[int]]  # [start, end) in snippet
    matches: int
    score: float
    passage: str
    level: str = ""
    kind: str = ""
    file: str = ""  # the report's file, as it was indexed
    passages: int | None = None  # with group="report": matching passages in the report
    # with context=N: the N passages before and after, as the report prints them
    context: dict | None = None
    # every occurrence of the query's strings in the snippet, for the concordance (not JSON)
    occurrences: tuple = ()

    def as_dict(self) -> dict:
        # fields as they are (asdict's deep copies cost a tenth of --limit 0)
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        del data["occurrences"]
        for optional in ("passages", "context"):
            if data[optional] is None:
                del data[optional]
        return data


@dataclass
class SearchResult:
    query: str
    total: int  # matching passages
    reports: int  # matching reports
    hits: list[Hit] | Iterator[Hit] = field(default_factory=list)  # an iterator if lazy
    facets: dict = field(default_factory=dict)
    words: bool = False
    group: str | None = None

    def as_dict(self, hits: list | None = None) -> dict:
        """The JSON of the result (``hits``: in place of its hits' JSON)."""
        return {
            "query": self.query,
            "total": self.total,
            "reports": self.reports,
            "hits": [hit.as_dict() for hit in self.hits] if hits is None else hits,
            "facets": self.facets,
        }
