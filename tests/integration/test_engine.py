"""engine: exact means exact. For generated strings, the passages a search returns are
exactly the passages whose search form contains the normalized string (grep's answer),
headings included, on one index and on indexes built in several increments."""

from __future__ import annotations

import functools

import numpy as np
import opencc
import pytest
from helpers import RUN_REPORT, index_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportsearch.indexer.errors import QuerySyntaxError
from reportsearch.indexer.normalizing import normalize_for_search

_S2T = opencc.OpenCC("s2t")


@pytest.fixture(scope="module")
def corpus(seed_reports):
    """(passage id, search form) of every seed passage, headings included: the ground truth
    grep runs over."""
    return [(p.id, p.text) for r in seed_reports.values() for p in r.passages]


@pytest.fixture(scope="module")
def increments_index(tmp_path_factory, monkeypatch_module):
    """The seeds indexed in four updates (two seeds, one, one, then one more and a changed
    file): four segments, one with the changed report's old passages masked out."""
    from helpers import SEEDS
    from reportsearch.indexer.segment_writer import merge_smallest
    from reportsearch.indexer.store import IndexStore
    from reportsearch.query import open_index

    folder = tmp_path_factory.mktemp("increments")
    directory = folder / "index"
    seeds = sorted(SEEDS.glob("*.txt"))
    for count in (2, 3, 4):
        for path in seeds[:count]:
            (folder / path.name).write_bytes(path.read_bytes())
        IndexStore(directory, merge_policy=functools.partial(merge_smallest, max_segments=4)
                   ).update([p for p in folder.glob("*.txt")])  # fmt: skip
    (folder / seeds[4].name).write_bytes(seeds[4].read_bytes())
    first = folder / seeds[0].name
    first.write_bytes(first.read_bytes() + "\n推进法治政府建设工作。".encode())
    IndexStore(directory).update([p for p in folder.glob("*.txt")])
    with open_index(directory) as index:
        yield index, first.stem


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def grep(corpus, query: str) -> set[str]:
    needle = normalize_for_search(query)
    return {pid for pid, text in corpus if needle in text}


def quoted(string: str) -> str | None:
    """The query that searches for ``string`` literally, or None if no quote style fits."""
    for opening, closing in (('"', '"'), ("“", "”"), ("「", "」")):
        if opening not in string and closing not in string:
            return opening + string + closing
    return None


def search_ids(index, query: str) -> set[str]:
    result = index.search(query, limit=0, facets=())
    assert result.total == len(result.hits)
    return {hit.passage for hit in result.hits}


@st.composite
def corpus_substrings(draw, corpus):
    _, text = draw(st.sampled_from(corpus))
    length = draw(st.integers(1, 8))
    start = draw(st.integers(0, max(0, len(text) - length)))
    return text[start : start + length]


CHECKED = {"queries": 0}


def check(index, corpus, string):
    query = quoted(string)
    if query is None or not normalize_for_search(string):
        return
    expected = grep(corpus, string)
    assert search_ids(index, query) == expected, string
    CHECKED["queries"] += 1
    RUN_REPORT["exact-match queries checked against grep"] = str(CHECKED["queries"])


SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=st.data())
def test_simplified_substrings_match_exactly_what_grep_finds(seed_index, corpus, data):
    check(seed_index, corpus, data.draw(corpus_substrings(corpus)))


@SETTINGS
@given(data=st.data())
def test_an_index_built_in_increments_matches_grep(increments_index, corpus, data):
    index, changed = increments_index
    string = data.draw(corpus_substrings(corpus))
    query = quoted(string)
    if query is None or not normalize_for_search(string):
        return  # as in check(): a string that normalizes to nothing is not a query
    expected = grep(corpus, string)
    found = search_ids(index, query)
    # The changed report gained one line at its end; every other passage is as in the seeds.
    assert {p for p in found if not p.startswith(changed)} == {
        p for p in expected if not p.startswith(changed)
    }, string
    assert {p for p in found if p.startswith(changed)} >= {
        p for p in expected if p.startswith(changed)
    }, string
    CHECKED["queries"] += 1


@SETTINGS
@given(data=st.data())
def test_traditional_substrings_match_exactly_what_grep_finds(seed_index, corpus, data):
    # The user types Traditional; the expected answer is grep for its normalized form.
    check(seed_index, corpus, _S2T.convert(data.draw(corpus_substrings(corpus))))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_strings_not_in_the_corpus_find_nothing_wrong(seed_index, corpus, data):
    # Random strings over the corpus' own alphabet: mostly absent, sometimes present.
    alphabet = sorted({c for _, text in corpus for c in text})
    string = data.draw(st.text(alphabet=st.sampled_from(alphabet[:400]), min_size=1, max_size=4))
    check(seed_index, corpus, string)


@pytest.mark.parametrize(
    "string",
    [
        "法",
        "法治",
        "柔性执法",
        "柔性執法",
        "。",
        "2020年",
        "“",
        "99.5%",
        "哈哈哈",
        "执法执法",
        " ",
        "a",
    ],
)
def test_edge_strings(seed_index, corpus, string):
    if not normalize_for_search(string):
        # Nothing to look for (white space normalizes to nothing): a query of it is refused
        # with a reason, never answered with every passage or with none.
        with pytest.raises(QuerySyntaxError, match="empty"):
            seed_index.search(quoted(string), limit=0, facets=())
        return
    before = CHECKED["queries"]
    check(seed_index, corpus, string)
    assert CHECKED["queries"] == before + 1  # checked against grep, not skipped


