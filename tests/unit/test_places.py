"""places and issuers: where a report is from, and who issued it, from its own evidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.gazetteer import default_gazetteer
from reportsearch.indexer.issuers import canonical_issuer, is_government_body, known_issuers
from reportsearch.indexer.pipeline import ingest_bytes
from reportsearch.indexer.places import (
    TIERS,
    Scope,
    at_tier,
    find_place,
    opening_subject,
    subject_division,
)

GAZETTEER = default_gazetteer()
CITIES = sorted(d.code for d in GAZETTEER.by_code.values() if d.level == "city")
DISTRICTS = sorted(d.code for d in GAZETTEER.by_code.values() if d.level == "district")


@pytest.mark.parametrize(
    ("opening", "body", "tier"),
    [
        (
            "2021年,泾源县公安局在县委、县政府的坚强领导下,坚持依法行政。",
            "泾源县公安局",
            "district",
        ),
        ("2022年,省政府坚持以习近平法治思想为指导,扎实推进法治政府建设。", "省政府", "province"),
        ("2024年,区司法局在区委、区政府的正确领导下,坚持依法行政。", "区司法局", "district"),
        ("2023年以来,地区司法处坚持以习近平法治思想为指导。", "地区司法处", "city"),
        ("2021年,司法部坚持以习近平法治思想为指导,全面推进。", "司法部", ""),
        ("2020年,在党中央、国务院及省委的正确领导下,全省各级政府坚持依法行政。", "", "province"),
    ],
)
def test_the_opening_says_who_did_the_work(opening, body, tier):
    subject = opening_subject([opening])
    assert (subject.body, subject.tier) == (body, tier)


def test_a_year_or_purpose_clause_is_not_the_subject():
    subject = opening_subject(["2021年是开局之年,也是关键之年。年初以来,盘锦市认真学习贯彻。"])
    assert subject.clause.startswith("盘锦市")
    # A committee says the tier only as a hint: "在市委…领导下" in a city report.
    assert opening_subject(["2023年,在市委坚强领导下,我局不断强化法治理念。"]).hint == "city"


def test_a_division_named_further_on_does_not_refine_the_first():
    shanghai = subject_division("上海市坚持依法行政,支持徐汇区先行先试", GAZETTEER, set())
    assert shanghai.name == "上海市"
    assert subject_division("上海市徐汇区人民政府", GAZETTEER, set()).name == "徐汇区"


def test_a_body_mention_is_cut_back_to_the_tier_the_text_speaks_as():
    text = "全市各级行政机关坚持依法行政。徐汇区、徐汇区和浦东新区开展试点。上海市深化改革。"
    division, source = find_place([], text, GAZETTEER, tier="city")
    assert division.name == "上海市" and "city" in source
    division, _ = find_place([], text, GAZETTEER)  # no tier: the most named place
    assert division.name == "徐汇区"


def test_a_county_report_on_its_prefectures_page_is_the_county():
    scopes = [Scope("红河州人民政府", "the site's name", own=False)]
    text = "县委、县政府坚持依法行政。金平县党政主要负责人履行职责。红河州部署。"
    division, _ = find_place(scopes, text, GAZETTEER, tier="district")
    assert division.name == "金平苗族瑶族傣族自治县"


def test_short_names_give_context_and_an_everyday_word_does_not():
    text = "城中区坚持依法行政,推动西宁在现代化新青海建设中挑大梁。"
    division, _ = find_place([Scope("城中区坚持依法行政", "opening")], text, GAZETTEER)
    assert (division.city, division.name) == ("西宁市", "城中区")
    assert find_place([Scope("维护长治久安", "opening")], "维护长治久安", GAZETTEER)[0] is None


@given(st.sampled_from(CITIES), st.data())
def test_a_city_and_a_district_inside_it_refine_only_when_adjacent(code, data):
    city = GAZETTEER.by_code[code]
    inside = [GAZETTEER.by_code[c] for c in DISTRICTS if c[:4] == code[:4]]
    if not inside:
        return
    district = data.draw(st.sampled_from(inside))
    named = GAZETTEER.by_name.get(district.name, [])
    if len({d.code for d in named}) > 1 and city.name not in {d.city for d in named}:
        return
    assert subject_division(city.name + district.name, GAZETTEER, {city.name}) == district
    far = subject_division(city.name + "坚持依法行政,支持" + district.name, GAZETTEER, set())
    assert far == city


@given(st.sampled_from(DISTRICTS), st.sampled_from(TIERS))
def test_cutting_back_never_gives_a_finer_place(code, tier):
    division = at_tier(GAZETTEER.by_code[code], tier, GAZETTEER)
    # A municipality is a province; a county-level city under its province is its own city.
    own_city = division.city == division.name and tier == "city"
    assert TIERS.index(division.level) <= TIERS.index(tier) or own_city


@given(st.sampled_from(known_issuers()), st.sampled_from(["盘锦市", "四川省", "巴南区", ""]))
def test_a_departments_name_with_its_place_is_its_canonical_name(issuer, place):
    assert canonical_issuer(place + issuer, (place,)) == issuer
    assert is_government_body(place + issuer)


def test_issuers_are_canonical_across_tiers_and_unknown_ones_keep_their_name():
    assert canonical_issuer("四川省司法厅") == canonical_issuer("自贡市司法局") == "司法局"
    assert canonical_issuer("盘锦市市场监督管理局") == "市场监管局"
    assert canonical_issuer("盘锦市人民政府办公室") == "政府办公室"
    assert canonical_issuer("国有资产监督管理委员会") == "国资委"  # not 人民政府 (管理委员会)
    assert canonical_issuer("盘锦市档案馆") == "档案局"
    assert canonical_issuer("盘锦市供销合作社", ("盘锦市",)) == "供销合作社"
    assert not is_government_body("青海日报")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the 红河州 salutation is whom the report is for, not its title or place
        (
            "中共红河州委、红河州人民政府:\n2025年,县委、县政府坚持依法行政,扎实推进法治政府建设。"
            "金平县党政主要负责人履行第一责任人职责,金平县领导干部带头学法。",
            dict(
                city="红河哈尼族彝族自治州",
                district="金平苗族瑶族傣族自治县",
                level="district",
                issuer="人民政府",
                year=2025,
                title="",
            ),
        ),
        # a department in a municipality, with only the municipality's short name
        (
            "2024年,区司法局在区委、区政府的正确领导下,深入贯彻习近平总书记视察重庆重要讲话精神。",
            dict(province="重庆市", level="district", issuer="司法局", year=2024),
        ),
        # an autonomous region's 全区 is the region
        (
            "2023年,全区各级人民政府坚持依法行政,认真贯彻落实习近平总书记对内蒙古的重要指示精神。",
            dict(province="内蒙古自治区", level="province", issuer="人民政府"),
        ),
        # news: a dateline lede, the year of its posting
        (
            "高港区部署开展法治政府建设专项活动\n2020-04-26 14:54:59 来源: 评论:0\n"
            "4月23日,高港区召开区政府第23次常务会议,部署开展法治政府建设专项活动。",
            dict(kind="news", year=2020, district="高港区"),
        ),
        # a report's own title outweighs its page's newspaper source
        (
            "陕西省人民政府关于2025年法治政府建设情况的报告\n来源:陕西日报 2026-03-16 08:15\n"
            "2025年,在省委坚强领导下,省政府坚持依法行政。",
            dict(kind="report", year=2025, level="province", issuer="人民政府"),
        ),
        # a ministry
        (
            "2021年,司法部坚持以习近平新时代中国特色社会主义思想为指导,全面推进法治政府建设。",
            dict(province="", level="national", issuer="司法部"),
        ),
        # 我厅 under a ministry's guidance: that ministry's kind of department
        (
            "2024年,在生态环境部的关心指导和省委、省政府的坚强领导下,我厅深入学习贯彻习近平法治思想。"
            "四川省生态环境保护取得积极成效。",
            dict(issuer="生态环境局", level="province"),
        ),
    ],
)
def test_real_report_classes(text, expected):
    metadata = ingest_bytes(text.encode("utf-8"), "r.txt", "r").metadata.as_dict()
    assert {key: metadata[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "现将我局…报告如下" names no issuer; the opening's 市公安局 does
        (
            "2023年,市公安局认真贯彻落实中央、省委、市委有关部署,圆满完成各项任务。"
            "现将我局2023年法治政府建设工作情况报告如下。",
            dict(issuer="公安局", year=2023),
        ),
        # a body before a reform, by its former name
        (
            "2017年,原环境保护部深入学习宣传贯彻党的十九大精神,推进法治政府建设。",
            dict(issuer="环境保护部", level="national"),
        ),
        # a government's office
        (
            "2021年,在区委、区政府的坚强领导下,区政府办认真贯彻落实习近平法治思想。",
            dict(issuer="政府办公室", level="district"),
        ),
        # the bureau opens the sentence; the 市政府 after 在市委 is whom it answers to
        (
            "2023年,市市场监管局在市委市政府的坚强领导下,深入学习贯彻习近平法治思想。",
            dict(issuer="市场监管局", level="city"),
        ),
        # the place itself speaks: its government, not the 发布机构 that posted the page
        (
            "名称: 下陆区2024年法治政府建设工作报告\n发布机构: 下陆区司法局\n"
            "2024年,下陆区坚持以习近平法治思想为指导,全面推进依法行政。",
            dict(issuer="人民政府", district="下陆区", year=2024),
        ),
        # a meeting's news
        (
            "融水县召开争创法治政府建设示范县工作推进会\n发布日期: 2021-07-12 10:20\n"
            "为深入贯彻落实法治政府建设决策部署,我县决定争创全国法治政府建设示范县。",
            dict(kind="news", year=2021),
        ),
        # a government publishing its own report, the report following
        (
            "湖南省人民政府公布2017年度法治政府建设情况\n"
            "2017年,在党中央、国务院的正确领导下,我省各级各部门认真贯彻落实党的十九大精神。",
            dict(kind="report", year=2017, province="湖南省", level="province"),
        ),
    ],
)
def test_held_out_report_classes(text, expected):
    metadata = ingest_bytes(text.encode("utf-8"), "r.txt", "r").metadata.as_dict()
    assert {key: metadata[key] for key in expected} == expected


def test_a_departments_addressee_names_its_government():
    text = "锡林郭勒盟委、行署:\n2023年,盟生态环境局坚持依法行政,扎实推进法治政府建设各项工作。"
    metadata = ingest_bytes(text.encode("utf-8"), "r.txt", "r").metadata
    assert (metadata.city, metadata.issuer, metadata.level) == ("锡林郭勒盟", "生态环境局", "city")
