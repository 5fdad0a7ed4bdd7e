"""The Python API: open an index, search it, count facets. The CLI is built on this.

Input: an index folder and queries. Output: ``SearchResult`` / facet dicts whose
``as_dict()`` is exactly the JSON the CLI prints (documented in docs/json.md)::

    from reportsearch.query import open_index
    with open_index("index_data") as index:
        result = index.search("柔性执法 year:2021", limit=0)
        for hit in result.hits:
            print(hit.city, hit.matches, hit.snippet)
        index.facets("法治政府建设", by=["year"])

One ``ReportIndex`` holds one commit of the index open (``query.engine`` for matching,
counting and ranking; ``query.facets`` for facets; ``query.record`` for stored passages),
so a batch of queries pays for opening the index once and sees one consistent state.
``concept:NAME`` in its queries names the shipped concepts plus those it was opened with
(``open_index(directory, concepts="my-concepts.tsv")``, see ``query.concepts``);
``panel`` counts terms and concepts per report or per place and year (``query.panel``).
"""

from __future__ import annotations

from pathlib import Path

from reportsearch.indexer.errors import (
    IndexEmptyError,
    ReportNotFoundError,
    ReportSearchError,
    UsageError,
)
from reportsearch.indexer.fields import METRIC, YEAR, facet_names, named
from reportsearch.indexer.normalizing import from_offset_changes, normalize_for_search
from reportsearch.indexer.store import IndexStore

from .concepts import load_concepts
from .engine import SORTS, Engine, metric_name
from .facets import count_facets
from .parsing import (
    Field,
    Or,
    Text,
    as_words,
    parse_query,
    positive_fields,
    positive_texts,
    query_hints,
    with_filters,
)
from .record import Record
from .results import Hit, SearchResult
from .snippets import Snippet, concordance, make_snippet, words_to_highlight

CONCORDANCE_ORDERS = ("hits", "left", "right")


def build_query_text(query: str, filters: dict[str, str] | None = None) -> str:
    """How a query with option filters is shown (``柔性执法 city:"盘锦"``). For display
    only: filters reach the engine as query-tree nodes, never as this text."""
    parts = [f"({query})" if _has_filters(filters) else query] if query.strip() else []
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        value = str(value)  # names were checked by parsing.with_filters
        bare = named(name).kind in (YEAR, METRIC)  # values that are never quoted
        parts.append(f"{name}:{value}" if bare else f'{name}:"{value}"')
    return " ".join(parts)


def check_facet_names(names=None) -> list[str]:
    """``names`` once each, checked against the registry's facets (None: every facet)."""
    known = facet_names()
    names = known if names is None else names
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown facet {unknown[0]!r}; facets are: {', '.join(known)}")
    return list(dict.fromkeys(names))


