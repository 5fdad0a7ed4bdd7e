"""How indexing and search scale: build an index of N synthetic reports and time it.

Synthetic reports are the seeds repeated with their numbers changed (so texts differ and
content hashes too). Prints one JSON object: indexing seconds and throughput, index size,
peak memory, and median/max latency of a set of queries (common words, rare phrases,
Traditional, facets). Run from the repository root:

    python bench/scale.py --reports 500
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path

from indexer.store import IndexStore
from query import open_index

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["执法", "法治政府建设", "柔性执法", "柔性執法", '"出庭应诉率" year:2023',
           "行政复议 city:遂宁", "复议 OR 应诉", "规范性文件 -清理", "法", "年度报告"]  # fmt: skip


def synthesize(folder: Path, count: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    total = 0
    for n in range(count):
        source = seeds[n % len(seeds)]
        text = source.read_text("utf-8")
        text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 9)), text)
        (folder / f"{n:06d}_{source.stem}.txt").write_text(text, "utf-8")
        total += len(text)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        chars = synthesize(corpus, args.reports)
        started = time.perf_counter()
        summary = IndexStore(index_dir).update([corpus])
        index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        IndexStore(index_dir).update([corpus])
        noop_seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
        latencies = {}
        with open_index(index_dir) as index:
            for query in QUERIES:
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    result = index.search(query, limit=10)
                    times.append(time.perf_counter() - started)
                latencies[query] = {
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "max_ms": round(max(times) * 1000, 1),
                    "total": result.total,
                }
    print(json.dumps({
        "reports": summary.reports,
        "passages": summary.passages,
        "corpus_chars": chars,
        "index_seconds": round(index_seconds, 1),
        "reports_per_second": round(summary.reports / index_seconds, 1),
        "chars_per_second": round(chars / index_seconds),
        "noop_update_seconds": round(noop_seconds, 2),
        "index_bytes": size,
        "index_bytes_per_corpus_byte": round(size / (chars * 3), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_worker_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "queries": latencies,
    }, ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
