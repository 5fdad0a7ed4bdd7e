"""query.collocates: the words near a query, counted and ranked by log-likelihood."""

from __future__ import annotations

import math
import random
from types import SimpleNamespace

import pytest
from helpers import SEEDS, index_of
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.normalizing import normalize_for_search
from reportsearch.indexer.words import word_tokens
from reportsearch.query import open_index
from reportsearch.query.collocates import association, collocates, corpus_words

PLANTED = "网格化"  # always just before 柔性执法 in the generated reports, once elsewhere


def generated_reports(count: int = 12) -> dict[str, str]:
    """Reports of the seeds' own paragraphs, each saying 网格化柔性执法 a few times; one
    says 网格化 alone. 柔性执法 also stands in the seeds' paragraphs with other words."""
    paragraphs = sorted({line.strip() for path in sorted(SEEDS.glob("*.txt"))
                         for line in path.read_text("utf-8").splitlines()
                         if len(line.strip()) >= 40})  # fmt: skip
    cities = "盘锦 遂宁 自贡 南充 绵阳 德阳 鞍山 抚顺 丹东 锦州 营口 阜新".split()
    rng = random.Random(22)
    reports = {}
    for n in range(count):
        city, year = cities[n % len(cities)], 2016 + n % 8
        body = rng.sample(paragraphs, 8)
        for _ in range(rng.randint(2, 4)):
            body.insert(rng.randrange(len(body)), f"坚持依法行政,{PLANTED}柔性执法。")
        if n == 0:
            body.append(f"{city}市建立{PLANTED}管理体系,覆盖全部社区。")
        title = f"{city}市人民政府关于{year}年法治政府建设情况的报告"
        reports[f"r{n:02d}.txt"] = "\n".join([title, *body]) + "\n"
    return reports


@pytest.fixture(scope="module")
def planted_index(tmp_path_factory):
    with open_index(index_of(tmp_path_factory.mktemp("collocates"), generated_reports())) as index:
        yield index


def test_a_planted_pair_ranks_first(planted_index):
    result = collocates(planted_index, "柔性执法")
    first = result["rows"][0]
    assert first["word"] == PLANTED
    assert first["left"] == first["count"] and first["right"] == 0
    assert first["frequency"] == first["count"] + 1  # and once elsewhere
    assert first["ll"] > result["rows"][1]["ll"] > 0
    assert first["mi"] > 0
    assert result["query"] == "柔性执法" and result["window"] == 5
    assert {"柔性", "执法", "柔性执法"}.isdisjoint(row["word"] for row in result["rows"])
    lls = [(-row["ll"], -row["count"], row["word"]) for row in result["rows"]]
    assert lls == sorted(lls)


def test_the_reference_is_every_word_of_the_index(planted_index):
    everything = sum(len(corpus_words(normalize_for_search(p["text"])))
                     for row in planted_index.reports()
                     for p in planted_index.report(row["report"])["passages"])  # fmt: skip
    assert collocates(planted_index, "柔性执法")["tokens"] == everything


def test_filters_and_limits(planted_index):
    some = collocates(planted_index, "柔性执法", filters={"city": "盘锦"}, limit=3)
    every = collocates(planted_index, "柔性执法", limit=0)
    assert len(some["rows"]) == 3 and some["occurrences"] < every["occurrences"]
    assert 'city:"盘锦"' in some["query"]
    with pytest.raises(UsageError):
        collocates(planted_index, "柔性执法", window=0)
    with pytest.raises(UsageError):
        collocates(planted_index, "year:2020")  # no string to look for


def test_counts_on_a_hand_checked_example(tmp_path):
    text = (
        "盘锦市人民政府关于2021年法治政府建设情况的报告\n"
        "我们推行柔性执法制度,坚持柔性执法。\n加强行政复议应诉工作。\n"
    )
    with open_index(index_of(tmp_path, {"a.txt": text})) as index:
        # 我们 推行 [柔性 执法] 制度 坚持 [柔性 执法]: windows 我们 推行 | 制度 坚持 and
        # 制度 坚持 | (the passage ends)
        rows = {r["word"]: r for r in collocates(index, "柔性执法", window=2)["rows"]}
        assert {w: (r["count"], r["left"], r["right"]) for w, r in rows.items()} == {
            "我们": (1, 1, 0), "推行": (1, 1, 0), "制度": (2, 1, 1), "坚持": (2, 1, 1)}  # fmt: skip
        rows = {r["word"]: r for r in collocates(index, "柔性执法", window=1)["rows"]}
        assert {w: (r["left"], r["right"]) for w, r in rows.items()} == {
            "推行": (1, 0), "制度": (0, 1), "坚持": (1, 0)}  # fmt: skip
        # a word around the query (行政复议 around 复议) belongs to it
        result = collocates(index, "复议", window=1)
        assert [(r["word"], r["left"], r["right"]) for r in result["rows"]] == [
            ("加强", 1, 0), ("应诉", 0, 1)]  # fmt: skip
        assert result["occurrences"] == 1 and result["passages"] == 1


