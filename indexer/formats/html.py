"""HTML pages: a saved web page's bytes -> the report text in it, and what the page says
about itself.

Input: bytes and the name of their source. Output: ``DecodedText`` with ``format="html"``
and ``hints``: the page's title, publication date and address, when it carries them.

Government pages wrap a report in navigation, share bars, related links and footers. The
main content is taken with trafilatura (its text, one block a line); when it finds little
or nothing (a page that is all report, or a layout it does not know), every visible block
is kept instead and the cleaning stage removes the furniture it knows. The page's
``<meta charset>`` is respected. The title line comes first: the page's own heading, or its
``<title>`` with a site name cut off ("…的报告_某市人民政府" -> "…的报告").
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from .text import DecodedText, decode_bytes

SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_META = re.compile(r"<meta\s[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_CANONICAL = re.compile(r"""<link[^>]+rel=["']?canonical["']?[^>]*>""", re.I)
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_DATE = re.compile(r"((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
_SITE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|—|-{1}\s)\s*")
# <meta name=...> holding the publication date on Chinese government sites (and elsewhere).
_DATE_METAS = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "dc.date",
    "date",
    "lastmodifiedtime",
)
_MIN_SHARE = 0.25  # trafilatura must keep this share of the visible text, else keep all


def looks_like_html(data: bytes) -> bool:
    head = data.lstrip()[:300].lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:100]


def read_html(data: bytes, source: str) -> DecodedText:
    declared = _CHARSET.search(data[:4096])
    decoded = decode_bytes(data, source, declared.group(1).decode("ascii") if declared else "")
    markup = decoded.text
    visible = html_to_text(markup, with_title=False)
    main = _main_text(markup)
    body = main if main and len(main) >= _MIN_SHARE * len(visible) else visible
    hints = page_hints(markup)
    title = hints.get("title", "")
    if title and title not in body[: len(title) + 200]:
        body = title + "\n" + body
    return DecodedText(body, decoded.encoding, decoded.confidence, decoded.method, "html", hints)


def _main_text(markup: str) -> str:
    import trafilatura  # imported here: only HTML pages need it

    text = trafilatura.extract(markup, output_format="txt", include_tables=True,
                               include_comments=False, favor_recall=True,
                               deduplicate=False)  # fmt: skip
    return text or ""


def page_hints(markup: str) -> dict:
    """The page's title (site name cut off), publication date and address, where given."""
    hints: dict[str, str] = {}
    metas = {}
    for tag in _META.findall(markup):
        attributes = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                      for m in _ATTRIBUTE.finditer(tag)}  # fmt: skip
        key = (attributes.get("name") or attributes.get("property") or "").lower()
        if key and attributes.get("content"):
            metas.setdefault(key, html.unescape(attributes["content"]).strip())
    title = metas.get("articletitle") or metas.get("og:title") or ""
    if not title:
        found = _TITLE.search(markup)
        title = html.unescape(re.sub(r"\s+", " ", found.group(1))).strip() if found else ""
    if title:
        hints["title"] = _without_site_name(title)
    for key in _DATE_METAS:
        found = _DATE.search(metas.get(key, ""))
        if found:
            year, month, day = map(int, found.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                hints["published"] = f"{year:04d}-{month:02d}-{day:02d}"
                hints["published_from"] = f"the page's {key} meta tag"
                break
    url = metas.get("og:url", "")
    canonical = _CANONICAL.search(markup)
    if not url and canonical:
        found = re.search(r"""href=["']?([^"'\s>]+)""", canonical.group(0))
        url = found.group(1) if found else ""
    saved = _SAVED_FROM.search(markup[:2000])
    url = url or (saved.group(1) if saved else "")
    if url:
        hints["url"] = html.unescape(url)
    return hints


def _without_site_name(title: str) -> str:
    """ "关于…的报告_某市人民政府" -> "关于…的报告": the longest piece that reads like a
    report title, else the first piece."""
    pieces = [p for p in _SITE_SEPARATORS.split(title) if p.strip()]
    if len(pieces) < 2:
        return title
    reportish = [p for p in pieces if re.search(r"报告|報告|情况|情況|工作", p)]
    return max(reportish, key=len) if reportish else pieces[0]


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


def html_to_text(markup: str, with_title: bool = True) -> str:
    """HTML markup -> visible text, one block element per line; the <title> first unless
    ``with_title`` is False."""
    title = re.search(r"<title[^>]*>(.*?)</title>", markup, re.I | re.S)
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    body = "".join(parser.parts)
    lines = [line.strip() for line in body.splitlines()]
    text = "\n".join(line for line in lines if line)
    if title and with_title:
        heading = html.unescape(re.sub(r"\s+", " ", title.group(1))).strip()
        if heading and not text.startswith(heading):
            text = heading + "\n" + text
    return text
