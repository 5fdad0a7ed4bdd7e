"""Reuse: passages shared between reports, exactly or nearly -> families and formulas.

Input: passage records ``(report, passage, text, province, city, year, published)``
(``Passage``; plain tuples in that order do too): the report id, the passage id
(``REPORT#0037``), the passage's search form (Simplified, half-width: so a Traditional copy
of a Simplified paragraph is the same text), its report's province and city, year (0: not
known) and publication date (ISO, "" when not known). ``records_from_index`` reads them from
an open index (``IndexStore.open()``), straight from the segments' arrays as the engine does.

Output, as the CLI's JSON will print it:

* ``find_reuse(records)`` -> ``{"families": [{"source": REPORT, "passage": PASSAGE,
  "text": ..., "reports": [{"report", "passage", "province", "city", "year", "published",
  "similarity"}, ...]}], "formulas": [{"text", "reports", "share", "kind"}], "stats": {...}}``:
  each family is passages of two or more reports that are the same text or near copies,
  its ``source`` the earliest report (by year, then publication date, then id; no year
  counts as latest), ``text`` the source passage, ``reports`` every passage of the family
  (the source's first) in that order, with its similarity to the source passage (1.0 for
  the source). Families come largest first. ``formulas`` are the phrases and passages shared
  by so many reports that they are quoted from central documents or templates, not reuse
  between governments (``reports``: how many reports hold it; ``share``: of all reports).
* ``family_rows(find_reuse(...))`` and ``match_rows(report_reuse(...))``: the same as flat
  rows, for CSV.
* ``report_reuse(records, REPORT)`` -> ``{"report", "province", "city", "year",
  "published", "passages": [{"passage", "text", "chars", "formulas": [...], "matches":
  [{"report", "passage", "province", "city", "year", "published", "similarity", "when"}]}],
  "share", "share_earlier", "share_later", "share_formula"}``: for each passage of one
  report, the passages of other reports in its family (the families ``find_reuse`` finds),
  each with its similarity to this passage and ``when``: "earlier", "later", "same" (same
  year, and same or unknown date) or "unknown" (a year missing); ``formulas``: those cut out
  of the passage (and the passage itself when its family is a formula, then with no
  matches); and the shares of the report's characters in passages found elsewhere, found in
  an earlier report, in a later one, and in formulas.

Design, for N = 20,000 reports (about 600,000 passages, 90 million characters) on 2 cores in
minutes and a few GB:

1. **Comparable text.** Digit runs become ``#`` (a copy restates its own figures), and
   passages shorter than ``min_chars`` (20) characters (headings, one-line lists) are left
   out: short strings are shared by chance and say nothing of who copied whom.
2. **Formulas first.** Every sentence and clause (cut at 。;!? and line ends; clauses also
   at , and :) of 8 or more characters is counted by the reports holding it (polynomial
   hashes from prefix sums, all in numpy; clauses only outside formula sentences). Those
   held by ``formula_share`` (5%) of all reports, and by at least ``formula_min_reports``
   (10), are formulas: quoted from central documents (深入学习贯彻习近平法治思想), not
   evidence of one government learning from another. They are reported apart and cut out of
   each passage before comparing, so two passages that share only a formula are not a pair,
   and a passage that is only formulas is not compared at all (what is left between two
   cuts is kept only when it holds a shingle). A family that reaches the
   same share of reports (a template paragraph with each city's name) is a formula too.
3. **Exact copies** (the same comparable text) are grouped, and only one of each group goes
   on.
4. **Candidates by MinHash/LSH** over character 5-grams (``SHINGLE``): 5 characters are
   rarely shared by chance in Chinese prose, while a near copy keeps most of them (a
   swapped place name or an edited character breaks only the 5 windows over it). Signatures
   of 128 permutations (datasketch's ``affine32`` scheme, computed here for all passages at
   once in numpy: ``signatures``; equal to ``datasketch.MinHash``'s, as a test checks), cut
   into 32 bands of 4 rows: datasketch's optimum for Jaccard 0.4, which catches a pair of
   Jaccard 0.6 with probability 0.99 and of 0.5 with 0.87, while unrelated passages
   (Jaccard under 0.1) collide in a band with probability under 0.003. Each band's buckets
   give their members a link to the bucket's first passage (a star, not every pair: a
   template shared by 4,000 reports costs 4,000 links, not 8 million); links whose
   signatures agree on under 20% of rows (``PREFILTER``) are dropped before any alignment
   (a remnant between formulas agrees with its near copy on about a third of the rows).
5. **Confirmation by alignment.** A link joins two families only when the passages align:
   ``similarity`` is twice the characters in common blocks of 4 or more characters
   (``difflib``, junk heuristics off; cut marks never match) over the two lengths, and must
   reach ``threshold``
   (0.7): a copy with a place name swapped and a few characters edited scores about 0.9, one
   with a sentence of a third its length added about 0.8, while unrelated passages of this
   genre, whose common characters are scattered, score under 0.3. Links are tried most
   similar first, and a link between passages already in one family is not aligned again,
   so alignments stay about one per passage. Links within one report are never made: a
   report does not reuse itself.
6. **Families** are the connected components over two or more reports. Each member's
   ``similarity`` is to the source passage (a chain of edits can make it lower than the
   links that joined it).

Measured on this machine (2 cores; docs/research-reuse.md has the table): 20,000 synthetic
reports (590,000 passages) in 15 to 30 seconds, peak RSS under 1.5 GB with the records;
``report_reuse`` costs the same (it needs the same families). Signatures are a function of
the comparable text alone, so a caller may keep them keyed by that text across updates.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

SHINGLE = 5  # characters per shingle
NUM_PERM = 128  # MinHash permutations
BANDS, ROWS = 32, 4  # LSH: datasketch's MinHashLSH(threshold=0.4, num_perm=128) optimum
SEED = 1  # datasketch's default seed: signatures equal MinHash(seed=1)'s
PREFILTER = 0.2  # links whose signatures agree on fewer rows are not aligned
THRESHOLD = 0.7  # alignment similarity that confirms a link
MIN_BLOCK = 4  # common blocks shorter than this do not count towards similarity
MIN_CHARS = 20  # passages shorter than this (after formulas are cut) are left out
FORMULA_SHARE = 0.05  # share of all reports that makes a phrase or family a formula
FORMULA_MIN_REPORTS = 10  # ... and at least this many reports
FORMULA_MIN_CHARS = 8  # sentences and clauses shorter than this are never formulas
CHUNK_CHARACTERS = 1 << 20  # characters hashed at once (memory: ~40 bytes each)

_DIGITS = re.compile(r"\d+")
_JOIN = "\x01"  # between passages hashed together (search forms hold no control character)
_CUT = "\x00"  # where a formula was cut out: no shingle spans it
_OTHER_CUT = "\x02"  # the mark in the second text aligned, so that marks never match
_SENTENCE_ENDS = np.array([ord(c) for c in "。;!?\n" + _JOIN], dtype=np.uint32)
_CLAUSE_ENDS = np.array([ord(c) for c in "。;!?\n,:" + _JOIN], dtype=np.uint32)
_BASE = 0x100000001B3  # odd: the polynomial base of sentence and clause hashes
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: the shingle hash's polynomial base
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3's 32-bit finalizer


class Passage(NamedTuple):
    """One passage as reuse reads it (see the module docstring)."""

    report: str
    passage: str
    text: str  # search form
    province: str = ""
    city: str = ""
    year: int = 0  # 0: not known
    published: str = ""  # ISO date, "" when not known


# ---- from an open index ---------------------------------------------------------------------


def records_from_index(opened) -> list[Passage]:
    """Every live passage of an open index (``IndexStore.open()``) as a ``Passage``, in
    index order, read from the segments' arrays (search forms from the suffix arrays'
    codes, place and year from the columns, the publication date from each report's
    record)."""
    from reportsearch.indexer.segment import report_record
    from reportsearch.indexer.suffix_array import decode

    out: list[Passage] = []
    for segment, live in zip(opened.segments, opened.live, strict=True):
        arrays = segment.arrays
        texts = decode(segment.suffix_arrays("text"))
        keep = np.ones(segment.size, bool) if live is None else np.asarray(live, bool)
        codes = np.asarray(arrays["report"])
        reports = segment.meta["reports"]
        published = {
            code: str(report_record(segment, code).get("published") or "")
            for code in np.unique(codes[keep]).tolist()
        }
        provinces, cities = segment.values("province"), segment.values("city")
        province, city = np.asarray(arrays["province"]), np.asarray(arrays["city"])
        year, position = np.asarray(arrays["year"]), np.asarray(arrays["position"])
        for i in np.flatnonzero(keep).tolist():
            code = int(codes[i])
            report = reports[code]
            passage = f"{report}#{int(position[i]):04d}"
            out.append(
                Passage(
                    report,
                    passage,
                    texts[i],
                    provinces[province[i]],
                    cities[city[i]],
                    int(year[i]),
                    published[code],
                )
            )
    return out


# ---- the public functions -------------------------------------------------------------------


def find_reuse(
    records: Iterable,
    *,
    threshold: float = THRESHOLD,
    formula_share: float = FORMULA_SHARE,
    formula_min_reports: int = FORMULA_MIN_REPORTS,
    min_chars: int = MIN_CHARS,
) -> dict:
    """Every family of reused passages and every formula (see the module docstring)."""
    corpus = _Corpus(records, formula_share, formula_min_reports, min_chars)
    families, formulas = [], list(corpus.formulas)
    for members in corpus.families(threshold):
        source = members[0]
        if corpus.is_formula(members):
            reports = len({int(corpus.report_of[i]) for i in members})
            formulas.append(corpus.formula(corpus.passages[source].text, reports, "passage"))
            continue
        scores = corpus.similarities(source, members)
        families.append(
            {
                "source": corpus.passages[source].report,
                "passage": corpus.passages[source].passage,
                "text": corpus.passages[source].text,
                "reports": [dict(corpus.row(i), similarity=scores[i]) for i in members],
            }
        )
    families.sort(key=lambda f: (-len({r["report"] for r in f["reports"]}), f["passage"]))
    formulas.sort(key=lambda f: (-f["reports"], f["text"]))
    return {"families": families, "formulas": formulas, "stats": corpus.stats}


def report_reuse(
    records: Iterable,
    report_id: str,
    *,
    threshold: float = THRESHOLD,
    formula_share: float = FORMULA_SHARE,
    formula_min_reports: int = FORMULA_MIN_REPORTS,
    min_chars: int = MIN_CHARS,
) -> dict:
    """For each passage of report ``report_id``, the passages of other reports in its
    family, with their similarity to it (see the module docstring): the same families as
    ``find_reuse``. Raises ``ReportNotFoundError`` when no record is of that report."""
    corpus = _Corpus(records, formula_share, formula_min_reports, min_chars)
    if report_id not in corpus.report_number:
        from reportsearch.indexer.errors import ReportNotFoundError

        raise ReportNotFoundError(f"no report {report_id!r} among the passages given")
    target = corpus.report_number[report_id]
    mine = np.flatnonzero(corpus.report_of == target).tolist()
    family_of = {}
    for members in corpus.families(threshold, only=target):
        for i in members:
            family_of[i] = members
    key = corpus.report_key(target)
    chars = reused = earlier = later = formula = 0
    passages = []
    for i in mine:
        passage = corpus.passages[i]
        length, cut = len(passage.text), int(corpus.cut_chars[i])
        formulas, rows = corpus.formulas_in(i), []
        members = family_of.get(i, [])
        if members and corpus.is_formula(members):
            # a passage in this many reports is a template, not reuse: a formula
            formulas.append(passage.text)
            cut = length
        elif members:
            others = [j for j in members if corpus.report_of[j] != target]
            scores = corpus.similarities(i, others)
            rows = [
                dict(corpus.row(j), similarity=scores[j],
                     when=_when(key, corpus.report_key(int(corpus.report_of[j]))))
                for j in others
            ]  # fmt: skip
        chars += length
        formula += cut
        reused += length if rows else 0
        earlier += length if any(r["when"] == "earlier" for r in rows) else 0
        later += length if any(r["when"] == "later" for r in rows) else 0
        passages.append(
            {
                "passage": passage.passage,
                "text": passage.text,
                "chars": length,
                "formulas": formulas,
                "matches": rows,
            }
        )
    share = lambda part: round(part / chars, 4) if chars else 0.0  # noqa: E731
    first = corpus.passages[mine[0]]
    return {
        "report": report_id,
        "province": first.province,
        "city": first.city,
        "year": first.year or None,
        "published": first.published,
        "passages": passages,
        "share": share(reused),
        "share_earlier": share(earlier),
        "share_later": share(later),
        "share_formula": share(formula),
    }


def family_rows(result: dict) -> list[dict]:
    """``find_reuse``'s families as flat rows, one per passage, for CSV: ``family`` (its
    number, from 1, in the order of ``families``), ``source`` and ``source_passage``, then
    the passage's ``report``, ``passage``, ``province``, ``city``, ``year``, ``published``
    and ``similarity``."""
    return [
        {"family": n, "source": family["source"], "source_passage": family["passage"], **row}
        for n, family in enumerate(result["families"], 1)
        for row in family["reports"]
    ]


def match_rows(result: dict) -> list[dict]:
    """``report_reuse``'s matches as flat rows, one per (passage, match), for CSV:
    ``passage``, then the match's ``report``, ``passage`` (as ``match_passage``),
    ``province``, ``city``, ``year``, ``published``, ``similarity`` and ``when``."""
    return [
        {"passage": passage["passage"], **{k: v for k, v in match.items() if k != "passage"},
         "match_passage": match["passage"]}
        for passage in result["passages"]
        for match in passage["matches"]
    ]  # fmt: skip


def similarity(a: str, b: str) -> float:
    """How much of two passages is one text: twice the characters in common blocks of
    ``MIN_BLOCK`` or more characters (difflib's matching blocks, junk heuristics off, so
    frequent characters such as 的 still match) over the two lengths; 1.0 for equal texts,
    0.0 for texts with no common block. Where a formula was cut out (``_CUT``) nothing
    matches, and the mark is no character."""
    if a == b:
        return 1.0
    size = len(a) + len(b) - a.count(_CUT) - b.count(_CUT)
    if size <= 0:
        return 0.0
    other = b.replace(_CUT, _OTHER_CUT)
    blocks = difflib.SequenceMatcher(None, a, other, autojunk=False).get_matching_blocks()
    common = sum(block.size for block in blocks if block.size >= MIN_BLOCK)
    return min(1.0, 2.0 * common / size)


def signatures(texts: list[str], *, num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """The MinHash signature of each text's character ``SHINGLE``-grams: one row of
    ``num_perm`` uint32 values per text, equal to ``datasketch.MinHash(num_perm, seed,
    scheme="affine32", hashfunc=int)`` updated with ``shingle_hashes(text)``. Shingles do
    not span a ``_CUT``; a text with no shingle has the empty signature (all 2**32 - 1).
    Hashed in chunks, on every core (numpy releases the GIL)."""
    a, b = _permutations(num_perm, seed)
    out = np.full((len(texts), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    chunks = _chunks(texts)

    def one(chunk: tuple[int, int]) -> None:
        lo, hi = chunk
        hashes, owner = _chunk_hashes(texts[lo:hi])
        if not len(hashes):
            return
        firsts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        rows = owner[firsts] + lo
        mixed = _fmix32(hashes)
        for k in range(num_perm):
            out[rows, k] = np.minimum.reduceat(mixed * a[k] + b[k], firsts)

    with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1) or 1) as pool:
        list(pool.map(one, chunks))
    return out


def shingle_hashes(text: str) -> np.ndarray:
    """The uint32 hash of each ``SHINGLE``-gram of ``text`` (none spanning a ``_CUT``), as
    ``signatures`` feeds them to MinHash."""
    return _chunk_hashes([text])[0]


# ---- the corpus, prepared ----------------------------------------------------------------------


class _Corpus:
    """Records with their report numbers, formulas found and cut, comparable texts."""

    def __init__(
        self, records: Iterable, formula_share: float, formula_min_reports: int, min_chars: int
    ):
        self.passages = [r if isinstance(r, Passage) else Passage(*r) for r in records]
        self.report_number: dict[str, int] = {}
        numbers = [
            self.report_number.setdefault(p.report, len(self.report_number)) for p in self.passages
        ]
        self.report_of = np.array(numbers, dtype=np.int64)
        self.report_count = len(self.report_number)
        first_of: dict[int, int] = {}
        for i, number in enumerate(numbers):
            first_of.setdefault(number, i)
        self._report_keys = [
            _report_key(self.passages[first_of[n]]) for n in range(self.report_count)
        ]
        self.formula_floor = max(
            math.ceil(formula_share * self.report_count), formula_min_reports, 2
        )
        masked = [_DIGITS.sub("#", p.text) for p in self.passages]
        self.formulas, cuts = self._find_formulas(masked)
        self._cut_owner, self._cut_text = cuts[0], cuts[2]
        self.cut_chars = np.bincount(cuts[0], weights=cuts[1], minlength=len(masked))
        self.compared = _cut_out(masked, cuts[0], cuts[3], cuts[4])
        # pieces between cuts too short to hold a shingle are punctuation left over: dropped
        self.compared = [
            _CUT.join(p for p in text.split(_CUT) if len(p) >= SHINGLE) if _CUT in text else text
            for text in self.compared
        ]
        lengths = np.array([len(t) - t.count(_CUT) for t in self.compared], dtype=np.int64)
        self.active = lengths >= min_chars
        # exact copies: comparable text -> the active passages holding it (when 2 or more)
        groups: dict[str, list[int]] = {}
        for i in np.flatnonzero(self.active).tolist():
            groups.setdefault(self.compared[i], []).append(i)
        self.copies = {text: group for text, group in groups.items() if len(group) > 1}
        self.stats = {
            "reports": self.report_count,
            "passages": len(self.passages),
            "compared": int(self.active.sum()),
        }

    def families(self, threshold: float, only: int | None = None) -> list[list[int]]:
        """The passages of each family (two reports or more), earliest first; ``only``:
        just the families holding a passage of that report."""
        parent = list(range(len(self.passages)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for group in self.copies.values():  # the same comparable text: no alignment needed
            for other in group[1:]:
                parent[find(other)] = find(group[0])
        aligned = 0
        heads = self.representatives()
        if len(heads) > 1:
            signature = signatures([self.compared[i] for i in heads])
            first, second, agree = _links(signature, self.report_of[heads])
            for k in np.argsort(-agree, kind="stable").tolist():
                a, b = int(heads[first[k]]), int(heads[second[k]])
                root_a, root_b = find(a), find(b)
                if root_a == root_b:
                    continue
                aligned += 1
                if similarity(self.compared[a], self.compared[b]) >= threshold:
                    parent[root_b] = root_a
        self.stats.update(distinct=len(heads), aligned=aligned)
        wanted = None
        if only is not None:
            wanted = {find(i) for i in np.flatnonzero(self.report_of == only).tolist()}
        components: dict[int, list[int]] = {}
        for i in np.flatnonzero(self.active).tolist():
            root = find(i)
            if wanted is None or root in wanted:
                components.setdefault(root, []).append(i)
        out = []
        for members in components.values():
            if len({int(self.report_of[i]) for i in members}) >= 2:
                out.append(sorted(members, key=self.passage_key))
        return out

    def is_formula(self, members: list[int]) -> bool:
        """Whether a family spans so many reports that it is a formula."""
        return len({int(self.report_of[i]) for i in members}) >= self.formula_floor

    def similarities(self, i: int, others: list[int]) -> dict[int, float]:
        """The similarity of passage ``i`` to each of ``others``, rounded to 3 places (each
        distinct comparable text aligned once)."""
        by_text = {self.compared[i]: 1.0}
        out = {}
        for j in others:
            text = self.compared[j]
            if text not in by_text:
                by_text[text] = similarity(self.compared[i], text)
            out[j] = round(by_text[text], 3)
        return out

    def representatives(self) -> np.ndarray:
        """One active passage per distinct comparable text."""
        seen: set[str] = set()
        out = []
        for i in np.flatnonzero(self.active).tolist():
            if self.compared[i] not in seen:
                seen.add(self.compared[i])
                out.append(i)
        return np.array(out, dtype=np.int64)

    def formulas_in(self, i: int) -> list[str]:
        """The formulas cut out of passage ``i``, in order, each once."""
        lo, hi = np.searchsorted(self._cut_owner, [i, i + 1])
        return list(dict.fromkeys(self._cut_text[k] for k in range(lo, hi)))

    def _find_formulas(self, masked: list[str]) -> tuple[list[dict], tuple]:
        """(formulas, the spans to cut: (passage, length, formula text, start, end) arrays
        or lists, by passage and start). Sentences first; then clauses, of sentences that
        are no formula."""
        sentences, clauses = _units_of(masked)
        report = self.report_of
        frequent, counts = self._frequent(sentences[0], report[sentences[1]])
        is_formula = np.isin(sentences[0], frequent)
        free = ~is_formula[clauses[4]]  # clauses of sentences that are no formula
        clause_frequent, clause_counts = self._frequent(clauses[0][free], report[clauses[1][free]])
        clause_formula = free & np.isin(clauses[0], clause_frequent)
        reports = dict(zip(frequent.tolist(), counts.tolist(), strict=True))
        reports.update(zip(clause_frequent.tolist(), clause_counts.tolist(), strict=True))
        cut = [
            np.concatenate([sentences[k][is_formula], clauses[k][clause_formula]]) for k in range(4)
        ]  # hash, passage, start, end
        order = np.lexsort((cut[2], cut[1]))
        hashes, owner, start, end = (column[order] for column in cut)
        kinds = dict.fromkeys(clause_frequent.tolist(), "clause")
        kinds.update(dict.fromkeys(frequent.tolist(), "sentence"))
        texts: dict[int, str] = {}
        for h, i, lo, hi in zip(*(c.tolist() for c in (hashes, owner, start, end)), strict=True):
            if h not in texts:
                texts[h] = masked[i][lo:hi]
        formulas = [self.formula(texts[h], reports[h], kinds[h]) for h in texts]
        shown = [texts[h] for h in hashes.tolist()]
        return formulas, (owner, (end - start).astype(np.float64), shown, start, end)

    def _frequent(self, hashes: np.ndarray, reports: np.ndarray):
        """(the hashes held by ``formula_floor`` or more reports, how many reports hold
        each)."""
        if not len(hashes):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        order = np.lexsort((reports, hashes))
        hashes, reports = hashes[order], reports[order]
        new = np.concatenate(([True], (hashes[1:] != hashes[:-1]) | (reports[1:] != reports[:-1])))
        hashes, counts = np.unique(hashes[new], return_counts=True)
        keep = counts >= self.formula_floor
        return hashes[keep], counts[keep]

    def formula(self, text: str, reports: int, kind: str) -> dict:
        return {
            "text": text,
            "reports": reports,
            "share": round(reports / max(self.report_count, 1), 4),
            "kind": kind,
        }

    def report_key(self, number: int) -> tuple:
        return self._report_keys[number]

    def passage_key(self, i: int) -> tuple:
        return (*self._report_keys[int(self.report_of[i])], self.passages[i].passage)

    def row(self, i: int) -> dict:
        p = self.passages[i]
        return {
            "report": p.report,
            "passage": p.passage,
            "province": p.province,
            "city": p.city,
            "year": p.year or None,
            "published": p.published,
        }


def _report_key(passage: Passage) -> tuple:
    """Earliest first: by year (none: last), publication date (none: last), report id."""
    year = int(passage.year or 0)
    return (year or 1 << 30, passage.published or "~", passage.report)


def _when(mine: tuple, other: tuple) -> str:
    """Whether the other report is earlier, later or of the same time as mine (by year,
    then by publication date when both have one)."""
    if mine[0] == 1 << 30 or other[0] == 1 << 30:
        return "unknown"
    if other[0] != mine[0]:
        return "earlier" if other[0] < mine[0] else "later"
    if "~" in (mine[1], other[1]) or mine[1] == other[1]:
        return "same"
    return "earlier" if other[1] < mine[1] else "later"


# ---- MinHash and LSH ---------------------------------------------------------------------------


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for ``num_perm`` and ``seed``."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer on uint32 values, as datasketch mixes hash values."""
    s1, m1, s2, m2, s3 = _FMIX32
    values = values ^ (values >> np.uint32(s1))
    values = values * np.uint32(m1)
    values = values ^ (values >> np.uint32(s2))
    values = values * np.uint32(m2)
    return values ^ (values >> np.uint32(s3))


