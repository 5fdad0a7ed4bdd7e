"""Metrics: a passage -> the numeric facts it states.

Input: a passage's original text (and its offset in the report). Output: ``Fact`` records
``{indicator, canonical, value, unit, qualifier, quote, start, end}``:

* ``indicator``: the thing measured, as written in the clause before the figure, without
  the words before it that only set the scene ("全市行政机关负责人出庭应诉率" ->
  行政机关负责人出庭应诉率, "办理行政复议案件" -> 行政复议案件). A clause that is only such
  words, a verb or a function word ("将全县", "对其中", "明确", "累计开展"), never stands as a
  name: the noun right after the figure's unit does ("明确65项具体任务" -> 具体任务), or the
  name is empty. The words are classed in ``data/indicator_fragments.txt``;
* ``canonical``: its name in ``data/indicators.tsv``, only when the indicator's head is the
  variant's head: the indicator must end with the variant (Chinese puts the head noun last,
  so "行政检查事项覆盖率" is a 覆盖率, not a 检查事项), longer variants first; rates (…率,
  满意度, 占比) and counts never take each other's names, nor the other's units; a bare rate
  word (满意度, 成功率) is checked against what stands before it ("群众对法治建设的满意度" is
  法治建设满意度, "信用修复成功率" no 调解成功率). See ``canonical_indicator``. A name's
  leading verb counts when verb and head are a variant together ("审核…规范性文件" is
  合法性审查, "清理…政府规章" 政府规章清理), and so does a bare verb's object ("修改5件、
  废止25件市政府规章"). When the clause before names nothing, the words after the unit
  do: the noun, what the people or things counted took part in or became ("1858名领导
  干部参加年度述法", "6个村获评民主法治示范村"), what they achieved ("实现“全市通办”"),
  a list's shared head ("287件A、B和C的合法性审查"), for events what was done; a part or
  total of the figure before takes its name ("其中…", "总量突破…"), a share of a whole
  none ("占计划任务总数的69.45%"), nor does a count of lists ("事项清单4期").
  The rest of the sentence names what neither does (``_named_around``): a clause that is
  only a verb counts the thing named before it ("取消行政许可事项8项、承接10项",
  "对规范性文件进行清理,共清理49件"); a generic head (事项, 问题, 案件) the thing of its
  kind named before ("督察反馈问题的整改…21个问题"); an event after a list of topics the
  meeting it was held at ("在常务会议专题研究A、B等工作13次"); figures listed after as
  many names and 分别 take the names in order ("办理时限、申请材料分别压减62%、30.5%"),
  numbers listed before a unit share it ("分别为73.56、76.71、80.13分"); a percentage
  after a count that is not cut or changed is its rate ("即办件达到38.5%" -> 事项即办率),
  or none;
* ``value``: a number; 万/亿 scale it, 万元/亿元 become 元 (``data/units.tsv``), percentages
  stay percentages (93.16 with unit "%"), written-out ones too (百分之九十五, 百分之百,
  百分之十二点五, 零点五个百分点); a written fraction is a share, stored as a percentage
  (三分之二 -> 66.67 %, 千分之三 -> 0.3 %; rounded to 2 decimals when it does not end);
  one space may stand between a figure and its unit ("412 项"); ranges give the low end;
* ``qualifier``: "at least" (余, 多, 以上, 超过, 逾, 不低于), "about" (约, 近, 左右),
  "range" (3-5个), or "";
* ``quote`` and ``start``/``end``: the exact source text, indicator to unit, and its offsets in
  the report's original text (Traditional reports are quoted in Traditional).

A figure is a metric only when a unit follows it. That alone rules out years (2020年), dates
(12月31日), document numbers (〔2024〕6号), phone numbers and codes; ordinals (第39期, 第三次) and
figures glued to other digits, slashes or letters are excluded explicitly. Chinese numerals
are read, one character or more (分七期, 两类考评对象, 七大类, 四部门, 十二次), but not when
they name things: a formula of ``data/slogans.txt`` (两个维护, 三项制度, 十一个坚持), a short
quotation (“四个意识”) or a title (《…五条措施》); 一 alone only before 百分点 (一个, 一批, 一次
are articles in running prose or slogans: 一件事, 最多跑一次), 二 alone neither (二次, 二期);
ranks (前三位, 前10名) and "one of" counts (全省三个试点之一) are no figures whatever the
numeral. Two written digits in a row count a range (三四个 -> 3, "range"). A sum written with
万/亿 and 以上/以下/以内 but no unit (五万以上的资金) is in 元 when its sentence speaks of
money. Counts of kinds (七大类, 六个方面) take no canonical name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .data_files import data_lines, data_rows
from .normalizing import normalize_for_search, normalize_with_offsets
from .numerals import parse_chinese_decimal, parse_chinese_fraction
from .words import word_tokens

_DELIMITERS = set(",。;:、!?()《》“”‘’\"'[]【】\n")
# Connecting words between an indicator and its figure ("出庭应诉率达100%", "税费等14亿元").
_TRAILING_FILLERS = (
    "达到", "达至", "保持", "实现", "共计", "累计", "合计", "不超过", "超过", "不低于", "不少于",
    "覆盖",
    "惠及",
    "分别", "均", "各", "达", "为", "是", "共", "计", "约", "近", "逾", "等", "了", "的",
)  # fmt: skip
_LEADING_FILLERS = ("其中", "全年", "同时", "共计", "并", "共")
_AT_LEAST_BEFORE = ("超过", "逾", "不低于", "不少于")
# "由85%提高到98%": the second figure is the same indicator's, later.
_FROM_TO = re.compile(
    r"^(?:提高|提升|增长|增加|上升|下降|降低|减少|缩小|扩大|缩短|压缩|压减|精简)?(?:到|至|为)"
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
_FROM_YEAR_TAIL = re.compile(r"(?:由|从)?(?:(?:19|20)\d\d年(?:底|末)?的?|原来的?|原先的?)?$")
_ABOUT_BEFORE = ("约", "近")
# Closing marks -> their opening marks: a short quoted or bracketed name inside a clause.
_CLOSING = {"”": "“", ")": "(", "】": "【"}  # not 《》: a title names a law, not what is counted
# Endings of a clause after which the figure's noun follows it: conjunctions, and verbs of
# setting up ("在派出所设立19个调解室").
_COUNTED_AFTER = ("和", "及", "与", "以及", "设立", "建成", "建立", "组建", "成立", "新建", "启用")
# A rate, share or degree: what takes a percentage, never a count's unit.
_RATE = re.compile(r"(?:率|占比|比例|比重|(?:满意|知晓|认可|认同|参与|信任|获得)度)$")
# Words after a variant that do not change what is counted ("办件量" is 办件, "行政复议案件数"
# is 行政复议案件, "矛盾纠纷案件" 矛盾纠纷, "常务会议学法活动" 常务会议学法): tried when the
# phrase itself ends in no variant.
_QUOTES = re.compile("[“”\"'‘’《》]")
_BRACKETED_TAIL = re.compile(r"[(【][^()【】]{1,8}[)】]$")
_NEUTRAL_TAIL = re.compile(
    r"(?:办理|受理|办结|处理|审结|发案|收案|结案)?(?:案件数|件数|数量|总数|总量|人数|数|量)$"
    r"|(?<=..)(?:案件|活动)$|(?<=班)学习$"
)
# A part of the figure before ("其中2项"), a share of a whole ("占计划任务总数的").
_PART_OF = re.compile(r"\s*其中")
_SHARE_OF = re.compile(r"\s*占(?!比)")
# A list ("行政许可事项清单"): its items are counted in 项, 条 or 件; other units count lists.
_LIST = re.compile(r"清单\s*\||\|.*清单$")
_ITEM_UNITS = ("项", "条", "件", "%", "pp")
# Verbs after which the words name what the people or things counted took part in, or became
# ("54名领导干部参加旁听庭审", "6个村获评民主法治示范村", "对280万名基层党员进行培训").
_TOOK_PART = re.compile(
    r"(?:(?P<became>获评|被评为|评为|入选|争创|创建为)|参加|参与|进行|接受|(?P<did>开展))了?"
    r"(?P<what>[^,。;:!?\n\d]{2,40})"
)
_PEOPLE_UNITS = ("人", "名", "位", "人次")
# Nouns of places and bodies: "6个市直单位", "5个县(区)", "12个乡镇(街道)".
_BODIES = re.compile(
    r"(?:单位|部门|机关|机构|县|区|市|州|乡镇|街道|村|社区|盟市|旗县)(?:\(.{1,4}\))?$"
)
# A list after the unit and the head it shares: "287件重大行政决策事项、规范性文件和相关协议的
# 合法性审查" counts 合法性审查.
_LISTED = re.compile(r"^[^、]{2,16}、.*的(?P<head>[^的]{2,10})$")
# What the things counted achieved, quoted: "300个高频事项实现“全市通办”" counts 通办事项.
_ACHIEVED = re.compile(r"^[^,。;:!?\n\d“]{2,16}实现“(?P<what>[^”]{2,12})”")
# A total of the figure before: "新增市场主体30.98万户,总量突破200万户".
_TOTAL = re.compile(r"\s*(?:总量|总数|总计|累计)(?:突破|超过|达到?|为|是)?\s*$")
# A year right after a unit: "举办3期2025年度法治培训班".
_YEAR_AFTER = re.compile(r"(?:19|20)\d\d年度?(?=[\u4e00-\u9fff])")
# A short bracketed insert inside a name: "州党委常委(扩大)会议".
_INSERT = re.compile(r"\([^()“”,。;:、\d]{1,6}\)(?=[\u4e00-\u9fff])")
# Between an event count and a count of people: the people the events reached ("、", ",覆盖",
# ",受众达", ",惠及群众", ",覆盖民辅警").
_ATTENDED = re.compile(
    r"、|[,,]\s*(?:累计|共计|共|直接)?(?:覆盖|惠及|参与|参加|参训|受众|受益)[^\d,。;:、]{0,6}?"
)
# What the people events reached are, when they are not of the events' own name.
_AUDIENCE = {"普法活动": "普法受众"}
# Heads that name things of many kinds: "21个问题" are the 督察反馈问题 the sentence named.
_GENERIC_HEADS = ("事项", "问题", "案件")
# Units a rate or degree is given in: a percentage, points, a score (满意度80.13分).
_SHARE_UNITS = ("%", "pp", "分")
# Words by which a percentage is a cut or change of a count, not a rate of it.
_CUT = re.compile(
    r"压减|压缩|精简|缩短|缩减|削减|减少|减免|提速|降低|下降|提高|提升|增长|增加|上升|节约|节省"
)
# Connecting words after 分别: "分别为", "分别达到".
_FILLER_TAIL = re.compile(r"^(?:为|是|达到|达|占)|(?:为|是|达到|达|了)$")
# Units of events: "2次邀请法院作专题报告" counts 专题报告.
_EVENT_UNITS = ("次", "场", "场次", "期", "批次")
# The rest of an ordinal list before a figure: "第60、" of "第60、62期".
_ORDINAL_LIST = re.compile(r"第[\d〇零一二三四五六七八九十、,和及至-]*$")
# A verb of change left at the end of an indicator: "办结率提高到" -> "办结率".
_CHANGE_TO = re.compile(
    r"(?:提高|提升|增长|增加|上升|下降|降低|减少|缩小|扩大|压缩|压减|精简|削减|缩短|调整)"
    r"(?:到|至|为)$"
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


def is_rate(name: str) -> bool:
    """A rate, share or degree (出庭应诉率, 满意度, 占比): what a percentage measures."""
    return bool(_RATE.search(name))


@lru_cache(maxsize=8192)
def canonical_indicator(text: str) -> str:
    """The canonical name for an indicator as written, or "" when none has its head.

    The indicator must end with a variant (the head noun comes last: "全市行政机关负责人
    出庭应诉率" ends with 行政机关负责人出庭应诉率; "行政检查事项覆盖率" ends with no variant,
    and is no 检查事项), the longest first; a count word after a variant may go ("办件量",
    "行政复议案件数"), and so do quotation marks, a bracketed tail ("示范村(社区)") and 等
    ("要素保障等问题"). A bare rate word of three characters or fewer (满意度, 成功率), or a
    bare head word whose canonical is that word after a law topic (培训 of 法治培训), carries
    its canonical only when nothing but neutral words stands before it, or when what
    stands before it shares a word with a canonical of the same head, or when its canonical
    is itself a bare head (办结率): "群众满意度" is 政务服务满意率, "群众对法治建设的满意度"
    法治建设满意度, "行政复议案件办结率" 办结率, "信用修复成功率" none, "党员教育培训"
    none (no 法治培训).
    Cached: reports write the same indicators again and again."""
    text = _QUOTES.sub("", _BRACKETED_TAIL.sub("", normalize_for_search(text)))
    # "公共服务等其他事项" is a 公共服务事项: 等 and 其他 do not change what is counted
    forms = dict.fromkeys((text, text.replace("等", ""), re.sub("等?其[他它]", "", text)))
    by_variant, longest = _variant_map()
    for phrase in [*forms, *(_NEUTRAL_TAIL.sub("", form) for form in forms)]:
        for length in range(min(len(phrase), longest), 0, -1):  # the longest variant first
            variant = phrase[-length:]
            canonical = by_variant.get(variant)
            if canonical is None:
                continue
            if is_bare_head(variant, canonical):
                named = _bare_head(phrase[:-length], variant, canonical)
                if named:
                    return named
                break  # "常务会议学法活动": maybe the phrase without its count word names it
            return _verb_object(phrase, variant) or canonical
    return next((named for form in forms if (named := _worded_class(form))), "")


# Classes of wording that name an indicator without ending in one of its variants: what a
# verb of cutting cuts ("精简申报材料", "审批环节累计精简", "减少群众跑动"); a meeting that
# studied or heard law work ("工委会议研究法治工作", "区政府常务会专题听取…汇报"), or the
# studying itself ("研究部署依法行政工作"); a law event ("开门普法集中宣传", "宪法主题宣讲").
_CUT_VERBS = "精简|压减|压缩|缩减|削减|减少|减免|简化|缩短|取消|砍掉"
_CUT_OBJECTS = (
    ("材料|要件", "申请材料精简"),
    ("环节", "办理环节精简"),
    ("跑动|跑腿|跑路", "跑动次数精简"),
    ("时限|时间", "办理时限压缩"),
)
_MEETING_STUDIED = re.compile(
    r"(?:会议?|常委会|常务会)[^,。;:]{0,6}?(?:研究|听取|审议|部署)[^,。;:]*(?:法|依法行政)"
)
_STUDIED = re.compile(
    r"^(?:专题|集体)?(?:研究|部署|审议|听取)(?:部署|审议|研究)?[^,。;:]*?(?:法治|法制|依法行政)"
    r"[^,。;:]*?(?:工作|事项|汇报|报告|情况)$"
)
_LAW_EVENT = re.compile(r"法[^,。;:、]{0,10}?(?:宣讲|宣传|授课|讲课)$")


def _worded_class(phrase: str) -> str:
    """The canonical of a class of wording (see above) ``phrase`` ends in, or ""."""
    for objects, canonical in _CUT_OBJECTS:
        things = rf"(?:{objects})(?:次数|数量|数)?"
        if re.search(rf"(?:{_CUT_VERBS})了?[^,。;:、]{{0,8}}?{things}$", phrase):
            return canonical  # "精简申报材料", "减少群众跑动"
        if re.search(rf"{things}[^,。;:、]{{0,4}}?(?:{_CUT_VERBS})了?$", phrase):
            return canonical  # "审批环节累计精简"
    if re.search(r"取消[^,。;:、]{0,8}?证明$", phrase):
        return "证明事项取消"
    if re.search(r"下放[^,。;:、]{0,12}?事项$", phrase):
        return "政务服务事项下放"  # "向镇(街道)下放区级行使的审批事项"
    if _MEETING_STUDIED.search(phrase) or _STUDIED.search(phrase):
        return "常务会议审议"
    if _LAW_EVENT.search(phrase):
        return "普法活动"
    return ""


def is_bare_head(variant: str, canonical: str) -> bool:
    """Whether ``variant`` is a bare head word, which carries ``canonical`` only after
    neutral words or words its canonical shares: a rate word of three characters or fewer
    (满意度), or the head of a canonical after a law topic (培训 of 法治培训; of four characters
    after 法治, 法律 or 普法: 专题学习 of 法治专题学习, 研究课题 of 法治研究课题, while 检查事项
    names itself)."""
    if len(variant) <= 3:
        return is_rate(variant) or _qualified(canonical, variant)
    law_topic = canonical[: -len(variant)] in ("法治", "法律", "普法")
    return len(variant) == 4 and _qualified(canonical, variant) and law_topic


def _verb_object(phrase: str, variant: str) -> str:
    """The canonical of the phrase's first word (a verb, mostly) with the variant it ends
    in, or with a longer end of it, when that is a variant: "审核省政府行政规范性文件" is
    合法性审查 (审核行政规范性文件), no 规范性文件清理; "清理我市政府规章" is 政府规章清理."""
    by_variant = _variant_map()[0]
    # the shortest variant the phrase ends in (政府规章 of 市政府规章): the object's head
    head = min((v for v in _suffixes(phrase) if v in by_variant), key=len, default=variant)
    for word, at in _words(phrase[: len(phrase) - len(variant)]):
        kind = _word_classes().get(word)
        if kind in ("verb", "action", None):
            rest = phrase[at + len(word) :]  # 我市政府规章: 清理政府规章 is a variant
            found = (by_variant.get(word + rest[i:]) for i in range(len(rest) - len(head) + 1))
            return next((name for name in found if name), "")
        if kind not in ("function", "adverb", "scope"):
            break
    return ""


@lru_cache(maxsize=1)
def _variant_map() -> tuple[dict[str, str], int]:
    """variant -> canonical, and the longest variant's length."""
    pairs = indicator_variants()
    return dict(pairs), max(len(variant) for variant, _ in pairs)


