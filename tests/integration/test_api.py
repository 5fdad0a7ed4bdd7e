"""The Python API over the seed index: filters, ranking, sorting, paging, grouping, facets."""

from __future__ import annotations

import pytest
from reportsearch.indexer.errors import QuerySyntaxError, ReportNotFoundError, UsageError
from reportsearch.indexer.normalizing import normalize_for_search
from reportsearch.query.engine import pinyin_key


def cities(result):
    return sorted({hit.city for hit in result.hits})


def test_acceptance_flexible_enforcement(seed_index):
    for query in ("柔性执法", "柔性執法", '"柔性执法"'):
        result = seed_index.search(query, limit=0)
        assert cities(result) == ["盘锦市", "遂宁市"]
        by_city = {}
        for hit in result.hits:
            by_city[hit.city] = by_city.get(hit.city, 0) + hit.matches
        assert by_city == {"盘锦市": 14, "遂宁市": 1}
        for hit in result.hits:
            shown = [hit.snippet[a:b] for a, b in hit.highlights]
            assert set(shown) == ({"柔性執法"} if hit.city == "盘锦市" else {"柔性执法"})


def test_every_report_mentions_enforcement(seed_index):
    result = seed_index.search("执法", limit=0)
    assert result.reports == 5 and len({hit.report for hit in result.hits}) == 5


def test_filters_in_query_and_as_options(seed_index):
    only = seed_index.search('"出庭应诉率" year:2023', limit=0)
    assert [(h.city, h.year) for h in only.hits] == [("遂宁市", 2023)]
    assert cities(seed_index.search("执法 city:盤錦", limit=0)) == ["盘锦市"]
    assert cities(seed_index.search("执法 city:盘锦市", limit=0)) == ["盘锦市"]
    assert cities(seed_index.search("执法", filters={"city": "盘锦"}, limit=0)) == ["盘锦市"]
    assert cities(seed_index.search("执法 province:四川", limit=0)) == [
        "南充市",
        "自贡市",
        "遂宁市",
    ]
    assert {h.district for h in seed_index.search("执法 district:巴南", limit=0).hits} == {"巴南区"}
    years = {h.year for h in seed_index.search("执法 year:2019..2021", limit=0).hits}
    assert years == {2020, 2021}
    section = seed_index.search("section:营商环境", limit=0)
    assert section.hits and all(
        any("营商环境" in normalize_for_search(s) for s in h.section) for h in section.hits
    )
    assert "盘锦市" in cities(section)  # its headings are Traditional: 營商環境
    category = seed_index.search("category:行政执法", limit=0)
    assert category.hits and {h.category for h in category.hits} == {"行政执法"}


def test_filters_alone_and_negation_alone_count_only_passages(seed_index):
    everything = seed_index.facets("", ["year"])["total"]
    year_2021 = seed_index.search("year:2021", limit=0)
    assert {h.year for h in year_2021.hits} == {2021} and year_2021.total < everything
    without = seed_index.search("-执法", limit=0)
    assert without.total == everything - seed_index.search("执法", limit=0).total
    assert all("执法" not in h.snippet for h in without.hits)


def test_boolean_queries(seed_index):
    both = {h.passage for h in seed_index.search("复议 应诉", limit=0).hits}
    either = {h.passage for h in seed_index.search("复议 OR 应诉", limit=0).hits}
    fuyi = {h.passage for h in seed_index.search("复议", limit=0).hits}
    not_yingsu = {h.passage for h in seed_index.search("复议 -应诉", limit=0).hits}
    assert both < fuyi <= either
    assert not_yingsu == fuyi - both
    grouped = {h.passage for h in seed_index.search("(复议 OR 应诉) city:遂宁", limit=0).hits}
    assert grouped and grouped <= either


def test_ranking_is_deterministic_and_paged(seed_index):
    full = seed_index.search("执法", limit=0)
    assert [h.score for h in full.hits] == sorted((h.score for h in full.hits), reverse=True)
    for a, b in zip(full.hits, full.hits[1:], strict=False):
        if a.score == b.score:
            assert a.passage < b.passage  # ties broken by id
    page = seed_index.search("执法", limit=5, offset=5)
    assert [h.passage for h in page.hits] == [h.passage for h in full.hits[5:10]]
    assert page.total == full.total and page.facets == full.facets


def test_sort_by_year_and_city(seed_index):
    by_year = seed_index.search("执法", limit=0, sort="year")
    keys = [-(h.year or 0) for h in by_year.hits]
    assert keys == sorted(keys)
    by_city = seed_index.search("执法", limit=0, sort="city")
    assert [h.city for h in by_city.hits] == sorted((h.city for h in by_city.hits),
                                                    key=pinyin_key)  # fmt: skip
    oldest = seed_index.search("执法", limit=0, sort="oldest")
    keys = [h.year or 10_000 for h in oldest.hits]  # no year last
    assert keys == sorted(keys)


