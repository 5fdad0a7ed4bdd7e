"""Metrics: a passage -> the numeric facts it states.

Input: a passage's original text (and its offset in the report). Output: ``Fact`` records
``{indicator, canonical, value, unit, qualifier, quote, start, end}``:

* ``indicator``: the thing measured, as written in the clause before the figure
  ("全市行政机关负责人出庭应诉率"), or after it when nothing precedes ("5个领域" -> 领域...);
* ``canonical``: its name in ``data/indicators.tsv`` (the variant that ends nearest the end of
  the indicator wins, longer first: Chinese phrases put the head noun last), or "";
* ``value``: a number; 万/亿 scale it, 万元/亿元 become 元 (``data/units.tsv``), percentages
  stay percentages (93.16 with unit "%"), written-out ones too (百分之九十五, 百分之百);
  one space may stand between a figure and its unit ("412 项"); ranges give the low end;
* ``qualifier``: "at least" (余, 多, 以上, 超过, 逾, 不低于), "about" (约, 近, 左右),
  "range" (3-5个), or "";
* ``quote`` and ``start``/``end``: the exact source text, indicator to unit, and its offsets in
  the report's original text (Traditional reports are quoted in Traditional).

A figure is a metric only when a unit follows it. That alone rules out years (2020年), dates
(12月31日), document numbers (〔2024〕6号), phone numbers and codes; ordinals (第39期, 第三次) and
figures glued to other digits, slashes or letters are excluded explicitly. Single Chinese
numerals (一, 三...) are not read as figures: in these reports they name things (三项制度,
一窗通办); longer ones (十二, 三千六百) are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .data_files import data_lines, data_rows
from .normalizing import normalize_for_search, normalize_with_offsets
from .numerals import parse_chinese_number

_DELIMITERS = set(",。;:、!?()《》“”‘’\"'[]【】\n")
# Connecting words between an indicator and its figure ("出庭应诉率达100%", "税费等14亿元").
_TRAILING_FILLERS = (
    "达到", "达至", "保持", "实现", "共计", "累计", "合计", "超过", "不低于",
    "分别", "达", "为", "是", "共", "计", "约", "近", "逾", "等", "了", "的",
)  # fmt: skip
_LEADING_FILLERS = ("其中", "全年", "同时", "共计", "并", "共")
_AT_LEAST_BEFORE = ("超过", "逾", "不低于", "不少于")
# "由85%提高到98%": the second figure is the same indicator's, later.
_FROM_TO = re.compile(
    r"^(?:提高|提升|增长|增加|上升|下降|降低|减少|缩小|扩大)?(?:到|至|为)"
    r"(?:(?:19|20)\d\d年(?:底|末)?的?)?$"
)
# A change, not a level: "同比增长12%", "较上年提高3个百分点", "下降3.5个百分点".
_CHANGE_WORDS = (
    r"(?:同比|环比|较上年|比上年|较去年|比去年)?(提高|提升|增长|增加|上升|下降|降低|减少)了?"
)
_CHANGE = re.compile(_CHANGE_WORDS + "$")
_DOWN = ("下降", "降低", "减少")
# A clause that is nothing but a change ("较上年提高", "同比下降"): it is about the figure before.
_CHANGE_ONLY = re.compile(_CHANGE_WORDS)
# The year a sentence gives a figure: "2021年的98%", "2020年底的85%".
_YEAR_BEFORE = re.compile(r"((?:19|20)\d\d)年(?:底|末)?的?$")
# What is left of an indicator once the year and "由/从" of a from-to sentence go.
_FROM_YEAR_TAIL = re.compile(r"(?:由|从)?(?:(?:19|20)\d\d年(?:底|末)?的?)?$")
_ABOUT_BEFORE = ("约", "近")
# Closing marks -> their opening marks: a short quoted or bracketed name inside a clause.
_CLOSING = {"”": "“", ")": "(", "】": "【"}  # not 《》: a title names a law, not what is counted
# Endings of a clause after which the figure's noun follows it: conjunctions, and verbs of
# setting up ("在派出所设立19个调解室").
_COUNTED_AFTER = ("和", "及", "与", "以及", "设立", "建成", "建立", "组建", "成立", "新建", "启用")
# The noun a figure counts when it follows the unit: up to the first 的 or verb-like break.
_NOUN_AFTER = re.compile(
    r"(?!参加|用于|进行|通过|完成|实现|受益|参与|有)[^的和及与,。;、]{2,12}?"
    r"(?=的|和|及|与|在|用于|组成|进行|完成|参加|通过|$)"
)
# The rest of an ordinal list before a figure: "第60、" of "第60、62期".
_ORDINAL_LIST = re.compile(r"第[\d〇零一二三四五六七八九十、,和及至-]*$")
# A verb of change left at the end of an indicator: "办结率提高到" -> "办结率".
_CHANGE_TO = re.compile(
    r"(?:提高|提升|增长|增加|上升|下降|降低|减少|缩小|扩大|压缩|缩短|调整)(?:到|至|为)$"
)


@dataclass(frozen=True)
class Fact:
    indicator: str
    canonical: str
    value: float | int
    unit: str
    qualifier: str
    quote: str
    start: int  # offsets in the report's original text
    end: int
    kind: str = "level"  # "level", or "change" (增长12%, 下降3.5个百分点: negative when down)
    year: int | None = None  # the year the sentence gives this figure (由2020年的85%)

    def as_dict(self) -> dict:
        # every field is a plain value: a copy of them, without asdict's deep copies (which
        # cost a tenth of a build)
        return dict(vars(self))


@lru_cache(maxsize=1)
def indicator_variants() -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs from ``data/indicators.tsv``, longest variant first."""
    pairs = set()
    for canonical, variants in data_rows("indicators.tsv"):
        pairs.add((canonical, canonical))
        pairs.update((v.strip(), canonical) for v in variants.split(",") if v.strip())
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0])))


