"""Facets: the matches of a query -> how many passages and reports hold each value of a field.

Input: an ``Engine`` (its segments), the ``Matches`` of a query and the names of facet
fields. Output: ``{name: [{"value", "count", "reports"}]}``, ``count`` passages and
``reports`` the reports they are in.

Which column a facet counts and how is the field registry's (``indexer.fields``): a
report-level field (place, year, level) has one value per report, so it is counted per
report and read off each report's first passage; a passage-level field (category) is
counted per passage; a metric is counted per indicator a passage states.
"""

from __future__ import annotations

import numpy as np
from reportsearch.indexer.fields import METRIC, REPORT, YEAR, FieldSpec
from reportsearch.indexer.segment import Segment

from .engine import Engine, Matches, distinct, field_spec


def count_facets(engine: Engine, matches: Matches, names) -> dict[str, list[dict]]:
    """``{name: [{"value", "count", "reports"}]}`` over every match: ``count`` passages,
    ``reports`` the reports they are in. Values by reports, then passages, then value;
    years (integers) newest first; "" (no such place, no year) counts under None.
    Metrics count passages per indicator they state."""
    out = {}
    ids = [np.flatnonzero(mask) for mask in matches.masks]
    per_report = engine.per_report(matches)
    for name in names:
        spec = field_spec(name)
        counts: dict = {}
        for s, (segment, mask, local) in enumerate(
                zip(engine.segments, matches.masks, ids, strict=True)):  # fmt: skip
            first = engine.first_passages(segment)
            for value, count, reports in _segment_counts(segment, mask, local, spec, first,
                                                         per_report[s]):  # fmt: skip
                passages, in_reports = counts.get(value, (0, 0))
                # a report lives in one segment, so report counts add up across them
                counts[value] = (passages + count, in_reports + reports)
        rows = [{"value": value, "count": count, "reports": reports}
                for value, (count, reports) in counts.items()]  # fmt: skip
        if spec.kind == YEAR:
            rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
        else:  # reports lead, as people read the counts
            rows.sort(key=lambda r: (-r["reports"], -r["count"], r["value"] or ""))
        out[name] = rows
    return out


def _segment_counts(segment: Segment, mask: np.ndarray, local: np.ndarray, spec: FieldSpec,
                    first: np.ndarray, per_report: np.ndarray) -> list[tuple]:  # fmt: skip
    """(value, passages, reports) triples of facet ``spec`` over a segment's matching
    passages (``mask``, and ``local``, their numbers). ``first``: each local report's first
    passage, where its report-level values are read; ``per_report``: matching passages per
    local report."""
    arrays = segment.arrays
    column = spec.source
    if spec.kind == YEAR:
        label = lambda year: year or None  # noqa: E731
    elif spec.kind != METRIC:
        values = segment.values(column)
        label = lambda code: values[code] or None  # noqa: E731
    if spec.level == REPORT:
        # Each report has one value: count by report, not by passage (a report has dozens).
        value_of_report = arrays[column][first].astype(np.int64)
        passages = np.bincount(value_of_report, weights=per_report).astype(np.int64)
        reports = np.bincount(value_of_report[per_report > 0], minlength=len(passages))
    else:
        if spec.kind == METRIC:
            chosen = mask[arrays["metric_passage"]]
            codes = arrays["metric_code"][chosen].astype(np.int64)
            owners = arrays["report"][arrays["metric_passage"][chosen]]
            label = segment.values("metric").__getitem__
        else:
            codes = arrays[column][local].astype(np.int64)
            owners = arrays["report"][local]
        if not len(codes):
            return []
        passages = np.bincount(codes)
        # A report has passages under several values: count (value, report) pairs once,
        # by sorting a few, or marking a table of them for many.
        cells = len(passages) * len(per_report)
        if len(codes) * 16 < cells:
            pairs = distinct(codes * len(per_report) + owners)
            reports = np.bincount(pairs // len(per_report), minlength=len(passages))
        else:
            table = np.zeros(cells, dtype=bool)
            table[codes * len(per_report) + owners] = True
            reports = table.reshape(len(passages), len(per_report)).sum(axis=1)
    found = np.flatnonzero(passages)
    return [(label(int(c)), int(passages[c]), int(reports[c])) for c in found.tolist()]
