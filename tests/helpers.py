"""Constants and small helpers shared by the tests."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA_DIR = ROOT / "tests" / "data"  # labelled real report texts and facts

# Seed file -> the city it is about; tests name seeds by city, not by hash.
SEED_FILES = {
    "自贡": "000_a00c8acd4099b14f",
    "盘锦": "001_1c9c93ea932af3e0",
    "遂宁": "002_b750b201fd996722",
    "巴南": "003_4bbaf42a68c37ea5",
    "嘉陵": "004_f05f222353707495",
}


def index_of(directory: Path, reports: dict[str, str]) -> Path:
    """An index of ``reports`` (file name -> text), built in ``directory``: the files in
    ``directory/reports``, the index in ``directory/index``, which is returned."""
    from reportsearch.indexer.store import IndexStore

    source = directory / "reports"
    source.mkdir(parents=True)
    for name, text in reports.items():
        (source / name).write_text(text, "utf-8")
    IndexStore(directory / "index").update([source])
    return directory / "index"


# Numbers tests report at the end of the run (printed by conftest's terminal summary).
RUN_REPORT: dict[str, str] = {}


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (Linux /proc)."""
    children = []
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                children.append(int(stat))
    return children


def kill_and_check_readers(process) -> None:
    """``kill -9`` a running ``index`` and assert that its reader processes end with it."""
    readers = children_of(process.pid)
    assert readers, "the index run reads reports in worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.time() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in readers) and time.time() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in readers if os.path.exists(f"/proc/{pid}")], "orphaned readers"
