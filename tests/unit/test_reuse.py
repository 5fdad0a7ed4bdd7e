"""reuse: families of passages shared between reports, their sources, and common formulas."""

from __future__ import annotations

import itertools
import random
import re

import numpy as np
import pytest
from helpers import RUN_REPORT, SEED_FILES, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.indexer.errors import ReportNotFoundError
from reportsearch.query import reuse
from reportsearch.query.reuse import Passage, find_reuse, report_reuse, similarity

CITIES = [
    ("四川省", "遂宁市"), ("辽宁省", "盘锦市"), ("四川省", "自贡市"), ("重庆市", "巴南区"),
    ("四川省", "南充市"), ("江苏省", "苏州市"), ("浙江省", "湖州市"), ("湖北省", "宜昌市"),
    ("山东省", "潍坊市"), ("广东省", "韶关市"), ("河南省", "洛阳市"), ("云南省", "曲靖市"),
]  # fmt: skip
FORMULA = "深入学习贯彻习近平法治思想,全面推进严格规范公正文明执法。"
_SEED_TEXT = (SEEDS / f"{SEED_FILES['自贡']}.txt").read_text("utf-8")
_POOL = sorted(set(re.sub(r"[^\u4e00-\u9fff]", "", _SEED_TEXT)))  # this genre's characters


def _prose(rng: random.Random, words: list[str], length: int) -> str:
    """Random sentences of this genre's characters, about ``length`` characters."""
    out = []
    while sum(map(len, out)) < length:
        sentence = "".join(rng.choice(words) for _ in range(rng.randint(4, 9)))
        out.append(sentence + rng.choice(",,。;"))
    return "".join(out)[:-1] + "。"


