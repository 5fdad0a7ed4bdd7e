"""Fault injection: the hostile audit of issue 12, one test (or more) per row of its table,
kept so that every fault stays fixed. Bad files, bad queries, killed and interrupted
writers, damaged indexes, and seeded hypothesis fuzzing of queries and file bytes.

Each test names its row. None of them assert timings.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SEED_FILES, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from messy import make_messy_folder
from reportsearch import cli
from reportsearch.indexer import index_files, locking
from reportsearch.indexer.errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexWriteError,
    ReadError,
    ReportSearchError,
    UpdateInterrupted,
)
from reportsearch.indexer.pipeline import discover_files, ingest_bytes
from reportsearch.indexer.store import IndexStore
from reportsearch.query import open_index

SEED_TEXT = (SEEDS / f"{SEED_FILES['遂宁']}.txt").read_text("utf-8")


def run(*args, input=None):
    """The CLI in-process; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli.cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def index(folder, index_dir, *options):
    return run("index", str(folder), "--index-dir", str(index_dir), *options)


def hits(index_dir, query, **options) -> int:
    with open_index(index_dir) as opened:
        return opened.search(query, limit=0, facets=(), **options).total


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "reports"
    path.mkdir()
    return path


# ---- row 1: file names that are not UTF-8 ---------------------------------------------------


def test_row1_a_gbk_file_name_is_indexed_with_a_stable_escaped_id(tmp_path, folder):
    (folder / "sub").mkdir()
    name = "报告".encode("gbk") + b".txt"
    with open(os.path.join(os.fsencode(folder / "sub"), name), "wb") as out:
        out.write(SEED_TEXT.encode())
    shutil.copy(SEEDS / f"{SEED_FILES['自贡']}.txt", folder / "other.txt")
    code, out, err = index(folder, tmp_path / "index")
    assert code == 0, err
    with open_index(tmp_path / "index") as opened:
        ids = sorted(row["report"] for row in opened.reports())
    assert ids == ["other", "sub/\\xb1\\xa8\\xb8\\xe6"]
    # The same bytes give the same id on the next run: nothing is re-added.
    code, out, _ = index(folder, tmp_path / "index")
    assert code == 0 and "0 added, 0 updated, 0 removed, 2 unchanged" in out


# ---- row 2: damaged and mixed encodings ----------------------------------------------------


def test_row2_bytes_cut_from_utf8_are_replaced_and_reported(tmp_path, folder):
    data = SEED_TEXT.encode()
    middle = data.index("柔性执法".encode()) + 1  # inside a character
    (folder / "cut.txt").write_bytes(data[:middle] + data[middle + 2 :])
    code, out, err = index(folder, tmp_path / "index")
    assert code == 0
    assert "cut.txt: 1 bad bytes at offsets" in err and "replaced" in err
    assert hits(tmp_path / "index", "依法行政") > 0  # both halves are searchable
    assert hits(tmp_path / "index", "行政复议") > 0
    with open_index(tmp_path / "index") as opened:
        (row,) = opened.reports()
    assert row["encoding"] == "utf-8" and row["decided_by"].startswith("best of")
    assert row["warnings"] and "bad bytes" in row["warnings"][0]


def test_row2_utf8_and_gbk_in_one_file_are_both_read(tmp_path, folder):
    lines = SEED_TEXT.splitlines(keepends=True)
    half = len(lines) // 2
    mixed = "".join(lines[:half]).encode() + "".join(lines[half:]).encode("gb18030")
    (folder / "mixed.txt").write_bytes(mixed)
    code, _, err = index(folder, tmp_path / "index")
    assert code == 0 and "mixed encodings" in err
    prose = [i for i, line in enumerate(lines) if line.count("。") >= 2]
    first = next(i for i in prose if i < half)
    last = next(i for i in reversed(prose) if i >= half)
    for line in (lines[first], lines[last]):  # one sentence from each half
        probe = line.split("。")[1][-8:]
        assert hits(tmp_path / "index", probe) > 0, probe


def test_row2_latin1_is_skipped_not_indexed_as_mojibake(tmp_path, folder):
    (folder / "latin.txt").write_bytes("Résumé de l'année: très bien.\n".encode("latin-1") * 40)
    shutil.copy(SEEDS / f"{SEED_FILES['自贡']}.txt", folder / "good.txt")
    code, out, err = index(folder, tmp_path / "index")
    assert code == 1
    assert "latin.txt: no encoding reads it as Chinese text" in err
    assert "1 reports" in out


