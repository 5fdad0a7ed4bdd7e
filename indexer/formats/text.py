"""Plain text: a text file's bytes -> its text, and how that text was decoded.

Input: bytes and the name of their source.
Output: ``DecodedText(text, encoding, confidence, method, format, hints)``.

The decision is kept on the record because a wrong guess is silent corruption: a user who
sees ``Big5 (0.74, chardet)`` next to a report can judge it; one who sees garbage cannot.

Order of decisions, most certain first:
1. a byte-order mark (UTF-8, UTF-16, UTF-32) is trusted;
2. bytes that are valid UTF-8 are UTF-8 (valid UTF-8 is almost never an accident);
3. otherwise chardet guesses; a confident guess that decodes the whole file strictly into
   plausible Chinese is taken. GB2312/GBK guesses are decoded as GB18030, their superset, so
   rare characters survive;
4. otherwise (chardet unsure, or its reading is not Chinese) every likely reading competes:
   UTF-8, GB18030, Big5, chardet's guess and UTF-8/GB18030 line by line, each with its bad
   bytes replaced and counted. The one that reads most like a Chinese report wins (share of
   common Chinese characters, less a cost per bad byte), and its bad bytes become a warning
   with their offsets. If none reads as Chinese, the file is refused with the best try named.

A caller may name a ``declared`` encoding (an HTML page's ``<meta charset>``); it is tried
after a BOM and valid UTF-8 and before chardet.

Empty files, binary files (NUL bytes without a UTF-16/32 mark) and files that do not decode
raise ``ReadError`` with a one-line reason; a caller reading many files reports it and goes on.
"""

from __future__ import annotations

import codecs
import contextlib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

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
    # What the reader could not read as it was ("3 bad bytes at offsets …, replaced").
    warnings: tuple[str, ...] = ()

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
    if b"\x00" in data:
        # Text with NUL bytes and no byte-order mark is UTF-16 saved without one, or binary;
        # chardet is not asked (its versions disagree on such bytes).
        for codec in ("utf-16-le", "utf-16-be"):
            if reading := _chinese_reading(data, codec):
                text, share = reading
                return DecodedText(text, codec, round(share, 3), "utf-16 (no BOM)")
        raise ReadError(source, "binary file (contains NUL bytes), not a text report")
    guess = chardet.detect(data[:CHARDET_SAMPLE])
    name = (guess.get("encoding") or "").lower()
    confidence = float(guess.get("confidence") or 0.0)
    if confidence >= CHARDET_FLOOR and name and not name.startswith(("utf-8", "ascii")):
        for codec in _CODECS.get(name, (name,)):
            if reading := _chinese_reading(data, codec):
                return DecodedText(reading[0], codec, round(confidence, 3), "chardet")
    return _best_reading(data, source, name, confidence, utf8_error)


def _chinese_reading(data: bytes, codec: str) -> tuple[str, float] | None:
    """(text, share of common Chinese characters) when ``data`` decodes strictly with
    ``codec`` into plausible text with at least CHINESE_FLOOR of them; else None."""
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    share = chinese_share(text) if _plausible_text(text) else 0.0
    return (text, share) if share >= CHINESE_FLOOR else None


# chardet reads this much: enough to be sure, and chardet is slow on megabytes.
CHARDET_SAMPLE = 256 * 1024
# Below this confidence chardet's guess is one candidate among others, not the answer (the
# audit saw cp737 and ibm855 at 0.03-0.09 for damaged UTF-8).
CHARDET_FLOOR = 0.5
# A report read right has nearly all its non-ASCII characters among the common Chinese
# characters and punctuation (0.97-1.0 on the seeds, GBK and Big5 alike); mojibake has
# 0.0-0.4 (UTF-8 bytes read as GBK, GBK read as Latin-1, Latin-1 read as anything).
CHINESE_FLOOR = 0.6
# A wrong codec meets bad bytes everywhere: stop counting and give up on it here.
MAX_BAD_BYTES = 2000


@dataclass
class _Candidate:
    codec: str
    text: str
    bad: list[int]  # offsets of the bytes it could not decode (replaced by U+FFFD)
    share: float = 0.0

    @property
    def score(self) -> float:
        # A few bad bytes in a long report cost little; a codec that meets them everywhere
        # loses to any that reads the file.
        return self.share - 5 * len(self.bad) / max(1, len(self.text))


