"""Snippets: a passage's original text + the query's strings -> highlighted spans.

Input: the passage as the report prints it and the search-form strings to highlight.
Output: ``Snippet(text, highlights, matches)``: the original text (a Traditional report stays
Traditional), the ``[start, end)`` spans in it of every match, and how many matches there are.

Matches are found on the passage's search form and mapped back through the offset map of
``indexer.normalizing``, so 柔性执法 highlights 柔性執法 in a Traditional passage. Each string
counts its non-overlapping occurrences; spans of different strings that touch are merged for
display but counted separately.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportsearch.indexer.normalizing import NormalizedText, normalize_with_offsets
from reportsearch.indexer.schema import word_tokens


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: list[tuple[int, int]]  # merged where they touch, for display
    matches: int
    # every occurrence of the strings on its own, in text order (not the extra spans): what a
    # concordance shows a line for
    occurrences: tuple[tuple[int, int], ...] = ()


def find_all(haystack: str, needle: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``needle``, left to right (as grep -o counts them)."""
    spans, start = [], 0
    while needle and (found := haystack.find(needle, start)) >= 0:
        spans.append((found, found + len(needle)))
        start = found + len(needle)
    return spans


def make_snippet(original: str, strings: list[str], extra: list[tuple[int, int]] = (),
                 normalized: NormalizedText | None = None) -> Snippet:  # fmt: skip
    """Highlight every occurrence of ``strings``, plus ``extra`` spans of the original (the
    quotes of facts a ``metric:`` filter selected); each counts as a match. ``normalized``:
    the original's search form and map, as the index keeps them (else it is normalized)."""
    normalized = normalized or normalize_with_offsets(original)
    occurrences: list[tuple[int, int]] = []
    for string in dict.fromkeys(strings):
        found = find_all(normalized.text, string)
        occurrences.extend(normalized.to_original(a, b) for a, b in found)
    spans = [*extra, *occurrences]
    return Snippet(original, _merge(spans), len(spans), tuple(sorted(occurrences)))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(snippet: Snippet, before: str, after: str) -> str:
    """The snippet text with ``before``/``after`` around each highlight."""
    out, last = [], 0
    for start, end in snippet.highlights:
        out.append(snippet.text[last:start])
        out.append(before + snippet.text[start:end] + after)
        last = end
    out.append(snippet.text[last:])
    return "".join(out)


def words_to_highlight(strings: list[str]) -> list[str]:
    """In ``--words`` mode hits hold the query's words in any order: highlight each word."""
    return [word for string in strings for word in word_tokens(string)]


@dataclass(frozen=True)
class ConcordanceLine:
    left: str
    match: str
    right: str


def concordance(snippet: Snippet, width: int) -> list[ConcordanceLine]:
    """One keyword-in-context line per occurrence (two matches that touch are two lines):
    up to ``width`` characters either side, line breaks shown as spaces (a concordance
    line is one line)."""
    text = snippet.text.replace("\n", " ")
    return [
        ConcordanceLine(
            text[max(0, start - width) : start], text[start:end], text[end : end + width]
        )
        for start, end in snippet.occurrences
    ]


def excerpt(snippet: Snippet, context: int = 60, budget: int = 360) -> Snippet:
    """A long passage cut down to the text around its highlights: ``context`` characters
    either side of each, pieces joined by "…", at most about ``budget`` characters (the
    first highlights win). A short passage, or one without highlights, comes back whole
    or cut at ``budget``. ``matches`` still counts every match in the passage."""
    text = snippet.text
    if len(text) <= budget:
        return snippet
    if not snippet.highlights:
        return Snippet(text[:budget] + "…", [], snippet.matches)
    windows: list[list[int]] = []
    for start, end in snippet.highlights:
        a, b = max(0, start - context), min(len(text), end + context)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    pieces, spans, used = [], [], 0
    for a, b in windows:
        if used and used + (b - a) > budget:
            break
        prefix = "…" if a > 0 else ""
        offset = used + len(prefix) - a
        pieces.append(prefix + text[a:b])
        used += len(prefix) + (b - a)
        spans.extend((s + offset, e + offset) for s, e in snippet.highlights if a <= s and e <= b)
    trailer = "…" if windows and windows[min(len(pieces), len(windows)) - 1][1] < len(text) else ""
    return Snippet("".join(pieces) + trailer, spans, snippet.matches)