@lru_cache(maxsize=1)
def _count_variants() -> tuple[tuple[str, str], ...]:
    """The (variant, canonical) pairs ``_count_within`` looks for: counts, three characters
    or more."""
    return tuple(
        pair for pair in indicator_variants() if len(pair[0]) >= 3 and not is_rate(pair[0])
    )


def _qualified(canonical: str, head: str) -> bool:
    """Whether ``canonical`` is its bare head word ``head`` after a law topic the head
    lacks (法治培训 for 培训, 法律咨询 for 咨询): a head that names other topics' things too
    (党员教育培训, 政策咨询). 学法 of 会前学法 is law study wherever it is held."""
    return canonical.endswith(head) and "法" in canonical[: -len(head)] and "法" not in head


def _count_within(words: str) -> str:
    """The canonical of the count variant (three characters or more, not a rate) that ends
    nearest the end of ``words``, longer first, or ""."""
    best, best_key = "", None
    for variant, canonical in _count_variants():
        end = words.rfind(variant)
        if end >= 0 and (best_key is None or (end + len(variant), len(variant)) > best_key):
            best, best_key = canonical, (end + len(variant), len(variant))
    return best


def _canonical_after(text: str, match: re.Match) -> str:
    """The canonical a figure takes from the words after its unit when the clause before
    names none: the noun after it ("启用69名行政执法编制"); what the people or things
    counted took part in or became ("54名新任领导干部参加任前法律知识考试", "6个村(社区)
    获评民主法治示范村", one name only: "考试和旁听庭审" is neither); for events, what was
    done ("先后2次邀请法院作法治政府建设专题报告"); else a count's name held in the noun
    after it ("制发第三批101项“川渝通办”事项办事指南")."""
    rest = text[match.end() : match.end() + 48]
    rest = rest[: min((rest.find(c) for c in ",。;:!?\n" if c in rest), default=len(rest))]
    following = _figure_pattern().search(text, match.end(), match.end() + len(rest))
    if following:  # "参加学法用法考试、上线运行…39项": the next figure's clause is its own
        rest = rest[: following.start() - match.end()]
        rest = rest[: rest.rfind("、")] if "、" in rest else rest
    achieved, listed = _ACHIEVED.match(rest), _LISTED.match(rest)
    canonical = (
        (achieved and canonical_indicator(achieved["what"]))
        or (listed and canonical_indicator(listed["head"]))
        or canonical_indicator(_noun_after(text, match))
    )
    if canonical:
        return canonical
    people = _unit_of(match) in _PEOPLE_UNITS
    took_part = _TOOK_PART.search(rest)
    # places and bodies count as what they became, not what was done to them or what they
    # did ("对6个市直执法单位进行实地督察" counts 单位); people and other things as both
    body = not people and _BODIES.search(_QUOTES.sub("", _noun_after(text, match)))
    if took_part and (took_part["became"] or (not body and (people or not took_part["did"]))):
        # "考试和旁听庭审" is neither; "法律知识和依法行政能力考查测试" is a 考查测试
        *others, last = (canonical_indicator(p) for p in re.split("[和及与、]", took_part["what"]))
        return last if all(name in ("", last) for name in others) else ""
    if people:  # "3.76万名县处级以上领导干部全覆盖集中轮训", "936人向依法治市委员会述法"
        return canonical_indicator(rest)
    after = _after_unit(text, match)
    if _unit_of(match) in _EVENT_UNITS and _run_class(_words(after), 0)[0] == "verb":
        return _count_within(rest)
    return _count_within(_up_to_function_word(after))


