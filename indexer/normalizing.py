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
from array import array
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
    # arrays: 4 bytes a character, where a tuple of ints takes 36 (a 5 MB report has
    # 1.8 million characters)
    starts: array
    ends: array
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Search-form span [start, end) -> original span covering exactly those characters."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside 0:{len(self.text)}")
        if start == end:
            position = self.starts[start] if start < len(self.text) else self.original_length
            return position, position
        return self.starts[start], self.ends[end - 1]


def offset_changes(normalized: NormalizedText) -> list[tuple[int, int, int]]:
    """``normalized``'s map, kept where it changes: (position, start shift, end shift), from
    which search-form character ``i`` came from the original's ``i + start : i + 1 + end``.
    Most text maps one to one, so a passage needs one or a few of these, not 8 bytes a
    character; ``from_offset_changes`` rebuilds the map."""
    import numpy as np  # here: the indexer and snippets need it, normalizing queries not

    if not normalized.text:
        return []
    dtype = np.int32 if normalized.starts.typecode == "i" else np.int64
    position = np.arange(len(normalized.text), dtype=np.int64)
    start = np.frombuffer(normalized.starts, dtype=dtype) - position
    end = np.frombuffer(normalized.ends, dtype=dtype) - position - 1
    changed = np.flatnonzero((start[1:] != start[:-1]) | (end[1:] != end[:-1])) + 1
    at = np.concatenate([[0], changed])
    return list(zip(at.tolist(), start[at].tolist(), end[at].tolist(), strict=True))


def from_offset_changes(text: str, changes: list[tuple[int, int, int]],
                        original_length: int) -> NormalizedText:  # fmt: skip
    """The ``NormalizedText`` that ``offset_changes`` was made from."""
    import numpy as np

    position = np.arange(len(text), dtype=np.int64)
    at = np.array([change[0] for change in changes], dtype=np.int64)
    which = np.searchsorted(at, position, side="right") - 1
    start = np.array([change[1] for change in changes], dtype=np.int64)[which] + position
    end = np.array([change[2] for change in changes], dtype=np.int64)[which] + position + 1
    kind = "i" if original_length < 2**31 - 1 else "q"
    return NormalizedText(text, array(kind, start.tolist()), array(kind, end.tolist()),
                          original_length)  # fmt: skip


def normalize_for_search(text: str) -> str:
    """The search form of ``text`` (see the module docstring). Queries use this too."""
    return normalize_with_offsets(text).text


# Longer strings are not cached (a whole report is normalized once), and longer lines are
# normalized in pieces, so memory follows the piece, not a report saved as one line.
CACHED_LENGTH = 4096
PIECE_LENGTH = 4096


def normalize_with_offsets(original: str) -> NormalizedText:
    """Normalize ``original`` and keep, for every output character, its source span.
    Line by line: no rule reaches across a line break. Short strings are cached: the
    indexer's stages ask for the same passage more than once (sections, then metrics)."""
    if len(original) <= CACHED_LENGTH:
        return _normalize_cached(original)
    return _normalize(original)


@lru_cache(maxsize=4096)
def _normalize_cached(original: str) -> NormalizedText:
    return _normalize(original)


def _normalize(original: str) -> NormalizedText:
    text_parts: list[str] = []
    # 4 bytes an offset while they fit (any report under 2 GB characters), else 8
    kind = "i" if len(original) < 2**31 - 1 else "q"
    starts, ends = array(kind), array(kind)
    position = 0
    for line_break in _LINE_BREAK.finditer(original):
        _normalize_pieces(original, position, line_break.start(), text_parts, starts, ends)
        text_parts.append("\n")
        starts.append(line_break.start())
        ends.append(line_break.end())
        position = line_break.end()
    _normalize_pieces(original, position, len(original), text_parts, starts, ends)
    return NormalizedText("".join(text_parts), starts, ends, len(original))


def _normalize_pieces(original: str, start: int, end: int, text_parts: list[str],
                      starts: array, ends: array) -> None:  # fmt: skip
    """One line, in pieces of about PIECE_LENGTH characters cut where no rule can reach
    across: after a sentence end with visible characters on both sides (no space to
    collapse, no combining mark to keep with its base, no phrase of OpenCC's spans 。)."""
    while end - start > PIECE_LENGTH:
        cut = _safe_cut(original, start + PIECE_LENGTH, min(end, start + 4 * PIECE_LENGTH))
        if cut is None:
            break
        _normalize_kept(original, start, cut, text_parts, starts, ends)
        start = cut
    _normalize_kept(original, start, end, text_parts, starts, ends)


_SENTENCE_END = re.compile(r"[。！？；!?;](?=[^\s\u0300-\u036f\u3099\u309a])")


def _safe_cut(original: str, start: int, end: int) -> int | None:
    """The first place after a sentence end in ``original[start:end]`` where a line can be
    cut without changing its search form; failing that (a line with no sentence end in
    16,000 characters is not prose), between two visible characters, where at worst an
    OpenCC phrase is converted as two halves."""
    found = _SENTENCE_END.search(original, start, end - 1)
    if found:
        return found.end()
    for han_allowed in (False, True):  # next to a digit or a letter first, then anywhere
        for i in range(end - 1, start, -1):
            before, after = original[i - 1], original[i]
            if before.isspace() or after.isspace() or unicodedata.combining(after):
                continue
            if after in "(（" or _OPEN_READING.search(original, max(0, i - 10), i):
                continue  # a pinyin reading is removed whole, with the character before it
            if han_allowed or not (is_han(before) and is_han(after)):
                return i
    return None


_OPEN_READING = re.compile(r"[(（][^)）]{0,9}$")


def is_han(char: str) -> bool:
    """A Han character (CJK unified ideographs, extension A, compatibility ideographs)."""
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


# A pinyin reading a converter left after a Han character: "(lǐng)", "（wù）".
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（]\s*([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7})\s*[)）]"
)
_TONE_MARKED = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")


def _normalize_kept(original: str, start: int, end: int, text_parts: list[str],
                    starts: array, ends: array) -> None:  # fmt: skip
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
                    starts: array, ends: array, fast: bool = True) -> None:  # fmt: skip
    """Append the search form of ``original[start:end]`` (one line) and its spans."""
    line = original[start:end]
    # Step 1: NFKC + lower case + white-space rules. Most lines of a report hold only
    # characters that normalize to exactly one visible character: those are translated in
    # one call, each output character coming from the character at the same place.
    before = line.translate(_simple_forms()) if fast else _NOT_SIMPLE
    if _NOT_SIMPLE not in before:
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


# What a character with no one-character form becomes in ``_simple_forms``: a
# noncharacter, so a translated line holding it takes the slow path (which is always right).
_NOT_SIMPLE = "\uffff"


class _SimpleForms(dict):
    """A ``str.translate`` table, filled as characters are met: each character's step-1
    form if it normalizes to exactly one visible, non-space character on its own, else
    ``_NOT_SIMPLE``. One call translates a whole line in C."""

    def __missing__(self, code: int) -> str:
        form = _simple_form(chr(code))
        self[code] = _NOT_SIMPLE if form is None else form
        return self[code]


@lru_cache(maxsize=1)
def _simple_forms() -> _SimpleForms:
    return _SimpleForms()


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
