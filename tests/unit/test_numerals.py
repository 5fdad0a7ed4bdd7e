"""numerals: Chinese numerals to ints."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.numerals import (
    parse_chinese_decimal,
    parse_chinese_fraction,
    parse_chinese_number,
)


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


@pytest.mark.parametrize(
    "text, value",
    [("十二点五", 12.5), ("零点五", 0.5), ("九十五点八", 95.8), ("三点一四", 3.14), ("三", 3.0),
     ("一百", 100.0), ("一万二千点零五", 12000.05)],
)  # fmt: skip
def test_written_decimals(text, value):
    assert parse_chinese_decimal(text) == value


@pytest.mark.parametrize("text", ["点五", "十二点", "十二点十", "十二点a", ""])
def test_not_written_decimals(text):
    assert parse_chinese_decimal(text) is None


@pytest.mark.parametrize(
    "text, share",
    [("三分之二", 2 / 3), ("二分之一", 0.5), ("千分之三", 0.003), ("万分之五", 0.0005),
     ("十分之一", 0.1), ("百分之十二点五", 0.125), ("百分之百", 1.0)],
)  # fmt: skip
def test_written_fractions(text, share):
    assert parse_chinese_fraction(text) == pytest.approx(share)


@pytest.mark.parametrize("text", ["三分之", "分之二", "三分二", "零分之一"])
def test_not_written_fractions(text):
    assert parse_chinese_fraction(text) is None


@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=0, max_value=999))
def test_decimals_round_trip(whole, decimals):
    """<whole>点<digits> reads back as the decimal written, for any whole part cn2an writes
    and any digits after the point (leading zeros too: 三点零五)."""
    digits = str(decimals).zfill(3)
    written = cn2an.an2cn(whole) + "点" + "".join("零一二三四五六七八九"[int(d)] for d in digits)
    assert parse_chinese_decimal(written) == float(f"{whole}.{digits}")
