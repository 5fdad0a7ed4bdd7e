"""query.diff: passages added, removed, changed (with marks) and unchanged; the year before."""

from __future__ import annotations

import pytest
from helpers import index_of
from reportsearch.query import open_index
from reportsearch.query.diff import SIMILAR, diff_reports, place_reports, previous_report

TITLE = "{city}市人民政府关于{year}年法治政府建设情况的报告"
OPENING = "{year}年,{city}市坚持以习近平法治思想为指导,深入推进依法行政,法治政府建设取得新成效。"
DECISIONS = "全面落实重大行政决策程序规定,全年审查重大行政决策事项{n}件,决策质量明显提高。"
FLEXIBLE = "深化行政执法体制改革,推行柔性执法,在市场监管领域制定免罚清单,做到宽严相济。"
REVIEW = "加强行政复议应诉工作,全年办理行政复议案件128件,行政机关负责人出庭应诉率达到100%。"
SWAPPED = "{city}市全面推行证明事项告知承诺制,{city}市司法局会同各部门梳理证明事项清单。"
OLD_ONLY = "开展法治政府建设示范创建活动,对照指标体系逐项查找差距,以创建促提升。"
NEW_ONLY = "建成公共法律服务平台,村居法律顾问实现全覆盖,为群众提供便捷高效的法律服务。"
PROBLEMS = "法治宣传教育的针对性还不够强,基层执法人员的能力有待进一步提高。"


def report(city: str, year: int, *, body: list[str], swap: str | None = None) -> str:
    lines = [TITLE.format(city=city, year=year), OPENING.format(city=city, year=year),
             "一、主要工作", *body, "二、存在的问题", PROBLEMS]  # fmt: skip
    return "\n".join(line.replace("{city}", swap or city) for line in lines) + "\n"


