"""The web front end: HTTP requests -> the ``query`` API -> HTML pages and JSON.

Input: GET requests. Output: pages rendered from ``templates/`` and JSON/CSV from the same
records the CLI prints (``query.render``). Like ``cli.py`` it only translates: every answer
comes from ``query.api.ReportIndex``; there is no search logic here.

Pages: ``/`` (search: passages, concordance, where & when), ``/report/{id}`` (the reader),
``/metrics`` (indicators and one indicator's figures).
API (the CLI's JSON schemas): ``/api/search``, ``/api/facets``, ``/api/kwic``,
``/api/spread``, ``/api/metrics``, ``/api/reports``, ``/api/report/{id}``.

Every parameter is checked against the list of its route: unknown parameters, bad numbers,
over-long text and out-of-range pages are a 400 with ``{"error": {...}}`` (or an error page),
never a stack trace. Bound to loopback, only requests addressed to localhost are answered,
which shuts out DNS-rebinding pages.
"""

from __future__ import annotations

import os
import sys
import traceback
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import anyio.to_thread
from anyio import CapacityLimiter
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from indexer.errors import (
    IndexEmptyError,
    IndexLockedError,
    IndexMissingError,
    IndexVersionError,
    ReportNotFoundError,
    ReportSearchError,
    UsageError,
)
from indexer.fields import facet_names
from query import render
from query.api import CONCORDANCE_ORDERS, SORTS
from query.snippets import Snippet, excerpt
from web.params import (  # noqa: F401  MAX_QUERY: the limit tests and callers read here
    FORMAT,
    MAX_QUERY,
    Param,
    filter_params,
    filters_of,
    page_params,
    parse_params,
    search_params,
)
from web.pool import SEARCHES, IndexPool

STATIC_DIR = Path(__file__).with_name("static")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
MAX_REPORT_ID = 4096  # characters: a deep path of escaped names
PAGE_SIZE = 20
KWIC_PAGE_SIZE = 50

# ---- rendering helpers ----------------------------------------------------------------------


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


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marked"] = lambda item: marked(item["text"], item["highlights"])
    env.globals["page_url"] = page_url
    return env


# ---- errors ---------------------------------------------------------------------------------

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


# ---- the app --------------------------------------------------------------------------------