def _chunk_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(uint32 hash of every shingle of ``texts``, the text each is of), in text order."""
    if not texts:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    joined = _CUT.join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    n = len(points) - SHINGLE + 1
    if n <= 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    wide = points.astype(np.uint64)
    value = np.zeros(n, dtype=np.uint64)
    for j in range(SHINGLE):
        value = value * _MULTIPLIER + wide[j : j + n]
    cuts = np.concatenate(([0], np.cumsum(points == 0)))
    valid = cuts[SHINGLE : SHINGLE + n] == cuts[:n]  # no cut inside the window
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[: len(points)]
    keep = np.flatnonzero(valid)
    value = value[keep]
    folded = ((value >> np.uint64(32)) ^ value).astype(np.uint32)
    return folded, owner[keep]


def _chunks(texts: list[str]) -> list[tuple[int, int]]:
    """(first, last + 1) of runs of texts of about ``CHUNK_CHARACTERS`` characters."""
    chunks, start, size = [], 0, 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= CHUNK_CHARACTERS:
            chunks.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(texts):
        chunks.append((start, len(texts)))
    return chunks


def _joined(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(the code points of the texts, each followed by ``_JOIN``; where each text starts)."""
    points = np.frombuffer(
        "".join(text + _JOIN for text in texts).encode("utf-32-le", "surrogatepass"), "<u4"
    )
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    return points, np.cumsum(lengths) - lengths


