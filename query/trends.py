"""Trends: the reports that match a query, counted by year and place beside all the reports
of each cell (``trend``), and where and when a query is used (``spread``, for the map).

Input: the report columns of the matching reports and of every report (``Engine.
report_columns``). Output: the rows ``ReportIndex.trend`` and ``spread`` answer with; every
report is counted somewhere (no year or no place is a cell of its own) unless a chart has
no place for it, and ``unknown`` says how many had no value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.gazetteer import default_gazetteer

from .collation import pinyin_key


def spread(found: dict, every: dict, query_text: str, total: int) -> dict:
    """Where and when ``query`` is used, counted in reports:

    * ``years``: per year, the reports that match, all reports of that year, and the
      share (reports without a year are left out);
    * ``places``: per city (per province for provincial reports), the reports that
      match, the first and last year they do, every such year, and the city's
      coordinates from the gazetteer; ordered by first year, then place;
    * ``total`` and ``reports``: matching passages and reports, as in ``search``.
    """
    years = cell_rows(found, every, ("year",), unknown=False)
    places: dict[tuple[str, str], dict] = {}
    for province, city, year, passages in zip(found["province"], found["city"],
                                              found["year"], found["passages"],
                                              strict=True):  # fmt: skip
        if not (province or city):
            continue  # a report whose place is unknown cannot be put on the map
        place = places.get((province, city))
        if place is None:
            place = places[(province, city)] = {
                "province": province, "city": city, "place": city or province,
                "reports": 0, "passages": 0, "years": set(),
            }  # fmt: skip
        place["reports"] += 1
        place["passages"] += passages
        if year:
            place["years"].add(year)
    gazetteer = default_gazetteer()
    rows = []
    for place in places.values():
        used = sorted(place.pop("years"))
        seat = gazetteer.locate(place["province"], place["city"])
        place.update(first_year=used[0] if used else None,
                     last_year=used[-1] if used else None, years=used,
                     longitude=seat.longitude if seat else None,
                     latitude=seat.latitude if seat else None)  # fmt: skip
        rows.append(place)
    rows.sort(key=lambda r: (r["first_year"] is None, r["first_year"] or 0, r["place"]))
    return {"query": query_text, "total": total, "reports": len(found["report"]),
            "years": years, "places": rows}  # fmt: skip


def trend(
    found_of: Callable[[], dict],
    every_report: Callable[[], dict],
    query_text: str,
    by=("year",),
    first: bool = False,
) -> dict:
    """How many reports mention ``query``, per cell of ``by`` (``year``, optionally with
    ``province`` or ``city``), beside all the reports of that cell and the share:
    ``{"query", "by", "rows": [{<by>, "reports", "all_reports", "share"}], "unknown"}``,
    a row for every cell that has reports, ordered by place then year; reports with no
    year or place are in cells whose value is None, and ``unknown`` counts the matching
    reports with no value for each of ``by``. With ``first``, one row per place (the
    city, unless ``by`` names the province; None for reports with no place) with the
    first and last year its reports mention the query:
    ``{<place>, "first_year", "last_year", "reports"}``."""
    by = tuple(dict.fromkeys(by))
    places = [name for name in by if name != "year"]
    if any(name not in ("year", "province", "city") for name in by) or len(places) > 1:
        raise UsageError("--by takes year, optionally with province or city: "
                         "year, year,province or year,city")  # fmt: skip
    if "year" not in by and not first:
        raise UsageError("--by needs year (year, year,province or year,city)")
    found = found_of()
    if first:
        place = places[0] if places else "city"
        spans: dict = {}
        for name, year in zip(found[place], found["year"], strict=True):
            # a report with no place is in the row of place None, one with no year
            # counts in its place's reports without moving its first or last year
            span = spans.setdefault(name or None, [None, None, 0])
            if year:
                span[0], span[1] = min(span[0] or year, year), max(span[1] or year, year)
            span[2] += 1
        rows = [{place: name, "first_year": low, "last_year": high, "reports": count}
                for name, (low, high, count) in spans.items()]  # fmt: skip
        rows.sort(
            key=lambda row: (
                row[place] is None,
                row["first_year"] is None,
                row["first_year"] or 0,
                pinyin_key(row[place] or ""),
            )
        )
        return {"query": query_text, "by": [place], "rows": rows,
                "unknown": unknown_of(found, ("year", place))}  # fmt: skip
    by = (*places, "year")
    rows = cell_rows(found, every_report(), by)
    return {"query": query_text, "by": list(by), "rows": rows,
            "unknown": unknown_of(found, by)}  # fmt: skip


def cell_rows(found: dict, everything: dict, by: tuple[str, ...],
               unknown: bool = True) -> list[dict]:  # fmt: skip
    """Per cell of ``by`` (places, then year) that has reports: the reports ``found`` in it,
    all of its reports, and the share; places in pinyin order, then years. Reports with no
    year or no place make cells whose value is None (last), so every report is counted
    somewhere; ``unknown=False`` leaves them out (a chart that has no place for them)."""

    def cells(columns):
        keys = (tuple(value or None for value in key)
                for key in zip(*(columns[name] for name in by), strict=True))  # fmt: skip
        return Counter(key for key in keys if unknown or all(key))

    def order(key):
        places = [(name is None, pinyin_key(name or "")) for name in key[:-1]]
        return (*places, key[-1] is None, key[-1] or 0)

    hits, totals = cells(found), cells(everything)
    rows = []
    for key in sorted(totals, key=order):
        row = dict(zip(by, key, strict=True))
        row.update(reports=hits[key], all_reports=totals[key],
                   share=round(hits[key] / totals[key], 4))  # fmt: skip
        rows.append(row)
    return rows


def unknown_of(found: dict, names) -> dict[str, int]:
    """How many of the reports ``found`` have no value for each of ``names`` (no year, no
    city): what a table by those fields cannot place."""
    return {name: sum(1 for value in found[name] if not value) for name in names}
