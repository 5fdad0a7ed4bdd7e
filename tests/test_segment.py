"""segment: passage rows -> arrays, and back (what merging segments relies on)."""

from __future__ import annotations

import numpy as np

from indexer.segment import PassageRow, build_segment, rows_of


def rows():
    return [
        PassageRow(uid=7, report="b", position=0, text="一、总体情况", section="一、总体情况",
                   year=2021, city="盘锦市", province="辽宁省", category="组织领导"),
        PassageRow(uid=8, report="b", position=1, text="出庭应诉率达100%。", section="一、总体情况",
                   year=2021, city="盘锦市", province="辽宁省",
                   facts=[("出庭应诉率", 100.0), ("", 3.0)]),
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
    assert rows_of(segment) == rows()
    assert [row.uid for row in rows_of(segment, np.array([True, False, True]))] == [7, 9]


def test_a_segment_without_facts():
    segment = build_segment([PassageRow(uid=0, report="a", position=0, text="x", section="",
                                        year=0)])  # fmt: skip
    assert segment.arrays["metric_passage"].tolist() == []
    assert rows_of(segment)[0].text == "x"
