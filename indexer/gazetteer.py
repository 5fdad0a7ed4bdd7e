"""Gazetteer: China's administrative divisions, and finding them in text.

Input: ``data/adcodes.csv`` (today's divisions, with their seats) and
``data/division_changes.tsv`` (the divisions renamed, merged or made since 2013, with the
year of each change); see ``data/README.md`` for their sources. Output: ``Division`` records
with their parents, ``Gazetteer.mentions(text)`` (every division name in a search-form text,
with positions), and ``short_name`` (盘锦市 -> 盘锦) used by both the indexer and the query
filters, so that ``city:盘锦`` and ``city:盘锦市`` mean the same thing.

Every ``Division`` is one of today's: a former name (那曲地区, 那曲县, 江干区) is found in
text like any other and resolves to the division it is part of today (那曲市, 色尼区, 上城区),
so that reports about different years land on the same place in facets and on the map.
A name that meant different divisions in different years (邢台's 桥东区 until 2020, now
襄都区, beside 张家口's) is read as the one in use in the report's year, when it is given.

An adcode has 12 digits: 1-2 the province, 1-4 the prefecture-level city, 1-6 the county.
The four municipalities (北京, 天津, 上海, 重庆) are their own city: a district of 重庆 has
province 重庆市, city 重庆市.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from .data_files import data_lines, data_rows, data_text
from .normalizing import is_han

MUNICIPALITY_PREFIXES = {"11", "12", "31", "50"}
_PREPOSITIONS = set("在于到赴至从向")
# A functional zone: a place name, then the kind of zone.
_ZONE = re.compile(
    r"([\u4e00-\u9fff]{2,8}?)(国家级新区|新区|高新技术产业开发区|经济技术开发区|经济开发区|"
    r"高新区|经开区|开发区|工业园区|自由贸易试验区)"
)


@dataclass(frozen=True)
class Division:
    code: str  # 12-digit adcode
    name: str
    level: str  # "province", "city" or "district" (county-level: 区, 县, 县级市, 旗)
    province: str  # name of the province-level unit
    city: str | None  # name of the prefecture-level unit (the municipality for its districts)
    longitude: float | None = None  # the division's seat
    latitude: float | None = None

    def contains(self, other: Division) -> bool:
        """True if ``other`` lies inside this division (and is not this division)."""
        if other.code == self.code:
            return False
        if self.level == "province":
            return other.code[:2] == self.code[:2]
        if self.level == "city":
            return other.level == "district" and other.code[:4] == self.code[:4]
        return False


@dataclass(frozen=True)
class Change:
    """A row of ``data/division_changes.tsv``: a former division (``old_name``, ``old_code``,
    the prefecture-level ``old_parent`` it lay in, "" for none) and the division of today it
    is part of, with the year the change took effect. A row of kind "new" has no former
    division: it gives the year today's division ``new_code`` began."""

    old_name: str
    old_code: str
    old_parent: str
    new_code: str
    new_name: str
    year: int
    kind: str
    source: str


@dataclass(frozen=True)
class _Meaning:
    """What a name means: today's division, the parent names it is written beside (those of
    its time and of today) and the years it was in use (None: no bound)."""

    division: Division
    parents: frozenset[str]
    since: int | None = None
    until: int | None = None

    def in_use(self, year: int | None) -> bool:
        """In use in ``year``; with no year, in use today."""
        if year is None:
            return self.until is None
        return (self.since is None or self.since <= year) and (
            self.until is None or year <= self.until
        )


@lru_cache(maxsize=1)
def _suffix_regex() -> re.Pattern[str]:
    return re.compile(r"^(.{2,}?)(?:" + "|".join(data_lines("division_suffixes.txt")) + r")$")


def short_name(name: str) -> str:
    """A division name without its generic suffix (四川省 -> 四川); the name if none applies."""
    match = _suffix_regex().match(name)
    return match.group(1) if match else name


