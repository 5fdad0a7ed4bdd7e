"""Only reports are read: files that are data, tables, logs, code or the tool's own outputs
are refused by suffix or by content ("not a report: …"), and real reports saved as text
(GBK, UTF-16, Traditional, short, with ASCII page furniture) still read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA_DIR, SEED_FILES, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.indexer.errors import ReadError
from reportsearch.indexer.formats.prose import MIN_HAN_SHARE, han_share
from reportsearch.indexer.normalizing import is_han
from reportsearch.indexer.reading import read_bytes

DATA = DATA_DIR


def _refused(data: bytes, name: str) -> str:
    with pytest.raises(ReadError) as caught:
        read_bytes(data, name)
    assert "\n" not in str(caught.value)
    return caught.value.reason


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("reportsearch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reportsearch.cli"]


OUTPUTS = [
    ["search", "法治", "--format", "json"],
    ["search", "法治", "--format", "jsonl"],
    ["search", "法治", "--format", "csv"],
    ["search", "法治", "--format", "csv", "--bom"],
    ["search", "法治", "--limit", "1", "--format", "csv"],
    ["search", "柔性执法", "--kwic", "--format", "csv"],
    ["reports", "--format", "json"],
    ["reports", "--format", "jsonl"],
    ["reports", "--format", "csv"],
    ["facets", "法治", "--format", "json"],
    ["trend", "法治", "--format", "csv"],
    ["metrics", "出庭应诉率", "--format", "csv"],
]


@pytest.mark.parametrize("command", OUTPUTS, ids=" ".join)
def test_the_tools_own_outputs_are_never_read_as_reports(seed_index_dir, command):
    run = subprocess.run([*_cli(), "--index-dir", str(seed_index_dir), *command],
                         capture_output=True, timeout=120, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    assert "法" in run.stdout.decode("utf-8-sig") or "trend" in command or "metrics" in command
    for name in ("hits.txt", "hits", "hits.md", "hits." + command[command.index("--format") + 1]):
        assert "not a report" in _refused(run.stdout, name), name


@pytest.mark.parametrize(
    "name, advice",
    [
        ("table.json", "data"),
        ("hits.jsonl", "data"),
        ("x.ndjson", "data"),
        ("t.tsv", "a table"),
        ("t.xlsx", "spreadsheet"),
        ("t.csv", "a table"),
        ("d.parquet", "data"),
        ("scraper.py", "source code"),
        ("a.js", "source code"),
        ("run.sh", "source code"),
        ("q.sql", "source code"),
        ("Main.java", "source code"),
        ("crawl.log", "a log"),
        ("setup.ini", "settings"),
        ("c.yaml", "settings"),
        ("pyproject.toml", "settings"),
    ],
)
def test_known_non_report_types_are_refused_by_suffix(name, advice):
    report = "某市人民政府关于2023年法治政府建设情况的报告\n全面推进依法行政。\n".encode()
    assert advice in _refused(report, name)


_LOG = "".join(
    f"2024-01-0{i % 9 + 1} 12:00:0{i % 9} INFO 抓取遂宁市人民政府关于法治政府建设的报告第{i}页\n"
    for i in range(30)
)
_CSV = "城市,年份,出庭应诉率\n盘锦市,2021,95%\n遂宁市,2023,98%\n自贡市,2020,100%\n"
_PASSWD = "".join(
    f"user{i}:x:{1000 + i}:{1000 + i}:User {i}:/home/user{i}:/bin/bash\n" for i in range(20)
)
_CODE = "import requests\n\n# 抓取法治政府建设年度报告\nfor page in range(10):\n    print(page)\n"


@pytest.mark.parametrize(
    "text, reason",
    [
        (_PASSWD, "not Chinese prose (0% of its characters are Chinese)"),
        (
            json.dumps(
                {"title": "法治政府建设年度报告", "passages": ["全面推进依法行政。"] * 50},
                ensure_ascii=False,
                indent=2,
            ),
            "JSON data",
        ),
        (
            "\n".join(
                json.dumps({"passage": "全面推进依法行政,推行柔性执法。" * 3}, ensure_ascii=False)
                for _ in range(10)
            ),
            "JSON data",
        ),
        (_CSV, "a table (comma-separated, 3 columns)"),
        (_CSV.replace(",", "\t"), "a table (tab-separated, 3 columns)"),
        (_LOG, "a log"),
        (_CODE, "not Chinese prose"),
        ("Résumé of the year: all good. " * 40, "not Chinese prose"),
        ("[" * 100_000, "JSON data"),
    ],
)
@pytest.mark.parametrize("name", ["notes.txt", "notes", "notes.md"])
def test_text_that_is_not_chinese_prose_is_refused_by_content(text, reason, name):
    refused = _refused(text.encode("utf-8"), name)
    assert refused.startswith("not a report: ") and reason in refused


def _labelled_texts() -> list[tuple[str, str]]:
    texts = []
    for file in ("labelled_openings.jsonl", "labelled_excerpts.jsonl"):
        for number, line in enumerate((DATA / file).read_text("utf-8").splitlines()):
            record = json.loads(line)
            texts.append((record.get("file") or f"{file}-{number}.txt", record["text"]))
    return texts


@pytest.mark.parametrize("name, text", _labelled_texts(), ids=lambda value: str(value)[:30])
def test_every_labelled_report_text_still_reads(name, text):
    for codec in ("utf-8", "gb18030", "utf-16"):
        decoded = read_bytes(text.encode(codec, "replace"), Path(name).stem + ".txt")
        assert decoded.text.strip()


@pytest.mark.parametrize("city", SEED_FILES)
def test_every_seed_reads_in_every_encoding_and_with_ascii_furniture(city):
    text = (SEEDS / f"{SEED_FILES[city]}.txt").read_text("utf-8")
    for codec in ("utf-8", "gb18030", "utf-16", "cp950"):
        assert read_bytes(text.encode(codec, "replace"), f"{city}.txt").format == "text"
    lines = text.splitlines()
    furnished = "\n".join(
        f"{line}\nhttp://www.example.gov.cn/zwgk/2024/t2024{n:04d}.html  Page {n} of 40"
        for n, line in enumerate(lines)
    )
    assert read_bytes(furnished.encode(), f"{city}.txt").text == furnished


def test_a_short_report_still_reads():
    assert read_bytes("一、总体情况".encode(), "plain.txt").format == "text"
    assert read_bytes("全面推進依法行政,推行柔性執法。".encode("big5"), "短.txt").format == "text"


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(max_codepoint=0x7F), min_size=1).filter(str.strip))
def test_ascii_text_is_never_a_report(text):
    with pytest.raises(ReadError):
        read_bytes(text.encode("ascii"), "ascii.txt")


_SEED_LINES = sorted({line.strip() for stem in SEED_FILES.values()
                      for line in (SEEDS / f"{stem}.txt").read_text("utf-8").splitlines()
                      if len(line.strip()) >= 8})  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(_SEED_LINES), min_size=1, max_size=30, unique=True),
    st.lists(
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30), max_size=30
    ),
)
def test_report_lines_with_some_ascii_lines_still_read(lines, furniture):
    furniture = (furniture + [""] * len(lines))[: len(lines)]
    mixed = [part for pair in zip(lines, furniture, strict=True) for part in pair]
    text = "\n".join(mixed)
    if han_share(text)[1] >= MIN_HAN_SHARE and han_share(text)[0] >= 5:
        assert read_bytes(text.encode(), "mixed.txt").format == "text"


@given(st.text(max_size=200))
def test_han_counting_agrees_with_is_han(text):
    assert han_share(text)[0] == sum(1 for char in text if is_han(char))
