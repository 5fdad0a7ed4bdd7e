"""Segment: passage rows -> the arrays exact search, filters and facets run on.

Input (``build_segment``): ``PassageRow`` records, in uid order. Output: a ``Segment``: a
small JSON-able ``meta`` (report ids and the values of dictionary-coded columns) and numpy
arrays, one value per passage unless named otherwise:

* ``uid`` (int64): the passage's number in the index, the key of its stored record (in
  increasing order);
* ``report`` (index into ``meta["reports"]``), ``position``, ``length`` (characters of the
  search form, for ranking), ``year`` (0 when the report does not say);
* ``province``, ``city``, ``district``, ``level``, ``kind``, ``issuer``, ``title`` (its
  search form), ``category``: codes into ``meta["values"][column]``;
* ``section``: code into the distinct section paths (``section_paths``: search forms,
  one heading a line);
* facts, one row each: ``fact_passage``, ``fact_metric`` (code into
  ``meta["values"]["metric"]``, the canonical indicator or "" when it has none),
  ``fact_value`` (NaN when none); and ``metric_passage``, ``metric_code``: each (passage,
  canonical indicator) pair once, for metric filters and facets;
* ``text_start``: where the passage's search form starts in ``text.codes``; and the map from
  it to the original text, kept where it changes: ``offset_passage``, ``offset_at`` (a
  position in the search form), ``offset_start``/``offset_end`` (from there on, search-form
  character ``i`` came from the original's ``i + start : i + 1 + end``), passage ``i``'s
  rows at ``offset_first[i]:offset_first[i + 1]``; a passage with no such rows has no map
  (snippets normalize its original again);
* ``text.*`` and ``section.*``: the suffix arrays (``indexer.suffix_array``) over the
  passages' search forms and over the distinct section paths;
* the records shown for hits: ``record_bytes`` (one JSON object a passage, UTF-8: its id,
  position, section headings, category, facts, original text and where it starts and ends
  in the report) with passage ``i`` at ``record_start[i]:record_start[i + 1]``; and one a
  report, ``report_bytes``/``report_start`` by local report code (its title, file, place,
  year, level, kind, issuer and the ``summary`` row ``reportsearch reports`` prints). A
  search reads only the records of the hits it shows;
* jieba words, for ``--words``: ``word_length`` (words in each passage), the vocabulary
  (``word_text``, its words' UTF-8 bytes in sorted order, word ``w`` at
  ``word_start[w]:word_start[w + 1]``), and an inverted index: passages ``word_doc`` and
  counts ``word_tf`` of word ``w`` at ``word_offsets[w]:word_offsets[w + 1]``.

A segment never changes once written. An index is a list of segments plus, per segment,
which passages are still live; ``rows_of`` turns a segment back into rows so that small
segments can be merged without reading report files again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from . import suffix_array
from .suffix_array import SuffixArrays

CATEGORICAL = ("province", "city", "district", "level", "kind", "issuer", "title", "category")
PASSAGE_ARRAYS = ("uid", "report", "position", "length", "year", "section", "word_length")
PASSAGE_ARRAYS += CATEGORICAL
FACT_ARRAYS = ("fact_passage", "fact_metric", "fact_value", "metric_passage", "metric_code")
OFFSET_ARRAYS = ("offset_passage", "offset_at", "offset_start", "offset_end")
TEXT_FIELDS = ("text", "section")  # the suffix arrays a segment holds


@dataclass
class PassageRow:
    """What the engine keeps of one passage."""

    uid: int
    report: str
    position: int
    text: str  # search form
    section: str  # search forms of the headings above it, one a line
    year: int  # 0: not known
    province: str = ""
    city: str = ""
    district: str = ""
    level: str = ""
    kind: str = ""
    issuer: str = ""  # canonical (``indexer.issuers``)
    title: str = ""  # search form
    category: str = ""
    # (canonical indicator or "", value) of every fact the passage states
    facts: list[tuple[str, float | None]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # jieba words of the search form
    # (search-form position, start shift, end shift) where the map to the original changes
    # (see the module docstring); [] when there is no map
    offsets: list[tuple[int, int, int]] = field(default_factory=list)
    # JSON of what a hit shows of the passage, and of its report (the same str object for
    # every row of a report: pickled and kept once)
    record: str = "{}"
    report_record: str = "{}"


@dataclass
class Segment:
    meta: dict
    arrays: dict[str, np.ndarray]
    name: str = ""

    @property
    def size(self) -> int:
        return int(self.meta["passages"])

    def suffix_arrays(self, field_name: str) -> SuffixArrays:
        return SuffixArrays(
            **{part: self.arrays[f"{field_name}.{part}"] for part in SuffixArrays.ARRAYS}
        )

    def values(self, column: str) -> list[str]:
        return self.meta["values"][column]


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    """Dictionary-code ``values``: (sorted distinct values, int32 code of each value)."""
    distinct = sorted(set(values))
    index = {value: code for code, value in enumerate(distinct)}
    return distinct, np.fromiter((index[v] for v in values), dtype=np.int32, count=len(values))


def build_segment(rows: list[PassageRow]) -> Segment:
    """The arrays of one segment (see the module docstring)."""
    reports, report_codes = _codes([row.report for row in rows])
    sections, section_codes = _codes([row.section for row in rows])
    arrays: dict[str, np.ndarray] = {
        "uid": np.array([row.uid for row in rows], dtype=np.int64),
        "report": report_codes,
        "position": np.array([row.position for row in rows], dtype=np.int32),
        "length": np.array([len(row.text) for row in rows], dtype=np.int32),
        "year": np.array([row.year or 0 for row in rows], dtype=np.int16),
        "section": section_codes,
    }
    values: dict[str, list[str]] = {}
    for column in CATEGORICAL:
        values[column], arrays[column] = _codes([getattr(row, column) for row in rows])
    facts = [(i, name, value) for i, row in enumerate(rows) for name, value in row.facts]
    values["metric"], metric_codes = _codes([name for _, name, _ in facts])
    arrays["fact_passage"] = np.array([i for i, _, _ in facts], dtype=np.int32)
    arrays["fact_metric"] = metric_codes
    arrays["fact_value"] = np.array(
        [np.nan if value is None else value for _, _, value in facts], dtype=np.float64
    )
    # (passage, indicator) pairs, each once; facts with no canonical indicator name none.
    named = np.array([bool(name) for _, name, _ in facts], dtype=bool)
    pairs = np.unique(
        np.stack([arrays["fact_passage"][named], metric_codes[named]]).reshape(2, -1), axis=1
    )
    arrays["metric_passage"] = pairs[0].astype(np.int32)
    arrays["metric_code"] = pairs[1].astype(np.int32)
    arrays.update(_word_index(rows))
    arrays["text_start"] = np.cumsum(arrays["length"].astype(np.int64) + 1) - (
        arrays["length"].astype(np.int64) + 1
    )
    # packed, not in meta.json: a search maps them and reads none (a segment of 8,000
    # reports has 15 MB of section paths, which JSON would parse on every open)
    arrays["section_bytes"], arrays["section_start"] = _packed(sections)
    arrays["record_bytes"], arrays["record_start"] = _packed([row.record for row in rows])
    report_records = dict(zip(report_codes.tolist(), (row.report_record for row in rows),
                              strict=True))  # fmt: skip
    arrays["report_bytes"], arrays["report_start"] = _packed(
        [report_records[code] for code in range(len(reports))]
    )
    breaks = [(i, *change) for i, row in enumerate(rows) for change in row.offsets]
    for k, name in enumerate(OFFSET_ARRAYS):
        arrays[name] = np.array([b[k] for b in breaks], dtype=np.int32)
    # where each passage's rows start: a hit's map without a binary search (which, over a
    # memory map of millions of rows, costs page faults: a third of printing every hit)
    arrays["offset_first"] = np.searchsorted(
        arrays["offset_passage"], np.arange(len(rows) + 1)
    ).astype(np.int64)
    for field_name, documents in (("text", [row.text for row in rows]), ("section", sections)):
        built = suffix_array.build(documents)
        for part in SuffixArrays.ARRAYS:
            arrays[f"{field_name}.{part}"] = getattr(built, part)
    meta = {
        "passages": len(rows),
        "characters": int(arrays["length"].sum()),
        "reports": reports,
        "values": values,
    }
    return Segment(meta=meta, arrays=arrays)


def _packed(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``texts`` as one UTF-8 byte array and where each starts (one more entry: the end)."""
    encoded = [text.encode("utf-8") for text in texts]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=starts[1:])
    joined = b"".join(encoded)
    del encoded  # the records of a segment are hundreds of MB: one copy at a time
    return np.frombuffer(joined, dtype=np.uint8), starts


