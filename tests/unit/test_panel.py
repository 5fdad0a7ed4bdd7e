"""panel: counts of terms and concepts per report (and per cell) equal str.count over the
search form, concepts count overlapping wordings once, per-10k figures follow."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.segment import PassageRow, build_segment, passage_form
from reportsearch.query.concepts import Concept, load_concepts
from reportsearch.query.engine import Engine, _non_overlapping
from reportsearch.query.panel import PANEL_BY, panel_columns, parse_terms


def places(text: str, terms) -> int:
    """The reference count: each term's str.count occurrences (leftmost, non-overlapping)
    as spans, spans sharing a character merged, the merged places counted."""
    spans = []
    for term in terms:
        at = text.find(term)
        while at >= 0:
            spans.append((at, at + len(term)))
            at = text.find(term, at + len(term))
    spans.sort()
    count, reach = 0, -1
    for begin, end in spans:
        if begin >= reach:
            count += 1
        reach = max(reach, end)
    return count


def test_the_reference_is_str_count_for_one_term():
    for text, term in [("哈哈哈哈", "哈哈"), ("哈哈哈", "哈哈"), ("aaaaa", "aa"), ("abab", "b")]:
        assert places(text, [term]) == text.count(term)
    assert places("行政复议复议", ["复议", "行政复议"]) == 2
    assert places("行政复议机关", ["行政复议", "复议机关"]) == 1  # overlapping: one place
    assert places("行政复议行政复议", ["行政复议", "复议"]) == 2  # touching: two


@pytest.mark.parametrize("length", [1, 2, 3])
def test_non_overlapping_is_what_str_count_counts(length):
    text = "哈哈哈哈哈a哈哈哈b哈哈"
    term = "哈" * length
    positions = [i for i in range(len(text)) if text.startswith(term, i)]
    kept = _non_overlapping(np.array(positions[::-1]), length)
    assert len(kept) == text.count(term)


def engine_of(reports: list[list[str]], cut: int = 0, dead=()) -> Engine:
    """An engine over ``reports`` (each a list of passage search forms) in two segments cut
    before report ``cut``, the passages numbered in ``dead`` deleted."""
    rows, uid = [], 0
    for r, passages in enumerate(reports):
        for position, text in enumerate(passages):
            rows.append(PassageRow(uid=uid, report=f"r{r:03d}", position=position, text=text,
                                   section="", year=2016 + r % 3, city=f"c{r % 2}"))  # fmt: skip
            uid += 1
    first = sum(len(p) for p in reports[:cut])
    parts = [rows[:first], rows[first:]]
    segments = [build_segment(part) for part in parts if part]
    live = []
    at = 0
    for segment in segments:
        mask = np.ones(segment.size, dtype=bool)
        for number in dead:
            if at <= number < at + segment.size:
                mask[number - at] = False
        at += segment.size
        live.append(mask)
    return Engine(segments, live)


def expected_counts(engine: Engine, groups) -> dict[str, list[int]]:
    """Per live report, the reference count of each group over its live passages."""
    texts: dict[str, list[str]] = {}
    for segment, live in zip(engine.segments, engine.live, strict=True):
        for i in np.flatnonzero(live).tolist():
            report = segment.meta["reports"][segment.arrays["report"][i]]
            texts.setdefault(report, []).append(passage_form(segment, i))
    return {report: [sum(places(t, group) for t in passages) for group in groups]
            for report, passages in texts.items()}  # fmt: skip


ALPHABET = "行政复议哈a"
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=30)
terms = st.text(alphabet=ALPHABET, min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    reports=st.lists(st.lists(texts, min_size=1, max_size=4), min_size=1, max_size=6),
    groups=st.lists(st.lists(terms, min_size=1, max_size=3, unique=True), min_size=1,
                    max_size=4),
    cut=st.integers(0, 6),
    dead=st.sets(st.integers(0, 23), max_size=3),
)  # fmt: skip
def test_counts_equal_str_count_and_concepts_merge_overlaps(reports, groups, cut, dead):
    engine = engine_of(reports, cut, dead)
    groups = [tuple(group) for group in groups]
    counted = engine.occurrence_counts(groups, engine.match(None))
    expected = expected_counts(engine, groups)
    assert sorted(counted["report"]) == sorted(expected)  # every live report, zeros too
    for i, report in enumerate(counted["report"]):
        assert [int(c[i]) for c in counted["counts"]] == expected[report]
    plain = [g for g in groups if len(g) == 1]  # a plain term: str.count over each passage
    if plain:
        counted = engine.occurrence_counts(plain, engine.match(None))
        by_report = {report: [] for report in counted["report"]}
        for segment, live in zip(engine.segments, engine.live, strict=True):
            for n in np.flatnonzero(live).tolist():
                report = segment.meta["reports"][segment.arrays["report"][n]]
                by_report[report].append(passage_form(segment, n))
        for i, report in enumerate(counted["report"]):
            assert [int(c[i]) for c in counted["counts"]] == [
                sum(text.count(g[0]) for text in by_report[report]) for g in plain
            ]


def test_chars_are_the_live_passages_search_form_lengths():
    engine = engine_of([["行政复议", "哈哈"], ["a" * 7]], cut=1, dead={1})
    counted = engine.occurrence_counts([("哈",)], engine.match(None))
    assert dict(zip(counted["report"], counted["chars"].tolist(), strict=True)) == {
        "r000": 4, "r001": 7}  # fmt: skip
    assert counted["counts"][0].tolist() == [0, 0]  # 哈哈 was deleted


# ---- through the API: the seeds and a generated index ---------------------------------------


def forms_by_report(index) -> dict[str, list[str]]:
    engine = index._engine  # the test's look inside: the search forms the index holds
    texts: dict[str, list[str]] = {}
    for segment, live in zip(engine.segments, engine.live, strict=True):
        for i in np.flatnonzero(live).tolist():
            report = segment.meta["reports"][segment.arrays["report"][i]]
            texts.setdefault(report, []).append(passage_form(segment, i))
    return texts


SEED_TERMS = ["复议", "行政复议", "法", "执法", "。", "的", "柔性", "出庭应诉率", "100%",
              "concept:免罚", "concept:柔性执法", "复议机关\t行政复议|复议机关|复议"]  # fmt: skip


def check_panel(index, terms):
    data = index.panel(terms)
    texts = forms_by_report(index)
    known = index.concepts
    entries = parse_terms("\n".join(terms), known)
    by_name = {entry.name: entry.terms for entry in entries}
    rows = data["rows"]
    assert len(rows) == len(texts) * len(entries)  # balanced: every report, every entry
    for row in rows:
        passages = texts[row["report"]]
        wanted = by_name[row["concept"]]
        if len(wanted) == 1:
            assert row["count"] == sum(t.count(wanted[0]) for t in passages), row
        assert row["count"] == sum(places(t, wanted) for t in passages), row
        assert row["chars"] == sum(len(t) for t in passages)
        assert row["per_10k"] == round(row["count"] * 10_000 / row["chars"], 6)
        assert row["reports"] == int(row["count"] > 0) and row["all_reports"] == 1
    return data


def test_panel_counts_on_the_seeds(seed_index):
    data = check_panel(seed_index, SEED_TERMS)
    assert data["by"] == ["report"]
    assert tuple(data["rows"][0]) == panel_columns("report")
    assert any(row["count"] for row in data["rows"] if row["concept"] == "免罚")


def test_a_generated_index_counts_as_str_count(tmp_path):
    """Reports written as files (one in Traditional characters, full-width digits), indexed,
    and counted through the API."""
    import random

    from reportsearch.indexer.store import IndexStore
    from reportsearch.query import open_index

    rng = random.Random(7)
    words = ["行政复议", "复议", "首违不罚", "免罚清单", "哈哈哈", "依法行政", "柔性执法",
             "。", ",", "１００%", "行政執法", "复议机关"]  # fmt: skip
    source = tmp_path / "reports"
    source.mkdir()
    for n in range(6):
        body = "\n".join("".join(rng.choice(words) for _ in range(rng.randint(20, 60)))
                         for _ in range(rng.randint(3, 8)))  # fmt: skip
        head = f"盘锦市人民政府关于{2018 + n}年法治政府建设情况的报告\n"
        (source / f"r{n}.txt").write_text(head + "一、主要工作\n" + body, "utf-8")
    IndexStore(tmp_path / "index").update([source])
    with open_index(tmp_path / "index") as index:
        check_panel(index, ["复议", "哈哈", "行政执法", "100%", "concept:免罚",
                            "x\t行政复议|复议机关|复议"])  # fmt: skip


def test_cells_sum_their_reports(seed_index):
    terms = ["复议", "concept:免罚"]
    reports = seed_index.panel(terms)["rows"]
    for by in PANEL_BY[1:]:
        data = seed_index.panel(terms, by=by)
        fields = by.split(",") if by != "city,year" else ["province", "city", "year"]
        assert tuple(data["rows"][0]) == panel_columns(by)
        for row in data["rows"]:
            inside = [r for r in reports if r["concept"] == row["concept"]
                      and all(r[f] == row[f] for f in fields)]  # fmt: skip
            assert row["count"] == sum(r["count"] for r in inside)
            assert row["chars"] == sum(r["chars"] for r in inside)
            assert row["all_reports"] == len(inside)
            assert row["reports"] == sum(1 for r in inside if r["count"])
            assert row["per_10k"] == round(row["count"] * 10_000 / row["chars"], 6)
        assert sum(r["all_reports"] for r in data["rows"]) == len(reports)  # none dropped


def test_filters_narrow_the_reports_and_passages(seed_index):
    every = seed_index.panel(["复议"])["rows"]
    sichuan = seed_index.panel(["复议"], filters={"province": "四川"})["rows"]
    assert {r["report"] for r in sichuan} < {r["report"] for r in every}
    assert all(r["province"] == "四川省" for r in sichuan)
    section = seed_index.panel(["复议"], filters={"category": "行政执法"})["rows"]
    whole = {r["report"]: r for r in every}
    assert all(r["chars"] <= whole[r["report"]]["chars"] for r in section)


def test_terms_files(tmp_path):
    known = load_concepts()
    entries = parse_terms("\ufeff# comment\n复议\n\n免罚\t首违不罚|免罰清單\tsource\n"
                          "concept:柔性执法\n行政復議\n", known)  # fmt: skip
    assert [e.name for e in entries] == ["复议", "免罚", "柔性执法", "行政復議"]
    assert entries[1].terms == ("首违不罚", "免罚清单")  # Traditional, in search form
    assert entries[3].terms == ("行政复议",)
    assert entries[2] == known["柔性执法"]
    for text, fragment in [
        ("复议\n复议\n", "line 2: '复议' is counted already"),
        ("concept:没有\n", "unknown concept '没有'; concepts are: 免罚"),
        ("x\t|\n", "line 1: concept 'x' has no terms"),
        ("# nothing\n", "holds no term"),
        ("a b\tx\n", "may not hold spaces"),
    ]:
        with pytest.raises(UsageError, match=fragment):
            parse_terms(text, known)


def test_the_api_takes_strings_and_concepts(seed_index):
    mine = Concept("mine", ("行政复议", "复议"))
    data = seed_index.panel(["复议", mine], by="year")
    assert [c["concept"] for c in data["concepts"]] == ["复议", "mine"]
    with pytest.raises(UsageError, match="unknown --by"):
        seed_index.panel(["复议"], by="city")
    with pytest.raises(UsageError, match="at least one"):
        seed_index.panel([])
    json.dumps(data)  # JSON as it is


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "csv", "xlsx", "parquet"])
def test_written_in_parts_is_written_whole(seed_index, fmt):
    from reportsearch.query import render

    answer = render.panel_answer(seed_index.panel(["复议", "concept:免罚", "法"]))
    whole = render.write(fmt, answer, bom=True)
    if fmt in ("xlsx", "parquet"):
        assert b"".join(render.rows_parts(answer, fmt, bom=True)) == whole
        return
    assert "".join(render.rows_parts(answer, fmt, bom=True, size=4)) == whole
    empty = render.panel_answer({"by": ["year"], "concepts": [], "rows": []})
    assert "".join(render.rows_parts(empty, fmt, size=4)) == render.write(fmt, empty)