def create_app(index_dir: str | Path, *, allowed_hosts=LOOPBACK_HOSTS,
               searches: int = SEARCHES) -> Starlette:  # fmt: skip
    """The web app over the index in ``index_dir``. ``allowed_hosts``: the Host names it
    answers ("*" for any, when it is served beyond this machine). ``searches``: how many
    requests search at once, each in a thread with an open index of its own; the others
    wait their turn without holding a thread."""
    holder = IndexPool(Path(index_dir), searches)
    limiter = CapacityLimiter(searches)

    def in_thread(endpoint):
        """``endpoint`` run in one of ``searches`` threads, off the event loop: a slow
        search holds its own thread, and the loop goes on accepting and answering."""

        async def run(request: Request):
            return await anyio.to_thread.run_sync(endpoint, request, limiter=limiter)

        return run
    templates = _environment()

    def page(name: str, status: int = 200, **context) -> HTMLResponse:
        html = templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def answer(fmt: str, data, rows, columns, name: str) -> Response:
        """``data`` as JSON, or ``rows`` as the CLI prints them in ``fmt`` (a download)."""
        if fmt == "json":
            return JSONResponse(data)
        text = render.rows_as(fmt, rows, columns)
        media = {"csv": "text/csv", "jsonl": "application/x-ndjson"}.get(fmt, "application/json")
        return Response(
            text, media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
        )  # fmt: skip

    # ---- pages ----

    def search_page(request: Request):
        spec = page_params()
        params = parse_params(request, spec)
        # The page's state as its address holds it: what differs from the defaults.
        state = {k: v for k, v in params.items()
                 if v not in (None, "", False) and v != spec[k].default}  # fmt: skip
        filters = filters_of(params)
        query = params["q"].strip()
        context = dict(state=state, params=params, filters=filters, query=query,
                       facet_names=facet_names(), sorts=SORTS,
                       orders=CONCORDANCE_ORDERS)  # fmt: skip
        with holder.opened() as index:
            if not query and not filters:
                data = index.facets("", facet_names())
                return page("search.html", **context, landing=True, facets=data["facets"],
                            total=data["total"], reports=data["reports"])  # fmt: skip
            options = dict(filters=filters, words=params["words"])
            if params["view"] == "kwic":
                offset = (params["page"] - 1) * KWIC_PAGE_SIZE
                kwic = index.concordance(query, limit=KWIC_PAGE_SIZE, offset=offset,
                                         sort=params["sort"], order=params["order"],
                                         facets=facet_names(), **options)  # fmt: skip
                return page("search.html", **context, kwic=kwic["lines"], facets=kwic["facets"],
                            total=kwic["total"], reports=kwic["reports"],
                            pages=_pages(kwic["total"], KWIC_PAGE_SIZE))  # fmt: skip
            offset = (params["page"] - 1) * PAGE_SIZE
            result = index.search(query, limit=PAGE_SIZE, offset=offset, sort=params["sort"],
                                  **options)  # fmt: skip
        hits = []
        for hit in result.hits:
            cut = excerpt(Snippet(hit.snippet, [tuple(h) for h in hit.highlights], hit.matches))
            hits.append({"hit": hit, "text": cut.text, "highlights": cut.highlights,
                         "anchor": _anchor(hit.passage)})  # fmt: skip
        return page("search.html", **context, hits=hits, facets=result.facets,
                    total=result.total, reports=result.reports,
                    pages=_pages(result.total, PAGE_SIZE))  # fmt: skip

    def report_page(request: Request):
        report_id = _report_id(request)
        params = parse_params(request, {"q": Param(default=""), "words": Param("flag", False)})
        with holder.opened() as index:
            data = index.report(report_id, params["q"], words=params["words"])
        for passage in data["passages"]:
            passage["anchor"] = _anchor(passage["passage"])
        for entry in data["outline"]:
            entry["anchor"] = _anchor(entry["passage"])
        return page("report.html", data=data, params=params, summary=data["report"])

    def metrics_page(request: Request):
        params = parse_params(request, {"name": Param(default=""), **filter_params()})
        filters = filters_of(params)
        with holder.opened() as index:
            if not params["name"]:
                return page("metrics.html", params=params, indicators=index.indicators())
            data = index.metrics(params["name"], filters=filters)
        state = {k: v for k, v in params.items() if v}
        return page("metrics.html", params=params, rows=data["rows"], state=state,
                    columns=render.METRIC_COLUMNS)  # fmt: skip

    # ---- API ----

    def api_search(request: Request):
        params = parse_params(request, {
            **search_params(), **FORMAT, "sort": Param(SORTS, "relevance"),
            "limit": Param("int", 10, 0, 100_000), "offset": Param("int", 0, 0, 10_000_000),
            "group": Param(("report",)), "facets": Param(default=",".join(facet_names())),
        })  # fmt: skip
        facets = [name.strip() for name in params["facets"].split(",") if name.strip()]
        with holder.opened() as index:
            result = index.search(params["q"], filters=filters_of(params), words=params["words"],
                                  limit=params["limit"], offset=params["offset"],
                                  sort=params["sort"], group=params["group"],
                                  facets=facets)  # fmt: skip
        if params["format"] == "jsonl":
            rows = [{"query": result.query, **hit.as_dict()} for hit in result.hits]
            return answer("jsonl", None, rows, None, "hits")
        return answer(params["format"], result.as_dict(), render.hit_rows([result], False),
                      render.hit_columns(False), "hits")  # fmt: skip

    def api_facets(request: Request):
        params = parse_params(request, {**search_params(), **FORMAT,
                                        "by": Param(default=",".join(facet_names()))})  # fmt: skip
        by = [name.strip() for name in params["by"].split(",") if name.strip()]
        with holder.opened() as index:
            data = index.facets(params["q"], by, filters=filters_of(params),
                                words=params["words"])  # fmt: skip
        return answer(params["format"], data, render.facet_rows(data), render.FACET_COLUMNS,
                      "facets")  # fmt: skip

    def api_kwic(request: Request):
        params = parse_params(request, {
            **search_params(), **FORMAT, "sort": Param(SORTS, "relevance"),
            "order": Param(CONCORDANCE_ORDERS, "hits"), "limit": Param("int", 50, 1, 10_000),
            "offset": Param("int", 0, 0, 10_000_000), "width": Param("int", 30, 1, 200),
        })  # fmt: skip
        with holder.opened() as index:
            data = index.concordance(params["q"], filters=filters_of(params),
                                     words=params["words"], limit=params["limit"],
                                     offset=params["offset"], sort=params["sort"],
                                     order=params["order"], width=params["width"])  # fmt: skip
        return answer(params["format"], data, data["lines"], render.KWIC_COLUMNS, "concordance")

    def api_spread(request: Request):
        params = parse_params(request, search_params())
        with holder.opened() as index:
            data = index.spread(params["q"], filters=filters_of(params), words=params["words"])
        return JSONResponse(data)

    def api_metrics(request: Request):
        params = parse_params(request, {
            "name": Param(default=""), **FORMAT, "min": Param("number"), "max": Param("number"),
            **filter_params(),
        })  # fmt: skip
        with holder.opened() as index:
            if not params["name"]:
                rows = index.indicators()
                return answer(params["format"], {"indicators": rows}, rows,
                              render.INDICATOR_COLUMNS, "indicators")  # fmt: skip
            data = index.metrics(params["name"], filters=filters_of(params),
                                 minimum=params["min"], maximum=params["max"])  # fmt: skip
        return answer(params["format"], data, data["rows"], render.METRIC_COLUMNS, "metrics")

    def api_reports(request: Request):
        params = parse_params(request, FORMAT)
        with holder.opened() as index:
            rows = index.reports()
        return answer(params["format"], rows, rows, render.REPORT_EXPORT_COLUMNS, "reports")

    def api_report(request: Request):
        report_id = _report_id(request)
        params = parse_params(request, {"q": Param(default=""), "words": Param("flag", False)})
        with holder.opened() as index:
            return JSONResponse(index.report(report_id, params["q"], words=params["words"]))

    # ---- errors ----

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def problem(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(status, message), status_code=status)
        return page("error.html", status=status, status_code=status, message=message)

    async def on_library_error(request: Request, error: ReportSearchError):
        return problem(request, status_of(error), str(error))

    async def on_http_error(request: Request, error: HTTPException):
        message = {404: "no such page", 405: "only GET is answered here"}.get(
            error.status_code, str(error.detail))
        return problem(request, error.status_code, message)

    async def on_bug(request: Request, error: Exception):
        # A bug: one line to the browser and to the server's terminal; the traceback only
        # with REPORTSEARCH_DEBUG set.
        print(f"reportsearch: internal error on {request.url.path}: "
              f"{type(error).__name__}: {error}", file=sys.stderr)  # fmt: skip
        if os.environ.get("REPORTSEARCH_DEBUG"):
            traceback.print_exception(error)
        return problem(request, 500, f"internal error: {type(error).__name__}")

    routes = [
        Route("/", in_thread(search_page)),
        Route("/report/{report_id:path}", in_thread(report_page)),
        Route("/metrics", in_thread(metrics_page)),
        Route("/api/search", in_thread(api_search)),
        Route("/api/facets", in_thread(api_facets)),
        Route("/api/kwic", in_thread(api_kwic)),
        Route("/api/spread", in_thread(api_spread)),
        Route("/api/metrics", in_thread(api_metrics)),
        Route("/api/reports", in_thread(api_reports)),
        Route("/api/report/{report_id:path}", in_thread(api_report)),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    hosts = ["*"] if "*" in allowed_hosts else [h if ":" not in h else f"[{h}]"
                                                 for h in allowed_hosts]  # fmt: skip
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
                    Middleware(SecurityHeaders)],  # fmt: skip
        exception_handlers={ReportSearchError: on_library_error, HTTPException: on_http_error,
                            Exception: on_bug},  # fmt: skip
        lifespan=_closing(holder),
    )
    return app


class SecurityHeaders:
    """Scripts only from this server, no framing, no sniffing, no referrer leaks."""

    POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
              "base-uri 'none'; form-action 'self'")  # fmt: skip

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", self.POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


def _closing(holder: IndexPool):
    """The app's lifespan: the open index is closed when the server stops."""

    @asynccontextmanager
    async def lifespan(app):
        yield
        holder.close()

    return lifespan


def _report_id(request: Request) -> str:
    """The report id in the path: sub-folder ids have slashes (``a/index``); no segment may
    be empty, ``.`` or ``..``. An id only ever names a report in the index, never a file, so
    backslashes (the ``\\xb1`` escapes of a GBK file name) and other characters a file name
    may hold are looked up like any other."""
    report_id = request.path_params["report_id"]
    segments = report_id.split("/")
    if (not report_id or len(report_id) > MAX_REPORT_ID
            or any(segment in ("", ".", "..") for segment in segments)):  # fmt: skip
        raise UsageError("not a report id")
    return report_id


def _anchor(passage_id: str) -> str:
    """The reader's anchor of a passage id "<report>#<position>": "p<position>"."""
    return "p" + passage_id.rsplit("#", 1)[-1]


def _pages(total: int, size: int) -> int:
    return max(1, -(-total // size))
