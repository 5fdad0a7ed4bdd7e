"""What a request carries beyond its parameters: the app's index pool and templates, and
the report id in its path.

Input: a Starlette request of the app ``web.app.create_app`` made. Output: an open index
(a context manager), the template environment, a checked report id.
"""

from __future__ import annotations

from reportsearch.indexer.errors import UsageError
from starlette.requests import Request

MAX_REPORT_ID = 4096  # characters: a deep path of escaped names


def opened_index(request: Request):
    """One open index of the app's pool, held for the ``with`` block (``IndexPool``)."""
    return request.app.state.pool.opened()


def templates(request: Request):
    return request.app.state.templates


def report_id(request: Request) -> str:
    """The report id in the path: sub-folder ids have slashes (``a/index``); no segment may
    be empty, ``.`` or ``..``. An id only ever names a report in the index, never a file, so
    backslashes (the ``\\xb1`` escapes of a GBK file name) and other characters a file name
    may hold are looked up like any other."""
    found = request.path_params["report_id"]
    segments = found.split("/")
    if (not found or len(found) > MAX_REPORT_ID
            or any(segment in ("", ".", "..") for segment in segments)):  # fmt: skip
        raise UsageError("not a report id")
    return found
