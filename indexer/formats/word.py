"""Word files (.docx): a DOCX's bytes -> the report's text, one paragraph a line.

Input: bytes and the name of their source. Output: ``DecodedText`` with ``format="docx"``
and the document's title as a hint, when its properties give one.

Paragraphs and tables are read in document order with python-docx; a table row becomes one
line, its cells separated by tabs. Headings are paragraphs of their own, so they stay lines
of their own. Numbering that Word draws automatically is not part of the text; numbered
headings typed as text (``一、``, ``(一)``) are kept as written.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import ReadError
from .text import DecodedText


def looks_like_docx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_docx(data: bytes, source: str) -> DecodedText:
    import docx  # python-docx, imported here: only Word files need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ReadError(source, f"unreadable Word file ({type(error).__name__}: {error})") from None
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text.strip())
        elif tag == "tbl":
            for row in Table(element, document).rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged
                lines.append("\t".join(cell for cell in cells if cell))
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise ReadError(source, "Word file without text")
    title = (document.core_properties.title or "").strip()
    return DecodedText(text, "docx", 1.0, "python-docx", "docx", {"title": title} if title else {})
