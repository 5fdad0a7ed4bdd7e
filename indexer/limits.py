"""Limits: the size of a report file the indexer reads, in a module of its own so that what
only needs the number (the CLI's defaults, a search) does not import the reading pipeline.

Input: nothing. Output: constants.
"""

from __future__ import annotations

# Larger files are skipped: the largest real report seen is a few MB (a scanned PDF with a
# text layer), and reading costs about 25 bytes of memory a byte of text.
MAX_FILE_SIZE = 20 * 1024 * 1024
