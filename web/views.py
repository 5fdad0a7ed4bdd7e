"""The HTML pages: a request -> the ``query`` API -> a page rendered from ``templates/``.

Input: GET requests with the parameters of ``web.params``. Output: ``/`` (search: passages,
concordance, where & when), ``/report/{id}`` (the reader), ``/diff/{id}`` (a report against
another, by default the same place's year before), ``/reuse/{id}`` (where else a report's
passages appear) and ``/metrics`` (indicators and one indicator's figures). One plain
function per page; none holds search logic.
"""

from __future__ import annotations

from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from reportsearch.indexer.fields import facet_names
from reportsearch.query import render
from reportsearch.query.api import CONCORDANCE_ORDERS, SORTS
from reportsearch.query.snippets import Snippet, excerpt
from reportsearch.web.params import Param, filter_params, filters_of, page_params, parse_params
from reportsearch.web.requests import opened_index, report_id, templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

PAGE_SIZE = 20
KWIC_PAGE_SIZE = 50


def environment() -> Environment:
    """The pages' templates, with ``marked`` (highlights as ``<mark>``) and ``page_url``."""
    env = Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marked"] = lambda item: marked(item["text"], item["highlights"])
    env.globals["page_url"] = page_url
    return env


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    html = templates(request).get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def search_page(request: Request):
    spec = page_params()
    params = parse_params(request, spec)
    # The page's state as its address holds it: what differs from the defaults.
    state = {k: v for k, v in params.items()
             if v not in (None, "", False) and v != spec[k].default}  # fmt: skip
    filters = filters_of(params)
    query = params["q"].strip()
    context = dict(state=state, params=params, filters=filters, query=query,
                   facet_names=facet_names(), sorts=SORTS, orders=CONCORDANCE_ORDERS)  # fmt: skip
    with opened_index(request) as index:
        if not query and not filters:
            data = index.facets("", facet_names())
            return page(request, "search.html", **context, landing=True, facets=data["facets"],
                        total=data["total"], reports=data["reports"])  # fmt: skip
        options = dict(filters=filters, words=params["words"])
        if params["view"] == "kwic":
            offset = (params["page"] - 1) * KWIC_PAGE_SIZE
            kwic = index.concordance(query, limit=KWIC_PAGE_SIZE, offset=offset,
                                     sort=params["sort"], order=params["order"],
                                     facets=facet_names(), **options)  # fmt: skip
            return page(request, "search.html", **context, kwic=kwic["lines"],
                        facets=kwic["facets"], total=kwic["total"], reports=kwic["reports"],
                        pages=_pages(kwic["total"], KWIC_PAGE_SIZE))  # fmt: skip
        offset = (params["page"] - 1) * PAGE_SIZE
        result = index.search(query, limit=PAGE_SIZE, offset=offset, sort=params["sort"],
                              **options)  # fmt: skip
    hits = []
    for hit in result.hits:
        cut = excerpt(Snippet(hit.snippet, [tuple(h) for h in hit.highlights], hit.matches))
        hits.append({"hit": hit, "text": cut.text, "highlights": cut.highlights,
                     "anchor": _anchor(hit.passage)})  # fmt: skip
    return page(request, "search.html", **context, hits=hits, facets=result.facets,
                total=result.total, reports=result.reports,
                pages=_pages(result.total, PAGE_SIZE))  # fmt: skip


def report_page(request: Request):
    wanted = report_id(request)
    params = parse_params(request, {"q": Param(default=""), "words": Param("flag", False)})
    with opened_index(request) as index:
        from reportsearch.query.diff import previous_report

        data = index.report(wanted, params["q"], words=params["words"])
        previous = previous_report(index, data["report"]["report"], data["report"])
    for passage in data["passages"]:
        passage["anchor"] = _anchor(passage["passage"])
    for entry in data["outline"]:
        entry["anchor"] = _anchor(entry["passage"])
    return page(request, "report.html", data=data, params=params, summary=data["report"],
                previous=previous)  # fmt: skip


def diff_page(request: Request):
    """Report B (the path) against ``?against=A``, by default the same place's report of
    the year before; the changed characters marked."""
    wanted = report_id(request)
    params = parse_params(request, {"against": Param(default="")})
    with opened_index(request) as index:
        data = index.diff(params["against"] or None, wanted)
    for row in data["changed"]:
        row["before_html"] = _spans(row["before"], row["marks"]["before"], "del")
        row["after_html"] = _spans(row["after"], row["marks"]["after"], "ins")
    return page(request, "diff.html", data=data)


def reuse_page(request: Request):
    """Where else each passage of a report appears, earlier or later, with links."""
    wanted = report_id(request)
    with opened_index(request) as index:
        data = index.reuse(wanted)
    for passage in data["passages"]:
        passage["anchor"] = _anchor(passage["passage"])
    return page(request, "reuse.html", data=data)


def families_page(request: Request):
    """Every family of shared passages, largest first, each with its source and a link to
    its spread over years and on the map (the search page's "where & when" of its
    reports)."""
    with opened_index(request) as index:
        data = index.reuse()
    for family in data["families"]:
        reports = " OR ".join(f'"{row["report"]}"' for row in family["reports"])
        family["spread"] = page_url("/", {"q": f"report:({reports})", "view": "spread"})
    return page(request, "families.html", data=data)


def _spans(text: str, spans, tag: str) -> Markup:
    """``text`` escaped, with ``<tag>`` around each [start, end) span."""
    out, last = [], 0
    for start, end in spans:
        out += [escape(text[last:start]), Markup(f"<{tag}>"), escape(text[start:end]),
                Markup(f"</{tag}>")]  # fmt: skip
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def metrics_page(request: Request):
    params = parse_params(request, {"name": Param(default=""), **filter_params()})
    filters = filters_of(params)
    with opened_index(request) as index:
        if not params["name"]:
            return page(request, "metrics.html", params=params, indicators=index.indicators())
        data = index.metrics(params["name"], filters=filters)
    state = {k: v for k, v in params.items() if v}
    return page(request, "metrics.html", params=params, rows=data["rows"], state=state,
                columns=render.METRIC_COLUMNS)  # fmt: skip


# ---- helpers of the templates ---------------------------------------------------------------


def marked(text: str, highlights) -> Markup:
    """``text`` escaped, with ``<mark>`` around each highlight span."""
    out, last = [], 0
    for start, end in highlights:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def page_url(path: str, state: dict, **changes) -> str:
    """``path`` with the page state, changed by ``changes`` (None removes a parameter).
    Any change but the page's own goes back to page 1."""
    merged = {**state, **changes}
    if "page" not in changes:
        merged.pop("page", None)
    query = {k: v for k, v in merged.items() if v not in (None, "", False)}
    query = {k: ("1" if v is True else v) for k, v in query.items()}
    return path + ("?" + urlencode(query) if query else "")


def _anchor(passage_id: str) -> str:
    """The reader's anchor of a passage id "<report>#<position>": "p<position>"."""
    return "p" + passage_id.rsplit("#", 1)[-1]


def _pages(total: int, size: int) -> int:
    return max(1, -(-total // size))
