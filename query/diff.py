"""Diff: two reports -> the passages B added, removed, changed and kept from A.

Input: an open ``ReportIndex`` (only its public methods: ``report``, ``reports``,
``search``) and two report ids. Output (``diff_reports``)::

    {"a": REPORT, "b": REPORT,           # {"report", "title", "province", "city",
                                         #  "district", "year", "kind", "passages"}
     "added":   [{"passage", "section", "text"}],          # in B only, in B's order
     "removed": [{"passage", "section", "text"}],          # in A only, in A's order
     "changed": [{"before", "after", "similarity", "before_passage", "after_passage",
                  "section", "marks": {"before": [[start, end]], "after": [[start, end]]},
                  "inline": "…[-自贡-]{+盘锦+}…"}],                   # in B's order
     "unchanged": {"passages", "moved", "characters", "share"}}

Passages are compared on their search forms (``normalize_for_search``), so a report and
its Traditional copy are the same; what is shown is each report's own text.

1. **In order**: ``difflib.SequenceMatcher`` over the two lists of passage forms; its
   equal runs are unchanged passages.
2. **Moved**: a passage left over in B whose form is that of a passage left over in A is
   unchanged too (counted as ``moved``).
3. **Changed**: the passages left over on both sides are paired by similarity, best pair
   first, each passage at most once: the ratio of ``difflib.SequenceMatcher`` (2·M/T, M the
   characters in matching blocks, T both lengths) on the two forms, at least
   ``SIMILAR`` (0.6). A passage whose place name alone changed (盘锦 for 遂宁) is one
   changed passage, not one removed and one added. Pairs are checked cheapest bound first
   (``real_quick_ratio``, ``quick_ratio``), so most unrelated pairs cost nothing.
4. What is left in B is ``added``, in A ``removed``.

``marks`` are the changed characters, as spans of each side's own text (``before``: deleted
or replaced in A, ``after``: inserted or replaced in B); ``inline`` is B's passage with
deletions as ``[-…-]`` and insertions as ``{+…+}`` (git's ``--word-diff`` notation).
``unchanged``: ``passages`` of B unchanged (in place or ``moved``), ``characters`` of B
unchanged (those passages' and the equal characters of changed ones, in the search form)
and their ``share`` of all B's characters (0..1).

``previous_report(index, report_id)`` is the same place's report of the year before (same
province, city, district and kind; the same issuer first), for "compare with the previous
year"; ``place_reports(index, place, year)`` finds a place's reports of one year, for
``diff --place 盘锦 --years 2020,2021``.
"""

from __future__ import annotations

import difflib

from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.normalizing import normalize_for_search, normalize_with_offsets

SIMILAR = 0.6  # the least similarity of two passages that are one passage changed
SUMMARY = ("report", "title", "province", "city", "district", "year", "kind")


def diff_reports(index, a: str, b: str, *, threshold: float = SIMILAR) -> dict:
    """Report ``b`` against report ``a`` (see the module's docstring)."""
    if not 0 < threshold <= 1:
        raise UsageError("the similarity threshold is above 0 and at most 1")
    old, new = index.report(a), index.report(b)
    before, after = old["passages"], new["passages"]
    forms_a = [normalize_for_search(p["text"]) for p in before]
    forms_b = [normalize_for_search(p["text"]) for p in after]

    matcher = difflib.SequenceMatcher(None, forms_a, forms_b, autojunk=False)
    kept_b: set[int] = set()
    left_a: list[int] = []
    left_b: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept_b.update(range(j1, j2))
        else:
            left_a.extend(range(i1, i2))
            left_b.extend(range(j1, j2))

    moved = 0
    waiting: dict[str, list[int]] = {}
    for i in left_a:
        waiting.setdefault(forms_a[i], []).append(i)
    for j in list(left_b):
        if waiting.get(forms_b[j]):
            left_a.remove(waiting[forms_b[j]].pop(0))
            left_b.remove(j)
            kept_b.add(j)
            moved += 1

    pairs = _pair(forms_a, forms_b, left_a, left_b, threshold)
    paired_a = {i for i, _, _ in pairs}
    paired_b = {j: (i, ratio) for i, j, ratio in pairs}

    unchanged_chars = sum(len(forms_b[j]) for j in kept_b)
    changed = []
    for j in sorted(paired_b):
        i, ratio = paired_b[j]
        change = _changed(before[i], after[j], ratio)
        unchanged_chars += change.pop("_equal")
        changed.append(change)
    total_b = sum(len(form) for form in forms_b)
    return {
        "a": _summary(old["report"], before),
        "b": _summary(new["report"], after),
        "added": [_passage(after[j]) for j in sorted(left_b) if j not in paired_b],
        "removed": [_passage(before[i]) for i in sorted(left_a) if i not in paired_a],
        "changed": changed,
        "unchanged": {
            "passages": len(kept_b),
            "moved": moved,
            "characters": unchanged_chars,
            "share": round(unchanged_chars / total_b, 4) if total_b else 1.0,
        },
    }


