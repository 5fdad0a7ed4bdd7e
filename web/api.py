"""The JSON API: a request -> the ``query`` API -> the CLI's JSON, JSON lines or CSV.

Input: GET requests with the parameters of ``web.params`` (``format`` for the exports).
Output: ``/api/search``, ``/api/facets``, ``/api/kwic``, ``/api/spread``, ``/api/metrics``,
``/api/reports``, ``/api/report/{id}``, each written by the writer ``query.render``
registers for its format, so every answer is byte for byte what the CLI prints.
"""

from __future__ import annotations

from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.fields import facet_names
from reportsearch.query import render
from reportsearch.query.api import CONCORDANCE_ORDERS, SORTS
from reportsearch.web.params import (
    FORMAT,
    Param,
    filter_params,
    filters_of,
    parse_params,
    search_params,
)
from reportsearch.web.requests import opened_index, report_id
from starlette.requests import Request
from starlette.responses import Response


def answer(fmt: str, result: render.Answer) -> Response:
    """``result`` in format ``fmt``, by its writer; the exports are downloads."""
    writer = render.writer_for(fmt)
    headers = ({"Content-Disposition": f'attachment; filename="{result.name}.{fmt}"'}
               if writer.attachment else {})  # fmt: skip
    return Response(writer.write(result), media_type=f"{writer.media_type}; charset=utf-8",
                    headers=headers)  # fmt: skip


def json_answer(data) -> Response:
    """``data`` as the CLI's ``--format json`` prints it."""
    return answer("json", render.Answer(data, []))


def api_search(request: Request):
    params = parse_params(request, {
        **search_params(), **FORMAT, "sort": Param(SORTS, "relevance"),
        "limit": Param("int", 10, 0, 100_000), "offset": Param("int", 0, 0, 10_000_000),
        "group": Param(("report",)), "facets": Param(default=",".join(facet_names())),
    })  # fmt: skip
    facets = [name.strip() for name in params["facets"].split(",") if name.strip()]
    with opened_index(request) as index:
        result = index.search(params["q"], filters=filters_of(params), words=params["words"],
                              limit=params["limit"], offset=params["offset"],
                              sort=params["sort"], group=params["group"],
                              facets=facets)  # fmt: skip
    return answer(params["format"], render.search_answer(result))


def api_facets(request: Request):
    params = parse_params(request, {**search_params(), **FORMAT,
                                    "by": Param(default=",".join(facet_names()))})  # fmt: skip
    by = [name.strip() for name in params["by"].split(",") if name.strip()]
    with opened_index(request) as index:
        data = index.facets(params["q"], by, filters=filters_of(params), words=params["words"])
    return answer(params["format"], render.facets_answer(data))


def api_kwic(request: Request):
    params = parse_params(request, {
        **search_params(), **FORMAT, "sort": Param(SORTS, "relevance"),
        "order": Param(CONCORDANCE_ORDERS, "hits"), "limit": Param("int", 50, 1, 10_000),
        "offset": Param("int", 0, 0, 10_000_000), "width": Param("int", 30, 1, 200),
    })  # fmt: skip
    with opened_index(request) as index:
        data = index.concordance(params["q"], filters=filters_of(params),
                                 words=params["words"], limit=params["limit"],
                                 offset=params["offset"], sort=params["sort"],
                                 order=params["order"], width=params["width"])  # fmt: skip
    return answer(params["format"], render.kwic_answer(data))


def api_spread(request: Request):
    params = parse_params(request, search_params())
    with opened_index(request) as index:
        data = index.spread(params["q"], filters=filters_of(params), words=params["words"])
    return json_answer(data)


def api_metrics(request: Request):
    params = parse_params(request, {
        "name": Param(default=""), **FORMAT, "min": Param("number"), "max": Param("number"),
        **filter_params(),
    })  # fmt: skip
    with opened_index(request) as index:
        if not params["name"]:
            return answer(params["format"], render.indicators_answer(index.indicators()))
        data = index.metrics(params["name"], filters=filters_of(params),
                             minimum=params["min"], maximum=params["max"])  # fmt: skip
    return answer(params["format"], render.metrics_answer(params["name"], data))


def api_reports(request: Request):
    params = parse_params(request, FORMAT)
    with opened_index(request) as index:
        rows = index.reports()
    return answer(params["format"], render.reports_answer(rows))


def api_report(request: Request):
    wanted = report_id(request)
    params = parse_params(request, {"q": Param(default=""), "words": Param("flag", False)})
    with opened_index(request) as index:
        return json_answer(index.report(wanted, params["q"], words=params["words"]))


def api_diff(request: Request):
    """``/api/diff?a=A&b=B``: the CLI's ``diff --format json``."""
    params = parse_params(request, {"a": Param(default=""), "b": Param(default="")})
    if not params["a"] or not params["b"]:
        raise UsageError("give a=REPORT and b=REPORT")
    with opened_index(request) as index:
        return json_answer(index.diff(params["a"], params["b"]))


def api_reuse(request: Request):
    """``/api/reuse`` (every family) or ``/api/reuse?report=ID``: the CLI's ``reuse``."""
    params = parse_params(request, {"report": Param(default="")})
    with opened_index(request) as index:
        return json_answer(index.reuse(params["report"] or None))