REPORTS = {
    # 2020 and 2021 of one city: one figure edited, one passage gone, one new
    "pj2020.txt": report("盘锦", 2020, body=[DECISIONS.format(n=12), FLEXIBLE, REVIEW, OLD_ONLY]),
    "pj2021.txt": report("盘锦", 2021, body=[DECISIONS.format(n=35), FLEXIBLE, REVIEW, NEW_ONLY]),
    # another city's report that copies 盘锦's with its own name: only the names change
    "sn2021.txt": report(
        "遂宁", 2021, body=[DECISIONS.format(n=35), FLEXIBLE, REVIEW, NEW_ONLY, SWAPPED]
    ),  # fmt: skip
    "pj2021b.txt": report(
        "盘锦", 2021, body=[DECISIONS.format(n=35), FLEXIBLE, REVIEW, NEW_ONLY, SWAPPED]
    ),  # fmt: skip
    # 盘锦 2019 is only a news story: no report of the year before 2020
    "pj2019news.txt": "盘锦市法治政府建设取得新成效\n来源:盘锦日报 2019-03-01 10:00\n"
    "3月1日,盘锦市召开会议,部署推行柔性执法。\n会议要求深化柔性执法。\n",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    with open_index(index_of(tmp_path_factory.mktemp("diff"), REPORTS)) as opened:
        yield opened


def test_the_reports_are_read_as_planted(index):
    rows = {row["report"]: (row["city"], row["year"], row["kind"]) for row in index.reports()}
    assert rows["pj2020"] == ("盘锦市", 2020, "report")
    assert rows["pj2021"] == ("盘锦市", 2021, "report")
    assert rows["sn2021"] == ("遂宁市", 2021, "report")
    assert rows["pj2019news"][2] == "news"


def test_a_planted_change_is_marked(index):
    result = diff_reports(index, "pj2020", "pj2021")
    by_after = {c["after"]: c for c in result["changed"]}
    edited = by_after[DECISIONS.format(n=35)]
    assert edited["before"] == DECISIONS.format(n=12)
    assert SIMILAR <= edited["similarity"] < 1
    assert edited["inline"] == DECISIONS.format(n="[-12-]{+35+}")
    assert [edited["after"][a:b] for a, b in edited["marks"]["after"]] == ["35"]
    assert [edited["before"][a:b] for a, b in edited["marks"]["before"]] == ["12"]
    assert edited["before_passage"].startswith("pj2020#")
    assert edited["after_passage"].startswith("pj2021#")
    # the opening changed its year: changed too, marked where the year is
    opening = by_after[OPENING.format(city="盘锦", year=2021)]
    assert "202[-0-]{+1+}年" in opening["inline"]


def test_added_removed_and_unchanged(index):
    result = diff_reports(index, "pj2020", "pj2021")
    assert [p["text"] for p in result["added"]] == [NEW_ONLY]
    assert [p["text"] for p in result["removed"]] == [OLD_ONLY]
    assert len(result["changed"]) == 2  # the opening (its year), the decisions passage
    new = index.report("pj2021")["passages"]
    unchanged = result["unchanged"]
    # every passage of B is exactly one of unchanged, changed or added
    assert unchanged["passages"] + len(result["changed"]) + len(result["added"]) == len(new)
    assert unchanged["moved"] == 0
    same = [FLEXIBLE, REVIEW, "一、主要工作", "二、存在的问题", PROBLEMS]
    assert unchanged["passages"] == len(same)
    # unchanged characters: the unchanged passages' and the equal ones of changed pairs
    edited = sum(len(c["after"]) - sum(b - a for a, b in c["marks"]["after"])
                 for c in result["changed"])  # fmt: skip
    assert unchanged["characters"] == sum(map(len, same)) + edited
    characters = sum(len(p["text"]) for p in new)
    assert unchanged["share"] == round(unchanged["characters"] / characters, 4)
    assert 0 < unchanged["share"] < 1
    assert result["a"]["report"] == "pj2020" and result["b"]["year"] == 2021


def test_a_report_against_itself_is_all_unchanged(index):
    result = diff_reports(index, "pj2021", "pj2021")
    assert result["added"] == result["removed"] == result["changed"] == []
    assert result["unchanged"]["share"] == 1.0
    assert result["unchanged"]["passages"] == len(index.report("pj2021")["passages"])


def test_a_swapped_place_name_is_one_changed_passage(index):
    result = diff_reports(index, "sn2021", "pj2021b")
    assert result["added"] == result["removed"] == []
    swapped = [c for c in result["changed"] if "证明事项" in c["after"]]
    assert len(swapped) == 1
    assert swapped[0]["before"] == SWAPPED.format(city="遂宁")
    assert swapped[0]["after"] == SWAPPED.format(city="盘锦")
    assert swapped[0]["inline"].count("[-遂宁-]{+盘锦+}") == 2
    assert swapped[0]["similarity"] >= SIMILAR


def test_a_moved_passage_is_unchanged(tmp_path):
    body = [DECISIONS.format(n=35), FLEXIBLE, REVIEW, NEW_ONLY]
    reports = {"a.txt": report("盘锦", 2021, body=body),
               "b.txt": report("盘锦", 2021, body=body[1:] + body[:1])}  # fmt: skip
    with open_index(index_of(tmp_path, reports)) as opened:
        result = diff_reports(opened, "a", "b")
    assert result["added"] == result["removed"] == result["changed"] == []
    assert result["unchanged"]["moved"] == 1 and result["unchanged"]["share"] == 1.0


def test_previous_report_finds_the_year_before(index):
    assert previous_report(index, "pj2021") == "pj2020"
    assert previous_report(index, "pj2021b") == "pj2020"
    assert previous_report(index, "pj2020") is None  # 2019 has only a news story
    assert previous_report(index, "sn2021") is None  # another city's 2020: none


def test_place_reports_finds_a_place_by_its_short_name(index):
    assert place_reports(index, "盘锦", 2021) == ["pj2021", "pj2021b"]
    assert place_reports(index, "盘锦市", 2020) == ["pj2020"]
    assert place_reports(index, "盘锦", 2018) == []
