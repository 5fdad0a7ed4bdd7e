"""bench: the benchmark's quick mode as a smoke test of correctness (never of timings).

The corpus generator is deterministic, and on a small corpus every answer reportsearch
gives equals grep over the normalized text, as the peers' answers are measured against."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil

import pytest

from bench import corpus, fresh, run, stages
from bench.peers import MIX


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
    return run.run_size(200, ["scan", "sqlite-fts5", "tantivy"], 1, work, stage_sample=5)


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


def test_fresh_processes_time_ours_and_the_floor_peers(quick):
    processes = quick["fresh_processes"]
    queries = processes["queries"]
    plain = [spec for spec in MIX if fresh.plain(spec)]
    assert {spec.name for spec in plain} | {"nothing found", "python start-up"} == set(queries)
    assert len(plain) >= 6
    for name in [spec.name for spec in plain] + ["nothing found"]:
        for kind in fresh.OURS:
            assert len(queries[name][kind]["ms"]) == 1, (name, kind)
    assert queries["rare phrase"]["ours -c"]["exit"] == 0
    assert queries["nothing found"]["ours -c"]["exit"] == 1  # found nowhere, as it must be
    assert queries["nothing found"]["ours 10 hits"]["exit"] == 1
    assert "grep" in queries["phrase"] and "grep" not in queries["AND"]  # AND: not one call
    if shutil.which("rg"):
        assert queries["OR"]["rg"]["exit"] == 0 and queries["nothing found"]["rg"]["exit"] == 1
    else:
        assert any("rg is not installed" in note for note in processes["notes"])
    assert 0 < processes["not_utf8_files"] < processes["files"] == 200  # the GBK files
    assert "reportsearch" in processes["launcher"]["how"]


def test_build_stages_follow_the_pipeline(quick):
    measured = quick["systems"]["reportsearch"]["stages"]
    assert measured["reports"] == 5 and measured["passages"] > 50
    assert set(measured["seconds"]) == set(stages.STAGES)
    assert all(value > 0 for value in measured["seconds"].values())
    assert measured["same_as_pipeline"] and measured["words_counted_once"]


def test_load_is_recorded_before_and_after_every_phase(quick):
    load = quick["load"]
    for phase in ("build", "build stages", "warm queries", "fresh: reportsearch", "fresh: grep",
                  "peer: scan", "peer: tantivy"):  # fmt: skip
        assert len(load[phase]["before"]) == len(load[phase]["after"]) == 3, phase


def test_tables_show_the_new_figures_and_still_read_old_results(quick):
    table = run.tables([quick])
    for heading in ("Fresh processes", "| nothing found: `", "Build stages", "| total |",
                    "Machine load by phase", "| peer: tantivy |"):  # fmt: skip
        assert heading in table, heading
    old = copy.deepcopy(quick)  # a result file written before these figures existed
    for key in ("fresh_processes", "load", "left_out"):
        old.pop(key, None)
    old["systems"]["reportsearch"].pop("stages")
    table = run.tables([old])
    assert "| reportsearch |" in table and "Fresh processes" not in table
    recorded = [json.loads(p.read_text()) for p in sorted(run.RESULTS.glob("N-*.json"))]
    assert "| reportsearch |" in run.tables(recorded)


def test_systems_are_chosen_by_name():
    assert run.choose_systems("reportsearch,scan,tantivy", 50_000) == (["scan", "tantivy"], {})
    peers, left_out = run.choose_systems(None, 50_000)
    assert "whoosh-jieba" not in peers and "whoosh-jieba" in left_out and "tantivy" in peers
    assert run.choose_systems(None, 2000)[0] == ["scan", "whoosh-jieba", "sqlite-fts5", "tantivy"]
    assert run.choose_systems("whoosh-jieba", 50_000) == (["whoosh-jieba"], {})
    with pytest.raises(SystemExit):
        run.choose_systems("scan,lucene", 2000)
    assert run.choose_systems("", 2000) == ([], {})  # reportsearch alone


def test_quick_command_line_run(capsys):
    assert run.main(["--reports", "30", "--quick", "--systems", "reportsearch",
                     "--stage-sample", "3"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "Fresh processes" in printed and "Build stages" in printed
