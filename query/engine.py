"""Engine: a query tree -> the matching passages, their counts, scores and one page.

Input: an index's segments (``indexer.segment``) with their live masks, and query trees
from ``query.parsing``. Output: ``Matches`` (per segment, a boolean mask of the matching
live passages) and, from them, totals, facet counts, BM25 scores and the ordered page of
(uid, score) pairs the API turns into hits.

Everything runs on numpy arrays, memory-mapped from the index folder:

* ``Text`` -> the suffix array gives every occurrence of the string as one slice of passage
  numbers (``indexer.suffix_array``): exact by construction, any length, one character
  included.
* ``Field`` -> filters as masks over per-passage columns: the field registry
  (``indexer.fields``) names each field's column and kind: places (full or short name),
  year ranges, section text (a suffix array over the distinct section paths), exact values
  (categories, levels, kinds), reports, and metrics (with comparisons over the facts'
  values). Facets count the same columns, per report for report-level fields.
* ``And``/``Or``/``Not`` -> boolean mask algebra; ``Not`` is within the live passages.
* ``Words`` (``--words``) -> passages holding every jieba word of the string, in any
  order, from the segments' inverted index of words.
* counting (``occurrence_counts``, for ``panel``): per report, how often each string or group
  of strings occurs, from where each occurrence starts (``suffix_array.starts``), never by
  reading a text.
* ranking: BM25 over the exact occurrence counts of the query's strings and the passages'
  lengths (with ``--words``: over word counts, passages holding the exact string first),
  with document frequencies over the whole index, so a score never depends on how the
  index is cut into segments. Only the requested page is sorted (``argpartition``); ties
  are broken by report id, then passage position, i.e. by passage id.

The API never looks inside segments; this module is the only one that does at query time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from reportsearch.indexer.fields import (
    ISSUER,
    METRIC,
    PLACE,
    REPORT_ID,
    SECTION,
    TITLE,
    VALUE,
    YEAR,
    FieldSpec,
    named,
)
from reportsearch.indexer.schema import word_tokens
from reportsearch.indexer.segment import (
    Segment,
    passage_form,
    passage_offsets,
    passage_record,
    report_record,
    shown_of_report,
    word_postings,
)
from reportsearch.indexer.suffix_array import find, starts

from .collation import pinyin_key  # the one order of place names (api.py imports it here)
from .parsing import And, Field, Not, Or, Text, Words

BM25_K1, BM25_B = 1.2, 0.75
EXACT_FIRST = 1000.0  # added per string a passage holds exactly, in --words mode
SORTS = ("relevance", "year", "oldest", "city")
SHOWN_REPORTS = 4096  # reports whose shown record an open index keeps parsed

_COMPARE = {
    ">=": np.greater_equal,
    ">": np.greater,
    "<=": np.less_equal,
    "<": np.less,
    "=": np.equal,
}


def metric_name(value: str) -> str:
    """What ``metric:VALUE`` looks for: the canonical name of VALUE, else VALUE itself."""
    from reportsearch.indexer.metrics import canonical_indicator  # for metric filters only

    return canonical_indicator(value) or value


@dataclass
class Matches:
    """The matching live passages: one boolean mask per segment; ``words`` when the
    query's strings were matched as jieba words (``--words``), which ranks by words."""

    masks: list[np.ndarray]
    words: bool = False
    # per segment, matching passages per local report: counted once (Engine.per_report),
    # then shared by the report count, facets and the report columns
    per_report: list[np.ndarray] | None = None

    @property
    def total(self) -> int:
        return sum(int(np.count_nonzero(mask)) for mask in self.masks)


