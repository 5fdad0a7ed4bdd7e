"""Panel: dictionary counts of terms and concepts per report, or per place and year, as the
long table a regression reads (``reportsearch panel``).

Input: what to count (``parse_terms``: a terms file's lines, each a term, a concept
``NAME<TAB>term|term|…`` or ``concept:NAME``) and the engine's counts per report
(``Engine.occurrence_counts``). Output (``panel``): ``{"by", "concepts", "rows"}``, one row
per report and concept (``by="report"``) or per cell of ``city,year``, ``province,year`` or
``year`` and concept, with the columns of ``PANEL_COLUMNS``:

* ``concept``: the concept's name, or for a plain term the term as written;
* ``count``: how often it occurs in the search form (Simplified, NFKC, lower case) of the
  row's passages. A term counts its non-overlapping occurrences, leftmost first, exactly as
  Python's ``str.count`` over each passage's search form; a concept counts places: each of its
  terms' non-overlapping occurrences covers a span of characters, and spans that share a
  character (directly, or through a chain of spans that do) are one place, so 复议 inside
  行政复议 counts once and a concept of one term counts as that term does. Spans that only
  touch (行政复议行政复议) are two places. Occurrences never run across passages;
* ``reports``: the row's reports in which it occurs (0 or 1 for a report's row);
  ``all_reports``: the row's reports (1 for a report's row);
* ``chars``: the row's indexed characters, the sum of its passages' search-form lengths
  (headings included; titles and page furniture are not passages);
* ``per_10k``: ``count / chars * 10,000``, rounded to 6 decimals (None when ``chars`` is 0);
* the row's metadata: for a report ``report``, ``province``, ``city``, ``district``,
  ``year``, ``issuer``, ``level``, ``kind``; for a cell its own fields. Unknown values are
  None, and reports with no year or place make cells of their own, so every report counts.

Every report (with a passage the filters take) has a row for every concept, count 0
included, so the panel is balanced. Filters on passages (``section:``, ``category:``) count
and measure only those passages. Rows come by report id (cells: places in pinyin order, then
years, unknown last), each report's or cell's concepts in the order given.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.normalizing import normalize_for_search

from .collation import pinyin_key
from .concepts import Concept, Concepts, concept_key, make_concept, read_text

PANEL_BY = ("report", "city,year", "province,year", "year")
REPORT_FIELDS = ("report", "province", "city", "district", "year", "issuer", "level", "kind")
COUNT_COLUMNS = ("concept", "count", "reports", "all_reports", "chars", "per_10k")
CELL_FIELDS = {"report": REPORT_FIELDS, "city,year": ("province", "city", "year"),
               "province,year": ("province", "year"), "year": ("year",)}  # fmt: skip
MAX_ENTRIES = 10_000  # terms and concepts in one panel


def panel_columns(by: str) -> tuple[str, ...]:
    """The columns of a panel's rows (the CSV header)."""
    return (*CELL_FIELDS[check_by(by)], *COUNT_COLUMNS)


def check_by(by: str) -> str:
    by = ",".join(part.strip() for part in str(by).split(","))
    if by not in PANEL_BY:
        raise UsageError(f"unknown --by {by!r}; a panel is by: {', '.join(PANEL_BY)}")
    return by


def parse_terms(text: str, concepts: Concepts, origin: str = "terms file") -> list[Concept]:
    """What a terms file asks to count, in its order: a line is a term (the whole line),
    ``NAME<TAB>term|term|…`` (a concept; a third column is its source), or
    ``concept:NAME`` (a concept of ``concepts``: the shipped list and the user's); blank
    lines and ``#`` comments are skipped. A name used twice, an empty or unknown concept or
    more than MAX_ENTRIES lines is a one-line ``UsageError`` naming the line."""
    entries: dict[str, Concept] = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{origin} line {number}"
        entry = _entry(line, concepts, where)
        key = concept_key(entry.name)
        if key in entries:
            raise UsageError(f"{where}: {entry.name!r} is counted already")
        entries[key] = entry
        if len(entries) > MAX_ENTRIES:
            raise UsageError(f"{origin}: more than {MAX_ENTRIES} terms and concepts")
    if not entries:
        raise UsageError(f"{origin} holds no term: give a term a line, or NAME<TAB>term|term")
    return list(entries.values())


def _entry(line: str, concepts: Concepts, where: str) -> Concept:
    if "\t" in line:
        name, terms, *source = line.split("\t")
        return make_concept(name, terms.split("|"), "\t".join(source), where=where)
    stripped = line.strip()
    head, colon, name = stripped.partition(":")
    if colon and head.strip().lower() == "concept":
        name = name.strip().strip('"“”「」')
        if name not in concepts:
            raise UsageError(f"{where}: unknown concept {name!r}; concepts are: "
                             f"{', '.join(concepts.names()) or 'none'}")  # fmt: skip
        return concepts[name]
    if not normalize_for_search(stripped):
        raise UsageError(f"{where}: {stripped!r} is no term (nothing is left to search)")
    return Concept(stripped, (normalize_for_search(stripped),))