def test_a_string_only_a_heading_holds_finds_its_report(seed_index, seed_reports):
    zigong = seed_reports["自贡"]
    assert any(h.text.startswith("一、健全完善工作机制") for h in zigong.headings)
    result = seed_index.search("健全完善工作机制", limit=0)
    assert {hit.report for hit in result.hits} == {zigong.id}
    assert result.hits[0].section[-1].startswith("一、健全完善工作机制")


def test_increments_hold_every_report_once(increments_index, seed_index):
    index, changed = increments_index
    assert {row["report"] for row in index.reports()} == {
        row["report"] for row in seed_index.reports()
    }
    assert index.search("推进法治政府建设工作", limit=0).hits[0].report == changed
    everything = seed_index.facets("", ["city"])
    assert index.facets("", ["city"])["total"] == everything["total"] + 1
    assert len(index._opened.segments) == 4
    assert sum(live is not None for live in index._opened.live) == 1


def test_stock_recipe_failure_cases(seed_index):
    """What jieba's ChineseAnalyzer gets wrong, which we must get right."""
    cities = {hit.city for hit in seed_index.search('"柔性执法"', limit=0, facets=()).hits}
    assert cities == {"盘锦市", "遂宁市"}
    # A 2-character word inside longer words: FTS5 trigram misses these.
    assert search_ids(seed_index, "复议") and search_ids(seed_index, "应诉")


def test_all_bigrams_present_is_not_enough(tmp_path):
    """Passages holding every bigram of the string, but in another order, do not match."""
    from reportsearch.indexer.store import IndexStore
    from reportsearch.query import open_index

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "right.txt").write_text(
        "关于2021年法治政府建设情况的报告\n一、总体情况\n推进法治政府建设工作。", "utf-8"
    )
    (folder / "wrong.txt").write_text(
        "关于2021年法治政府建设情况的报告\n一、总体情况\n政府法治,府法政治,建设法治。", "utf-8"
    )
    IndexStore(tmp_path / "index").update([folder])
    with open_index(tmp_path / "index") as index:
        assert {h.report for h in index.search("法治政府", limit=0).hits} == {"right"}
        assert {h.report for h in index.search("政府法治", limit=0).hits} == {"wrong"}
        assert {h.report for h in index.search("section:总体情况", limit=0).hits} == {
            "right", "wrong"
        }  # fmt: skip
        assert index.search("section:体情况总", limit=0).total == 0


@settings(max_examples=200, deadline=None)
@given(
    scores=st.lists(st.sampled_from([0.0, 1.5, 2.0, 7.25]), max_size=60),
    k=st.integers(0, 70),
)
def test_a_page_is_the_head_of_the_full_order(scores, k):
    """Partitioning for one page gives the same hits, in the same order, as sorting all."""
    import numpy as np
    from reportsearch.query.engine import _lexsorted, _smallest

    n = len(scores)
    keys = [-np.array(scores), np.arange(n)[::-1] % 3, np.arange(n)]  # last key unique
    everything = _lexsorted(keys, np.arange(n))
    assert _smallest(keys, np.arange(n), k).tolist() == everything[:k].tolist()


@pytest.mark.property
@given(st.lists(st.integers(min_value=-3, max_value=40), max_size=60))
def test_distinct_and_first_of_each_are_numpys_unique(values):
    """engine's stand-ins for np.unique (which imports numpy.ma) give what it gives."""
    from reportsearch.query.engine import distinct, first_of_each

    array = np.array(values, dtype=np.int64)
    expected, counts = np.unique(array, return_counts=True)
    got, got_counts = distinct(array, counts=True)
    assert got.tolist() == expected.tolist() and got_counts.tolist() == counts.tolist()
    assert distinct(array).tolist() == expected.tolist()
    present, at = np.unique(array, return_index=True)
    got, got_at = first_of_each(array)
    assert got.tolist() == present.tolist() and got_at.tolist() == at.tolist()


def test_former_and_current_names_are_one_place_in_facets_and_filters(tmp_path):
    """The issue's acceptance: a report about 2016 naming 那曲地区 and one about 2023 naming
    那曲市 land on the same place in facets, filters and the map; a former name typed as a
    filter finds today's place."""
    from reportsearch.query import open_index

    body = "坚持依法行政,深入推进法治政府建设,柔性执法取得成效。\n一、主要工作\n全面推进依法行政。"
    title = "{place}{issuer}关于{year}年度法治政府建设情况的报告\n{year}年,{place}"
    reports = {
        "naqu-2016.txt": title.format(place="那曲地区", issuer="行政公署", year=2016) + body,
        "naqu-2023.txt": title.format(place="那曲市", issuer="人民政府", year=2023) + body,
        "seni-2016.txt": title.format(place="那曲县", issuer="人民政府", year=2016) + body,
    }
    with open_index(index_of(tmp_path, reports)) as index:
        cities = index.facets("", ["city", "district"])["facets"]
        assert [(row["value"], row["reports"]) for row in cities["city"]] == [("那曲市", 3)]
        assert ("色尼区", 1) in [(row["value"], row["reports"]) for row in cities["district"]]
        for old in ("那曲地区", "那曲"):
            assert index.search("柔性执法", filters={"city": old}, limit=0).reports == 3
        assert index.search("柔性执法", filters={"district": "那曲县"}, limit=0).reports == 1
        places = index.spread("柔性执法")["places"]
        assert len({(p["longitude"], p["latitude"]) for p in places if p["city"] == "那曲市"}) <= 2