def _runs(points: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every non-empty run of characters between two of ``ends``."""
    at = np.flatnonzero(np.isin(points, ends))
    starts = np.concatenate(([0], at + 1))
    stops = np.concatenate((at, [len(points)]))
    keep = stops > starts
    return starts[keep], stops[keep]


def _span_hashes(points: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """A 64-bit polynomial hash of each span's characters (equal spans anywhere, equal
    hashes), from prefix sums: sum of p[i] * B**(stop - 1 - i) = B**stop * (S[stop - 1] -
    S[start - 1]) with S the prefix sums of p[i] * B**-(i + 1), all modulo 2**64."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    wide = points.astype(np.uint64)
    powers = np.cumprod(np.full(len(wide), _BASE, dtype=np.uint64))
    prefix = np.cumsum(wide * np.cumprod(np.full(len(wide), _BASE_INVERSE, dtype=np.uint64)))
    before = np.where(starts > 0, prefix[np.maximum(starts - 1, 0)], np.uint64(0))
    return ((prefix[stops - 1] - before) * powers[stops - 1]).view(np.int64)


def _units_of(masked: list[str]) -> tuple[tuple, tuple]:
    """The sentences and clauses of ``FORMULA_MIN_CHARS`` or more characters of every text:
    sentences as (hash, text, start, end) arrays, clauses as (hash, text, start, end, the
    sentence it is in); a clause that is its whole sentence is not counted again."""
    sentence_parts, clause_parts, sentences = [], [], 0
    for lo, hi in _chunks(masked):
        points, first = _joined(masked[lo:hi])
        s_start, s_end = _runs(points, _SENTENCE_ENDS)
        c_start, c_end = _runs(points, _CLAUSE_ENDS)
        parent = np.searchsorted(s_start, c_start, "right") - 1
        keep_s = s_end - s_start >= FORMULA_MIN_CHARS
        keep_c = (c_end - c_start >= FORMULA_MIN_CHARS) & (
            c_end - c_start < s_end[parent] - s_start[parent]
        )
        number = np.cumsum(keep_s) - 1 + sentences  # of the kept sentences, over all chunks
        sentences += int(keep_s.sum())
        for starts, stops, extra, parts in (
            (s_start[keep_s], s_end[keep_s], (), sentence_parts),
            (c_start[keep_c], c_end[keep_c], (number[parent[keep_c]],), clause_parts),
        ):
            owner = np.searchsorted(first, starts, "right") - 1
            parts.append((_span_hashes(points, starts, stops), owner + lo,
                          starts - first[owner], stops - first[owner], *extra))  # fmt: skip
    if not sentence_parts:
        empty = np.zeros(0, dtype=np.int64)
        return (empty,) * 4, (empty,) * 5
    return tuple(tuple(np.concatenate(c).astype(np.int64) for c in zip(*parts, strict=True))
                 for parts in (sentence_parts, clause_parts))  # fmt: skip


