"""numerals: Chinese numerals to ints."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.numerals import parse_chinese_number


@pytest.mark.parametrize(
    "text, value",
    [("二〇二一", 2021), ("十", 10), ("十一", 11), ("二十三", 23), ("一百零一", 101),
     ("一千二百零五", 1205), ("三千六百", 3600), ("两万", 20000), ("一万二千", 12000),
     ("三亿", 300000000)],
)  # fmt: skip
def test_numerals(text, value):
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "十a", "第三"])
def test_not_numerals(text):
    assert parse_chinese_number(text) is None


def test_composite_numerals_with_wan_and_yi():
    assert parse_chinese_number("一亿二千万") == 120_000_000
    assert parse_chinese_number("三千五百万") == 35_000_000
    assert parse_chinese_number("三亿五千万零二百") == 350_000_200


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_positional_numerals_agree_with_cn2an(number):
    """Our parser (kept because cn2an costs 0.27 s to import in every reader process) reads
    what cn2an, the maintained library, writes, with 两 for 二 where Chinese writes it."""
    written = cn2an.an2cn(number)
    assert parse_chinese_number(written) == number
    assert cn2an.cn2an(written, "normal") == number
    if written.startswith("二") and len(written) > 1 and written[1] in "千万亿":
        assert parse_chinese_number("两" + written[1:]) == number
