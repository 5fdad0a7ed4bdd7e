"""indexer.formats and the reading registry, on files made by real tools: a government-style
HTML page, a PDF written by reportlab with an embedded CJK font (Debian's fonts-wqy-zenhei),
and a DOCX written by python-docx. Each must be searchable with its furniture gone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportsearch.indexer.errors import ReadError
from reportsearch.indexer.pipeline import ingest_bytes
from reportsearch.indexer.reading import read_bytes
from reportsearch.indexer.store import IndexStore
from reportsearch.query import open_index

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

TITLE = "遂宁市人民政府关于2023年度法治政府建设情况的报告"
PARAGRAPHS = [
    "2023年,在市委坚强领导下,我市深入学习贯彻习近平法治思想,全面推进法治政府建设,"
    "各项工作取得新成效。现将有关情况报告如下。",
    "一、主要举措和成效",
    "(一)坚持公正文明执法。推行包容审慎监管和柔性执法,制定不予处罚事项清单,全年办理行政复议"
    "案件128件,行政机关负责人出庭应诉率达到100%,推动执法能力持续提升,群众满意度明显提高。",
    "(二)健全依法决策机制。严格落实重大行政决策程序规定,全年审查重大行政决策事项21件。",
    "二、存在的问题",
    "基层执法队伍专业化水平仍需提升,法治宣传的针对性还不够强。",
]

PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>{TITLE}_遂宁市人民政府</title>
<meta name="PubDate" content="2024-02-07 10:30">
<link rel="canonical" href="https://www.suining.gov.cn/zwgk/202402/t20240207_1.html">
</head><body>
<div class="top">2020年1月6日 星期一 <a href="/">无障碍</a> <a href="/">长者模式</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/hdjl">互动交流</a></li><li><a href="/bsfw">办事服务</a></li></ul>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<div class="article">
<h1>{TITLE}</h1>
<div class="info">发布时间：2024-02-07 来源：市司法局 浏览次数：1024</div>
<div class="content">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div>
<div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
</div>
<div class="related"><h3>相关链接</h3><ul>
<li><a href="/a">关于印发某某工作方案的通知</a></li>
<li><a href="/b">市政府常务会议召开</a></li></ul></div>
<div class="footer">主办单位：遂宁市人民政府办公室 网站标识码：5109000001 蜀ICP备05000000号
<script>var _hmt = "tracking";</script></div>
</body></html>"""


def test_html_page_keeps_the_report_and_drops_the_furniture():
    decoded = read_bytes(PAGE.encode("utf-8"), "reports/page.html")
    assert decoded.format == "html"
    text = decoded.text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for furniture in ("无障碍", "互动交流", "分享到", "相关链接", "ICP", "tracking",
                      "市政府常务会议召开"):  # fmt: skip
        assert furniture not in text, furniture
    assert text.splitlines()[0] == TITLE  # the site name is cut off the title
    assert decoded.hints["published"] == "2024-02-07"
    assert decoded.hints["url"].startswith("https://www.suining.gov.cn/zwgk/202402/")
    report = ingest_bytes(PAGE.encode("utf-8"), "reports/page.html", "page")
    assert report.metadata.title == TITLE
    assert report.metadata.year == 2023  # not 2020 from the stale clock, not 2024
    assert report.summary()["format"] == "html"


def test_html_meta_charset_is_respected():
    page = PAGE.replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030")
    decoded = read_bytes(page, "page.htm")
    assert decoded.method == "meta charset" and decoded.encoding == "gb18030"
    assert PARAGRAPHS[2] in decoded.text


def make_pdf(pages: list[list[str]]) -> bytes:
    pytest.importorskip("reportlab")
    if not CJK_FONT.exists():
        pytest.fail("the PDF test needs Debian's fonts-wqy-zenhei (installed by .ci/run)")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("zenhei", str(CJK_FONT), subfontIndex=0))
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    for number, lines in enumerate(pages, start=1):
        document.setFont("zenhei", 11)
        document.drawString(60, 800, "遂宁市人民政府文件")  # running header
        for row, line in enumerate(lines):
            document.drawString(60, 760 - 18 * row, line)
        document.drawString(290, 40, f"- {number} -")  # page number
        document.showPage()
    document.save()
    return buffer.getvalue()


def laid_out(paragraphs: list[str], width: int = 30) -> list[str]:
    """Paragraphs as a PDF lays them out: wrapped every ``width`` characters."""
    return [p[i : i + width] for p in paragraphs for i in range(0, len(p), width)]


def test_pdf_paragraphs_are_rejoined_and_running_furniture_dropped():
    lines = [TITLE[:20], TITLE[20:]] + laid_out(PARAGRAPHS)
    pages = [lines[:8], lines[8:16], lines[16:]]  # the 3rd paragraph crosses a page break
    decoded = read_bytes(make_pdf(pages), "reports/report.pdf")
    assert decoded.format == "pdf" and decoded.method == "pypdf"
    text = decoded.text
    assert "遂宁市人民政府文件" not in text and "- 2 -" not in text
    for paragraph in PARAGRAPHS:
        assert paragraph in text.splitlines(), paragraph  # one line each, rejoined
    report = ingest_bytes(make_pdf(pages), "reports/report.pdf", "report")
    assert [h.text for h in report.headings][:2] == ["一、主要举措和成效", "(一)坚持公正文明执法"]