def _cut_out(masked: list[str], owner: np.ndarray, start: np.ndarray, end: np.ndarray):
    """The texts with each span (``owner`` text, ``start``, ``end``) replaced by one
    ``_CUT``."""
    out = list(masked)
    if not len(owner):
        return out
    for lo, hi in _chunks(masked):
        at = slice(*np.searchsorted(owner, [lo, hi]))
        if at.start == at.stop:
            continue
        points, first = _joined(masked[lo:hi])
        change = np.zeros(len(points) + 1, dtype=np.int32)
        np.add.at(change, first[owner[at] - lo] + start[at], 1)
        np.add.at(change, first[owner[at] - lo] + end[at], -1)
        inside = np.cumsum(change[:-1]) > 0
        keep = ~inside | np.concatenate(([True], ~inside[:-1]))  # one _CUT per span
        points = np.where(inside, 0, points).astype("<u4")[keep]
        text = points.tobytes().decode("utf-32-le", "surrogatepass")
        out[lo:hi] = text.split(_JOIN)[:-1]
    return out


def _band_keys(signature: np.ndarray, band: int) -> np.ndarray:
    """One uint64 key per row for band ``band`` of the signatures."""
    key = np.zeros(len(signature), dtype=np.uint64)
    for column in range(band * ROWS, (band + 1) * ROWS):
        key = (key ^ signature[:, column].astype(np.uint64)) * _MULTIPLIER
    return key