def _shared_noun(text: str, match: re.Match) -> str:
    """The noun after the next figure when only a short verb stands between the two, which
    both count: "修改5件、废止25件市政府规章" -> 市政府规章 for 5件."""
    between = re.match(r"、[\u4e00-\u9fff]{1,4}", text[match.end() :])
    if not between:
        return ""
    at = match.end() + between.end()
    following = _figure_pattern().match(text, at)
    return _noun_after(text, following) if following else ""


def _bare_verb(clause: str) -> str:
    """The clause when it is only a verb that is a variant of two characters or fewer,
    with fillers ("并废止", "修改"): what it did is named by its object."""
    words = [w for w, _ in _words(clause) if _word_classes().get(w) not in ("function", "adverb")]
    if len(words) == 1 and len(words[0]) <= 2 and words[0] in _variant_map()[0]:
        return words[0]
    return ""


def _bare_head(modifier: str, variant: str, canonical: str) -> str:
    """The canonical a bare head word (满意度) takes after ``modifier``: its own when the
    modifier is empty once neutral words go, else the canonical of the same head whose
    names share the most two-character words with the modifier (two at least, or the
    first two characters of one of its names: 法治 of 法治建设满意度), else none."""
    # "参考率和合格率": the words before a coordination are another rate's
    modifier = re.split("[和及与或、]", modifier)[-1]
    if _qualified(canonical, variant) and "法" in modifier:
        return canonical  # "执法培训", "普法讲座": the law topic is there
    for word in sorted(_word_classes(), key=len, reverse=True):
        if len(word) > 1 and _word_classes()[word] != "noun":
            modifier = modifier.replace(word, "")
    modifier = re.sub(r"[^\u4e00-\u9fff]|[对的之和及与在]", "", modifier)
    if len(modifier) < 2:
        return canonical
    grams = {modifier[i : i + 2] for i in range(len(modifier) - 1)}
    # a canonical that is itself a bare head (办结率) names any such rate no other one claims
    best, best_shared = (canonical if len(canonical) <= 3 else ""), 0
    for name, names in _names_by_head(_head_key(variant)).items():
        shared = len(grams & {n[i : i + 2] for n in names for i in range(len(n) - 1)})
        if shared < 2 and not any(n[:2] in grams for n in names):
            # one common word inside a name (服务 of 公共法律服务 and 政务服务) is not the
            # same thing; a name's first word (事项 of 事项进驻率, 法治 of 法治建设满意度) is
            continue
        if shared > best_shared or (shared == best_shared and shared and name == canonical):
            best, best_shared = name, shared
    return best


