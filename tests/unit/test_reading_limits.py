"""Reading hostile files: whatever a reader library raises, and however large a file grows
once unpacked, ``read_bytes`` answers with the report text or a one-line, picklable
``ReadError``; sidecars are read only when they are small regular files.

Every hostile file is made small, here, by the test."""

from __future__ import annotations

import io
import pickle
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportsearch.indexer import reading
from reportsearch.indexer.errors import ReadError
from reportsearch.indexer.reading import read_bytes
from test_formats import PAGE, make_docx, make_pdf

REPORT = "遂宁市人民政府关于2023年度法治政府建设情况的报告\n" + (
    "全面推进依法行政,推行包容审慎监管和柔性执法,全年办理行政复议案件128件。\n" * 5
)


def _one_line_read_error(call) -> ReadError:
    """The ReadError ``call`` raises, checked to be one line and to survive pickling."""
    with pytest.raises(ReadError) as caught:
        call()
    error = caught.value
    assert "\n" not in str(error) and len(error.reason) < 300
    assert error.__cause__ is None and error.__suppress_context__
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy)) == (type(error), str(error))
    return error


def rezipped(data: bytes, change) -> bytes:
    """A zip with each member's bytes passed through ``change(name, bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, change(info.filename, source.read(info)))
    return out.getvalue()


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with a right xref."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_a_docx_cut_in_half_is_a_read_error():
    cut = rezipped(
        make_docx(),
        lambda name, data: data[: len(data) // 2] if name == "word/document.xml" else data,
    )
    error = _one_line_read_error(lambda: read_bytes(cut, "reports/cut.docx"))
    assert error.path == "reports/cut.docx" and "DOCX" in error.reason


def test_a_pdf_whose_stream_length_points_at_itself_is_a_read_error():
    looping = pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 4 0 R >> >> >>",
            b"<< /Length 4 0 R /Type /Font /Subtype /Type0 /ToUnicode 4 0 R >>\n"
            b"stream\nBT /F1 12 Tf (hello) Tj ET\nendstream",
        ]
    )
    error = _one_line_read_error(lambda: read_bytes(looping, "reports/loop.pdf"))
    assert "PDF" in error.reason


@pytest.mark.parametrize(
    "raised",
    [
        RecursionError("maximum recursion depth exceeded"),
        MemoryError(),
        KeyError("word/document.xml"),
        ValueError("line one\nline two " + "x" * 2000),
    ],
)
@pytest.mark.parametrize("suffix, kind", [(".pdf", "PDF"), (".docx", "DOCX"), (".html", "HTML")])
def test_whatever_a_reader_raises_becomes_a_read_error(monkeypatch, raised, suffix, kind):
    class Unpicklable(type(raised)):
        def __reduce__(self):
            raise TypeError("cannot pickle this")

    def broken(data, source):
        try:
            raise Unpicklable(*raised.args)
        except Exception as error:
            raise error from RuntimeError("the cause")

    monkeypatch.setitem(reading.READERS, suffix, broken)
    error = _one_line_read_error(lambda: read_bytes(b"bytes", "r/x" + suffix))
    assert error.reason.startswith(f"could not read this {kind}: Unpicklable")


def _mutated(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in cuts:
        out[position % len(out)] = value
    return bytes(out)


_HOSTILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_HOSTILE
@given(
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    length=st.floats(0.05, 1.0),
)
def test_any_damage_to_a_docx_pdf_html_or_text_is_text_or_a_read_error(cuts, length):
    for data, name in (
        (DOCX_BYTES, "r.docx"),
        (PDF_BYTES, "r.pdf"),
        (PAGE.encode(), "r.html"),
        (REPORT.encode("gb18030"), "r.txt"),
    ):
        damaged = _mutated(data, cuts)[: max(1, int(len(data) * length))]
        try:
            read_bytes(damaged, name)
        except ReadError as error:
            assert "\n" not in str(error)
            pickle.dumps(error)


DOCX_BYTES = make_docx()
PDF_BYTES = make_pdf([REPORT.splitlines()])


# --- DOCX (and any zip) bombs: sizes checked before unpacking, paragraphs counted -----------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _with_document(body: bytes) -> bytes:
    """The test DOCX with its document.xml's body replaced by ``body``."""

    def change(name, data):
        if name != "word/document.xml":
            return data
        head = data[: data.index(b"<w:body>") + len(b"<w:body>")]
        return head + body + b"</w:body></w:document>"

    return rezipped(DOCX_BYTES, change)