class Gazetteer:
    """All divisions, looked up by code and by name (today's and former ones), and found in
    text."""

    def __init__(self, rows: list[tuple], ignore: set[str], ethnic_groups: tuple[str, ...] = (),
                 zones: dict[str, tuple[str, str]] | None = None,
                 changes: list[Change] | tuple[Change, ...] = (),
                 words: set[str] | frozenset[str] = frozenset(),
                 aliases: list[tuple[str, str]] | None = None):  # fmt: skip
        """``rows``: (adcode, name) or (adcode, name, longitude, latitude), today's divisions.
        With ``ethnic_groups``, autonomous prefectures and counties are also found by the
        short names reports use (凉山彝族自治州 -> 凉山州). ``changes``: former divisions, found
        by their names as what they are part of today (``by_name`` holds them too), and the
        year each of today's divisions began. ``words``: names that are also part of
        everyday phrases, only mentions right after their province or city. ``aliases``:
        (abbreviation, today's full name) pairs no rule derives (巴州)."""
        names_by_code = {row[0]: row[1] for row in rows}
        seats = {row[0]: (_float(row[2]), _float(row[3])) for row in rows if len(row) >= 4}
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        for code, name, *_ in sorted(rows):
            if name in ignore or not code.isdigit() or len(code) != 12:
                continue
            province = names_by_code.get(code[:2] + "0" * 10)
            if province is None:
                continue
            if code[2:] == "0" * 10:
                level, city = "province", (name if code[:2] in MUNICIPALITY_PREFIXES else None)
            elif code[4:] == "0" * 8:
                if code[:2] in MUNICIPALITY_PREFIXES:
                    continue  # the "市辖区"/"县" placeholder rows under a municipality
                level, city = "city", name
            else:
                level = "district"
                if code[:2] in MUNICIPALITY_PREFIXES:
                    city = province
                else:
                    # County-level cities directly under a province have a placeholder
                    # parent row (or none); they are then their own city.
                    parent = names_by_code.get(code[:4] + "0" * 8)
                    city = parent if parent and parent not in ignore else name
            division = Division(code, name, level, province, city, *seats.get(code, (None, None)))
            self.by_code[code] = division
            self.by_name.setdefault(name, []).append(division)
        self.changes: list[Change] = list(changes)
        self._words = frozenset(words)
        since = {c.new_code: c.year for c in self.changes if c.kind == "new"}
        self._today: dict[str, str] = {}  # a former code -> today's
        self._meanings: dict[str, list[_Meaning]] = {}
        for division in self.by_code.values():
            self._add(division.name, division, since=since.get(division.code))
        for alias, division in _autonomous_aliases(self.by_code.values(), ethnic_groups):
            if alias not in self.by_name:
                self.by_name[alias] = [division]
                self._add(alias, division, since=since.get(division.code))
        for alias, full_name in aliases or ():
            for division in [d for d in self.by_name.get(full_name, []) if d.name == full_name]:
                if alias not in self.by_name:
                    self.by_name[alias] = [division]
                    self._add(alias, division, since=since.get(division.code))
        for change in self.changes:
            division = self.by_code.get(change.new_code)
            if division is None or change.kind == "new":
                continue
            self._today.setdefault(change.old_code, division.code)
            if change.old_name in ignore:
                continue  # 城区, 郊区: no place in text
            self._add(change.old_name, division, (change.old_parent,), until=change.year)
            known = self.by_name.setdefault(change.old_name, [])
            if division not in known:
                known.append(division)
        # Today's meaning of a name first, then the former ones, latest first.
        for meanings in self._meanings.values():
            meanings.sort(key=lambda m: -(m.until or 10_000))
        self.zones: dict[str, tuple[str, str]] = dict(zones or {})
        self._cities_by_short_name: dict[str, list[Division]] = {}
        for division in self.by_code.values():
            if division.level == "city" or (division.level == "province" and division.city):
                self._cities_by_short_name.setdefault(short_name(division.name), []).append(
                    division
                )
        # At each place the longest name wins, so "南充市嘉陵区" is read as 南充市 + 嘉陵区.
        self._names = LongestNames(self._meanings)

    def _add(self, name: str, division: Division, parents: tuple[str, ...] = (),
             since: int | None = None, until: int | None = None) -> None:  # fmt: skip
        """A meaning of ``name``: ``division``, beside its parents of today and ``parents``
        (of its time), in use from ``since`` to ``until``."""
        parents = ({*parents} | self.parent_names(division)) - {name, ""}
        self._meanings.setdefault(name, []).append(
            _Meaning(division, frozenset(parents), since, until)
        )

    def today(self, code: str) -> Division | None:
        """The division of today with ``code``, or that a former division with that code
        is part of (542400000000, 那曲地区 -> 那曲市)."""
        return self.by_code.get(code) or self.by_code.get(self._today.get(code, ""))

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """(position, name) of every division name in ``text``, left to right. A two-character
        name (和县, 萧县) inside running text is only a mention after its province or city,
        after a preposition, or where no Han character precedes it: "市和县两级" names no
        county. A name that is also part of everyday phrases (``words``: 新建县级…) is only a
        mention right after its province or city."""
        found = []
        for start, name in self._names.finditer(text):
            if name in self._words and not self._after_parent(text, start, name):
                continue
            if len(name) == 2 and start and is_han(text[start - 1]):
                if text[start - 1] not in _PREPOSITIONS and not self._after_parent(
                    text, start, name
                ):
                    continue
            found.append((start, name))
        return found

    def _after_parent(self, text: str, start: int, name: str) -> bool:
        before = text[max(0, start - 12) : start]
        return any(
            before.endswith(parent) or before.endswith(short_name(parent))
            for meaning in self._meanings.get(name, [])
            for parent in meaning.parents
        )

    def names_only(self, text: str) -> bool:
        """True if ``text`` is nothing but division names ("四川省自贡市")."""
        compact = text.replace(" ", "")
        return bool(compact) and sum(len(n) for _, n in self._names.finditer(compact)) == len(
            compact
        )

    def parent_names(self, division: Division) -> set[str]:
        return {n for n in (division.province, division.city) if n and n != division.name}

    def locate(self, province: str, city: str = "", district: str = "",
               year: int | None = None) -> Division | None:  # fmt: skip
        """The most precise division of a report's place (full names, as the metadata holds
        them, today's or former ones): its district, else its city, else its province; None
        if none is known. A name in use in ``year`` (today, with no year) is tried first."""
        for name, parent in ((district, city or province), (city, province), (province, "")):
            if not name:
                continue
            meanings = self._meanings.get(name, [])
            for meaning in sorted(meanings, key=lambda m: not m.in_use(year)):
                division = meaning.division
                if not parent or parent in meaning.parents or parent in (division.province,
                                                                        division.city):  # fmt: skip
                    return division
        return None

    def zone(self, text: str) -> Division | None:
        """The first functional zone named in ``text`` (两江新区, 成都高新区, 盘锦经济技术开发
        区), as a county-level division of the city it lies in; None if there is none."""
        for match in _ZONE.finditer(text):
            prefix, kind = match.group(1), match.group(2)
            for start in range(len(prefix) - 1):  # the longest name that ends the prefix
                place = prefix[start:]
                if place + kind in self.zones:
                    province, city = self.zones[place + kind]
                    return Division("", place + kind, "district", province, city)
                for division in self._cities_by_short_name.get(place, []):
                    return Division("", place + kind, "district", division.province,
                                    division.city)  # fmt: skip
        return None

    def resolve(self, name: str, context_names: set[str],
                year: int | None = None) -> Division | None:  # fmt: skip
        """The division of today called ``name`` (or that the former division called
        ``name`` is part of); when several share it, the one whose province or city (today's,
        or of its time) is among ``context_names``, in use in ``year`` first (with no year,
        today's meaning first), then at any time; else the only one in use in that year (or
        today). None when that still leaves a choice."""
        meanings = self._meanings.get(name, [])
        if len({m.division.code for m in meanings}) == 1:
            return meanings[0].division
        timely = [m for m in meanings if m.in_use(year)]
        for group in (
            [m for m in timely if m.parents & context_names],
            [m for m in meanings if m.parents & context_names],
            timely,
        ):
            if len({m.division.code for m in group}) == 1:
                return group[0].division
            if len(group) > 1:
                return None  # several fit: no choice is sure
        return None