def canonical_names() -> list[str]:
    return sorted({canonical for _, canonical in indicator_variants()})


@lru_cache(maxsize=8192)
def canonical_indicator(text: str) -> str:
    """The canonical name for an indicator as written, or "" when it is not in the list.
    Cached: reports write the same indicators again and again."""
    text = normalize_for_search(text)
    best, best_key = "", None
    for variant, canonical in indicator_variants():
        end = text.rfind(variant)
        if end < 0:
            continue
        key = (end + len(variant), len(variant))
        if best_key is None or key > best_key:
            best, best_key = canonical, key
    return best


@lru_cache(maxsize=1)
def _fragments() -> frozenset[str]:
    """Words that do not say what a figure counts (``data/indicator_fragments.txt``)."""
    return frozenset(normalize_for_search(line) for line in data_lines("indicator_fragments.txt"))


@lru_cache(maxsize=1)
def _units() -> dict[str, tuple[str, float]]:
    return {unit: (normalized, float(scale)) for unit, normalized, scale in data_rows("units.tsv")}


@lru_cache(maxsize=1)
def _figure_pattern() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(_units(), key=lambda u: (-len(u), u)))
    # thousands separators are read ("1,286件"), never as two figures
    number = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[〇零一二三四五六七八九十百千万亿两]{2,}"
    # "百分之九十五", "百分之百", "百分之5": a percentage written out.
    percent = r"百分之(?P<percent>\d+(?:\.\d+)?|百|[〇零一二三四五六七八九十]{1,3})"
    # "九成以上", "近七成": tenths, as a percentage; not the 成 of 成立, 成为, 一成不变 ...
    tenths = r"(?P<tenths>[一二三四五六七八九]|[1-9](?:\.\d)?)成(?![立为果功效本员都交就熟型不])"
    return re.compile(
        r"(?<![\d.\-/a-z第〔\[〇零一二三四五六七八九十百千万亿两])(?<!\d,)"
        rf"(?:{percent}|{tenths}(?P<tenths_after>以上|左右|多)?|"
        rf"(?P<low>{number})"
        rf"(?:(?P<dash>[-~至到])(?P<high>{number}))?"
        r"(?P<more_before>余|多)?(?P<scale>万|亿)?"  # "4000余万条", "1.9万余名"
        r"(?P<more>余|多)?"
        # one space may stand between a figure and its unit ("412 项", a thin space too)
        rf" ?(?P<unit>{units})"
        r"(?P<after>以上|左右)?)"
    )


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text.replace(",", ""))
    value = parse_chinese_number(text)
    return float(value) if value is not None else None