def test_log_likelihood_and_mi_follow_dunning():
    o11, r1, c1, n = 30, 1000, 60, 100_000
    observed = [o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]
    rows, cols = [r1, n - r1], [c1, n - c1]
    expected = [rows[i] * cols[j] / n for i in (0, 1) for j in (0, 1)]
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(observed, expected, strict=True))
    ll, mi = association(o11, r1, c1, n)
    assert ll == pytest.approx(g2) and mi == pytest.approx(math.log2(o11 / expected[0]))
    ll, mi = association(1, 1000, 50_000, n)  # rarer near the query than elsewhere
    assert ll < 0 and mi < 0
    assert association(0, r1, c1, n) == (0.0, 0.0)


# ---- a rule for all inputs: the windows against a plain reading of the whole passage ------

PIECES = ["柔性执法", "推行", "行政复议", "复议", "法治政府", "依法行政", "建设", ",", "。",
          " ", "2021年", "100%", "网格化", "执法", "柔性", "审慎", "c++", "3.5", "、",
          "《条例》"]  # fmt: skip


class FakeIndex:
    """What collocates asks of an index: search hits with whole passages, and a query."""

    def __init__(self, passages: list[str]):
        self.passages = passages

    def search(self, query, **options):
        hits = [SimpleNamespace(snippet=p) for p in self.passages if normalize_for_search(query) in
                normalize_for_search(p)]  # fmt: skip
        return SimpleNamespace(query=query, hits=iter(hits))


def plain_windows(form: str, query: str, window: int) -> tuple[dict, int]:
    """{word: (left, right)} counted the slow way: cut the whole passage, locate its
    words, and take the window around each non-overlapping occurrence."""
    spans, at = [], 0
    for word in word_tokens(form):
        start = form.find(word, at)
        spans.append((word, start, start + len(word)))
        at = start + len(word)
    nodes, start = [], 0
    while (found := form.find(query, start)) >= 0:
        nodes.append((found, found + len(query)))
        start = found + len(query)
    own = set(word_tokens(query)) | {query}
    counts: dict[str, list[int]] = {}
    for a, b in nodes:
        left = [s for s in spans if s[2] <= a][-window:]
        right = [s for s in spans if s[1] >= b][:window]
        for side, words in ((0, left), (1, right)):
            for word, s, e in words:
                if word in own or any(x < e and s < y for x, y in nodes):
                    continue
                counts.setdefault(word, [0, 0])[side] += 1
    return {w: tuple(c) for w, c in counts.items()}, len(nodes)


@given(passages=st.lists(st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
                         min_size=1, max_size=4),
       window=st.integers(1, 6),
       query=st.sampled_from(["柔性执法", "复议", "执法", "建设"]))  # fmt: skip
def test_windows_are_those_of_the_whole_passage(passages, window, query):
    def reference(words):
        return {"counts": {w: 10_000 for w in words}, "tokens": 1_000_000}

    result = collocates(FakeIndex(passages), query, window=window, limit=0, reference=reference)
    expected, occurrences = {}, 0
    for passage in passages:
        counts, found = plain_windows(normalize_for_search(passage), query, window)
        occurrences += found
        for word, (left, right) in counts.items():
            was = expected.get(word, (0, 0))
            expected[word] = (was[0] + left, was[1] + right)
    assert {r["word"]: (r["left"], r["right"]) for r in result["rows"]} == expected
    assert result["occurrences"] == occurrences
    for row in result["rows"]:
        assert row["count"] == row["left"] + row["right"]
        assert 0 < row["count"] <= occurrences * 2 * window
    assert sum(row["count"] for row in result["rows"]) <= occurrences * 2 * window
