"""Places: a report's lines -> the division it is by or about, and the evidence used.

Input: the report's evidence as ``Scope`` texts, strongest first (the title and issuer, a
report name quoted in the head, the rest of the title block, the subject of the body's
opening sentence, the page's properties and site name), the whole text, the tier the text
speaks as (``opening_subject``: 全省, 市委、市政府, 区司法局 …) and the report's year; a
``Gazetteer``. Output: today's ``Division`` (or None) and a sentence saying where it was
found.

Rules, each so that a place the body merely mentions never outweighs what the report says
of itself:

* a scope's place is its first division, refined only by a division named right after it
  and inside it ("四川省自贡市", "南充市嘉陵区"): "上海市…徐汇区" is 上海, not 徐汇;
* a functional zone (两江新区, 成都高新区) in a scope is more precise than its city;
* short names of provinces and cities (安徽, 重庆, 西宁) count in the scopes and, as context
  for names several divisions share, in the whole text; a short name that is an everyday
  word (``data/place_words.txt``: 长治久安) never does;
* from the opening on, a place finer than the tier the text speaks as is cut back to that
  tier (a city report naming a district is the city's);
* with no scope naming a place, the places the whole text names vote for a division of the
  text's tier (a district's mention counts for its city in a city report), else the most
  named place wins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .data_files import data_lines
from .gazetteer import Division, Gazetteer, LongestNames, short_name

TIERS = ("province", "city", "district")  # a Division's level, coarse to fine

# The tier a division's suffix speaks as: 省政府 and 全省 a province, 县委 a county.
_TIER_OF_MARKER = {"自治区": "province", "省": "province", "自治州": "city", "市": "city",
                   "州": "city", "盟": "city", "地区": "city", "县": "district",
                   "区": "district", "旗": "district"}  # fmt: skip
_MARKER = "自治区|自治州|地区|省|市|州|盟|县|区|旗"
# "全省各级行政机关", "我市", "本区": the text speaking as a government of a tier.
_SPEAKER = re.compile(rf"(?:全|我|本)({_MARKER})(?!委)")
# "在市委、市政府的坚强领导下": the party committee of the text's own tier (the leftmost,
# longest marker: "自治区党委" is a region's).
_COMMITTEE = re.compile(rf"({_MARKER})(?:党)?委(?!员)")
# A government or department opening the clause: "省政府", "区司法局", "泾源县公安局".
# (Its place may not hold a body's end or 在: "市市场监管局在市委市政府…" opens with the
# bureau, not with the 市政府 it answers to.)
_PLACE_PART = r"(?:(?!局|厅|委|办|处|在)[\u4e00-\u9fff])"
_BODY = re.compile(
    rf"^{_PLACE_PART}{{0,10}}?({_MARKER})(?:人民)?政府(?:办公室|办公厅|办)?"
    rf"|^{_PLACE_PART}{{0,14}}?({_MARKER}){_PLACE_PART}{{1,12}}?(局|厅|委员会|办公室|处)"
)
# A national body opening the clause: "司法部坚持…", "国家税务总局认真…".
_NATIONAL_BODY = re.compile(
    r"^(?:国务院|国家)?[\u4e00-\u9fff]{1,10}?(?:部|总局|总署)(?=坚持|认真|深入|全面|始终|持续|紧紧|以)"
)
# Clauses that name whom a report answers to, what it is, or how it worked: not who.
_NOT_SUBJECT = re.compile(
    r"^(?:在|按照|根据|围绕|紧扣|聚焦|对照|依据|遵照|按|坚持|以|为|通过|是|全面|深入|认真)"
)
_YEAR_CLAUSE = re.compile(
    r"^(?:(?:19|20)\d\d年度?(?:以来|来)?|今年以来|今年来|年初以来|一年来|过去一年)$"
    r"|^(?:(?:19|20)\d\d年度?)?(?:也)?是|之年$|以来$"  # "2021年是…开局之年", "本届政府以来"
)


@dataclass(frozen=True)
class Scope:
    """A piece of evidence: text, and how a person would name where it came from."""

    text: str
    source: str
    own: bool = True  # the report naming itself (title, issuer): never cut back to a tier


@dataclass(frozen=True)
class Subject:
    """The subject of a report's opening: the clause that says who did the year's work
    ("2021年,泾源县公安局在县委…的领导下,坚持…" -> "泾源县公安局在县委"), the government or
    department opening it (as written), the tier it speaks as ("区司法局", "全省": sure),
    and the tier its sentence's party committee or "全市" suggests (``hint``: weaker)."""

    clause: str = ""
    body: str = ""  # "区司法局", "省政府", "司法部", "" when the clause opens with none
    tier: str = ""  # "province", "city", "district" or ""
    hint: str = ""
    marker: str = ""  # what the tier was read from: "省", "区" (an autonomous region's too)

    @property
    def any_tier(self) -> str:
        return self.tier or self.hint


