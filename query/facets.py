"""Facets: a search's matching passages -> counts by province, city, district, year,
category, metric (and report, which gives the number of matching reports).

Input: facet names. Output: the ``groupedby`` argument for a Whoosh search, and, from its
results, ``{name: [{"value", "count"}, ...]}``. Counts cover every matching passage, not just
the page shown. Values are ordered by count (then value), except years, which are ordered
newest first with "no year" last; a report without a year is counted under ``None``.
"""

from __future__ import annotations

from whoosh import sorting

from indexer.errors import UsageError
from indexer.schema import FACET_FIELDS

MULTI_VALUED = {"metric"}  # a passage may state several metrics


def check_names(names) -> list[str]:
    unknown = [n for n in names if n not in FACET_FIELDS]
    if unknown:
        raise UsageError(f"unknown facet {unknown[0]!r}; facets are: {', '.join(FACET_FIELDS)}")
    return list(dict.fromkeys(names))


def groupedby(names) -> dict:
    """Whoosh ``groupedby`` for these facets plus "report"."""
    facets = {
        name: sorting.FieldFacet(name, allow_overlap=name in MULTI_VALUED, maptype=sorting.Count)
        for name in names
    }
    facets["report"] = sorting.FieldFacet("report", maptype=sorting.Count)
    return facets


def facet_rows(results, names) -> dict[str, list[dict]]:
    out = {}
    for name in names:
        counts = results.groups(name)
        rows = []
        for value, count in counts.items():
            if name in MULTI_VALUED and value in (None, ""):
                continue
            rows.append({"value": value if value not in (None, "") else None, "count": count})
        if name == "year":
            rows.sort(key=lambda r: (r["value"] is None, -(int(r["value"] or 0))))
        else:
            rows.sort(key=lambda r: (-r["count"], r["value"] or ""))
        out[name] = rows
    return out


def matching_reports(results) -> int:
    return len(results.groups("report"))
