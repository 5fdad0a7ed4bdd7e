"""Shared fixtures: the seed corpus, ingested once per test session."""

from __future__ import annotations

import pytest

from indexer.pipeline import ingest_file

from .helpers import RUN_REPORT, SEED_FILES, SEEDS


@pytest.fixture(scope="session")
def seed_reports():
    """{city: Report} for the five seeds."""
    return {city: ingest_file(SEEDS / f"{stem}.txt") for city, stem in SEED_FILES.items()}


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory):
    """An index of the five seeds, built once in a temporary folder."""
    from indexer.store import IndexStore

    directory = tmp_path_factory.mktemp("seed-index")
    IndexStore(directory).update([SEEDS])
    return directory


@pytest.fixture(scope="session")
def seed_index(seed_index_dir):
    from query import open_index

    with open_index(seed_index_dir) as index:
        yield index


def pytest_terminal_summary(terminalreporter):
    for name, value in sorted(RUN_REPORT.items()):
        terminalreporter.write_line(f"{name}: {value}")
