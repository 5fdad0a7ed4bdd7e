"""Normalizing: original text -> search form, with a map from search offsets to original ones.

Input: any str. Output: ``NormalizedText(text, starts, ends)`` where ``text`` is the search
form and search character ``i`` came from ``original[starts[i]:ends[i]]``.

The search form is what every match is decided on, for reports and queries alike
(``normalize_for_search``), so "exact" means: the normalized query is a substring of the
normalized passage. It is:

* NFKC (full-width letters, digits and punctuation become their ordinary forms), applied to
  each base character together with its combining marks;
* lower case (so ``APP`` finds ``app``);
* Traditional -> Simplified with OpenCC's ``t2s`` phrase conversion, line by line;
* line breaks of every kind -> ``\\n``; any other run of white space -> one space; no space at
  the start or end of a line; zero-width and control characters dropped.

The map is kept because users read snippets in the report's own characters: a Traditional
report stays Traditional on screen, while matching happens on the Simplified form.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

_LINE_BREAKS = {"\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    # Built on first use, not at import: importing the package must stay free of work.
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class NormalizedText:
    """A search form and, for each of its characters, the original span it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Search-form span [start, end) -> original span covering exactly those characters."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside 0:{len(self.text)}")
        if start == end:
            position = self.starts[start] if start < len(self.text) else self.original_length
            return position, position
        return self.starts[start], self.ends[end - 1]


def normalize_for_search(text: str) -> str:
    """The search form of ``text`` (see the module docstring). Queries use this too."""
    return normalize_with_offsets(text).text


def normalize_with_offsets(original: str) -> NormalizedText:
    """Normalize ``original`` and keep, for every output character, its source span."""
    # Step 1: NFKC + lower case + white-space rules, one "cluster" (base character and its
    # combining marks) at a time, so each output character knows its source cluster.
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []  # one per entry of `pieces`
    pending_space: tuple[int, int] | None = None  # a space is written only before content
    at_line_start = True
    i, n = 0, len(original)
    while i < n:
        j = i + 1
        # Combining marks belong to the character before them, but never to a line break
        # (a mark at the start of a line stands alone, as it would after normalizing).
        while j < n and original[i] not in _LINE_BREAKS and unicodedata.combining(original[j]):
            j += 1
        cluster = original[i:j]
        if cluster[0] in _LINE_BREAKS:
            if cluster == "\r" and j < n and original[j] == "\n":
                j += 1  # CRLF is one line break
            pieces.append("\n")
            spans.append((i, j))
            pending_space, at_line_start = None, True
        else:
            form = _search_form(cluster)
            if form and form.isspace():
                if not at_line_start:
                    start = pending_space[0] if pending_space else i
                    pending_space = (start, j)
            elif form:
                if pending_space:
                    pieces.append(" ")
                    spans.append(pending_space)
                    pending_space = None
                pieces.append(form)
                spans.append((i, j))
                at_line_start = False
        i = j

    # Step 2: Traditional -> Simplified per line. OpenCC converts phrases, which is right for
    # words like 乾燥 -> 干燥; where a line's length changes we fall back to one character at
    # a time for that line so the offset map stays exact.
    converter = _t2s()
    text_parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    line: list[tuple[str, tuple[int, int]]] = []

    def flush_line():
        chars = [(c, span) for piece, span in line for c in piece]
        before = "".join(c for c, _ in chars)
        after = converter.convert(before) if before else ""
        if len(after) == len(before):
            text_parts.append(after)
            for _, (s, e) in chars:
                starts.append(s)
                ends.append(e)
        else:
            for c, (s, e) in chars:
                converted = converter.convert(c) or c
                text_parts.append(converted)
                starts.extend([s] * len(converted))
                ends.extend([e] * len(converted))
        line.clear()

    for piece, span in zip(pieces, spans, strict=True):
        if piece == "\n":
            flush_line()
            text_parts.append("\n")
            starts.append(span[0])
            ends.append(span[1])
        else:
            line.append((piece, span))
    flush_line()
    return NormalizedText("".join(text_parts), tuple(starts), tuple(ends), n)


@lru_cache(maxsize=1 << 16)
def _search_form(cluster: str) -> str:
    """NFKC + lower case of one cluster, without invisible characters. Cached: a corpus uses
    a few thousand distinct characters, and this is the indexer's hottest function."""
    form = unicodedata.normalize("NFKC", cluster).lower()
    return "".join(c for c in form if c not in _INVISIBLE and _is_visible(c))


def _is_visible(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char in "\t"  # tab is white space; other control characters are noise
    return category not in ("Cf", "Cs")