def opening_subject(sentences: list[str]) -> Subject:
    """The subject of the body's opening (its first prose lines, search form): the first
    clause, sentence by sentence, that is not a year, a leadership, a purpose or a "是…"
    clause."""
    hint = ""
    for sentence in re.split(r"[。!?]", "".join(sentences))[:3]:
        committee = _COMMITTEE.search(sentence) or _SPEAKER.search(sentence)
        hint = hint or (_TIER_OF_MARKER[committee.group(1)] if committee else "")
        for part in re.split(r"[,;:]", sentence):
            part = part.strip()
            if not part or _YEAR_CLAUSE.match(part) or _NOT_SUBJECT.match(part):
                continue
            found = _BODY.match(part)
            if found:
                marker = found.group(1) or found.group(2)
                return Subject(part, found.group(0), _TIER_OF_MARKER[marker], hint, marker)
            national = _NATIONAL_BODY.match(part)
            if national:
                return Subject(part, national.group(0), "", hint)
            speaker = _SPEAKER.search(part)
            marker = speaker.group(1) if speaker else ""
            own = _COMMITTEE.search(sentence)
            return Subject(part, "", _TIER_OF_MARKER.get(marker, ""),
                           (_TIER_OF_MARKER[own.group(1)] if own else hint), marker)  # fmt: skip
    return Subject(hint=hint)


@lru_cache(maxsize=4)
def _short_names(gazetteer: Gazetteer) -> tuple[LongestNames, dict[str, list[Division]]]:
    """The short names of provinces and prefecture-level cities ("安徽", "西宁"), and the
    divisions each stands for; everyday words and names of one character left out."""
    ignore = set(data_lines("place_words.txt"))
    by_short: dict[str, list[Division]] = {}
    for division in gazetteer.by_code.values():
        if division.level in ("province", "city"):
            short = short_name(division.name)
            if len(short) >= 2 and short != division.name and short not in ignore:
                by_short.setdefault(short, []).append(division)
    return LongestNames(by_short), by_short


def _mentions(text: str, gazetteer: Gazetteer) -> list[tuple[int, str, list[Division]]]:
    """(position, name, divisions it may be) of every full or short division name, left to
    right; a full name wins where both start."""
    found = {start: (name, None) for start, name in gazetteer.mentions(text)}
    names, by_short = _short_names(gazetteer)
    taken = [range(start, start + len(name)) for start, (name, _) in found.items()]
    for start, name in names.finditer(text):
        if start not in found and not any(start in span for span in taken):
            found[start] = (name, by_short[name])
    return [(start, name, divisions) for start, (name, divisions) in sorted(found.items())]


def context_names(mentions) -> set[str]:
    """The full names of every division ``mentions`` (``_mentions`` of a text) name by their
    full or short names: what tells apart the divisions that share a name (城中区 of 西宁 or
    of 柳州)."""
    names = set()
    for _, name, divisions in mentions:
        names.update(d.name for d in divisions) if divisions else names.add(name)
    return names


def _resolve(name: str, divisions, context: set[str], gazetteer: Gazetteer, year):
    if divisions is None:
        return gazetteer.resolve(name, context, year=year)
    if len(divisions) == 1:
        return divisions[0]
    fitting = [d for d in divisions if gazetteer.parent_names(d) & context]
    return fitting[0] if len(fitting) == 1 else None


