"""Matching: a query tree -> a Whoosh query that finds exactly the matching passages.

Input: a tree from ``parsing.parse_query`` (and, for metric comparisons, a searcher to read
stored facts). Output: a Whoosh query over passage documents, and a ranking query.

* ``Text`` -> the string's bigrams as a phrase over ``text`` (one character: a prefix query),
  which is exact by construction (see ``indexer.schema``).
* ``Field`` -> filters: places by full or short name, years as ranges over a sortable column,
  sections as exact strings in the headings, categories and metrics as terms.
* ranking: BM25 over jieba words of the positive strings, added to (never replacing) the exact
  match, so every hit contains every string the query requires.
* ``words=True`` (the CLI's ``--words``): each ``Text`` instead requires its jieba words in any
  order; passages that hold the exact string rank first.
"""

from __future__ import annotations

from whoosh import query as wq

from indexer.gazetteer import short_name
from indexer.metrics import canonical_indicator
from indexer.schema import PASSAGE, exact_grams, place_key, word_tokens

from .parsing import And, Field, Not, Or, Text, positive_texts

EXACT_FIRST = 1000.0
# The universe for "everything" and for negation. Not Whoosh's Every(): And.normalize() lets
# Every() absorb its siblings, which would drop the passage filter.
_ALL_PASSAGES = wq.Term(
    "doctype", PASSAGE
)  # score added to passages holding the exact string in --words mode


def exact_query(field: str, value: str) -> wq.Query:
    """Passages whose ``field`` contains ``value`` (a search-form string) exactly."""
    if len(value) == 1:
        return wq.Prefix(field, value)
    grams = [gram for _, gram in exact_grams(value)[:-1]]
    if len(grams) == 1:
        return wq.Term(field, grams[0])
    return wq.Phrase(field, grams)


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
