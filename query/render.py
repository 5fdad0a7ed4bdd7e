"""Render: an API answer and a format -> what a front end sends: text for people, JSON,
JSON lines, CSV, xlsx or Parquet.

Input: an ``Answer``, which every kind of API answer becomes by one of the ``*_answer``
functions here (its JSON object, its rows and columns, its text for people), and a format
name. Output: a string (bytes for xlsx) from the writer registered under that name in
``WRITERS`` (datasette's renderers are the model). The CLI prints what the writer gives and
the page sends it, so an export from the page is byte for byte what ``reportsearch ...
--format csv`` prints; neither front end knows any format but by looking it up here.

The column lists here are the documented CSV schemas (docs/json.md).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass

from reportsearch.indexer.errors import UsageError

from .terminal import (
    copies_text,
    count_text,
    index_summary_text,
    kwic_text,
    pivot,
    report_text,
    search_text,
    search_text_parts,
    table,
    terminal_safe,
    trend_text,
    unknown_counts,
    unknown_text,
)

HIT_COLUMNS = ("report", "passage", "province", "city", "district", "year", "category",
               "section", "matches", "score", "snippet")  # fmt: skip
REPORT_COLUMNS = (
    "report", "province", "city", "district", "level", "year", "published", "doc_number",
    "issuer", "kind", "script", "format", "passages", "encoding", "confidence", "title",
)  # fmt: skip
REPORT_EXPORT_COLUMNS = REPORT_COLUMNS + ("file", "issuer_name", "decided_by", "year_source")
METRIC_COLUMNS = ("report", "passage", "province", "city", "district", "year", "indicator",
                  "canonical", "value", "unit", "qualifier", "kind", "quote")  # fmt: skip
FACET_COLUMNS = ("facet", "value", "reports", "passages", "count")
INDICATOR_COLUMNS = ("canonical", "reports", "facts")
KWIC_COLUMNS = ("report", "passage", "province", "city", "district", "year", "left", "match",
                "right")  # fmt: skip


COUNT_COLUMNS = ("query", "total", "reports")
PANEL_TEXT_ROWS = 1000  # rows of a panel shown as text; the files hold them all
XLSX_MAX_ROWS = 1_048_576  # rows of an Excel sheet, its header included
FILE_COLUMNS = ("report", "file")


@dataclass(frozen=True)
class Answer:
    """One answer, ready for every format. ``data``: the JSON object; ``rows`` in
    ``columns``: what CSV and xlsx write (and the text table, when there is no ``text``;
    no ``columns``: the first row's keys); ``lines``: what JSON lines write, one object a
    line (``rows`` unless given); ``text(color)``: what a person reads; ``name``: the file
    name of a download."""

    data: object
    rows: list
    columns: tuple | None = None
    lines: list | None = None
    text: Callable[[bool], str] | None = None
    name: str = "rows"

    def row_columns(self) -> tuple:
        if self.columns:
            return tuple(self.columns)
        return tuple(self.rows[0]) if self.rows else ()

    def json_lines(self) -> list:
        return self.rows if self.lines is None else self.lines


# ---- the writers: format -> how an answer is written ------------------------------------------


@dataclass(frozen=True)
class Writer:
    """One output format. ``write(answer, color=, bom=)`` gives a string, bytes when
    ``binary``; ``media_type`` is what the page sends it as, a download when ``attachment``.
    ``streams``: several answers written one after another are one valid output (text,
    JSON lines), so a batch prints each as it comes; the others write a batch at its end.
    ``styled``: it may hold ANSI colour, which the terminal is to show."""

    name: str
    write: Callable[..., str | bytes]
    media_type: str
    binary: bool = False
    streams: bool = False
    attachment: bool = True
    styled: bool = False


WRITERS: dict[str, Writer] = {}


def writer(name: str, media_type: str, **kinds):
    """Register the decorated function as the writer of format ``name``."""

    def register(write):
        WRITERS[name] = Writer(name, write, media_type, **kinds)
        return write

    return register


@writer("text", "text/plain", streams=True, attachment=False, styled=True)
def write_text(answer: Answer, color: bool = False, bom: bool = False) -> str:
    if answer.text is not None:
        return answer.text(color)
    return table(answer.rows, answer.row_columns())


@writer("json", "application/json", attachment=False)
def write_json(answer: Answer, color: bool = False, bom: bool = False) -> str:
    return to_json(answer.data) + "\n"


@writer("jsonl", "application/x-ndjson", streams=True)
def write_json_lines(answer: Answer, color: bool = False, bom: bool = False) -> str:
    """One JSON object a line; no objects, no lines (an empty output)."""
    return "".join(to_json_line(line) + "\n" for line in answer.json_lines())


@writer("csv", "text/csv")
def write_csv(answer: Answer, color: bool = False, bom: bool = False) -> str:
    """A header of the columns, then a row per row (None as blank); ``bom`` starts it with
    a byte-order mark, so Excel reads it as UTF-8."""
    return ("\ufeff" if bom else "") + "".join(csv_parts(answer.rows, answer.row_columns()))


def csv_parts(rows, columns):
    """The CSV of ``rows`` in ``columns``, part by part as ``rows`` is read: the header,
    then each row (None as blank)."""
    buffer = io.StringIO()
    out = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    out.writeheader()
    for row in rows:
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        out.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    yield buffer.getvalue()


@writer("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        binary=True)  # fmt: skip
def write_xlsx(answer: Answer, color: bool = False, bom: bool = False) -> bytes:
    return xlsx(answer.rows, answer.row_columns())


@writer("parquet", "application/vnd.apache.parquet", binary=True)
def write_parquet(answer: Answer, color: bool = False, bom: bool = False) -> bytes:
    return parquet(answer.rows, answer.row_columns())


# What every command prints; a command that makes tables may offer the binary ones too.
FORMATS = tuple(name for name, kind in WRITERS.items() if not kind.binary)


def writer_for(fmt: str) -> Writer:
    """The writer of format ``fmt``; an unknown format is a usage error."""
    if fmt not in WRITERS:
        raise UsageError(f"unknown format {fmt!r}; formats are: {', '.join(WRITERS)}")
    return WRITERS[fmt]


def write(fmt: str, answer: Answer, *, color: bool = False, bom: bool = False) -> str | bytes:
    """``answer`` in format ``fmt``."""
    return writer_for(fmt).write(answer, color=color, bom=bom)


def rows_as(fmt: str, rows: list[dict], columns=None) -> str | bytes:
    """Plain ``rows`` in format ``fmt`` (CSV, xlsx and text in ``columns``, in that order),
    ending with a line break (an empty JSON-lines output is empty)."""
    return write(fmt, Answer(rows, rows, columns))


def to_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def to_json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


# ---- each kind of API answer as an Answer ------------------------------------------------


def search_answer(result) -> Answer:
    """A ``SearchResult``: JSON the whole result, JSON lines one hit a line (with its
    query), CSV one row a hit."""
    lines = [{"query": result.query, **hit.as_dict()} for hit in result.hits]
    return Answer(result.as_dict(), hit_rows([result], False), hit_columns(False), lines,
                  lambda color: search_text(result, color), "hits")  # fmt: skip


def search_parts(result, fmt: str, *, color: bool = False, bom: bool = False):
    """A ``SearchResult`` whose ``hits`` is an iterator (``search(lazy=True)``), written in
    format ``fmt`` part by part as its hits are made: the same text as
    ``write(fmt, search_answer(result))`` gives, without holding every hit. Formats whose
    file cannot be written in parts (xlsx) get it whole, at the end."""
    if fmt == "text":
        if not result.total:
            result.hits = []
            yield search_text(result, color)
        else:
            yield from search_text_parts(result, color)
    elif fmt == "jsonl":
        for hit in result.hits:
            yield to_json_line({"query": result.query, **hit.as_dict()}) + "\n"
    elif fmt == "csv":
        yield "\ufeff" if bom else ""
        yield from csv_parts((hit_row(hit) for hit in result.hits), hit_columns(False))
    elif fmt == "json":
        # the document around one hit, cut where the hits go
        before, after = (to_json(result.as_dict(hits=[0])) + "\n").split("\n    0\n", 1)
        separator = "\n"
        for hit in result.hits:
            yield before + separator + _indented(to_json(hit.as_dict()), "    ")
            before, separator = "", ",\n"
        yield ("\n" + after) if not before else to_json(result.as_dict(hits=[])) + "\n"
    else:
        result.hits = list(result.hits)
        yield write(fmt, search_answer(result), color=color, bom=bom)


def rows_parts(answer: Answer, fmt: str, *, color: bool = False, bom: bool = False,
               size: int = 2048):  # fmt: skip
    """An answer of many rows (a panel: 20,000 reports x 100 concepts is 2 million rows)
    written in format ``fmt`` in parts of ``size`` rows: the same text as ``write(fmt,
    answer)`` gives, without holding all of it at once. ``answer.data`` is a JSON object
    whose ``rows`` are ``answer.rows``. Binary formats and text come whole."""
    rows = answer.rows
    if fmt == "csv":
        yield "\ufeff" if bom else ""
        parts = csv_parts(rows, answer.row_columns())
        yield next(parts)  # the header
        while chunk := "".join(itertools.islice(parts, size)):
            yield chunk
    elif fmt == "jsonl":
        for at in range(0, len(rows), size):
            yield "".join(to_json_line(row) + "\n" for row in rows[at : at + size])
    elif fmt == "json" and rows:
        # the document around one row, cut where the rows go (as search_parts does)
        before, after = (to_json({**answer.data, "rows": [0]}) + "\n").split("\n    0\n", 1)
        for at in range(0, len(rows), size):
            separator = "\n" if at == 0 else ",\n"
            yield (before if at == 0 else "") + separator + ",\n".join(
                _indented(to_json(row), "    ") for row in rows[at : at + size])  # fmt: skip
        yield "\n" + after
    else:
        yield write(fmt, answer, color=color, bom=bom)


def _indented(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def batch_search_answer(result) -> Answer:
    """One query's ``SearchResult`` in a ``--batch``: JSON lines the whole result a line,
    CSV rows carrying the query, text followed by a blank line."""
    return Answer(result.as_dict(), hit_rows([result], True), hit_columns(True),
                  [result.as_dict()], lambda color: search_text(result, color) + "\n",
                  "hits")  # fmt: skip


def count_answer(data: dict, batch: bool = False) -> Answer:
    """The totals of a ``facets`` answer (``search -c``): CSV one row (query, total,
    reports); JSON lines that row, or in a ``--batch`` the whole answer."""
    rows = [count_row(data)]
    return Answer(data, rows, COUNT_COLUMNS, [data] if batch else rows,
                  lambda color: count_text(data), "counts")  # fmt: skip


def count_row(data: dict) -> dict:
    """The -c row of one query (a malformed one has no totals)."""
    return {name: data.get(name, "") for name in COUNT_COLUMNS}


def error_answer(query: str, message: str, counted: bool) -> Answer:
    """A query of a ``--batch`` that could not be answered: in JSON and JSON lines
    ``{"query", "error"}``, nothing in text (the error goes to stderr); a CSV row with no
    totals where the batch counts (``counted``), none among hits."""
    data = {"query": query, "error": message}
    return Answer(data, [count_row(data)] if counted else [], None, [data], lambda color: "")


def batch_answer(answers: list[Answer], columns: tuple) -> Answer:
    """The answers of a ``--batch`` as one: a JSON array, the CSV rows one after another."""
    return Answer([a.data for a in answers], [row for a in answers for row in a.rows], columns,
                  [line for a in answers for line in a.json_lines()],
                  lambda color: "".join(write_text(a, color) for a in answers))  # fmt: skip


def files_answer(result) -> Answer:
    """``search -l``: the reports that match and their files, by report id; text is one
    file name a line."""
    rows = [{"report": hit.report, "file": hit.file}
            for hit in sorted(result.hits, key=lambda hit: hit.report)]  # fmt: skip
    text = "".join(terminal_safe(row["file"], one_line=True) + "\n" for row in rows)
    return Answer(rows, rows, FILE_COLUMNS, text=lambda color: text, name="files")


def kwic_answer(data: dict) -> Answer:
    """A concordance: one row a line."""
    return Answer(data, data["lines"], KWIC_COLUMNS, text=lambda color: kwic_text(data, color),
                  name="concordance")  # fmt: skip


def facets_answer(data: dict) -> Answer:
    """A ``facets`` answer: one row per facet value."""
    return Answer(data, facet_rows(data), FACET_COLUMNS, text=lambda color: count_text(data),
                  name="facets")  # fmt: skip


def indicators_answer(rows: list[dict]) -> Answer:
    """The known indicators, by how many reports state them."""
    return Answer({"indicators": rows}, rows, INDICATOR_COLUMNS, name="indicators")


def metrics_answer(name: str | None, data: dict, by_place: str | None = None) -> Answer:
    """One indicator's facts (``data["rows"]``), or with ``by_place`` ("city,year") one row
    per place and one column per year; text ends with what has no year or place."""
    place = by_place.split(",")[0] if by_place else "city"
    unknown = unknown_counts(data["rows"], ("year", place))
    note = unknown_text(unknown, len(data["rows"]), "facts")
    if by_place:
        # facts with no year go in the column "no year", with no place in the row of None
        rows, columns = pivot(data["rows"], place, "year", "value", unknown="no year")
        data = {"indicator": name, "pivot": by_place, "rows": rows, "unknown": unknown}
    else:
        rows, columns = data["rows"], METRIC_COLUMNS
    return Answer(data, rows, columns, text=lambda color: table(rows, columns) + note,
                  name="metrics")  # fmt: skip


def panel_answer(data: dict) -> Answer:
    """A panel (``ReportIndex.panel``): one row per report (or cell) and concept; text shows
    the first PANEL_TEXT_ROWS rows and says how many more the files hold."""
    from .panel import panel_columns  # only panels need it

    rows = data["rows"]
    columns = panel_columns(",".join(data["by"]))

    def text(color: bool) -> str:
        shown = table(rows[:PANEL_TEXT_ROWS], columns)
        if len(rows) > PANEL_TEXT_ROWS:
            shown += (f"… {len(rows) - PANEL_TEXT_ROWS} more rows, {len(rows)} in all: "
                      "--format csv, jsonl, xlsx or parquet writes them all\n")  # fmt: skip
        return shown

    return Answer(data, rows, columns, text=text, name="panel")


COLLOCATE_COLUMNS = ("word", "count", "left", "right", "frequency", "ll", "mi")
DIFF_COLUMNS = ("change", "section", "before_passage", "after_passage", "similarity", "before",
                "after")  # fmt: skip


def collocates_answer(data: dict) -> Answer:
    """Collocates (``query.collocates``): one row a word, strongest first."""
    rows = data["rows"]

    def text(color: bool) -> str:
        head = (f"words within {data['window']} of {data['query']}: {data['occurrences']} "
                f"occurrences in {data['passages']} passages\n")  # fmt: skip
        return head + table(rows, COLLOCATE_COLUMNS)

    return Answer(data, rows, COLLOCATE_COLUMNS, text=text, name="collocates")


FAMILY_COLUMNS = ("family", "source", "source_passage", "report", "passage", "province",
                  "city", "year", "published", "similarity")  # fmt: skip
MATCH_COLUMNS = ("passage", "report", "province", "city", "year", "published", "similarity",
                 "when", "match_passage")  # fmt: skip


def _place_year(row: dict) -> str:
    return f"{row['city'] or row['province'] or row['report']} {row['year'] or ''}".strip()


def reuse_answer(data: dict) -> Answer:
    """Reuse (``query.reuse``): every family (CSV one row a passage of a family), or one
    report's passages and where else each appears (one row a passage and match)."""
    from .reuse import family_rows, match_rows  # only reuse needs it

    if "families" in data:
        rows = family_rows(data)

        def text(color: bool) -> str:
            lines = [f"{len(data['families'])} families of shared passages, "
                     f"{len(data['formulas'])} common formulas"]  # fmt: skip
            for n, family in enumerate(data["families"], 1):
                members = ", ".join(_place_year(r) for r in family["reports"])
                lines.append(f"{n}. source {family['source']}: {members}")
                lines.append(f"   {family['text'][:80]}")
            return terminal_safe("\n".join(lines)) + "\n"

        return Answer(data, rows, FAMILY_COLUMNS, text=text, name="reuse")
    rows = match_rows(data)

    def report_text(color: bool) -> str:
        lines = [f"{data['report']}: {data['share']:.0%} of its characters appear elsewhere "
                 f"({data['share_earlier']:.0%} earlier, {data['share_later']:.0%} later), "
                 f"{data['share_formula']:.0%} common formulas"]  # fmt: skip
        for passage in data["passages"]:
            if passage["matches"]:
                where = ", ".join(f"{_place_year(m)} ({m['when']})"
                                  for m in passage["matches"][:5])  # fmt: skip
                lines.append(f"{passage['passage']}: also in {where}")
        return terminal_safe("\n".join(lines)) + "\n"

    return Answer(data, rows, MATCH_COLUMNS, text=report_text, name="reuse")


def diff_answer(data: dict) -> Answer:
    """A diff (``query.diff``): CSV and JSON lines one row a change (added, removed,
    changed), text the changed characters marked as [-deleted-]{+inserted+}."""
    rows = [
        *({"change": "changed", **{k: row.get(k, "") for k in DIFF_COLUMNS[1:]}}
          for row in data["changed"]),
        *({"change": "added", "section": row.get("section", ""), "after_passage":
           row["passage"], "after": row["text"]} for row in data["added"]),
        *({"change": "removed", "section": row.get("section", ""), "before_passage":
           row["passage"], "before": row["text"]} for row in data["removed"]),
    ]  # fmt: skip
    rows = [{key: row.get(key, "") for key in DIFF_COLUMNS} for row in rows]
    for row in rows:  # a section path is one cell: 一、主要工作 > (一)…
        if isinstance(row["section"], list):
            row["section"] = " > ".join(row["section"])

    def text(color: bool) -> str:
        a, b, kept = data["a"], data["b"], data["unchanged"]
        lines = [f"{b['report']} ({b.get('year') or 'no year'}) against {a['report']} "
                 f"({a.get('year') or 'no year'}): {kept['passages']} passages unchanged, "
                 f"{kept['share']:.0%} of its characters; {len(data['changed'])} changed, "
                 f"{len(data['added'])} added, {len(data['removed'])} removed"]  # fmt: skip
        lines += [f"~ {row['inline']}" for row in data["changed"]]
        lines += [f"+ {row['text']}" for row in data["added"]]
        lines += [f"- {row['text']}" for row in data["removed"]]
        return terminal_safe("\n".join(lines)) + "\n"

    return Answer(data, rows, DIFF_COLUMNS, text=text, name="diff")


def trend_answer(data: dict) -> Answer:
    rows = data["rows"]
    return Answer(data, rows, tuple(rows[0]) if rows else None,
                  text=lambda color: trend_text(data), name="trend")  # fmt: skip


def report_answer(data: dict, outline: bool = True) -> Answer:
    """A report (``ReportIndex.report``): CSV and JSON lines one row, the report."""
    return Answer(data, [data], text=lambda color: report_text(data, color, outline),
                  name="report")  # fmt: skip


def reports_answer(rows: list[dict]) -> Answer:
    """The reports list: text a table of the main columns and the copies not indexed; the
    exports every column."""
    return Answer(rows, rows, REPORT_EXPORT_COLUMNS,
                  text=lambda color: table(rows, REPORT_COLUMNS) + copies_text(rows),
                  name="reports")  # fmt: skip


def index_answer(directory, summary) -> Answer:
    """What an ``index`` run did."""
    data = summary.as_dict()
    return Answer(data, [data], text=lambda color: index_summary_text(directory, summary),
                  name="index")  # fmt: skip


# ---- rows -------------------------------------------------------------------------------------


def hit_rows(results, with_query: bool) -> list[dict]:
    """The CSV rows of search results: one per hit (``hit_row``)."""
    return [hit_row(hit, result.query if with_query else None)
            for result in results for hit in result.hits]  # fmt: skip


def hit_row(hit, query: str | None = None) -> dict:
    """A hit's CSV row: the section path joined by " > ", with its query if given."""
    row = hit.as_dict()
    row["section"] = " > ".join(row["section"])
    if query is not None:
        row["query"] = query
    return row


def hit_columns(with_query: bool) -> tuple[str, ...]:
    return (("query",) if with_query else ()) + HIT_COLUMNS


def facet_rows(data: dict) -> list[dict]:
    """``facets`` output flattened to (facet, value, reports, passages) rows; ``count`` is
    the passages again, under the name the first CSVs gave it."""
    return [
        {"facet": name, "value": row["value"], "reports": row["reports"],
         "passages": row["count"], "count": row["count"]}
        for name, values in data["facets"].items()
        for row in values
    ]  # fmt: skip


def xlsx(rows: list[dict], columns=None) -> bytes:
    """``rows`` as an Excel workbook (one sheet, a header row, numbers as numbers); more rows
    than a sheet holds is a ``UsageError`` naming the formats that take them."""
    if len(rows) >= XLSX_MAX_ROWS:
        raise UsageError(f"{len(rows)} rows are more than an Excel sheet holds "
                         f"({XLSX_MAX_ROWS - 1} under its header): use --format csv or "
                         "parquet")  # fmt: skip
    import openpyxl  # imported here: only --format xlsx needs it

    columns = columns or (tuple(rows[0]) if rows else ())
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parquet(rows: list[dict], columns=None) -> bytes:
    """``rows`` as a Parquet file (pyarrow): a column each, in order, types inferred (whole
    numbers int64, None as null), for pandas, R's arrow and DuckDB."""
    import pyarrow as pa  # imported here: only --format parquet needs it
    import pyarrow.parquet as pq

    columns = columns or (tuple(rows[0]) if rows else ())
    table = pa.table({column: pa.array([_cell(row.get(column)) for row in rows])
                      for column in columns})  # fmt: skip
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _cell(value):
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)  # lists and dicts (a section path)