def extract_facts(original: str, offset: int = 0) -> list[Fact]:
    """The numeric facts in one passage; ``offset`` is the passage's start in the report."""
    normalized = normalize_with_offsets(original)
    text = normalized.text
    facts: list[Fact] = []
    boundary = 0  # indicators never reach back past a previous figure
    previous: Fact | None = None  # the figure before, when nothing delimits the two
    for match in _figure_pattern().finditer(text):
        if match.group("percent"):
            written = match.group("percent")
            low = 100.0 if written == "百" else _number(written)
            unit, scale = "%", 1.0
        elif match.group("tenths"):
            low = _number(match.group("tenths"))
            unit, scale = "%", 10.0
        else:
            low = _number(match.group("low"))
            if low is not None:
                unit, unit_scale = _units()[match.group("unit")]
                scale = unit_scale * {"万": 1e4, "亿": 1e8}.get(match.group("scale") or "", 1.0)
        if low is None:
            continue
        before_start = _clause_start(text, match.start(), boundary)
        before = text[before_start : match.start()]
        if match.group("unit") == "期" and _ORDINAL_LIST.search(
            text, max(0, match.start() - 16), match.start()
        ):
            continue  # "第60、62期": issue numbers, not a count
        qualifier = _qualifier(match, before)
        year_match = _YEAR_BEFORE.search(before)
        year = int(year_match.group(1)) if year_match else None
        change = _CHANGE.search(before)
        value = low * scale
        if previous is not None and before_start == boundary and _FROM_TO.match(before):
            # "由2020年的85%提高到2021年的98%": the same indicator, another year.
            indicator, canonical = previous.indicator, previous.canonical
            quote_start = match.start() - len(before)
            kind = "level"
        else:
            indicator, ind_start, ind_end = _indicator(text, before_start, match)
            canonical = canonical_indicator(indicator)
            if not canonical and unit != "%":
                # "制发第三批101项“川渝通办”事项": the measure word's noun names the thing
                # counted when the clause before only names the action.
                canonical = canonical_indicator(_after_unit(text, match))
            if unit == "%" and ind_start >= match.end():
                canonical = ""  # "九成的矛盾纠纷": a share of them, not a count of them
            quote_start = min(ind_start, match.start())
            kind = "change" if change and not match.group("percent") else "level"
            if kind == "change" and change.group(1) in _DOWN:
                value = -value
            if kind == "change" and facts and _han(_CHANGE_ONLY.sub("", before)) < 2:
                # "…化解率达到65%,较上年提高10个百分点": the change of the figure before.
                indicator, canonical = facts[-1].indicator, facts[-1].canonical
        o_start, o_end = normalized.to_original(quote_start, match.end())
        fact = Fact(
            indicator=indicator,
            canonical=canonical,
            value=int(value) if float(value).is_integer() else round(value, 6),
            unit=unit,
            qualifier=qualifier,
            quote=original[o_start:o_end],
            start=offset + o_start,
            end=offset + o_end,
            kind=kind,
            year=year,
        )
        facts.append(fact)
        delimited = any(c in _DELIMITERS for c in text[match.end() : match.end() + 1])
        previous = None if delimited else fact
        boundary = match.end()
    return facts


