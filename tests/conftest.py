"""Shared fixtures: the seed corpus, ingested once per test session."""

from __future__ import annotations

import pytest

from indexer.pipeline import ingest_file

from .helpers import SEED_FILES, SEEDS


@pytest.fixture(scope="session")
def seed_reports():
    """{city: Report} for the five seeds."""
    return {city: ingest_file(SEEDS / f"{stem}.txt") for city, stem in SEED_FILES.items()}