def _head_key(variant: str) -> str:
    """A bare head word with 度 and 率 made one (满意度, 满意率: both a satisfaction share)."""
    return variant[:-1] + "率" if variant.endswith("度") else variant


@lru_cache(maxsize=256)
def _names_by_head(key: str) -> dict[str, tuple[str, ...]]:
    """canonical -> its name and variants, for the canonicals with a variant ending in a
    head word of key ``key``, their head word cut off (what the modifier is compared with)."""
    found: dict[str, list[str]] = {}
    for variant, canonical in indicator_variants():
        tail = variant[-len(key) :]
        if _head_key(tail) == key:
            found.setdefault(canonical, [])
    for variant, canonical in indicator_variants():
        if canonical in found:
            found[canonical].append(variant[: -len(key)] if len(variant) > len(key) else "")
    return {name: (name, *parts) for name, parts in found.items()}


@lru_cache(maxsize=1)
def _word_classes() -> dict[str, str]:
    """word -> its class (function, adverb, scope, verb, action, neutral, noun) in
    ``data/indicator_fragments.txt``: words that do not say what a figure counts."""
    return {normalize_for_search(word): kind for word, kind in data_rows("indicator_fragments.txt")}


@lru_cache(maxsize=1)
def _units() -> dict[str, tuple[str, float]]:
    return {unit: (normalized, float(scale)) for unit, normalized, scale in data_rows("units.tsv")}


_CN_DIGIT = "〇零一二三四五六七八九"
# A unit is no unit when a word goes on with it: 分 of 30分钟, 分局, 分院, 分中心 ...
_NOT_UNIT_AFTER = "(?<=分)[钟局院队所会中行类项级期批别之]"
_CN_NUMERAL = "〇零一二三四五六七八九十百千万亿两"


@lru_cache(maxsize=1)
def _figure_pattern() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(_units(), key=lambda u: (-len(u), u)))
    # thousands separators are read ("1,286件"), never as two figures; written decimals too
    # ("零点五个百分点"); one written digit too ("分七期", "两类", "四部门"), but 一 and 二 only
    # before 百分点 ("提高一个百分点"): 一个, 一批, 一次 are articles or slogans (一件事,
    # 最多跑一次), 二次, 二期 ordinals; slogans and quoted names are left out in
    # ``_not_a_count`` (三项制度, “四个意识”)
    number = (
        r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
        rf"|[{_CN_NUMERAL}]+点[{_CN_DIGIT}]+|[{_CN_NUMERAL}]{{2,}}"
        r"|[一二三四五六七八九两](?=个?百分点)|[三四五六七八九十两]"
    )
    # "五万以上的资金": a written sum bounded by 以上/以下/以内 without its unit (read as 元
    # only when the sentence speaks of money, in ``extract_facts``)
    sum_ = rf"(?P<sum>\d+(?:\.\d+)?|[{_CN_NUMERAL}]+)(?P<sum_scale>万|亿)(?P<bound>以上|以下|以内)"
    # "百分之九十五", "百分之百", "百分之5", "百分之十二点五": a percentage written out.
    percent = rf"百分之(?P<percent>\d+(?:\.\d+)?|百|[{_CN_NUMERAL}]{{1,5}}(?:点[{_CN_DIGIT}]+)?)"
    # "三分之二", "千分之三", "万分之五": a share written as a fraction.
    fraction = (
        r"(?P<fraction>(?:[二三四五六七八九]|十[一二三四五六七八九]?|千|万)分之"
        rf"(?:\d+(?:\.\d+)?|[{_CN_NUMERAL}]{{1,4}}(?:点[{_CN_DIGIT}]+)?))"
    )
    # "九成以上", "近七成": tenths, as a percentage; not the 成 of 成立, 成为, 一成不变 ...
    listed = r"\d+(?:\.\d+)?"
    tenths = r"(?P<tenths>[一二三四五六七八九]|[1-9](?:\.\d)?)成(?![立为果功效本员都交就熟型不])"
    return re.compile(
        rf"(?<![\d.\-/a-z第〔\[{_CN_NUMERAL}])(?<!\d,)"
        rf"(?:(?:{percent}|{fraction}|{tenths})(?P<share_after>以上|左右|多)?|{sum_}|"
        # "分别为73.56、76.71、80.13分": figures listed before the last one share its unit
        rf"(?P<listed>{listed})(?=(?:、{listed})*、{listed} ?(?P<list_scale>万|亿)? ?"
        rf"(?P<list_unit>{units})(?!{_NOT_UNIT_AFTER}))|"
        rf"(?P<low>{number})"
        rf"(?:(?P<dash>[-~至到])(?P<high>{number}))?"
        # "4000余万条", "1.9万余名"; one space may stand after the figure and before its
        # unit ("412 项", "240 余人次", "1.3 万件", a thin space too)
        r" ?(?P<more_before>余|多)?(?P<scale>万|亿)?"
        r"(?P<more>余|多)?"
        # "七大类", "六大方面": 大 before a unit of kinds
        rf" ?(?:大(?=类|方面))?(?P<unit>{units})(?!{_NOT_UNIT_AFTER})"
        r"(?P<after>以上|左右)?)"
    )


# Two written digits in a row, for an approximate count: "三四个", "七八项" (3 to 4, 7 to 8).
_NUMERAL_PAIR = re.compile("([一二三四五六七八])([二三四五六七八九])")
_DIGITS = "一二三四五六七八九"
# Words of money: a sum written without its unit is in 元 in a sentence with one of them.
_MONEY = re.compile("资金|经费|金额|款项|预算|支出|采购|投资|资产|罚款|元")
# Units never read after a Chinese numeral: 十分 is "very", 十六字方针 a formula.
_NOT_AFTER_WRITTEN = ("分", "字")
# "作为全省三个试点城市之一": the figure counts others, the report's place is one of them.
_ONE_OF = re.compile(r"[^,。;:!?、\n\d]{0,12}?之一")
# Units that count kinds or parts of a thing, never the thing (七大类事项, 六个方面 is 个).
_KIND_UNITS = ("类", "方面")


def _speaks_of_money(text: str, match: re.Match) -> bool:
    """Whether the sentence of a sum written without its unit speaks of money ("局机关五万以上
    的资金支出…,五万以内的…")."""
    start = max(text.rfind(c, 0, match.start()) for c in "。;!?\n") + 1
    ends = [i for i in (text.find(c, match.end()) for c in "。;!?\n") if i >= 0]
    return bool(_MONEY.search(text, start, min(ends, default=len(text))))


@lru_cache(maxsize=1)
def _slogans() -> re.Pattern[str]:
    """The formulas of ``data/slogans.txt``, as one pattern."""
    words = sorted(data_lines("slogans.txt"), key=len, reverse=True)
    return re.compile("|".join(re.escape(normalize_for_search(w)) for w in words))


def _not_a_count(text: str, match: re.Match) -> bool:
    """Whether a figure is no count of the report's own: a rank (前三位, 前10名), one of
    several others ("作为全省三个试点城市之一"); and for a figure written in Chinese
    numerals, a name: its numeral starts or stands in a formula of ``data/slogans.txt``
    (两个维护, 三项制度, 一规划两纲要), it is inside a short quotation (“四个意识”, “八五”) or
    a title (《服务企业复工复产五条措施》), or its unit is one a written numeral never counts
    in (十分, 十六字方针)."""
    start = match.start()
    if text[start - 1 : start] == "前" and _unit_of(match) in ("名", "位"):
        return True
    if _ONE_OF.match(text, match.end()):
        return True
    written = match.group("low") or match.group("sum") or ""
    if not written or written[0].isdigit():
        return False
    if _unit_of(match) in _NOT_AFTER_WRITTEN:
        return True
    for found in _slogans().finditer(text, max(0, start - 8), min(len(text), start + 12)):
        if found.start() <= start < found.end():
            return True
    return _quoted(text, start) or _titled(text, start)