class ReportIndex:
    """An open index. Use as a context manager, or call ``close()``."""

    def __init__(self, directory: str | Path | None = None, concepts=None):
        # what concept:NAME may name: checked before the index is opened
        self.concepts = load_concepts(concepts)
        self.store = IndexStore(directory)
        self._opened = self.store.open()
        self._engine = Engine(self._opened.segments, self._opened.live)
        self._record = Record(self._engine, self._opened.copies)
        self._all_reports: dict[str, list] | None = None

    def close(self) -> None:
        self._opened.close()

    def is_current(self) -> bool:
        """False once the index has been updated since it was opened."""
        return self._opened.is_current(self.store)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- search ----------------------------------------------------------------------

    def _match(self, query: str, filters, words: bool):
        """(shown query text, tree, matches); an empty index is an error of its own."""
        if not self._engine.passages and not self._opened.reports:
            raise IndexEmptyError(
                f"index at {self.store.directory} is empty; add reports with: "
                "reportsearch index PATH"
            )
        tree = with_filters(parse_query(query, self.concepts) if query.strip() else None, filters)
        if words:
            tree = as_words(tree)
        matches = self._engine.match(tree)
        return build_query_text(query, filters), tree, matches

    def search(
        self,
        query: str,
        *,
        filters: dict[str, str] | None = None,
        words: bool = False,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        facets=None,
        group: str | None = None,
        context: int = 0,
        lazy: bool = False,
    ) -> SearchResult:
        """Passages matching ``query`` (see ``query.parsing``), best first.

        ``limit=0`` returns every hit; totals and facets always count every match.
        ``lazy=True``: ``hits`` is an iterator that makes each hit as it is read (all hits of
        a common string print from the first without waiting for the last).
        ``facets``: the names to count (None: every facet of the field registry).
        ``group="report"`` returns one hit per report (its best passage) with ``passages``.
        ``context=N`` gives each hit ``context``: ``{"before": [...], "after": [...]}``, the
        texts of the N passages around it in its report.
        """
        if sort not in SORTS:
            raise UsageError(f"unknown sort {sort!r}; sorts are: {', '.join(SORTS)}")
        if group not in (None, "report"):
            raise UsageError(f"unknown grouping {group!r}; the only grouping is: report")
        if limit < 0 or offset < 0 or context < 0:
            raise UsageError("--limit, --offset and --context take whole numbers >= 0")
        counted = check_facet_names(facets)
        query_text, tree, matches = self._match(query, filters, words)
        strings = positive_texts(tree)
        metrics = {metric_name(f.value) for f in positive_fields(tree, "metric")}
        page = self._engine.page(matches, strings, sort=sort, limit=limit, offset=offset,
                                 group=group == "report")  # fmt: skip
        highlight = _highlighted(tree, words)

        def hits():
            for uid, score, in_report, where in page:
                hit = self._hit(uid, score, highlight, metrics, where)
                if group == "report":
                    hit.passages = in_report
                if context:
                    hit.context = self._around(hit.report, uid, context)
                yield hit

        return SearchResult(
            query=query_text,
            total=matches.total,
            reports=self._engine.report_count(matches),
            hits=hits() if lazy else list(hits()),
            facets=count_facets(self._engine, matches, counted),
            words=words,
            group=group,
        )

    def _hit(self, uid: int, score: float, strings: list[str], metrics: set[str],
             where: tuple[int, int] | None = None) -> Hit:  # fmt: skip
        # the search form and its map as the index keeps them: no hit is normalized again
        stored, form = self._engine.hit_parts(uid, where)
        quotes = [
            (fact["start"] - stored["start"], fact["end"] - stored["start"])
            for fact in stored.get("facts") or []
            if fact["canonical"] in metrics
        ]
        original = stored["original"]
        normalized = from_offset_changes(*form, len(original)) if form else None
        snippet = make_snippet(original, strings, quotes, normalized)
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
            occurrences=snippet.occurrences,
            score=round(float(score or 0.0), 4),
            passage=stored["id"],
            level=stored.get("level", ""),
            kind=stored.get("kind", ""),
            file=stored.get("file", ""),
        )

    def _around(self, report_id: str, uid: int, n: int) -> dict:
        """The texts of the ``n`` passages before and after passage ``uid`` in its report."""
        uids = self._engine.report_uids(report_id)
        at = uids.index(uid)
        text = lambda u: self._record.passage(u)["original"]  # noqa: E731
        return {"before": [text(u) for u in uids[max(0, at - n) : at]],
                "after": [text(u) for u in uids[at + 1 : at + 1 + n]]}  # fmt: skip

    def hints(self, query: str, *, filters=None, words: bool = False,
              check_words: bool = True) -> list[str]:  # fmt: skip
        """For a query that found nothing, what to try, one line each: the other search
        syntax it holds that was searched as text (``query_hints``), else, if
        ``check_words``, whether its words apart would be found (``--words``). That check
        loads a word dictionary (0.1-2 s), so ask for it only to show its line to a person."""
        hints = query_hints(query)
        if hints or words or not query.strip() or not check_words:
            return hints  # a named cause beats a guess about words
        try:
            apart = self.facets(query, [], filters=filters, words=True)["total"]
        except ReportSearchError:
            return hints
        if apart:
            hints.append(
                f"{apart} passage{'' if apart == 1 else 's'} hold these words in "
                "another order or apart; add --words to see them"
            )
        return hints

    def facets(self, query: str, by=None, *, filters=None, words=False) -> dict:
        """``{"query", "total", "reports", "facets": {...}}`` without fetching any hit;
        ``by``: the facets to count (None: every one)."""
        counted = check_facet_names(by)
        query_text, _, matches = self._match(query, filters, words)
        return {
            "query": query_text,
            "total": matches.total,
            "reports": self._engine.report_count(matches),
            "facets": count_facets(self._engine, matches, counted),
        }

    def concordance(
        self,
        query: str,
        *,
        filters: dict[str, str] | None = None,
        words: bool = False,
        limit: int = 50,
        offset: int = 0,
        sort: str = "relevance",
        width: int = 30,
        order: str = "hits",
        facets=(),
        per: str = "passages",
    ) -> dict:
        """Keyword in context: one line per highlighted occurrence, with ``width``
        characters of context either side. ``per="passages"`` (the page): the lines of one
        page of hits, ``limit`` passages from ``offset``, ranked by ``sort``.
        ``per="lines"`` (the CLI): ``limit`` lines from ``offset`` (0: all) out of every
        occurrence in every matching passage, and ``occurrences`` says how many there are,
        so a cut is never silent. ``order`` puts the lines in hit order ("hits"), by the
        context just left of the match, read right to left ("left", as concordancers do),
        or by the right context ("right"); ties keep hit order.
        Returns ``{"query", "total", "reports", "lines": [KWIC_COLUMNS rows], "facets"}``
        (``facets`` as in ``search``, for the names asked for), and with ``per="lines"``
        ``occurrences``."""
        if order not in CONCORDANCE_ORDERS:
            raise UsageError(
                f"unknown concordance order {order!r}; orders are: {', '.join(CONCORDANCE_ORDERS)}"
            )
        if per not in ("passages", "lines"):
            raise UsageError(f"unknown concordance unit {per!r}; units are: passages, lines")
        if not 1 <= width <= 200:
            raise UsageError("the context width is 1 to 200 characters")
        by_lines = per == "lines"
        result = self.search(query, filters=filters, words=words,
                             limit=0 if by_lines else limit, offset=0 if by_lines else offset,
                             sort=sort, facets=facets)  # fmt: skip
        lines = []
        for hit in result.hits:  # each hit's own occurrences: no second parse, no re-snippet
            snippet = Snippet(hit.snippet, hit.highlights, hit.matches, hit.occurrences)
            for line in concordance(snippet, width):
                lines.append({"report": hit.report, "passage": hit.passage,
                              "province": hit.province, "city": hit.city,
                              "district": hit.district, "year": hit.year, "left": line.left,
                              "match": line.match, "right": line.right})  # fmt: skip
        if order == "left":
            lines.sort(key=lambda line: line["left"][::-1])
        elif order == "right":
            lines.sort(key=lambda line: line["right"])
        data = {"query": result.query, "total": result.total, "reports": result.reports,
                "lines": lines, "facets": result.facets}  # fmt: skip
        if by_lines:
            data["occurrences"] = len(lines)
            data["lines"] = lines[offset : offset + limit] if limit else lines[offset:]
        return data

    def spread(self, query: str, *, filters=None, words: bool = False) -> dict:
        """Where and when ``query`` is used, counted in reports: per year, and per place
        with its first and last year and its coordinates (see ``trends.spread``)."""
        query_text, _, matches = self._match(query, filters, words)
        found = self._engine.report_columns(matches)
        from . import trends  # the gazetteer it loads is for trends and maps only

        return trends.spread(found, self._every_report(), query_text, matches.total)

    def trend(
        self, query: str, by=("year",), *, filters=None, words: bool = False, first: bool = False
    ) -> dict:
        """How many reports mention ``query`` per year (and province or city), beside all
        the reports of each cell; with ``first``, the first and last year per place. Every
        report is counted somewhere (see ``trends.trend`` for the rows)."""
        query_text = build_query_text(query, filters)

        def found() -> dict:
            return self._engine.report_columns(self._match(query, filters, words)[2])

        from . import trends

        return trends.trend(found, self._every_report, query_text, by, first)

    def _every_report(self) -> dict[str, list]:
        """``report_columns`` of every live report: the same for every query on this open
        index, so computed once."""
        if self._all_reports is None:
            self._all_reports = self._engine.report_columns(self._engine.match(None))
        return self._all_reports

    # ---- panel -----------------------------------------------------------------------

    def panel(self, terms, *, by: str = "report", filters: dict[str, str] | None = None) -> dict:
        """Dictionary counts for a regression: ``{"by", "concepts", "rows"}``, one row per
        report and entry of ``terms`` (``by="report"``, every report included, count 0 too)
        or per cell of ``"city,year"``, ``"province,year"`` or ``"year"`` and entry, with
        ``concept``, ``count``, ``reports``, ``all_reports``, ``chars``, ``per_10k`` and the
        metadata (``query.panel`` says exactly how each is counted). ``terms``: the entries
        of ``panel.read_terms(path, index.concepts)``, or strings, each a term or
        ``concept:NAME``, or ``Concept`` records. Counting runs on the suffix arrays
        (``Engine.occurrence_counts``): no text is read."""
        from . import panel  # only panels need it

        by = panel.check_by(by)
        if isinstance(terms, str):
            terms = [terms]
        entries = panel.entries_of(terms or [], self.concepts)
        _, _, matches = self._match("", filters, False)
        counted = self._engine.occurrence_counts([e.terms for e in entries], matches)
        return panel.panel(counted, entries, by)

    def word_frequencies(self, words) -> dict:
        """Every live passage's count of each jieba word in ``words``, and of all words:
        ``{"counts", "tokens"}``."""
        return self._engine.word_frequencies(words)

    def collocates(self, query: str, *, window: int = 5, filters=None, words: bool = False,
                   limit: int = 50) -> dict:  # fmt: skip
        """The jieba words near ``query``'s occurrences, by log-likelihood and MI
        (``query.collocates``)."""
        from .collocates import collocates  # only collocates need it

        return collocates(self, query, window=window, filters=filters, words=words,
                          limit=limit)  # fmt: skip

    def reuse(self, report_id: str | None = None, *, threshold: float = 0.7,
              formula_share: float = 0.05) -> dict:  # fmt: skip
        """Passages shared between reports (``query.reuse``): with no report, every family
        of shared passages with its likely source and the common formulas apart; with one,
        where each of its passages appears elsewhere, earlier or later."""
        from . import reuse  # only reuse needs it

        records = reuse.records_from_index(self._opened)
        options = dict(threshold=threshold, formula_share=formula_share)
        if report_id is None:
            return reuse.find_reuse(records, **options)
        return reuse.report_reuse(records, self.resolve_report(report_id), **options)

    def passim_records(self):
        """Every live passage as passim reads it (``{"id", "series", "date", "text"}``:
        the passage id, its report's place, the year it is about as a date, its search
        form), for text reuse on a Spark cluster when one machine is not enough."""
        from . import reuse  # only exports need it

        for record in reuse.records_from_index(self._opened):
            # passim compares only documents of different series: a report of no known
            # place is a series of its own, never one "unknown" series
            place = record.city or record.province or record.report
            yield {"id": record.passage, "series": place,
                   "date": f"{record.year:04d}-01-01" if record.year else "",
                   "text": record.text}  # fmt: skip

    def diff(self, a: str | None, b: str) -> dict:
        """Report ``b`` against report ``a``, passage by passage (``query.diff``); with no
        ``a``, against the same place's report of the year before (ReportNotFoundError if
        there is none)."""
        from .diff import diff_reports, previous_report

        b = self.resolve_report(b)
        if a is None:
            a = previous_report(self, b)
            if a is None:
                raise ReportNotFoundError(
                    f"report {b} has no report of its place for the year before"
                )
        return diff_reports(self, self.resolve_report(a), b)

    # ---- one report ------------------------------------------------------------------

    def report(self, report_id: str, query: str = "", *, words: bool = False) -> dict:
        """A whole report for reading: ``{"report": summary row, "outline": [...],
        "passages": [...], "query", "matches"}``.

        Passages are in reading order, in the report's own characters, each with its id,
        position, section path, category, whether it is a heading, and the highlights of
        ``query``'s strings in it. The outline lists each heading once, where it first
        appears, with its depth and the passage it starts at."""
        report_id = self.resolve_report(report_id)
        summary = self._record.report(report_id)
        tree = parse_query(query, self.concepts) if query.strip() else None
        strings = _highlighted(tree, words)
        passages, outline, previous, total = [], [], (), 0
        for uid in self._engine.report_uids(report_id):
            stored = self._record.passage(uid)
            section = tuple(stored.get("section") or ())
            snippet = make_snippet(stored["original"], strings)
            total += snippet.matches
            heading = bool(section) and stored["original"].strip() == section[-1].strip()
            for depth, title in enumerate(section):
                if previous[: depth + 1] != section[: depth + 1]:
                    outline.append({"depth": depth, "heading": title, "passage": stored["id"]})
            previous = section
            passages.append({
                "passage": stored["id"], "position": stored["position"],
                "section": list(section), "category": stored.get("category", ""),
                "heading": heading, "text": stored["original"],
                "highlights": [list(span) for span in snippet.highlights],
                "matches": snippet.matches,
                "facts": stored.get("facts") or [],
            })  # fmt: skip
        return {"report": summary, "outline": outline, "passages": passages,
                "query": query, "matches": total}  # fmt: skip

    def resolve_report(self, report_id: str) -> str:
        """The indexed report ``report_id`` names: itself, or else the one id that reads
        the same without leading zeros (a spreadsheet turns "033" into 33); an id that
        could be several is an error naming them, as is one that names none."""
        if self._record.report(report_id) is not None:
            return report_id
        bare = report_id.lstrip("0")
        alike = [row["report"] for row in self._record.reports()
                 if bare and row["report"].lstrip("0") == bare]  # fmt: skip
        if len(alike) == 1:
            return alike[0]
        if alike:
            raise ReportNotFoundError(f"no report {report_id!r}; it could be "
                                      f"{' or '.join(alike)}: give the whole id")  # fmt: skip
        raise ReportNotFoundError(
            f"no report {report_id!r} in the index at {self.store.directory}; "
            "list them with: reportsearch reports"
        )

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
        Returns ``{"indicator": name, "rows": [...]}`` (rows as ``render.METRIC_COLUMNS``)."""
        wanted = normalize_for_search(name) if name else ""
        if name is not None and not wanted:
            raise UsageError("give an indicator name, or --all for every fact")
        by_name = Or((Field("metric", wanted), Text(wanted))) if wanted else None
        tree = with_filters(by_name, filters)
        # the engine keeps the passages with a figure in range; their facts are read next
        matches = self._engine.with_facts(self._engine.match(tree), minimum, maximum)
        rows = []
        for uid, _, _, _ in self._engine.page(matches, [], limit=0):
            stored = self._record.passage(uid)
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
        return self._engine.indicators()

    def reports(self) -> list[dict]:
        """The summary row of every indexed report, ordered by report id."""
        return self._record.reports()


def _metric_row(stored: dict, fact: dict) -> dict:
    return {
        "report": stored["report"],
        "passage": stored["id"],
        "province": stored.get("province", ""),
        "city": stored.get("city", ""),
        "district": stored.get("district", ""),
        # the year the sentence gives the figure ("由2020年的85%"), else the report's
        "year": fact.get("year") or (int(stored["year"]) if stored.get("year") else None),
        "indicator": fact["indicator"],
        "canonical": fact["canonical"],
        "value": fact["value"],
        "unit": fact["unit"],
        "qualifier": fact["qualifier"],
        "kind": fact.get("kind", "level"),
        "quote": fact["quote"],
        "start": fact["start"],
    }


def _highlighted(tree, words: bool) -> list[str]:
    """The strings to highlight for a query tree: its positive strings, or with ``words``
    each of their jieba words."""
    strings = positive_texts(tree)  # --words keeps the strings, matched as words
    return words_to_highlight(strings) if words else strings


def _has_filters(filters) -> bool:
    return any(value not in (None, "") for value in (filters or {}).values())


def open_index(directory: str | Path | None = None, concepts=None) -> ReportIndex:
    """Open the index in ``directory`` (default: $REPORTSEARCH_INDEX_DIR or index_data/).
    ``concepts``: a concepts file (its path) or ``Concept`` records that ``concept:NAME``
    may name besides the shipped ones, which they replace by name (``query.concepts``)."""
    return ReportIndex(directory, concepts)
