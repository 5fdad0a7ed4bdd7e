"""Open indexes for the web app's requests: a folder -> up to ``size`` open indexes, lent
one to a request at a time.

Input: the index folder. Output: ``opened()``, a context manager that lends one open
``query.api.ReportIndex`` to the calling thread and takes it back afterwards.

An open index is not meant for several threads at once (its Whoosh searcher reads through
shared file objects), so each request gets an index of its own: a slow search holds only
its own, and the others keep answering. ``size`` bounds how many searches run at once and
so how many indexes are open; a request beyond it waits for one to come back. An index
lent back after a writer has committed is closed, and the next request opens the new
commit.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from reportsearch.indexer.errors import ReportSearchError, UsageError
from reportsearch.query.api import open_index

SEARCHES = 8  # at once; more than the clients a researcher's page and scripts run together


class IndexPool:
    def __init__(self, directory: Path, size: int = SEARCHES):
        if size < 1:
            raise UsageError("the web page needs at least one search at a time")
        self.directory = directory
        self.size = size
        self._free: list = []
        self._lock = threading.Lock()  # guards _free and _closed, never held while searching
        self._slots = threading.BoundedSemaphore(size)
        self._closed = False

    @contextmanager
    def opened(self):
        """One open index of the newest commit, for this thread alone until the block ends."""
        with self._slots:
            index = self._take()
            reusable = False
            try:
                yield index
                reusable = True
            except ReportSearchError:
                reusable = True  # the user's mistake, not the index's
                raise
            finally:
                self._give(index, reusable)

    def _take(self):
        while True:
            with self._lock:
                index = self._free.pop() if self._free else None
            if index is None:
                return open_index(self.directory)  # outside the lock: opening takes a while
            if index.is_current():
                return index
            index.close()

    def _give(self, index, reusable: bool) -> None:
        with self._lock:
            if reusable and not self._closed:
                self._free.append(index)
                return
        index.close()

    def close(self) -> None:
        """Close the indexes lent back; one still lent is closed when it comes back."""
        with self._lock:
            self._closed = True
            free, self._free = self._free, []
        for index in free:
            index.close()