def test_pdf_without_text_is_refused_with_what_to_do():
    with pytest.raises(ReadError, match="OCR"):
        read_bytes(make_pdf([["123"]]), "scan.pdf")
    with pytest.raises(ReadError, match="unreadable PDF"):
        read_bytes(b"%PDF-1.4 garbage", "broken.pdf")


def make_docx() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = TITLE
    document.add_heading(TITLE, level=1)
    for paragraph in PARAGRAPHS:
        if paragraph.startswith(("一、", "二、")):
            document.add_heading(paragraph, level=2)
        else:
            document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    for (row, col), value in {(0, 0): "指标", (0, 1): "数值", (1, 0): "出庭应诉率",
                              (1, 1): "100%"}.items():  # fmt: skip
        table.cell(row, col).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_keeps_headings_paragraphs_and_tables_in_order():
    decoded = read_bytes(make_docx(), "reports/report.docx")
    assert decoded.format == "docx" and decoded.hints["title"] == TITLE
    lines = decoded.text.splitlines()
    assert lines[0] == TITLE and lines[1:7] == PARAGRAPHS
    assert lines[-1] == "出庭应诉率\t100%"
    report = ingest_bytes(make_docx(), "reports/report.docx", "report")
    assert report.metadata.year == 2023 and report.metadata.city == "遂宁市"


def test_the_registry_sniffs_and_refuses_with_what_to_convert_to():
    assert read_bytes(make_docx(), "no-suffix").format == "docx"
    assert read_bytes(PAGE.encode(), "saved.txt").format == "html"  # text files are sniffed
    assert read_bytes(PAGE.encode(), "page").format == "html"
    assert read_bytes("一、总体情况".encode(), "plain.txt").format == "text"
    for name, advice in (("old.doc", "save it as .docx"), ("scan.jpg", "OCR"),
                         ("data.xlsx", "spreadsheet"), ("bundle.zip", "unpack")):  # fmt: skip
        with pytest.raises(ReadError, match=advice) as error:
            read_bytes(b"anything", name)
        assert name in str(error.value) and "\n" not in str(error.value)


def test_every_format_is_searchable_in_one_index(tmp_path):
    source = tmp_path / "reports"
    source.mkdir()
    (source / "page.html").write_text(PAGE, "utf-8")
    lines = laid_out(PARAGRAPHS)
    (source / "from-pdf.pdf").write_bytes(make_pdf([[TITLE] + lines[:10], lines[10:]]))
    (source / "from-word.docx").write_bytes(make_docx())
    (source / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 not readable here")
    summary = IndexStore(tmp_path / "index").update([source])
    assert [Path(e.path).name for e in summary.skipped] == ["old.doc"]
    with open_index(tmp_path / "index") as index:
        # a sentence that a PDF wraps over two lines is found whole
        result = index.search("推行包容审慎监管和柔性执法,制定不予处罚事项清单", limit=0)
        assert sorted(hit.report for hit in result.hits) == ["from-pdf", "from-word", "page"]
        formats = {row["report"]: row["format"] for row in index.reports()}
    assert sorted(formats.values()) == ["docx", "html", "pdf"]


def numbered_docx() -> bytes:
    """A DOCX whose headings are numbered by Word (一、 and (一)), not typed."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    document = docx.Document()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="(%2)"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
            '<w:lvlText w:val="•"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(
        parse_xml(f'<w:num xmlns:w="{w}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )

    def numbered(text: str, level: int):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
        )

    document.add_paragraph(TITLE)
    numbered("主要举措和成效", 0)
    numbered("坚持公正文明执法", 1)
    document.add_paragraph("推行包容审慎监管和柔性执法。")
    numbered("健全依法决策机制", 1)
    numbered("一个要点", 2)
    numbered("存在的问题", 0)
    numbered("执法队伍建设", 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_numbering_drawn_by_word_is_kept():
    lines = read_bytes(numbered_docx(), "numbered.docx").text.splitlines()
    assert lines[1:] == [
        "一、主要举措和成效", "(一)坚持公正文明执法", "推行包容审慎监管和柔性执法。",
        "(二)健全依法决策机制", "一个要点", "二、存在的问题", "(一)执法队伍建设",
    ]  # fmt: skip
    report = ingest_bytes(numbered_docx(), "numbered.docx", "numbered")
    assert [h.text for h in report.headings][:3] == [
        "一、主要举措和成效",
        "(一)坚持公正文明执法",
        "(二)健全依法决策机制",
    ]


def test_pdf_font_switch_spaces_are_removed():
    # LibreOffice sets digits in a Latin font; pypdf then reads "2023 年" and "128 件".
    from reportsearch.indexer.formats.pdf import join_pages

    text = join_pages(["关于2023 年度法治政府建设情况的报告\n办理案件128 件,占比 95%。\nWord 文档"])
    for written in ("关于2023年度法治政府", "办理案件128件,占比95%。", "Word文档"):
        assert written in text
