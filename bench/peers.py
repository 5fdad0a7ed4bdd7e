"""Peers: the tools a user would pick instead of reportsearch, behind one small interface.

Input: the benchmark's passages (``Passage``: search form, place, year, report, facts) and
``QuerySpec``s (what to find, as each tool is asked it). Output, per query: an ``Answer`` with
the total, the city and year facet counts and the top ten passages (what is timed), and the
full set of matching passages (what recall and precision are computed from, untimed).

Every peer gets the same passages, already normalized (NFKC, lower case, Simplified), and
the query strings as the user typed them, so Traditional queries test whether a tool
normalizes queries itself. ``grep`` is the ground truth: the substring rule reportsearch
promises. The peers:

* ``scan``: a Python loop doing ``q in passage`` over every passage (memory only);
* ``whoosh-jieba``: the stock recipe, Whoosh with jieba's ``ChineseAnalyzer`` and
  ``QueryParser``;
* ``sqlite-fts5``: SQLite FTS5 with the trigram tokenizer, phrases as ``"..."``;
* ``tantivy``: tantivy (Python bindings) with one token per character and phrase queries,
  facets by its aggregations.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reportsearch.indexer.normalizing import normalize_for_search


@dataclass(frozen=True)
class Passage:
    id: str  # "<report>#<position>"
    text: str  # search form
    province: str
    city: str
    year: int
    facts: tuple = ()  # (canonical indicator, value)


@dataclass(frozen=True)
class QuerySpec:
    name: str
    ours: str  # reportsearch's query text
    must: tuple[str, ...] = ()
    should: tuple[str, ...] = ()  # at least one, when given
    must_not: tuple[str, ...] = ()
    filters: dict = field(default_factory=dict)  # {"year": 2021, "province": "四川省"}
    words: bool = False  # reportsearch --words: no grep truth
    metric: tuple | None = None  # (canonical, minimum): only reportsearch answers it
    peers: bool = True  # whether the peers are asked at all

    def __hash__(self):
        return hash(self.name)


MIX = (
    QuerySpec("rare phrase", "柔性执法", must=("柔性执法",)),
    QuerySpec("common phrase", "法治政府建设", must=("法治政府建设",)),
    QuerySpec("phrase", "行政复议", must=("行政复议",)),
    QuerySpec("1 character", "法", must=("法",)),
    QuerySpec("2 characters", "执法", must=("执法",)),
    QuerySpec("AND", "复议 应诉", must=("复议", "应诉")),
    QuerySpec("OR", "复议 OR 应诉", should=("复议", "应诉")),
    QuerySpec("NOT", "规范性文件 -清理", must=("规范性文件",), must_not=("清理",)),
    QuerySpec("phrase + year", "行政复议 year:2021", must=("行政复议",), filters={"year": 2021}),
    QuerySpec(
        "2 characters + province",
        "执法 province:四川",
        must=("执法",),
        filters={"province": "四川省"},
    ),  # fmt: skip
    QuerySpec("filter only", "year:2020", filters={"year": 2020}),
    QuerySpec("Traditional", "柔性執法", must=("柔性執法",)),
    QuerySpec("metric", "metric:出庭应诉率>=95", metric=("出庭应诉率", 95.0), peers=False),
    QuerySpec("--words", "法治政府 依法行政", words=True, peers=False),
)


@dataclass
class Answer:
    total: int
    facets: dict  # {"city": Counter, "year": Counter}
    top: list[str]  # passage ids


def grep(passages: list[Passage], spec: QuerySpec) -> set[int]:
    """The ground truth: passages whose search form holds the normalized strings."""
    must = [normalize_for_search(s) for s in spec.must]
    should = [normalize_for_search(s) for s in spec.should]
    must_not = [normalize_for_search(s) for s in spec.must_not]
    out = set()
    for i, p in enumerate(passages):
        if spec.metric is not None:
            name, minimum = spec.metric
            if any(c == name and v is not None and v >= minimum for c, v in p.facts):
                out.add(i)
            continue
        if not _filters_hold(p, spec.filters):
            continue
        if all(s in p.text for s in must) and (not should or any(s in p.text for s in should)):
            if not any(s in p.text for s in must_not):
                out.add(i)
    return out


def _filters_hold(passage: Passage, filters: dict) -> bool:
    return all(getattr(passage, name) == value for name, value in filters.items())


class Peer:
    name = ""

    def build(self, passages: list[Passage], folder: Path) -> None:
        raise NotImplementedError

    def answer(self, spec: QuerySpec) -> Answer:
        """Total, city and year facets, top ten: the timed work."""
        raise NotImplementedError

    def matching(self, spec: QuerySpec) -> set[int]:
        """Every matching passage (untimed), for recall and precision."""
        raise NotImplementedError


class Scan(Peer):
    """``q in passage`` over every passage, kept in memory."""

    name = "scan"

    def build(self, passages, folder):
        self.passages = passages

    def _hits(self, spec):
        return [
            i
            for i, p in enumerate(self.passages)
            if _filters_hold(p, spec.filters)
            and all(s in p.text for s in spec.must)
            and (not spec.should or any(s in p.text for s in spec.should))
            and not any(s in p.text for s in spec.must_not)
        ]

    def answer(self, spec):
        hits = self._hits(spec)
        strings = spec.must + spec.should
        top = heapq.nlargest(10, hits, key=lambda i: (
            sum(self.passages[i].text.count(s) for s in strings), -i))  # fmt: skip
        return Answer(
            len(hits),
            {
                "city": Counter(self.passages[i].city for i in hits),
                "year": Counter(self.passages[i].year for i in hits),
            },  # fmt: skip
            [self.passages[i].id for i in top],
        )

    def matching(self, spec):
        return set(self._hits(spec))


class SqliteTrigram(Peer):
    """SQLite FTS5, trigram tokenizer (which cannot find strings under three characters)."""

    name = "sqlite-fts5"

    def build(self, passages, folder):
        self.db = sqlite3.connect(str(folder / "fts.db"))
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(text, province UNINDEXED, "
                        "city UNINDEXED, year UNINDEXED, tokenize='trigram')")  # fmt: skip
        self.db.executemany(
            "INSERT INTO p(rowid, text, province, city, year) VALUES (?, ?, ?, ?, ?)",
            ((i, p.text, p.province, p.city, p.year) for i, p in enumerate(passages)),
        )
        self.db.commit()
        self.ids = [p.id for p in passages]

    def _where(self, spec):
        def phrase(s):
            return '"' + s.replace('"', '""') + '"'

        parts = [" AND ".join(phrase(s) for s in spec.must)] if spec.must else []
        if spec.should:
            parts.append("(" + " OR ".join(phrase(s) for s in spec.should) + ")")
        match = " AND ".join(parts)
        if match and spec.must_not:
            match += " NOT " + " NOT ".join(phrase(s) for s in spec.must_not)
        clauses, args = ([("p MATCH ?")], [match]) if match else ([], [])
        for name, value in spec.filters.items():
            clauses.append(f"{name} = ?")
            args.append(value)
        return " AND ".join(clauses) or "1", args

    def answer(self, spec):
        where, args = self._where(spec)
        total = self.db.execute(f"SELECT count(*) FROM p WHERE {where}", args).fetchone()[0]
        facets = {
            name: Counter(dict(self.db.execute(
                f"SELECT {name}, count(*) FROM p WHERE {where} GROUP BY {name}", args)))
            for name in ("city", "year")
        }  # fmt: skip
        order = "ORDER BY rank" if "MATCH" in where else ""
        rows = self.db.execute(f"SELECT rowid FROM p WHERE {where} {order} LIMIT 10", args)
        return Answer(total, facets, [self.ids[r] for (r,) in rows])

    def matching(self, spec):
        where, args = self._where(spec)
        return {r for (r,) in self.db.execute(f"SELECT rowid FROM p WHERE {where}", args)}


class Tantivy(Peer):
    """tantivy with one token per character and phrase queries (exact for phrases of
    non-space characters), facets by terms aggregations over fast fields."""

    name = "tantivy"

    def build(self, passages, folder):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("n", stored=True, indexed=True, fast=True)
        builder.add_text_field("text", tokenizer_name="whitespace", index_option="position")
        builder.add_text_field("province", tokenizer_name="raw", fast=True)
        builder.add_text_field("city", tokenizer_name="raw", fast=True)
        builder.add_integer_field("year", indexed=True, fast=True)
        self.schema = builder.build()
        index = tantivy.Index(self.schema, path=str(folder))
        writer = index.writer(heap_size=512_000_000, num_threads=2)
        for i, p in enumerate(passages):
            writer.add_document(tantivy.Document(
                n=i, text=" ".join(p.text.replace(" ", "")), province=p.province, city=p.city,
                year=p.year))  # fmt: skip
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self.searcher = index.searcher()
        self.ids = [p.id for p in passages]
        self.tantivy = tantivy

    def _query(self, spec):
        t = self.tantivy
        Occur = t.Occur

        def string(s):
            chars = list(s.replace(" ", ""))
            if len(chars) == 1:
                return t.Query.term_query(self.schema, "text", chars[0])
            return t.Query.phrase_query(self.schema, "text", chars)

        clauses = [(Occur.Must, string(s)) for s in spec.must]
        if spec.should:
            clauses.append((Occur.Must, t.Query.boolean_query(
                [(Occur.Should, string(s)) for s in spec.should])))  # fmt: skip
        clauses += [(Occur.MustNot, string(s)) for s in spec.must_not]
        for name, value in spec.filters.items():
            clauses.append((Occur.Must, t.Query.term_query(self.schema, name, value)))
        if not any(occur == Occur.Must for occur, _ in clauses):
            clauses.append((Occur.Must, t.Query.all_query()))
        return t.Query.boolean_query(clauses)

    def answer(self, spec):
        query = self._query(spec)
        result = self.searcher.search(query, 10, count=True)
        top = [self.searcher.doc(address)["n"][0] for _, address in result.hits]
        aggregations = self.searcher.aggregate(query, {
            "city": {"terms": {"field": "city", "size": 10_000}},
            "year": {"terms": {"field": "year", "size": 100}},
        })  # fmt: skip
        facets = {name: Counter({b["key"]: b["doc_count"] for b in aggregations[name]["buckets"]})
                  for name in ("city", "year")}  # fmt: skip
        return Answer(result.count, facets, [self.ids[n] for n in top])

    def matching(self, spec):
        query = self._query(spec)
        count = self.searcher.search(query, 1, count=True).count
        result = self.searcher.search(query, max(count, 1))
        return {self.searcher.doc(address)["n"][0] for _, address in result.hits}


class WhooshJieba(Peer):
    """The stock recipe: Whoosh, jieba's ChineseAnalyzer, QueryParser, groupedby facets."""

    name = "whoosh-jieba"

    def build(self, passages, folder):
        from jieba.analyse import ChineseAnalyzer
        from whoosh import fields, index

        schema = fields.Schema(
            n=fields.NUMERIC(stored=True),
            text=fields.TEXT(analyzer=ChineseAnalyzer()),
            province=fields.ID(sortable=True),
            city=fields.ID(sortable=True),
            year=fields.ID(sortable=True),
        )
        ix = index.create_in(str(folder), schema)
        writer = ix.writer(limitmb=256)
        for i, p in enumerate(passages):
            writer.add_document(n=i, text=p.text, province=p.province, city=p.city,
                                year=str(p.year))  # fmt: skip
        writer.commit()
        self.searcher = ix.searcher()
        self.schema = schema
        self.ids = [p.id for p in passages]

    def _query(self, spec):
        from whoosh.qparser import QueryParser

        parts = list(spec.must)
        if spec.should:
            parts.append("(" + " OR ".join(spec.should) + ")")
        text = " AND ".join(parts)
        if spec.must_not:
            text += "".join(f" NOT {s}" for s in spec.must_not)
        for name, value in spec.filters.items():
            text += f" {name}:{value}"
        return QueryParser("text", self.schema).parse(text.strip() or "*")

    def answer(self, spec):
        from whoosh import sorting

        results = self.searcher.search(self._query(spec), limit=10, groupedby={
            "city": sorting.FieldFacet("city", maptype=sorting.Count),
            "year": sorting.FieldFacet("year", maptype=sorting.Count),
        })  # fmt: skip
        facets = {name: Counter(results.groups(name)) for name in ("city", "year")}
        top = [self.ids[hit["n"]] for hit in results]
        return Answer(len(results), facets, top)

    def matching(self, spec):
        results = self.searcher.search(self._query(spec), limit=None)
        return {hit["n"] for hit in results}


PEERS = {peer.name: peer for peer in (Scan, WhooshJieba, SqliteTrigram, Tantivy)}
