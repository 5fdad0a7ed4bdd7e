"""How fast the web page answers: ``reportsearch serve`` in its own process, timed from a
client over loopback, the way a browser asks.

Input: an index folder (``--index``) and a label for it (``--label``, e.g. seeds or N-20000).
Output: a table on stdout and ``bench/results/web-<label>.json``: per page kind (the search
page with a query, the concordance, the where-and-when data, the reader, and the landing
page with the facets of the whole index), the latency of
each query of ``bench.peers.MIX`` over ``--rounds`` rounds after one warm-up round, with
p50, p95 and max over all of them, and the server's resident memory at the end.

    python -m bench.web --index index_data --label seeds
    python -m bench.web --index /tmp/benchwork/N-20000/index --label N-20000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from .peers import MIX
from .results_file import print_table, save


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(index: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "reportsearch.cli", "--index-dir", str(index), "serve",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"the server stopped: {process.stderr.read().decode()}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start in 120 s")


def timed_get(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": "localhost"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:200]!r}")
    return elapsed


def paths_for(query: str, first_report: str | None) -> dict[str, str]:
    q = {"q": query}
    paths = {
        "search page": "/?" + urlencode(q),
        "concordance": "/?" + urlencode({**q, "view": "kwic"}),
        "where & when data": "/api/spread?" + urlencode(q),
    }
    if first_report:
        paths["reader"] = f"/report/{first_report}?" + urlencode(q)
    return paths


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    port = free_port()
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)  # `python -m cli` from the repository
    process = start_server(args.index.resolve(), port)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        first = time.perf_counter()
        timed_get(connection, "/?" + urlencode({"q": "法治"}))
        first_page = time.perf_counter() - first
        reports = {}
        for spec in MIX:
            connection.request("GET", "/api/search?" + urlencode({"q": spec.ours, "limit": 1,
                                                                  "facets": ""}),
                               headers={"Host": "localhost"})  # fmt: skip
            hits = json.loads(connection.getresponse().read())["hits"]
            reports[spec.name] = hits[0]["report"] if hits else None
        timings: dict[str, list[float]] = {}
        for round_number in range(args.rounds + 1):
            elapsed = timed_get(connection, "/")  # the landing page: facets of everything
            if round_number:
                timings.setdefault("landing page", []).append(elapsed * 1000)
            for spec in MIX:
                if spec.words:
                    continue  # the page's box takes the query language; --words is a flag
                for kind, path in paths_for(spec.ours, reports[spec.name]).items():
                    elapsed = timed_get(connection, path)
                    if round_number:  # the first round warms the caches
                        timings.setdefault(kind, []).append(elapsed * 1000)
        memory = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    rows = []
    for kind, values in timings.items():
        values.sort()
        rows.append({
            "page": kind, "requests": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[min(len(values) - 1, int(0.95 * len(values)))], 1),
            "max_ms": round(values[-1], 1),
        })  # fmt: skip
    result = {"label": args.label, "index": str(args.index), "rounds": args.rounds,
              "first_page_ms": round(first_page * 1000, 1), "server_rss_mb": round(memory),
              "pages": rows}  # fmt: skip
    save(f"web-{args.label}", result)
    print(f"{args.label}: first page after start {result['first_page_ms']} ms, "
          f"server RSS {result['server_rss_mb']} MB")  # fmt: skip
    print_table(["page", "requests", "p50 ms", "p95 ms", "max ms"],
                [[r["page"], r["requests"], r["p50_ms"], r["p95_ms"], r["max_ms"]]
                 for r in rows])  # fmt: skip


if __name__ == "__main__":
    main()
