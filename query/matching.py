"""Matching: a query tree -> a Whoosh query that finds exactly the matching passages.

Input: a tree from ``parsing.parse_query`` (and, for metric comparisons, a searcher to read
stored facts). Output: a Whoosh query over passage documents, and a ranking query.

* ``Text`` -> passages holding all the string's bigrams, each checked against its stored
  search form (one character: a prefix query; two: a term). Exact by construction: the
  bigrams find a superset, the check is grep itself (see ``indexer.schema``).
* ``Field`` -> filters: places by full or short name, years as ranges over a sortable column,
  sections as exact strings in the headings, categories and metrics as terms.
* ranking: BM25 over jieba words of the positive strings, added to (never replacing) the exact
  match, so every hit contains every string the query requires.
* ``words=True`` (the CLI's ``--words``): each ``Text`` instead requires its jieba words in any
  order; passages that hold the exact string rank first.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from indexer.gazetteer import short_name
from indexer.metrics import canonical_indicator
from indexer.schema import EXACT_COLUMNS, PASSAGE, exact_grams, place_key, word_tokens

from .parsing import And, Field, Not, Or, Text, positive_texts

EXACT_FIRST = 1000.0  # score added to passages holding the exact string in --words mode
# The universe for "everything" and for negation. Not Whoosh's Every(): And.normalize() lets
# Every() absorb its siblings, which would drop the passage filter.
_ALL_PASSAGES = wq.Term("doctype", PASSAGE)


class ExactSubstring(wq.Query):
    """Documents whose search form (kept in a column) contains ``needle``.

    Candidates are the documents holding every bigram of the needle (an intersection of
    posting lists, no positions needed); each is then checked against its stored search form,
    which is exactly grep. Far cheaper than Whoosh's positional phrase matching.
    """

    def __init__(self, fieldname: str, needle: str, boost: float = 1.0):
        self.fieldname = fieldname
        self.needle = needle
        self.boost = boost
        self._grams = sorted({gram for _, gram in exact_grams(needle)[:-1]})

    def __eq__(self, other):
        return type(other) is type(self) and (self.fieldname, self.needle, self.boost) == (
            other.fieldname,
            other.needle,
            other.boost,
        )

    def __hash__(self):
        return hash((type(self).__name__, self.fieldname, self.needle, self.boost))

    def __repr__(self):
        return f"{type(self).__name__}({self.fieldname!r}, {self.needle!r})"

    def __unicode__(self):
        return f'{self.fieldname}:"{self.needle}"'

    __str__ = __unicode__

    def field(self):
        return self.fieldname

    def estimate_size(self, ixreader):
        return min(ixreader.doc_frequency(self.fieldname, gram) for gram in self._grams)

    def estimate_min_size(self, ixreader):
        return 0

    def matcher(self, searcher, context=None):
        candidates = wq.And([wq.Term(self.fieldname, gram) for gram in self._grams])
        column = searcher.reader().column_reader(EXACT_COLUMNS[self.fieldname])
        needle = self.needle.encode("utf-8")  # UTF-8 bytes: substring iff string substring
        ids = [d for d in candidates.matcher(searcher, context).all_ids() if needle in column[d]]
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, all_weights=self.boost)


def exact_query(field: str, value: str) -> wq.Query:
    """Passages whose ``field`` contains ``value`` (a search-form string) exactly."""
    if len(value) == 1:
        return wq.Prefix(field, value)  # every character starts a term (see exact_grams)
    if len(value) == 2:
        return wq.Term(field, value)
    return ExactSubstring(field, value)


def words_query(value: str) -> wq.Query | None:
    words = sorted(set(word_tokens(value)))
    if not words:
        return None
    return (
        wq.And([wq.Term("words", w) for w in words])
        if len(words) > 1
        else wq.Term("words", words[0])
    )


def compile_query(tree, searcher=None, words: bool = False) -> wq.Query:
    """The Whoosh query selecting passages that match ``tree``."""
    return wq.And([_compile(tree, searcher, words), wq.Term("doctype", PASSAGE)]).normalize()


def ranking_query(tree, searcher=None, words: bool = False) -> wq.Query:
    """``compile_query`` plus optional clauses that order hits by relevance."""
    matching = compile_query(tree, searcher, words)
    texts = positive_texts(tree)
    scorers = []
    for text in texts:
        scorers.extend(wq.Term("words", w) for w in sorted(set(word_tokens(text))))
        if words:
            scorers.append(wq.ConstantScoreQuery(exact_query("text", text), EXACT_FIRST))
    if not scorers:
        return wq.ConstantScoreQuery(matching, 1.0)
    return wq.AndMaybe(wq.ConstantScoreQuery(matching, 0.0), wq.Or(scorers))


def _compile(node, searcher, words: bool) -> wq.Query:
    if node is None:  # no query at all: every passage
        return _ALL_PASSAGES
    if isinstance(node, Text):
        if words:
            return words_query(node.value) or exact_query("text", node.value)
        return exact_query("text", node.value)
    if isinstance(node, Field):
        return _field(node, searcher)
    if isinstance(node, Not):
        return wq.And([_ALL_PASSAGES, wq.Not(_compile(node.node, searcher, words))])
    if isinstance(node, And):
        return wq.And([_compile(n, searcher, words) for n in node.nodes])
    if isinstance(node, Or):
        return wq.Or([_compile(n, searcher, words) for n in node.nodes])
    raise TypeError(f"not a query node: {node!r}")


def _field(node: Field, searcher) -> wq.Query:
    if node.name in ("city", "province", "district"):
        keys = {place_key(node.name, node.value), place_key(node.name, short_name(node.value))}
        return wq.Or([wq.Term("place_keys", key) for key in sorted(keys)])
    if node.name == "year":
        low, high = node.year_range
        return wq.TermRange("year", str(low), str(high))
    if node.name == "section":
        return exact_query("section_text", node.value)
    if node.name == "metric":
        return _metric(node, searcher)
    return wq.Term(node.name, node.value)


_COMPARE = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "=": lambda a, b: a == b,
}


def metric_name(value: str) -> str:
    """What ``metric:VALUE`` looks for: the canonical name of VALUE, else VALUE itself."""
    return canonical_indicator(value) or value


def _metric(node: Field, searcher) -> wq.Query:
    name = metric_name(node.value)
    has_metric = wq.Term("metric", name)
    if node.op is None:
        return has_metric
    if searcher is None:
        raise ValueError("metric comparisons need a searcher to read stored facts")
    # Facts are stored with their passage; a comparison keeps the passages with a fact of
    # that indicator whose value satisfies it (metrics are sparse, so this set is small).
    compare = _COMPARE[node.op]
    ids = []
    for docnum in searcher.docs_for_query(has_metric):
        stored = searcher.stored_fields(docnum)
        for fact in stored.get("facts") or []:
            if fact["canonical"] == name and fact["value"] is not None:
                if compare(fact["value"], node.number):
                    ids.append(stored["id"])
                    break
    return wq.Or([wq.Term("id", i) for i in sorted(ids)]) if ids else wq.NullQuery
