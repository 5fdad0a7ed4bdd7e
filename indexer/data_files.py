"""Data files: the name of a file in ``indexer/data/`` -> its text, lines or rows.

Input: a file name (``"indicators.tsv"``). Output: the whole text, the content lines (blank
lines and ``#`` comments dropped, each line stripped), or those lines split at tabs. Every
module that reads domain knowledge (gazetteer, boilerplate, section taxonomy, indicators,
units) reads it through here, so the file conventions live in one place: UTF-8, ``#`` starts
a comment line, each file opens with a note on where its data came from.
"""

from __future__ import annotations

from importlib import resources


def data_text(name: str) -> str:
    """The whole text of ``indexer/data/NAME``."""
    return resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")


def data_lines(name: str) -> list[str]:
    """The content lines of a data file: stripped, without blanks and ``#`` comments."""
    return [line.strip() for line in data_text(name).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]  # fmt: skip


def data_rows(name: str) -> list[list[str]]:
    """The content lines of a tab-separated data file, as lists of stripped cells."""
    return [[cell.strip() for cell in line.split("\t")] for line in data_lines(name)]
