"""The write lock of an index folder: one writer at a time, and what to do with a lock whose
writer is dead.

Input: an index folder, how long to wait, and whether to break a stale lock. Output: the held
lock (release it when done) and notes on what was done (a stale lock broken), or
``IndexLockedError`` / ``IndexWriteError``.

The lock is an flock on ``write.lock``; the kernel releases it when its holder dies. But a
writer's reading processes inherit it, and if the writer is killed they may hold it a while
longer. ``write.lock.owner`` names the writer: when it is dead and the lock is still held,
breaking the lock means ending those processes (SIGKILL). That is a policy, so the caller
chooses it (the CLI does; the library does not unless asked).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from pathlib import Path

import filelock

from .errors import IndexLockedError, IndexWriteError


def write_lock(directory: Path, wait: float, break_stale: bool = False
               ) -> tuple[filelock.FileLock, list[str]]:  # fmt: skip
    """Take the write lock of ``directory`` (waiting up to ``wait`` seconds); returns it
    and the notes of what was done to get it."""
    path = directory / "write.lock"
    lock = filelock.FileLock(str(path))
    notes: list[str] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            if break_stale:
                notes.extend(_break_stale_lock(path))
            lock.acquire(timeout=wait)
        (directory / "write.lock.owner").write_text(
            json.dumps({"pid": os.getpid(), "host": socket.gethostname()}), "utf-8"
        )
    except filelock.Timeout:
        raise IndexLockedError(
            f"another reportsearch process is writing {directory}; "
            f"waited {wait:g}s (try again when it is done)"
        ) from None
    except OSError as error:
        raise IndexWriteError(
            f"cannot write the index at {directory}: {error.strerror or error}"
        ) from None
    return lock, notes


STALE_LOCK_GRACE = 0.5  # seconds


def _break_stale_lock(path: Path) -> list[str]:
    """If the write lock is held by reader processes of a writer that is dead, end them
    (the lock is free then, or in a moment) and return a note saying so; else []."""
    try:
        owner = json.loads((path.parent / "write.lock.owner").read_text("utf-8"))
        pid = int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if owner.get("host") != socket.gethostname() or _alive(pid):
        return []
    # A new writer names itself a moment after it takes the lock: wait that moment, so the
    # writer caught between the two is never taken for a dead one's reader.
    time.sleep(STALE_LOCK_GRACE)
    try:
        if json.loads((path.parent / "write.lock.owner").read_text("utf-8")) != owner:
            return []
    except (OSError, ValueError):
        return []
    holders = _processes_holding(path)
    for holder in holders:
        with contextlib.suppress(OSError):
            os.kill(holder, signal.SIGKILL)
    return [
        f"broke a stale write lock: the last writer (pid {pid}) is dead, and "
        f"{len(holders)} of its reader processes still held the lock; they were ended"
    ]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _processes_holding(path: Path) -> list[int]:
    """The processes (of this user) with ``path`` open, from /proc."""
    target = os.path.realpath(path)
    holders = []
    for fd_folder in Path("/proc").glob("[0-9]*/fd"):
        with contextlib.suppress(OSError):
            if any(os.path.realpath(fd) == target for fd in fd_folder.iterdir()):
                holders.append(int(fd_folder.parent.name))
    return [pid for pid in holders if pid != os.getpid()]
