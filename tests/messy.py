"""A researcher's real folder, generated: what the store, CLI and fault tests index instead of
only the tidy seeds.

Input: an empty folder. Output: the folder filled, and a ``MessyFolder`` record of what is
in it: the report files (each with a text of its own), the junk that must be skipped with a
reason, and the copies that must be indexed once. The reports are cut from the five seeds
(their opening lines and a passage each), with a sentence of their own so no two have the
same text, saved in the encodings and formats real downloads come in, in year folders whose
file names clash (``2021/001.txt`` and ``2022/001.txt``), beside the tool's own outputs, a
spreadsheet, a log, an old ``.doc``, an empty file and plain binary bytes.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from helpers import SEED_FILES, SEEDS

CITIES = list(SEED_FILES)


@dataclass
class MessyFolder:
    root: Path
    reports: list[Path] = field(default_factory=list)  # each must be indexed as a report
    junk: list[Path] = field(default_factory=list)  # each must be skipped, with a reason
    copies: list[Path] = field(default_factory=list)  # same text as a report: indexed once


def seed_lines(city: str) -> list[str]:
    text = (SEEDS / f"{SEED_FILES[city]}.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip()]


def report_text(number: int) -> str:
    """A short report of its own: a seed's title and opening, one of its passages further
    on, and a sentence naming this report's number."""
    city = CITIES[number % len(CITIES)]
    lines = seed_lines(city)
    body = lines[:6] + [lines[6 + (number * 7) % (len(lines) - 6)]]
    own = f"本年度共办理第{number + 1}批行政复议案件，依法纠错{number + 3}件，群众满意度持续提升。"
    return "\n".join(body + [own]) + "\n"


def make_messy_folder(root: Path, reports: int = 40) -> MessyFolder:
    """Fill ``root`` with ``reports`` reports (at least 10) and the usual mess around them."""
    rng = random.Random(7)
    folder = MessyFolder(root)
    root.mkdir(parents=True, exist_ok=True)
    writers = [_utf8, _gbk, _utf16, _html, _docx, _utf8_bom]
    for number in range(reports):
        year = 2016 + number % 4
        # numbered per year folder, as scraped collections are: 2016/001, 2017/001, ...
        name = f"{year}/{number // 4 + 1:03d}"
        if number % 10 == 9:
            name = f"{year}/下载/{number:03d}"
        path = writers[number % len(writers)](root / name, report_text(number))
        folder.reports.append(path)
    # copies: the same bytes in another folder, the same text in another format
    copy = root / "备份" / folder.reports[0].name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(folder.reports[0].read_bytes())
    folder.copies.append(copy)
    folder.copies.append(_gbk(root / "备份" / "same-text", report_text(0)))
    # junk a download folder holds
    junk = {
        "empty.txt": b"",
        "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(600),
        "data.bin": rng.randbytes(4000),
        "table.csv": "城市,年份,出庭应诉率\n盘锦市,2021,95%\n遂宁市,2023,98%\n".encode(),
        "crawler.log": b"".join(
            b"2024-01-0%d 12:00:0%d INFO fetched http://example.org/%d\n" % (i % 9 + 1, i % 9, i)
            for i in range(50)
        ),
        "hits.json": _own_search_output(),
        "hits.jsonl": "\n".join(
            json.dumps(hit, ensure_ascii=False) for hit in json.loads(_own_search_output())["hits"]
        ).encode(),
        "hits.csv": _own_csv_output(),
        "scraper.py": "import requests\n\n# 抓取法治政府建设年度报告\nprint('done')\n".encode(),
    }
    for name, data in junk.items():
        (root / "杂项" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "杂项" / name).write_bytes(data)
        folder.junk.append(root / "杂项" / name)
    folder.junk.append(_xlsx(root / "杂项" / "统计.xlsx"))
    return folder


def _utf8(stem: Path, text: str) -> Path:
    return _write(stem.with_suffix(".txt"), text.encode("utf-8"))


def _utf8_bom(stem: Path, text: str) -> Path:
    return _write(stem.with_suffix(".txt"), b"\xef\xbb\xbf" + text.encode("utf-8"))


def _gbk(stem: Path, text: str) -> Path:
    return _write(stem.with_suffix(".txt"), text.encode("gb18030"))


def _utf16(stem: Path, text: str) -> Path:
    return _write(stem.with_suffix(".txt"), text.encode("utf-16"))


def _html(stem: Path, text: str) -> Path:
    title, *body = text.splitlines()
    paragraphs = "".join(f"<p>{line}</p>" for line in body)
    page = (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<div class='nav'>首页 | 政务公开</div><h1>{title}</h1>{paragraphs}</body></html>"
    )
    return _write(stem.with_suffix(".html"), page.encode("utf-8"))


def _docx(stem: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return _write(stem.with_suffix(".docx"), buffer.getvalue())


def _xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["城市", "年份", "行政复议案件"])
    book.active.append(["盘锦市", 2021, 120])
    book.save(path)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _own_search_output() -> bytes:
    """What ``reportsearch search 行政复议 --format json`` prints: Chinese text inside JSON."""
    lines = seed_lines("盘锦")[5:25]
    hits = [
        {
            "report": SEED_FILES["盘锦"],
            "passage": f"{SEED_FILES['盘锦']}#{i:04d}",
            "province": "辽宁省",
            "city": "盘锦市",
            "year": 2021,
            "text": line,
        }
        for i, line in enumerate(lines)
    ]
    return json.dumps(
        {"query": "行政复议", "total": len(hits), "reports": 1, "hits": hits},
        ensure_ascii=False,
        indent=2,
    ).encode("utf-8")


def _own_csv_output() -> bytes:
    rows = ["report,passage,province,city,year,text"]
    for i, line in enumerate(seed_lines("遂宁")[5:25]):
        rows.append(
            f'{SEED_FILES["遂宁"]},{SEED_FILES["遂宁"]}#{i:04d},四川省,遂宁市,2023,"{line}"'
        )
    return ("\n".join(rows) + "\n").encode("utf-8")
