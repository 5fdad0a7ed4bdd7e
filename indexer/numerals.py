"""Numerals: Chinese numeral strings -> ints. Used by metadata (dates) and metrics (counts).

Input: a string such as ``"二〇二一"``, ``"十一"``, ``"三千六百"``, ``"两万"``.
Output: the int it names, or None when the string is not a numeral.

Two forms exist and both are handled: digit-by-digit (``二〇二一`` = 2021, used for years)
and positional (``一千二百零五`` = 1205, ``一亿二千万`` = 120,000,000).

Written decimals and fractions are read too (``parse_chinese_decimal``: ``十二点五`` = 12.5,
``零点五`` = 0.5, the digits after 点 read one by one; ``parse_chinese_fraction``:
``三分之二`` = 2/3, ``千分之三`` = 3/1000), for the percentages reports write out
(百分之十二点五, 三分之二以上, 零点五个百分点).

Why not cn2an, the maintained library for this: it reads the same strings the same way
(``tests/test_numerals.py`` checks ours against it on generated numbers), but importing it
takes 0.27 s, paid by every reader process of ``index`` for these 40 lines' worth of work.
"""

from __future__ import annotations

DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(BIG_UNITS)


def parse_chinese_number(text: str) -> int | None:
    """``"二〇二一"`` -> 2021, ``"十一"`` -> 11, ``"一千二百零五"`` -> 1205; else None."""
    if not text or any(c not in NUMERAL_CHARS for c in text):
        return None
    if all(c in DIGITS for c in text):
        value = 0
        for c in text:
            value = value * 10 + DIGITS[c]
        return value
    # total: the part counted in 亿; wan: the part in 万 since the last 亿; section: below 万.
    total, wan, section, digit = 0, 0, 0, None
    for c in text:
        if c in DIGITS:
            if digit is not None and DIGITS[c] != 0:
                return None  # two digits in a row inside a positional numeral
            digit = DIGITS[c] if DIGITS[c] != 0 else None
        elif c in UNITS:
            section += (1 if digit is None else digit) * UNITS[c]
            digit = None
        elif c == "万":
            wan = (section + (digit or 0)) * BIG_UNITS[c]
            section, digit = 0, None
        else:  # 亿
            total = (total + wan + section + (digit or 0)) * BIG_UNITS[c]
            wan, section, digit = 0, 0, None
    return total + wan + section + (digit or 0)


def parse_chinese_decimal(text: str) -> float | None:
    """``"十二点五"`` -> 12.5, ``"零点五"`` -> 0.5, ``"九十五点八"`` -> 95.8, ``"三"`` -> 3.0;
    else None. The part before 点 is any numeral; the part after it is read digit by digit
    (``"三点一四"`` = 3.14), as Chinese writes decimals."""
    whole, point, decimals = text.partition("点")
    value = parse_chinese_number(whole)
    if value is None:
        return None
    if not point:
        return float(value)
    if not decimals or any(c not in DIGITS for c in decimals):
        return None
    return float(f"{value}.{''.join(str(DIGITS[c]) for c in decimals)}")


def parse_chinese_fraction(text: str) -> float | None:
    """``"三分之二"`` -> 0.666..., ``"千分之三"`` -> 0.003, ``"百分之十二点五"`` -> 0.125: the
    share a written fraction names (denominator before 分之, numerator after it), or None."""
    denominator, of, numerator = text.partition("分之")
    if not of:
        return None
    # a lone 万 or 亿 reads as 0 positionally (nothing before it): as a denominator it is itself
    below = BIG_UNITS.get(denominator) or parse_chinese_number(denominator)
    above = parse_chinese_decimal(numerator) if numerator != "百" else 100.0
    if not below or above is None:
        return None
    return above / below
