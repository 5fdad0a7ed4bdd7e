"""Reading: a report file's bytes -> its text, by the reader of its format.

Input: bytes and the name of their source (its suffix picks the reader). Output:
``DecodedText(text, encoding, confidence, method, format, hints)``.

One reader per format, in ``indexer.formats``, behind ``READERS``:

* plain text (``formats.text``): BOM, then UTF-8, then chardet, with the decision kept;
* HTML pages (``formats.html``): main content, ``<meta charset>``, title, date and address;
* PDF (``formats.pdf``): text layer, paragraphs rejoined, running headers and page numbers
  dropped;
* Word ``.docx`` (``formats.word``): paragraphs and tables in document order.

A text file, or one whose suffix says nothing, is sniffed (``%PDF-``, a Word archive, an
HTML page), else read as text. Formats we cannot read (``.doc``, ``.wps``, spreadsheets,
images, archives) are refused with a one-line ``ReadError`` saying what to convert them to;
a caller reading many files reports it and goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import ReadError
from .formats import short_error
from .formats.html import SUFFIXES as HTML_SUFFIXES
from .formats.html import html_to_text, looks_like_html, read_html
from .formats.pdf import read_pdf
from .formats.text import DecodedText, decode_bytes
from .formats.word import looks_like_docx, read_docx

__all__ = ["READERS", "DecodedText", "decode_bytes", "html_to_text", "read_bytes"]

Reader = Callable[[bytes, str], DecodedText]

READERS: dict[str, Reader] = {
    # .txt is not here: a page saved as .txt is still HTML, so text files are sniffed too.
    ".pdf": read_pdf,
    ".docx": read_docx,
    **{suffix: read_html for suffix in HTML_SUFFIXES},
}
# What users call each format, in "could not read this PDF: …".
KINDS = {".pdf": "PDF", ".docx": "DOCX", **{suffix: "HTML" for suffix in HTML_SUFFIXES}}

# Formats that hold reports but that we do not read, and what to do instead.
UNSUPPORTED = {
    ".doc": "an old Word .doc file; save it as .docx or .txt",
    ".wps": "a WPS file; save it as .docx or .txt",
    ".rtf": "an RTF file; save it as .docx or .txt",
    ".ofd": "an OFD file; export it as PDF",
    ".odt": "an OpenDocument file; save it as .docx",
    ".xls": "a spreadsheet, not a report; save the report as .docx, .pdf or .txt",
    ".xlsx": "a spreadsheet, not a report; save the report as .docx, .pdf or .txt",
    ".et": "a spreadsheet, not a report; save the report as .docx, .pdf or .txt",
    ".csv": "a table, not a report; save the report as .docx, .pdf or .txt",
    ".ppt": "slides; save them as PDF",
    ".pptx": "slides; save them as PDF",
    ".zip": "an archive; unpack it and index the folder",
    ".rar": "an archive; unpack it and index the folder",
    ".7z": "an archive; unpack it and index the folder",
    **{suffix: "an image; run OCR on it (e.g. tesseract -l chi_sim) and index the text"
       for suffix in (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")},
}  # fmt: skip


def read_bytes(data: bytes, source: str) -> DecodedText:
    """The report text in a file's bytes, read by the reader of its format, or ReadError:
    never anything else, whatever the reader's library raises (a damaged or hostile file
    is that file's one-line error, and the error crosses process boundaries)."""
    suffix = Path(source).suffix.lower()
    if suffix in UNSUPPORTED:
        raise ReadError(source, f"cannot read {suffix} files: {UNSUPPORTED[suffix]}")
    reader, kind = (READERS[suffix], KINDS[suffix]) if suffix in READERS else _sniffed(data)
    try:
        return reader(data, source)
    except ReadError as error:
        raise error from None
    except Exception as error:  # noqa: BLE001 - lxml, pypdf, zipfile, RecursionError, MemoryError
        raise ReadError(source, f"could not read this {kind}: {short_error(error)}") from None


def _sniffed(data: bytes) -> tuple[Reader, str]:
    """The reader (and its format's name) for bytes whose suffix does not choose one."""
    if data.startswith(b"%PDF-"):
        return read_pdf, "PDF"
    if looks_like_docx(data):
        return read_docx, "DOCX"
    if looks_like_html(data):
        return read_html, "HTML"
    return decode_bytes, "text file"
