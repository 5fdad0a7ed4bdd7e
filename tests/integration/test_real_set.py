"""metadata and metrics on real reports: the hand-labelled set of tests/data/real/.

Real pages nobody here wrote (stored public pages of government sites and their mirrors,
2015-2025, every level, departments, news, interpretations, Traditional mirrors), read by
the indexer as a user's files are, and scored against labels made by hand (see
tests/data/real/README.md). Prints precision and recall per field and for figures; fails
below the floors the project promises.
"""

from __future__ import annotations

from collections import Counter

import pytest
from helpers import RUN_REPORT
from real_set import labels, lines, score

FIELD_FLOOR = 0.97  # each of these fields right on at least this share of reports
FLOORED = ("province", "city", "district", "year", "issuer", "level")
VALUE_FLOOR = 0.95  # figures: value precision and recall
# Canonical names: the share of figures labelled with an indicator that get it, and the
# share of names given that are right. Structural counts (N个方面, N项措施) and one-offs are
# labelled figures for the value measures, but no indicator names them.
NAMED_FLOOR, NAME_PRECISION_FLOOR = 0.80, 0.95


@pytest.fixture(scope="module")
def scored():
    fields, figures = score()
    RUN_REPORT.update(lines(fields, figures))
    return fields, figures


def test_the_set_is_broad():
    rows = labels()
    assert len(rows) >= 100
    assert len({row["province"] for row in rows if row["province"]}) >= 25
    levels = Counter(row["level"] for row in rows)
    assert all(levels[level] >= 5 for level in ("province", "city", "district")), levels
    assert sum(row["issuer"] not in ("人民政府", "") for row in rows) >= 10  # departments
    assert sum(row["kind"] != "report" for row in rows) >= 8
    assert sum(row["script"] == "traditional" for row in rows) >= 5
    years = [row["year"] for row in rows if row["year"]]
    assert min(years) <= 2016 and max(years) >= 2024


@pytest.mark.parametrize("name", FLOORED)
def test_metadata_fields_on_real_reports(scored, name):
    counts = scored[0][name]
    assert counts.accuracy >= FIELD_FLOOR, "\n".join(counts.wrong)


def test_figure_values_on_real_reports(scored):
    figures = scored[1]
    assert figures.labelled >= 150
    assert figures.value_precision >= VALUE_FLOOR, "\n".join(figures.wrong)
    assert figures.value_recall >= VALUE_FLOOR, "\n".join(figures.wrong)


def test_figure_names_on_real_reports(scored):
    figures = scored[1]
    assert figures.name_coverage >= NAMED_FLOOR, "\n".join(figures.wrong)
    assert figures.name_precision >= NAME_PRECISION_FLOOR, "\n".join(figures.wrong)