def _titled(text: str, position: int) -> bool:
    """Whether ``position`` is inside a document's title (《…五条措施》)."""
    before = text[max(0, position - 40) : position]
    opening = before.rfind("《")
    return opening >= 0 and "》" not in before[opening:] and "》" in text[position : position + 40]


def _quoted(text: str, position: int) -> bool:
    """Whether ``position`` is inside a short quotation (at most 12 characters either side,
    no sentence punctuation between): “四个意识”, “三项重点工作”."""
    before = text[max(0, position - 12) : position]
    opening = max(before.rfind("“"), before.rfind("「"))
    if opening < 0 or any(c in before[opening:] for c in "”」。;,"):
        return False
    after = text[position : position + 12]
    closing = min((i for i in (after.find("”"), after.find("」")) if i >= 0), default=-1)
    return closing >= 0 and not any(c in after[:closing] for c in "“「。;,")


def _unit_of(match: re.Match) -> str | None:
    """A figure's unit as written: its own, or for a figure listed before others the last
    one's ("73.56、76.71、80.13分")."""
    return match.group("unit") or match.group("list_unit")


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text.replace(",", ""))
    return parse_chinese_decimal(text)


def _share(fraction: str) -> float | None:
    """A written fraction as a percentage: exact when it ends (千分之三 -> 0.3), else
    rounded to 2 decimals (三分之二 -> 66.67)."""
    denominator, _, numerator = fraction.partition("分之")
    if numerator[0].isdigit():
        numerator = "".join(_CN_DIGIT[int(c)] if c.isdigit() else "点" for c in numerator)
    share = parse_chinese_fraction(f"{denominator}分之{numerator}")
    if share is None:
        return None
    percent = share * 100
    return percent if abs(percent - round(percent, 6)) < 1e-9 else round(percent, 2)


def extract_facts(original: str, offset: int = 0) -> list[Fact]:
    """The numeric facts in one passage; ``offset`` is the passage's start in the report."""
    normalized = normalize_with_offsets(original)
    text = normalized.text
    facts: list[Fact] = []
    boundary = 0  # indicators never reach back past a previous figure
    previous: Fact | None = None  # the figure before, when nothing delimits the two
    previous_noun = ""  # the noun after its unit: "12个盟市46个…" -> 盟市
    matches = list(_figure_pattern().finditer(text))
    spans: list[tuple[int, int, str, str, str]] = []  # each fact's figure in ``text``, and its unit
    for index, match in enumerate(matches):
        if match.group("percent"):
            written = match.group("percent")
            low = 100.0 if written == "百" else _number(written)
            unit, scale = "%", 1.0
        elif match.group("fraction"):
            low = _share(match.group("fraction"))
            unit, scale = "%", 1.0
        elif match.group("tenths"):
            low = _number(match.group("tenths"))
            unit, scale = "%", 10.0
        elif match.group("sum"):
            # "五万以上的资金支出…,五万以内的…": a sum only where the sentence speaks of money
            low = _number(match.group("sum")) if _speaks_of_money(text, match) else None
            unit, scale = "元", {"万": 1e4, "亿": 1e8}[match.group("sum_scale")]
        else:
            low = _number(match.group("low") or match.group("listed"))
            if low is not None:
                unit, unit_scale = _units()[_unit_of(match)]
                written_scale = match.group("scale") or match.group("list_scale") or ""
                scale = unit_scale * {"万": 1e4, "亿": 1e8}.get(written_scale, 1.0)
        if low is None or _not_a_count(text, match):
            continue
        before_start = _clause_start(text, match.start(), boundary)
        before = text[before_start : match.start()]
        listed_after = text[match.start() - 1 : match.start()] == "、"
        if (_unit_of(match) == "期" or listed_after) and _ORDINAL_LIST.search(
            text, max(0, match.start() - 16), match.start()
        ):
            continue  # "第60、62期", "第1、2、3项": ordinals, not a count
        qualifier = _qualifier(match, before)
        pair = _NUMERAL_PAIR.fullmatch(match.group("low") or "")
        if pair and _DIGITS.index(pair[2]) == _DIGITS.index(pair[1]) + 1:
            low, qualifier = float(_DIGITS.index(pair[1]) + 1), "range"  # "三四个": 3 to 4
        year_match = _YEAR_BEFORE.search(before)
        year = int(year_match.group(1)) if year_match else None
        change = _CHANGE.search(before)
        value = low * scale
        kind = "change" if change and not match.group("percent") else "level"
        if previous is not None and before_start == boundary and _FROM_TO.match(before):
            # "由2020年的85%提高到2021年的98%": the same indicator, another year.
            indicator, canonical = previous.indicator, previous.canonical
            quote_start = match.start() - len(before)
            kind = "level"
        else:
            # "12个盟市46个委办厅局": the noun right after a figure is its own, not the next's.
            noun_before = ""
            if previous is not None and before_start == boundary:
                if text.startswith(previous_noun, before_start):
                    before_start += len(previous_noun)
                    noun_before = previous_noun
            indicator, ind_start, clause_start, clause = _indicator(text, before_start, match)
            canonical = canonical_indicator(clause) if clause else ""
            if not canonical and unit != "%":
                canonical = _canonical_after(text, match)
            # "废止4件" after "2件政府规章并", "、废止25件市政府规章": a bare verb's object
            # names what it did ("废止政府规章" is 政府规章清理, no 政府规章)
            verb = _bare_verb(text[before_start : match.start()])
            thing = verb and (_noun_after(text, match) or noun_before or _shared_noun(text, match))
            if verb and thing:
                done = canonical_indicator(verb + thing)
                if done and done != canonical_indicator(thing):
                    canonical = done
            if not canonical and facts and facts[-1].unit == unit:
                # "行政许可事项516项,其中省级实际执行事项265项": a part of the figure before;
                # "新增市场主体30.98万户,总量突破200万户": its total
                whole = _PART_OF.match(before) or _TOTAL.match(before)
                canonical = facts[-1].canonical if whole else ""
            if not canonical:
                canonical, named = _named_around(text, match, facts, spans, unit, before_start)
                if named and not _han(indicator):
                    indicator = named
            canonical = _part_named(text, match, facts, spans, unit, indicator) or canonical
            if unit not in _ITEM_UNITS and _LIST.search(
                before + "|" + _up_to_function_word(_after_unit(text, match))
            ):
                canonical = ""  # "事项清单4期", "12个乡镇履行职责事项清单": lists, not items
            if unit == "%" and (ind_start >= match.end() or _SHARE_OF.match(before)):
                # "九成的矛盾纠纷", "占计划任务总数的69.45%": a share of them, not a count
                # "占进厅事项98.96%": a share of items is 事项占比
                share = _SHARE_OF.match(before)
                whole = _QUOTES.sub("", before[share.end() :]) if share else ""
                share_of_items = "事项占比" if re.search("事项的?$", whole) else ""
                canonical = canonical if is_rate(canonical) else share_of_items
            listed = _listed_names(text, matches, index)
            if listed:
                indicator, canonical = listed
            elif unit == "%" and kind == "level":
                canonical = _rate_of_count(canonical, indicator, text[before_start : match.start()])
            quote_start = min(clause_start, ind_start, match.start())
            while quote_start < match.start() and text[quote_start].isspace():
                quote_start += 1  # "。 全面梳理…": the space after a full stop is no part
            if kind == "change" and change.group(1) in _DOWN:
                value = -value
            same_sentence = not re.search("[。;!?\n]", text[boundary : match.start()])
            if (
                kind == "change"
                and facts
                and same_sentence
                and _han(_CHANGE_ONLY.sub("", before)) < 2
            ):
                # "…化解率达到65%,较上年提高10个百分点": the change of the figure before.
                indicator, canonical = facts[-1].indicator, facts[-1].canonical
            canonical = _fits_unit(_counted_in(canonical, unit), unit)
            if _unit_of(match) in _KIND_UNITS:
                canonical = ""  # "七大类行政权力事项": kinds of a thing, not the things
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
        spans.append((match.start(), match.end(), unit, _noun_after(text, match), canonical))
        delimited = any(c in _DELIMITERS for c in text[match.end() : match.end() + 1])
        previous = None if delimited else fact
        # "将14类工程建设项目审批时限压缩至60个工作日": kinds leave their noun to what follows
        kinds = _unit_of(match) in _KIND_UNITS
        previous_noun = "" if delimited or kinds else _noun_after(text, match)
        boundary = match.end()
    return facts