def _unpacked(arrays: dict[str, np.ndarray], name: str, i: int) -> str:
    start = arrays[f"{name}_start"]
    return arrays[f"{name}_bytes"][start[i] : start[i + 1]].tobytes().decode("utf-8")


def section_paths(segment: Segment) -> list[str]:
    """The segment's distinct section paths, in code order."""
    count = len(segment.arrays["section_start"]) - 1
    return [_unpacked(segment.arrays, "section", code) for code in range(count)]


def passage_record(segment: Segment, i: int, report: dict) -> dict:
    """What a hit shows of passage ``i``, with its report's title, file, place and year
    (``report``: ``shown_of_report`` of its report, which callers keep for its passages)."""
    return {**report, **json.loads(_unpacked(segment.arrays, "record", i))}


def shown_of_report(segment: Segment, code: int) -> dict:
    """What every hit of local report ``code`` shows of it: its record without the
    summary row."""
    report = report_record(segment, code)
    report.pop("summary", None)
    return report


def report_record(segment: Segment, code: int) -> dict:
    """The record of local report ``code``: its ``summary`` row and what every hit of it
    shows (title, file, place, year, level, kind, issuer)."""
    return json.loads(_unpacked(segment.arrays, "report", code))


def _word_index(rows: list[PassageRow]) -> dict[str, np.ndarray]:
    """The vocabulary and inverted index of the rows' jieba words (see the docstring)."""
    vocabulary = sorted({word for row in rows for word in row.words})
    number = {word: i for i, word in enumerate(vocabulary)}
    lengths = np.array([len(row.words) for row in rows], dtype=np.int64)
    words = np.fromiter((number[w] for row in rows for w in row.words), dtype=np.int64,
                        count=int(lengths.sum()))  # fmt: skip
    docs = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    pairs, tf = np.unique(words * max(len(rows), 1) + docs, return_counts=True)
    word_of = pairs // max(len(rows), 1)
    encoded = [word.encode("utf-8") for word in vocabulary]
    return {
        "word_length": lengths.astype(np.int32),
        "word_text": np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
        "word_start": np.cumsum([0] + [len(e) for e in encoded], dtype=np.int64),
        "word_offsets": np.searchsorted(word_of, np.arange(len(vocabulary) + 1)).astype(np.int64),
        "word_doc": (pairs % max(len(rows), 1)).astype(np.int32),
        "word_tf": tf.astype(np.int32),
    }