# ---- row 3: a report with no line breaks ---------------------------------------------------


def test_row3_a_report_without_line_breaks_keeps_its_text(tmp_path, folder):
    one_line = "字体:[大 中 小] 打印 " + SEED_TEXT.replace("\n", "") + " 公网安备12345号"
    (folder / "oneline.txt").write_text(one_line, "utf-8")
    code, _, err = index(folder, tmp_path / "index")
    assert code == 0, err
    assert hits(tmp_path / "index", "柔性执法") > 0


def test_row3_cleaning_may_not_take_more_than_half(tmp_path, folder):
    furniture = "\n".join(["【打印】【关闭】", "上一篇:某某", "电话:028-12345678"] * 30)
    report = "\n某市2021年法治政府建设工作报告\n推行柔性执法。"
    (folder / "mostly.txt").write_text(furniture + report, "utf-8")
    code, _, err = index(folder, tmp_path / "index")
    assert code == 0 and "kept all of it" in err
    assert hits(tmp_path / "index", "打印") > 0


# ---- row 4: large files ------------------------------------------------------------------


def test_row4_a_file_over_the_limit_is_skipped_and_costs_the_others_nothing(tmp_path, folder):
    for city, stem in SEED_FILES.items():
        shutil.copy(SEEDS / f"{stem}.txt", folder / f"{city}.txt")
    (folder / "huge.txt").write_text(SEED_TEXT * 20, "utf-8")  # ~300 kB
    code, out, err = index(folder, tmp_path / "index", "--max-file-size", "0.1")
    assert code == 1
    assert "huge.txt: too large: 0.2 MB, over the 0.1 MB limit (--max-file-size)" in err
    assert "5 reports" in out


# ---- row 5: a metric comparison nothing satisfies ------------------------------------------


def test_row5_an_unsatisfiable_comparison_matches_nothing(seed_index_dir):
    assert hits(seed_index_dir, "metric:出庭应诉率>=200") == 0
    assert hits(seed_index_dir, "法治", filters={"metric": "出庭应诉率>=200"}) == 0
    assert hits(seed_index_dir, "metric:出庭应诉率>=0") > 0
    for bad in (">=abc", ">=nan", ">=1e999", ">="):
        code, _, err = run("search", f"metric:出庭应诉率{bad}", "--index-dir", str(seed_index_dir))
        assert code == 2 and "needs a number" in err, bad


# ---- row 6: no process outlives the writer; stale locks ------------------------------------


# Row 6, killing an index run: test_store.test_killing_an_index_run_leaves_the_old_index_...


