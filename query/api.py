"""The Python API: open an index, search it, count facets. The CLI is built on this.

Input: an index folder and queries. Output: ``SearchResult`` / facet dicts whose
``as_dict()`` is exactly the JSON the CLI prints (documented in the README)::

    from query import open_index
    with open_index("index_data") as index:
        result = index.search("柔性执法 year:2021", limit=0)
        for hit in result.hits:
            print(hit.city, hit.matches, hit.snippet)
        index.facets("法治政府建设", by=["year"])

One ``ReportIndex`` holds one Whoosh searcher open, so a batch of queries pays for opening
the index once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh import sorting

from indexer.errors import UsageError
from indexer.normalizing import normalize_for_search
from indexer.schema import FACET_FIELDS, PASSAGE, REPORT
from indexer.store import IndexStore

from . import facets as facet_counts
from .matching import compile_query, exact_query, metric_name, ranking_query
from .parsing import FIELDS, parse_query, positive_fields, positive_texts
from .snippets import make_snippet, words_to_highlight

SORTS = ("relevance", "year", "city")


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
    passages: int | None = None  # with group="report": matching passages in the report

    def as_dict(self) -> dict:
        data = asdict(self)
        if self.passages is None:
            del data["passages"]
        return data


@dataclass
class SearchResult:
    query: str
    total: int  # matching passages
    reports: int  # matching reports
    hits: list[Hit] = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    words: bool = False
    group: str | None = None

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "reports": self.reports,
            "hits": [hit.as_dict() for hit in self.hits],
            "facets": self.facets,
        }


def build_query_text(query: str, filters: dict[str, str] | None = None) -> str:
    """``query`` with option filters (``{"city": "盘锦"}``) added as ``city:"盘锦"`` terms."""
    if not _has_filters(filters):
        return query
    parts = [f"({query})"] if query.strip() else []
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if name not in FIELDS:
            raise UsageError(f"unknown filter {name!r}; filters are: {', '.join(FIELDS)}")
        value = str(value)
        parts.append(f"{name}:{value}" if name in ("year", "metric") else f'{name}:"{value}"')
    return " ".join(parts)


class ReportIndex:
    """An open index. Use as a context manager, or call ``close()``."""

    def __init__(self, directory: str | Path | None = None):
        self.store = IndexStore(directory)
        self._index = self.store.open()
        self._searcher = self._index.searcher()

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- search ----------------------------------------------------------------------

    def _run(self, query_text, words, facet_names, limit):
        tree = parse_query(query_text) if query_text.strip() else None  # None: everything
        whoosh_query = ranking_query(tree, self._searcher, words)
        results = self._searcher.search(
            whoosh_query,
            limit=limit,
            groupedby=facet_counts.groupedby(facet_names),
            maptype=sorting.Count,
        )
        return tree, results

    def _ordered(self, results, sort: str) -> list[tuple[int, float]]:
        """Every hit as (docnum, score), in the requested order; ties broken by passage id so
        the order never depends on how the index happens to be segmented."""
        reader = self._searcher.reader()
        ids = reader.column_reader("id")
        hits = [(results.docnum(i), results.score(i)) for i in range(results.scored_length())]
        if sort == "relevance":
            key = lambda hit: (-hit[1], ids[hit[0]])  # noqa: E731
        else:
            years, cities = reader.column_reader("year"), reader.column_reader("city")
            if sort == "year":
                key = lambda hit: (-int(years[hit[0]] or 0), -hit[1], ids[hit[0]])  # noqa: E731
            else:
                key = lambda hit: (  # noqa: E731
                    cities[hit[0]],
                    -int(years[hit[0]] or 0),
                    -hit[1],
                    ids[hit[0]],
                )
        return sorted(hits, key=key)

    def search(
        self,
        query: str,
        *,
        filters: dict[str, str] | None = None,
        words: bool = False,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        facets=FACET_FIELDS,
        group: str | None = None,
    ) -> SearchResult:
        """Passages matching ``query`` (see ``query.parsing``), best first.

        ``limit=0`` returns every hit; totals and facets always count every match.
        ``group="report"`` returns one hit per report (its best passage) with ``passages``.
        """
        if sort not in SORTS:
            raise UsageError(f"unknown sort {sort!r}; sorts are: {', '.join(SORTS)}")
        if group not in (None, "report"):
            raise UsageError(f"unknown grouping {group!r}; the only grouping is: report")
        if limit < 0 or offset < 0:
            raise UsageError("--limit and --offset take whole numbers >= 0")
        facet_names = facet_counts.check_names(facets)
        query_text = build_query_text(query, filters)
        tree, results = self._run(query_text, words, facet_names, None)
        strings = positive_texts(tree)
        if words:
            strings = words_to_highlight(strings)
        metrics = {metric_name(f.value) for f in positive_fields(tree, "metric")}
        report_counts = results.groups("report")
        docnums = self._ordered(results, sort)
        if group == "report":
            docnums = _first_per_report(self._searcher, docnums)
        page = docnums[offset:] if limit == 0 else docnums[offset : offset + limit]
        hits = []
        for docnum, score in page:
            hit = self._hit(docnum, score, strings, metrics)
            if group == "report":
                hit.passages = report_counts.get(hit.report, 0)
            hits.append(hit)
        return SearchResult(
            query=query_text,
            total=len(results),
            reports=len(report_counts),
            hits=hits,
            facets=facet_counts.facet_rows(results, facet_names),
            words=words,
            group=group,
        )

    def _hit(self, docnum: int, score: float, strings: list[str], metrics: set[str]) -> Hit:
        stored = self._searcher.stored_fields(docnum)
        quotes = [
            (fact["start"] - stored["start"], fact["end"] - stored["start"])
            for fact in stored.get("facts") or []
            if fact["canonical"] in metrics
        ]
        snippet = make_snippet(stored["original"], strings, quotes)
        return Hit(
            report=stored["report"],
            title=stored.get("title", ""),
            province=stored.get("province", ""),
            city=stored.get("city", ""),
            district=stored.get("district", ""),
            year=int(stored["year"]) if stored.get("year") else None,
            section=list(stored.get("section") or []),
            category=stored.get("category", ""),
            snippet=snippet.text,
            highlights=[list(span) for span in snippet.highlights],
            matches=snippet.matches,
            score=round(float(score or 0.0), 4),
            passage=stored["id"],
            level=stored.get("level", ""),
            kind=stored.get("kind", ""),
        )

    def facets(self, query: str, by=FACET_FIELDS, *, filters=None, words=False) -> dict:
        """``{"query", "total", "reports", "facets": {...}}`` without fetching any hit."""
        facet_names = facet_counts.check_names(by)
        query_text = build_query_text(query, filters)
        _, results = self._run(query_text, words, facet_names, 1)
        return {
            "query": query_text,
            "total": len(results),
            "reports": facet_counts.matching_reports(results),
            "facets": facet_counts.facet_rows(results, facet_names),
        }

    # ---- metrics ---------------------------------------------------------------------

    def metrics(
        self,
        name: str | None = None,
        *,
        filters: dict[str, str] | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> dict:
        """Facts stating indicator ``name`` (a canonical name, or any text of the indicator as
        written, Simplified or Traditional), or every fact when ``name`` is None.
        Returns ``{"indicator": name, "rows": [...]}`` (rows as ``METRIC_COLUMNS``)."""
        wanted = normalize_for_search(name) if name else ""
        if name is not None and not wanted:
            raise UsageError("give an indicator name, or --all for every fact")
        tree = parse_query(build_query_text("", filters)) if _has_filters(filters) else None
        candidates = compile_query(tree, self._searcher)
        if wanted:
            by_name = wq.Or([wq.Term("metric", wanted), exact_query("text", wanted)])
            candidates = wq.And([candidates, by_name])
        rows = []
        for docnum in self._searcher.docs_for_query(candidates):
            stored = self._searcher.stored_fields(docnum)
            for fact in stored.get("facts") or []:
                if wanted and not (
                    fact["canonical"] == wanted or wanted in normalize_for_search(fact["indicator"])
                ):
                    continue
                if minimum is not None and fact["value"] < minimum:
                    continue
                if maximum is not None and fact["value"] > maximum:
                    continue
                rows.append(_metric_row(stored, fact))
        rows.sort(key=lambda r: (r["city"], r["district"], r["year"] or 0, r["report"], r["start"]))
        for row in rows:
            del row["start"]
        return {"indicator": name, "rows": rows}

    def indicators(self) -> list[dict]:
        """Every canonical indicator stated in the index, with how many reports and facts
        state it; most reported first."""
        counts: dict[str, dict] = {}
        for docnum in self._searcher.docs_for_query(wq.Term("doctype", PASSAGE)):
            stored = self._searcher.stored_fields(docnum)
            for fact in stored.get("facts") or []:
                if fact["canonical"]:
                    entry = counts.setdefault(fact["canonical"], {"reports": set(), "facts": 0})
                    entry["reports"].add(stored["report"])
                    entry["facts"] += 1
        rows = [
            {"canonical": name, "reports": len(entry["reports"]), "facts": entry["facts"]}
            for name, entry in counts.items()
        ]
        return sorted(rows, key=lambda r: (-r["reports"], -r["facts"], r["canonical"]))

    def reports(self) -> list[dict]:
        """The summary row of every indexed report, ordered by report id."""
        rows = [fields["summary"] for fields in self._searcher.documents(doctype=REPORT)]
        return sorted(rows, key=lambda row: row["report"])


METRIC_COLUMNS = ("report", "province", "city", "district", "year", "indicator", "canonical",
                  "value", "unit", "qualifier", "quote")  # fmt: skip


def _metric_row(stored: dict, fact: dict) -> dict:
    return {
        "report": stored["report"],
        "province": stored.get("province", ""),
        "city": stored.get("city", ""),
        "district": stored.get("district", ""),
        "year": int(stored["year"]) if stored.get("year") else None,
        "indicator": fact["indicator"],
        "canonical": fact["canonical"],
        "value": fact["value"],
        "unit": fact["unit"],
        "qualifier": fact["qualifier"],
        "quote": fact["quote"],
        "start": fact["start"],
    }


def _has_filters(filters) -> bool:
    return any(value not in (None, "") for value in (filters or {}).values())


def _first_per_report(searcher, docnums):
    reports = searcher.reader().column_reader("report")
    seen, out = set(), []
    for docnum, score in docnums:
        report = reports[docnum]
        if report not in seen:
            seen.add(report)
            out.append((docnum, score))
    return out


def open_index(directory: str | Path | None = None) -> ReportIndex:
    """Open the index in ``directory`` (default: $REPORTSEARCH_INDEX_DIR or index_data/)."""
    return ReportIndex(directory)
