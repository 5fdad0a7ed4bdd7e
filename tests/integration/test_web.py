"""web.app through Starlette's test client: pages, the JSON API (the CLI's schemas), exports
(the CLI's bytes), and hostile input (escaped or refused with a 400; the server stays up)."""

from __future__ import annotations

import asyncio
import errno
import io
import json
import select
import shutil
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from helpers import SEED_FILES, SEEDS, index_of
from reportsearch.cli import cli
from reportsearch.indexer.store import IndexStore
from reportsearch.web.app import MAX_QUERY, create_app
from starlette.testclient import TestClient

HOSTILE = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory):
    """The seeds plus a report whose text holds markup meant to run in a browser."""
    source = tmp_path_factory.mktemp("web-source")
    for stem in SEED_FILES.values():
        shutil.copy(SEEDS / f"{stem}.txt", source)
    (source / "hostile.txt").write_text(
        "某某市人民政府关于2022年法治政府建设情况的报告\n"
        f"一、总体情况\n今年我们推进柔性执法改革{HOSTILE}并取得成效。\n",
        "utf-8",
    )
    directory = tmp_path_factory.mktemp("web-index")
    IndexStore(directory).update([source])
    return directory


@pytest.fixture(scope="module")
def client(hostile_index):
    # Server errors come back as the browser would see them, not raised in the test.
    with TestClient(create_app(hostile_index), base_url="http://localhost",
                    raise_server_exceptions=False) as test_client:  # fmt: skip
        yield test_client


