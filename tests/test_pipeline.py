"""pipeline: which files are reports, and the records a report becomes."""

from __future__ import annotations

from indexer.errors import ReadError
from indexer.pipeline import discover_files, ingest_paths

from .helpers import SEED_FILES, SEEDS


def test_discovery_skips_hidden_files_and_sidecars(tmp_path):
    (tmp_path / "a.txt").write_text("报告", "utf-8")
    (tmp_path / "a.meta.json").write_text("{}", "utf-8")
    (tmp_path / ".hidden.txt").write_text("x", "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>报告</p>", "utf-8")
    files, errors = discover_files([tmp_path, tmp_path / "a.txt", tmp_path / "missing"])
    assert [(f.relative_to(tmp_path).as_posix(), i) for f, i in files] == [
        ("a.txt", "a"), ("sub/b.html", "sub/b")]
    assert [str(e) for e in errors] == [f"{tmp_path / 'missing'}: no such file or folder"]


def test_duplicate_report_ids_are_errors_for_the_second(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text("依法行政。" * 30, "utf-8")
    results = list(ingest_paths([tmp_path / "x", tmp_path / "y"]))
    errors = [r for r in results if isinstance(r, ReadError)]
    reports = [r for r in results if not isinstance(r, ReadError)]
    assert [r.file for r in reports] == [str(tmp_path / "x" / "same.txt")]
    assert [e.path for e in errors] == [str(tmp_path / "y" / "same.txt")]
    assert "same report id 'same'" in str(errors[0])


def test_report_ids_are_unique_across_sub_folders_and_suffixes(tmp_path):
    for name in ("a/index.html", "b/index.txt", "c/d/index.txt", "x.pdf", "x.docx", "y.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("报告", "utf-8")
    files, errors = discover_files([tmp_path])
    assert errors == []
    assert sorted(i for _, i in files) == ["a/index", "b/index", "c/d/index", "x.docx", "x.pdf",
                                           "y"]  # fmt: skip
    # a file named directly keeps its plain name
    assert discover_files([tmp_path / "a" / "index.html"])[0] == [
        (tmp_path / "a" / "index.html", "index")]


def test_summary_row(seed_reports):
    row = seed_reports["盘锦"].summary()
    assert row["report"] == SEED_FILES["盘锦"]
    assert row["file"] == str(SEEDS / f"{SEED_FILES['盘锦']}.txt")
    assert row["passages"] == len(seed_reports["盘锦"].passages) > 20
    assert row["facts"] > 30 and row["encoding"] == "utf-8" and row["decided_by"] == "utf-8"