@contextlib.contextmanager
def holding_the_write_lock(index_dir):
    """Another process that holds the index's write lock, ended afterwards."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(120)",
         str(index_dir / "write.lock")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_row6_a_lock_held_by_the_readers_of_a_dead_writer_is_broken(tmp_path):
    index_dir = tmp_path / "index"
    IndexStore(index_dir).update([SEEDS])
    with holding_the_write_lock(index_dir) as holder:  # an orphaned reader of a dead writer
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        (index_dir / "write.lock.owner").write_text(
            json.dumps({"pid": dead.pid, "host": os.uname().nodename}), "utf-8"
        )
        store = IndexStore(index_dir)
        with pytest.raises(IndexLockedError):  # the library breaks a lock only if asked
            store.update([SEEDS], wait=0.5)
        assert holder.poll() is None
        summary = store.update([SEEDS], wait=10, break_stale_locks=True)
        assert summary.reports == 5
        assert any("stale write lock" in note for note in summary.notes)
        assert holder.wait(timeout=10) == -signal.SIGKILL


def test_row6_a_lock_held_by_a_live_writer_is_not_broken(tmp_path):
    index_dir = tmp_path / "index"
    IndexStore(index_dir).update([SEEDS])
    with holding_the_write_lock(index_dir) as holder:
        (index_dir / "write.lock.owner").write_text(
            json.dumps({"pid": holder.pid, "host": os.uname().nodename}), "utf-8"
        )
        code, _, err = run("index", str(SEEDS), "--index-dir", str(index_dir), "--wait", "0.5")
        assert code == 2 and "another reportsearch process is writing" in err
        assert holder.poll() is None


# ---- row 7: deep input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "(" * 250 + "法治" + ")" * 250,
        "NOT " * 300 + "法治",
        "-" * 300 + "法治",
        " ".join(["法治"] * 3000),
    ],  # fmt: skip
)
def test_row7_deep_or_huge_queries_are_errors_not_crashes(seed_index_dir, query):
    code, _, err = run("search", "--index-dir", str(seed_index_dir), "--", query)
    assert code == 2
    assert "nests too deep" in err or "query too long" in err
    assert "internal error" not in err


def test_row7_a_bad_line_in_a_batch_does_not_stop_the_rest(seed_index_dir):
    lines = "(" * 250 + "法治\n柔性执法\n"
    code, out, err = run("search", "--batch", "-", "-c", "--format", "jsonl",
                         "--index-dir", str(seed_index_dir), input=lines)  # fmt: skip
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and "error" in rows[0] and rows[1]["total"] == 4


def test_row7_a_folder_1000_deep_is_walked(tmp_path):
    deep = tmp_path / "reports"
    deep.mkdir()
    levels = [deep]
    for _ in range(1000):  # not mkdir(parents=True), nor rmtree below: both recurse
        levels.append(levels[-1] / "a")
        os.mkdir(levels[-1])
    (levels[-1] / "bottom.txt").write_text(SEED_TEXT, "utf-8")
    try:
        files, errors = discover_files([deep])
        assert not errors and [report_id for _, report_id in files] == ["a/" * 1000 + "bottom"]
    finally:
        (levels[-1] / "bottom.txt").unlink()
        for level in reversed(levels):
            os.rmdir(level)


# ---- row 8: filter values cannot change the query ------------------------------------------


def test_row8_filter_values_with_query_syntax_are_values(seed_index_dir):
    for value in ('不存在" OR "法治', "不存在 OR 法治", "(法治)", "*"):
        assert hits(seed_index_dir, "法治", filters={"city": value}) == 0, value
    code, _, _ = run("search", "法治", "--city", '不存在" OR "法治', "--index-dir",
                     str(seed_index_dir))  # fmt: skip
    assert code == 1


# ---- row 9: terminal escapes from reports ---------------------------------------------------


def test_row9_escape_sequences_from_a_report_are_neutralised(tmp_path, folder):
    evil = "推行\x1b]0;PWNED\x07柔性执法\x1b[2J工作,\x1b[8m隐藏\x1b[0m取得成效。\u202e反转"
    lines = SEED_TEXT.splitlines()
    (folder / "evil.txt").write_text("\n".join(lines[:5] + [evil] + lines[5:]), "utf-8")
    index(folder, tmp_path / "index")
    for args in (["取得成效"], ["取得成效", "--kwic"], ["取得成效", "--color", "always"],
                 ["取得成效", "-C", "1"]):  # fmt: skip
        code, out, _ = run("search", *args, "--index-dir", str(tmp_path / "index"))
        assert code == 0
        raw = out.replace("\x1b[1;31m", "").replace("\x1b[1m", "").replace("\x1b[0m", "")
        assert "\x1b" not in raw and "\x07" not in raw and "\u202e" not in raw, args
        assert "]0;PWNED\\x07" in out and "\\u202e" in out
    code, out, _ = run("show", "evil", "取得成效", "--index-dir", str(tmp_path / "index"))
    assert "\x1b]" not in out and "\\x1b[2J" in out
    code, out, _ = run("search", "取得成效", "--format", "json", "--index-dir",
                       str(tmp_path / "index"))  # fmt: skip
    snippets = [hit["snippet"] for hit in json.loads(out)["hits"]]
    assert any("\x1b]0;PWNED\x07" in snippet for snippet in snippets)  # JSON keeps the text


# ---- row 10: damaged indexes -----------------------------------------------------------------


def _damage(path: Path, kind: str) -> None:
    if kind == "delete":
        path.unlink()
    elif kind == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:  # garble 8 bytes in the middle
        data = bytearray(path.read_bytes())
        middle = len(data) // 2
        for i in range(middle, min(len(data), middle + 8)):
            data[i] ^= 0x5A
        path.write_bytes(bytes(data))


def test_row10_every_kind_of_damage_is_named_and_never_answered(tmp_path, seed_index_dir):
    unused = ("write.lock", "MAIN_WRITELOCK")  # locks, not index data
    files = sorted(p.relative_to(seed_index_dir) for p in seed_index_dir.rglob("*")
                   if p.is_file() and not p.name.startswith(unused))  # fmt: skip
    assert len(files) >= 8  # CURRENT, engine-1.json, a segment's two, Whoosh's files
    answer = run("search", "法治", "-c", "--index-dir", str(seed_index_dir))[1]
    checked = 0
    for relative in files:
        for kind in ("truncate", "garble", "delete"):
            damaged = tmp_path / f"{kind}-{checked}"
            shutil.copytree(seed_index_dir, damaged)
            _damage(damaged / relative, kind)
            code, out, err = run("search", "法治", "-c", "--index-dir", str(damaged))
            whoosh_side = relative.parts[1:2] == ("whoosh",) or relative.name.startswith("whoosh-")
            if whoosh_side and not (kind == "delete" and relative.suffix == ".toc"):
                # A search reads nothing of Whoosh's files but the name of its newest table
                # of contents: it answers right, and the next update names the damage (a
                # lost whoosh-N.json it writes again, as a commit writes it first).
                assert code == 0 and out == answer, (relative, kind, err)
                code, out, err = run("index", "--index-dir", str(damaged))
                if kind == "delete" and relative.name.startswith("whoosh-"):
                    assert code == 0, err
                    checked += 1
                    continue
            assert code == 2, (relative, kind, out)
            assert "is damaged" in err and "rebuild with: reportsearch index --rebuild" in err, (
                relative, kind, err)  # fmt: skip
            assert "internal error" not in err
            checked += 1
            shutil.rmtree(damaged)
    assert checked == 3 * len(files)


@pytest.mark.parametrize("victim", ["CURRENT", "whoosh/_MAIN_1.toc", "segments/*/arrays.bin"])
def test_row10_rebuild_works_whatever_the_damage(tmp_path, seed_index_dir, victim):
    damaged = tmp_path / "index"
    shutil.copytree(seed_index_dir, damaged)
    base = damaged if victim == "CURRENT" else next(damaged.glob("gen-*"))
    for kind in ("garble", "truncate"):
        target = next(base.glob(victim))
        _damage(target, kind)
        if victim.startswith("whoosh/"):  # read by updates only (see above)
            assert run("index", "--index-dir", str(damaged))[0] == 2
        else:
            with pytest.raises(IndexDamagedError):
                open_index(damaged).close()
        code, out, err = run("index", "--rebuild", str(SEEDS), "--index-dir", str(damaged))
        assert code == 0 and "5 reports" in out, err
        assert hits(damaged, "柔性执法") == 4
        base = damaged if victim == "CURRENT" else next(damaged.glob("gen-*"))


# ---- row 11: another user can read an index -------------------------------------------------


def test_row11_index_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        IndexStore(tmp_path / "index").update([SEEDS])
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "index").rglob("*") if p.is_file()]
    private = [p for p in files if p.stat().st_mode & 0o044 != 0o044]
    assert not private, private


# ---- row 12: a batch file with a byte that is not UTF-8 -------------------------------------


def test_row12_a_bad_byte_in_a_batch_file_costs_only_its_line(tmp_path, seed_index_dir):
    batch = tmp_path / "queries.txt"
    batch.write_bytes("柔性执法\n".encode() + b"\xff\xfe\xb7\xa8\n" + "行政复议\n".encode())
    code, out, err = run("search", "--batch", str(batch), "-c", "--format", "jsonl",
                         "--index-dir", str(seed_index_dir))  # fmt: skip
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and "line 2 is not UTF-8" in err
    assert rows[0]["total"] == 4 and "error" in rows[1] and rows[2]["total"] > 0


# ---- row 13: Ctrl-C tells the truth ---------------------------------------------------------


def test_row13_ctrl_c_after_the_commit_says_it_was_committed(tmp_path, folder, monkeypatch):
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", folder / "a.txt")
    store = IndexStore(tmp_path / "index")
    store.update([folder])
    shutil.copy(SEEDS / f"{SEED_FILES['遂宁']}.txt", folder / "b.txt")
    real = index_files.clean_engine_files

    def ctrl_c_now(*args):
        os.kill(os.getpid(), signal.SIGINT)  # just after Whoosh committed
        real(*args)

    monkeypatch.setattr(index_files, "clean_engine_files", ctrl_c_now)
    code, _, err = run("index", "--index-dir", str(tmp_path / "index"))
    assert code == 130
    assert "interrupted after the update was committed" in err
    with open_index(tmp_path / "index") as opened:  # whole: checksums and all
        assert opened.search("柔性执法", facets=()).reports == 2


def test_row13_a_commit_killed_before_its_checksums_is_finished_by_the_next_update(tmp_path):
    store = IndexStore(tmp_path / "index")
    store.update([SEEDS])
    (sums,) = (tmp_path / "index").glob("gen-*/whoosh-*.json")
    sums.unlink()  # as if kill -9 came between the Whoosh commit and its checksums
    assert hits(tmp_path / "index", "柔性执法") == 4  # a search reads no Whoosh file
    assert store.sources() == [str(SEEDS.resolve())]  # the manifest is still readable
    assert store.update([SEEDS]).reports == 5
    assert hits(tmp_path / "index", "柔性执法") == 4


def test_row13_ctrl_c_before_the_commit_says_nothing_changed(tmp_path, folder, monkeypatch):
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", folder / "a.txt")
    IndexStore(tmp_path / "index").update([folder])
    shutil.copy(SEEDS / f"{SEED_FILES['遂宁']}.txt", folder / "b.txt")
    from whoosh.writing import SegmentWriter

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(SegmentWriter, "commit", interrupted)
    with pytest.raises(UpdateInterrupted) as caught:
        IndexStore(tmp_path / "index").update([folder])
    assert not caught.value.committed and "as it was before" in str(caught.value)


# ---- row 14: read-only folders, full disks, leftovers ---------------------------------------


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "No space left on device"),
                                         (errno.EROFS, "Read-only file system")])  # fmt: skip
def test_row14_a_full_or_read_only_disk_gives_one_line(tmp_path, folder, monkeypatch, code,
                                                       words):  # fmt: skip
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", folder / "a.txt")
    IndexStore(tmp_path / "index").update([folder])
    before = hits(tmp_path / "index", "柔性执法")
    shutil.copy(SEEDS / f"{SEED_FILES['遂宁']}.txt", folder / "b.txt")
    real_write = index_files.write_arrays

    def failing_write(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(index_files, "write_arrays", failing_write)
    exit_code, _, err = run("index", "--index-dir", str(tmp_path / "index"))
    monkeypatch.setattr(index_files, "write_arrays", real_write)
    errors = [line for line in err.splitlines() if line.startswith("reportsearch: error")]
    assert exit_code == 2 and len(errors) == 1
    assert f"cannot write the index at {tmp_path / 'index'}: {words}" in err
    assert "the index is as it was before" in err
    assert hits(tmp_path / "index", "柔性执法") == before > 0  # the old index answers


def test_row14_a_folder_that_cannot_be_written_gives_one_line(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(locking.filelock.FileLock, "acquire", refused)
    code, _, err = run("index", str(SEEDS), "--index-dir", str(tmp_path / "index"))
    assert code == 2 and "cannot write the index at" in err and "Permission denied" in err


def test_row14_leftovers_of_failed_rebuilds_are_removed(tmp_path):
    store = IndexStore(tmp_path / "index")
    store.update([SEEDS])
    leftover = tmp_path / "index" / "gen-000042"
    (leftover / "whoosh").mkdir(parents=True)
    (leftover / "segments.bin").write_bytes(b"\0" * 1000)
    store.update([SEEDS])
    assert [p.name for p in (tmp_path / "index").glob("gen-*")] == ["gen-000001"]


# ---- row 15: what cannot be a report says why ------------------------------------------------


def test_row15_links_fifos_folders_and_empty_text_each_get_a_reason(tmp_path, folder,
                                                                    monkeypatch):  # fmt: skip
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", folder / "good.txt")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "loop").mkdir()
    (folder / "loop" / "back").symlink_to(folder)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "locked").mkdir()
    (folder / "spaces.txt").write_text("\u3000\u3000\n\u3000 \t\n", "utf-8")
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":  # as for another user's folder (tests run as root)
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = index(folder, tmp_path / "index")
    assert code == 1 and "1 reports" in out
    expected = {
        "dangling.txt": "dangling symbolic link",
        "back": "symbolic link loop",
        "self.txt": "symbolic link loop",
        "pipe.txt": "not a regular file (a FIFO)",
        "locked": "cannot read folder: Permission denied",
        "spaces.txt": "no text in it",
        "bom.txt": "no text in it",
    }
    for name, reason in expected.items():
        assert any(line.startswith("reportsearch: skipped ") and f"/{name}: {reason}" in line
                   for line in err.splitlines()), (name, err)  # fmt: skip


# ---- fuzzing ---------------------------------------------------------------------------------

QUERY_PIECES = st.sampled_from([
    "法治", "柔性执法", "(", ")", "OR", "AND", "NOT", "-", '"', "'", "city:", "year:", "metric:",
    "出庭应诉率>=", "95", "[", "]", " ", "TO", "..", "\\", "*", "?", "\x1b", "\u3000", "年", "、",
])  # fmt: skip


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(QUERY_PIECES, max_size=30).map("".join))
def test_fuzzed_queries_answer_or_say_why(seed_index, query):
    try:
        seed_index.search(query, limit=3)
    except ReportSearchError as error:
        assert "\n" not in str(error)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda text, cut, junk: text.encode("utf-8")[:cut] + junk + text.encode()[cut:],
              st.text(alphabet="法治政府建设依法行政。\n 柔性执法", min_size=1, max_size=300),
              st.integers(0, 900), st.binary(max_size=8)),
    st.builds(lambda text: text.encode("gb18030"),
              st.text(alphabet="法治政府建设依法行政。\n 柔性执法abc", max_size=300)),
))  # fmt: skip
def test_fuzzed_file_bytes_are_read_or_refused_in_one_line(data):
    try:
        report = ingest_bytes(data, "fuzz.txt", "fuzz")
    except ReadError as error:
        assert str(error).startswith("fuzz.txt: ") and "\n" not in str(error)
    else:
        assert report.passages
        assert all("\ufffd" not in p.text for p in report.passages) or report.warnings


def test_no_damage_is_reported_on_an_intact_index_opened_by_a_reader_while_writing(tmp_path):
    """The checksums follow commits: a reader opened before an update keeps answering, and one
    opened after sees the new commit, neither calling it damaged."""
    store = IndexStore(tmp_path / "index")
    store.update([SEEDS])
    with open_index(tmp_path / "index") as before:
        (tmp_path / "more").mkdir()
        (tmp_path / "more" / "x.txt").write_text(SEED_TEXT + "\n附件:新台账。\n", "utf-8")
        store.update([tmp_path / "more"])
        assert before.search("柔性执法", facets=()).total == 4
    with open_index(tmp_path / "index") as after:
        assert after.search("新台账", facets=()).total == 1


def test_write_errors_are_typed(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index_files, "write_arrays", full)
    with pytest.raises(IndexWriteError):
        IndexStore(tmp_path / "index").update([SEEDS])
    assert not list((tmp_path / "index").glob("gen-*"))


# ---- issue 17/18: a researcher's real folder ------------------------------------------------


def test_a_messy_folder_indexes_every_report_and_names_every_skipped_file(tmp_path):
    corpus = make_messy_folder(tmp_path / "corpus")
    code, out, err = index(corpus.root, tmp_path / "index", "--jobs", "2")
    assert code == 1
    assert f"{len(corpus.reports)} reports" in out
    skipped = [line for line in err.splitlines() if line.startswith("reportsearch: skipped ")]
    assert len(skipped) == len(corpus.junk)
    for path in corpus.junk:
        assert any(line.startswith(f"reportsearch: skipped {path}: ") for line in skipped), path


def test_indexing_the_current_folder_never_reads_the_index_in_it(tmp_path):
    """`cd reports && reportsearch index .`: the default index folder is inside the folder
    being indexed, and its files (the lock's owner file among them) are not reports."""
    corpus = make_messy_folder(tmp_path / "corpus", reports=12)
    for jobs in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "reportsearch.cli", "index", ".", "--jobs", jobs,
             "--format", "json"],
            cwd=corpus.root, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        summary = json.loads(result.stdout)
        assert summary["reports"] == 12
        skipped = {(corpus.root / row["file"]).resolve() for row in summary["skipped"]}
        assert skipped == {path.resolve() for path in corpus.junk}
        assert not any("index_data" in row["file"] for row in summary["skipped"])
        assert not any("index_data" in report for report in summary["added"])


def test_a_link_to_a_system_file_is_not_indexed_or_served(tmp_path, folder):
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", folder / "good.txt")
    (folder / "passwd").symlink_to("/etc/passwd")
    (folder / "etc").symlink_to("/etc")
    code, out, err = index(folder, tmp_path / "index")
    assert code == 1 and "1 reports" in out
    assert f"skipped {folder / 'passwd'}: a link to /etc/passwd, outside the folders" in err
    assert f"skipped {folder / 'etc'}: a link to /etc, outside the folders" in err
    code, out, err = run("show", "passwd", "--index-dir", str(tmp_path / "index"))
    assert code == 2 and "root:" not in out