def cli_output(index_dir, *args) -> str:
    result = CliRunner().invoke(cli, ["--index-dir", str(index_dir), *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout_bytes.decode("utf-8")  # .output would fold CSV's \r\n


# ---- pages ----------------------------------------------------------------------------------


def test_search_page_shows_hits_with_highlights_and_facets(client):
    page = client.get("/", params={"q": "柔性执法"})
    assert page.status_code == 200
    assert "盘锦市" in page.text and "遂宁市" in page.text
    assert "<mark>柔性執法</mark>" in page.text  # Traditional report, its own characters
    assert 'data-facet="year"' in page.text
    assert "/api/search?q=" in page.text  # the export links carry the query


def test_facet_links_filter_and_chips_remove_the_filter(client):
    page = client.get("/", params={"q": "柔性执法", "year": "2023"})
    assert "遂宁市" in page.text and "盘锦市" not in page.text.split('class="results"')[1]
    assert 'class="chip" href="/?q=%E6%9F%94%E6%80%A7%E6%89%A7%E6%B3%95"' in page.text


def test_landing_page_lists_the_index_and_the_syntax(client):
    page = client.get("/")
    assert page.status_code == 200 and "6 reports" in page.text and "year:2019..2021" in page.text


def test_kwic_view_has_one_line_per_occurrence(client):
    page = client.get("/", params={"q": "柔性执法", "view": "kwic"})
    lines = page.text.count('<td class="match">')
    api = client.get("/api/kwic", params={"q": "柔性执法"}).json()
    assert lines == len(api["lines"]) == 16  # 14 盘锦 + 1 遂宁 + 1 in the hostile report


def test_report_reader_shows_the_report_with_outline_and_matches(client):
    report = SEED_FILES["盘锦"]
    page = client.get(f"/report/{report}", params={"q": "柔性执法"})
    assert page.status_code == 200
    assert page.text.count("<mark>") == 14
    assert 'id="p0001"' in page.text and 'href="#p0001"' in page.text  # outline -> passage
    assert "盘锦市" in page.text and "utf-8" in page.text  # metadata


def test_metrics_pages(client):
    listing = client.get("/metrics")
    assert listing.status_code == 200 and "出庭应诉率" in listing.text
    one = client.get("/metrics", params={"name": "出庭应诉率"})
    assert one.status_code == 200 and 'data-chart="metric"' in one.text


# ---- the API: the CLI's JSON, CSV and JSON lines ---------------------------------------


def test_api_search_is_the_cli_json(client, hostile_index):
    api = client.get("/api/search", params={"q": "柔性执法", "limit": "0"}).json()
    assert api == json.loads(cli_output(hostile_index, "search", "柔性执法", "--limit", "0",
                                        "--format", "json"))  # fmt: skip


@pytest.mark.parametrize(
    "url, params, command",
    [
        ("/api/search", {"q": "行政复议", "format": "csv", "limit": "0"},
         ["search", "行政复议", "--limit", "0", "--format", "csv"]),
        ("/api/search", {"q": "行政复议", "format": "jsonl", "province": "四川"},
         ["search", "行政复议", "--province", "四川", "--format", "jsonl"]),
        ("/api/facets", {"q": "法治政府建设", "by": "year", "format": "csv"},
         ["facets", "法治政府建设", "--by", "year", "--format", "csv"]),
        ("/api/metrics", {"name": "出庭应诉率", "format": "csv"},
         ["metrics", "出庭应诉率", "--format", "csv"]),
        ("/api/reports", {"format": "csv"}, ["reports", "--format", "csv"]),
        # one output path: JSON, concordances and indicators are the CLI's bytes too
        ("/api/search", {"q": "柔性执法", "limit": "0"},
         ["search", "柔性执法", "--limit", "0", "--format", "json"]),
        ("/api/kwic", {"q": "柔性执法", "format": "csv", "limit": "10000"},
         ["search", "柔性执法", "--kwic", "--limit", "0", "--format", "csv"]),
        ("/api/metrics", {"format": "jsonl"}, ["metrics", "--format", "jsonl"]),
        ("/api/reports", {}, ["reports", "--format", "json"]),
    ],
)  # fmt: skip
def test_api_exports_are_the_cli_bytes(client, hostile_index, url, params, command):
    response = client.get(url, params=params)
    assert response.status_code == 200
    assert response.text == cli_output(hostile_index, *command)


def test_api_facets_spread_report_and_indicators(client):
    facets = client.get("/api/facets", params={"q": "柔性执法", "by": "city"}).json()
    assert {row["value"] for row in facets["facets"]["city"]} >= {"盘锦市", "遂宁市"}
    spread = client.get("/api/spread", params={"q": "柔性执法"}).json()
    assert {"years", "places", "total", "reports"} <= set(spread)
    report = client.get(f"/api/report/{SEED_FILES['遂宁']}", params={"q": "柔性执法"}).json()
    assert report["matches"] == 1 and report["report"]["city"] == "遂宁市"
    indicators = client.get("/api/metrics").json()["indicators"]
    assert any(row["canonical"] == "出庭应诉率" for row in indicators)


# ---- hostile input ----------------------------------------------------------------------


def assert_error(response, status: int, words: str):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert words in body["error"]["message"] and "Traceback" not in response.text


def test_script_in_a_query_is_escaped(client):
    page = client.get("/", params={"q": HOSTILE})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text


def test_script_in_a_report_is_escaped_in_hits_kwic_and_reader(client):
    for params in ({"q": "柔性执法改革"}, {"q": "柔性执法改革", "view": "kwic"}):
        page = client.get("/", params=params)
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text or "&lt;img" in page.text
    reader = client.get("/report/hostile", params={"q": "<script>"})
    assert reader.status_code == 200
    assert "<script>alert" not in reader.text and "<mark>&lt;script&gt;</mark>" in reader.text
    only_ours = [line for line in reader.text.splitlines() if "<script" in line]
    assert all('src="/static/' in line for line in only_ours)


def test_content_security_policy_allows_only_our_scripts(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_very_long_query_is_refused(client):
    assert_error(client.get("/api/search", params={"q": "法" * (MAX_QUERY + 1)}), 400,
                 "longer than")  # fmt: skip
    page = client.get("/", params={"q": "法" * 3_000})  # httpx's own limit is near 10**4
    assert page.status_code == 400 and "longer than" in page.text


def test_unknown_and_repeated_parameters_are_refused(client):
    assert_error(client.get("/api/search", params={"q": "法", "evil": "1"}), 400,
                 "unknown parameter 'evil'")  # fmt: skip
    assert_error(client.get("/api/search?q=a&q=b"), 400, "given 2 times")
    assert_error(client.get("/api/search", params={"q": "法", "sort": "drop"}), 400, "one of")
    assert_error(client.get("/api/search", params={"q": "法", "limit": "-1"}), 400, "whole number")
    assert client.get("/", params={"q": "法", "page": "x"}).status_code == 400


def test_huge_page_numbers(client):
    assert client.get("/", params={"q": "法", "page": str(10**30)}).status_code == 400
    assert_error(client.get("/api/search", params={"q": "法", "offset": str(10**30)}), 400,
                 "whole number")  # fmt: skip
    far = client.get("/", params={"q": "法", "page": "10000"})
    assert far.status_code == 200 and "No hits on page 10000" in far.text


def test_bad_query_syntax_is_a_400_with_the_parser_message(client):
    assert_error(client.get("/api/search", params={"q": '"unclosed'}), 400, "quote")
    assert_error(client.get("/api/search", params={"q": "year:abc"}), 400, "year")


def test_path_tricks_do_not_leave_the_index(client):
    assert client.get("/report/../../etc/passwd").status_code == 404  # the client folds ..
    assert_error(client.get("/api/report/..%2F..%2Fetc%2Fpasswd"), 400, "not a report id")
    assert client.get("/report/..%2Fcli.py").status_code == 400
    assert_error(client.get("/api/report/nope"), 404, "no report 'nope'")
    for path in ("/static/..%2F..%2Fcli.py", "/static/%2e%2e/app.py", "/static/../app.py"):
        response = client.get(path)
        assert response.status_code == 404 and "create_app" not in response.text


def test_only_localhost_is_answered_when_bound_to_loopback(client, hostile_index):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    with TestClient(create_app(hostile_index, allowed_hosts=("*",)),
                    base_url="http://lan.example") as anywhere:  # fmt: skip
        assert anywhere.get("/").status_code == 200


def test_a_bug_is_one_line_and_the_server_stays_up(client, monkeypatch):
    from reportsearch.query.api import ReportIndex

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(ReportIndex, "spread", broken)
    response = client.get("/api/spread", params={"q": "法"})
    assert_error(response, 500, "internal error: RuntimeError")
    assert "secret internals" not in response.text
    monkeypatch.undo()
    assert client.get("/api/spread", params={"q": "法"}).status_code == 200


def test_post_and_unknown_pages(client):
    assert_error(client.post("/api/search"), 405, "only GET")
    assert client.get("/nowhere").status_code == 404


# ---- a live index -------------------------------------------------------------------------


def test_reports_in_sub_folders_are_read_by_their_id(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / "reports" / folder).mkdir(parents=True)
        text = (SEEDS / f"{SEED_FILES['遂宁']}.txt").read_text("utf-8")
        (tmp_path / "reports" / folder / "index.txt").write_text(text + f"\n{folder}。", "utf-8")
    IndexStore(tmp_path / "index").update([tmp_path / "reports"])
    with TestClient(create_app(tmp_path / "index"), base_url="http://localhost") as test_client:
        hits = test_client.get("/api/search", params={"q": "柔性执法", "limit": "0"}).json()
        assert sorted(hit["report"] for hit in hits["hits"]) == ["a/index", "b/index"]
        assert test_client.get("/report/a/index", params={"q": "柔性执法"}).status_code == 200
        assert test_client.get("/report/a%2F..%2Fb%2Findex").status_code == 400


def test_the_page_sees_an_update_of_the_index(tmp_path):
    source = tmp_path / "reports"
    source.mkdir()
    shutil.copy(SEEDS / f"{SEED_FILES['盘锦']}.txt", source)
    directory = tmp_path / "index"
    IndexStore(directory).update([source])
    with TestClient(create_app(directory), base_url="http://localhost") as test_client:
        assert test_client.get("/api/search", params={"q": "柔性执法"}).json()["reports"] == 1
        shutil.copy(SEEDS / f"{SEED_FILES['遂宁']}.txt", source)
        IndexStore(directory).update([source])
        assert test_client.get("/api/search", params={"q": "柔性执法"}).json()["reports"] == 2


# ---- facets, report ids and numbers (issues 17 and 18) -------------------------------------


def facet_rows(page_text: str, facet: str) -> list[str]:
    """The rows of one facet on the page, as a reader sees them (tags stripped)."""
    import re

    section = page_text.split(f'data-facet="{facet}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<li>(.*?)</li>", section, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_facets_show_reports_first_then_passages_and_say_so(client):
    page = client.get("/", params={"q": "行政复议"})
    # 四川省: 4 passages in 3 reports; a researcher reads the first number as reports.
    assert "四川省 3 · 4" in facet_rows(page.text, "province")
    legend = page.text.split('class="facet-legend"', 1)[1].split("</p>", 1)[0]
    assert legend.index("reports") < legend.index("passages")
    landing = client.get("/")
    assert "四川省 3 · 81" in facet_rows(landing.text, "province")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999", "-Infinity", "NaN"])
def test_api_refuses_numbers_that_are_not_finite(client, value):
    for bound in ("min", "max"):
        response = client.get("/api/metrics", params={"name": "出庭应诉率", bound: value})
        assert_error(response, 400, f"{bound} must be a number")


def test_every_report_the_page_links_to_opens(tmp_path):
    """A file whose name is GBK bytes (a zip made on Windows) gets an id with \\xb1 escapes;
    the page links to it, and the reader and the API open it."""
    import os
    import re
    from urllib.parse import quote, unquote

    source = tmp_path / "reports"
    source.mkdir()
    text = (SEEDS / f"{SEED_FILES['遂宁']}.txt").read_bytes()
    with open(os.path.join(os.fsencode(source), b"\xb1\xa8\xb8\xe6.txt"), "wb") as file:
        file.write(text)
    IndexStore(tmp_path / "index").update([source])
    with TestClient(create_app(tmp_path / "index"), base_url="http://localhost") as test_client:
        ids = [row["report"] for row in test_client.get("/api/reports").json()]
        assert any("\\xb1" in report for report in ids), ids
        links = set()
        for params in ({"q": "柔性执法"}, {"q": "柔性执法", "view": "kwic"}):
            page = test_client.get("/", params=params)
            links |= set(re.findall(r'href="(/report/[^"#?]+)', page.text))
        for row in test_client.get("/api/metrics").json()["indicators"][:3]:
            page = test_client.get("/metrics", params={"name": row["canonical"]})
            links |= set(re.findall(r'href="(/report/[^"#?]+)', page.text))
        assert {unquote(link.removeprefix("/report/")) for link in links} >= set(ids)
        for link in links:
            assert test_client.get(link).status_code == 200, link
        for report in ids:
            response = test_client.get("/api/report/" + quote(report, safe="/"))
            assert response.status_code == 200, response.text
            assert response.json()["report"]["report"] == report


def test_a_slow_search_does_not_hold_up_a_cheap_one(client, monkeypatch):
    """One search held on purpose (it waits for the test) while another, cheap one is asked:
    the cheap one is answered while the slow one is still running. No clock is compared."""
    from reportsearch.query.api import ReportIndex

    entered, release = threading.Event(), threading.Event()
    original = ReportIndex.search

    def search(self, query, **kwargs):
        if query == "慢":
            entered.set()
            release.wait(15)  # a bound, so that a server that serializes fails, not hangs
        return original(self, query, **kwargs)

    monkeypatch.setattr(ReportIndex, "search", search)
    slow = {}
    worker = threading.Thread(target=lambda: slow.update(
        response=client.get("/api/search", params={"q": "慢"})))  # fmt: skip
    worker.start()
    try:
        assert entered.wait(30), "the slow search never started"
        cheap = client.get("/api/search", params={"q": "柔性执法", "limit": "0"})
        assert cheap.status_code == 200 and cheap.json()["reports"] == 3
        assert worker.is_alive() and "response" not in slow  # the slow one is still held
    finally:
        release.set()
        worker.join(60)
    assert slow["response"].status_code == 200


# ---- the server: busy ports, idle and slow clients, too many connections ----------------------


@contextmanager
def live_server(index_dir, **limits):
    """The app served by web.server on a free loopback port, with short ``limits``; always
    stopped. Yields (port, the server's one-line messages so far)."""
    from reportsearch.web.server import Limits, QuietErrors, serving

    lines = io.StringIO()
    settings = {"max_connections": 50, "request_timeout": 0.5, "keep_alive": 0.5,
                "refused_timeout": 0.5, **limits}  # fmt: skip
    with serving(create_app(index_dir), Limits(**settings), QuietErrors(60, lines)) as url:
        yield int(url.rsplit(":", 1)[1]), lines


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


def closed_by_server(sock: socket.socket, within: float, trickle: bytes = b"") -> bool:
    """Whether the server closes ``sock`` within ``within`` seconds, while the client sends
    ``trickle`` one byte every 0.05 s (a slowloris) or nothing."""
    deadline = time.monotonic() + within
    position = 0
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], 0.05)
        if readable:
            try:
                if sock.recv(4096) == b"":
                    return True
            except ConnectionError:
                return True
        if position < len(trickle):
            try:
                sock.send(trickle[position : position + 1])
            except OSError:
                return True
            position += 1
    return False


def ask(port: int, path: str = "/api/reports") -> bytes:
    with connect(port) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                     .encode())  # fmt: skip
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_serve_on_a_busy_port_says_only_that(hostile_index):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["--index-dir", str(hostile_index), "serve",
                                          "--port", str(port)])  # fmt: skip
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "address already in use" in lines[0], result.output
    assert "serving" not in result.output and "Traceback" not in result.output


