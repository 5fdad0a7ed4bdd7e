"""sections: heading tree, categories and passages with offsets into the original."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.indexer.formats.text import decode_bytes
from reportsearch.indexer.pipeline import ingest_bytes, ingest_text
from reportsearch.indexer.sections import MAX_PASSAGE, categorize

TOP_LEVEL = {
    "自贡": [
        "一、健全完善工作机制",
        "二、不断优化营商环境",
        "三、严格依法行使职权",
        "四、引领推动规范",
        "五、整合各方资源",
        "六、监督制约有效",
        "七、积极主动作为",
    ],
    "盘锦": ["一、主要工作成效", "二、存在問題", "三、2022年工作安排"],
    "遂宁": [
        "一、主要负责人履行推进法治建设第一责任人职责情况",
        "二、推进法治政府建设的主要举措和成效",
        "三、存在的问题及原因",
        "四、下步工作打算",
    ],
    "巴南": [
        "一、加强党的全面领导",
        "二、深化“放管服”改革",
        "三、严格规范性文件管理",
        "四、加强执法监督协调",
        "五、强化制约和监督",
        "六、增强全民法治观念",
    ],
    "嘉陵": [
        "加强组织保障高位推动法治政府建设",
        "坚持依法治理统筹推进疫情防控工作",
        "以人民为中心依法全面履行政府职能",
        "完善机制体制切实推进科学民主依法决策",
        "强化规范性文件管理完善依法行政制度体系",
        "强化权力监督推进政府权力运行规范化",
        "着眼社会稳定健全矛盾纠纷多元化解机制",
    ],
}


def test_top_level_headings(seed_reports):
    for city, expected in TOP_LEVEL.items():
        top = [h.text for h in seed_reports[city].headings if h.depth == 1]
        assert len(top) == len(expected), city
        for heading, prefix in zip(top, expected, strict=True):
            assert heading.startswith(prefix), (city, heading)


def test_second_and_third_level_headings(seed_reports):
    def children(city, parent_prefix):
        headings, found, out = seed_reports[city].headings, False, []
        for h in headings:
            if h.depth == 1:
                found = h.text.startswith(parent_prefix)
            elif found and h.depth == 2:
                out.append(h.text)
        return out

    assert children("自贡", "一、") == ["(一)压实工作责任", "(二)强化评估考核"]
    assert children("遂宁", "一、") == [
        "(一)突出统筹部署",
        "(二)突出任务落实",
        "(三)突出学法用法",
        "(四)突出督察考核",
    ]
    assert children("巴南", "四、")[0] == "(一)推动行政执法“三项制度”全面落地"
    assert children("盘锦", "三、")[3] == "4、進一步推行柔性執法工作機制"
    third = [h.text for h in seed_reports["盘锦"].headings if h.depth == 3]
    assert third[:3] == [
        "1、深入學習習近平法治思想",
        "2、加強法治政府建設整體謀劃",
        "3、開展法治政府建設調查研究",
    ]


def test_passages_carry_their_section_path_and_category(seed_reports):
    suining = seed_reports["遂宁"]
    passage = next(p for p in suining.passages if "93.16%" in p.text)
    assert passage.section == (
        "二、推进法治政府建设的主要举措和成效",
        "(五)完善监督机制,确保权力规范运行",
    )
    assert passage.category == "监督与公开"
    panjin = next(
        p for p in seed_reports["盘锦"].passages if p.text.startswith("4、进一步推行柔性执法")
    )
    assert panjin.category == "下步工作"  # the outer section frames it
    assert all(
        p.report == suining.id and p.id.startswith(suining.id + "#") for p in suining.passages
    )
    assert [p.position for p in suining.passages] == list(range(len(suining.passages)))


def test_long_paragraphs_are_cut_at_sentence_ends(seed_reports):
    for report in seed_reports.values():
        for passage in report.passages:
            assert len(passage.text) <= MAX_PASSAGE + 120 or "。" not in passage.text[:-1]
            assert passage.text.strip()


def test_categories_are_data():
    assert categorize("二、存在问题") == "存在问题"
    assert categorize("(四)坚持严格规范公正文明执法") == "行政执法"
    assert categorize("二、推进法治政府建设的主要举措和成效") == ""


def test_seed_passages_map_back_to_the_original(seed_reports):
    for report in seed_reports.values():
        for passage in report.passages:
            assert report.original[passage.start : passage.end] == passage.original


line = st.one_of(
    st.sampled_from(
        ["一、总体情况", "(一)统筹推进。", "1、学法", "扫一扫在手机打开当前页", "市委:", ""]
    ),
    st.text(alphabet="法治政府建設柔性執法。,;「」ＡＢ１２ \u3000\xa0\t", min_size=1, max_size=400),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(line, max_size=25), st.sampled_from(["\n", "\r\n", "\r"]))
def test_passage_offsets_map_back_for_any_report(lines, newline):
    text = newline.join(lines)
    if not text.strip():
        return
    # past reading (which refuses what is not Chinese prose, like a lone "1、学法"): this is
    # about what sections do with any text
    report = ingest_text(decode_bytes(text.encode("utf-8"), "r.txt"), "r.txt", "r", {}, "")
    for passage in report.passages:
        assert text[passage.start : passage.end] == passage.original
        assert passage.original.strip()


def test_a_report_that_opens_with_a_numbered_heading_keeps_it():
    report = ingest_bytes("一、总体情况\n推进法治政府建设工作。".encode(), "r.txt", "r")
    assert [h.text for h in report.headings] == ["一、总体情况"]
    assert report.metadata.title == ""
    assert report.passages[0].section == ("一、总体情况",)
