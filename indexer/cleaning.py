"""Cleaning: a report's search form -> its content lines, and the boilerplate lines removed.

Input: the search form of a whole report (``NormalizedText.text``). Output: ``CleanedText``
with ``kept`` (content lines) and ``removed`` (furniture, each with the category of the pattern
that matched), every line carrying its span in the search form so later stages can map it
back to the original text.

What counts as boilerplate is data, not code: ``data/boilerplate.tsv`` holds one
``category<TAB>regex`` per line, matched against each WHOLE line's search form
(``re.fullmatch``: a pattern can never take part of a line, or a whole report saved without
line breaks). Because
matching happens after normalization, one pattern covers Simplified, Traditional and
full-width variants of the same furniture. Removed lines are kept on the record, so that
what cleaning took is countable and can be checked (``CleanedText.removed_counts``).

Cleaning may take at most ``MAX_REMOVED_SHARE`` of a report's characters. A report that
would lose more is not boilerplate gone wrong in the report but patterns gone wrong for it:
it keeps every line, and ``CleanedText.capped`` says so (the indexer warns).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .data_files import data_text


@dataclass(frozen=True)
class Line:
    """One non-empty line of the search form and where it is in that form."""

    number: int  # 0-based line number in the report
    text: str  # search form of the line
    start: int  # offset of the line in the report's search form
    end: int


@dataclass(frozen=True)
class RemovedLine:
    line: Line
    category: str


# More than this share of a report's characters looking like furniture means the patterns
# are wrong for this report (real pages lose 5-20% to furniture), so cleaning keeps it all.
MAX_REMOVED_SHARE = 0.5


@dataclass(frozen=True)
class CleanedText:
    kept: list[Line]
    removed: list[RemovedLine] = field(default_factory=list)
    capped: bool = False  # True: patterns would have removed too much, so nothing was

    @property
    def removed_counts(self) -> Counter:
        return Counter(item.category for item in self.removed)


Pattern = tuple[str, "re.Pattern[str]"]


def parse_patterns(table: str) -> list[Pattern]:
    """``category<TAB>regex`` lines (``#`` comments, blank lines ignored) -> compiled patterns."""
    patterns = []
    for number, raw in enumerate(table.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        category, sep, regex = raw.partition("\t")
        if not sep:
            raise ValueError(f"boilerplate pattern line {number}: expected category<TAB>regex")
        patterns.append((category.strip(), re.compile(regex)))
    return patterns


@lru_cache(maxsize=1)
def default_patterns() -> tuple[Pattern, ...]:
    """The shipped patterns from ``indexer/data/boilerplate.tsv``."""
    table = data_text("boilerplate.tsv")
    return tuple(parse_patterns(table))


def split_lines(search_text: str) -> list[Line]:
    """The non-empty lines of a search form, with their offsets."""
    lines, offset = [], 0
    for number, text in enumerate(search_text.split("\n")):
        if text.strip():
            lines.append(Line(number, text, offset, offset + len(text)))
        offset += len(text) + 1
    return lines


def boilerplate_category(text: str, patterns=None) -> str | None:
    """The category of the first pattern matching this line, or None for content."""
    for category, regex in patterns if patterns is not None else default_patterns():
        if regex.fullmatch(text):
            return category
    return None


def clean_lines(search_text: str, patterns=None) -> CleanedText:
    """Split a report's search form into content lines and removed boilerplate lines."""
    lines = split_lines(search_text)
    kept, removed = [], []
    for line in lines:
        category = boilerplate_category(line.text, patterns)
        if category is None:
            kept.append(line)
        else:
            removed.append(RemovedLine(line, category))
    removed_characters = sum(len(item.line.text) for item in removed)
    if removed_characters > MAX_REMOVED_SHARE * sum(len(line.text) for line in lines):
        return CleanedText(lines, [], capped=True)
    return CleanedText(kept, removed)
