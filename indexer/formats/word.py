"""Word files (.docx): a DOCX's bytes -> the report's text, one paragraph a line.

Input: bytes and the name of their source. Output: ``DecodedText`` with ``format="docx"``
and the document's title as a hint, when its properties give one.

Paragraphs and tables are read in document order with python-docx; a table row becomes one
line, its cells separated by tabs. Headings are paragraphs of their own, so they stay lines
of their own. Numbering that Word draws itself (a heading style numbered ``一、`` or
``(一)``, a numbered list) is not in the paragraph's text: it is rendered here from the
document's numbering definitions, so numbered headings read as they print and the sections
stage finds them. Bullets are left out.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import ReadError
from .text import DecodedText

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DIGITS = "〇一二三四五六七八九"
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


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
    numbering = Numbering(document)
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            lines.append(numbering.label(paragraph) + paragraph.text.strip())
        elif tag == "tbl":
            for row in Table(element, document).rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged
                lines.append("\t".join(cell for cell in cells if cell))
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise ReadError(source, "Word file without text")
    title = (document.core_properties.title or "").strip()
    return DecodedText(text, "docx", 1.0, "python-docx", "docx", {"title": title} if title else {})


class Numbering:
    """The labels Word draws before numbered paragraphs, counted in document order."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}  # (numId, ilvl) -> def
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return  # no numbering part: nothing is numbered
        abstract = {a.get(_W + "abstractNumId"): a for a in root.iter(_W + "abstractNum")}
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            definition = abstract.get(ref.get(_W + "val")) if ref is not None else None
            if definition is None:
                continue
            for level in definition.iter(_W + "lvl"):
                start = _value(level, "start") or "1"
                self.levels[(num.get(_W + "numId"), int(level.get(_W + "ilvl", "0")))] = (
                    int(start) if start.isdigit() else 1,
                    _value(level, "numFmt") or "decimal",
                    _value(level, "lvlText") or "",
                )

    def label(self, paragraph) -> str:
        """The label of ``paragraph`` ("一、", "(二)", "3."), counting it; "" if none."""
        num_id, level = _numbering_of(paragraph)
        if num_id is None or (num_id, level) not in self.levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        start, kind, template = self.levels[(num_id, level)]
        if kind in ("bullet", "none") or not template:
            return ""
        text = template
        for shown in range(level, -1, -1):  # %1 .. %9: the counters of this level and above
            if f"%{shown + 1}" in text:
                first, shown_kind, _ = self.levels.get((num_id, shown), (1, "decimal", ""))
                value = counters[shown] + first - 1
                text = text.replace(f"%{shown + 1}", _format(value, shown_kind))
        return text


def _numbering_of(paragraph) -> tuple[str | None, int]:
    """(numId, level) of a paragraph: its own numbering, else its style's."""
    for properties in (paragraph._p.pPr, _style_properties(paragraph)):
        numbering = properties.find(_W + "numPr") if properties is not None else None
        if numbering is not None:
            num_id = numbering.find(_W + "numId")
            level = numbering.find(_W + "ilvl")
            if num_id is not None and num_id.get(_W + "val") != "0":
                depth = int(level.get(_W + "val")) if level is not None else 0
                return num_id.get(_W + "val"), depth
    return None, 0


def _style_properties(paragraph):
    style = paragraph.style
    return style.element.pPr if style is not None else None


def _value(element, name: str) -> str | None:
    child = element.find(_W + name)
    return child.get(_W + "val") if child is not None else None


def _format(number: int, kind: str) -> str:
    """A counter in a Word number format (the common ones; others as digits)."""
    if kind in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
                "taiwaneseCountingThousand", "japaneseCounting"):  # fmt: skip
        return _chinese(number, _DIGITS)
    if kind == "chineseLegalSimplified":
        return _chinese(number, _CAPITAL_DIGITS, ten="拾")
    if kind == "ideographTraditional" and 1 <= number <= len(_STEMS):
        return _STEMS[number - 1]
    if kind in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and (
            1 <= number <= len(_CIRCLED)):  # fmt: skip
        return _CIRCLED[number - 1]
    if kind in ("lowerLetter", "upperLetter") and 1 <= number <= 26:
        letter = chr(ord("a") + number - 1)
        return letter if kind == "lowerLetter" else letter.upper()
    if kind in ("lowerRoman", "upperRoman") and 1 <= number <= 39:
        roman = _roman(number)
        return roman.lower() if kind == "lowerRoman" else roman
    return str(number)


def _chinese(number: int, digits: str, ten: str = "十") -> str:
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else (ten if tens == 1 else digits[tens] + ten)
    return head + (digits[ones] if ones else "")


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out, number = out + letters, number - value
    return out
