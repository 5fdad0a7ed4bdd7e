"""Results of the small benchmarks: a record -> ``bench/results/<name>.json`` and a Markdown
table on stdout, the form BENCHMARKS.md copies."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).with_name("results")


def save(name: str, record) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def print_table(headers: list[str], rows: list[list]) -> None:
    """A Markdown table: the first column left-aligned, the others right-aligned."""
    print("| " + " | ".join(headers) + " |")
    print("|---|" + "---:|" * (len(headers) - 1))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