def _edited(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        at = rng.randrange(len(chars))
        chars[at] = rng.choice(_POOL)
    return "".join(chars)


def planted_corpus(reports: int = 60, seed: int = 3):
    """(records, the planted families as {source: {members}}): random reports of this
    genre's characters; a paragraph of 遂宁 2019 copied into 盘锦 2021 with the city's name
    swapped and three characters edited; one of 自贡 2018 copied into three later reports
    (verbatim, with its figures changed, with a sentence added); a formula in 80% of them."""
    rng = random.Random(seed)
    words = ["".join(rng.choice(_POOL) for _ in range(rng.randint(2, 4))) for _ in range(3000)]
    # domain words every report uses, so unrelated passages share short strings
    words += ["法治政府建设", "行政执法", "依法行政", "行政复议", "合法性审查"] * 40
    rows = []
    meta = {}
    for r in range(reports):
        province, city = CITIES[r % len(CITIES)]
        year = 2016 + (r * 7) % 9
        report = f"r{r:03d}"
        meta[report] = (province, city, year)
        passages = [f"{city}关于{year}年法治政府建设情况的报告", "一、主要工作"]
        passages += [_prose(rng, words, rng.randint(40, 160)) for _ in range(10)]
        if rng.random() < 0.8:
            at = rng.randrange(2, len(passages))
            passages[at] = FORMULA + passages[at]
        rows.append([report, passages])
    # family 1: 遂宁 2019 -> 盘锦 2021, name swapped, three characters edited
    source_a = _prose(rng, words, 120)
    source_a = f"遂宁市{source_a[:50]}遂宁市{source_a[50:]}"
    rows.append(["suining", [_prose(rng, words, 80), source_a, _prose(rng, words, 90)]])
    meta["suining"] = ("四川省", "遂宁市", 2019)
    copy_a = _edited(rng, source_a.replace("遂宁", "盘锦"), 3)
    rows.append(["panjin", [_prose(rng, words, 100), _prose(rng, words, 60), copy_a]])
    meta["panjin"] = ("辽宁省", "盘锦市", 2021)
    # family 2: 自贡 2018 -> three reports
    figures = "全年办理行政复议案件123件,纠错率12.5%。"
    source_b = _prose(rng, words, 100) + figures + _prose(rng, words, 60)
    rows.append(["zigong", [source_b, _prose(rng, words, 120)]])
    meta["zigong"] = ("四川省", "自贡市", 2018)
    copies = [source_b, source_b.replace("123", "456").replace("12.5", "8.1"),
              source_b + _prose(rng, words, 45)]  # fmt: skip
    for name, (province, city), year, text in zip(
        ("hz", "yc", "wf"), (CITIES[6], CITIES[7], CITIES[8]), (2020, 2020, 2022), copies,
        strict=True,
    ):  # fmt: skip
        rows.append([name, [_prose(rng, words, 90), text, _prose(rng, words, 70)]])
        meta[name] = (province, city, year)
    records = []
    for report, passages in rows:
        province, city, year = meta[report]
        published = f"{year + 1}-02-0{1 + len(records) % 9}"
        if report == "yc":
            published = "2021-01-05"  # hz and yc are both of 2020: yc is published later
        if report == "hz":
            published = "2021-01-04"
        records.extend(
            Passage(report, f"{report}#{i:04d}", text, province, city, year, published)
            for i, text in enumerate(passages)
        )
    planted = {"suining": {"suining", "panjin"}, "zigong": {"zigong", "hz", "yc", "wf"}}
    return records, planted


def _pairs(groups) -> set[frozenset]:
    return {frozenset(p) for group in groups for p in itertools.combinations(sorted(group), 2)}


def test_planted_families_sources_and_formula():
    records, planted = planted_corpus()
    result = find_reuse(records)
    found = {f["source"]: {r["report"] for r in f["reports"]} for f in result["families"]}
    expected_pairs, found_pairs = _pairs(planted.values()), _pairs(found.values())
    true = len(expected_pairs & found_pairs)
    precision = true / len(found_pairs) if found_pairs else 1.0
    recall = true / len(expected_pairs)
    print(f"reuse on the planted corpus: precision {precision:.3f}, recall {recall:.3f}")
    RUN_REPORT["reuse precision / recall (report pairs, planted corpus)"] = (
        f"{precision:.3f} / {recall:.3f} of {len(expected_pairs)} planted pairs"
    )
    assert found == planted  # every family, with its source, and nothing else
    assert precision == 1.0 and recall == 1.0
    families = {f["source"]: f for f in result["families"]}
    swapped = families["suining"]
    assert [r["report"] for r in swapped["reports"]] == ["suining", "panjin"]
    assert swapped["passage"] == "suining#0001" and swapped["text"].startswith("遂宁市")
    assert swapped["reports"][0]["similarity"] == 1.0
    assert 0.8 < swapped["reports"][1]["similarity"] < 1.0
    assert swapped["reports"][1] == dict(swapped["reports"][1], city="盘锦市", year=2021,
                                         passage="panjin#0002")  # fmt: skip
    three = families["zigong"]
    # by year, then publication date: hz (2020, published 01-04) before yc (01-05)
    assert [r["report"] for r in three["reports"]] == ["zigong", "hz", "yc", "wf"]
    assert [r["similarity"] for r in three["reports"][:3]] == [1.0, 1.0, 1.0]  # figures
    rows = reuse.family_rows(result)
    assert len(rows) == 6 and {r["family"] for r in rows} == {1, 2}
    assert rows[0] == dict(
        three["reports"][0], family=1, source="zigong", source_passage=three["passage"]
    )
    formulas = [f for f in result["formulas"] if f["text"] == FORMULA.rstrip("。")]
    assert formulas and formulas[0]["share"] > 0.6 and formulas[0]["reports"] >= 40
    assert all(FORMULA[:10] not in f["text"] for f in result["families"])


def test_formula_share_decides_what_is_a_formula():
    records, _ = planted_corpus()
    # a share over 100%: nothing is a formula, and passages sharing only it still are no family
    result = find_reuse(records, formula_share=1.5)
    assert result["formulas"] == []
    assert {f["source"] for f in result["families"]} == {"suining", "zigong"}


def test_report_reuse_earlier_and_later():
    records, _ = planted_corpus()
    copy = report_reuse(records, "panjin")
    matched = [p for p in copy["passages"] if p["matches"]]
    assert [p["passage"] for p in matched] == ["panjin#0002"]
    match = matched[0]["matches"]
    assert [(m["report"], m["passage"], m["when"]) for m in match] == [
        ("suining", "suining#0001", "earlier")
    ]
    assert 0.8 < match[0]["similarity"] < 1.0
    chars = sum(p["chars"] for p in copy["passages"])
    assert copy["share"] == copy["share_earlier"] == round(matched[0]["chars"] / chars, 4)
    assert copy["share_later"] == 0.0
    assert reuse.match_rows(copy) == [
        dict(match[0], passage="panjin#0002", match_passage="suining#0001")
    ]
    source = report_reuse(records, "zigong")
    found = {m["report"]: m["when"] for p in source["passages"] for m in p["matches"]}
    assert found == {"hz": "later", "yc": "later", "wf": "later"}
    assert source["share_later"] > 0 and source["share_earlier"] == 0.0
    same_year = report_reuse(records, "hz")
    found = {m["report"]: m["when"] for p in same_year["passages"] for m in p["matches"]}
    assert found == {"zigong": "earlier", "yc": "later", "wf": "later"}
    with_formula = next(r for r in records if r.text.startswith(FORMULA))
    listed = report_reuse(records, with_formula.report)
    assert listed["share_formula"] > 0
    assert any(FORMULA.rstrip("。") in p["formulas"] for p in listed["passages"])
    with pytest.raises(ReportNotFoundError):
        report_reuse(records, "no-such-report")


def test_similarity_separates_copies_from_unrelated_passages():
    rng = random.Random(5)
    words = ["".join(rng.choice(_POOL) for _ in range(rng.randint(2, 4))) for _ in range(3000)]
    words += ["法治政府建设", "行政执法", "依法行政"] * 40
    text = _prose(rng, words, 150)
    assert similarity(text, text) == 1.0
    assert similarity(text, _edited(rng, text, 5)) > 0.85
    assert similarity(text, text + _prose(rng, words, 50)) > 0.8
    unrelated = [similarity(_prose(rng, words, 150), _prose(rng, words, 150)) for _ in range(30)]
    assert max(unrelated) < 0.3
    assert similarity("", "") == 1.0 and similarity("abcd", "") == 0.0
    cut = reuse._CUT
    assert similarity(f"甲乙{cut}丙丁", f"甲乙{cut}丙戊") == 0.0  # marks never match


def test_signatures_are_datasketch_minhash():
    from datasketch import MinHash

    texts = ["深入推进依法行政,加快建设法治政府。遂宁市坚持依法决策", "短", "繁簡abc123"]
    ours = reuse.signatures(texts)
    for text, row in zip(texts, ours, strict=True):
        theirs = MinHash(num_perm=reuse.NUM_PERM, seed=reuse.SEED, scheme="affine32", hashfunc=int)
        theirs.update_batch(reuse.shingle_hashes(text).tolist())
        assert np.array_equal(row, theirs.hashvalues)
    assert len(reuse.shingle_hashes("12345")) == 1 and len(reuse.shingle_hashes("1234")) == 0
    # no shingle spans a cut formula
    assert len(reuse.shingle_hashes("abcde" + reuse._CUT + "fghij")) == 2


def test_short_passages_and_one_report_are_no_family():
    text = "各地区各部门要坚持以人民为中心推进严格规范公正文明执法的有关工作要求。"
    records = [
        Passage("a", "a#0000", "一、主要工作", city="甲市", year=2020),
        Passage("b", "b#0000", "一、主要工作", city="乙市", year=2021),
        Passage("a", "a#0001", text, city="甲市", year=2020),
        Passage("a", "a#0002", text, city="甲市", year=2020),  # the same report twice
    ]
    assert find_reuse(records)["families"] == []
    result = find_reuse([*records, ("c", "c#0003", text, "", "丙市", 2019, "")])
    assert [(f["source"], [r["passage"] for r in f["reports"]]) for f in result["families"]] == [
        ("c", ["c#0003", "a#0001", "a#0002"])
    ]


paragraphs = st.sampled_from(
    [
        "坚持依法科学民主决策,重大行政决策严格履行公众参与、专家论证、风险评估程序。",
        "深化行政执法体制改革,全面推行行政执法公示制度、执法全过程记录制度。",
        "加强行政复议应诉工作,行政机关负责人出庭应诉率达到百分之百,败诉率逐年下降。",
        "完善社会矛盾纠纷多元预防调处化解综合机制,人民调解组织实现全覆盖。",
        "一、主要工作",
    ]
)
reports_strategy = st.lists(
    st.tuples(
        st.lists(paragraphs, min_size=1, max_size=4),
        st.integers(min_value=0, max_value=3),  # year: 0 is unknown
        st.sampled_from(["", "2021-03-01", "2021-06-01"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(reports_strategy)
def test_property_sources_first_and_no_report_reuses_itself(drawn):
    records = [
        Passage(f"r{n}", f"r{n}#{i:04d}", text, "", f"city{n}", year and 2018 + year, published)
        for n, (texts, year, published) in enumerate(drawn)
        for i, text in enumerate(texts)
    ]
    result = find_reuse(records)
    key = {r.report: ((r.year or 1 << 30), r.published or "~", r.report) for r in records}
    in_family = set()
    for family in result["families"]:
        reports = [r["report"] for r in family["reports"]]
        assert len(set(reports)) >= 2  # a report never reuses only itself
        assert family["source"] == reports[0]
        assert all(key[family["source"]] <= key[r] for r in reports)
        assert all(0.0 <= r["similarity"] <= 1.0 for r in family["reports"])
        in_family.update(r["passage"] for r in family["reports"])
    # a long paragraph two reports share is always found (no formulas in so few reports)
    holders: dict[str, set] = {}
    for r in records:
        if len(r.text) >= reuse.MIN_CHARS:
            holders.setdefault(r.text, set()).add(r.report)
    for r in records:
        if len(holders.get(r.text, ())) >= 2:
            assert r.passage in in_family


def test_records_from_an_index_built_from_text_files(tmp_path):
    """An index of four plain text files: a paragraph of 遂宁 2019 reappears in 盘锦 2021,
    written in Traditional characters with the city's name swapped; the rest is unrelated."""
    import opencc
    from reportsearch.indexer.segment import passage_record, shown_of_report
    from reportsearch.indexer.store import IndexStore

    material = []
    for stem in SEED_FILES.values():
        for line in (SEEDS / f"{stem}.txt").read_text("utf-8").splitlines():
            if len(line.strip()) >= 60 and not re.match(r"[一二三四五六七八九十]+、", line):
                material.append(line.strip())
    rng = random.Random(11)
    rng.shuffle(material)
    planted = material.pop()
    for place in ("自贡", "盘锦", "遂宁", "巴南", "嘉陵", "南充", "重庆"):
        planted = planted.replace(place, "遂宁")
    planted = "遂宁市" + planted
    folder = tmp_path / "reports"
    folder.mkdir()
    specs = [("a", "四川省", "遂宁市", 2019), ("b", "辽宁省", "盘锦市", 2021),
             ("c", "四川省", "南充市", 2020), ("d", "湖北省", "宜昌市", 2022)]  # fmt: skip
    for name, province, city, year in specs:
        body = [material.pop() for _ in range(4)]
        if name == "a":
            body.insert(1, planted)
        if name == "b":
            body.insert(2, _edited(rng, planted.replace("遂宁", "盘锦"), 2))
        text = f"{province}{city}\n{city}关于{year}年法治政府建设情况的报告\n\n一、主要工作\n"
        text += "\n".join(body)
        if name == "b":
            text = opencc.OpenCC("s2t").convert(text)
        (folder / f"{name}.txt").write_text(text, "utf-8")
    store = IndexStore(tmp_path / "index")
    store.update([folder], workers=1)
    opened = store.open()
    records = reuse.records_from_index(opened)
    assert {r.report for r in records} == {"a", "b", "c", "d"}
    assert {(r.report, r.city, r.year) for r in records} >= {("a", "遂宁市", 2019),
                                                           ("b", "盘锦市", 2021)}  # fmt: skip
    segment = opened.segments[0]
    for i in range(segment.size):  # passage ids are the ones hits show
        code = int(segment.arrays["report"][i])
        stored = passage_record(segment, i, shown_of_report(segment, code))
        match = [r for r in records if r.passage == stored["id"]]
        assert len(match) == 1 and match[0].report == stored["report"]
    result = find_reuse(records)
    assert [(f["source"], [r["report"] for r in f["reports"]]) for f in result["families"]] == [
        ("a", ["a", "b"])
    ]
    assert result["families"][0]["text"].startswith("遂宁市")
    one = report_reuse(records, "b")
    assert [m["report"] for p in one["passages"] for m in p["matches"]] == ["a"]
    assert 0 < one["share_earlier"] < 1


def test_a_template_in_many_reports_is_a_formula():
    """A paragraph every city fills in with its own name (no sentence of it the same in two
    reports) is shared by so many reports that it is a template: a formula, not a family."""
    rng = random.Random(8)
    words = ["".join(rng.choice(_POOL) for _ in range(rng.randint(2, 4))) for _ in range(3000)]
    template = (
        "{c}全面推行行政执法公示制度执法全过程记录制度和重大执法决定法制审核制度持续深化"
        "放管服改革并优化营商环境{c}政务服务事项网上可办率达到较高水平并获得群众广泛好评。"
    )
    records = []
    for n, (province, city) in enumerate(CITIES):
        texts = [_prose(rng, words, 100), template.format(c=city), _prose(rng, words, 80)]
        records += [Passage(f"t{n}", f"t{n}#{i:04d}", text, province, city, 2020 + n % 3)
                    for i, text in enumerate(texts)]  # fmt: skip
    for n in range(12, 20):  # reports without it
        records.append(Passage(f"t{n}", f"t{n}#0000", _prose(rng, words, 120), "", "某市", 2021))
    result = find_reuse(records)
    assert result["families"] == []
    [formula] = result["formulas"]
    assert formula["kind"] == "passage" and formula["reports"] == 12 and formula["share"] == 0.6
    one = report_reuse(records, "t3")
    [passage] = [p for p in one["passages"] if p["formulas"]]
    assert passage["matches"] == [] and passage["formulas"] == [passage["text"]]
    assert one["share"] == 0.0 and one["share_formula"] == round(passage["chars"] / sum(
        p["chars"] for p in one["passages"]), 4)  # fmt: skip