def _best_reading(data: bytes, source: str, guess: str, confidence: float,
                  utf8_error: UnicodeDecodeError) -> DecodedText:  # fmt: skip
    """The encoding under which the bytes read most like a Chinese report: UTF-8, GB18030,
    Big5, chardet's guess, and UTF-8 and GB18030 line by line (a file pasted together from
    two), each with its bad bytes replaced and counted. Raises ReadError if none is."""
    codecs_to_try = ["utf-8", "gb18030", "cp950", "big5hkscs"]
    codecs_to_try += [c for c in _CODECS.get(guess, (guess,)) if c and c not in codecs_to_try]
    candidates = [c for c in (_decode_counting(data, codec) for codec in codecs_to_try) if c]
    candidates.append(_by_line(data))
    for candidate in candidates:
        candidate.share = chinese_share(candidate.text)
    best = max(candidates, key=lambda c: c.score)
    if best.score < CHINESE_FLOOR or not _plausible_text(best.text):
        reason = (
            _describe(utf8_error, "utf-8", data)
            if best.codec == "utf-8" and best.bad
            else "no encoding reads it as Chinese text"
        )
        raise ReadError(source, f"{reason} (best: {best.codec}, {best.share:.0%} common "
                                f"Chinese characters; chardet: {guess or 'no guess'} "
                                f"{confidence:.2f})")  # fmt: skip
    warnings = []
    if best.bad and best.bad[0] >= len(data) - 4:
        warnings.append(f"truncated multi-byte character at end of file (byte {best.bad[0]}, "
                        f"{best.codec}); replaced by U+FFFD")  # fmt: skip
    elif best.bad:
        shown = ", ".join(str(offset) for offset in best.bad[:5])
        more = " …" if len(best.bad) > 5 else ""
        warnings.append(f"{len(best.bad)} bad bytes at offsets {shown}{more} "
                        f"(not valid {best.codec}; replaced by U+FFFD)")  # fmt: skip
    if "+" in best.codec:
        warnings.append(f"mixed encodings: read line by line as {best.codec.replace('+', ' and ')}")
    method = f"best of {len(candidates)} readings (chardet: {guess or 'no guess'} {confidence:.2f})"
    return DecodedText(best.text, best.codec, round(best.share, 3), method,
                       warnings=tuple(warnings))  # fmt: skip


def _decode_counting(data: bytes, codec: str) -> _Candidate | None:
    """``data`` decoded with ``codec``, each undecodable byte run replaced and its offset
    kept; None if the codec is unknown or meets more than MAX_BAD_BYTES bad bytes."""
    parts, bad, start = [], [], 0
    try:
        codecs.lookup(codec)
    except LookupError:
        return None
    while True:
        try:
            parts.append(data[start:].decode(codec))
            break
        except UnicodeDecodeError as error:
            parts.append(data[start : start + error.start].decode(codec))
            bad.extend(range(start + error.start, start + error.end))
            if len(bad) > MAX_BAD_BYTES:
                return None
            parts.append("\ufffd")
            start += error.end
    return _Candidate(codec, "".join(parts), bad)


def _by_line(data: bytes) -> _Candidate:
    """Each line as UTF-8 if it is valid UTF-8, else as GB18030: a file pasted together
    from a UTF-8 and a GBK file."""
    lines, bad, offset = [], [], 0
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            counted = _decode_counting(line, "gb18030")
            if counted is None:
                lines.append(line.decode("gb18030", "replace"))
                bad.extend(range(offset, offset + len(line)))
            else:
                lines.append(counted.text)
                bad.extend(offset + b for b in counted.bad)
        offset += len(line) + 1
    return _Candidate("utf-8+gb18030", "\n".join(lines), bad)


@lru_cache(maxsize=1)
def _common_chinese() -> frozenset[str]:
    """The 3,755 common characters of GB2312 (level 1) and the 5,401 of Big5 (its
    frequently used level), so Simplified and Traditional reports score alike."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([lead, trail]).decode("gb2312"))
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([lead, trail]).decode("big5"))
    return frozenset(chars)


def chinese_share(text: str) -> float:
    """Of a text's non-ASCII characters, the share that are common Chinese characters or
    CJK and full-width punctuation: near 1 for a report read right, low for mojibake."""
    sample = text[:200_000]
    others = [char for char in sample if ord(char) >= 0x80 and not char.isspace()]
    if not others:
        return 0.0
    common = _common_chinese()
    good = sum(
        1
        for char in others
        if char in common
        or 0x3000 <= ord(char) <= 0x303F
        or 0xFF00 <= ord(char) <= 0xFFEF
        or char in "“”‘’—…·"
    )
    return good / len(others)


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
