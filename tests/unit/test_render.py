"""render: the records the CLI prints and the web page exports, as JSON, JSON lines, CSV,
xlsx and text, each format a writer in one registry; terminal: the text people read."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.errors import UsageError
from reportsearch.query import render, terminal

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
    lines = terminal.table(ROWS, ("city", "year")).splitlines()
    assert lines[0] == "city    year"
    assert lines[1] == "盘锦市  2021"  # 6 columns wide, then two spaces
    assert terminal.table([], ("city",)) == "(none)\n"


def test_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="formats are"):
        render.rows_as("xml", ROWS)


@given(st.lists(st.fixed_dictionaries({"a": st.text(), "b": st.integers()}), max_size=5))
def test_csv_round_trips_any_text(rows):
    text = render.rows_as("csv", rows, ("a", "b"))
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["a"], int(r["b"])) for r in parsed] == [(row["a"], row["b"]) for row in rows]


def test_people_text_marks_matches_and_counts_in_words():
    assert terminal.count_phrase(1, "match") == "1 match"
    assert terminal.count_phrase(3, "match") == "3 matches"
    assert terminal.count_phrase(2, "report") == "2 reports"
    assert terminal.marked_text("推行柔性執法", [(2, 6)], color=False) == "推行«柔性執法»"
    red = terminal.marked_text("推行柔性執法", [(2, 6)], color=True)
    assert red == "推行\x1b[1;31m柔性執法\x1b[0m"
    data = {"query": "x", "total": 0, "reports": 0, "facets": {"year": [
        {"value": None, "count": 0, "reports": 0}]}}  # fmt: skip
    assert terminal.count_text(data) == (
        "0 passages in 0 reports match x\nfacets: reports (passages)\nyear: (no year) 0 (0)\n"
    )


# ---- the registry: one writer per format, every answer through it ------------------------


def test_every_format_is_a_registered_writer_and_formats_are_the_text_ones():
    assert set(render.WRITERS) == {"text", "json", "jsonl", "csv", "xlsx", "parquet"}
    assert render.FORMATS == ("text", "json", "jsonl", "csv")  # xlsx, parquet where offered
    assert render.writer_for("xlsx").binary and not render.writer_for("csv").binary
    assert render.writer_for("parquet").binary
    assert [name for name, w in render.WRITERS.items() if w.streams] == ["text", "jsonl"]
    with pytest.raises(UsageError, match="formats are: text, json, jsonl, csv, xlsx, parquet"):
        render.writer_for("xml")


def test_an_answer_is_its_json_object_its_rows_its_lines_and_its_text():
    answer = render.Answer({"rows": ROWS}, ROWS, ("city",), lines=[{"n": 1}],
                           text=lambda color: f"colour {color}\n")  # fmt: skip
    assert json.loads(render.write("json", answer)) == {"rows": ROWS}
    assert render.write("jsonl", answer) == '{"n": 1}\n'
    assert render.write("csv", answer).splitlines() == ["city", "盘锦市", "遂宁市"]
    assert render.write("csv", answer, bom=True).startswith("\ufeffcity\r\n")
    assert render.write("text", answer, color=True) == "colour True\n"
    # no text of its own: a table of its rows; no columns: the first row's keys
    plain = render.Answer(ROWS, ROWS)
    assert render.write("text", plain).splitlines()[0].split() == ["city", "year", "value",
                                                                     "extra"]  # fmt: skip


def test_xlsx_writer_writes_the_rows_in_their_columns():
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(render.rows_as("xlsx", ROWS, ("city", "year"))))
    values = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert values == [["city", "year"], ["盘锦市", 2021], ["遂宁市", None]]


def test_a_batch_is_its_answers_one_after_another():
    one = render.count_answer({"query": "a", "total": 2, "reports": 1}, batch=True)
    bad = render.error_answer("(", "unbalanced", counted=True)
    both = render.batch_answer([one, bad], render.COUNT_COLUMNS)
    assert json.loads(render.write("json", both))[1] == {"query": "(", "error": "unbalanced"}
    assert render.write("csv", both).splitlines() == ["query,total,reports", "a,2,1", "(,,"]
    # streaming formats: the batch is each answer written in turn
    for fmt in ("jsonl", "text"):
        assert render.write(fmt, both) == render.write(fmt, one) + render.write(fmt, bad)