def _pair(forms_a, forms_b, left_a, left_b, threshold) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for the best pairs of leftover passages at ``threshold`` or more,
    each passage in one pair at most; ties go to the pair nearest the start of both."""
    candidates = []
    for j in left_b:
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(forms_b[j])  # seq2 is the one SequenceMatcher indexes: once
        for i in left_a:
            matcher.set_seq1(forms_a[i])
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold:
                candidates.append((-ratio, abs(i - j), i, j))
    pairs, used_a, used_b = [], set(), set()
    for negative, _, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j, round(-negative, 4)))
    return pairs


def _changed(old: dict, new: dict, ratio: float) -> dict:
    """One changed pair, with its changed characters marked (and, under ``_equal``, how
    many of B's search-form characters are unchanged)."""
    norm_a, norm_b = normalize_with_offsets(old["text"]), normalize_with_offsets(new["text"])
    matcher = difflib.SequenceMatcher(None, norm_a.text, norm_b.text, autojunk=False)
    marks_a, marks_b, inline, equal = [], [], [], 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        span_a = norm_a.to_original(i1, i2)
        span_b = norm_b.to_original(j1, j2)
        text_a = old["text"][span_a[0] : span_a[1]]
        text_b = new["text"][span_b[0] : span_b[1]]
        if tag == "equal":
            equal += j2 - j1
            inline.append(text_b)
            continue
        if i2 > i1:
            marks_a.append(list(span_a))
            inline.append(f"[-{text_a}-]")
        if j2 > j1:
            marks_b.append(list(span_b))
            inline.append(f"{{+{text_b}+}}")
    return {
        "before": old["text"],
        "after": new["text"],
        "similarity": ratio,
        "before_passage": old["passage"],
        "after_passage": new["passage"],
        "section": new["section"],
        "marks": {"before": marks_a, "after": marks_b},
        "inline": "".join(inline),
        "_equal": equal,
    }


def _passage(passage: dict) -> dict:
    return {"passage": passage["passage"], "section": passage["section"], "text": passage["text"]}


def _summary(row: dict, passages: list) -> dict:
    return {**{name: row.get(name) for name in SUMMARY}, "passages": len(passages)}


def previous_report(index, report_id: str, summary: dict | None = None) -> str | None:
    """The id of the same place's report for the year before ``report_id``'s (same
    province, city, district and kind), None if there is none, or its year or place is
    unknown. Of several, the one by the same issuer, then the first by id. ``summary``: the
    report's row when the caller has it (the reader does). Found with filters on the
    index's columns, never a walk over every report."""
    this = summary or index.report(report_id)["report"]  # resolves "33" for "033", or raises
    place = {key: this.get(key) or "" for key in ("province", "city", "district")}
    if not this.get("year") or not any(place.values()):
        return None  # no year, or no place: nothing is "the same place"
    filters = {key: value for key, value in place.items() if value}
    filters.update(year=str(int(this["year"]) - 1), kind=this.get("kind") or "report")
    found = index.search("", filters=filters, limit=0, group="report", facets=[])
    same = sorted(
        (hit for hit in found.hits
         if all((getattr(hit, key) or "") == value for key, value in place.items())),
        key=lambda hit: hit.report,
    )  # fmt: skip
    if not same:
        return None
    issuers = {row["report"]: row.get("issuer") for row in map(_row_of(index), same)}
    same.sort(key=lambda hit: (issuers.get(hit.report) != this.get("issuer"), hit.report))
    return same[0].report


def _row_of(index):
    return lambda hit: index.report(hit.report)["report"]


def place_reports(index, place: str, year: int, *, kind: str = "report") -> list[str]:
    """The ids of ``place``'s reports of ``year`` (a province, city or district, full or
    short name, either script, as the query language's place fields take it), the place's
    own first: a city's report before its districts'. Empty if it has none."""
    for level in ("district", "city", "province"):
        try:
            found = index.search("", filters={level: place, "year": str(year), "kind": kind},
                                 limit=0, group="report", facets=[])  # fmt: skip
        except UsageError:
            continue
        if found.total:
            finer = {"province": ("city", "district"), "city": ("district",), "district": ()}
            rank = {h.report: sum(1 for f in finer[level] if getattr(h, f)) for h in found.hits}
            # the place's own government first, then its departments (a 司法局's report)
            issuer = {row["report"]: row.get("issuer") for row in index.reports()
                      if row["report"] in rank}  # fmt: skip
            return sorted(
                rank, key=lambda report: (rank[report], issuer.get(report) != "人民政府", report)
            )
    return []