def test_a_docx_that_unpacks_past_the_size_limit_is_refused(monkeypatch):
    from reportsearch.indexer.formats import word

    padding = b" " * (word.MAX_XML_BYTES + 1)  # compresses a thousandfold
    bomb = _with_document(b"<w:p><w:r><w:t>" + REPORT.encode() + b"</w:t></w:r></w:p>" + padding)
    assert len(bomb) < 200_000
    error = _one_line_read_error(lambda: read_bytes(bomb, "bomb.docx"))
    assert "MB" in error.reason and "limit" in error.reason


def test_a_docx_member_compressed_past_the_ratio_limit_is_refused():
    padding = b" " * 3_000_000
    bomb = _with_document(b"<w:p><w:r><w:t>" + REPORT.encode() + b"</w:t></w:r></w:p>" + padding)
    error = _one_line_read_error(lambda: read_bytes(bomb, "ratio.docx"))
    assert "compressed" in error.reason and "limit" in error.reason


def test_a_docx_of_a_million_empty_paragraphs_is_refused_quickly():
    import time

    from reportsearch.indexer.formats import word

    bomb = _with_document(b"<w:p/>" * (word.MAX_PARAGRAPHS + 10))
    started = time.monotonic()
    error = _one_line_read_error(lambda: read_bytes(bomb, "many.docx"))
    assert "paragraphs" in error.reason and f"{word.MAX_PARAGRAPHS:,}" in error.reason
    assert time.monotonic() - started < 10


def test_docx_runs_tabs_breaks_links_and_style_numbering_are_read():
    body = (
        b'<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>'
        + "主要举措".encode()
        + b"</w:t></w:r></w:p>"
        b"<w:p><w:r><w:t>" + "全年办理".encode() + b"</w:t></w:r><w:r><w:tab/></w:r>"
        b'<w:hyperlink r:id="rId9"><w:r><w:t>' + "行政复议".encode() + b"</w:t></w:r></w:hyperlink>"
        b'<w:r><w:br/><w:t xml:space="preserve">' + "案件128件。".encode() + b"</w:t></w:r>"
        b"<w:r><w:delText>" + "删除的字".encode() + b"</w:delText></w:r></w:p>"
    )

    def change(name, data):
        if name == "word/styles.xml":
            numbered = (
                f'<w:style xmlns:w="{_W}" w:type="paragraph" w:styleId="Heading2">'
                '<w:name w:val="heading 2"/><w:pPr><w:numPr><w:numId w:val="77"/>'
                "</w:numPr></w:pPr></w:style>"
            ).encode()
            data = data.replace(b'w:styleId="Heading2"', b'w:styleId="Heading2old"')
            return data.replace(b"</w:styles>", numbered + b"</w:styles>")
        if name == "word/numbering.xml":
            return data.replace(
                b"</w:numbering>",
                (
                    f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="77"><w:lvl w:ilvl="0">'
                    '<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                    '<w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
                    f'<w:num xmlns:w="{_W}" w:numId="77"><w:abstractNumId w:val="77"/></w:num>'
                    "</w:numbering>"
                ).encode(),
            )
        return data

    document = rezipped(_with_document(body), change)
    assert read_bytes(document, "runs.docx").text.splitlines() == [
        "一、主要举措",
        "全年办理\t行政复议",
        "案件128件。",
    ]


# --- PDF: page count, nesting, and pypdf's notes kept off the terminal ----------------------


def test_a_pdf_of_more_pages_than_the_limit_is_refused():
    from reportsearch.indexer.formats import pdf as pdf_format

    pages = pdf_format.MAX_PAGES + 1
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(pages))
    many = pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            b"<< /Length 0 >>\nstream\n\nendstream",
        ]
        + [b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"] * pages
    )
    error = _one_line_read_error(lambda: read_bytes(many, "many.pdf"))
    assert f"{pages:,} pages" in error.reason and f"{pdf_format.MAX_PAGES:,}" in error.reason