def _sentence_floor(
    text: str, position: int, spans: list[tuple[int, int, str, str, str]], unit: str
) -> int:
    """Where the words before ``position`` that may still name its figure start: the
    sentence's start (a full stop, semicolon, question or exclamation mark, a line break),
    or the end of a figure in another unit after it ("召开常务会议5次,审议20件": the 件
    are no 常务会议)."""
    floor = max(text.rfind(c, 0, position) for c in "。;!?\n") + 1
    for start, end, other, noun, canonical in spans:
        # "24个执法部门共计854项": 部门 are the 个; "国家级13项、省级首批47项": no name to share
        if floor <= start and end <= position and (other != unit or not canonical):
            floor = min(end + len(noun), position)
    return floor


def _named_around(
    text: str, match: re.Match, facts: list[Fact], spans: list[tuple[int, int, str, str, str]],
    unit: str, clause_start: int,
) -> tuple[str, str]:  # fmt: skip
    """(canonical, the words that name it) for a figure whose clause and following words
    name nothing, from the sentence around it:

    * a figure listed after another of its unit with nothing between but 、 shares its
      name ("分别为73.56、76.71、80.13分");
    * a figure whose clause is only a verb or adverbs ("承接10项", "共清理49件", "分别为")
      and whose unit no noun follows counts what the sentence named before: the object
      of a list of verb and count pairs ("取消行政许可事项8项、承接10项、调整149项"), or of
      a clause before ("对规范性文件进行清理,共清理49件");
    * a generic head (事项, 问题, 案件) is the nearest thing of its kind the sentence named
      before ("督察反馈问题的整改工作,共涉及…21个问题", "更新《权力清单》,梳理事项6392项"),
      or a name the sentence's words make with it ("在政务服务平台认领、发布事项153个");
    * what shares a figure with 均 or 都 ("网上可办率和…覆盖率均达100%") is the one of the
      coordinated phrases that has a name;
    * an event counted after a list of what it dealt with ("在常务会议专题研究A、B、C等
      工作13次") is the meeting or act named before the list;
    * the objects of the act counted just before ("开展执法案卷评查2次,审查案件248起")
      are counted under its name."""
    start = match.start()
    floor = _sentence_floor(text, start, spans, unit)
    if spans and spans[-1][1] == start - 1 and text[start - 1] == "、" and spans[-1][2] == unit:
        return facts[-1].canonical, facts[-1].indicator  # "73.56、76.71分"
    sentence_start = max(text.rfind(c, 0, start) for c in "。;!?\n") + 1
    if (
        unit in _PEOPLE_UNITS
        and spans
        and spans[-1][2] in _EVENT_UNITS
        and spans[-1][1] >= sentence_start
        and facts[-1].canonical
        and _ATTENDED.fullmatch(text, spans[-1][1], start)
    ):
        # "宣讲活动1400余场次,覆盖27万人次", "考法3场、278人次": who the events reached
        return _AUDIENCE.get(facts[-1].canonical, facts[-1].canonical), ""
    if spans and spans[-1][1] >= sentence_start and text[spans[-1][1] : start].startswith("、"):
        # "示范地区42个、项目15个": the item takes the modifier of the one listed before it
        item = _QUOTES.sub("", text[spans[-1][1] + 1 : start]).strip()
        found = _listed_modifier(facts[-1].indicator, item) if 0 < _han(item) <= 4 else ""
        if found:
            return found, item
    clause = text[clause_start:start]
    noun = _noun_after(text, match)
    name = _indicator(text, clause_start, match)[0] if clause else ""
    head = next((h for h in _GENERIC_HEADS if _QUOTES.sub("", noun or name).endswith(h)), "")
    generic = bool(head) and _QUOTES.sub("", noun or name)[: -len(head)].strip('“”"') == ""
    # 均/都: the one of the coordinated phrases that has a name
    shared = re.search(r"(?:均|都)(?:达到|达|为|是|实现)?\s*$", clause)
    if shared:
        parts = re.split("[和及与、]", clause[: shared.start()])
        names = {canonical_indicator(p) for p in parts} - {""}
        if len(parts) > 1 and len(names) == 1:
            return names.pop(), ""
    prior = text[floor:clause_start]
    if generic:
        found = _kind_before(prior, head)
        if found[0]:
            return found
    if head == "问题" and re.search("督察|督查", text[sentence_start:start]):
        return "督察反馈问题", ""  # "开展实地督察,发现并整改问题326个"
    only_scene = bool(clause.strip()) and _leading_words(clause.strip())[0] == len(clause.strip())
    if only_scene and (not _han(_after_unit(text, match)) or generic):
        verbs = [w for w, _ in _words(clause) if _word_classes().get(w) in ("verb", "action")]
        found = _named_before(prior, unit, verbs[-1] if verbs else "")
        if found[0]:
            return found
    if unit in _EVENT_UNITS and not noun and _topics_listed(clause.rstrip()):
        sentence_clause = text[max(floor, _last_delimiter(text, clause_start)) : start]
        found = _event_named(sentence_clause)
        if found:
            return found, ""
    if generic and spans and spans[-1][1] >= sentence_start and spans[-1][2] in _EVENT_UNITS:
        verb = next(
            (w for w, _ in _words(clause) if _word_classes().get(w) in ("verb", "action")), ""
        )
        if verb and set(verb) & set(facts[-1].indicator):
            return facts[-1].canonical, ""
    return "", ""


def _listed_modifier(before: str, item: str) -> str:
    """The canonical ``item`` names with the modifier of the name listed before it, the
    longest first ("省级示范地区" and 项目 -> 示范项目; "示范村" and 社区 -> 示范社区)."""
    before = _BRACKETED_TAIL.sub("", _QUOTES.sub("", before))
    for cut in range(len(before) - 1, 0, -1):
        found = canonical_indicator(before[:cut] + item)
        if found and not is_rate(found):
            return found
    return ""


def _last_delimiter(text: str, position: int) -> int:
    """Just after the last delimiter but 、 before ``position`` (the start of a clause that
    may hold a list)."""
    return max(text.rfind(c, 0, position) for c in ",。;:!?\n") + 1


def _topics_listed(clause: str) -> bool:
    """Whether a clause ends in a list of what was dealt with, closed by 等 and a noun
    ("研究重大行政决策事项、…、行政执法等工作")."""
    tail = re.search("等(?P<noun>[\u4e00-\u9fff]{1,4})$", clause)
    return bool(tail) and _leading_words(tail["noun"])[0] == 0


def _event_named(clause: str) -> str:
    """The meeting or act an event count is of, in a clause that lists the topics it dealt
    with: the words up to the last verb before the list, when they name it ("在县政府常务
    会议专题研究重大行政决策事项、…、行政执法等工作" -> 常务会议审议 of 专题研究)."""
    items = clause.split("、")
    for i in range(len(items) - 1, -1, -1):
        verbs = [
            (word, at + len(word)) for word, at in _words(items[i]) if at > 0 and _is_act(word)
        ]
        if verbs:
            act, verb = "、".join(items[:i] + [items[i][: verbs[-1][1]]]), verbs[-1][0]
            # the meeting it was done at is named too ("组织领导专题学习…" names no event)
            return canonical_indicator(act) if canonical_indicator(act[: -len(verb)]) else ""
    return ""


