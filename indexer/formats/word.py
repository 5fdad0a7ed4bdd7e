"""Word files (.docx): a DOCX's bytes -> the report's text, one paragraph a line.

Input: bytes and the name of their source. Output: ``DecodedText`` with ``format="docx"``
and the document's title as a hint, when its properties give one.

Paragraphs and tables are read in document order, straight from the body's XML (``w:p`` and
``w:tbl``, text from ``w:t``, tabs and breaks); a table row becomes one line, its cells
separated by tabs. Headings are paragraphs of their own, so they stay lines of their own.
Numbering that Word draws itself (a heading style numbered ``一、`` or ``(一)``, a numbered
list) is not in the paragraph's text: it is rendered here from the document's numbering
definitions, so numbered headings read as they print and the sections stage finds them.
Bullets are left out.

A DOCX is a zip archive, and a small one can unpack to gigabytes or to a million empty
paragraphs. Reading is bounded: the declared sizes of the parts read are checked before
anything is unpacked (MAX_XML_BYTES, MAX_RATIO), the body is parsed as a stream with the
paragraphs and elements counted (MAX_PARAGRAPHS, MAX_ELEMENTS), and each style is looked up
once. A file over a limit is refused with a ReadError naming the limit.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from ..errors import ReadError
from .text import DecodedText

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_DIGITS = "〇一二三四五六七八九"
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_LEVELS = [str(level) for level in range(9)]
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# The XML parts read (body, styles, numbering, properties) may unpack to this much in all:
# the body of a 1,000-page report is about 10 MB of XML; a bomb declares gigabytes.
MAX_XML_BYTES = 50 * 1024 * 1024
# Word's XML compresses 5-40 times (styles are the most repetitive); a part over 1 MB that
# unpacks to more than MAX_RATIO times its size is a bomb, not a document.
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024
# A long report has a few thousand paragraphs (tables' cells included); 48 KB of zip can
# hold 870,000 empty ones.
MAX_PARAGRAPHS = 100_000
# Elements of the body (runs, properties, cells …): some tens per paragraph.
MAX_ELEMENTS = 5_000_000

# Inside a paragraph, what is not its own text: drawings and text boxes (their paragraphs
# are counted apart, and Word stores each twice, as a choice and a fallback), deleted text,
# field instructions and properties.
_NOT_TEXT = {
    _W + "drawing",
    _W + "pict",
    _W + "object",
    _W + "del",
    _W + "pPr",
    _W + "rPr",
    _W + "txbxContent",
    _W + "instrText",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
}
_TEXT_OF = {
    _W + "tab": "\t",
    _W + "ptab": "\t",
    _W + "br": "\n",
    _W + "cr": "\n",
    _W + "noBreakHyphen": "-",
}


def looks_like_docx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False


def read_docx(data: bytes, source: str) -> DecodedText:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ReadError(source, f"unreadable Word file ({type(error).__name__}: {error})") from None
    with archive:
        body, parts = _parts(archive, source)
        _check_sizes(archive, [body, *parts.values()], source)
        styles = _style_numbering(_parse(archive, parts.get("styles")))
        numbering = Numbering(_parse(archive, parts.get("numbering")))
        lines = _body_lines(archive, body, styles, numbering, source)
        core = _parse(archive, parts.get("core"))
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise ReadError(source, "Word file without text")
    found = core.find(_DC_TITLE) if core is not None else None
    title = (found.text or "").strip() if found is not None else ""
    return DecodedText(text, "docx", 1.0, "lxml", "docx", {"title": title} if title else {})


def _parts(archive: zipfile.ZipFile, source: str) -> tuple[str, dict[str, str]]:
    """The body part's name, and those of its styles, numbering and core properties, from
    the package's relationships (Word's usual names when they say nothing)."""
    names = set(archive.namelist())
    package = _targets(archive, "_rels/.rels", "")
    body = package.get("officeDocument", "word/document.xml")
    if body not in names:
        raise ReadError(source, "not a Word document (no word/document.xml in it)")
    folder = posixpath.dirname(body)
    related = _targets(archive, posixpath.join(folder, "_rels", posixpath.basename(body) + ".rels"),
                       folder)  # fmt: skip
    parts = {"styles": related.get("styles", posixpath.join(folder, "styles.xml")),
             "numbering": related.get("numbering", posixpath.join(folder, "numbering.xml")),
             "core": package.get("core-properties", "docProps/core.xml")}  # fmt: skip
    return body, {kind: name for kind, name in parts.items() if name in names}


def _targets(archive: zipfile.ZipFile, rels: str, folder: str) -> dict[str, str]:
    """A relationships part: the last word of each type -> its target part's name."""
    if rels not in archive.namelist():
        return {}
    _check_sizes(archive, [rels], rels)
    root = _parse(archive, rels)
    targets = {}
    for relation in root.iter(_RELATIONSHIPS):
        kind = relation.get("Type", "").rsplit("/", 1)[-1]
        target = relation.get("Target", "")
        if relation.get("TargetMode") == "External" or not target:
            continue
        name = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets.setdefault(kind, posixpath.normpath(name))
    return targets


def _check_sizes(archive: zipfile.ZipFile, names: list[str], source: str) -> None:
    """Refuse, before unpacking, parts that declare more than the limits allow. (A part
    that declares less than it holds is cut at its declared size, and its checksum fails.)"""
    infos = [archive.getinfo(name) for name in names]
    total = sum(info.file_size for info in infos)
    if total > MAX_XML_BYTES:
        raise ReadError(source, f"its XML unpacks to {total / 1048576:,.0f} MB, over the "
                                f"{MAX_XML_BYTES / 1048576:g} MB limit (a zip bomb?)")  # fmt: skip
    for info in infos:
        ratio = info.file_size // max(1, info.compress_size)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise ReadError(source, f"{info.filename} is compressed {ratio:,} to 1, over the "
                                    f"limit of {MAX_RATIO} to 1 (a zip bomb?)")  # fmt: skip


