"""cleaning: furniture and contact lines leave, report content stays, removals are counted."""

from __future__ import annotations

import re

from reportsearch.indexer.cleaning import boilerplate_category, clean_lines, parse_patterns

FURNITURE = [
    "扫一扫在手机打开当前页",
    "Baidu",
    "map",
    "来源:市政府办公室 发布时间:2024-02-07 16:45 浏览次数: 字体: [ ] 打印",
    "会务组:010-60563980 传真:010-87747102",
    "法治周末报社:010-84772686",
    "邮箱:shehuipeace@163.com",
    "首页>政务公开>政府信息公开目录>法治政府建设年度报告>巴南区人民政府",
    "许尔斌 四川法治报全媒体记者 牟廷河",
    "遂府〔20246",
]


def test_seed_boilerplate_is_removed_from_every_passage(seed_reports):
    passages = "\n".join(p.text for r in seed_reports.values() for p in r.passages)
    for line in FURNITURE:
        assert line.lower().replace(" ", "") not in passages.replace(" ", ""), line
    assert not re.search(r"\d{3,4}-\d{7,8}", passages), "a phone number is left in a passage"
    assert "@" not in passages


def test_removed_lines_are_counted(seed_reports):
    counts = {city: dict(r.removed) for city, r in seed_reports.items()}
    assert counts["自贡"] == {"contact": 3}
    assert counts["嘉陵"] == {"byline": 1}
    assert counts["遂宁"]["furniture"] == 6  # 2 portal headers, the toolbar, 扫一扫, Baidu, map
    assert counts["遂宁"]["doc_properties"] == 7
    assert counts["巴南"]["breadcrumb"] == 1
    assert sum(counts["盘锦"].values()) == 0  # a clean report: nothing to take


def test_report_content_is_kept(seed_reports):
    for report in seed_reports.values():
        kept = re.sub(r"\s", "", "".join(p.original for p in report.passages))
        # Every long line of every seed is report prose: all of it must reach passages.
        for line in report.original.splitlines():
            if len(line.strip()) > 60:
                assert re.sub(r"\s", "", line) in kept, (report.id, line[:30])
    zigong = "".join(p.text for p in seed_reports["自贡"].passages)
    assert "全市行政机关负责人出庭应诉率达100%" in zigong
    assert "2020年8月31日 召开行政复议听证会" in zigong  # a caption, not furniture


def test_prose_that_mentions_furniture_words_is_not_removed():
    prose = [
        "开通投诉举报电话、电子信箱和网上举报通道,政府及部门工作广泛接受群众监督。",
        "在盘锦日报、盘锦广播电视台重要版面开设专栏,邀请记者和律师析案说法。",
        "全年接听咨询电话12345件,办结率100%。",
        "2020年全市共调解矛盾纠纷9670件,调解成功率99.5%。",
    ]
    for line in prose:
        assert boilerplate_category(line) is None, line


def test_patterns_are_data():
    patterns = parse_patterns("# comment\n\nads\t^广告$\n")
    cleaned = clean_lines("正文第一段。\n广告\n正文第二段。", patterns)
    assert [line.text for line in cleaned.kept] == ["正文第一段。", "正文第二段。"]
    assert dict(cleaned.removed_counts) == {"ads": 1}
    assert cleaned.removed[0].line.number == 1
