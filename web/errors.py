"""Errors of the page and the API: an exception -> one shape of answer.

Input: the library's typed errors (``indexer.errors``), Starlette's HTTP errors and bugs.
Output: for ``/api/`` the JSON ``{"error": {"status", "message"}}``, for pages the error
page; a status from the error's type; a bug is one line, never a stack trace.
"""

from __future__ import annotations

import os
import sys
import traceback

from reportsearch.indexer.errors import (
    IndexEmptyError,
    IndexLockedError,
    IndexMissingError,
    IndexVersionError,
    ReportNotFoundError,
    ReportSearchError,
    UsageError,
)
from reportsearch.web.views import page
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

STATUS = {
    UsageError: 400,
    ReportNotFoundError: 404,
    IndexMissingError: 503,
    IndexVersionError: 503,
    IndexLockedError: 503,
    IndexEmptyError: 503,
}


def status_of(error: ReportSearchError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400  # query syntax and other input the user can fix


def error_body(status: int, message: str) -> dict:
    """The one shape of every error the API returns."""
    return {"error": {"status": status, "message": message}}


def problem(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse(error_body(status, message), status_code=status)
    return page(request, "error.html", status=status, status_code=status, message=message)


async def on_library_error(request: Request, error: ReportSearchError):
    return problem(request, status_of(error), str(error))


async def on_http_error(request: Request, error: HTTPException):
    message = {404: "no such page", 405: "only GET is answered here"}.get(
        error.status_code, str(error.detail)
    )
    return problem(request, error.status_code, message)


async def on_bug(request: Request, error: Exception):
    # A bug: one line to the browser and to the server's terminal; the traceback only
    # with REPORTSEARCH_DEBUG set.
    print(f"reportsearch: internal error on {request.url.path}: "
          f"{type(error).__name__}: {error}", file=sys.stderr)  # fmt: skip
    if os.environ.get("REPORTSEARCH_DEBUG"):
        traceback.print_exception(error)
    return problem(request, 500, f"internal error: {type(error).__name__}")


HANDLERS = {ReportSearchError: on_library_error, HTTPException: on_http_error, Exception: on_bug}