def test_a_pdf_nested_a_hundred_thousand_deep_is_a_read_error():
    deep = pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100_000 + b"]" * 100_000 + b" >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
        ]
    )
    _one_line_read_error(lambda: read_bytes(deep, "deep.pdf"))


def test_pypdf_notes_on_a_damaged_pdf_become_one_warning_not_terminal_lines(capfd):
    import re

    from test_formats import PARAGRAPHS, laid_out, make_pdf

    good = make_pdf([laid_out(PARAGRAPHS)])
    # every xref offset three bytes off: pypdf says so (a dozen lines) and finds the objects
    damaged = re.sub(rb"\n(\d{10}) 00000 n", lambda m: b"\n%010d 00000 n" % (int(m[1]) + 3), good)
    decoded = read_bytes(damaged, "damaged.pdf")
    assert PARAGRAPHS[0] in decoded.text
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    assert len(decoded.warnings) == 1 and "pypdf" in decoded.warnings[0]
    assert "\n" not in decoded.warnings[0]


# --- HTML: depth ------------------------------------------------------------------------------


@pytest.mark.parametrize("closed", [True, False])
def test_html_nested_a_hundred_thousand_deep_is_read_in_bounded_time(closed):
    import time

    inner = "<p>" + "全面推进依法行政,推行柔性执法。" * 5 + "</p>"
    page = (
        "<html><head><title>某市2022年法治政府建设年度报告</title></head><body>"
        + "<div><span>" * 50_000
        + inner
        + ("</span></div>" * 50_000 if closed else "")
        + "</body></html>"
    ).encode()
    started = time.monotonic()
    try:
        decoded = read_bytes(page, "deep.html")
    except ReadError as error:
        assert "\n" not in str(error)
    else:
        assert "推行柔性执法" in decoded.text
    assert time.monotonic() - started < 20


# --- sidecars: small regular files only, flat JSON ----------------------------------------------


def _sidecar_error(path) -> str:
    """read_sidecar(path)'s SidecarError reason, the call run in a thread so that a FIFO that
    blocks fails the test instead of hanging it."""
    import threading

    from reportsearch.indexer.errors import SidecarError
    from reportsearch.indexer.sidecars import read_sidecar

    outcome: list = []

    def run():
        try:
            outcome.append(read_sidecar(path))
        except BaseException as error:  # noqa: BLE001 - what it raised is the outcome
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert outcome, "read_sidecar blocked"
    error = outcome[0]
    assert isinstance(error, SidecarError), error
    assert "\n" not in str(error) and error.__cause__ is None
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
    return error.reason


def test_a_sidecar_linked_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "r.meta.json"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in _sidecar_error(link)


def test_a_sidecar_that_is_a_fifo_is_refused_without_waiting(tmp_path):
    import os

    fifo = tmp_path / "r.meta.json"
    os.mkfifo(fifo)
    assert "not a regular file" in _sidecar_error(fifo)


def test_a_large_sidecar_is_refused(tmp_path):
    from reportsearch.indexer.sidecars import MAX_SIDECAR_BYTES

    big = tmp_path / "r.meta.json"
    big.write_text('{"title": "' + "法" * MAX_SIDECAR_BYTES + '"}', "utf-8")
    assert f"{MAX_SIDECAR_BYTES // 1024} KB" in _sidecar_error(big)
    brackets = tmp_path / "b.meta.json"
    brackets.write_text("[" * 100_000, "utf-8")
    assert "KB" in _sidecar_error(brackets)


def test_a_sidecar_nested_too_deep_is_refused(tmp_path):
    deep = tmp_path / "r.meta.json"
    deep.write_text('{"title": ' + "[" * 30_000 + "]" * 30_000 + "}", "utf-8")
    assert "nested" in _sidecar_error(deep)


def test_no_sidecar_or_a_dangling_link_is_no_overrides(tmp_path):
    from reportsearch.indexer.sidecars import read_sidecar

    assert read_sidecar(tmp_path / "none.meta.json") == {}
    (tmp_path / "gone.meta.json").symlink_to(tmp_path / "nowhere")
    assert read_sidecar(tmp_path / "gone.meta.json") == {}
