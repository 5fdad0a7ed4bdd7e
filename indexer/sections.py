"""Sections: content lines -> the heading tree and the passages under it.

Input: a report's content lines (``CleanedText.kept``), its ``NormalizedText`` and original
text, and the line numbers of the title block. Output: ``Heading`` records (with depth and
category) in reading order, and ``Passage`` records: a paragraph, or a part of a long one cut
at sentence ends, each with its section path, category, position and offsets.

Headings. Numbered headings are recognized by their numbering style: ``一、``, ``(一)``,
``1、``/``1.``, ``(1)``, ``第一部分``. Depth comes from the order styles first appear in (as
Markdown nesting does), so a report that skips a level still nests correctly. A numbered line
that goes on after its first sentence ("(一)突出统筹部署。始终将……") is a heading *and* a
paragraph: the heading is the first sentence, the passage is the whole line; a heading that
stands alone on its line is a passage of its own, so every heading is searchable content.
Reports with no
numbered top-level headings (news articles) use short unpunctuated lines as headings.

Passages keep every character of content in the original: ``original[start:end]`` is the
passage's text as the report prints it, and ``text`` is its search form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .cleaning import Line
from .data_files import data_rows
from .normalizing import NormalizedText, normalize_for_search

MAX_PASSAGE = 300  # characters; longer paragraphs are cut at sentence ends
_HEADING_STYLES = (
    ("cn", re.compile(r"^[一二三四五六七八九十百]+、")),
    ("paren_cn", re.compile(r"^\([一二三四五六七八九十百]+\)")),
    ("part", re.compile(r"^第[一二三四五六七八九十]+(部分|章|节)")),
    ("arabic", re.compile(r"^\d{1,2}(、|\.(?!\d))")),
    ("paren_arabic", re.compile(r"^\(\d{1,2}\)")),
)
_TOP_STYLES = {"cn", "paren_cn", "part"}
_FIRST_SENTENCE = re.compile(r"(.{2,60}?)[。:!?]")
_SENTENCE_END = re.compile(r"[。!?;](?:[”’」』)\]]*)")
_PUNCTUATION = re.compile(r"[。,;:!?、“”]")
_NEWS_HEADING_MAX = 30


@dataclass(frozen=True)
class Heading:
    text: str  # original characters, numbering included: "(一)突出统筹部署"
    search: str  # its search form
    style: str
    depth: int  # 1 = top level
    category: str  # from data/section_taxonomy.tsv; "" when none fits
    line: int


@dataclass(frozen=True)
class Passage:
    id: str  # "<report>#<position, 4 digits>"
    report: str
    position: int
    section: tuple[str, ...]  # heading texts, outermost first
    category: str
    text: str  # search form
    original: str  # the report's own characters
    start: int  # original[start:end] == original text of the passage
    end: int
    facts: tuple = ()  # metrics.Fact records, filled by the metrics stage


@lru_cache(maxsize=1)
def taxonomy() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(category, keywords) pairs from ``data/section_taxonomy.tsv``, in priority order."""
    rows = [row + [""] * (2 - len(row)) for row in data_rows("section_taxonomy.tsv")]
    return tuple((category, tuple(k for k in keywords.split(",") if k))
                 for category, keywords, *_ in rows)  # fmt: skip


def categorize(heading_search: str) -> str:
    """The taxonomy category a heading's search form falls in, or ""."""
    for category, keywords in taxonomy():
        if any(keyword in heading_search for keyword in keywords):
            return category
    return ""


def heading_style(text: str) -> tuple[str, int] | None:
    """(style, length of the numbering) for a numbered line, else None."""
    for style, pattern in _HEADING_STYLES:
        match = pattern.match(text)
        if match:
            return style, match.end()
    return None


def split_sections(
    report_id: str,
    lines: list[Line],
    normalized: NormalizedText,
    original: str,
    skip_lines: frozenset[int] = frozenset(),
) -> tuple[list[Heading], list[Passage]]:
    """The report's headings and passages (see the module docstring)."""
    body = [line for line in lines if line.number not in skip_lines]
    numbered = {line.number: heading_style(line.text) for line in body}
    news_style = not any(s and s[0] in _TOP_STYLES for s in numbered.values())

    headings: list[Heading] = []
    passages: list[Passage] = []
    stack: list[Heading] = []
    for index, line in enumerate(body):
        found = numbered[line.number]
        heading_end, standalone = None, False
        if found:
            style, number_end = found
            sentence = _FIRST_SENTENCE.match(line.text, number_end)
            if sentence and line.text[sentence.end() :].strip():
                heading_end = sentence.end(1)
            else:
                heading_end, standalone = len(line.text), len(line.text) <= 80
                if not standalone:
                    found = None  # a long numbered line with no sentence break is prose
        elif news_style and _is_news_heading(line, body[index + 1 : index + 2]):
            style, heading_end, standalone = "news", len(line.text), True
            found = ("news", 0)
        if found:
            start, end = normalized.to_original(line.start, line.start + heading_end)
            while stack and stack[-1].style != style and style in {h.style for h in stack}:
                stack.pop()
            if stack and stack[-1].style == style:
                stack.pop()
            search = line.text[:heading_end]
            heading = Heading(
                text=_squeeze(original[start:end]),
                search=search,
                style=style,
                depth=len(stack) + 1,
                category=categorize(search),
                line=line.number,
            )
            stack.append(heading)
            headings.append(heading)
        path = tuple(h.text for h in stack)
        category = next((h.category for h in stack if h.category), "")
        # A standalone heading is a passage too (headings are report content: a string only
        # a heading holds must find its report); its section path ends with itself.
        for piece_start, piece_end in [(0, len(line.text))] if standalone else _pieces(line.text):
            start, end = normalized.to_original(line.start + piece_start, line.start + piece_end)
            text = original[start:end]
            position = len(passages)
            passages.append(
                Passage(
                    id=f"{report_id}#{position:04d}",
                    report=report_id,
                    position=position,
                    section=path,
                    category=category,
                    text=normalize_for_search(text),
                    original=text,
                    start=start,
                    end=end,
                )
            )
    return headings, passages


def _is_news_heading(line: Line, following: list[Line]) -> bool:
    return (
        len(line.text) <= _NEWS_HEADING_MAX
        and not _PUNCTUATION.search(line.text)
        and bool(following)
        and len(following[0].text) > len(line.text)
    )


def _pieces(text: str) -> list[tuple[int, int]]:
    """Cut a paragraph into spans of at most MAX_PASSAGE characters at sentence ends
    (a single longer sentence stays whole)."""
    if len(text) <= MAX_PASSAGE:
        return [(0, len(text))]
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    pieces, start, last = [], 0, 0
    for end in ends:
        if end - start > MAX_PASSAGE and last > start:
            pieces.append((start, last))
            start = last
        last = end
    pieces.append((start, len(text)))
    return [(s + _leading_space(text, s), e) for s, e in pieces if text[s:e].strip()]


def _leading_space(text: str, start: int) -> int:
    return len(text[start:]) - len(text[start:].lstrip(" "))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