def entries_of(terms: Iterable, concepts: Concepts) -> list[Concept]:
    """``terms`` as the API takes them, each a ``Concept``, a term, ``concept:NAME`` or
    ``NAME<TAB>term|term``, checked as a terms file's lines are."""
    entries: dict[str, Concept] = {}
    for number, term in enumerate(terms, 1):
        if isinstance(term, Concept):
            entry = term
        elif isinstance(term, str) and "\n" not in term and term.strip():
            entry = _entry(term, concepts, f"term {number}")
        else:
            raise UsageError(f"term {number}: a panel term is a string or a Concept, "
                             f"got {term!r}")  # fmt: skip
        key = concept_key(entry.name)
        if key in entries:
            raise UsageError(f"term {number}: {entry.name!r} is counted already")
        entries[key] = entry
    if not entries:
        raise UsageError("give at least one term or concept to count")
    if len(entries) > MAX_ENTRIES:
        raise UsageError(f"more than {MAX_ENTRIES} terms and concepts")
    return list(entries.values())


def read_terms(path, concepts: Concepts) -> list[Concept]:
    """The entries of the terms file at ``path`` (``parse_terms``)."""
    return parse_terms(read_text(path, "terms file"), concepts, str(path))


def panel(counted: dict, entries: list[Concept], by: str = "report") -> dict:
    """``{"by", "concepts", "rows"}`` from ``Engine.occurrence_counts`` of ``entries``'
    terms (see the module docstring for the rows)."""
    by = check_by(by)
    described = [{"concept": e.name, "terms": list(e.terms)} for e in entries]
    counts = [np.asarray(c, dtype=np.int64) for c in counted["counts"]]
    chars = np.asarray(counted["chars"], dtype=np.int64)
    if by == "report":
        rows = _report_rows(counted, entries, counts, chars)
    else:
        rows = _cell_rows(counted, entries, counts, chars, CELL_FIELDS[by])
    return {"by": by.split(","), "concepts": described, "rows": rows}


def _report_rows(counted, entries, counts, chars) -> list[dict]:
    reports = counted["report"]
    order = sorted(range(len(reports)), key=reports.__getitem__)
    meta = {name: [value or None for value in counted[name]] for name in REPORT_FIELDS}
    count_lists = [c.tolist() for c in counts]
    rates = [_per_10k(c, chars) for c in counts]
    chars_list = chars.tolist()
    rows = []
    for i in order:
        fields = {name: meta[name][i] for name in REPORT_FIELDS}
        size = chars_list[i]
        for entry, values, rate in zip(entries, count_lists, rates, strict=True):
            count = values[i]
            rows.append({**fields, "concept": entry.name, "count": count,
                         "reports": int(count > 0), "all_reports": 1, "chars": size,
                         "per_10k": rate[i]})  # fmt: skip
    return rows


def _cell_rows(counted, entries, counts, chars, fields) -> list[dict]:
    keys = list(zip(*([value or None for value in counted[name]] for name in fields),
                    strict=True))  # fmt: skip
    cells = sorted(set(keys), key=_cell_order)
    number = {key: n for n, key in enumerate(cells)}
    cell_of = np.fromiter((number[key] for key in keys), dtype=np.int64, count=len(keys))
    size = len(cells)
    all_reports = np.bincount(cell_of, minlength=size).tolist()
    cell_chars = _sums(cell_of, chars, size)
    sums = [_sums(cell_of, c, size) for c in counts]
    mentioning = [_sums(cell_of, (c > 0).astype(np.int64), size).tolist() for c in counts]
    rates = [_per_10k(total, cell_chars) for total in sums]
    sums = [total.tolist() for total in sums]
    cell_chars = cell_chars.tolist()
    rows = []
    for n, key in enumerate(cells):
        head = dict(zip(fields, key, strict=True))
        for entry, total, held, rate in zip(entries, sums, mentioning, rates, strict=True):
            rows.append({**head, "concept": entry.name, "count": total[n], "reports": held[n],
                         "all_reports": all_reports[n], "chars": cell_chars[n],
                         "per_10k": rate[n]})  # fmt: skip
    return rows


def _sums(cell_of: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per cell, the sum of ``values`` (whole numbers, summed exactly)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, cell_of, values)
    return out


def _cell_order(key):
    """Places in pinyin order, then the year; unknown values last."""
    *places, year = key
    return (*((name is None, pinyin_key(name or "")) for name in places), year is None,
            year or 0)  # fmt: skip


def _per_10k(counts: np.ndarray, chars: np.ndarray) -> list[float | None]:
    """``counts / chars * 10,000`` element by element, rounded to 6 decimals as Python's
    ``round`` does (None where ``chars`` is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.asarray(counts, dtype=np.float64) * 10_000 / chars
    return [
        round(rate, 6) if size else None
        for rate, size in zip(rates.tolist(), chars.tolist(), strict=True)
    ]
