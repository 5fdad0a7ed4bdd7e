"""Metrics: passages -> the numeric facts they state (see ``extract_facts``).

Input: a passage's search form (and original text, for quotes). Output: ``Fact`` records
``{indicator, canonical, value, unit, qualifier, quote, start, end}``.

The list of canonical indicators and their variants is data (``data/indicators.tsv``);
``canonical_indicator`` maps any indicator text, Simplified or Traditional, to its name there.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .normalizing import normalize_for_search


@lru_cache(maxsize=1)
def indicator_variants() -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs, longest variant first."""
    table = resources.files("indexer").joinpath("data/indicators.tsv").read_text("utf-8")
    pairs = set()
    for raw in table.splitlines():
        if raw.strip() and not raw.startswith("#"):
            canonical, _, variants = raw.partition("\t")
            canonical = canonical.strip()
            pairs.add((canonical, canonical))
            pairs.update((v.strip(), canonical) for v in variants.split(",") if v.strip())
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0])))


def canonical_names() -> list[str]:
    return sorted({canonical for _, canonical in indicator_variants()})


def canonical_indicator(text: str) -> str:
    """The canonical name for an indicator as written, or "" when it is not in the list."""
    text = normalize_for_search(text)
    for variant, canonical in indicator_variants():
        if variant in text:
            return canonical
    return ""
