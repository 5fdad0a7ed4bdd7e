"""How much memory indexing takes as files grow, and what a huge file costs the others.

Input: nothing (files are made from the seeds' paragraphs in a scratch folder, ``--work``).
Output: a table on stdout and ``bench/results/memory.json``. Each case runs
``reportsearch index`` in its own process and records its peak resident memory:

* ``baseline``: the five seeds;
* ``N MB``, one report of N MB (line breaks kept), read with no size limit, ``--jobs 1``;
* ``N MB, one line``: the same report saved without line breaks;
* ``200 MB beside 20``: a 200 MB file beside 20 small reports with the default limit: the
  small ones must be indexed and the big one skipped with its reason.

    python -m bench.memory                 # 1, 5 and 20 MB, and the 200 MB case
    python -m bench.memory --sizes 1 5     # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .results_file import print_table, save

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def report_of(megabytes: float) -> str:
    """The seeds' text repeated to ``megabytes`` of UTF-8, each copy made unique so that no
    passage is a copy of another."""
    body = "".join(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt")))
    parts, size, copy = [], 0, 0
    while size < megabytes * 1_000_000:
        part = body.replace("。", f"。第{copy}份", 1)
        parts.append(part)
        size += len(part.encode())
        copy += 1
    return "".join(parts)


def run_index(folder: Path, index: Path, *options: str) -> dict:
    """``reportsearch index`` on ``folder`` in a child process: exit code, seconds, peak
    resident memory (MB; ``wait4`` gives the child's own, or its largest reader
    process's), and the JSON summary."""
    shutil.rmtree(index, ignore_errors=True)
    command = [sys.executable, "-m", "reportsearch.cli", "index", str(folder), "--index-dir",
               str(index), "--format", "json", *options]  # fmt: skip
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    summary = json.loads(stdout) if stdout.strip() else {}
    return {
        "exit": process.returncode,
        "seconds": round(seconds, 1),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "reports": summary.get("reports"),
        "skipped": summary.get("skipped", []),
        "stderr": stderr.strip().splitlines()[-3:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportsearch-memory"))
    parser.add_argument("--sizes", type=float, nargs="*", default=[1, 5, 20])
    parser.add_argument("--skip-huge", action="store_true", help="no 200 MB case")
    args = parser.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cases = {"baseline (5 seeds)": run_index(SEEDS, work / "index", "--jobs", "1")}
    for megabytes in sorted(args.sizes):
        text = report_of(megabytes)
        one_line = text.replace("\n", "")
        for label, content in ((f"{megabytes:g} MB", text),
                               (f"{megabytes:g} MB, one line", one_line)):  # fmt: skip
            folder = work / label.replace(" ", "_").replace(",", "")
            folder.mkdir()
            (folder / "big.txt").write_text(content, "utf-8")
            cases[label] = run_index(folder, work / "index", "--jobs", "1",
                                     "--max-file-size", "0")  # fmt: skip
            cases[label]["file_mb"] = round(len(content.encode()) / 1_000_000, 1)
            shutil.rmtree(folder)
    if not args.skip_huge:
        folder = work / "huge"
        folder.mkdir()
        for number, seed in enumerate(sorted(SEEDS.glob("*.txt")) * 4):
            text = seed.read_text("utf-8") + f"\n附件{number}:工作台账。\n"
            (folder / f"small-{number:02d}.txt").write_text(text, "utf-8")
        with open(folder / "huge.txt", "w", encoding="utf-8") as out:
            block = report_of(10)
            for _ in range(20):
                out.write(block)
        cases["200 MB beside 20"] = run_index(folder, work / "index")
        cases["200 MB beside 20"]["file_mb"] = round((folder / "huge.txt").stat().st_size / 1e6)
    save("memory", cases)
    rows = []
    base = cases["baseline (5 seeds)"]["peak_mb"]
    for label, case in cases.items():
        size = case.get("file_mb")
        per_mb = f"{(case['peak_mb'] - base) / size:.0f}x" if size else ""
        rows.append([label, size or "", case["peak_mb"], per_mb, case["seconds"], case["reports"],
                     "; ".join(s["reason"] for s in case["skipped"])])  # fmt: skip
    print_table(["case", "file MB", "peak RSS MB", "above baseline per file MB", "s", "reports",
                 "skipped"], rows)  # fmt: skip


if __name__ == "__main__":
    main()
