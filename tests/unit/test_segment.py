"""segment: passage rows -> arrays, and back (what merging segments relies on)."""

from __future__ import annotations

import numpy as np
from reportsearch.indexer.segment import PassageRow, build_segment, rows_of, word_postings


def rows():
    return [
        PassageRow(uid=7, report="b", position=0, text="一、总体情况", section="一、总体情况",
                   year=2021, city="盘锦市", province="辽宁省", category="组织领导",
                   words=["一", "总体", "情况"]),
        PassageRow(uid=8, report="b", position=1, text="出庭应诉率达100%。", section="一、总体情况",
                   year=2021, city="盘锦市", province="辽宁省",
                   facts=[("出庭应诉率", 100.0), ("", 3.0)], words=["出庭", "应诉", "率", "达",
                   "100%", "出庭"]),
        PassageRow(uid=9, report="a", position=0, text="无年份。", section="", year=0),
    ]  # fmt: skip


def test_columns_are_dictionary_coded():
    segment = build_segment(rows())
    assert segment.size == 3 and segment.meta["reports"] == ["a", "b"]
    assert segment.arrays["report"].tolist() == [1, 1, 0]
    cities = segment.values("city")
    assert [cities[c] for c in segment.arrays["city"]] == ["盘锦市", "盘锦市", ""]
    assert segment.arrays["year"].tolist() == [2021, 2021, 0]
    # Facts keep every figure; only named indicators make (passage, indicator) pairs.
    assert segment.arrays["fact_passage"].tolist() == [1, 1]
    assert segment.arrays["metric_passage"].tolist() == [1]
    assert np.isnan(segment.arrays["fact_value"]).sum() == 0


def test_rows_come_back_and_live_masks_drop_passages():
    segment = build_segment(rows())
    back = rows_of(segment)
    # Words come back as a multiset (the inverted index keeps counts, not order).
    assert [sorted(row.words) for row in back] == [sorted(row.words) for row in rows()]
    expected = rows()
    for row in back + expected:
        row.words = []
    assert back == expected


def test_a_segment_without_facts():
    segment = build_segment([PassageRow(uid=0, report="a", position=0, text="x", section="",
                                        year=0)])  # fmt: skip
    assert segment.arrays["metric_passage"].tolist() == []
    assert rows_of(segment)[0].text == "x"


def test_word_postings_give_passages_and_counts():
    segment = build_segment(rows())
    docs, counts = word_postings(segment, "出庭")
    assert docs.tolist() == [1] and counts.tolist() == [2]
    assert word_postings(segment, "情况")[0].tolist() == [0]
    assert word_postings(segment, "没有")[0].tolist() == []
    assert segment.arrays["word_length"].tolist() == [3, 6, 0]
