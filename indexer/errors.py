"""Every error reportsearch raises on purpose, in one place.

Input: nothing; output: exception classes. Each one's ``str()`` is a complete one-line
message for a user (the CLI prints it as it is), and each class says which exit code the
CLI uses for it. Anything that is not a ``ReportSearchError`` is a bug.
"""

from __future__ import annotations


class ReportSearchError(Exception):
    """Base class: a problem the user can act on. ``str(error)`` is one line."""

    exit_code = 2


class ReadError(ReportSearchError):
    """A report file could not be read or decoded. Other files go on."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class SidecarError(ReadError):
    """A sidecar metadata file (``NAME.meta.json``) is malformed."""


class QuerySyntaxError(ReportSearchError):
    """A query could not be parsed; the message says what and where."""


class IndexMissingError(ReportSearchError):
    """There is no index where one was expected."""


class IndexVersionError(ReportSearchError):
    """The index was written by another format version of reportsearch."""


class IndexLockedError(ReportSearchError):
    """Another process is writing the index."""


class UsageError(ReportSearchError):
    """Arguments that do not fit together (e.g. a bad year range)."""


class IndexEmptyError(ReportSearchError):
    """The index holds no report, so nothing can match (grep's "nothing found")."""

    exit_code = 1


class ReportNotFoundError(ReportSearchError):
    """A report id that is not in the index."""


class IndexShrinkError(ReportSearchError):
    """An update or rebuild that would drop most of the index (a wrong folder, a typo):
    refused unless forced, and nothing is changed."""
