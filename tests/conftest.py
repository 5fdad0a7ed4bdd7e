"""Shared fixtures (the seed corpus, ingested once per test session) and the kinds of test.

Tests live in folders by kind, and each test is marked with its folder's name:
``unit`` (one module, no index on disk, or a small one), ``integration`` (indexes, the CLI,
the web app, processes), ``browser`` (the page in headless Chromium), ``benchmark`` (the
quick benchmark, a step of its own in CI: ``pytest -m benchmark``). Every hypothesis test is
also marked ``property``. The default run leaves the benchmark out (pyproject's addopts).
"""

from __future__ import annotations

import os
import sys
import time

import pytest
from helpers import RUN_REPORT, SEED_FILES, SEEDS, index_of
from hypothesis import settings
from reportsearch.indexer.pipeline import ingest_file

# Every property test draws the same examples on every run, so a red CI run can be
# repeated exactly (and a green one is not luck). No example database is written.
settings.register_profile("reproducible", derandomize=True, database=None)
settings.load_profile("reproducible")


@pytest.fixture(scope="session")
def seed_reports():
    """{city: Report} for the five seeds."""
    return {city: ingest_file(SEEDS / f"{stem}.txt") for city, stem in SEED_FILES.items()}


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory):
    """An index of the five seeds, built once in a temporary folder."""
    from reportsearch.indexer.store import IndexStore

    directory = tmp_path_factory.mktemp("seed-index")
    IndexStore(directory).update([SEEDS])
    return directory


ISSUER_REPORTS = {
    # A city government, a provincial department (厅) and a city department (局).
    "gov.txt": "盘锦市人民政府关于2021年法治政府建设情况的报告\n2021年,盘锦市坚持依法行政,"
    "推行柔性执法。\n一、主要工作\n深化柔性执法,规范行政裁量。",
    "sft.txt": "四川省司法厅关于2022年法治政府建设情况的报告\n2022年,省司法厅坚持依法行政,"
    "推行柔性执法。\n一、主要工作\n深化柔性执法,办理行政复议案件。",
    "sfj.txt": "自贡市司法局2023年法治政府建设年度报告\n2023年,市司法局坚持依法行政,"
    "推行柔性执法。\n一、主要工作\n深化柔性执法,开展普法活动。",
    "news.txt": "盘锦市法治政府建设取得新成效\n来源:盘锦日报 2022-03-01 10:00\n"
    "3月1日,盘锦市召开会议,部署推行柔性执法。\n会议要求深化柔性执法。",
}


@pytest.fixture(scope="session")
def issuer_index_dir(tmp_path_factory):
    """An index of four short reports by different issuers, tiers and kinds."""
    return index_of(tmp_path_factory.mktemp("issuers"), ISSUER_REPORTS)


@pytest.fixture(scope="session")
def seed_index(seed_index_dir):
    from reportsearch.query import open_index

    with open_index(seed_index_dir) as index:
        yield index


KINDS = ("unit", "integration", "browser", "benchmark")


def pytest_collection_modifyitems(items):
    for item in items:
        kind = item.path.parent.name
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))
        if getattr(item.obj, "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


def pytest_sessionstart(session):
    session.config.stash[_STARTED] = _start_time(os.getpid())


# The folders at the repository's root are importable in a test run (bench/ is), but the
# project must be imported only as the installed reportsearch.*: a plain ``indexer`` or
# ``cli`` would load a second copy of a module, and would fail where only the package is.
UNINSTALLED_NAMES = ("indexer", "query", "web", "cli")


def pytest_sessionfinish(session, exitstatus):
    stray = sorted(name for name in sys.modules if name.split(".")[0] in UNINSTALLED_NAMES)
    if stray:
        print(f"\nimported outside the reportsearch package: {', '.join(stray)}", file=sys.stderr)
        session.exitstatus = 1
    _check_no_process_left(session)


def _check_no_process_left(session):
    """Fail the run if a reportsearch process started during it is still alive (a killed
    writer's readers, a server a test forgot): the suite must leave nothing behind."""
    started = session.config.stash.get(_STARTED, None)
    if started is None:
        return
    deadline = time.time() + 10
    while (left := _reportsearch_processes(started)) and time.time() < deadline:
        time.sleep(0.2)
    if left:
        print("\nreportsearch processes left running by the tests:", file=sys.stderr)
        for pid, command in left:
            print(f"  {pid}: {command}", file=sys.stderr)
        session.exitstatus = 1


_STARTED = pytest.StashKey[int]()


def _started_here(pid: int, since: int) -> bool:
    """Whether ``pid`` descends from this process or lost its parent, rather than belonging
    to a program started before the tests (a benchmark running beside them)."""
    while pid > 1:
        try:
            parent = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return True
        if parent == os.getpid() or parent <= 1:
            return True
        try:
            if _start_time(parent) < since:
                return False
        except (OSError, ValueError, IndexError):
            return True
        pid = parent
    return True


def _start_time(pid: int) -> int:
    """When a process started, in clock ticks since boot (/proc/PID/stat field 22)."""
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19])


def _reportsearch_processes(since: int) -> list[tuple[int, str]]:
    """Live processes started at or after ``since`` that are reportsearch (the CLI, the
    readers it forks, a server) or children of this one (readers of an in-process update)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            argv = open(f"/proc/{name}/cmdline", "rb").read().decode().split("\0")
            fields = open(f"/proc/{name}/stat").read().rsplit(")", 1)[1].split()
            ours = any(arg == "reportsearch.cli" or arg.rsplit("/", 1)[-1] == "reportsearch"
                       for arg in argv) or int(fields[1]) == os.getpid()  # fmt: skip
            left_by_us = int(fields[1]) in (os.getpid(), 1) or _started_here(int(name), since)
            if ours and left_by_us and fields[0] != "Z" and _start_time(int(name)) >= since:
                found.append((int(name), " ".join(argv).strip()))
        except (OSError, ValueError, IndexError):
            continue
    return found


def pytest_terminal_summary(terminalreporter):
    for name, value in sorted(RUN_REPORT.items()):
        terminalreporter.write_line(f"{name}: {value}")
