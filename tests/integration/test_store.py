"""store: incremental, atomic, versioned index writing."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import SEED_FILES, SEEDS, children_of, kill_and_check_readers
from messy import make_messy_folder
from reportsearch.indexer import documents, pipeline
from reportsearch.indexer.errors import (
    IndexEmptyError,
    IndexLockedError,
    IndexMissingError,
    IndexShrinkError,
    IndexVersionError,
    UpdateInterrupted,
)
from reportsearch.indexer.segment_writer import merge_smallest
from reportsearch.indexer.store import IndexStore
from reportsearch.query import open_index


@pytest.fixture
def reports_dir(tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    return folder


def city_hits(index_dir, query):
    with open_index(index_dir) as index:
        return sorted({hit.city for hit in index.search(query, limit=0, facets=()).hits})


def test_incremental_add_change_delete(tmp_path, reports_dir):
    store = IndexStore(tmp_path / "index")
    first = store.update([reports_dir])
    assert (len(first.added), first.reports, first.rebuilt) == (5, 5, True)
    with open_index(store.directory) as index:
        assert first.passages == index.facets("", ["year"])["total"] > 100

    again = store.update([reports_dir])
    assert (again.added, again.updated, again.removed, len(again.unchanged)) == ([], [], [], 5)

    suining = reports_dir / f"{SEED_FILES['遂宁']}.txt"
    suining.write_text(suining.read_text("utf-8").replace("柔性执法", "刚性执法"), "utf-8")
    (reports_dir / f"{SEED_FILES['巴南']}.txt").unlink()
    (reports_dir / "new.txt").write_text(
        "某市2022年法治政府建设情况的报告\n" + "全面推行柔性执法,办理案件12件。" * 5, "utf-8"
    )
    changed = store.update([reports_dir])
    assert changed.added == ["new"]
    assert changed.updated == [SEED_FILES["遂宁"]]
    assert changed.removed == [SEED_FILES["巴南"]]
    assert changed.reports == 5
    assert city_hits(store.directory, "柔性执法") == ["", "盘锦市"]
    assert city_hits(store.directory, "刚性执法") == ["遂宁市"]
    assert city_hits(store.directory, "巴南") == []


def test_bad_files_are_skipped_and_keep_what_was_indexed(tmp_path, reports_dir):
    store = IndexStore(tmp_path / "index")
    store.update([reports_dir])
    target = reports_dir / f"{SEED_FILES['遂宁']}.txt"
    target.write_bytes(b"\x00\x01\x02" * 100)  # the file is now garbage
    (reports_dir / "empty.txt").write_bytes(b"")
    summary = store.update([reports_dir])
    assert sorted(os.path.basename(e.path) for e in summary.skipped) == [target.name, "empty.txt"]
    assert all("\n" not in str(e) for e in summary.skipped)
    # The damaged file's previous version is still searchable: nothing indexed is lost.
    assert city_hits(store.directory, "柔性执法") == ["盘锦市", "遂宁市"]


def test_rebuild_starts_over_in_a_new_generation(tmp_path, reports_dir):
    store = IndexStore(tmp_path / "index")
    store.update([reports_dir])
    before = json.loads((store.directory / "CURRENT").read_text())["generation"]
    summary = store.update(
        [reports_dir / f"{SEED_FILES['盘锦']}.txt"], rebuild=True, force=True
    )  # 1 of 5 reports: only with force
    after = json.loads((store.directory / "CURRENT").read_text())["generation"]
    assert summary.rebuilt and summary.reports == 1 and before != after
    assert not (store.directory / before).exists()
    assert city_hits(store.directory, "执法") == ["盘锦市"]


def test_an_update_that_would_empty_the_index_is_refused(tmp_path, reports_dir):
    store = IndexStore(tmp_path / "index")
    store.update([reports_dir])
    generations = sorted(p.name for p in store.directory.glob("gen-*"))
    with pytest.raises(IndexShrinkError, match=r"leave 0 of the index's 5 reports \(not found: "):
        store.update([tmp_path / "typo"], rebuild=True)
    assert sorted(p.name for p in store.directory.glob("gen-*")) == generations
    for name in list(SEED_FILES)[:3]:
        (reports_dir / f"{SEED_FILES[name]}.txt").unlink()
    with pytest.raises(IndexShrinkError, match="3 reports whose files are gone"):
        store.update([reports_dir])
    assert city_hits(store.directory, "执法") == sorted(
        ["自贡市", "盘锦市", "遂宁市", "重庆市", "南充市"]
    )  # nothing changed
    assert store.update([reports_dir], force=True).reports == 2


def test_the_index_remembers_its_sources(tmp_path, reports_dir):
    store = IndexStore(tmp_path / "index")
    assert store.sources() == []
    store.update([reports_dir])
    assert store.sources() == [str(reports_dir.resolve())]
    extra = tmp_path / "extra.txt"
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", extra)
    extra.write_text(extra.read_text("utf-8") + "\n附件。", "utf-8")
    store.update([extra])
    assert store.sources() == [str(reports_dir.resolve()), str(extra.resolve())]
    store.update([reports_dir], rebuild=True, force=True)
    assert store.sources() == [str(reports_dir.resolve())]


def test_interrupted_update_changes_nothing(tmp_path, reports_dir, monkeypatch):
    store = IndexStore(tmp_path / "index")
    store.update([reports_dir])
    (reports_dir / "new.txt").write_text("新报告:推行柔性执法。" * 20, "utf-8")
    real = pipeline.ingest_file

    def interrupted(path, *args):
        if path.name == "new.txt":
            raise KeyboardInterrupt
        return real(path, *args)

    monkeypatch.setattr("reportsearch.indexer.documents.ingest_file", interrupted)
    for rebuild in (False, True):
        with pytest.raises(UpdateInterrupted) as caught:
            store.update([reports_dir], rebuild=rebuild)
        assert not caught.value.committed and "as it was before" in str(caught.value)
        assert city_hits(store.directory, "柔性执法") == ["盘锦市", "遂宁市"]
        assert len(list(store.directory.glob("gen-*"))) == 1


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuild", "update"])
def test_killing_an_index_run_leaves_the_old_index_answering_and_no_process(tmp_path, rebuild):
    """``kill -9`` in the middle of a rebuild or an update: its reading processes end with
    it, the old commit answers, and the next writer is neither blocked nor left a mess."""
    folder = tmp_path / "many"
    folder.mkdir()
    for copy in range(60):  # enough work that the kill lands mid-way
        for stem in SEED_FILES.values():
            # a line of its own, or the files would be copies, indexed once
            text = (SEEDS / f"{stem}.txt").read_text("utf-8") + f"\n附件{copy}:工作台账。\n"
            (folder / f"{copy:03d}_{stem}.txt").write_text(text, "utf-8")
    index_dir = tmp_path / "index"
    IndexStore(index_dir).update([SEEDS])
    process = subprocess.Popen(
        [sys.executable, "-m", "reportsearch.cli", "--index-dir", str(index_dir), "index",
         *(["--rebuild"] if rebuild else ["--force"]), str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 60
    while not children_of(process.pid) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # let it read and write for a while
    assert process.poll() is None, "the run finished before it could be killed"
    kill_and_check_readers(process)
    assert city_hits(index_dir, "柔性执法") == ["盘锦市", "遂宁市"]
    summary = IndexStore(index_dir).update([SEEDS], rebuild=True, wait=5)
    assert summary.reports == 5
    assert len(list(index_dir.glob("gen-*"))) == 1


def test_a_second_writer_fails_clearly(tmp_path):
    with IndexStore(tmp_path / "index").writer(wait=0):
        with pytest.raises(IndexLockedError) as caught:
            IndexStore(tmp_path / "index").update([SEEDS], wait=0.2)
        assert "another reportsearch process is writing" in str(caught.value)
    assert IndexStore(tmp_path / "index").update([SEEDS], wait=0.2).reports == 5


def test_a_writer_adds_and_deletes_reports_and_commits_or_rolls_back(tmp_path, seed_reports):
    store = IndexStore(tmp_path / "index")
    with store.writer() as writer:
        for report in seed_reports.values():
            assert writer.add_report(report) == "added"
        writer.commit()
    assert city_hits(store.directory, "柔性执法") == ["盘锦市", "遂宁市"]
    with store.writer() as writer:
        writer.delete_report(seed_reports["盘锦"].id)  # leaving without commit rolls back
    assert city_hits(store.directory, "柔性执法") == ["盘锦市", "遂宁市"]
    with store.writer() as writer:
        writer.delete_report(seed_reports["盘锦"].id)
        assert writer.add_report(seed_reports["遂宁"]) == "updated"
        writer.commit()
    assert city_hits(store.directory, "柔性执法") == ["遂宁市"]
    with open_index(store.directory) as index:
        assert index.search("", facets=()).reports == 4


def test_missing_and_foreign_indexes_are_refused(tmp_path):
    with pytest.raises(IndexMissingError) as caught:
        IndexStore(tmp_path / "none").open()
    assert "reportsearch index" in str(caught.value)
    store = IndexStore(tmp_path / "index")
    store.update([SEEDS / f"{SEED_FILES['盘锦']}.txt"])
    pointer = json.loads((store.directory / "CURRENT").read_text())
    (store.directory / "CURRENT").write_text(json.dumps({**pointer, "format": 999}))
    with pytest.raises(IndexVersionError) as caught:
        open_index(store.directory)
    assert "rebuild with: reportsearch index --rebuild" in str(caught.value)
    # A rebuild replaces the foreign index.
    assert store.update([SEEDS], rebuild=True).reports == 5


def test_parallel_reading_gives_the_same_index(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for copy in range(4):  # 20 files: enough for the worker processes to be used
        for stem in SEED_FILES.values():
            text = (SEEDS / f"{stem}.txt").read_text("utf-8") + f"\n附件{copy}:工作台账。\n"
            (folder / f"{copy}_{stem}.txt").write_text(text, "utf-8")  # not a copy
    answers = []
    for workers in (1, 2):
        store = IndexStore(tmp_path / f"index{workers}")
        summary = store.update([folder], workers=workers)
        with open_index(store.directory) as index:
            result = index.search("执法", limit=0)
            answers.append(
                (summary.reports, summary.passages, result.facets,
                 [(h.passage, h.score, h.matches) for h in result.hits])
            )  # fmt: skip
    assert answers[0] == answers[1]
    assert answers[0][0] == 20


def answers(index_dir, queries=("执法", "法", "柔性执法 OR 复议", "-执法 year:2021")):
    """Everything a search returns that must not depend on how the index is segmented."""
    with open_index(index_dir) as index:
        out = []
        for query in queries:
            result = index.search(query, limit=0)
            out.append((result.total, result.reports, result.facets,
                        [(h.passage, h.score, h.matches) for h in result.hits]))  # fmt: skip
        return out


def test_answers_do_not_depend_on_segments_or_merges(tmp_path, monkeypatch):
    whole = IndexStore(tmp_path / "whole")
    whole.update([SEEDS])
    small = IndexStore(tmp_path / "small", segment_characters=5_000)  # several per update
    small.update([SEEDS])
    with open_index(small.directory) as index:
        assert len(index._opened.segments) > 2
    merged = IndexStore(
        tmp_path / "merged",
        segment_characters=10**9,
        merge_policy=functools.partial(merge_smallest, max_segments=2),
    )
    for path in sorted(SEEDS.glob("*.txt")):  # one report per update: merges on the way
        merged.update([path])
    with open_index(merged.directory) as index:
        assert len(index._opened.segments) <= 2
    assert answers(whole.directory) == answers(small.directory) == answers(merged.directory)


def test_an_open_reader_keeps_its_view(tmp_path, reports_dir):
    store = IndexStore(tmp_path / "index")
    store.update([reports_dir])
    with open_index(store.directory) as before:
        (reports_dir / f"{SEED_FILES['盘锦']}.txt").unlink()
        store.update([reports_dir])
        assert sorted({h.city for h in before.search("柔性执法", limit=0).hits}) == [
            "盘锦市", "遂宁市"
        ]  # fmt: skip
    assert city_hits(store.directory, "柔性执法") == ["遂宁市"]


def test_a_crash_before_the_commit_leaves_the_previous_state(tmp_path, reports_dir, monkeypatch):
    store = IndexStore(tmp_path / "index")
    store.update([reports_dir])
    (reports_dir / "new.txt").write_text("新报告:推行刚性执法。" * 20, "utf-8")
    from whoosh.writing import SegmentWriter

    def crash(self, *args, **kwargs):
        raise KeyboardInterrupt  # engine files are written, Whoosh has not committed

    with monkeypatch.context() as patch:
        patch.setattr(SegmentWriter, "commit", crash)
        with pytest.raises(UpdateInterrupted) as caught:
            store.update([reports_dir])
    assert not caught.value.committed
    assert city_hits(store.directory, "刚性执法") == []
    summary = store.update([reports_dir])
    assert summary.added == ["new"] and city_hits(store.directory, "刚性执法") == [""]


def test_an_empty_index_says_so(tmp_path):
    store = IndexStore(tmp_path / "index")
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert store.update([empty]).reports == 0
    with open_index(store.directory) as index, pytest.raises(IndexEmptyError) as caught:
        index.search("执法")
    assert "empty" in str(caught.value) and caught.value.exit_code == 1


# ---- copies ----------------------------------------------------------------------------------


def test_copies_are_indexed_once_and_listed(tmp_path, reports_dir):
    suining = reports_dir / f"{SEED_FILES['遂宁']}.txt"
    (reports_dir / "mirror").mkdir()
    shutil.copy(suining, reports_dir / "mirror" / "byte-copy.txt")  # the same bytes
    text = suining.read_text("utf-8")
    (reports_dir / "mirror" / "gbk-copy.txt").write_bytes(text.encode("gb18030"))  # same text
    index_dir = tmp_path / "index"
    summary = IndexStore(index_dir).update([reports_dir])
    assert summary.reports == 5
    assert sorted((d["report"], d["same_as"]) for d in summary.duplicates) == [
        ("mirror/byte-copy", SEED_FILES["遂宁"]),
        ("mirror/gbk-copy", SEED_FILES["遂宁"]),
    ]
    with open_index(index_dir) as index:
        assert index.search("柔性执法", limit=0).reports == 2  # 盘锦 and 遂宁, once each
        rows = {row["report"]: row for row in index.reports()}
    assert [c["report"] for c in rows[SEED_FILES["遂宁"]]["duplicates"]] == [
        "mirror/byte-copy",
        "mirror/gbk-copy",
    ]
    assert rows[SEED_FILES["盘锦"]]["duplicates"] == []
    # an update keeps them as copies; when the original goes, a copy becomes the report
    again = IndexStore(index_dir).update([reports_dir])
    assert again.reports == 5 and len(again.duplicates) == 2 and not again.added
    suining.unlink()
    (reports_dir / "mirror" / "gbk-copy.txt").unlink()
    last = IndexStore(index_dir).update([reports_dir])
    assert last.added == ["mirror/byte-copy"] and last.removed == [SEED_FILES["遂宁"]]
    with open_index(index_dir) as index:
        assert sorted(hit.report for hit in index.search("柔性执法", limit=0).hits
                      if hit.city == "遂宁市") == ["mirror/byte-copy"]  # fmt: skip
        assert all(row["duplicates"] == [] for row in index.reports())


# ---- a researcher's real folder (issue 17) ----------------------------------------------------


def report_ids(index_dir) -> list[str]:
    with open_index(index_dir) as index:
        return sorted(row["report"] for row in index.reports())


def test_a_messy_folder_with_workers_indexes_every_report_and_names_every_skip(tmp_path):
    corpus = make_messy_folder(tmp_path / "corpus")
    # the index inside the folder of reports, as after `cd corpus && reportsearch index .`
    store = IndexStore(corpus.root / "index_data")
    summary = store.update([corpus.root], workers=2)
    assert len(summary.added) == len(corpus.reports) == summary.reports
    skipped = {error.path: error.reason for error in summary.skipped}
    assert set(skipped) == {str(path) for path in corpus.junk}, skipped
    assert all(reason for reason in skipped.values())
    assert sorted(copy["file"] for copy in summary.duplicates) == sorted(map(str, corpus.copies))
    files = {row["file"] for row in _report_rows(store.directory)}
    assert files == {str(path) for path in corpus.reports}
    # a second run changes nothing and says the same about the same files
    again = store.update(store.sources())
    assert (again.added, again.updated, again.removed) == ([], [], [])
    assert {error.path for error in again.skipped} == set(skipped)


def _report_rows(index_dir) -> list[dict]:
    with open_index(index_dir) as index:
        return list(index.reports())


def test_two_folders_with_the_same_file_names_keep_both_reports(tmp_path):
    for folder, city in (("a", "盘锦"), ("b", "遂宁")):
        (tmp_path / folder).mkdir()
        shutil.copy(SEEDS / f"{SEED_FILES[city]}.txt", tmp_path / folder / "001.txt")
    store = IndexStore(tmp_path / "index")
    store.update([tmp_path / "a"])
    second = store.update([tmp_path / "b"])
    assert (second.added, second.updated, second.removed) == (["b/001"], [], [])
    assert report_ids(store.directory) == ["001", "b/001"]
    assert city_hits(store.directory, "法治") == ["盘锦市", "遂宁市"]
    bare = store.update(store.sources())  # what a bare `reportsearch index` does
    assert (bare.added, bare.updated, bare.removed, len(bare.unchanged)) == ([], [], [], 2)
    assert report_ids(store.directory) == ["001", "b/001"]
    # a rebuild from the remembered folders gives the same ids
    store.update(store.sources(), rebuild=True)
    assert report_ids(store.directory) == ["001", "b/001"]


def test_a_reading_process_that_dies_costs_only_its_file(tmp_path, monkeypatch):
    corpus = tmp_path / "reports"
    for number in range(20):
        shutil.copy(
            SEEDS / f"{SEED_FILES['遂宁']}.txt",
            corpus / f"{number:02d}.txt"
            if corpus.exists()
            else _mkdir(corpus) / f"{number:02d}.txt",
        )
        with open(corpus / f"{number:02d}.txt", "a", encoding="utf-8") as out:
            out.write(f"\n第{number}号：依法行政工作取得新进展。\n")
    real = documents.ingest_file

    def ingest(path, *args):
        if path.name == "07.txt":
            os._exit(9)  # as the kernel's OOM killer ends a reader
        return real(path, *args)

    monkeypatch.setattr(documents, "ingest_file", ingest)  # reaches forked readers
    summary = IndexStore(tmp_path / "index").update([corpus], workers=2)
    assert [(error.path, error.reason) for error in summary.skipped] == [
        (str(corpus / "07.txt"), "its reading process died (out of memory, or killed)")
    ]
    assert summary.reports == 19


def _mkdir(path):
    path.mkdir()
    return path


def test_an_unexpected_error_in_a_reader_is_that_files_error(tmp_path, monkeypatch):
    corpus = _mkdir(tmp_path / "reports")
    for number in range(3):
        (corpus / f"{number}.txt").write_text(f"依法行政第{number}号报告。" * 20, "utf-8")

    def broken(data, source):
        if source.endswith("1.txt"):
            raise RuntimeError("a reader library's bug\nwith two lines")
        return real(data, source)

    real = pipeline.read_bytes
    monkeypatch.setattr(pipeline, "read_bytes", broken)
    summary = IndexStore(tmp_path / "index").update([corpus], workers=1)
    assert summary.reports == 2
    (error,) = summary.skipped
    assert error.reason == "could not be read (RuntimeError: a reader library's bug with two lines)"


def test_links_out_of_the_folders_given_are_skipped_unless_followed(tmp_path):
    outside = _mkdir(tmp_path / "outside")
    (outside / "secret.txt").write_text("内部资料，不得外传。" * 20, "utf-8")
    corpus = _mkdir(tmp_path / "reports")
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", corpus / "good.txt")
    (corpus / "secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "elsewhere").symlink_to(outside)
    (corpus / "inside.txt").symlink_to(corpus / "good.txt")  # inside: read (a copy)
    summary = IndexStore(tmp_path / "index").update([corpus])
    reasons = {Path(error.path).name: error.reason for error in summary.skipped}
    assert set(reasons) == {"secret.txt", "elsewhere"}
    assert all("outside the folders given (--follow-links reads it)" in r
               for r in reasons.values())  # fmt: skip
    assert summary.reports == 1 and len(summary.duplicates) == 1
    followed = IndexStore(tmp_path / "index2").update([corpus], follow_links=True)
    assert followed.skipped == [] and followed.reports == 2  # good and secret (met twice)


def test_another_index_inside_the_folder_is_not_read(tmp_path, seed_index_dir):
    corpus = _mkdir(tmp_path / "reports")
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", corpus / "good.txt")
    shutil.copytree(seed_index_dir, corpus / "old-index")
    summary = IndexStore(tmp_path / "index").update([corpus])
    assert summary.reports == 1
    assert [(Path(e.path).name, e.reason) for e in summary.skipped] == [
        ("old-index", "a reportsearch index folder, not reports")
    ]
    refused = IndexStore(corpus / "old-index").update([corpus / "old-index" / "CURRENT"])
    assert [e.reason for e in refused.skipped] == ["the index folder itself, not reports"]
    given = IndexStore(tmp_path / "other").update([corpus / "old-index"], force=True)
    assert [(Path(e.path).name, e.reason) for e in given.skipped] == [
        ("old-index", "a reportsearch index folder, not reports")
    ]


def test_each_file_is_read_once_by_a_build_and_by_an_update(tmp_path, monkeypatch):
    corpus = _mkdir(tmp_path / "reports")
    for city in ("盘锦", "遂宁", "自贡"):
        shutil.copy(SEEDS / f"{SEED_FILES[city]}.txt", corpus / f"{city}.txt")
        os.utime(corpus / f"{city}.txt", ns=(10**18, 10**18))  # not written just now
    reads = Counter()
    real = pipeline.read_file_bytes

    def counted(path, *args):
        reads[Path(path).name] += 1
        return real(path, *args)

    monkeypatch.setattr(pipeline, "read_file_bytes", counted)
    monkeypatch.setattr(pipeline, "RACY_SECONDS", 0)  # the files' ctime is now: trust it
    store = IndexStore(tmp_path / "index")
    store.update([corpus], workers=1)
    assert reads == {"盘锦.txt": 1, "遂宁.txt": 1, "自贡.txt": 1}  # read, hashed, indexed
    reads.clear()
    with open(corpus / "遂宁.txt", "a", encoding="utf-8") as out:
        out.write("\n附：新台账。\n")
    os.utime(corpus / "自贡.txt")  # touched: a new stat, the same bytes
    summary = store.update([corpus], workers=1)
    assert summary.updated == ["遂宁"] and sorted(summary.unchanged) == ["盘锦", "自贡"]
    # the unchanged file is not read at all; the changed and the touched one once each
    assert reads == {"遂宁.txt": 1, "自贡.txt": 1}
    reads.clear()
    assert store.update([corpus], workers=1).updated == [] and reads == {}
    assert city_hits(store.directory, "新台账") == ["遂宁市"]


def test_a_file_changed_as_it_was_indexed_is_hashed_again(tmp_path, monkeypatch):
    """A stat taken just after a write may not see the next write in the same clock tick
    (git's "racily clean"): such a file is hashed again by the next update."""
    corpus = _mkdir(tmp_path / "reports")
    shutil.copy(SEEDS / f"{SEED_FILES['遂宁']}.txt", corpus / "a.txt")
    store = IndexStore(tmp_path / "index")
    store.update([corpus], workers=1)
    stat = (corpus / "a.txt").stat()
    text = (corpus / "a.txt").read_text("utf-8").replace("遂宁", "遂寧", 1)  # same size
    (corpus / "a.txt").write_text(text, "utf-8")
    os.utime(corpus / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same mtime
    assert store.update([corpus], workers=1).updated == ["a"]


# ---- found by review: paths as the user gives them, names, moves, copies ---------------------


def test_an_index_built_from_a_relative_path_is_updated_from_anywhere(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    store = IndexStore(tmp_path / "index")
    assert store.update(["seeds"]).reports == 5
    again = store.update(store.sources())  # what a bare `reportsearch index` does
    assert (again.added, again.removed, again.reports, len(again.unchanged)) == ([], [], 5, 5)
    monkeypatch.chdir(tmp_path / "seeds")  # elsewhere: the same files
    assert store.update([".."], force=True).added == []
    assert sorted(r["file"] for r in _report_rows(store.directory)) == sorted(
        str(path) for path in (tmp_path / "seeds").glob("*.txt")
    )


def test_a_report_with_a_name_that_is_not_utf8_stays_when_another_folder_updates(tmp_path):
    a, b = _mkdir(tmp_path / "a"), _mkdir(tmp_path / "b")
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", a / "000.txt")
    (a / os.fsdecode(b"\xb1\xa8\xb8\xe6.txt")).write_text(
        (SEEDS / f"{SEED_FILES['遂宁']}.txt").read_text("utf-8"), "utf-8"
    )
    shutil.copy(SEEDS / f"{SEED_FILES['自贡']}.txt", b / "001.txt")
    store = IndexStore(tmp_path / "index")
    assert store.update([a, b]).reports == 3
    only_b = store.update([b])
    assert (only_b.removed, only_b.reports) == ([], 3)


def test_a_moved_folder_is_read_from_where_it_is_now(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "a")
    store = IndexStore(tmp_path / "index")
    store.update([tmp_path / "a"])
    (tmp_path / "a").rename(tmp_path / "b")
    moved = store.update([tmp_path / "b"])
    assert (moved.added, moved.removed, sorted(moved.updated)) == (
        [],
        [],
        sorted(SEED_FILES.values()),
    )
    assert all("now read from" in note for note in moved.notes) and len(moved.notes) == 5
    assert {Path(r["file"]).parent for r in _report_rows(store.directory)} == {tmp_path / "b"}


def test_nothing_is_parsed_again_when_nothing_changed_copies_included(tmp_path, monkeypatch):
    from reportsearch.indexer import workers

    corpus = _mkdir(tmp_path / "reports")
    for city in ("盘锦", "遂宁"):
        shutil.copy(SEEDS / f"{SEED_FILES[city]}.txt", corpus / f"{city}.txt")
    shutil.copy(corpus / "盘锦.txt", corpus / "盘锦-copy.txt")  # the same bytes
    for path in corpus.iterdir():
        os.utime(path, ns=(10**18, 10**18))
    monkeypatch.setattr(pipeline, "RACY_SECONDS", 0)
    store = IndexStore(tmp_path / "index")
    assert len(store.update([corpus], workers=1).duplicates) == 1
    parsed = []
    real = workers.prepare_report
    monkeypatch.setattr(workers, "prepare_report", lambda *a: parsed.append(a[0]) or real(*a))
    again = store.update([corpus], workers=1)
    assert parsed == [] and len(again.unchanged) == 2 and len(again.duplicates) == 1


def test_reading_processes_work_whatever_the_start_method(tmp_path):
    script = (
        "import multiprocessing, sys\n"
        "from pathlib import Path\n"
        "from reportsearch.indexer import workers\n"
        "multiprocessing.set_start_method('forkserver', force=True)\n"
        "files = [(Path(p), Path(p).stem) for p in sys.argv[1:]]\n"
        "results = [r for _, r in workers.prepared(files, 2)]\n"
        "print(sum(isinstance(r, tuple) for r in results), len(results))\n"
    )
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt")) * 4  # 20: enough to start workers
    run = subprocess.run([sys.executable, "-c", script, *seeds], capture_output=True,
                         text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["20", "20"]
