"""Synthetic corpus: N report files made of the seeds' real headings and paragraphs.

Input: the seeds folder, a count and a random seed. Output: N ``.txt`` files in a folder
(and their total characters). Deterministic: the same count and seed give the same bytes.

Each report is attributed to a real prefecture-level city of the gazetteer
(``indexer/data/adcodes.csv``) and a year from 2016 to 2025: a first line with the place,
a title with the year, then four to six numbered sections, each with paragraphs drawn from
all seeds. The seeds' own place names are replaced by the report's city and their numbers
jittered, so no two reports are the same text. About one report in six is converted to
Traditional characters (OpenCC s2t) and one in six is saved as GBK, as real collections
are. A real report averages about 4,500 characters, and so do these.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

from reportsearch.indexer.gazetteer import short_name

ROOT = Path(__file__).resolve().parent.parent
SEED_PLACES = ("自贡", "盘锦", "遂宁", "巴南", "嘉陵", "南充", "重庆", "辽宁", "四川")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、|^[((][一二三四五六七八九十]+[))]")
_CN_NUMBERS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def _cities() -> tuple[tuple[str, str], ...]:
    """(province, city) for every prefecture-level city in the gazetteer."""
    rows = [line.split(",") for line in
            (ROOT / "indexer/data/adcodes.csv").read_text("utf-8").splitlines()[1:]]  # fmt: skip
    provinces = {code[:2]: name for code, name, *_ in rows if code[2:] == "0" * 10}
    return tuple(
        sorted(
            (provinces.get(code[:2], ""), name)
            for code, name, *_ in rows
            if code[4:] == "0" * 8 and code[2:4] != "00" and name.endswith(("市", "州", "盟"))
        )
    )


@lru_cache(maxsize=1)
def _material(seeds: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(headings without their numbering, paragraphs) of every seed."""
    headings, paragraphs = [], []
    for path in sorted(seeds.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            line = line.strip()
            if _HEADING.match(line) and len(line) <= 40:
                headings.append(_HEADING.sub("", line))
            elif len(line) >= 40:
                paragraphs.append(line)
    return tuple(headings), tuple(paragraphs)


def report_text(rng: random.Random, seeds: Path) -> tuple[str, str]:
    """One synthetic report: (text, how to save it: "utf-8", "gbk" or "traditional")."""
    headings, paragraphs = _material(seeds)
    province, city = rng.choice(_cities())
    year = rng.randint(2016, 2025)
    body = []
    for number in range(rng.randint(4, 6)):
        body.append(f"{_CN_NUMBERS[number]}、{rng.choice(headings)}")
        body.extend(rng.choice(paragraphs) for _ in range(rng.randint(3, 6)))
    text = "\n".join(body)
    for place in SEED_PLACES:
        text = text.replace(place, short_name(city))
    text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 9)), text)
    text = re.sub(r"20[2-9]\d年", f"{year}年", text)  # years in the body agree with the title
    text = f"{province}{city}\n{city}关于{year}年法治政府建设情况的报告\n\n{text}"
    style = rng.choices(("utf-8", "gbk", "traditional"), weights=(4, 1, 1))[0]
    return text, style


def generate(folder: Path, count: int, seed: int = 7, start: int = 0,
             seeds: Path = ROOT / "seeds") -> int:  # fmt: skip
    """Write reports ``start`` .. ``start + count - 1`` of the corpus for ``seed`` into
    ``folder``; returns their characters. Report n is the same whatever ``count`` is."""
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    folder.mkdir(parents=True, exist_ok=True)
    characters = 0
    for n in range(start, start + count):
        rng = random.Random(f"{seed}:{n}")
        text, style = report_text(rng, seeds)
        characters += len(text)
        if style == "traditional":
            text = to_traditional.convert(text)
        encoding = "gbk" if style == "gbk" else "utf-8"
        data = text.encode(encoding, errors="replace" if encoding == "gbk" else "strict")
        (folder / f"r{n:06d}.txt").write_bytes(data)
    return characters