def test_group_by_report(seed_index):
    result = seed_index.search("执法", group="report", limit=0)
    assert len(result.hits) == result.reports == 5
    assert sum(h.passages for h in result.hits) == result.total


def test_words_mode(seed_index):
    exact = seed_index.search("执法柔性", limit=0)
    assert exact.total == 0
    loose = seed_index.search("执法柔性", words=True, limit=0)
    assert loose.total > 0
    assert all("柔性" in h.snippet or "柔性" in h.snippet.replace("執", "执") for h in loose.hits)
    # Passages holding the exact string rank first in --words mode.
    phrase = seed_index.search("柔性执法", words=True, limit=0)
    holds = ["柔性執法" in h.snippet or "柔性执法" in h.snippet for h in phrase.hits]
    assert holds == sorted(holds, reverse=True)


def test_facets(seed_index):
    data = seed_index.facets("法治政府建设", ["year", "city"])
    years = [row["value"] for row in data["facets"]["year"]]
    assert years == [2023, 2021, 2020, None]  # newest first, no year last
    assert sum(row["count"] for row in data["facets"]["year"]) == data["total"]
    assert {row["value"] for row in data["facets"]["city"]} >= {"盘锦市", "遂宁市", "南充市"}


def test_errors(seed_index):
    with pytest.raises(QuerySyntaxError):
        seed_index.search("(执法")
    with pytest.raises(UsageError):
        seed_index.search("执法", sort="colour")
    with pytest.raises(UsageError):
        seed_index.facets("执法", ["colour"])
    with pytest.raises(UsageError):
        seed_index.search("执法", filters={"colour": "red"})


def test_reports_listing(seed_index):
    rows = seed_index.reports()
    assert [row["report"] for row in rows] == sorted(row["report"] for row in rows)
    assert {row["city"] for row in rows} == {"自贡市", "盘锦市", "遂宁市", "重庆市", "南充市"}


def test_filters_travel_as_nodes_and_keep_their_quotes(seed_index):
    """A filter value is never turned into query text: quotes and operator words in it are
    just characters of the value."""
    quoted = seed_index.search("", filters={"section": "二、深化“放管服”改革"}, limit=0)
    assert quoted.total > 0
    assert all("二、深化“放管服”改革" in hit.section[0] for hit in quoted.hits)
    straight = seed_index.search("", filters={"section": '深化"放管服"改革'}, limit=0)
    assert straight.total == 0  # straight quotes are other characters than “ ”
    assert seed_index.search("", filters={"section": "OR"}, limit=0).total == 0


# ---- spread, concordance and the reader ------------------------------------------------------


def test_spread_counts_reports_by_year_and_place(seed_index):
    data = seed_index.spread("柔性執法")
    everything = seed_index.reports()
    per_year = {}
    for row in everything:
        if row["year"]:
            per_year[row["year"]] = per_year.get(row["year"], 0) + 1
    assert {y["year"]: y["all_reports"] for y in data["years"]} == per_year
    matching = {y["year"]: y["reports"] for y in data["years"] if y["reports"]}
    assert matching == {2021: 1, 2023: 1}
    assert all(y["share"] == round(y["reports"] / y["all_reports"], 4) for y in data["years"])
    places = [(p["place"], p["first_year"], p["reports"]) for p in data["places"]]
    assert places == [("盘锦市", 2021, 1), ("遂宁市", 2023, 1)]  # ordered by first year
    for place in data["places"]:
        assert 73 < place["longitude"] < 136 and 3 < place["latitude"] < 54  # inside China
    assert data["reports"] == seed_index.search("柔性执法").reports


def test_spread_with_a_filter_and_with_nothing_found(seed_index):
    places = seed_index.spread("执法", filters={"province": "四川"})["places"]
    assert {p["province"] for p in places} == {"四川省"}
    assert [p["first_year"] for p in places] == sorted(
        [p["first_year"] for p in places], key=lambda y: (y is None, y or 0)
    )
    nothing = seed_index.spread("没有这个词语存在")
    assert nothing["places"] == [] and all(y["reports"] == 0 for y in nothing["years"])


def test_concordance_lines_are_the_highlights_in_context(seed_index):
    data = seed_index.concordance("柔性执法", limit=0, width=8)
    assert len(data["lines"]) == 15  # 14 in 盘锦 + 1 in 遂宁, as the acceptance counts
    for line in data["lines"]:
        assert normalize_for_search(line["match"]) == "柔性执法"
        assert len(line["left"]) <= 8 and len(line["right"]) <= 8
    by_right = seed_index.concordance("柔性执法", limit=0, width=8, order="right")["lines"]
    assert [line["right"] for line in by_right] == sorted(line["right"] for line in by_right)
    by_left = seed_index.concordance("柔性执法", limit=0, width=8, order="left")["lines"]
    assert [line["left"][::-1] for line in by_left] == sorted(
        line["left"][::-1] for line in by_left
    )
    with pytest.raises(UsageError):
        seed_index.concordance("柔性执法", order="middle")