class Engine:
    """Exact matching and counting over an index's segments."""

    def __init__(self, segments: list[Segment], live: list[np.ndarray | None]):
        self.segments = segments
        self.live = [
            np.ones(segment.size, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
            for segment, mask in zip(segments, live, strict=True)
        ]
        self._occurrences: dict[tuple[int, str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._dense: dict[tuple[int, str, str], np.ndarray] = {}  # counts per passage
        self._places: dict[tuple[str, str], set[str]] = {}  # a place filter's names
        self._report_rank: list[np.ndarray] | None = None
        self._first: dict[int, np.ndarray] = {}
        self._report_codes: dict[str, tuple[int, int]] | None = None
        # what hits show of their reports, parsed once per report (all hits of a common
        # string come from a few thousand reports)
        self._shown: dict[tuple[int, int], dict] = {}
        # What BM25 needs of the whole index, which does not change while it is open.
        self.passages = sum(int(np.count_nonzero(mask)) for mask in self.live)
        self._averages = {
            column: sum(int(seg.arrays[column][live].sum())
                        for seg, live in zip(segments, self.live, strict=True))
            / max(self.passages, 1)
            for column in ("length", "word_length")
        }  # fmt: skip

    # ---- matching -----------------------------------------------------------------------

    def match(self, tree) -> Matches:
        """The live passages matching ``tree`` (None: every live passage)."""
        self._occurrences.clear()
        self._dense.clear()
        masks = []
        for s, live in enumerate(self.live):
            masks.append(live if tree is None else self._node(s, tree) & live)
        return Matches(masks, _has_words(tree))

    def with_facts(self, matches: Matches, minimum: float | None = None,
                   maximum: float | None = None) -> Matches:  # fmt: skip
        """Those of ``matches`` that state at least one figure (between ``minimum`` and
        ``maximum``, where given), from the fact columns: no stored passage is read."""
        masks = []
        for segment, mask in zip(self.segments, matches.masks, strict=True):
            arrays = segment.arrays
            keep = np.ones(len(arrays["fact_passage"]), dtype=bool)
            with np.errstate(invalid="ignore"):  # NaN (no value) is in no range
                if minimum is not None:
                    keep &= arrays["fact_value"] >= minimum
                if maximum is not None:
                    keep &= arrays["fact_value"] <= maximum
            has = np.zeros(segment.size, dtype=bool)
            has[arrays["fact_passage"][keep]] = True
            masks.append(mask & has)
        return Matches(masks, matches.words)

    def _node(self, s: int, node) -> np.ndarray:
        segment = self.segments[s]
        if isinstance(node, Text):
            mask = np.zeros(segment.size, dtype=bool)
            mask[self._counts(s, "text", node.value)[0]] = True
            return mask
        if isinstance(node, Words):  # every jieba word of the string, in any order
            mask = self.live[s].copy()
            for word in _words_of(node.value):
                held = np.zeros(segment.size, dtype=bool)
                held[self._counts(s, "word", word)[0]] = True
                mask &= held
            return mask
        if isinstance(node, Field):
            return self._field(s, node)
        if isinstance(node, Not):
            return self.live[s] & ~self._node(s, node.node)
        if isinstance(node, And):
            mask = self._node(s, node.nodes[0])
            for child in node.nodes[1:]:
                mask = mask & self._node(s, child)
            return mask
        if isinstance(node, Or):
            mask = self._node(s, node.nodes[0])
            for child in node.nodes[1:]:
                mask = mask | self._node(s, child)
            return mask
        raise TypeError(f"not a query node: {node!r}")

    def _counts(self, s: int, field_name: str, string: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents holding ``string`` in segment ``s``, sorted; how often each holds it),
        cached for the query, since ranking asks again. ``field_name`` is "text" (passages,
        as a substring), "section" (distinct section paths, as a substring) or "word"
        (passages, as a jieba word)."""
        key = (s, field_name, string)
        if key not in self._occurrences and field_name == "word":
            self._occurrences[key] = word_postings(self.segments[s], string)
        if key not in self._occurrences:
            docs = find(self.segments[s].suffix_arrays(field_name), string)
            if len(docs) * 8 < self.segments[s].size:  # few: sort them
                self._occurrences[key] = distinct(docs, counts=True)
            else:  # many (a common character): count in one pass, no sort
                counts = np.bincount(docs, minlength=self.segments[s].size)
                holding = np.flatnonzero(counts)
                self._occurrences[key] = (holding, counts[holding])
                self._dense[key] = counts
        return self._occurrences[key]

    def _field(self, s: int, node: Field) -> np.ndarray:
        """The passages of segment ``s`` a ``name:value`` filter takes: the registry row
        of ``name`` says which column holds the values and how they match."""
        segment = self.segments[s]
        arrays = segment.arrays
        spec = field_spec(node.name)
        column = spec.source
        if spec.kind == PLACE:
            from reportsearch.indexer.gazetteer import short_name, today_names  # places only

            key = (column, node.value)
            if key not in self._places:
                wanted = {node.value, short_name(node.value)}
                named = any(v in wanted or short_name(v) in wanted
                            for seg in self.segments for v in seg.values(column) if v)  # fmt: skip
                if not named:
                    # A former name (那曲地区, 那曲县) finds what it is part of today; decided
                    # over the whole index, so the answer never depends on how it was built.
                    wanted |= {n for name in today_names(node.value)
                               for n in (name, short_name(name))}  # fmt: skip
                self._places[key] = wanted
            wanted = self._places[key]
            return self._coded(segment, column, lambda v: bool(v) and (
                v in wanted or short_name(v) in wanted))  # fmt: skip
        if spec.kind == YEAR:
            low, high = node.year_range
            years = arrays[column]
            return (years >= low) & (years <= high)
        if spec.kind == SECTION:
            matched = np.zeros(len(arrays["section_start"]) - 1, dtype=bool)
            matched[self._counts(s, column, node.value)[0]] = True
            return matched[arrays[column]]
        if spec.kind == METRIC:
            return self._metric(segment, node)
        if spec.kind == REPORT_ID:
            codes = [code for code, report in enumerate(segment.meta["reports"])
                     if node.value in (report, report.lower())]  # fmt: skip
            return np.isin(arrays[column], codes)
        if spec.kind == VALUE:
            return self._coded(segment, column, lambda v: v == node.value)
        if spec.kind == ISSUER:
            from reportsearch.indexer.issuers import canonical_issuer  # issuer filters only

            wanted = {node.value, canonical_issuer(node.value)}
            return self._coded(segment, column, lambda v: v in wanted)
        if spec.kind == TITLE:
            return self._coded(segment, column, lambda v: node.value in v)
        raise ValueError(f"field {spec.name!r} has no kind the engine reads: {spec.kind!r}")

    @staticmethod
    def _coded(segment: Segment, column: str, accept) -> np.ndarray:
        """Passages whose dictionary-coded ``column`` holds a value ``accept`` takes."""
        table = np.array([accept(v) for v in segment.values(column)] + [False], dtype=bool)
        return table[segment.arrays[column]]

    @staticmethod
    def _metric(segment: Segment, node: Field) -> np.ndarray:
        arrays, names = segment.arrays, segment.values("metric")
        name = metric_name(node.value)
        mask = np.zeros(segment.size, dtype=bool)
        if name not in names:
            return mask
        code = names.index(name)
        if node.op is None:
            mask[arrays["metric_passage"][arrays["metric_code"] == code]] = True
        else:
            values = arrays["fact_value"]
            with np.errstate(invalid="ignore"):  # NaN (no value) satisfies no comparison
                hit = (arrays["fact_metric"] == code) & _COMPARE[node.op](values, node.number)
            mask[arrays["fact_passage"][hit]] = True
        return mask

    # ---- counting -----------------------------------------------------------------------

    def per_report(self, matches: Matches) -> list[np.ndarray]:
        """Per segment, how many matching passages each local report has (kept on
        ``matches``, so a search counts them once for totals, facets and columns)."""
        if matches.per_report is None:
            matches.per_report = [
                np.bincount(segment.arrays["report"][mask], minlength=len(segment.meta["reports"]))
                for segment, mask in zip(self.segments, matches.masks, strict=True)
            ]
        return matches.per_report

    def report_count(self, matches: Matches) -> int:
        """How many reports have a matching passage (a report lives in one segment)."""
        return sum(int(np.count_nonzero(counts)) for counts in self.per_report(matches))

    def report_columns(self, matches: Matches) -> dict[str, list]:
        """The reports with a matching passage, as columns of equal length: ``report`` (id),
        ``province``, ``city``, ``district``, ``level``, ``year`` (0 when it has none) and
        ``passages`` (how many of its passages match); in index order, not sorted."""
        names = ("province", "city", "district", "level")
        columns: dict[str, list] = {key: [] for key in ("report", *names, "year", "passages")}
        for segment, counts in zip(self.segments, self.per_report(matches), strict=True):
            present = np.flatnonzero(counts)
            if not len(present):
                continue
            # A report's passages all carry its metadata: read it off its first passage.
            first = self.first_passages(segment)[present]
            reports = segment.meta["reports"]
            columns["report"].extend(reports[code] for code in present.tolist())
            for name in names:
                values = segment.values(name)
                columns[name].extend(values[c] for c in segment.arrays[name][first].tolist())
            columns["year"].extend(segment.arrays["year"][first].tolist())
            columns["passages"].extend(counts[present].tolist())
        return columns

    def word_frequencies(self, words) -> dict:
        """How often each jieba word occurs in every live passage, from the segments'
        inverted index of words: ``{"counts": {word: n}, "tokens": all words}`` (the
        reference of ``query.collocates``)."""
        counts = {}
        for word in words:
            total = 0
            for segment, live in zip(self.segments, self.live, strict=True):
                docs, tf = word_postings(segment, word)
                total += int(tf[live[docs]].sum())
            counts[word] = total
        tokens = sum(int(segment.arrays["word_length"][live].sum())
                     for segment, live in zip(self.segments, self.live, strict=True))  # fmt: skip
        return {"counts": counts, "tokens": tokens}

    def occurrence_counts(self, groups: list[tuple[str, ...]], matches: Matches) -> dict:
        """How often each group of strings (search forms) occurs in each report, counted in
        the passages of ``matches`` only. For each report with such a passage, in index
        order: ``report`` (id), ``province``, ``city``, ``district``, ``year`` (0: none),
        ``issuer``, ``level``, ``kind``, ``chars`` (the characters of those passages'
        search forms) and ``counts``, one array per group, aligned with the reports.

        A group of one string counts its non-overlapping occurrences, as ``str.count`` does
        (leftmost first: 哈哈 occurs twice in 哈哈哈哈, once in 哈哈哈). A group of several
        counts places: each string's non-overlapping occurrences are spans of characters;
        spans of the group's strings that share a character, directly or through others,
        are one place (复议 inside 行政复议 is one, as is 行政复议 overlapping 复议机关 in
        行政复议机关); spans that only touch are two. A group of one string counts the same
        either way. Occurrences never run from one passage into the next."""
        names = ("province", "city", "district", "issuer", "level", "kind")
        columns: dict[str, list] = {key: [] for key in ("report", *names, "year")}
        chars, counts = [], [[] for _ in groups]
        for segment, mask in zip(self.segments, matches.masks, strict=True):
            arrays = segment.arrays
            size = len(segment.meta["reports"])
            report_of = arrays["report"]
            chosen = report_of[mask]
            present = np.flatnonzero(np.bincount(chosen, minlength=size))
            if not len(present):
                continue
            first = self.first_passages(segment)[present]
            columns["report"].extend(segment.meta["reports"][c] for c in present.tolist())
            for name in names:
                values = segment.values(name)
                columns[name].extend(values[c] for c in arrays[name][first].tolist())
            columns["year"].extend(arrays["year"][first].tolist())
            lengths = np.bincount(chosen, weights=arrays["length"][mask], minlength=size)
            chars.append(lengths[present].astype(np.int64))
            found: dict[str, np.ndarray] = {}  # each string's counted starts, once a segment
            for g, group in enumerate(groups):
                passages = self._counted_passages(segment, group, found)
                passages = passages[mask[passages]]
                counts[g].append(np.bincount(report_of[passages], minlength=size)[present])
        empty = np.zeros(0, np.int64)
        columns["chars"] = np.concatenate(chars) if chars else empty
        columns["counts"] = [np.concatenate(parts).astype(np.int64) if parts else empty
                             for parts in counts]  # fmt: skip
        return columns

    @staticmethod
    def _counted_passages(segment: Segment, group: tuple[str, ...], found: dict) -> np.ndarray:
        """The passage of each occurrence of ``group`` counted (``occurrence_counts``)."""
        arrays = segment.suffix_arrays("text")
        if len(group) == 1 and not _self_overlapping(group[0]):
            return find(arrays, group[0])  # no two occurrences can overlap: count them all
        spans = []
        for string in group:
            if string not in found:
                found[string] = _non_overlapping(starts(arrays, string), len(string))
            spans.append(found[string])
        if len(group) == 1:
            at = spans[0]
        else:
            begins = np.concatenate(spans)
            ends = np.concatenate([s + len(t) for s, t in zip(spans, group, strict=True)])
            order = np.argsort(begins, kind="stable")
            begins, ends = begins[order], ends[order]
            reach = np.maximum.accumulate(ends)  # the furthest any span so far reaches
            new = np.ones(len(begins), dtype=bool)
            new[1:] = begins[1:] >= reach[:-1]  # shares no character with any before it
            at = begins[new]
        return np.searchsorted(segment.arrays["text_start"], at, side="right") - 1

    def _locate(self, uid: int) -> tuple[Segment, int]:
        """The segment holding passage ``uid`` and its number there."""
        for segment in self.segments:
            uids = segment.arrays["uid"]  # increasing in each segment
            i = int(np.searchsorted(uids, uid))
            if i < len(uids) and uids[i] == uid:
                return segment, i
        raise LookupError(f"passage {uid} is not in the index")

    @staticmethod
    def _form(segment: Segment, i: int) -> tuple[str, list[tuple[int, int, int]]] | None:
        """Passage ``i``'s search form and the map to its original text, as the index keeps
        them (``segment.passage_offsets``); None when it keeps no map for it."""
        changes = passage_offsets(segment, i)
        return (passage_form(segment, i), changes) if changes else None

    def record(self, uid: int) -> dict:
        """What a hit shows of passage ``uid`` (``segment.passage_record``)."""
        return self._record_at(*self._locate(uid))

    def _record_at(self, segment: Segment, i: int) -> dict:
        code = int(segment.arrays["report"][i])
        key = (id(segment), code)
        report = self._shown.get(key)
        if report is None:
            if len(self._shown) >= SHOWN_REPORTS:
                self._shown.clear()
            report = self._shown[key] = shown_of_report(segment, code)
        return passage_record(segment, i, report)

    def hit_parts(self, uid: int, where: tuple[int, int] | None = None
                  ) -> tuple[dict, tuple | None]:  # fmt: skip
        """``record(uid)`` and the passage's search form with its map (None when it has
        none), the passage found once (``where``: its segment and number there, as ``page``
        gives them)."""
        segment, i = self._locate(uid) if where is None else (self.segments[where[0]], where[1])
        return self._record_at(segment, i), self._form(segment, i)

    def report_record(self, report_id: str) -> dict | None:
        """The record of a live report (``segment.report_record``), or None."""
        found = self._report_code(report_id)
        return None if found is None else report_record(self.segments[found[0]], found[1])

    def report_records(self) -> list[dict]:
        """The record of every live report, in index order."""
        return [report_record(self.segments[s], code) for s, code in self._live_reports()]

    def _live_reports(self) -> list[tuple[int, int]]:
        """(segment, local code) of every report with a live passage."""
        out = []
        for s, (segment, live) in enumerate(zip(self.segments, self.live, strict=True)):
            counts = np.bincount(segment.arrays["report"][live],
                                 minlength=len(segment.meta["reports"]))  # fmt: skip
            out.extend((s, code) for code in np.flatnonzero(counts).tolist())
        return out

    def _report_code(self, report_id: str) -> tuple[int, int] | None:
        """(segment, local code) of a live report."""
        if self._report_codes is None:
            self._report_codes = {
                self.segments[s].meta["reports"][code]: (s, code)
                for s, code in self._live_reports()
            }
        return self._report_codes.get(report_id)

    def report_uids(self, report_id: str) -> list[int]:
        """The uids of a live report's passages in reading order ([] if it is not live)."""
        found = self._report_code(report_id)
        if found is None:
            return []
        s, code = found
        arrays = self.segments[s].arrays
        local = np.flatnonzero((arrays["report"] == code) & self.live[s])
        local = local[np.argsort(arrays["position"][local], kind="stable")]
        return arrays["uid"][local].astype(np.int64).tolist()

    def first_passages(self, segment: Segment) -> np.ndarray:
        """Each local report's first passage number in ``segment`` (computed once)."""
        key = id(segment)
        if key not in self._first:
            codes = segment.arrays["report"]
            first = np.zeros(len(segment.meta["reports"]), dtype=np.int64)
            present, at = first_of_each(codes)
            first[present] = at
            self._first[key] = first
        return self._first[key]

    def indicators(self) -> list[dict]:
        """Every canonical indicator stated in a live passage, with how many reports and
        facts state it; most reported first."""
        facts: dict[str, int] = {}
        reports: dict[str, set] = {}
        for segment, live in zip(self.segments, self.live, strict=True):
            arrays, names = segment.arrays, segment.values("metric")
            keep = live[arrays["fact_passage"]]
            codes = arrays["fact_metric"][keep]
            report_codes = arrays["report"][arrays["fact_passage"][keep]]
            for code, count in enumerate(np.bincount(codes, minlength=len(names)).tolist()):
                if names[code] and count:
                    facts[names[code]] = facts.get(names[code], 0) + count
            for code, report in set(zip(codes.tolist(), report_codes.tolist(), strict=True)):
                if names[code]:
                    reports.setdefault(names[code], set()).add(segment.meta["reports"][report])
        rows = [{"canonical": n, "reports": len(reports[n]), "facts": facts[n]} for n in facts]
        return sorted(rows, key=lambda r: (-r["reports"], -r["facts"], r["canonical"]))

    # ---- ranking ------------------------------------------------------------------------

    def _ranked(self, matches: Matches, texts: list[str]):
        """(segment of each match, local number, score), concatenated over segments."""
        segs, ids = [], []
        for s, mask in enumerate(matches.masks):
            local = np.flatnonzero(mask)
            segs.append(np.full(len(local), s, dtype=np.int32))
            ids.append(local)
        seg = np.concatenate(segs) if segs else np.zeros(0, np.int32)
        local = np.concatenate(ids) if ids else np.zeros(0, np.int64)
        if matches.words:
            terms = [("word", word) for text in texts for word in _words_of(text)]
            scores = self._bm25(seg, local, terms)
            for text in dict.fromkeys(texts):  # passages holding the exact string first
                scores += EXACT_FIRST * (self._tf(seg, local, "text", text) > 0)
        else:
            scores = self._bm25(seg, local, [("text", text) for text in texts])
        return seg, local, scores

    def _tf(self, seg, local, field_name: str, string: str) -> np.ndarray:
        """Occurrences of ``string`` in each given passage (overlapping ones included)."""
        tf = np.zeros(len(local), dtype=np.float64)
        for s in range(len(self.segments)):
            where = np.flatnonzero(seg == s)
            holding, counts = self._counts(s, field_name, string)
            dense = self._dense.get((s, field_name, string))
            if len(where) and dense is not None:
                tf[where] = dense[local[where]]
            elif len(where) and len(holding):
                ids = local[where]
                at = np.minimum(np.searchsorted(holding, ids), len(holding) - 1)
                held = holding[at] == ids
                tf[where[held]] = counts[at[held]]
        return tf

    def _bm25(self, seg, local, terms: list[tuple[str, str]]) -> np.ndarray:
        """BM25 of each given passage for ``terms``, (field, string) pairs: "text" counts
        occurrences of a string against the passage's length in characters, "word" counts
        a jieba word against its length in words."""
        scores = np.zeros(len(local), dtype=np.float64)
        total = self.passages
        for field_name, string in dict.fromkeys(terms):
            column = "length" if field_name == "text" else "word_length"
            lengths = self._gather(seg, local, column).astype(np.float64)
            norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / (self._averages[column] or 1.0))
            tf = self._tf(seg, local, field_name, string)
            df = sum(
                int(np.count_nonzero(live[self._counts(s, field_name, string)[0]]))
                for s, live in enumerate(self.live)
            )
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            scores += idf * tf * (BM25_K1 + 1) / (tf + norm)
        return scores

    def _report_ranks(self) -> list[np.ndarray]:
        """Per segment, each local report's rank among all report ids (for tie-breaking)."""
        if self._report_rank is None:
            ids = sorted({r for segment in self.segments for r in segment.meta["reports"]})
            rank = {report: i for i, report in enumerate(ids)}
            self._report_rank = [
                np.array([rank[r] for r in segment.meta["reports"]], dtype=np.int64)
                for segment in self.segments
            ]
        return self._report_rank

    def _gather(self, seg, local, column: str, tables=None) -> np.ndarray:
        """Column ``column`` of each (segment, local number), through ``tables[segment]``
        when given (codes to global ranks)."""
        out = np.zeros(len(local), dtype=np.int64)
        for s, segment in enumerate(self.segments):
            where = seg == s
            if where.any():
                values = segment.arrays[column][local[where]]
                out[where] = values if tables is None else tables[s][values]
        return out

    def page(
        self,
        matches: Matches,
        texts: list[str],
        *,
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
        group: bool = False,
    ) -> list[tuple[int, float, int, tuple[int, int]]]:
        """One page of matches as (uid, score, matching passages in its report, (segment,
        number there)), best first; ``limit=0``: all from ``offset``. With ``group``, one
        entry per report (its best passage)."""
        seg, local, scores = self._ranked(matches, texts)
        n = len(local)
        report = self._gather(seg, local, "report", self._report_ranks())
        keys = [-scores, report, self._gather(seg, local, "position")]  # all ascending
        if sort in ("year", "city"):
            keys = [-self._gather(seg, local, "year"), *keys]
        if sort == "oldest":
            years = self._gather(seg, local, "year")
            keys = [np.where(years == 0, 1 << 30, years), *keys]  # no year last
        if sort == "city":
            names = sorted({v for segment in self.segments for v in segment.values("city")},
                           key=pinyin_key)  # fmt: skip
            rank = {name: i for i, name in enumerate(names)}
            ranks = [np.array([rank[v] for v in segment.values("city")], dtype=np.int64)
                     for segment in self.segments]  # fmt: skip
            keys = [self._gather(seg, local, "city", ranks), *keys]
        per_report = np.bincount(report) if n else np.zeros(0, np.int64)
        if group:
            order = _lexsorted(keys, np.arange(n))
            _, first = first_of_each(report[order])
            chosen = order[np.sort(first)]
            chosen = chosen[offset:] if limit == 0 else chosen[offset : offset + limit]
        else:
            wanted = n if limit == 0 else min(n, offset + limit)
            chosen = _smallest(keys, np.arange(n), wanted)[offset:]
        out = []
        for i in chosen.tolist():
            s, number = int(seg[i]), int(local[i])
            uid = int(self.segments[s].arrays["uid"][number])
            out.append((uid, float(scores[i]), int(per_report[report[i]]), (s, number)))
        return out


def distinct(values: np.ndarray, counts: bool = False):
    """``np.unique(values[, return_counts=True])``, without the import of ``numpy.ma`` that
    ``np.unique`` makes (8 ms a fresh process pays)."""
    ordered = np.sort(values)
    starts = _run_starts(ordered)
    if not counts:
        return ordered[starts]
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def first_of_each(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_index=True)``: each distinct value and where it first is."""
    order = np.argsort(values, kind="stable")
    starts = _run_starts(values[order])
    return values[order][starts], order[starts]


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in ``ordered``."""
    if not len(ordered):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))