def _is_act(word: str) -> bool:
    """Whether a jieba word is a verb, or ends in one ("专题研究")."""
    return any(_word_classes().get(w) in ("verb", "action") for w in (word, word[-2:]))


def _named_before(prior: str, unit: str, verb: str) -> tuple[str, str]:
    """(canonical, the phrase) of the name that ends nearest the end of ``prior``, the words
    of the sentence before a figure whose own clause is only ``verb`` and adverbs: a
    count's for a count, either for a percentage or a score. The thing named is read with
    the figure's own verb ("取消证明事项12项、保留3项": 保留证明事项 is no 证明事项取消)."""
    for end in range(len(prior), 1, -1):
        if not "\u4e00" <= prior[end - 1] <= "\u9fff":
            continue
        canonical = canonical_indicator(prior[:end])
        if canonical and (unit in _SHARE_UNITS or not is_rate(canonical)):
            phrase = _phrase(prior[:end])
            named = canonical_indicator(verb + phrase) or canonical_indicator(phrase)
            return named or canonical, phrase
    return "", ""


def _kind_before(prior: str, head: str) -> tuple[str, str]:
    """(canonical, the phrase) of the nearest name in ``prior`` that names a kind of
    ``head`` (督察反馈问题 of 问题, 行政权力事项 of 事项: its canonical or a variant ends in
    it), else of a variant of five characters or more made of words of ``prior`` and the
    head (政务服务 … 事项)."""
    for end in range(len(prior), 1, -1):
        canonical = canonical_indicator(prior[:end]) if prior[end - 1] not in "、,。" else ""
        if canonical and head in _heads_of(canonical):
            return canonical, _phrase(prior[:end])
    best, best_at = "", -1
    for variant, canonical in indicator_variants():
        if len(variant) >= 5 and variant.endswith(head) and not is_rate(variant):
            at = prior.rfind(variant[: -len(head)])
            if at > best_at:
                best, best_at = canonical, at
    return (best, "") if best else ("", "")


@lru_cache(maxsize=256)
def _heads_of(canonical: str) -> frozenset[str]:
    """The generic heads a canonical's name or variants end in (行政许可 -> 事项)."""
    names = [canonical] + [v for v, c in indicator_variants() if c == canonical]
    return frozenset(h for h in _GENERIC_HEADS for n in names if n.endswith(h))


def _phrase(words: str) -> str:
    """The name at the end of ``words``: after its last delimiter, without leading scene
    words ("市本级取消行政许可事项" -> 行政许可事项)."""
    words = words[_last_delimiter(words, len(words)) :]
    words = words[words.rfind("、") + 1 :]
    return words[_leading_words(words)[0] :] or words


def _listed_names(text: str, matches: list[re.Match], index: int) -> tuple[str, str] | None:
    """(indicator, canonical) of a figure in a list of figures joined by 、 after a list of
    as many names and 分别 or 依次 ("办理时限、申请材料、办理环节分别压减62%、30.5%、
    27.5%"): the names in order, each with the verb after 分别 when that makes a name."""
    first = last = index
    while first > 0 and text[matches[first - 1].end() : matches[first].start()] == "、":
        first -= 1
    while last + 1 < len(matches) and text[matches[last].end() : matches[last + 1].start()] == "、":
        last += 1
    if first == last:
        return None
    start = matches[first].start()
    clause = text[_last_delimiter(text, start) : start]
    respectively = re.search(r"(?:分别|依次)(?P<verb>[^、]*)$", clause)
    if not respectively:
        return None
    names = clause[: respectively.start()]
    verb = _FILLER_TAIL.sub("", respectively["verb"])
    for separators in ("、", "[、和及与]"):
        items = re.split(separators, names)
        if len(items) == last - first + 1:
            item = items[index - first].strip()
            canonical = (
                canonical_indicator(item + verb)
                or canonical_indicator(item)
                or canonical_indicator(verb + item)
            )
            return item, canonical
    return None


def _rate_of_count(canonical: str, indicator: str, clause: str) -> str:
    """A percentage's canonical: a rate's; a count's only when the clause cuts or changes
    the count ("申请材料压减67.3%"); else the rate the count names ("即办件达到38.5%" ->
    事项即办率 of 即办率), or none."""
    if not canonical or is_rate(canonical) or _CUT.search(clause) or _CUT.search(canonical):
        return canonical
    name = _QUOTES.sub("", indicator)
    for rate in (name + "率", name[:-1] + "率"):
        found = canonical_indicator(rate) if len(rate) > 2 else ""
        if found and is_rate(found):
            return found
    return ""


def _counted_in(canonical: str, unit: str) -> str:
    """The canonical a count takes in its unit: things a meeting studied, counted as items,
    are its agenda ("研究法治建设工作16项" is 法治议题, 16次 常务会议审议); service items
    counted in 件 are cases handled ("办理公共服务事项1300余件" is 政务服务办件, 1300项
    政务服务事项)."""
    if canonical == "常务会议审议" and unit in ("项", "个", "件", "条"):
        return "法治议题"
    if canonical == "政务服务事项" and unit == "件":
        return "政务服务办件"
    return canonical


def _part_named(
    text: str, match: re.Match, facts: list[Fact], spans: list[tuple[int, int, str, str, str]],
    unit: str, indicator: str,
) -> str:  # fmt: skip
    """The canonical of a figure in the breakdown of a total by kind ("权责事项83项,其中:
    行政许可13项,行政处罚44项,行政检查12项,其他12项"): the kind with the total's generic
    head when that is a name (行政检查事项), else the kind's own name when it has that head or
    none (行政许可, 撤销), else the total's (行政处罚 of 权责事项 is a 行政权力事项, no
    行政处罚案件); or "" when the figure is in no breakdown."""
    start = match.start()
    sentence_start = max(text.rfind(c, 0, start) for c in "。;!?\n") + 1
    at = text.rfind("其中", sentence_start, start)
    before = [i for i, span in enumerate(spans) if sentence_start <= span[1] <= at]
    if at < 0 or not before or len(facts) != len(spans):
        return ""
    total, whole = spans[before[-1]], facts[before[-1]]
    between = [span for span in spans if at < span[0]]
    if total[2] != unit or any(span[2] != unit for span in between) or not whole.canonical:
        return ""
    head = next((h for h in _heads_of(whole.canonical) if whole.indicator.endswith(h)), "")
    item = _QUOTES.sub("", indicator)
    if not head or not 0 < _han(item) <= 8 or item.endswith(head):
        return ""
    named = canonical_indicator(item + head)
    own = canonical_indicator(item)
    if not named and own and (head in _heads_of(own) or not _heads_of(own)):
        named = own
    return named or whole.canonical


def _fits_unit(canonical: str, unit: str) -> str:
    """``canonical``, or "" when it is a rate and the figure's unit is not a percentage or
    points ("调解成功28.59万件" is no 调解成功率). A count may take a percentage: its change
    (增长12%), or a cut in it (申请材料压减67.3%)."""
    if canonical and is_rate(canonical) and unit not in _SHARE_UNITS:
        return ""
    return canonical


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
    after = match.group("after") or match.group("share_after") or match.group("bound")
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