def test_report_reads_whole_report_with_outline_and_highlights(seed_index):
    result = seed_index.search("柔性执法", filters={"city": "盘锦"}, limit=0)
    report_id = result.hits[0].report
    data = seed_index.report(report_id, "柔性执法")
    assert data["report"]["report"] == report_id and data["report"]["city"] == "盘锦市"
    positions = [p["position"] for p in data["passages"]]
    assert positions == sorted(positions) and len(positions) == data["report"]["passages"]
    assert data["matches"] == 14
    hits = {hit.passage for hit in result.hits}
    assert {p["passage"] for p in data["passages"] if p["matches"]} == hits
    for passage in data["passages"]:
        for start, end in passage["highlights"]:
            assert normalize_for_search(passage["text"][start:end]) == "柔性执法"
    # the outline: each heading once, in reading order, pointing at a passage of the report
    ids = [p["passage"] for p in data["passages"]]
    assert [e["heading"] for e in data["outline"]][:2] == [
        "一、主要工作成效",
        "(一)全面加大法治政府建設統籌推進力度",
    ]
    assert all(e["passage"] in ids for e in data["outline"])
    assert [ids.index(e["passage"]) for e in data["outline"]] == sorted(
        ids.index(e["passage"]) for e in data["outline"]
    )
    assert any(p["heading"] for p in data["passages"])
    assert seed_index.report(report_id)["matches"] == 0


def test_report_that_is_not_indexed(seed_index):
    with pytest.raises(ReportNotFoundError, match="no report 'nope'"):
        seed_index.report("nope")


def test_pinyin_left_by_a_converter_does_not_hide_a_match(tmp_path):
    from reportsearch.indexer.store import IndexStore
    from reportsearch.query import open_index

    (tmp_path / "pinyin.txt").write_text(
        "某市关于2021年法治政府建设情况的报告\n一、总体情况\n认真領(lǐng)會國務(wù)院精神。\n",
        "utf-8",
    )
    IndexStore(tmp_path / "index").update([tmp_path / "pinyin.txt"])
    with open_index(tmp_path / "index") as index:
        for query in ("领会", "領會", "国务院"):
            result = index.search(query)
            assert result.total == 1, query
        hit = index.search("领会").hits[0]
        assert [hit.snippet[a:b] for a, b in hit.highlights] == ["領(lǐng)會"]


def test_facets_count_reports_beside_passages(seed_index):
    for query in ("执法", "柔性执法", "行政复议 OR 应诉"):
        result = seed_index.search(query, limit=0)
        for name in ("province", "city", "year", "category"):
            for row in result.facets[name]:
                hits = [h for h in result.hits if (getattr(h, name) or None) == row["value"]]
                assert row["count"] == len(hits), (query, name, row)
                assert row["reports"] == len({h.report for h in hits}), (query, name, row)


def test_metric_ranges_are_filtered_by_the_engine_before_any_passage_is_read(
    seed_index, monkeypatch
):
    from reportsearch.query.record import Record

    every = seed_index.metrics(None)["rows"]
    reads = []
    real = Record.passage
    monkeypatch.setattr(Record, "passage", lambda self, uid: reads.append(uid) or real(self, uid))
    ranged = seed_index.metrics(None, minimum=90, maximum=100)["rows"]
    assert ranged == [row for row in every if 90 <= row["value"] <= 100] != []
    # only passages stating a figure in range were read, not every passage with a figure
    with_figures = {row["passage"] for row in every}
    assert len(reads) == len({row["passage"] for row in ranged}) < len(with_figures)


def test_hits_are_highlighted_from_the_map_the_index_keeps(seed_index, monkeypatch):
    from reportsearch.query import snippets
    from reportsearch.query.engine import Engine

    queries = ["柔性执法", "法治 OR 政府", '"依法行政" -柔性', "出庭应诉率", "执法"]
    kept = [seed_index.search(q, limit=0, facets=()).as_dict()["hits"] for q in queries]

    def never(*args):
        raise AssertionError("a hit was normalized again")

    monkeypatch.setattr(snippets, "normalize_with_offsets", never)
    assert [seed_index.search(q, limit=0, facets=()).as_dict()["hits"] for q in queries] == kept
    monkeypatch.undo()
    # and they are what normalizing each hit again gives (an index that keeps no map)
    monkeypatch.setattr(Engine, "_form", staticmethod(lambda segment, i: None))
    normalized = []
    real = snippets.normalize_with_offsets
    monkeypatch.setattr(snippets, "normalize_with_offsets",
                        lambda text: normalized.append(text) or real(text))  # fmt: skip
    assert [seed_index.search(q, limit=0, facets=()).as_dict()["hits"] for q in queries] == kept
    assert normalized  # the hits were made the other way
