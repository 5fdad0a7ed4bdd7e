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

Only reports are read: files that are data, code, logs or settings by their suffix are
refused ("not a report: …"), and so is a text file that is JSON, a table or a log, or that
does not read as Chinese prose (``formats.prose`` states the rule).

``read_bytes`` raises nothing but ``ReadError``: whatever a reader's library raises on a
damaged or hostile file becomes "could not read this PDF: Name: message", one line, with
nothing of the original exception kept (it must cross process boundaries).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import ReadError
from .formats import short_error
from .formats.html import SUFFIXES as HTML_SUFFIXES
from .formats.html import html_to_text, looks_like_html, read_html
from .formats.pdf import read_pdf
from .formats.prose import not_a_report
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


# Files that are not reports, whatever they hold: data, code, logs and settings a download
# folder gathers (and the tool's own --format json/jsonl output). A Markdown or text file
# may hold a report, so it is judged by its content instead (``formats.prose``).
NOT_REPORTS = {
    **{suffix: "data" for suffix in (".json", ".jsonl", ".ndjson", ".geojson", ".xml",
                                     ".parquet", ".feather", ".arrow", ".npy", ".npz", ".pkl",
                                     ".pickle", ".h5", ".hdf5", ".sqlite", ".db", ".dta", ".sav",
                                     ".rds", ".rdata")},
    **{suffix: "a table" for suffix in (".tsv", ".tab", ".ods", ".numbers")},
    **{suffix: "source code" for suffix in (".py", ".ipynb", ".js", ".mjs", ".ts", ".sh",
                                            ".bash", ".bat", ".ps1", ".c", ".h", ".cpp",
                                            ".hpp", ".cc", ".java", ".kt", ".go", ".rs", ".rb",
                                            ".php", ".pl", ".r", ".sql", ".css", ".scss",
                                            ".lua", ".swift", ".scala", ".m")},
    **{suffix: "a log" for suffix in (".log",)},
    **{suffix: "settings" for suffix in (".ini", ".cfg", ".conf", ".yaml", ".yml", ".toml",
                                         ".env", ".properties", ".lock")},
}  # fmt: skip


def read_bytes(data: bytes, source: str) -> DecodedText:
    """The report text in a file's bytes, read by the reader of its format, or ReadError:
    never anything else, whatever the reader's library raises (a damaged or hostile file
    is that file's one-line error, and the error crosses process boundaries)."""
    suffix = Path(source).suffix.lower()
    if suffix in UNSUPPORTED:
        raise ReadError(source, f"cannot read {suffix} files: {UNSUPPORTED[suffix]}")
    if suffix in NOT_REPORTS:
        raise ReadError(source, f"not a report: {NOT_REPORTS[suffix]} ({suffix} files are "
                                "not read)")  # fmt: skip
    reader, kind = (READERS[suffix], KINDS[suffix]) if suffix in READERS else _sniffed(data)
    try:
        decoded = reader(data, source)
        if decoded.format == "text" and looks_like_html(decoded.text[:300].encode()):
            decoded = read_html(data, source)  # a page saved as UTF-16: seen once decoded
        reason = not_a_report(decoded.text) if decoded.format == "text" else None
    except ReadError as error:
        raise error from None
    except Exception as error:  # noqa: BLE001 - lxml, pypdf, zipfile, RecursionError, MemoryError
        raise ReadError(source, f"could not read this {kind}: {short_error(error)}") from None
    if reason:
        raise ReadError(source, f"not a report: {reason}")
    return decoded


def _sniffed(data: bytes) -> tuple[Reader, str]:
    """The reader (and its format's name) for bytes whose suffix does not choose one."""
    if data.startswith(b"%PDF-"):
        return read_pdf, "PDF"
    if looks_like_docx(data):
        return read_docx, "DOCX"
    if looks_like_html(data):
        return read_html, "HTML"
    return decode_bytes, "text file"
