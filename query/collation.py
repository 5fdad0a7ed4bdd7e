"""Collation: a name -> the key it sorts by, the one order of place names everywhere.

Input: a place name (盘锦市). Output: a sort key, its pinyin then the name itself, so 成都
comes before 重庆 in facets, trends, tables and pivots alike. It sits below both the engine
and the renderer, which order places the same way.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1 << 14)
def pinyin_key(name: str) -> tuple[str, str]:
    """How place names are put in order: by pinyin (成都 before 重庆), then by the name."""
    from pypinyin import lazy_pinyin  # imported here: only ordering by place needs it

    return "".join(lazy_pinyin(name)), name
