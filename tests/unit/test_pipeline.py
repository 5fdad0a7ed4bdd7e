"""pipeline: which files are reports, and the records a report becomes."""

from __future__ import annotations

from helpers import SEED_FILES, SEEDS
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.pipeline import discover_files, ingest_paths


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
        ("a.txt", "a"),
        ("sub/b.html", "sub/b"),
    ]
    assert [str(e) for e in errors] == [f"{tmp_path / 'missing'}: no such file or folder"]


def test_a_clashing_report_id_gets_its_folder_name_in_front(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text("依法行政。" * 30, "utf-8")
    results = list(ingest_paths([tmp_path / "x", tmp_path / "y"]))
    assert [(r.id, r.file) for r in results] == [
        ("same", str(tmp_path / "x" / "same.txt")),
        ("y/same", str(tmp_path / "y" / "same.txt")),
    ]


def test_known_files_keep_their_ids_whatever_the_order(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "001.txt").write_text("依法行政。", "utf-8")
    known = {str(tmp_path / "b" / "001.txt"): "001"}  # b was indexed first
    files, errors = discover_files([tmp_path / "a", tmp_path / "b"], known)
    assert errors == []
    assert [(f.parent.name, i) for f, i in files] == [("a", "a/001"), ("b", "001")]


@given(
    st.lists(
        st.sampled_from(["001.txt", "001.pdf", "s/001.txt", "s/002.txt", "x.html"]),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    st.lists(st.sampled_from(["a", "b", "a/s", "c/a"]), min_size=1, max_size=4, unique=True),
)
def test_ids_are_unique_for_every_layout_of_folders(tmp_path_factory, names, folders):
    root = tmp_path_factory.mktemp("layout")
    for folder in folders:
        for name in names:
            (root / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (root / folder / name).write_text("报告", "utf-8")
    files, _ = discover_files([root / folder for folder in folders])
    ids = [report_id for _, report_id in files]
    assert len(ids) == len(set(ids)) == len({path for path, _ in files})
    # and a second run that knows them gives each file the same id
    again, _ = discover_files(
        [root / folder for folder in folders], {str(path): report_id for path, report_id in files}
    )
    assert again == files


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
        (tmp_path / "a" / "index.html", "index")
    ]


def test_summary_row(seed_reports):
    row = seed_reports["盘锦"].summary()
    assert row["report"] == SEED_FILES["盘锦"]
    assert row["file"] == str(SEEDS / f"{SEED_FILES['盘锦']}.txt")
    assert row["passages"] == len(seed_reports["盘锦"].passages) > 20
    assert row["facts"] > 30 and row["encoding"] == "utf-8" and row["decided_by"] == "utf-8"
