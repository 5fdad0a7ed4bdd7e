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
