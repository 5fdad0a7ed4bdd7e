"""The query-string parameters of the page and the API: request -> checked values.

Input: a request's query string and a spec, ``{name: Param}``. Output: a dict of every
name in the spec, the given value parsed and checked or the default. Unknown, repeated,
over-long or out-of-range parameters raise ``UsageError`` (a 400), never a stack trace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.fields import filter_names
from reportsearch.query.api import CONCORDANCE_ORDERS, SORTS
from starlette.requests import Request

MAX_QUERY = 500  # characters; a longer query is refused
MAX_PAGE = 10_000
VIEWS = ("passages", "kwic", "spread")
EXPORTS = ("json", "jsonl", "csv")


@dataclass(frozen=True)
class Param:
    """One query-string parameter: ``kind`` is "text", "int", "flag" or a tuple of choices."""

    kind: object = "text"
    default: object = None
    low: int = 0
    high: int = 1_000_000

    def parse(self, name: str, raw: str):
        if self.kind == "text":
            if len(raw) > MAX_QUERY:
                raise UsageError(f"{name} is longer than {MAX_QUERY} characters")
            if any(ord(c) < 32 and c not in "\t" for c in raw):
                raise UsageError(f"{name} holds control characters")
            return raw
        if self.kind == "flag":
            if raw not in ("", "0", "1", "on", "true", "false"):
                raise UsageError(f"{name} is a flag: 1 or 0")
            return raw in ("1", "on", "true")
        if self.kind == "int":
            if not raw.strip().isdigit() or len(raw.strip()) > 9:
                raise UsageError(f"{name} must be a whole number from {self.low} to {self.high}")
            value = int(raw)
            if not self.low <= value <= self.high:
                raise UsageError(f"{name} must be a whole number from {self.low} to {self.high}")
            return value
        if self.kind == "number":
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):  # nan, inf and 1e999 compare as nothing useful
                raise UsageError(f"{name} must be a number, e.g. 95 or 99.5")
            return value
        if raw not in self.kind:
            raise UsageError(f"{name} must be one of: {', '.join(self.kind)}")
        return raw


# The parameters made from the field registry (``indexer.fields``) are made at each request,
# so a field added to the registry is a parameter of every page and API that filters.


def filter_params() -> dict[str, Param]:
    """One text parameter per filter field of the registry (``?city=盘锦``)."""
    return {name: Param() for name in filter_names()}


def search_params() -> dict[str, Param]:
    """What every query takes: the query, ``words`` and the filters."""
    return {"q": Param(default=""), "words": Param("flag", False), **filter_params()}


def page_params() -> dict[str, Param]:
    """What the search page takes."""
    return {
        **search_params(),
        "sort": Param(SORTS, "relevance"),
        "view": Param(VIEWS, "passages"),
        "order": Param(CONCORDANCE_ORDERS, "hits"),
        "page": Param("int", 1, 1, MAX_PAGE),
    }


FORMAT = {"format": Param(EXPORTS, "json")}


def parse_params(request: Request, spec: dict[str, Param]) -> dict:
    """The request's query string checked against ``spec``; defaults fill the rest."""
    values = {name: param.default for name, param in spec.items()}
    for name in request.query_params:
        if name not in spec:
            raise UsageError(f"unknown parameter {name!r}; this page takes: {', '.join(spec)}")
        raws = request.query_params.getlist(name)
        if len(raws) > 1:
            raise UsageError(f"parameter {name!r} is given {len(raws)} times")
        values[name] = spec[name].parse(name, raws[0])
    return values


def filters_of(params: dict) -> dict:
    """The filters given among ``params``: ``{"city": "盘锦"}``."""
    return {name: params[name] for name in filter_names() if params.get(name)}
