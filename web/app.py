"""The web front end's app: the routes of ``web.views`` (pages) and ``web.api`` (JSON),
the error handlers of ``web.errors``, the security headers and the host check.

Input: an index folder. Output: a Starlette app; ``web.server`` serves it. Like ``cli.py``
the page only translates: every answer comes from ``query.api.ReportIndex``, and every
export is written by ``query.render``'s writers; there is no search logic in ``web/``.

Every parameter is checked against the list of its route (``web.params``): unknown
parameters, bad numbers, over-long text and out-of-range pages are a 400 with
``{"error": {...}}`` (or an error page), never a stack trace. Bound to loopback, only
requests addressed to localhost are answered, which shuts out DNS-rebinding pages.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from anyio import CapacityLimiter
from reportsearch.web import api, errors, views
from reportsearch.web.params import MAX_QUERY  # noqa: F401  the limit callers and tests read here
from reportsearch.web.pool import SEARCHES, IndexPool
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).with_name("static")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

ROUTES = {
    "/": views.search_page,
    "/report/{report_id:path}": views.report_page,
    "/diff/{report_id:path}": views.diff_page,
    "/reuse": views.families_page,
    "/reuse/{report_id:path}": views.reuse_page,
    "/metrics": views.metrics_page,
    "/api/search": api.api_search,
    "/api/facets": api.api_facets,
    "/api/kwic": api.api_kwic,
    "/api/spread": api.api_spread,
    "/api/metrics": api.api_metrics,
    "/api/reports": api.api_reports,
    "/api/report/{report_id:path}": api.api_report,
    "/api/diff": api.api_diff,
    "/api/reuse": api.api_reuse,
}


def create_app(index_dir: str | Path, *, allowed_hosts=LOOPBACK_HOSTS,
               searches: int = SEARCHES) -> Starlette:  # fmt: skip
    """The web app over the index in ``index_dir``. ``allowed_hosts``: the Host names it
    answers ("*" for any, when it is served beyond this machine). ``searches``: how many
    requests search at once, each in a thread with an open index of its own; the others
    wait their turn without holding a thread."""
    pool = IndexPool(Path(index_dir), searches)
    limiter = CapacityLimiter(searches)
    routes = [Route(path, _in_thread(endpoint, limiter)) for path, endpoint in ROUTES.items()]
    routes.append(Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"))
    hosts = ["*"] if "*" in allowed_hosts else [h if ":" not in h else f"[{h}]"
                                                 for h in allowed_hosts]  # fmt: skip
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
            Middleware(SecurityHeaders),
        ],  # fmt: skip
        exception_handlers=errors.HANDLERS,
        lifespan=_closing(pool),
    )
    app.state.pool = pool
    app.state.templates = views.environment()
    return app


def _in_thread(endpoint, limiter: CapacityLimiter):
    """``endpoint`` run in one of ``searches`` threads, off the event loop: a slow search
    holds its own thread, and the loop goes on accepting and answering."""

    async def run(request: Request):
        return await anyio.to_thread.run_sync(endpoint, request, limiter=limiter)

    return run


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
