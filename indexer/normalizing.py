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

import re
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


@lru_cache(maxsize=4096)
def normalize_with_offsets(original: str) -> NormalizedText:
    """Normalize ``original`` and keep, for every output character, its source span.
    Line by line: no rule reaches across a line break. Cached: the indexer's stages ask for
    the same passage more than once (sections, then metrics)."""
    text_parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for line_break in _LINE_BREAK.finditer(original):
        _normalize_kept(original, position, line_break.start(), text_parts, starts, ends)
        text_parts.append("\n")
        starts.append(line_break.start())
        ends.append(line_break.end())
        position = line_break.end()
    _normalize_kept(original, position, len(original), text_parts, starts, ends)
    return NormalizedText("".join(text_parts), tuple(starts), tuple(ends), len(original))


# A pinyin reading a converter left after a Han character: "(lǐng)", "（wù）".
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（]\s*([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7})\s*[)）]"
)
_TONE_MARKED = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")


def _normalize_kept(original: str, start: int, end: int, text_parts: list[str],
                    starts: list[int], ends: list[int]) -> None:  # fmt: skip
    """``_normalize_line`` for ``original[start:end]`` without its pinyin readings; the
    spans still point into ``original``."""
    line = original[start:end]
    readings = [m.span() for m in _PINYIN.finditer(line) if _TONE_MARKED & set(m.group(1))]
    if not readings:
        _normalize_line(original, start, end, text_parts, starts, ends)
        return
    kept = list(range(len(line)))
    for a, b in reversed(readings):
        del kept[a:b]
    stripped = "".join(line[i] for i in kept)
    first = len(starts)
    _normalize_line(stripped, 0, len(stripped), text_parts, starts, ends)
    for k in range(first, len(starts)):  # spans in ``stripped`` -> spans in ``original``
        starts[k] = start + kept[starts[k]]
        ends[k] = start + kept[ends[k] - 1] + 1


_LINE_BREAK = re.compile("\r\n|[" + "".join(sorted(_LINE_BREAKS)) + "]")  # CRLF is one break


def _normalize_line(original: str, start: int, end: int, text_parts: list[str],
                    starts: list[int], ends: list[int], fast: bool = True) -> None:  # fmt: skip
    """Append the search form of ``original[start:end]`` (one line) and its spans."""
    line = original[start:end]
    # Step 1: NFKC + lower case + white-space rules. Most lines of a report hold only
    # characters that normalize to exactly one visible character: those are translated in
    # one call, each output character coming from the character at the same place.
    table = _one_to_one_table(line) if fast else None
    if table is not None:
        before = line.translate(table)
        chars = None  # character i comes from line[i]
    else:
        chars = [(c, span) for piece, span in _clusters(line) for c in piece]
        before = "".join(c for c, _ in chars)
    # Step 2: Traditional -> Simplified. OpenCC converts phrases, which is right for words
    # like 乾燥 -> 干燥; where the line's length changes we fall back to one character at a
    # time so the offset map stays exact.
    after = _t2s().convert(before) if before else ""
    if len(after) == len(before):
        text_parts.append(after)
        if chars is None:
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
        else:
            starts.extend(start + s for _, (s, _) in chars)
            ends.extend(start + e for _, (_, e) in chars)
        return
    if chars is None:
        chars = [(c, (i, i + 1)) for i, c in enumerate(before)]
    for c, (s, e) in chars:
        converted = _t2s().convert(c) or c
        text_parts.append(converted)
        starts.extend([start + s] * len(converted))
        ends.extend([start + e] * len(converted))


def _one_to_one_table(line: str) -> dict | None:
    """A ``str.translate`` table giving ``line``'s step-1 form, if each of its characters
    normalizes to exactly one visible, non-space character on its own; else None."""
    table = {}
    for char in set(line):
        form = _simple_form(char)
        if form is None:
            return None
        if form != char:
            table[ord(char)] = form
    return table


@lru_cache(maxsize=1 << 16)
def _simple_form(char: str) -> str | None:
    form = _search_form(char)
    if len(form) != 1 or form.isspace() or unicodedata.combining(char):
        return None
    return form


def _clusters(line: str) -> list[tuple[str, tuple[int, int]]]:
    """Step 1 for any line, one "cluster" (a character and its combining marks) at a time:
    (output, source span in the line) pairs; runs of white space become one space, none at
    the start or end of the line."""
    pieces: list[tuple[str, tuple[int, int]]] = []
    pending_space: tuple[int, int] | None = None  # a space is written only before content
    i, n = 0, len(line)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(line[j]):
            j += 1
        form = _search_form(line[i:j])
        if form and form.isspace():
            if pieces:
                pending_space = (pending_space[0] if pending_space else i, j)
        elif form:
            if pending_space:
                pieces.append((" ", pending_space))
                pending_space = None
            pieces.append((form, (i, j)))
        i = j
    return pieces


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
