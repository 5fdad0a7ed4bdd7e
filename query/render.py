"""Render: the API's records -> the text a front end sends (JSON, JSON lines, CSV, a table).

Input: plain records (``SearchResult.as_dict()``, report rows, metric rows, facet dicts).
Output: strings. The CLI prints them and the web app returns them, so an export from the
page is byte for byte what ``reportsearch ... --format csv`` prints.

The column lists here are the documented CSV schemas (README, "Output for scripts").
"""

from __future__ import annotations

import csv
import io
import json

from indexer.errors import UsageError

FORMATS = ("text", "json", "jsonl", "csv")

HIT_COLUMNS = ("report", "passage", "province", "city", "district", "year", "category",
               "section", "matches", "score", "snippet")  # fmt: skip
REPORT_COLUMNS = (
    "report", "province", "city", "district", "level", "year", "published", "doc_number",
    "kind", "script", "format", "passages", "encoding", "confidence", "title",
)  # fmt: skip
REPORT_EXPORT_COLUMNS = REPORT_COLUMNS + ("file", "issuer", "decided_by", "year_source")
METRIC_COLUMNS = ("report", "passage", "province", "city", "district", "year", "indicator",
                  "canonical", "value", "unit", "qualifier", "kind", "quote")  # fmt: skip
FACET_COLUMNS = ("facet", "value", "count", "reports")
INDICATOR_COLUMNS = ("canonical", "reports", "facts")
KWIC_COLUMNS = ("report", "passage", "city", "year", "left", "match", "right")


def to_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def to_json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def rows_as(fmt: str, rows: list[dict], columns=None) -> str:
    """``rows`` as a JSON array, JSON lines or CSV (with ``columns``, in that order), ending
    with a line break (an empty JSON-lines output is empty)."""
    if fmt == "json":
        return to_json(rows) + "\n"
    if fmt == "jsonl":
        return "".join(to_json_line(row) + "\n" for row in rows)
    if fmt == "csv":
        columns = columns or (tuple(rows[0]) if rows else ())
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
        return buffer.getvalue()
    if fmt == "text":
        return table(rows, columns or (tuple(rows[0]) if rows else ()))
    raise UsageError(f"unknown format {fmt!r}; formats are: {', '.join(FORMATS)}")


def hit_rows(results, with_query: bool) -> list[dict]:
    """The CSV rows of search results: one per hit, the section path joined by " > "."""
    rows = []
    for result in results:
        for hit in result.hits:
            row = hit.as_dict()
            row["section"] = " > ".join(row["section"])
            if with_query:
                row["query"] = result.query
            rows.append(row)
    return rows


def hit_columns(with_query: bool) -> tuple[str, ...]:
    return (("query",) if with_query else ()) + HIT_COLUMNS


def facet_rows(data: dict) -> list[dict]:
    """``facets`` output flattened to (facet, value, count) rows."""
    return [
        {"facet": name, "value": row["value"], "count": row["count"], "reports": row["reports"]}
        for name, values in data["facets"].items()
        for row in values
    ]


def table(rows: list[dict], columns) -> str:
    """An aligned text table for a terminal (CJK characters take two columns)."""
    if not rows:
        return "(none)\n"
    cells = [[("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    widths = [max(text_width(c), *(text_width(r[i]) for r in cells))
              for i, c in enumerate(columns)]  # fmt: skip
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (CJK characters take two), by rich's tables."""
    from rich.cells import cell_len  # imported here: only text output needs it

    return cell_len(text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def pivot(rows: list[dict], row_key: str, column_key: str, value_key: str):
    """Long rows -> one row per ``row_key`` value and one column per ``column_key`` value
    (years as plain numbers, so pandas reads them back with ``astype(int)``). Where several
    rows fall in one cell, the first one's value is kept (rows come in report order).
    Returns (rows, columns)."""
    cells: dict = {}
    column_values = sorted({row[column_key] for row in rows if row.get(column_key)})
    for row in rows:
        if not row.get(row_key) or not row.get(column_key):
            continue
        cells.setdefault(row[row_key], {}).setdefault(str(row[column_key]), row[value_key])
    columns = (row_key, *(str(value) for value in column_values))
    out = [{row_key: name, **values} for name, values in cells.items()]
    from query.engine import pinyin_key  # the one order of place names

    out.sort(key=lambda row: pinyin_key(row[row_key]))
    return out, columns


def xlsx(rows: list[dict], columns=None) -> bytes:
    """``rows`` as an Excel workbook (one sheet, a header row, numbers as numbers)."""
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


def _cell(value):
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)  # lists and dicts (a section path)