def _self_overlapping(string: str) -> bool:
    """Whether two occurrences of ``string`` can overlap: it ends with a start of itself."""
    return any(string[:k] == string[-k:] for k in range(1, len(string)))


def _non_overlapping(positions: np.ndarray, length: int) -> np.ndarray:
    """The sorted ``positions`` of a string of ``length`` characters that ``str.count``
    counts: leftmost first, each starting at or after the end of the one counted before.
    Only runs of overlapping occurrences are walked one by one."""
    at = np.sort(np.asarray(positions, dtype=np.int64))
    if length <= 1 or len(at) < 2:
        return at
    close = np.flatnonzero(np.diff(at) < length) + 1  # overlaps the occurrence before it
    if not len(close):
        return at
    keep = np.ones(len(at), dtype=bool)
    end, previous = 0, -2
    for i, here, before in zip(close.tolist(), at[close].tolist(), at[close - 1].tolist(),
                               strict=True):  # fmt: skip
        if i - 1 != previous:  # the one before starts a run: always counted
            end = before + length
        if here >= end:
            end = here + length
        else:
            keep[i] = False
        previous = i
    return at[keep]


def _has_words(tree) -> bool:
    if isinstance(tree, Words):
        return True
    if isinstance(tree, Not):
        return _has_words(tree.node)
    return any(_has_words(node) for node in getattr(tree, "nodes", ()))


