"""gazetteer: divisions, their parents, short names and mentions in text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.gazetteer import default_gazetteer, short_name


def test_gazetteer_covers_every_province_and_city():
    gazetteer = default_gazetteer()
    levels = [d.level for d in gazetteer.by_code.values()]
    assert levels.count("province") == 34
    assert levels.count("city") >= 330
    assert levels.count("district") >= 2800
    assert gazetteer.by_name["嘉陵区"][0].city == "南充市"
    assert {d.city for d in gazetteer.by_name["朝阳区"]} == {"北京市", "长春市"}


@pytest.mark.parametrize(
    "name, short",
    [
        ("盘锦市", "盘锦"),
        ("四川省", "四川"),
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("凉山彝族自治州", "凉山"),
        ("巴南区", "巴南"),
        ("荣县", "荣县"),
        ("香港特别行政区", "香港"),
    ],
)
def test_short_names(name, short):
    assert short_name(name) == short


def test_mentions_read_longest_names_first():
    gazetteer = default_gazetteer()
    names = [name for _, name in gazetteer.mentions("四川省自贡市和南充市嘉陵区,遂宁市城区")]
    assert names == ["四川省", "自贡市", "南充市", "嘉陵区", "遂宁市"]  # 城区 is a word here
    assert gazetteer.names_only("四川省自贡市") and not gazetteer.names_only("自贡市报告")


@given(st.lists(st.text(alphabet="南充市嘉陵区和县", min_size=1, max_size=4), min_size=1,
                max_size=8), st.text(alphabet="南充市嘉陵区和县两级", max_size=30))  # fmt: skip
def test_the_name_trie_finds_what_an_alternation_longest_first_finds(names, text):
    import re

    from reportsearch.indexer.gazetteer import LongestNames, longest_name_pattern

    alternation = re.compile(
        "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))
    )
    trie = longest_name_pattern(names)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in alternation.finditer(text)]
    found = [(at, at + len(name)) for at, name in LongestNames(names).finditer(text)]
    assert found == [m.span() for m in alternation.finditer(text)]


def test_locate_finds_the_most_precise_division_with_its_seat():
    gazetteer = default_gazetteer()
    banan = gazetteer.locate("重庆市", "重庆市", "巴南区")
    assert banan.code == "500113000000" and 106 < banan.longitude < 107
    assert gazetteer.locate("四川省", "自贡市").code == "510300000000"
    assert gazetteer.locate("辽宁省").level == "province"
    assert gazetteer.locate("", "", "") is None
    # a district name that exists elsewhere is only taken inside the report's city
    assert gazetteer.locate("四川省", "南充市", "嘉陵区").city == "南充市"


@pytest.mark.parametrize(
    "text, name, province, city",
    [
        ("重庆两江新区管理委员会", "两江新区", "重庆市", "重庆市"),
        ("成都高新区2022年", "成都高新区", "四川省", "成都市"),
        ("盘锦经济技术开发区管委会", "盘锦经济技术开发区", "辽宁省", "盘锦市"),
        ("河北雄安新区", "雄安新区", "河北省", "保定市"),
    ],
)
def test_functional_zones_are_county_level_places_of_their_city(text, name, province, city):
    zone = default_gazetteer().zone(text)
    assert (zone.name, zone.province, zone.city, zone.level) == (name, province, city, "district")


def test_an_unknown_zone_is_no_place():
    assert default_gazetteer().zone("某某开发区") is None
    assert default_gazetteer().zone("推进依法行政") is None


# History: divisions renamed, merged or made since 2013 (data/division_changes.tsv).


def _changes():
    gazetteer = default_gazetteer()
    return [c for c in gazetteer.changes if c.kind != "new" and c.old_name not in _IGNORED]


_IGNORED = {"城区", "郊区", "矿区"}  # data/gazetteer_ignore.txt: no place in text


def test_every_division_of_today_has_coordinates_in_china():
    divisions = default_gazetteer().by_code.values()
    assert len(divisions) >= 3200
    for division in divisions:
        assert 73 < division.longitude < 136 and 3 < division.latitude < 54, division


def test_every_change_leads_to_a_division_of_today_by_its_name():
    gazetteer = default_gazetteer()
    assert len(gazetteer.changes) >= 600
    for change in gazetteer.changes:
        assert gazetteer.by_code[change.new_code].name == change.new_name, change
        assert change.kind in {"county_to_district", "county_to_city", "city_to_district",
                               "prefecture_to_city", "district_to_county", "rename", "merger",
                               "recode", "new"}  # fmt: skip
        assert 2013 <= change.year <= 2025 and change.source, change
        if change.kind != "new":
            assert change.old_code.isdigit() and len(change.old_code) == 12, change
    for change in _changes():  # in its last year, beside its parent of then
        today = gazetteer.by_code[change.new_code]
        context = {change.old_parent or today.province}
        assert gazetteer.resolve(change.old_name, context, change.year) is today, change


@pytest.mark.parametrize(
    "old, code, name, city",
    [
        ("那曲地区", "540600000000", "那曲市", "那曲市"),
        ("那曲县", "540602000000", "色尼区", "那曲市"),
        ("日喀则地区", "540200000000", "日喀则市", "日喀则市"),
        ("山南地区", "540500000000", "山南市", "山南市"),
        ("江干区", "330102000000", "上城区", "杭州市"),
        ("下城区", "330105000000", "拱墅区", "杭州市"),
        ("莱芜市", "370100000000", "济南市", "济南市"),
        ("莱城区", "370116000000", "莱芜区", "济南市"),
        ("梅列区", "350404000000", "三元区", "三明市"),
        ("密云县", "110118000000", "密云区", "北京市"),
        ("渝北区", "500157000000", "两江新区", "重庆市"),
    ],
)
def test_former_names_resolve_to_the_division_of_today(old, code, name, city):
    division = default_gazetteer().resolve(old, set())
    assert (division.code, division.name, division.city) == (code, name, city)
    assert division.longitude is not None
    assert default_gazetteer().today(code) is division


def test_naqu_under_its_old_and_new_names_is_one_place():
    gazetteer = default_gazetteer()
    old, new = gazetteer.resolve("那曲地区", set(), 2016), gazetteer.resolve("那曲市", set(), 2023)
    assert old is new and old.level == "city" and old.province == "西藏自治区"
    assert gazetteer.resolve("那曲县", {"那曲地区"}, 2016) is gazetteer.resolve("色尼区", set())
    names = [name for _, name in gazetteer.mentions("西藏自治区那曲地区那曲县2016年")]
    assert names == ["西藏自治区", "那曲地区", "那曲县"]
    assert gazetteer.today("542421000000").name == "色尼区"
    assert gazetteer.today("999999000000") is None


def test_qiantang_and_linping_are_districts_of_hangzhou():
    gazetteer = default_gazetteer()
    for name, code in (("钱塘区", "330114000000"), ("临平区", "330113000000")):
        (division,) = gazetteer.by_name[name]
        assert (division.code, division.city, division.province) == (code, "杭州市", "浙江省")
        assert 119 < division.longitude < 121 and 29 < division.latitude < 31
    assert gazetteer.locate("浙江省", "杭州市", "钱塘区").code == "330114000000"


def test_a_name_is_read_as_the_division_it_was_in_the_reports_year():
    gazetteer = default_gazetteer()
    # 三沙's 南沙区 dates from 2020; 广州's is older
    assert gazetteer.resolve("南沙区", set(), 2018).city == "广州市"
    assert gazetteer.resolve("南沙区", set()) is None  # both today: no choice is sure
    assert gazetteer.resolve("南沙区", {"海南省"}).city == "三沙市"
    # 深圳's 龙华区 dates from 2016; 海口's is older
    assert gazetteer.resolve("龙华区", set(), 2015).city == "海口市"
    # 邢台's 桥东区 was renamed 襄都区 in 2020; 张家口's keeps its name
    assert gazetteer.resolve("桥东区", {"河北省"}, 2019) is None
    assert gazetteer.resolve("桥东区", {"河北省"}, 2022).city == "张家口市"
    assert gazetteer.resolve("桥东区", {"河北省"}).city == "张家口市"  # today's meaning first
    assert gazetteer.resolve("桥东区", {"邢台市"}, 2022).name == "襄都区"
    # 重庆's 江北区 became part of 两江新区 in 2025; 宁波's keeps its name
    assert gazetteer.resolve("江北区", set()).city == "宁波市"
    assert gazetteer.resolve("江北区", set(), 2020) is None
    assert gazetteer.resolve("江北区", {"重庆市"}, 2020).name == "两江新区"
    assert gazetteer.resolve("江北区", {"重庆市"}).name == "两江新区"
    # 济宁's 市中区 (until 2013) is 任城区; 济南's is today's
    assert gazetteer.resolve("市中区", {"济宁市"}, 2013).name == "任城区"


def test_locate_takes_former_names_too():
    gazetteer = default_gazetteer()
    assert gazetteer.locate("西藏自治区", "那曲地区", "那曲县").name == "色尼区"
    assert gazetteer.locate("西藏自治区", "那曲地区") is gazetteer.locate("西藏自治区", "那曲市")
    assert gazetteer.locate("山东省", "莱芜市").name == "济南市"
    assert gazetteer.locate("重庆市", "重庆市", "江北区").name == "两江新区"
    assert gazetteer.locate("浙江省", "宁波市", "江北区").city == "宁波市"
    assert gazetteer.locate("河北省", "邢台市", "桥东区", year=2018).name == "襄都区"


def test_former_names_that_are_also_words_are_places_only_after_their_parent():
    gazetteer = default_gazetteer()
    assert gazetteer.mentions("新建县级公共法律服务中心3个，创建平安县（市、区）") == []
    names = [name for _, name in gazetteer.mentions("江西省南昌市新建县2015年")]
    assert names == ["江西省", "南昌市", "新建县"]
    assert gazetteer.resolve("新建县", set()).name == "新建区"


def test_reports_about_2016_and_2023_on_naqu_land_on_one_place():
    """The acceptance test of the history: the place facets and the map agree."""
    from reportsearch.indexer.pipeline import ingest_bytes
    from reportsearch.query import trends

    body = "坚持依法行政，推进法治政府建设，健全重大行政决策程序，规范行政执法行为。" * 8
    texts = {
        "2016": f"那曲地区行政公署关于2016年度法治政府建设情况的报告\n2016年，那曲地区{body}",
        "2023": f"那曲市人民政府关于2023年度法治政府建设情况的报告\n2023年，那曲市{body}",
    }
    reports = [ingest_bytes(text.encode(), f"{year}.txt", year) for year, text in texts.items()]
    places = {(r.metadata.province, r.metadata.city) for r in reports}
    assert places == {("西藏自治区", "那曲市")}
    assert sorted(r.metadata.year for r in reports) == [2016, 2023]
    columns = {
        "report": ["2016", "2023"],
        "province": [r.metadata.province for r in reports],
        "city": [r.metadata.city for r in reports],
        "year": [r.metadata.year for r in reports],
        "passages": [1, 1],
    }
    (place,) = trends.spread(columns, columns, "依法行政", 2)["places"]
    assert place["years"] == [2016, 2023] and place["longitude"] and place["latitude"]


@given(st.sampled_from(_changes()), st.integers(2010, 2030))
def test_a_former_name_beside_its_parent_is_the_division_it_became(change, year):
    gazetteer = default_gazetteer()
    today = gazetteer.by_code[change.new_code]
    parent = change.old_parent or today.province
    assert gazetteer.resolve(change.old_name, {parent}, year) is today
    assert change.old_name in gazetteer.by_name and today in gazetteer.by_name[change.old_name]
    if change.old_parent:
        assert gazetteer.locate(today.province, change.old_parent, change.old_name) is today


_NAMES = sorted({c.old_name for c in _changes()} | {"那曲市", "杭州市", "钱塘区", "桥东区",
                                                     "河北省", "南沙区", "市中区"})  # fmt: skip


_FILLER = st.text(alphabet="和县两级市区建设的", max_size=3)


@given(st.lists(st.one_of(st.sampled_from(_NAMES), _FILLER), max_size=12),
       st.sets(st.sampled_from(_NAMES), max_size=3),
       st.one_of(st.none(), st.integers(2010, 2030)))  # fmt: skip
def test_every_mention_is_a_name_that_resolves_to_a_division_of_today_or_to_none(
    parts, context, year
):
    gazetteer = default_gazetteer()
    text = "".join(parts)
    end = 0
    for start, name in gazetteer.mentions(text):
        assert start >= end and text[start : start + len(name)] == name
        end = start + len(name)
        division = gazetteer.resolve(name, context, year)
        assert division is None or gazetteer.by_code[division.code] is division


def test_abbreviations_no_rule_derives_are_data():
    from reportsearch.indexer.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    assert gazetteer.resolve("巴州", set()).name == "巴音郭楞蒙古自治州"
    assert gazetteer.resolve("伊犁州", set()).name == "伊犁哈萨克自治州"  # 哈萨克, without 族
    assert [name for _, name in gazetteer.mentions("巴州党委、政府,巴中市巴州区")] == [
        "巴州", "巴中市", "巴州区"]  # fmt: skip
