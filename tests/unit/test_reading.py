"""reading: bytes -> text, with the decision kept; bad files give one-line errors."""

from __future__ import annotations

import pytest
from helpers import SEED_FILES, SEEDS
from reportsearch.indexer.errors import ReadError
from reportsearch.indexer.pipeline import ingest_bytes, ingest_paths
from reportsearch.indexer.reading import decode_bytes, html_to_text


def _encodable(text: str, codec: str) -> str:
    """What a file saved in ``codec`` can hold: characters it lacks become spaces, as
    editors do when saving (they are all white space or bullets in the seeds)."""
    out = []
    for char in text:
        try:
            char.encode(codec)
            out.append(char)
        except UnicodeEncodeError:
            out.append(" ")
    return "".join(out)


def _records(report):
    return (
        report.metadata,
        [(p.section, p.category, p.text) for p in report.passages],
        [(h.text, h.depth) for h in report.headings],
    )


@pytest.mark.parametrize(
    "city, codec",
    [
        (city, codec)
        for city in SEED_FILES
        for codec in ("gbk", "gb18030", "utf-16", "utf-8-sig", "utf-16-be")
    ]
    + [("盘锦", "cp950")],
)
def test_every_encoding_gives_the_same_records(city, codec):
    text = (SEEDS / f"{SEED_FILES[city]}.txt").read_text("utf-8")
    text = _encodable(text, codec)
    if codec == "utf-16-be":  # no BOM from this codec name: add one, as Windows does
        data = b"\xfe\xff" + text.encode(codec)
    else:
        data = text.encode(codec)
    reference = ingest_bytes(text.encode("utf-8"), "ref.txt", "r")
    report = ingest_bytes(data, f"{city}.{codec}.txt", "r")
    assert report.reading.text == text
    assert _records(report) == _records(reference)
    assert report.reading.confidence > 0


def test_decision_is_recorded():
    gbk = decode_bytes("法治政府建设年度报告,依法行政。".encode("gbk") * 20)
    # chardet decides when it is sure; when it is not (its versions differ on short text),
    # the readings compete, and the decision says so either way
    assert gbk.encoding == "gb18030"
    assert gbk.method == "chardet" or gbk.method.startswith("best of")
    assert 0 < gbk.confidence <= 1
    bom = decode_bytes("\ufeff报告".encode())
    assert (bom.encoding, bom.method, bom.confidence) == ("utf-8-sig", "bom", 1.0)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01" * 20, "binary file"),
        ("Résumé de l'année: très bien.\n".encode("latin-1") * 30, "no encoding reads it"),
    ],
)
def test_bad_bytes_give_one_line_errors(data, reason):
    with pytest.raises(ReadError) as caught:
        decode_bytes(data, "reports/bad.txt")
    message = str(caught.value)
    assert message.startswith("reports/bad.txt: ")
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "data, codec",
    [
        ("法治政府建设报告".encode() * 30 + "法".encode()[:2], "utf-8"),
        ("法治政府建设报告,依法行政".encode("gbk") * 30 + "法".encode("gbk")[:1], "gb18030"),
    ],
)
def test_a_truncated_last_character_is_read_and_said(data, codec):
    decoded = decode_bytes(data, "reports/cut.txt")
    assert decoded.encoding == codec
    assert decoded.text.startswith("法治政府建设报告")
    assert decoded.text.endswith("\ufffd")
    assert len(decoded.warnings) == 1 and "truncated" in decoded.warnings[0]


def test_utf16_without_a_byte_order_mark_is_read():
    text = "法治政府建设年度报告:依法行政,推行柔性执法。\n" * 10
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = decode_bytes(text.encode(codec), "reports/u16.txt")
        assert (decoded.text, decoded.encoding) == (text, codec)


def test_bad_files_do_not_stop_the_others(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_binary.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "c_spaces.txt").write_text("\u3000\u3000\n\u3000", encoding="utf-8")
    good = (SEEDS / f"{SEED_FILES['遂宁']}.txt").read_bytes()
    (tmp_path / "d_good.txt").write_bytes(good)
    results = list(ingest_paths([tmp_path]))
    errors = [r for r in results if isinstance(r, ReadError)]
    reports = [r for r in results if not isinstance(r, ReadError)]
    assert sorted(e.path.rsplit("/", 1)[1] for e in errors) == [
        "a_empty.txt",
        "b_binary.bin",
        "c_spaces.txt",
    ]
    assert [r.id for r in reports] == ["d_good"]
    assert reports[0].metadata.city == "遂宁市"


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    results = list(ingest_paths([tmp_path / "nope"]))
    assert len(results) == 1 and "no such file" in str(results[0])


def test_html_pages_lose_tags_scripts_and_styles():
    page = (
        "<html><head><title>某市2022年法治政府建设年度报告</title>"
        "<script>var x = '<p>no</p>';</script><style>p{color:red}</style></head>"
        "<body><div>首页 &gt; 政务公开</div><h2>一、加强领导</h2>"
        "<p>全年办理行政复议案件&nbsp;12件。</p></body></html>"
    )
    text = html_to_text(page)
    assert "var x" not in text and "color" not in text and "<" not in text
    assert text.splitlines()[0] == "某市2022年法治政府建设年度报告"
    assert "一、加强领导" in text.splitlines()
    report = ingest_bytes(page.encode(), "page.html", "page")
    assert report.reading.is_html
    assert report.metadata.year == 2022
    assert [h.text for h in report.headings] == ["一、加强领导"]
    assert report.passages[0].original == "一、加强领导"  # a heading is a passage too
    assert "行政复议案件 12件" in report.passages[1].original.replace("\xa0", " ")
