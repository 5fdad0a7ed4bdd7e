"""Terminal text: the API's records -> what a person reads on a terminal.

Input: plain records (``SearchResult``, facet, concordance, trend and report dicts, rows).
Output: strings: aligned tables (CJK characters take two columns), hits with their matches
marked, counts in words, concordance lines, pivots by place and year. Colour is ANSI and
only when asked; every control character a report holds is shown as its escape, so no
report can retitle a window or hide text. ``query.render``'s ``text`` writer calls these.
"""

from __future__ import annotations

import re

from .collation import pinyin_key

_BOLD, _MATCH, _RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[0m"

# What a report must not send to a terminal: C0 and C1 controls (ESC starts the sequences
# that retitle a window, clear the screen or hide text; CR overwrites a line) and the
# bidirectional overrides that reorder what is shown. Tab and line feed are text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_UNSAFE_IN_A_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def terminal_safe(text, one_line: bool = False) -> str:
    """``text`` with every control character shown as its escape (``\\x1b``), for text
    output; JSON and CSV keep the characters (JSON escapes them itself). ``one_line``
    escapes tab and line feed too, for what must stay one line (a file name in ``-l``)."""
    text = "" if text is None else str(text)
    unsafe = _UNSAFE_IN_A_LINE if one_line else _UNSAFE
    return unsafe.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def count_phrase(number: int, noun: str) -> str:
    """``4 passages``, ``1 report``."""
    return f"{number} {noun}{'' if number == 1 else 'es' if noun.endswith('ch') else 's'}"


def marked_text(text: str, highlights, color: bool) -> str:
    """``text`` with its highlights in red (``color``) or between « »."""
    out, last = [], 0
    before, after = (_MATCH, _RESET) if color else ("«", "»")
    for start, end in highlights:
        out += [terminal_safe(text[last:start]), before, terminal_safe(text[start:end]), after]
        last = end
    out.append(terminal_safe(text[last:]))
    return "".join(out)


def facets_text(facets: dict) -> str:
    """A heading, then one line per facet, reports first and passages in brackets (people
    read "四川省 4" as four reports): ``city: 盘锦市 1 (3), 遂宁市 1 (1)``."""
    lines = []
    for name, rows in facets.items():
        none = "(no year)" if name == "year" else "(none)"
        values = ", ".join(
            f"{terminal_safe(row['value']) if row['value'] is not None else none} "
            f"{row['reports']} ({row['count']})"
            for row in rows
        )
        lines.append(f"{name}: {values or '-'}\n")
    return "facets: reports (passages)\n" + "".join(lines) if lines else ""


def count_text(data: dict) -> str:
    """The totals of a ``facets`` answer, then its facets."""
    head = (
        f"{count_phrase(data['total'], 'passage')} in "
        f"{count_phrase(data['reports'], 'report')} match {data['query'] or 'everything'}\n"
    )
    return head + facets_text(data.get("facets") or {})  # fmt: skip


def search_text(result, color: bool) -> str:
    """A search result for a terminal: a heading per hit, its section path and details, the
    passage with its matches marked (and its context passages), then the facets."""
    if not result.total:
        return f"No passage matches {result.query}.\n"
    unit = "report" if result.group else "passage"
    shown, available = len(result.hits), (result.reports if result.group else result.total)
    more = f" (showing {count_phrase(shown, unit)})" if shown < available else ""
    return "".join(search_text_parts(result, color, more))


def search_text_parts(result, color: bool, more: str = ""):
    """``search_text`` of a result with hits, in parts: the heading, each hit (as it is
    read from ``result.hits``), the facets."""
    yield (f"{count_phrase(result.total, 'passage')} in {count_phrase(result.reports, 'report')} "
           f"match {result.query}{more}\n")  # fmt: skip
    for hit in result.hits:
        yield hit_text(hit, color)
    if result.facets:
        yield "\n" + facets_text(result.facets)


def hit_text(hit, color: bool) -> str:
    """One hit for a terminal, after a blank line: heading, section path and details, the
    passage with its matches marked, between its context passages."""
    place = place_text(hit.province, hit.city, hit.district)
    heading = terminal_safe(f"{place} · {hit.year or 'no year'} · {hit.title}")
    lines = ["", (f"{_BOLD}{heading}{_RESET}" if color else heading)
             + f"  [{terminal_safe(hit.report)}]"]  # fmt: skip
    details = [terminal_safe(" > ".join(hit.section)) or "(no section)"]
    if hit.category:
        details.append(terminal_safe(hit.category))
    details.append(count_phrase(hit.matches, "match"))
    if hit.passages is not None:
        details.append(f"{hit.passages} passages")
    lines.append("  " + " · ".join(details))
    context = hit.context or {}
    lines += ["  │ " + terminal_safe(text) for text in context.get("before", [])]
    lines.append(("  > " if context else "  ") + marked_text(hit.snippet, hit.highlights,
                                                              color))  # fmt: skip
    lines += ["  │ " + terminal_safe(text) for text in context.get("after", [])]
    return "\n".join(lines) + "\n"


def place_text(province: str, city: str, district: str) -> str:
    """``四川省 自贡市``, ``重庆市 巴南区``: a place as people name it (a municipality once)."""
    return " ".join(p for p in (province, city if city != province else "", district) if p)


def kwic_text(data: dict, color: bool) -> str:
    """Concordance lines, the matches in one column: ``left | match | right  [place year]``,
    after a heading that says how many occurrences there are and how many are shown."""
    lines = [{key: terminal_safe(value) if isinstance(value, str) else value
              for key, value in line.items()} for line in data["lines"]]  # fmt: skip
    width = max((text_width(line["left"]) for line in lines), default=0)
    occurrences = data.get("occurrences", len(lines))
    shown = (f" (showing {len(lines)} of {occurrences}; --limit 0 for all)"
             if len(lines) < occurrences else "")  # fmt: skip
    out = [f"{count_phrase(occurrences, 'occurrence')} in "
           f"{count_phrase(data['total'], 'passage')} of {count_phrase(data['reports'], 'report')}"
           f" match {terminal_safe(data['query'])}{shown}\n"]  # fmt: skip
    for line in lines:
        match = f"{_MATCH}{line['match']}{_RESET}" if color else line["match"]
        place = place_text(line.get("province", ""), line["city"], line["district"])
        label = f"{place} {line['year'] or 'no year'}".strip()
        left = " " * (width - text_width(line["left"])) + line["left"]
        out.append(f"{left} | {match} | {line['right']}  [{label}]\n")
    return "".join(out)


def trend_text(data: dict) -> str:
    """A ``trend`` answer for a terminal: places by years, ``mentioning/all`` in each cell
    (reports with no year under "no year", with no place in the row "(no city)"), or with
    ``first`` the first and last year per place; then the line saying how many reports
    have no year or place, so the cells visibly add up."""
    rows, by = data["rows"], data["by"]
    place = by[0] if len(by) > 1 or "year" not in by else None
    mentioning = sum(row["reports"] for row in rows)
    if "first_year" in (rows[0] if rows else {}) or "year" not in by:
        shown = [{**row, by[0]: row[by[0]] or f"(no {by[0]})"} for row in rows]
        text = table(shown, tuple(rows[0]) if rows else (by[0],))
    else:
        cells = [{**row, "cell": f"{row['reports']}/{row['all_reports']}",
                  place or "place": row.get(place) or (f"(no {place})" if place
                                                       else "all reports")}
                 for row in rows]  # fmt: skip
        grid, columns = pivot(cells, place or "place", "year", "cell", unknown="no year")
        text = table(grid, columns) + "(reports that mention it / all reports in that cell)\n"
    return text + unknown_text(data.get("unknown") or {}, mentioning,
                               "reports that mention it")  # fmt: skip


REPORT_FIELDS = ("province", "city", "district", "level", "year", "published", "doc_number",
                 "issuer", "issuer_name", "kind", "script", "format", "file")  # fmt: skip


def report_text(data: dict, color: bool, outline: bool = True) -> str:
    """A report (``ReportIndex.report``) for a terminal: title, metadata with where each
    field was read, the outline, and the passages with their matches marked."""
    summary = data["report"]
    title = terminal_safe(summary.get("title") or summary["report"])
    lines = [(f"{_BOLD}{title}{_RESET}" if color else title)
             + f"  [{terminal_safe(summary['report'])}]"]  # fmt: skip
    sources = summary.get("sources") or {}
    for name in REPORT_FIELDS:
        value = summary.get(name)
        if value not in (None, ""):
            where = f"  ({sources[name]})" if name in sources else ""
            lines.append(terminal_safe(f"  {name}: {value}{where}"))
    if outline:
        lines += ["", "outline:"]
        lines += ["  " + "  " * entry["depth"] + terminal_safe(entry["heading"])
                  for entry in data["outline"]]  # fmt: skip
        lines.append("")
    for passage in data["passages"]:
        number = passage["passage"].rsplit("#", 1)[-1]
        lines.append(f"[{number}] " + marked_text(passage["text"], passage["highlights"], color))
    return "\n".join(lines) + "\n"


def index_summary_text(directory, summary) -> str:
    """What an ``index`` run did, and the copies it indexed once."""
    verb = "rebuilt" if summary.rebuilt else "updated"
    text = (f"{verb} {directory}: {summary.reports} reports, {summary.passages} passages "
            f"({len(summary.added)} added, {len(summary.updated)} updated, "
            f"{len(summary.removed)} removed, {len(summary.unchanged)} unchanged)\n")  # fmt: skip
    if summary.duplicates:
        text += f"indexed once: {len(summary.duplicates)} file(s) are copies of a report:\n"
        text += "".join(f"  {copy['file']} = {copy['same_as']}\n" for copy in summary.duplicates)
    return terminal_safe(text)


def copies_text(rows: list[dict]) -> str:
    """The files ``reports`` lists as copies of an indexed report ("" when there are none)."""
    copies = [(copy["file"], row["report"]) for row in rows for copy in row.get("duplicates", [])]
    if not copies:
        return ""
    return (f"\n{len(copies)} file(s) not indexed, copies of a report:\n"
            + "".join(terminal_safe(f"  {file} = {report}") + "\n"
                      for file, report in copies))  # fmt: skip


# ---- tables ---------------------------------------------------------------------------------


def table(rows: list[dict], columns) -> str:
    """An aligned text table for a terminal (CJK characters take two columns)."""
    if not rows:
        return "(none)\n"
    cells = [[terminal_safe(row.get(c)) for c in columns] for row in rows]
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


def pivot(rows: list[dict], row_key: str, column_key: str, value_key: str,
          unknown: str | None = None):  # fmt: skip
    """Long rows -> one row per ``row_key`` value and one column per ``column_key`` value
    (years as plain numbers, so pandas reads them back with ``astype(int)``). Where several
    rows fall in one cell, the first one's value is kept (rows come in report order).
    Rows with no ``row_key`` or ``column_key`` value are left out, unless ``unknown`` names
    a last column for those with no column value (``"no year"``); those with no row value
    then make a last row whose ``row_key`` is None. Returns (rows, columns)."""
    cells: dict = {}
    column_values = sorted({row[column_key] for row in rows if row.get(column_key)})
    blank = False
    for row in rows:
        name, column = row.get(row_key) or None, row.get(column_key)
        if unknown is None and (name is None or not column):
            continue
        blank = blank or not column
        cells.setdefault(name, {}).setdefault(str(column) if column else unknown,
                                              row[value_key])  # fmt: skip
    columns = (row_key, *(str(value) for value in column_values), *([unknown] if blank else []))
    out = [{row_key: name, **values} for name, values in cells.items()]
    out.sort(key=lambda row: (row[row_key] is None, pinyin_key(row[row_key] or "")))
    return out, columns


def unknown_counts(rows: list[dict], names) -> dict[str, int]:
    """How many ``rows`` have no value for each of ``names`` (for ``unknown_text``)."""
    return {name: sum(1 for row in rows if not row.get(name)) for name in names}


def unknown_text(unknown: dict, total: int, noun: str) -> str:
    """The line saying what a table by place and year could not place, so no count goes
    missing without a word: ``1 of 4 reports that mention it has no year; 2 have no city``
    ("" when all have their values). ``unknown``: {field: how many of ``total`` lack it}."""
    parts = []
    for name, count in unknown.items():
        if count:
            subject = f"{count} of {total} {noun}" if not parts else str(count)
            parts.append(f"{subject} {'has' if count == 1 else 'have'} no {name}")
    return "; ".join(parts) + "\n" if parts else ""
