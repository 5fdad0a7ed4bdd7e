"""Gazetteer: China's administrative divisions, and finding them in text.

Input: ``data/adcodes.csv`` (see ``data/README.md`` for its source). Output: ``Division``
records with their parents, ``Gazetteer.mentions(text)`` (every division name in a search-form
text, with positions), and ``short_name`` (盘锦市 -> 盘锦) used by both the indexer and the
query filters, so that ``city:盘锦`` and ``city:盘锦市`` mean the same thing.

An adcode has 12 digits: 1-2 the province, 1-4 the prefecture-level city, 1-6 the county.
The four municipalities (北京, 天津, 上海, 重庆) are their own city: a district of 重庆 has
province 重庆市, city 重庆市.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from .data_files import data_lines, data_text
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


@lru_cache(maxsize=1)
def _suffix_regex() -> re.Pattern[str]:
    return re.compile(r"^(.{2,}?)(?:" + "|".join(data_lines("division_suffixes.txt")) + r")$")


def short_name(name: str) -> str:
    """A division name without its generic suffix (四川省 -> 四川); the name if none applies."""
    match = _suffix_regex().match(name)
    return match.group(1) if match else name


class Gazetteer:
    """All divisions, looked up by code and by name, and found in text."""

    def __init__(self, rows: list[tuple], ignore: set[str], ethnic_groups: tuple[str, ...] = (),
                 zones: dict[str, tuple[str, str]] | None = None):  # fmt: skip
        """``rows``: (adcode, name) or (adcode, name, longitude, latitude). With
        ``ethnic_groups``, autonomous prefectures and counties are also found by the short
        names reports use (凉山彝族自治州 -> 凉山州)."""
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
                    # parent row; they are then their own city.
                    parent = names_by_code.get(code[:4] + "0" * 8)
                    city = parent if parent and parent not in ignore else name
            division = Division(code, name, level, province, city, *seats.get(code, (None, None)))
            self.by_code[code] = division
            self.by_name.setdefault(name, []).append(division)
        for alias, division in _autonomous_aliases(self.by_code.values(), ethnic_groups):
            self.by_name.setdefault(alias, [division])
        self.zones: dict[str, tuple[str, str]] = dict(zones or {})
        self._cities_by_short_name: dict[str, list[Division]] = {}
        for division in self.by_code.values():
            if division.level == "city" or (division.level == "province" and division.city):
                self._cities_by_short_name.setdefault(short_name(division.name), []).append(
                    division
                )
        # At each place the longest name wins, so "南充市嘉陵区" is read as 南充市 + 嘉陵区.
        self._names = LongestNames(self.by_name)

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """(position, name) of every division name in ``text``, left to right. A two-character
        name (和县, 萧县) inside running text is only a mention after its province or city,
        after a preposition, or where no Han character precedes it: "市和县两级" names no
        county."""
        found = []
        for start, name in self._names.finditer(text):
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
            for division in self.by_name.get(name, [])
            for parent in self.parent_names(division)
        )

    def names_only(self, text: str) -> bool:
        """True if ``text`` is nothing but division names ("四川省自贡市")."""
        compact = text.replace(" ", "")
        return bool(compact) and sum(len(n) for _, n in self._names.finditer(compact)) == len(
            compact
        )

    def parent_names(self, division: Division) -> set[str]:
        return {n for n in (division.province, division.city) if n and n != division.name}

    def locate(self, province: str, city: str = "", district: str = "") -> Division | None:
        """The most precise division of a report's place (full names, as the metadata holds
        them): its district, else its city, else its province; None if none is known."""
        for name, parent in ((district, city or province), (city, province), (province, "")):
            if not name:
                continue
            for division in self.by_name.get(name, []):
                if not parent or parent in (division.province, division.city):
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

    def resolve(self, name: str, context_names: set[str]) -> Division | None:
        """The division called ``name``; when several share it, the one whose province or
        city is among ``context_names``. None when that still leaves a choice."""
        candidates = self.by_name.get(name, [])
        if len(candidates) == 1:
            return candidates[0]
        fitting = [d for d in candidates if self.parent_names(d) & context_names]
        return fitting[0] if len(fitting) == 1 else None


class LongestNames:
    """Finds, left to right, the longest of ``names`` at each place, as
    ``longest_name_pattern`` does, four times faster on a report: a character class finds
    where a name can start, and only the names starting with that character are tried
    there (one regex holding all names tries each first character in turn)."""

    def __init__(self, names):
        by_first: dict[str, list[str]] = {}
        for name in names:
            if name:
                by_first.setdefault(name[0], []).append(name)
        self._starts = re.compile(
            "[" + "".join(re.escape(char) for char in sorted(by_first)) + "]" if by_first
            else "(?!)"
        )  # fmt: skip
        self._from = {char: longest_name_pattern(group) for char, group in by_first.items()}

    def finditer(self, text: str):
        """(position, name) of each name found."""
        position = 0
        while start := self._starts.search(text, position):
            at = start.start()
            found = self._from[text[at]].match(text, at)
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
    return Gazetteer(rows, set(data_lines("gazetteer_ignore.txt")), ethnic, zones)


def _autonomous_aliases(divisions, ethnic_groups: tuple[str, ...]):
    """(short name, division) for each autonomous prefecture or county: the place name
    before its ethnic groups, with 州 or 县 (黔东南苗族侗族自治州 -> 黔东南州)."""
    if not ethnic_groups:
        return
    groups = "|".join(sorted(map(re.escape, ethnic_groups), key=len, reverse=True))
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