def _indicator(text: str, start: int, match: re.Match) -> tuple[str, int, int, str]:
    """(name, its start, the clause's start, the clause): the clause before the figure
    without connecting words is what the canonical name is looked up on; the name is the
    clause without its leading scene-setting words. A fragment clause (only such words, a
    verb, a function word) gives way to the noun after the unit, or to no name at all."""
    end = match.start()
    raw, after_list_comma = text[start:end].rstrip(), start > 0 and text[start - 1] == "、"
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
    end = start + _without_trailing_adverbs(text[start:end])
    clause = text[start:end]
    scene, last_scene = _leading_words(clause)
    name_start = start + (scene if _han(clause[scene:]) >= 2 else last_scene)
    if name_start > start and text[name_start - 1] in '“"《(':
        name_start -= 1  # 培育“枫桥式”司法所 -> “枫桥式”司法所
    name = text[name_start:end]
    noun = _noun_after(text, match)
    # "交通等24个执法部门", "…、农业5个领域": the clause names members, the noun the set
    enumerated = bool(noun) and (after_list_comma or raw.endswith("等"))
    fragment = (
        scene == len(clause)  # "将全县", "对其中", "明确", "累计开展"
        or _han(name) < 2
        or enumerated
        or clause.endswith(_COUNTED_AFTER)
        or _ends_in(name, ("function", "scope"))  # "委办局对"
        or (bool(noun) and _ends_in(name, ("verb",)))  # "政府共召开9次常务会议"
    )
    if not fragment:
        return name, name_start, start, clause
    if enumerated:
        clause = ""  # the clause names members of what is counted, not what is counted
    # Nothing before says what is counted: the noun after the unit does ("完成29家企业的").
    if noun and _word_classes().get(noun) in (None, "noun", "measure"):
        after_start = match.end() + (text[match.end() : match.end() + 1] == "的")
        return noun, after_start, start, clause
    return "", match.start(), start, clause


def _words(text: str) -> list[tuple[str, int]]:
    """The jieba words of ``text`` (a search form) with their offsets; punctuation goes."""
    return list(_cut(text))


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[tuple[str, int], ...]:
    found, position = [], 0
    for word in word_tokens(text):
        at = text.find(word, position)
        if at < 0:
            continue
        found.append((word, at))
        position = at + len(word)
    return tuple(found)


def _run_class(words: list[tuple[str, int]], i: int) -> tuple[str | None, int]:
    """The class of the longest run of words from ``i`` (up to four) that is one word of
    ``data/indicator_fragments.txt`` ("我区" cut as 我/区, "全面依法治市" as 全面/依法/治/市),
    and how many words it takes."""
    classes = _word_classes()
    for count in (4, 3, 2, 1):
        if i + count <= len(words):
            joined = "".join(word for word, _ in words[i : i + count])
            if joined in classes:
                return classes[joined], count
    return None, 1


_SCENE = ("function", "adverb", "scope", "verb", "action")


def _leading_words(clause: str) -> tuple[int, int]:
    """How many characters of ``clause`` its leading scene-setting words take (function,
    adverb, scope, verb and action words: "将全县" -> all 3; "全市行政机关负责人出庭应诉率"
    -> 2), and where the last of them starts ("审结率" -> 0: 率 alone names nothing)."""
    words = _words(clause)
    i, last = 0, 0
    while i < len(words):
        kind, count = _run_class(words, i)
        if kind not in _SCENE:
            return words[i][1], last
        last = words[i][1]
        i += count
    return len(clause), last


def _without_trailing_adverbs(clause: str) -> int:
    """The length of ``clause`` without its trailing adverbs ("审批时限全部" -> 4), but one
    word at least."""
    words = _words(clause)
    cut = len(clause)
    while len(words) > 1 and _word_classes().get(words[-1][0]) == "adverb":
        cut = words.pop()[1]
    return cut


def _ends_in(name: str, kinds: tuple[str, ...]) -> bool:
    """Whether ``name`` ends in a word of one of ``kinds`` after a word of another
    ("委办局对": the clause stops where what it counts begins)."""
    words = _words(name)
    for count in (3, 2, 1):
        if len(words) > count:
            joined = "".join(word for word, _ in words[-count:])
            if _word_classes().get(joined) in kinds:
                return True
    return False


def _after_unit(text: str, match: re.Match, inserts: bool = False) -> str:
    """The words after a figure's unit up to the next delimiter or figure, at most 16
    characters, quotation marks kept ("29家企业的信用修复申请" -> 企业的信用修复申请); with
    ``inserts``, a short bracketed insert is left out ("5次州党委常委(扩大)会议" ->
    州党委常委会议), else the words end at it."""
    after_start = match.end() + (text[match.end() : match.end() + 1] == "的")
    year = _YEAR_AFTER.match(text, after_start)  # "3期2025年度…培训班": the year is no name
    after_start = year.end() if year else after_start
    after_end, skipped = after_start, []
    while (
        after_end < len(text)
        and (text[after_end] not in _DELIMITERS or text[after_end] in '“”"' + "(" * inserts)
        and not text[after_end].isdigit()  # the next figure starts its own fact
        and after_end - after_start < 16
    ):
        if text[after_end] == "(":
            insert = _INSERT.match(text, after_end)
            if not insert or after_end == after_start:
                break
            skipped.append((after_end - after_start, insert.end() - after_start))
            after_end = insert.end()
            continue
        after_end += 1
    after = text[after_start:after_end]
    for start, end in reversed(skipped):
        after = after[:start] + after[end:]
    return after


def _noun_after(text: str, match: re.Match) -> str:
    """The noun right after a figure's unit ("29家企业的" -> 企业, "4个“枫桥式司法所”" ->
    枫桥式司法所, "20个自治区直属部门开展督察" -> 自治区直属部门, "600个单个事项“一件事”" ->
    单个事项), or "": its words up to the first function word, or the first verb or
    quotation once it has two characters. A short bracketed insert is left out when the
    name it interrupts is an indicator only so ("州党委常委(扩大)会议" -> 州党委常委会议)."""
    noun = _noun_in(_after_unit(text, match))
    if not canonical_indicator(noun):
        whole = _noun_in(_after_unit(text, match, inserts=True))
        if len(whole) > len(noun) and canonical_indicator(whole):
            return whole
    return noun


def _noun_in(after: str) -> str:
    """The noun at the start of ``after``, the words after a unit: see ``_noun_after``."""
    words = _words(after)
    noun = ""
    for i, (word, at) in enumerate(words):
        kind, _count = _run_class(words, i)
        if kind in ("function", "adverb"):
            break
        if kind is None and _word_classes().get(word[:2]) == "verb" and len(word) > 2:
            kind = "verb"  # "参加考试" is one jieba word
        if _han(noun) >= 2 and (kind == "verb" or (at > 0 and after[at - 1] in '“"')):
            break
        if kind == "verb" and not noun:
            return ""  # "15个有处罚案件的部门": a relative clause, not the thing counted
        if kind == "measure" and not noun:
            return word  # "9个方面具体任务": the 方面 are counted, not the 任务
        if (
            _han(noun) >= 4
            and kind not in ("noun", "measure")
            and canonical_indicator(noun)
            and not canonical_indicator(noun + word)
            and not _starts_variant(after[at:])
        ):
            break  # "47家行政执法部门开门普法": a name is complete, what follows is not of it
        noun += word
        if len(noun) >= 12:
            break
    return noun if _han(noun) >= 2 else ""


def _up_to_function_word(words: str) -> str:
    """``words`` up to the first function word but 的, or the first verb after two
    characters, quotation marks dropped ("领域均在区县设立综合执法大队" -> 领域, "单位开展
    现场述法" -> 单位: the units are counted, not the 述法)."""
    found = _words(words)
    if found and _run_class(found, 0)[0] == "verb":
        return ""  # "15个有处罚案件的部门": a relative clause, not the thing counted
    if found and _run_class(found, 0)[0] == "measure":
        return found[0][0]  # "9个方面具体任务"
    for i, (word, at) in enumerate(found):
        kind = _run_class(found, i)[0]
        if kind is None and _word_classes().get(word[:2]) == "verb" and len(word) > 2:
            kind = "verb"  # "履行职责" is one jieba word
        if (word != "的" and kind in ("function", "adverb")) or (
            kind == "verb" and _han(words[:at]) >= 2 and not _starts_variant(words[at:])
        ):
            words = words[:at]
            break
    return _QUOTES.sub("", words)


def _suffixes(phrase: str) -> list[str]:
    """The ends of ``phrase`` of three characters or more ("市政府规章", "政府规章" ...)."""
    return [phrase[i:] for i in range(len(phrase) - 2)]


def _starts_variant(words: str) -> bool:
    """Whether a variant starts ``words`` ("新增授信…": a verb that is part of a name)."""
    by_variant, longest = _variant_map()
    return any(words[:length] in by_variant for length in range(2, longest + 1))


def _han(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
