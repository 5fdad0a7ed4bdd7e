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

from indexer.normalizing import normalize_with_offsets
from indexer.schema import word_tokens


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: list[tuple[int, int]]
    matches: int


def find_all(haystack: str, needle: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``needle``, left to right (as grep -o counts them)."""
    spans, start = [], 0
    while needle and (found := haystack.find(needle, start)) >= 0:
        spans.append((found, found + len(needle)))
        start = found + len(needle)
    return spans


def make_snippet(original: str, strings: list[str], extra: list[tuple[int, int]] = ()) -> Snippet:
    """Highlight every occurrence of ``strings``, plus ``extra`` spans of the original (the
    quotes of facts a ``metric:`` filter selected); each counts as a match."""
    normalized = normalize_with_offsets(original)
    spans: list[tuple[int, int]] = list(extra)
    matches = len(spans)
    for string in dict.fromkeys(strings):
        found = find_all(normalized.text, string)
        matches += len(found)
        spans.extend(normalized.to_original(a, b) for a, b in found)
    return Snippet(original, _merge(spans), matches)


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
