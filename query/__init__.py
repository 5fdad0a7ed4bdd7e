"""The query side: parsing -> engine (matching, counting, ranking) -> facets -> record ->
snippets, and the API in ``api``."""

from .api import Hit, ReportIndex, SearchResult, open_index
from .parsing import parse_query

__all__ = ["Hit", "ReportIndex", "SearchResult", "open_index", "parse_query"]
