"""Every error reportsearch raises on purpose, in one place.

Input: nothing; output: exception classes. Each one's ``str()`` is a complete one-line
message for a user (the CLI prints it as it is), and each class says which exit code the
CLI uses for it. Anything that is not a ``ReportSearchError`` is a bug.
"""

from __future__ import annotations

import os


class ReportSearchError(Exception):
    """Base class: a problem the user can act on. ``str(error)`` is one line."""

    exit_code = 2


def shown_path(path) -> str:
    """A file name as text that can always be printed and stored: bytes that are not UTF-8
    (a GBK name from a zip made on Windows) are shown as escapes (``\\xb1``), the same way
    every time, so report ids made from them are stable."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class ReadError(ReportSearchError):
    """A report file could not be read or decoded. Other files go on."""

    def __init__(self, path, reason: str):
        self.path = shown_path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):
        # Pickle by (path, reason): errors cross from reading processes to the writer, and
        # the default (the message alone) cannot rebuild a class with two arguments.
        return (type(self), (self.path, self.reason))


class ReadWarning(ReadError):
    """A report that was indexed, but not all of it as it was (bad bytes replaced, cleaning
    capped, …): said once, in one line, and kept on the report's reading decision."""


class SidecarError(ReadError):
    """A sidecar metadata file (``NAME.meta.json``) is malformed."""


class QuerySyntaxError(ReportSearchError):
    """A query could not be parsed; the message says what and where."""


class IndexMissingError(ReportSearchError):
    """There is no index where one was expected."""


class IndexVersionError(ReportSearchError):
    """The index was written by another format version of reportsearch."""


class IndexDamagedError(IndexVersionError):
    """Index files are missing, truncated or garbled; the message names the damage and the
    rebuild command (a rebuild never reads the damaged index)."""


class IndexWriteError(ReportSearchError):
    """The index folder cannot be written (read-only, full disk); the old index answers."""


class IndexLockedError(ReportSearchError):
    """Another process is writing the index."""


class UsageError(ReportSearchError):
    """Arguments that do not fit together (e.g. a bad year range)."""


class ConfigurationError(ReportSearchError):
    """A setting that names nothing usable (e.g. an unknown REPORTSEARCH_WORDS_BACKEND)."""


class IndexEmptyError(ReportSearchError):
    """The index holds no report, so nothing can match (grep's "nothing found")."""

    exit_code = 1


class ReportNotFoundError(ReportSearchError):
    """A report id that is not in the index."""


class ListenError(ReportSearchError):
    """``serve`` cannot listen on the address asked for (a busy port, a host name that does
    not resolve, a port that needs rights): said before anything is announced."""


class IndexShrinkError(ReportSearchError):
    """An update or rebuild that would drop most of the index (a wrong folder, a typo):
    refused unless forced, and nothing is changed."""


class UpdateInterrupted(ReportSearchError):
    """Ctrl-C during ``index``: says whether the update had been committed, which is the
    truth a user needs (it may have been, an instant before)."""

    exit_code = 130

    def __init__(self, committed: bool):
        self.committed = committed
        super().__init__(
            "interrupted after the update was committed: the index has the changes"
            if committed
            else "interrupted before the update was committed: the index is as it was before"
        )

    def __reduce__(self):
        return (type(self), (self.committed,))