def subject_division(text: str, gazetteer: Gazetteer, context: set[str],
                     year: int | None = None) -> Division | None:  # fmt: skip
    """The first division ``text`` names, refined by a division named right after it that
    lies inside it ("四川省" + "自贡市" -> 自贡市); a division named further on does not
    refine it."""
    found: Division | None = None
    end = -1
    for start, name, divisions in _mentions(text, gazetteer):
        division = _resolve(name, divisions, context | ({found.name} if found else set()),
                            gazetteer, year)  # fmt: skip
        if division is None:
            continue
        if found is None:
            found = division
        elif found.contains(division) and text[end:start].strip() == "":
            found = division
        else:
            break
        end = start + len(name)
    return found


def find_place(scopes: list[Scope], text: str, gazetteer: Gazetteer, tier: str = "",
               year: int | None = None) -> tuple[Division | None, str]:  # fmt: skip
    """The report's division: the first scope naming one, else the places ``text`` names
    voting at the text's ``tier``; and where it was found (see the module docstring)."""
    mentions = _mentions(text, gazetteer)  # read once: the context and the vote both use them
    context = context_names(mentions)
    for scope in scopes:
        division = subject_division(scope.text, gazetteer, context, year)
        zone = gazetteer.zone(scope.text)
        # A functional zone (两江新区, 成都高新区) is more precise than the city it lies in.
        if zone and (division is None or (division.level != "district"
                                           and division.province == zone.province)):  # fmt: skip
            return zone, f"{scope.source}, a functional zone"
        if division:
            if scope.own:
                return division, f"{scope.source}, via the gazetteer"
            finer = _finer(division, tier)
            if finer:  # a county's report on its prefecture's site: the county it names
                inside, source = _vote(mentions, gazetteer, context, tier, year, division)
                if inside is not None and _tier(inside) == tier:
                    return inside, f"{source}, inside {scope.source}"
            return at_tier(division, tier, gazetteer), f"{scope.source}, via the gazetteer"
    return _vote(mentions, gazetteer, context, tier, year)


def _finer(division: Division, tier: str) -> bool:
    """True if ``tier`` is finer than ``division``'s."""
    return bool(tier) and TIERS.index(tier) > TIERS.index(_tier(division))


def at_tier(division: Division, tier: str, gazetteer: Gazetteer) -> Division:
    """``division`` cut back to ``tier`` (徐汇区 in a city report -> 上海市); unchanged when
    it is not finer than that."""
    if not tier or TIERS.index(_tier(division)) <= TIERS.index(tier):
        return division
    if tier == "city" and division.city:
        return gazetteer.locate(division.province, division.city) or division
    return gazetteer.locate(division.province) or division


def _tier(division: Division) -> str:
    # A municipality is a province and its own city: it speaks as either.
    return "city" if division.level == "province" and division.city else division.level


def _vote(mentions, gazetteer: Gazetteer, context: set[str], tier: str, year: int | None,
          within: Division | None = None) -> tuple[Division | None, str]:  # fmt: skip
    """The division the places ``mentions`` name vote for (at ``tier``; ``within`` one)."""
    votes: Counter = Counter()
    for _, name, divisions in mentions:
        division = _resolve(name, divisions, context, gazetteer, year)
        if division is not None and (within is None or within.contains(division)):
            votes[division.code] += 1
    if not votes:
        return None, ""
    if tier:
        at = Counter()
        for code, count in votes.items():
            division = gazetteer.by_code[code]
            if TIERS.index(_tier(division)) >= TIERS.index(tier):
                at[at_tier(division, tier, gazetteer).code] += count
        if at:
            code, count = min(at.items(), key=lambda item: (-item[1], item[0]))
            return gazetteer.by_code[code], (
                f"the {tier} the text names most ({count}×), via the gazetteer"
            )
    code, count = min(votes.items(), key=lambda item: (-item[1], item[0]))
    return gazetteer.by_code[code], (
        f"the most named place in the text ({count}×), via the gazetteer"
    )