def _parser():
    from lxml import etree  # imported here: only Word files need it

    # No entities, no DTDs, no network (XXE); lxml's default limits on depth and text size.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _parse(archive: zipfile.ZipFile, name: str | None):
    """A small part (styles, numbering, properties) as an lxml element; None if absent."""
    if name is None:
        return None
    from lxml import etree

    with archive.open(name) as stream:
        return etree.parse(stream, _parser()).getroot()


def _body_lines(archive, body: str, styles: dict, numbering: Numbering,
                source: str) -> list[str]:  # fmt: skip
    """The body's paragraphs and table rows, one a line, read as a stream: each of the
    body's children is read when it ends, then dropped, and every element is counted."""
    from lxml import etree

    lines: list[str] = []
    paragraphs = elements = 0
    with archive.open(body) as stream:
        for _event, element in etree.iterparse(stream, events=("end",), resolve_entities=False,
                                               no_network=True, load_dtd=False,
                                               huge_tree=False):  # fmt: skip
            elements += 1
            if element.tag == _W + "p":
                paragraphs += 1
                if paragraphs > MAX_PARAGRAPHS:
                    raise ReadError(source, f"over {MAX_PARAGRAPHS:,} paragraphs, the limit "
                                            "(a Word bomb?)")  # fmt: skip
            if elements > MAX_ELEMENTS:
                raise ReadError(source, f"over {MAX_ELEMENTS:,} XML elements, the limit "
                                        "(a Word bomb?)")  # fmt: skip
            parent = element.getparent()
            if parent is None or parent.tag != _W + "body":
                continue
            if element.tag == _W + "p":
                lines.append(numbering.label(element, styles) + paragraph_text(element).strip())
            elif element.tag == _W + "tbl":
                lines.extend(_table_lines(element))
            element.clear()  # read: its memory goes, and so do the siblings before it
            while element.getprevious() is not None:
                del parent[0]
    return lines


def paragraph_text(paragraph) -> str:
    """A paragraph's own text: its runs' text, tabs and breaks, links and fields' results
    included, text boxes and deleted text not."""
    out: list[str] = []
    _collect(paragraph, out)
    return "".join(out)


def _collect(element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag in _TEXT_OF:
            out.append(_TEXT_OF[tag])
        elif tag not in _NOT_TEXT and tag != _W + "p" and isinstance(tag, str):
            _collect(child, out)


def _table_lines(table) -> list[str]:
    """One line a row, cells apart by tabs; a merged cell's text once."""
    lines = []
    for row in table.iterchildren(_W + "tr"):
        cells = []
        for cell in row.iterchildren(_W + "tc"):
            cells.append("\n".join(paragraph_text(p) for p in cell.iterchildren(_W + "p")).strip())
        cells = list(dict.fromkeys(cells))  # cells merged across columns repeat their text
        lines.append("\t".join(cell for cell in cells if cell))
    return lines


def _style_numbering(root) -> dict[str | None, tuple[str, int] | None]:
    """Each paragraph style's numbering (numId, level), or None; the default paragraph
    style under the key None. Looked up once a document, not once a paragraph."""
    numbered: dict[str | None, tuple[str, int] | None] = {}
    if root is None:
        return numbered
    for style in root.iterchildren(_W + "style"):
        if style.get(_W + "type") != "paragraph":
            continue
        found = _numbering_in(style.find(_W + "pPr"))
        numbered[style.get(_W + "styleId")] = found
        if style.get(_W + "default") in ("1", "true", "on"):
            numbered[None] = found
    return numbered


def _numbering_in(properties) -> tuple[str, int] | None:
    """(numId, level) of a paragraph's or a style's properties, or None (numId 0 is none)."""
    numbering = properties.find(_W + "numPr") if properties is not None else None
    if numbering is None:
        return None
    num_id = numbering.find(_W + "numId")
    level = numbering.find(_W + "ilvl")
    if num_id is None or num_id.get(_W + "val") in (None, "0"):
        return None
    depth = level.get(_W + "val", "0") if level is not None else "0"
    return num_id.get(_W + "val"), int(depth) if depth in _LEVELS else 0


class Numbering:
    """The labels Word draws before numbered paragraphs, counted in document order."""

    def __init__(self, root):
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}  # (numId, ilvl) -> def
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return  # no numbering part: nothing is numbered
        abstract = {a.get(_W + "abstractNumId"): a for a in root.iter(_W + "abstractNum")}
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            definition = abstract.get(ref.get(_W + "val")) if ref is not None else None
            if definition is None:
                continue
            for level in definition.iter(_W + "lvl"):
                start = _value(level, "start") or "1"
                depth = level.get(_W + "ilvl", "0")
                if depth not in _LEVELS:
                    continue  # Word has nine levels, 0-8
                self.levels[(num.get(_W + "numId"), int(depth))] = (
                    int(start) if start.isdigit() else 1,
                    _value(level, "numFmt") or "decimal",
                    _value(level, "lvlText") or "",
                )

    def label(self, paragraph, styles: dict) -> str:
        """The label of the paragraph element ``paragraph`` ("一、", "(二)", "3."), counting
        it; "" if none. Its own numbering counts, else its style's (``styles``: see
        ``_style_numbering``)."""
        properties = paragraph.find(_W + "pPr")
        style = properties.find(_W + "pStyle") if properties is not None else None
        found = _numbering_in(properties) or styles.get(
            style.get(_W + "val") if style is not None else None
        )
        if found is None or found not in self.levels:
            return ""
        num_id, level = found
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
