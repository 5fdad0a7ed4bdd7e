"""Mine indicator heads: report files -> the indicators their figures are stated under,
most frequent first, to grow ``indexer/data/indicators.tsv`` from the corpus, not guesses.

Input: folders or files of reports (default: ``seeds/``). Output on stdout: one row per
indicator head (the last four characters of the indicator as the extractor reads it, in
search form), with how many facts and reports state it, its unit, the canonical name it
gets now ("-" for none) and an example; then the share of facts with a canonical name.

    python -m bench.mine_indicators                  # the seeds
    python -m bench.mine_indicators /tmp/corpus -n 200
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from reportsearch.indexer.errors import ReadError
from reportsearch.indexer.normalizing import normalize_for_search
from reportsearch.indexer.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "seeds")])
    parser.add_argument("-n", type=int, default=80, help="rows to print")
    parser.add_argument("--missing", action="store_true", help="only heads with no canonical")
    args = parser.parse_args()
    facts, reports = Counter(), defaultdict(set)
    units, canonical, example = {}, {}, {}
    total = named = 0
    for report in ingest_paths(args.paths):
        if isinstance(report, ReadError):
            continue
        for passage in report.passages:
            for fact in passage.facts:
                total += 1
                named += bool(fact.canonical)
                head = normalize_for_search(fact.indicator)[-4:] or "(none)"
                facts[head] += 1
                reports[head].add(report.id)
                units.setdefault(head, Counter())[fact.unit] += 1
                canonical.setdefault(head, fact.canonical or "-")
                example.setdefault(head, fact.quote)
    print("head\tfacts\treports\tunit\tcanonical\texample")
    shown = 0
    for head, count in sorted(facts.items(), key=lambda item: (-item[1], item[0])):
        if args.missing and canonical[head] != "-":
            continue
        unit = units[head].most_common(1)[0][0]
        print(f"{head}\t{count}\t{len(reports[head])}\t{unit}\t{canonical[head]}\t{example[head]}")
        shown += 1
        if shown >= args.n:
            break
    print(f"\n{named} of {total} facts have a canonical name ({named / max(total, 1):.0%})")


if __name__ == "__main__":
    main()