class LongestNames:
    """Finds, left to right, the longest of ``names`` at each place, as
    ``longest_name_pattern`` does, four times faster on a report: a character class finds
    where a name can start, and only the names starting with that character are tried
    there (one regex holding all names tries each first character in turn). Each first
    character's regex is built when a text first has it: a gazetteer loads in a fraction
    of the time, and most of the ~900 are never needed."""

    def __init__(self, names):
        by_first: dict[str, list[str]] = {}
        for name in names:
            if name:
                by_first.setdefault(name[0], []).append(name)
        self._starts = re.compile(
            "[" + "".join(re.escape(char) for char in sorted(by_first)) + "]" if by_first
            else "(?!)"
        )  # fmt: skip
        self._groups = by_first
        self._from: dict[str, re.Pattern] = {}

    def finditer(self, text: str):
        """(position, name) of each name found."""
        position = 0
        while start := self._starts.search(text, position):
            at = start.start()
            pattern = self._from.get(text[at])
            if pattern is None:
                pattern = self._from[text[at]] = longest_name_pattern(self._groups[text[at]])
            found = pattern.match(text, at)
            if found:
                yield at, found.group()
                position = found.end()
            else:
                position = at + 1


def longest_name_pattern(names) -> re.Pattern:
    """A regex finding, left to right, the longest of ``names`` at each place. Built as a
    trie (one branch per next character, the longer way tried first): the same matches as
    an alternation of the names longest first, without trying thousands of alternatives
    at every character."""
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items())
                    if char]  # fmt: skip
        if not branches:
            return ""
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    if not trie:
        return re.compile("(?!)")
    # A character class in front lets the regex engine pass over most characters at once.
    first = "".join(re.escape(char) for char in sorted(trie))
    return re.compile(f"(?=[{first}]){pattern(trie)}")


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded on first use."""
    text = data_text("adcodes.csv")
    rows = [
        (row["adcode"], row["name"], row.get("longitude"), row.get("latitude"))
        for row in csv.DictReader(text.splitlines())
    ]
    ethnic = tuple(data_lines("ethnic_groups.txt"))
    zones = {}
    for line in data_lines("functional_zones.tsv"):
        name, province, city = line.split("\t")
        zones[name] = (province, city)
    changes = [
        Change(*(cell if cell != "-" else "" for cell in row[:5]), int(row[5]), row[6], row[7])
        for row in data_rows("division_changes.tsv")
    ]
    return Gazetteer(rows, set(data_lines("gazetteer_ignore.txt")), ethnic, zones, changes,
                     set(data_lines("former_name_words.txt")),
                     [tuple(row[:2]) for row in data_rows("division_aliases.tsv")])  # fmt: skip


def today_names(name: str) -> set[str]:
    """The names of today's divisions a place name typed by a person stands for: itself
    when current, what a former division (那曲地区, 那曲县) is part of today. Loads the
    gazetteer: for a name no index value matched."""
    gazetteer = default_gazetteer()
    found = {d.name for d in gazetteer.by_name.get(name, [])}
    for suffix in ("地区", "市", "县", "区", "州", "盟", "旗", "省"):  # 那曲 -> 那曲地区
        found |= {d.name for d in gazetteer.by_name.get(name + suffix, [])}
    return found


def _autonomous_aliases(divisions, ethnic_groups: tuple[str, ...]):
    """(short name, division) for each autonomous prefecture or county: the place name
    before its ethnic groups, with 州 or 县 (黔东南苗族侗族自治州 -> 黔东南州)."""
    if not ethnic_groups:
        return
    # Names write a group with or without 族 (伊犁哈萨克自治州, 昌吉回族自治州); a group of one
    # character without it (回) would cut names anywhere.
    forms = {form for group in ethnic_groups
             for form in (group, group.removesuffix("族")) if len(form) >= 2}  # fmt: skip
    groups = "|".join(sorted(map(re.escape, forms), key=len, reverse=True))
    pattern = re.compile(rf"^(.{{2,}}?)(?:{groups})+自治(州|县)$")
    for division in sorted(divisions, key=lambda d: d.code):
        match = pattern.match(division.name)
        if match:
            yield match.group(1) + match.group(2), division


def _float(text) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
