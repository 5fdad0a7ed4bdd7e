"""render: the records the CLI prints and the web page exports, as JSON, JSON lines, CSV
and text tables."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.errors import UsageError
from query import render

ROWS = [
    {"city": "盘锦市", "year": 2021, "value": 100.0, "extra": "x"},
    {"city": "遂宁市", "year": None, "value": 95.5, "extra": "y"},
]


def test_csv_has_the_given_columns_in_order_and_blank_for_none():
    text = render.rows_as("csv", ROWS, ("year", "city"))
    assert text.splitlines() == ["year,city", "2021,盘锦市", ",遂宁市"]


def test_json_and_json_lines_keep_every_field():
    assert json.loads(render.rows_as("json", ROWS)) == ROWS
    assert [json.loads(line) for line in render.rows_as("jsonl", ROWS).splitlines()] == ROWS
    assert render.rows_as("jsonl", []) == ""
    assert "盘锦市" in render.to_json(ROWS)  # not \\u escapes


def test_text_table_aligns_cjk_as_two_columns():
    lines = render.table(ROWS, ("city", "year")).splitlines()
    assert lines[0] == "city    year"
    assert lines[1] == "盘锦市  2021"  # 6 columns wide, then two spaces
    assert render.table([], ("city",)) == "(none)\n"


def test_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="formats are"):
        render.rows_as("xml", ROWS)


@given(st.lists(st.fixed_dictionaries({"a": st.text(), "b": st.integers()}), max_size=5))
def test_csv_round_trips_any_text(rows):
    text = render.rows_as("csv", rows, ("a", "b"))
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["a"], int(r["b"])) for r in parsed] == [(row["a"], row["b"]) for row in rows]


def test_people_text_marks_matches_and_counts_in_words():
    assert render.count_phrase(1, "match") == "1 match"
    assert render.count_phrase(3, "match") == "3 matches"
    assert render.count_phrase(2, "report") == "2 reports"
    assert render.marked_text("推行柔性執法", [(2, 6)], color=False) == "推行«柔性執法»"
    red = render.marked_text("推行柔性執法", [(2, 6)], color=True)
    assert red == "推行\x1b[1;31m柔性執法\x1b[0m"
    data = {"query": "x", "total": 0, "reports": 0, "facets": {"year": [
        {"value": None, "count": 0, "reports": 0}]}}  # fmt: skip
    assert render.count_text(data) == ("0 passages in 0 reports match x\n"
                                       "facets: reports (passages)\nyear: (no year) 0 (0)\n")
