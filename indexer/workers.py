"""Workers: report files -> prepared reports, read by a pool of processes while the writing
process writes the index.

Input: (file, report id) pairs and how many processes to use. Output: (file, what
``documents.prepare_report`` made of it) in input order, with a bounded number in flight, so
memory stays flat however many files there are. One bad file never costs the others: its
error is its record, and a reading process that dies costs only the file it was reading.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .documents import prepare_report
from .errors import ReadError
from .pipeline import MAX_FILE_SIZE, unexpected_reason

# Fewer changed files than this are read in this process: starting workers (each loads
# jieba's dictionary) costs more than it saves.
PARALLEL_MIN_FILES = 16


def prepared(
    files: list[tuple[Path, str]], workers: int, max_file_size: int | None = MAX_FILE_SIZE
) -> Iterator[tuple[Path, object]]:
    """(path, prepare_report(path, report id)) in input order, computed by ``workers``
    processes with a bounded number in flight, so memory stays flat however many files
    there are. If a reading process dies (out of memory, killed), the files it might have
    been reading are read again one at a time, each in a process of its own: the one that
    kills its process again is that file's error, and the others are read as usual."""
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        for path, report_id in files:
            yield path, prepare_report(path, report_id, max_file_size)
        return
    queue = deque(files)
    while queue:
        suspects = yield from _through_pool(queue, workers, max_file_size)
        for suspect in suspects:
            if (yield from _through_pool(deque([suspect]), 1, max_file_size)):
                yield suspect[0], ReadError(suspect[0], "its reading process died (out of "
                                                        "memory, or killed)")  # fmt: skip


def _through_pool(queue: deque, workers: int, max_file_size: int | None):
    """Yield (path, result) for the files of ``queue``, taken in order, from one process
    pool. Returns [] when all are done, or, if the pool broke, the files in flight then."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_end_with_parent,
                             initargs=(os.getpid(),)) as executor:  # fmt: skip
        pending: deque = deque()
        try:
            while queue or pending:
                while queue and len(pending) < workers * 4:
                    path, report_id = queue[0]
                    try:
                        future = executor.submit(prepare_report, path, report_id, max_file_size)
                    except BrokenProcessPool:
                        return [(p, r) for p, r, _ in pending]
                    pending.append((path, report_id, future))
                    queue.popleft()
                path, report_id, future = pending[0]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    return [(p, r) for p, r, _ in pending]
                except Exception as error:  # noqa: BLE001 - e.g. a result that cannot pickle
                    result = ReadError(path, unexpected_reason(error))
                pending.popleft()
                yield path, result
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    return []


def _end_with_parent(parent: int) -> None:
    """In a reader process: ask Linux to end it when the writing process dies, so a killed
    ``index`` leaves no reader processes behind (elsewhere they end at their next task).
    If the writer died before this ran, end now."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    try:  # the writer, not our parent: with "forkserver" (Python 3.14's default) they differ
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(1)
    except PermissionError:
        pass  # alive, another user's pid now: unlikely, and harmless to go on
