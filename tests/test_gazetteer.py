"""gazetteer: divisions, their parents, short names and mentions in text."""

from __future__ import annotations

import pytest

from indexer.gazetteer import default_gazetteer, short_name


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
