"""Reading: a report file's bytes -> its text, and how that text was decoded.

Input: bytes and the name of their source.
Output: ``DecodedText(text, encoding, confidence, method, is_html)``.

The decision is kept on the record because a wrong guess is silent corruption: a user who
sees ``Big5 (0.74, chardet)`` next to a report can judge it; one who sees garbage cannot.

Order of decisions, most certain first:
1. a byte-order mark (UTF-8, UTF-16, UTF-32) is trusted;
2. bytes that are valid UTF-8 are UTF-8 (valid UTF-8 is almost never an accident);
3. otherwise chardet guesses, and the guess must decode the whole file strictly.
GB2312/GBK guesses are decoded as GB18030, their superset, so rare characters survive.

Empty files, binary files (NUL bytes without a UTF-16/32 mark) and files that do not decode
raise ``ReadError`` with a one-line reason; a caller reading many files reports it and goes on.
HTML pages (by suffix or by content) have scripts, styles and tags removed, keeping line
breaks at block elements so that headings stay on lines of their own.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import chardet

from .errors import ReadError

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

_BOMS = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# chardet names -> the codecs we try, in order. Supersets first, so that a file chardet calls
# GB2312 but which uses a GBK/GB18030 character still decodes; Big5 files are usually written
# by Windows (cp950), with Hong Kong's HKSCS as the fallback.
_CODECS = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs",),
}


@dataclass(frozen=True)
class DecodedText:
    """A report's text and the reading decision behind it."""

    text: str
    encoding: str  # the codec used, e.g. "utf-8", "gb18030", "big5hkscs", "utf-16"
    confidence: float  # 1.0 for BOM or valid UTF-8; chardet's confidence otherwise
    method: str  # "bom", "utf-8", or "chardet"
    is_html: bool = False


def decode_bytes(data: bytes, source: str = "<bytes>") -> DecodedText:
    """Decode a report's bytes, or raise ReadError naming ``source`` and the reason."""
    if not data.strip():
        raise ReadError(source, "empty file")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return DecodedText(_strict(data, codec, source), codec, 1.0, "bom")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    else:
        if not _plausible_text(text):
            raise ReadError(source, "binary file (control characters), not a text report")
        return DecodedText(text, "utf-8", 1.0, "utf-8")
    guess = chardet.detect(data)
    name = (guess.get("encoding") or "").lower()
    confidence = float(guess.get("confidence") or 0.0)
    if b"\x00" in data and not name.startswith(("utf-16", "utf-32")):
        raise ReadError(source, "binary file (contains NUL bytes), not a text report")
    if not name:
        raise ReadError(source, "cannot tell the text encoding (chardet has no guess)")
    if name in ("utf-8", "ascii") or name.startswith("utf-8"):
        # chardet agrees it is UTF-8, which we already know does not decode.
        raise ReadError(source, _describe(utf8_error, "utf-8", data))
    codecs_to_try = _CODECS.get(name, (name,))
    for codec in codecs_to_try:
        try:
            codecs.lookup(codec)
        except LookupError:
            raise ReadError(source, f"unsupported encoding {name!r}") from None
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            if codec == codecs_to_try[-1]:
                raise ReadError(source, _describe(error, codec, data)) from None
            continue
        if not _plausible_text(text):
            raise ReadError(source, f"binary file, not a text report (no sense as {codec})")
        return DecodedText(text, codec, round(confidence, 3), "chardet")
    raise AssertionError("unreachable: the loop returns or raises")


def _plausible_text(text: str) -> bool:
    """Text, not binary that happened to decode: almost no control or unassigned characters."""
    odd = sum(
        1
        for char in text
        if unicodedata.category(char) in ("Cc", "Cn", "Co") and char not in "\n\r\t\x0c"
    )
    return odd <= len(text) / 100


def _strict(data: bytes, codec: str, source: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ReadError(source, _describe(error, codec, data)) from None


def _describe(error: UnicodeDecodeError, codec: str, data: bytes) -> str:
    if error.end >= len(data) - 1 and error.start >= len(data) - 4:
        return (
            f"truncated multi-byte character at end of file (byte {error.start}, "
            f"decoding as {codec})"
        )
    return f"not valid {codec} at byte {error.start} ({error.reason})"


def read_decoded(decoded: DecodedText, source: str, is_html: bool | None = None) -> DecodedText:
    """A decoded file -> the report text in it: HTML pages (by ``source``'s suffix or by their
    content, unless ``is_html`` says) come back as their visible text."""
    if is_html is None:
        is_html = Path(source).suffix.lower() in HTML_SUFFIXES or _looks_like_html(decoded.text)
    if not is_html:
        return decoded
    return DecodedText(
        html_to_text(decoded.text), decoded.encoding, decoded.confidence, decoded.method, True
    )


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "title",
    "td",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """HTML markup -> visible text, one block element per line. The <title> is kept."""
    title = re.search(r"<title[^>]*>(.*?)</title>", markup, re.I | re.S)
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    body = "".join(parser.parts)
    lines = [line.strip() for line in body.splitlines()]
    text = "\n".join(line for line in lines if line)
    if title:
        heading = html.unescape(re.sub(r"\s+", " ", title.group(1))).strip()
        if heading and not text.startswith(heading):
            text = heading + "\n" + text
    return text
