"""Issuers: the name of a report's issuer as written -> its canonical short name.

Input: a name as a report writes it ("四川省司法厅", "盘锦市人民政府办公室", "司法部") and,
optionally, the place names to strip from its start. Output: the short name researchers
filter by (``司法局``, ``政府办公室``, ``司法部``), from ``data/issuers.tsv``: the canonical
name of the longest variant the name ends with; a name no variant ends with keeps its
name without the place ("盘锦市档案馆" -> "档案馆").

The indexer (``metadata``) and the query filter ``issuer:`` both read names through
``canonical_issuer``, so ``issuer:司法厅`` finds the reports of every 司法局.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .data_files import data_rows
from .normalizing import normalize_for_search

# A place before a department's name: two or more characters, then a division's suffix
# ("盘锦市", "内蒙古自治区", "巴南区"). Names are tried against the gazetteer's first.
_PLACE_PREFIX = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,12}?(?:自治区|自治州|自治县|地区|省|市|州|盟|县|区|旗))+"
)


@lru_cache(maxsize=1)
def _variants() -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs, longest variant first."""
    pairs = {(variant, canonical) for canonical, variants in data_rows("issuers.tsv")
             for variant in [canonical, *variants.split(",")] if variant}  # fmt: skip
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair)))


def canonical_issuer(name: str, places: tuple[str, ...] = ()) -> str:
    """The canonical short name of the issuer ``name`` ("" for ""). ``places``: names of
    divisions (full or short) that may open ``name``; they are removed first."""
    text = _compact(name)
    canonical = _variant_ending(text)
    if canonical:
        return canonical
    for place in sorted(places, key=len, reverse=True):
        if place and text.startswith(place) and len(text) > len(place) + 1:
            text = text[len(place) :]
    stripped = _PLACE_PREFIX.sub("", text)
    return stripped if len(stripped) >= 2 else text


def known_issuers() -> list[str]:
    """Every canonical issuer of the data file, in its order."""
    return list(dict.fromkeys(canonical for canonical, _ in data_rows("issuers.tsv")))


def is_government_body(name: str) -> bool:
    """True if ``name`` ends like a government or one of its departments (人民政府, 司法局,
    政府办公室 …), not a newspaper or a web site."""
    return bool(_variant_ending(_compact(name)))


def _compact(name: str) -> str:
    """A name in search form, without spaces, nor 原 ("原环境保护部": the body before a
    reform, by its name)."""
    return normalize_for_search(name).replace(" ", "").removeprefix("原")


def _variant_ending(text: str) -> str:
    """The canonical issuer of the longest variant ``text`` ends with; "" when none does."""
    return next((canonical for variant, canonical in _variants() if text.endswith(variant)), "")