def test_idle_and_slow_connections_are_closed(hostile_index):
    with live_server(hostile_index) as (port, lines):
        with connect(port) as idle:  # connects and never says a thing
            assert closed_by_server(idle, 10)
        slowloris = b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"X-a: " + b"b" * 400
        with connect(port) as slow:  # a header, one byte at a time, never finished
            started = time.monotonic()
            assert closed_by_server(slow, 10, slowloris)
            assert time.monotonic() - started < 0.05 * len(slowloris)  # before it ran out
        with connect(port) as kept:  # a request answered, then nothing more
            kept.sendall(b"GET /api/reports HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert closed_by_server(kept, 10)
        assert b"200 OK" in ask(port)
    assert "Traceback" not in lines.getvalue()


def test_too_many_connections_are_refused_with_503_and_the_server_recovers(hostile_index):
    with live_server(hostile_index, max_connections=3, request_timeout=3) as (port, lines):
        held = [connect(port) for _ in range(3)]
        try:
            time.sleep(0.2)  # the server has seen all three
            refused = ask(port)
            assert refused.startswith(b"HTTP/1.1 503"), refused[:100]
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + 10
        while (answer := ask(port)).startswith(b"HTTP/1.1 503"):
            assert time.monotonic() < deadline, "the server never recovered"
            time.sleep(0.1)
        assert answer.startswith(b"HTTP/1.1 200")
    messages = lines.getvalue().splitlines()
    assert len(messages) == 1 and "too many connections" in messages[0], messages


def test_resource_errors_are_one_line_at_a_time_never_a_traceback():
    from reportsearch.web.server import QuietErrors

    now = [0.0]
    out = io.StringIO()
    quiet = QuietErrors(10, out, clock=lambda: now[0])
    loop = asyncio.new_event_loop()
    try:
        for _ in range(1000):
            quiet.loop_error(
                loop,
                {
                    "message": "socket.accept() out of system resource",
                    "exception": OSError(errno.EMFILE, "Too many open files"),
                },
            )
        now[0] = 11.0
        quiet.loop_error(
            loop,
            {
                "message": "socket.accept() out of system resource",
                "exception": OSError(errno.EMFILE, "Too many open files"),
            },
        )
    finally:
        loop.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "Traceback" not in out.getvalue()
    assert "out of resources (Too many open files)" in lines[0]
    assert "999 more like it not shown" in lines[1]


SERVER_WITH_FEW_DESCRIPTORS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (160, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
from reportsearch.web import server
from reportsearch.web.app import create_app
sockets = server.bind("127.0.0.1", 0)
print(sockets[0].getsockname()[1], flush=True)
# No bound on connections here: the point is what the terminal shows when accept() fails.
limits = server.Limits(max_connections=10_000, request_timeout=2, quiet_seconds=60)
try:
    server.run(server.build(create_app(sys.argv[1]), limits), sockets)
except KeyboardInterrupt:  # the CLI says "interrupted"; here the test stops it
    pass
"""


def test_out_of_descriptors_is_one_line_and_the_server_comes_back(hostile_index):
    """A server with 160 descriptors and 300 clients that connect and say nothing: accept()
    fails with EMFILE over and over; the terminal gets one line, not a traceback each time,
    and once the idle clients are closed the page answers again."""
    import signal
    import subprocess
    import sys

    from helpers import ROOT

    process = subprocess.Popen([sys.executable, "-c", SERVER_WITH_FEW_DESCRIPTORS,
                                str(hostile_index)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    held = []
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the server did not start"
        port = int(process.stdout.readline())
        held = [connect(port) for _ in range(300)]
        time.sleep(2.5)  # accept() fails, is retried every second, fails again
        for sock in held:
            sock.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                if ask(port).startswith(b"HTTP/1.1 200"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not come back"
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        for sock in held:
            sock.close()
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Traceback" not in stderr, stderr[:2000]
    resource_lines = [line for line in stderr.splitlines() if "out of resources" in line]
    assert len(resource_lines) == 1, stderr[:2000]
    assert "Too many open files" in resource_lines[0]


def test_issuer_level_kind_and_title_on_the_page_and_api(issuer_index_dir):
    with TestClient(create_app(issuer_index_dir), base_url="http://localhost") as client:
        page = client.get("/", params={"q": "柔性执法", "issuer": "司法厅"})
        assert page.status_code == 200
        assert 'data-facet="issuer"' in page.text and "issuer: 司法厅" in page.text
        found = client.get("/api/search", params={"q": "柔性执法 level:province"}).json()
        assert {hit["report"] for hit in found["hits"]} == {"sft"}
        found = client.get("/api/search", params={"q": "柔性执法", "kind": "news",
                                                  "title": "成效"}).json()  # fmt: skip
        assert {hit["report"] for hit in found["hits"]} == {"news"}
        counted = client.get("/api/facets", params={"by": "issuer,level"}).json()["facets"]
        assert {row["value"] for row in counted["issuer"]} == {"人民政府", "司法局"}


@pytest.fixture(scope="module")
def years_index(tmp_path_factory):
    """A place's reports of two years and another city's copy of a passage."""
    body = ("{city}市人民政府关于{year}年法治政府建设情况的报告\n一、主要工作\n"
            "我市创新推行网格化柔性执法机制,建立首违不罚清单制度,"
            "办理行政复议案件{n}件。\n")  # fmt: skip
    reports = {"p2020.txt": body.format(city="盘锦", year=2020, n=12),
               "p2021.txt": body.format(city="盘锦", year=2021, n=35),
               "s2022.txt": body.format(city="遂宁", year=2022, n=41)}  # fmt: skip
    return index_of(tmp_path_factory.mktemp("years"), reports)


def test_the_reader_compares_with_the_year_before_and_shows_reuse(years_index):
    with TestClient(create_app(years_index), base_url="http://localhost") as client:
        reader = client.get("/report/p2021")
        assert 'href="/diff/p2021?against=p2020"' in reader.text
        assert 'href="/reuse/p2021"' in reader.text
        assert "/diff/p2020" not in client.get("/report/p2020").text  # no year before
        diff = client.get("/diff/p2021")
        assert diff.status_code == 200
        assert "<del>12</del>" in diff.text and "<ins>35</ins>" in diff.text
        against = client.get("/api/diff", params={"a": "p2020", "b": "p2021"}).json()
        assert against["unchanged"]["passages"] >= 1 and len(against["changed"]) == 1
        assert client.get("/diff/p2020").status_code == 404  # no year before
        reuse = client.get("/reuse/s2022")
        assert reuse.status_code == 200 and 'href="/report/p2020"' in reuse.text
        families = client.get("/api/reuse").json()["families"]
        assert families[0]["source"] == "p2020"
        listing = client.get("/reuse")
        assert listing.status_code == 200 and "over years and on the map" in listing.text
        spread = client.get("/", params={"q": 'report:("p2020" OR "p2021" OR "s2022")',
                                         "view": "spread"})  # fmt: skip
        assert spread.status_code == 200 and 'data-chart="map"' in spread.text