def _clause_start(text: str, position: int, boundary: int) -> int:
    """Where the clause before ``position`` starts: the last delimiter, except that a short
    quoted or bracketed name is part of the clause (预防“民转刑”案件, 示范村(社区))."""
    start = position
    while start > boundary:
        char = text[start - 1]
        if char in _CLOSING:
            opening = text.rfind(_CLOSING[char], max(boundary, start - 14), start - 1)
            if opening >= 0 and not any(c in ",。;" for c in text[opening:start]):
                start = opening
                continue
        if char in _DELIMITERS:
            break
        start -= 1
    return start


def _qualifier(match: re.Match, before: str) -> str:
    if match.group("dash") and match.group("high"):
        return "range"
    after = match.group("after") or match.group("tenths_after")
    if match.group("more") or match.group("more_before") or after in ("以上", "多"):
        return "at least"
    if after == "左右":
        return "about"
    stripped = before.rstrip()
    if stripped.endswith(_AT_LEAST_BEFORE):
        return "at least"
    if stripped.endswith(_ABOUT_BEFORE):
        return "about"
    return ""


def _indicator(text: str, start: int, match: re.Match) -> tuple[str, int, int]:
    """The indicator's text and span: the clause before the figure without connecting words;
    when that leaves nothing, the words after the unit up to the next delimiter."""
    end = match.start()
    changed = True
    while changed:
        changed = False
        stripped = text[start:end].rstrip()
        end = start + len(stripped)
        for filler in _TRAILING_FILLERS:
            if text[start:end].endswith(filler) and end - len(filler) > start:
                end -= len(filler)
                changed = True
                break
        for filler in _LEADING_FILLERS:
            if text[start:end].startswith(filler) and start + len(filler) < end:
                start += len(filler)
                changed = True
                break
    # "出庭应诉率由2020年的" -> "出庭应诉率"; "败诉率同比下降" -> "败诉率"
    for tail in (_CHANGE_TO, _FROM_YEAR_TAIL, _CHANGE):
        found = tail.search(text, start, end)
        if found and found.end() == end and found.start() > start:
            end = found.start()
    clause = text[start:end]
    # "重点领域和17个部门": what is counted comes after; "设立19个调解室" likewise.
    fragment = clause in _fragments() or clause.endswith(_COUNTED_AFTER)
    if _han(text[start:end]) >= 2 and not fragment:
        return text[start:end], start, end
    # Nothing before says what is counted: the noun after the unit does ("完成29家企业的").
    noun = _noun_after(text, match)
    if noun:
        after_start = match.end() + (text[match.end() : match.end() + 1] == "的")
        return noun, after_start, after_start + len(noun)
    if fragment:
        return "", match.start(), match.start()
    return text[start:end], start, end


def _after_unit(text: str, match: re.Match) -> str:
    """The words after a figure's unit up to the next delimiter or figure, at most 16
    characters, quotation marks dropped ("29家企业的信用修复申请" -> 企业的信用修复申请)."""
    after_start = match.end() + (text[match.end() : match.end() + 1] == "的")
    after_end = after_start
    while (
        after_end < len(text)
        and (text[after_end] not in _DELIMITERS or text[after_end] in '“”"')
        and not text[after_end].isdigit()  # the next figure starts its own fact
        and after_end - after_start < 16
    ):
        after_end += 1
    words = re.sub('[“”"]', "", text[after_start:after_end])
    if words.startswith(("有", "在")):
        return ""  # "15个有处罚案件的部门": a relative clause, not the thing counted
    return re.split("均|在|进行|参加|用于|组成|实现", words, maxsplit=1)[0]


def _noun_after(text: str, match: re.Match) -> str:
    """The noun right after a figure's unit ("29家企业的" -> 企业, "4个“枫桥式司法所”" ->
    枫桥式司法所), or ""."""
    noun = _NOUN_AFTER.match(_after_unit(text, match))
    return noun.group() if noun and _han(noun.group()) >= 2 else ""


def _han(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
