"""Is a plain text file a report? A decoded text -> None, or the reason it is not one.

Input: the text of a text file (``.txt``, ``.md``, no suffix…), already decoded. Output:
``None`` for a report, else a short reason ("JSON data", "not Chinese prose (3% of its
characters are Chinese)"), which ``indexer.reading`` shows as "not a report: …".

A folder of downloaded reports also holds data, tables, logs, code, and the tool's own
outputs (``search --format json > hits.txt``); none of them may become a "report". In order:

* JSON: the whole text parses as a JSON object or array, or its first line does (JSON
  lines). A report never starts with ``{`` or ``[`` followed by JSON.
* a table: at least MIN_TABLE_ROWS lines, at least TABLE_SHARE of them split into the
  same number (3 or more) of comma- or tab-separated fields, and most of them not ending a
  sentence (a short report whose lines each hold two commas ends them with 。); or a header
  line of ASCII column names followed by a row with as many fields (the tool's CSV).
* a log: at least LOG_SHARE of the lines start with a date and a time.
* Chinese prose: at least MIN_HAN Han characters, and Han characters are at least
  MIN_HAN_SHARE of the characters that are not white space. Reports score 0.74-0.91 (the
  seeds, the labelled openings, GBK, UTF-16 and Traditional alike), a single labelled
  sentence full of figures 0.45; the tool's JSON output 0.05-0.32, /etc/passwd 0.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

# The ranges of ``indexer.normalizing.is_han`` (CJK unified ideographs, extension A,
# compatibility ideographs), as a pattern: counting a 20 MB text char by char is slow.
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s")
# A report's shortest heading ("一、总体情况") has five; fewer is a note, not a report.
MIN_HAN = 5
# Half the lowest share of a real report's text seen (0.74), well above data and code
# with Chinese in its strings or comments (0.05-0.32).
MIN_HAN_SHARE = 0.30
# A table has rows of the same width: this share of its lines, and this many lines.
TABLE_SHARE = 0.8
MIN_TABLE_ROWS = 3
# Lines that open with a date and a time: "2024-01-05 12:00:01", "[2024/01/05 12:00".
_LOG_LINE = re.compile(r"^\W{0,2}\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]\d{1,2}:\d{2}")
LOG_SHARE = 0.5
# What the shape checks look at: the opening lines are enough to see a table or a log.
_SAMPLE_LINES = 200
# Prose lines end sentences; table rows end with a figure or a quote.
_SENTENCE_END = ("。", "；", "！", "？", "!", "?", ";")
_HEADER = re.compile(r"[A-Za-z_][\w ]{0,40}")


def not_a_report(text: str) -> str | None:
    """Why ``text`` is not a report (JSON, a table, a log, not Chinese prose), or None."""
    lines = [line for line in text[:1_000_000].splitlines() if line.strip()][:_SAMPLE_LINES]
    if not lines:
        return None  # empty: the reader says so
    if _is_json(text.strip()) or _is_json(lines[0].strip()):
        return "JSON data"
    table = _table(lines)
    if table:
        return table
    if sum(1 for line in lines if _LOG_LINE.match(line)) >= LOG_SHARE * len(lines):
        return "a log (its lines start with a date and time)"
    han, share = han_share(text)
    if han < MIN_HAN or share < MIN_HAN_SHARE:
        return f"not Chinese prose ({share:.0%} of its characters are Chinese)"
    return None


def han_share(text: str) -> tuple[int, float]:
    """(Han characters in ``text``, their share of the characters that are not space)."""
    _, han = _HAN.subn("", text)
    _, spaces = _SPACE.subn("", text)
    return han, han / max(1, len(text) - spaces)


def _is_json(text: str) -> bool:
    if not text.startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(text), (dict, list))
    except RecursionError:
        return True  # nested too deep for the parser: data, not prose
    except ValueError:
        return False


def _table(lines: list[str]) -> str | None:
    """ "a table (…)" if the lines are comma- or tab-separated rows of one width."""
    for delimiter, name in ((",", "comma"), ("\t", "tab")):
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        header = [field.strip() for field in lines[0].split(delimiter)]
        named = (len(header) >= 3 and all(_HEADER.fullmatch(field) for field in header)
                 and len(widths) >= 2 and widths[1] == len(header))  # fmt: skip
        shaped = (width >= 3 and len(widths) >= MIN_TABLE_ROWS
                  and count >= TABLE_SHARE * len(widths)
                  and sum(line.rstrip().endswith(_SENTENCE_END) for line in lines)
                  < len(lines) / 2)  # fmt: skip
        if named or shaped:
            return f"a table ({name}-separated, {width} columns)"
    return None