def _words_of(text: str) -> list[str]:
    """The distinct jieba words of a string, in order (jieba loads only for --words)."""
    return list(dict.fromkeys(word_tokens(text)))


def field_spec(name: str) -> FieldSpec:
    """The registry's spec of field ``name`` (a field the registry lacks is a bug here)."""
    spec = named(name)
    if spec is None:
        raise ValueError(f"no field {name!r} in the field registry (indexer.fields)")
    return spec


def _lexsorted(keys: list[np.ndarray], idx: np.ndarray) -> np.ndarray:
    """``idx`` ordered by ``keys`` (first key first, each ascending)."""
    return idx[np.lexsort([key[idx] for key in reversed(keys)])]


def _smallest(keys: list[np.ndarray], idx: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` first of ``idx`` in ``keys`` order, sorted; only ties at the cut-off are
    looked at by the next key, so a page costs a partition, not a sort of every match.
    The last key must be unique among ``idx`` for the result to be deterministic."""
    if k <= 0:
        return idx[:0]
    if len(idx) <= k or len(keys) == 1:
        return _lexsorted(keys, idx)[:k]
    values = keys[0][idx]
    cut = np.partition(values, k - 1)[k - 1]
    below = idx[values < cut]
    tied = idx[values == cut]
    chosen = np.concatenate([below, _smallest(keys[1:], tied, k - len(below))])
    return _lexsorted(keys, chosen)
