"""The research instruments at scale: seconds and peak memory of ``panel`` and ``reuse``.

Input: an index (``--index-dir``, built by ``python -m bench.run`` or ``reportsearch
index``) and a terms file for the panel (``--terms``: a term or ``concept:NAME`` a line;
the issue's measure is 100 of them). Output: a table on stdout and
``bench/results/research-N-<reports>.json``. Each command runs as a user runs it, in its own
process (``reportsearch panel --terms FILE --format csv``, ``reportsearch reuse --format
json``), output to a scratch file; the time is the wall clock, the memory the process's
peak resident set (``resource.getrusage`` of the child).

    python -m bench.research --index-dir /tmp/i20k --terms terms100.txt
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .results_file import print_table, save

CASES = {
    "panel (csv, by report)": ["panel", "--terms", "{terms}", "--format", "csv"],
    "panel (csv, by city,year)": [
        "panel",
        "--terms",
        "{terms}",
        "--by",
        "city,year",
        "--format",
        "csv",
    ],  # fmt: skip
    "panel (parquet, by report)": ["panel", "--terms", "{terms}", "--format", "parquet"],
    "reuse (json, all families)": ["reuse", "--format", "json"],
}


def run_case(args: list[str], index_dir: Path, out: Path) -> dict:
    """One command in its own process: seconds, its own peak RSS in MB (GNU time's %M),
    exit code, output bytes."""
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "reportsearch.cli",
               "--index-dir", str(index_dir), *args]  # fmt: skip
    start = time.perf_counter()
    with out.open("wb") as sink:
        done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    stderr = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return {
        "seconds": round(seconds, 1),
        "peak_mb": round(int(stderr[-1]) / 1024) if stderr and stderr[-1].isdigit() else None,
        "exit": done.returncode,
        "bytes": out.stat().st_size,
        "stderr": "\n".join(stderr[:-1])[-300:],
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--terms", type=Path, required=True)
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    options = parser.parse_args(argv)
    reports = _reports(options.index_dir)
    results = {"index": str(options.index_dir), "reports": reports, "terms": _lines(options.terms),
               "load": os.getloadavg(), "cases": {}}  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        for name in options.cases:
            args = [a.format(terms=options.terms) for a in CASES[name]]
            results["cases"][name] = run_case(args, options.index_dir, Path(scratch) / "out")
            print(f"{name}: {results['cases'][name]}", file=sys.stderr)
    headers = ["case", "seconds", "peak MB", "exit", "output bytes"]
    print_table(headers, [[name, c["seconds"], c["peak_mb"], c["exit"], c["bytes"]]
                          for name, c in results["cases"].items()])  # fmt: skip
    save(f"research-N-{reports}", results)


def _reports(index_dir: Path) -> int:
    from reportsearch.query import open_index

    with open_index(index_dir) as index:
        return len(index.reports())


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_text("utf-8").splitlines() if line.strip())


if __name__ == "__main__":
    main()