def _links(signature: np.ndarray, report_of: np.ndarray):
    """Candidate links between rows of ``signature``: (first rows, second rows, share of
    signature rows they agree on), one per pair, none within one report, none agreeing on
    fewer than ``PREFILTER`` of the rows."""
    n = len(signature)
    codes = []
    for band in range(min(BANDS, signature.shape[1] // ROWS)):
        key = _band_keys(signature, band)
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        run = np.cumsum(starts) - 1
        head = order[np.flatnonzero(starts)][run]
        member = head != order
        codes.append(np.unique(head[member] * n + order[member]))
    if not codes:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0),)
    pairs = np.unique(np.concatenate(codes))
    first, second = pairs // n, pairs % n
    other = report_of[first] != report_of[second]
    first, second = first[other], second[other]
    agree = _agreement(signature, first, second)
    keep = agree >= PREFILTER
    return first[keep], second[keep], agree[keep]


def _agreement(signature: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The share of signature rows each pair agrees on (MinHash's Jaccard estimate)."""
    out = np.zeros(len(first), dtype=np.float64)
    step = 1 << 16
    for lo in range(0, len(first), step):
        a, b = first[lo : lo + step], second[lo : lo + step]
        out[lo : lo + step] = (signature[a] == signature[b]).mean(axis=1)
    return out
