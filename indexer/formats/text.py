"""Plain text: a text file's bytes -> its text, and how that text was decoded.

Input: bytes and the name of their source.
Output: ``DecodedText(text, encoding, confidence, method, format, hints)``.

The decision is kept on the record because a wrong guess is silent corruption: a user who
sees ``Big5 (0.74, chardet)`` next to a report can judge it; one who sees garbage cannot.

Order of decisions, most certain first:
1. a byte-order mark (UTF-8, UTF-16, UTF-32) is trusted;
2. bytes that are valid UTF-8 are UTF-8 (valid UTF-8 is almost never an accident);
3. otherwise chardet guesses, and the guess must decode the whole file strictly.
GB2312/GBK guesses are decoded as GB18030, their superset, so rare characters survive.

A caller may name a ``declared`` encoding (an HTML page's ``<meta charset>``); it is tried
after a BOM and valid UTF-8 and before chardet.

Empty files, binary files (NUL bytes without a UTF-16/32 mark) and files that do not decode
raise ``ReadError`` with a one-line reason; a caller reading many files reports it and goes on.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field

import chardet

from ..errors import ReadError

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
    confidence: float  # 1.0 for BOM, valid UTF-8 or a document format; chardet's otherwise
    method: str  # "bom", "utf-8", "meta charset", "chardet", or the format's library
    format: str = "text"  # "text", "html", "pdf" or "docx"
    # What the file says about itself beyond its text, for metadata: "title", "published"
    # (YYYY-MM-DD), "url".
    hints: dict = field(default_factory=dict)

    @property
    def is_html(self) -> bool:
        return self.format == "html"


def decode_bytes(data: bytes, source: str = "<bytes>", declared: str = "") -> DecodedText:
    """Decode a text file's bytes, or raise ReadError naming ``source`` and the reason."""
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
    for codec in _CODECS.get(declared.lower(), (declared,) if declared else ()):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue  # a wrong declaration is common; chardet decides then
        if _plausible_text(text):
            return DecodedText(text, codec, 1.0, "meta charset")
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


