"""Collocates: a query -> the jieba words that keep it company, ranked as AntConc ranks them.

Input: an open ``ReportIndex`` (only its public methods: ``search``, ``reports``,
``report``) and a query with optional filters. Output::

    {"query": shown query, "window": 5, "occurrences": 812, "passages": 640,
     "tokens": words in the reference corpus,
     "rows": [{"word", "count", "left", "right", "frequency", "ll", "mi"}, ...]}

**Occurrences.** Every matching passage (any query and filters, as ``search`` takes them) is
searched for the query's positive strings in its search form, non-overlapping, left to
right (as ``str.count`` and the highlights count them); with ``words=True`` for each of
their jieba words. Each occurrence is one node.

**The window.** The passage's words are ``indexer.words.word_tokens`` of its search form:
the same jieba words the index and ``--words`` use, punctuation and white space left out.
A word that overlaps the node (``行政复议`` around the query ``复议``) belongs to the node.
The ``window`` words before the node and the ``window`` after it, within its passage, are
its context; a word in the context is counted unless it is one of the query's own words
or overlaps another occurrence (it still takes its place in the window). Two nodes close
together each count their own window, as AntConc does, so a word can be counted twice.
Stop words: none; pass ``stopwords`` to leave some out (they still take their place).

Only the text around each node is cut into words: jieba cuts a text in independent blocks
between characters that are neither letters, digits nor ``+#&._%-`` (its ``re_han``), so
cutting the blocks near a node gives exactly the words of cutting the whole passage.

**The statistics** (Dunning 1993; AntConc's defaults). For a word *w*: ``count`` O11 (its
count in all windows), ``frequency`` C1 (its count among all the words of every live
passage of the index, whatever the filters), R1 (all the words counted in all windows),
N (all the words of the index). With E11 = R1·C1/N, ``ll`` is the log-likelihood G² of the
2×2 table (O11, R1−O11; C1−O11, N−R1−C1+O11), negative when the word is rarer near the
query than elsewhere (O11 < E11), and ``mi`` is log2(O11/E11). Rows are sorted by ``ll``,
then ``count``, both descending, then by word.

**The reference counts** come from ``index.word_frequencies(words)``
(``{"counts": {word: n}, "tokens": N}``, from the index's own inverted index of words, in
milliseconds). A caller may also pass ``reference=`` a callable of the same shape (tests,
or another reference corpus).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.normalizing import normalize_for_search
from reportsearch.indexer.words import word_tokens

from .parsing import parse_query, positive_texts
from .snippets import find_all, words_to_highlight

MAX_WINDOW = 50
# A run of characters jieba cuts as one block: letters and digits of any script and
# "+#&._%-" (a superset of jieba's and jieba-rs's re_han). Anything else is a boundary
# that both cut at, so blocks can be cut apart.
_BLOCK = re.compile(r"[\w+#&.%\-]+")

Reference = Callable[[list[str]], dict]
Word = tuple[str, int, int, bool]  # a word, its span in the search form, whether it counts


def collocates(
    index,
    query: str,
    *,
    window: int = 5,
    filters: dict[str, str] | None = None,
    words: bool = False,
    limit: int = 50,
    stopwords: Iterable[str] = (),
    reference: Reference | None = None,
) -> dict:
    """The words within ``window`` words either side of each occurrence of ``query`` in its
    matching passages, ranked by log-likelihood (see the module's docstring); ``limit``
    rows (0: every word)."""
    if not 1 <= window <= MAX_WINDOW:
        raise UsageError(f"the collocation window is 1 to {MAX_WINDOW} words")
    if limit < 0:
        raise UsageError("--limit takes a whole number >= 0")
    strings = positive_texts(parse_query(query)) if query.strip() else []
    if words:
        strings = words_to_highlight(strings)
    strings = [s for s in dict.fromkeys(strings) if s]
    if not strings:
        raise UsageError("collocates need a string to look for, e.g.: collocates 柔性执法")
    own = {w for s in strings for w in word_tokens(s)} | set(strings)
    own |= {normalize_for_search(w) for w in stopwords}

    result = index.search(query, filters=filters, words=words, limit=0, lazy=True, facets=[])
    left, right = Counter(), Counter()
    occurrences = passages = slots = 0
    for hit in result.hits:
        form = normalize_for_search(hit.snippet)  # hit.snippet: the whole passage
        nodes = _occurrences(form, strings)
        if not nodes:
            continue
        passages += 1
        occurrences += len(nodes)
        context = _Context(form, nodes, own)
        for start, end in nodes:
            for side, counter in ((context.before(start, window), left),
                                  (context.after(end, window), right)):  # fmt: skip
                slots += len(side)
                counter.update(word for word, _, _, counted in side if counted)

    counted = left + right
    reference = reference or index.word_frequencies
    frequencies = reference(sorted(counted)) if counted else {"counts": {}, "tokens": 0}
    total = max(int(frequencies["tokens"]), slots)
    rows = []
    for word, count in counted.items():
        frequency = max(int(frequencies["counts"].get(word, 0)), count)
        ll, mi = association(count, slots, frequency, total)
        rows.append({"word": word, "count": count, "left": left[word], "right": right[word],
                     "frequency": frequency, "ll": ll, "mi": mi})  # fmt: skip
    rows.sort(key=lambda r: (-r["ll"], -r["count"], r["word"]))
    for row in rows:
        row["ll"], row["mi"] = round(row["ll"], 4), round(row["mi"], 4)
    return {
        "query": result.query,
        "window": window,
        "occurrences": occurrences,
        "passages": passages,
        "tokens": total,
        "rows": rows[:limit] if limit else rows,
    }


def association(o11: int, r1: int, c1: int, n: int) -> tuple[float, float]:
    """(signed log-likelihood G², mutual information in bits) of a word seen ``o11`` times
    among ``r1`` words near the node, ``c1`` times among the ``n`` words of the corpus."""
    if not (o11 and r1 and c1 and n):
        return 0.0, 0.0
    e11 = r1 * c1 / n
    cells = (
        (o11, e11),
        (r1 - o11, r1 * (n - c1) / n),
        (c1 - o11, (n - r1) * c1 / n),
        (n - r1 - c1 + o11, (n - r1) * (n - c1) / n),
    )
    g2 = 2.0 * sum(o * math.log(o / e) for o, e in cells if o > 0 and e > 0)
    g2 = max(g2, 0.0)  # rounding can leave -1e-12
    return (g2 if o11 >= e11 else -g2), math.log2(o11 / e11)


def _occurrences(form: str, strings: list[str]) -> list[tuple[int, int]]:
    """The non-overlapping occurrences of any of ``strings``, in order (a longer string
    found at the same place wins)."""
    spans = sorted(span for s in strings for span in find_all(form, s))
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            if start == kept[-1][0] and end > kept[-1][1]:
                kept[-1] = (start, end)
            continue
        kept.append((start, end))
    return kept


@lru_cache(maxsize=200_000)
def _block_words(block: str) -> tuple[tuple[str, int, int], ...]:
    """The words of one block with their spans in it. Reports repeat themselves (and
    each other), so blocks are cut once per process."""
    found, at = [], 0
    for word in word_tokens(block):
        start = block.find(word, at)
        if start < 0:  # cannot happen: the words are pieces of the block, in order
            continue
        found.append((word, start, start + len(word)))
        at = start + len(word)
    return tuple(found)


class _Context:
    """The words of one passage near its nodes, cut block by block as they are asked for:
    (word, start, end, whether it is counted: not one of ``own``, not in any node)."""

    def __init__(self, form: str, nodes: list[tuple[int, int]], own: set[str]):
        self.form = form
        self.nodes = nodes
        self.own = own
        self.blocks = [m.span() for m in _BLOCK.finditer(form)]
        self.starts = [a for a, _ in self.blocks]
        self._cut: dict[int, list[Word]] = {}

    def _words(self, i: int) -> list[Word]:
        if i not in self._cut:
            a, b = self.blocks[i]
            nodes = [(s - a, e - a) for s, e in self.nodes if s < b and a < e]
            self._cut[i] = [
                (w, a + s, a + e, w not in self.own and not any(x < e and s < y for x, y in nodes))
                for w, s, e in _block_words(self.form[a:b])
            ]
        return self._cut[i]

    def before(self, start: int, n: int) -> list[Word]:
        """The last ``n`` words that end at or before ``start``, in text order."""
        found: list[Word] = []
        i = bisect.bisect_left(self.starts, start) - 1  # the last block starting before
        while i >= 0 and len(found) < n:
            found[:0] = [w for w in self._words(i) if w[2] <= start]
            i -= 1
        return found[-n:] if n else []

    def after(self, end: int, n: int) -> list[Word]:
        """The first ``n`` words that start at or after ``end``."""
        found: list[Word] = []
        i = max(bisect.bisect_right(self.starts, end) - 1, 0)  # the block holding ``end``
        while i < len(self.blocks) and len(found) < n:
            found.extend(w for w in self._words(i) if w[1] >= end)
            i += 1
        return found[:n]


# ---- the reference: every word of the index -----------------------------------------------


def corpus_words(form: str) -> list[str]:
    """The words of a search form as the collocates count them: ``word_tokens`` of each
    block (the same as ``word_tokens(form)``; the tests check it)."""
    return [w for m in _BLOCK.finditer(form) for w, _, _ in _block_words(m.group())]