def word_postings(segment: Segment, word: str) -> tuple[np.ndarray, np.ndarray]:
    """(passages holding ``word``, sorted; how often each holds it) in ``segment``."""
    arrays = segment.arrays
    text, start = arrays["word_text"], arrays["word_start"]
    wanted = word.encode("utf-8")
    lo, hi = 0, len(start) - 1
    while lo < hi:  # binary search of the sorted vocabulary (UTF-8 sorts as code points)
        mid = (lo + hi) // 2
        if text[start[mid] : start[mid + 1]].tobytes() < wanted:
            lo = mid + 1
        else:
            hi = mid
    if lo == len(start) - 1 or text[start[lo] : start[lo + 1]].tobytes() != wanted:
        return arrays["word_doc"][:0], arrays["word_tf"][:0]
    first, last = arrays["word_offsets"][lo], arrays["word_offsets"][lo + 1]
    return arrays["word_doc"][first:last], arrays["word_tf"][first:last]


def passage_offsets(segment: Segment, i: int) -> list[tuple[int, int, int]]:
    """The map rows of passage ``i`` (see the module docstring); [] when it has none."""
    arrays = segment.arrays
    first, last = int(arrays["offset_first"][i]), int(arrays["offset_first"][i + 1])
    return list(zip(*(arrays[name][first:last].tolist() for name in OFFSET_ARRAYS[1:]),
                    strict=True))  # fmt: skip


def passage_form(segment: Segment, i: int) -> str:
    """Passage ``i``'s search form, from the suffix array's codes."""
    start, length = int(segment.arrays["text_start"][i]), int(segment.arrays["length"][i])
    return suffix_array.document(segment.suffix_arrays("text"), start, length)


def rows_of(segment: Segment, live: np.ndarray | None = None) -> list[PassageRow]:
    """The rows a segment was built from (only the ``live`` ones, if given)."""
    arrays, meta = segment.arrays, segment.meta
    texts = suffix_array.decode(segment.suffix_arrays("text"))
    facts: dict[int, list] = {}
    metric_names = segment.values("metric")
    for passage, code, value in zip(
        arrays["fact_passage"].tolist(), arrays["fact_metric"].tolist(),
        arrays["fact_value"].tolist(), strict=True,
    ):  # fmt: skip
        facts.setdefault(passage, []).append(
            (metric_names[code], None if value != value else value)
        )
    words: dict[int, list[str]] = {}
    text, start, offsets = arrays["word_text"], arrays["word_start"], arrays["word_offsets"]
    for w in range(len(start) - 1):
        word = text[start[w] : start[w + 1]].tobytes().decode("utf-8")
        postings = slice(offsets[w], offsets[w + 1])
        docs, counts = arrays["word_doc"][postings], arrays["word_tf"][postings]
        for doc, tf in zip(docs.tolist(), counts.tolist(), strict=True):
            words.setdefault(doc, []).extend([word] * tf)
    columns = {c: (segment.values(c), arrays[c]) for c in CATEGORICAL}
    report_records = [_unpacked(arrays, "report", code) for code in range(len(meta["reports"]))]
    sections = section_paths(segment)
    rows = []
    for i in range(segment.size):
        if live is not None and not live[i]:
            continue
        rows.append(
            PassageRow(
                uid=int(arrays["uid"][i]),
                report=meta["reports"][arrays["report"][i]],
                position=int(arrays["position"][i]),
                text=texts[i],
                section=sections[arrays["section"][i]],
                year=int(arrays["year"][i]),
                facts=facts.get(i, []),
                words=words.get(i, []),
                offsets=passage_offsets(segment, i),
                record=_unpacked(arrays, "record", i),
                report_record=report_records[arrays["report"][i]],
                **{c: names[codes[i]] for c, (names, codes) in columns.items()},
            )
        )
    return rows
