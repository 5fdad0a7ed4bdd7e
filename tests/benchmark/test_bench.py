"""bench: the benchmark's quick mode as a smoke test of correctness (never of timings).

The corpus generator is deterministic, and on a small corpus every answer reportsearch
gives equals grep over the normalized text, as the peers' answers are measured against."""

from __future__ import annotations

import hashlib

import pytest

from bench import corpus, run


def test_the_corpus_is_the_same_for_the_same_seed(tmp_path):
    digests = []
    for name in ("a", "b"):
        corpus.generate(tmp_path / name, 12, seed=3)
        digests.append(sorted(hashlib.sha256(p.read_bytes()).hexdigest()
                              for p in (tmp_path / name).iterdir()))  # fmt: skip
    assert digests[0] == digests[1]
    corpus.generate(tmp_path / "c", 12, seed=4)
    other = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "c").iterdir())
    assert other != digests[0]
    encodings = {p.read_bytes().isascii() for p in (tmp_path / "a").iterdir()}
    assert encodings == {False}


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    return run.run_size(200, ["scan", "sqlite-fts5", "tantivy"], 1, work)


def test_quick_benchmark_answers_equal_grep(quick):
    ours = quick["systems"]["reportsearch"]["queries"]
    exact = {name: entry for name, entry in ours.items() if "recall" in entry}
    assert len(exact) >= 12 and all(entry["expected"] > 0 for entry in exact.values())
    for name, entry in exact.items():
        assert (entry["recall"], entry["precision"]) == (1.0, 1.0), name
    # The scan is grep itself, except that it does not normalize the Traditional query.
    scan = quick["systems"]["scan"]["queries"]
    assert all(e["recall"] == 1.0 for n, e in scan.items() if n != "Traditional")
    assert scan["Traditional"]["recall"] == 0.0


def test_quick_benchmark_measures_every_system(quick):
    assert set(quick["systems"]) == {"reportsearch", "scan", "sqlite-fts5", "tantivy"}
    ours = quick["systems"]["reportsearch"]
    assert ours["reports"] == 200 and ours["add_1_percent"]["added"] == 2
    assert set(ours["fresh"]) == set(ours["queries"])
    table = run.tables([quick])
    assert "| reportsearch |" in table and "| tantivy |" in table
