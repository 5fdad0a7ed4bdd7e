"""PDF files: a PDF's bytes -> the report's text, one paragraph a line.

Input: bytes and the name of their source. Output: ``DecodedText`` with ``format="pdf"``
and the document's title as a hint, when it has one.

A PDF holds lines as they were laid out on the page, not paragraphs. The text of each page
comes from pypdf; then running headers and footers (a line at the top or bottom of most
pages, digits aside) and page numbers (``3``, ``- 3 -``, ``第3页``, ``3/12``) are dropped,
and lines are joined into paragraphs across line and page breaks: a line ends its
paragraph when it is shorter than a full line or ends a sentence, or when the next line is
a numbered heading. PDF producers set digits and Latin letters in another font, and text
extraction then puts a space between them and the Chinese around them ("2023 年"): such
spaces are removed, so that 2023年 is found. A PDF without a text layer (a scan) is
refused with what to do.

Reading is bounded: at most MAX_PAGES pages and MAX_TEXT characters (pypdf itself bounds
each stream's decompression and refuses objects that refer to themselves). What pypdf says
about a damaged file while it works around it ("Ignoring wrong pointing object …") never
reaches the terminal: it becomes one warning on the reading decision.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import ReadError
from ..sections import heading_style
from . import short_error
from .text import DecodedText

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.I,
)
_SENTENCE_END = tuple("。！？!?")
_EDGE = 2  # lines at the top and at the bottom of a page that may be running furniture
_HAN = "\u3400-\u9fff\u3000-\u303f\uff01-\uff5e"  # Han characters and CJK punctuation
# A long annual report runs to 100-200 pages; a PDF of 2,000 pages is a compilation or a
# hostile file, and reading it would hold the indexer for many minutes.
MAX_PAGES = 2_000
# 2,000 full pages of Chinese text are about 2 million characters; a content stream that
# expands to more is a bomb.
MAX_TEXT = 20_000_000
_FONT_SWITCH_SPACE = re.compile(
    rf"(?<=[0-9A-Za-z%.])[ \t]+(?=[{_HAN}])|(?<=[{_HAN}])[ \t]+(?=[0-9A-Za-z])"
)


def read_pdf(data: bytes, source: str) -> DecodedText:
    from pypdf import PdfReader  # imported here: only PDF files need it
    from pypdf.errors import PdfReadError, PyPdfError

    with _pypdf_notes() as notes:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ReadError(source, "encrypted PDF; save an unprotected copy")
            count = len(reader.pages)
            if count > MAX_PAGES:
                raise ReadError(source, f"{count:,} pages, over the limit of {MAX_PAGES:,} "
                                        "(split it, or it is not one report)")  # fmt: skip
            pages, size = [], 0
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                size += len(pages[-1])
                if size > MAX_TEXT:
                    raise ReadError(source, f"over {MAX_TEXT:,} characters of text, the limit "
                                            "(a PDF bomb?)")  # fmt: skip
            title = (reader.metadata.title if reader.metadata else None) or ""
        except ReadError:
            raise
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
            raise ReadError(source, f"unreadable PDF ({short_error(error)})") from None
    text = join_pages(pages)
    if sum(1 for c in text if "\u4e00" <= c <= "\u9fff") < 20:
        raise ReadError(source, "PDF without a text layer (a scan?); run OCR first, "
                                "e.g. ocrmypdf --language chi_sim")  # fmt: skip
    hints = {"title": str(title).strip()} if str(title).strip() else {}
    said = tuple(_summary(notes)) if notes else ()
    return DecodedText(text, "pdf", 1.0, "pypdf", "pdf", hints, warnings=said)


class _Notes(logging.Handler):
    """Keeps what pypdf logs, as text, instead of letting Python print it to stderr."""

    def __init__(self, notes: list[str]):
        super().__init__()
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        self.notes.append(record.getMessage())


@contextmanager
def _pypdf_notes() -> Iterator[list[str]]:
    """What pypdf logs and warns while reading one file, kept in a list (and off stderr)."""
    logger = logging.getLogger("pypdf")
    notes: list[str] = []
    handler, propagated = _Notes(notes), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield notes
        notes.extend(str(warning.message) for warning in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagated


def _summary(notes: list[str]) -> list[str]:
    """pypdf's notes on one file as one line for the reading decision."""
    first = " ".join(notes[0].split())[:120]
    more = f" and {len(notes) - 1} more" if len(notes) > 1 else ""
    return [f"damaged PDF, read anyway; pypdf noted: {first}{more}"]


def join_pages(pages: list[str]) -> str:
    """Page texts -> paragraphs, one a line, without running headers, footers and page
    numbers."""
    page_lines = [
        [_FONT_SWITCH_SPACE.sub("", line.strip()) for line in page.splitlines() if line.strip()]
        for page in pages
    ]
    furniture = _running_lines(page_lines)
    lines: list[str] = []
    for page in page_lines:
        for index, line in enumerate(page):
            at_edge = index < _EDGE or index >= len(page) - _EDGE
            if at_edge and (_PAGE_NUMBER.match(line) or _shape(line) in furniture):
                continue
            lines.append(line)
    return "\n".join(_paragraphs(lines))


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    """Lines (digits aside) at a page's top or bottom on at least half the pages."""
    if len(page_lines) < 3:
        return set()
    counts = Counter(
        shape
        for page in page_lines
        for shape in {_shape(line) for line in page[:_EDGE] + page[-_EDGE:]}
    )
    return {shape for shape, count in counts.items() if count >= max(3, len(page_lines) / 2)}


def _paragraphs(lines: list[str]) -> list[str]:
    """Laid-out lines -> paragraphs. A paragraph ends after a line that is shorter than a
    full line (it did not wrap) or that ends a sentence, and before a numbered heading."""
    if not lines:
        return []
    lengths = sorted(len(line) for line in lines)
    full = lengths[int(0.9 * (len(lengths) - 1))]  # the length of a full line
    out: list[str] = []
    current, last = "", ""
    for line in lines:
        ended = len(last) < 0.85 * full or last.endswith(_SENTENCE_END)
        if current and (ended or heading_style(line)):
            out.append(current)
            current = ""
        current += line
        last = line
    if current:
        out.append(current)
    return out
