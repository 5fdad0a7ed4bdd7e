"""The benchmark: reportsearch and its peers on one synthetic corpus, in one run.

Input: corpus sizes (``--reports 2000 20000``). Output: ``bench/results/N-<n>.json`` per
size, ``bench/results/tables.md`` (the tables BENCHMARKS.md quotes) and
``bench/results/benchmark.png`` (latency and indexing time against N), regenerated from
every result file there. Run from the repository root after ``pip install -e '.[test]'``::

    python -m bench.run --reports 2000 20000        # the full benchmark
    python -m bench.run --reports 50000 --systems scan,tantivy   # ours and two peers
    python -m bench.run --reports 200 --quick       # a smoke test of correctness

For each size it generates the corpus (``bench.corpus``), then in a fresh process each:
builds our index (time, MB/s of indexed text, peak RSS of the writer and of its reader
processes, size), exports the passages, times each stage of indexing on a sample of the
reports (``bench.stages``), runs the query mix (``bench.peers.MIX``) warm through the Python
API with facets and a page of ten snippets, runs it again one fresh ``reportsearch search``
process per query, times fresh processes of ``reportsearch search -c``, ``reportsearch
search`` (ten hits), ``rg`` and ``grep`` on the plain text queries (``bench.fresh``), adds
1% new reports; and for each peer builds its index from the same passages and runs the same
mix. Every answer's full set of passages is compared with grep over the normalized text
(recall and precision); timings never are. The machine's load average is recorded before
and after every phase, and shown beside the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_PEERS = "scan,whoosh-jieba,sqlite-fts5,tantivy"
# The stock recipe takes 40 minutes at 20,000 reports: by default it is left out above this.
WHOOSH_JIEBA_MAX_REPORTS = 20_000


# ---- children: each measurement runs in a process of its own ------------------------------


def _rss_mb() -> dict:
    return {
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_worker_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def child_ours_build(corpus: str, index: str) -> dict:
    from reportsearch.indexer.store import IndexStore

    started = time.perf_counter()
    summary = IndexStore(index).update([corpus], rebuild=True)
    return {"seconds": time.perf_counter() - started, "reports": summary.reports,
            "passages": summary.passages, "skipped": len(summary.skipped), **_rss_mb()}  # fmt: skip


def child_ours_add(corpus: str, extra: str, index: str) -> dict:
    from reportsearch.indexer.store import IndexStore

    started = time.perf_counter()
    summary = IndexStore(index).update([corpus, extra])
    return {"seconds": time.perf_counter() - started, "added": len(summary.added), **_rss_mb()}


def child_export(index: str, out: str) -> dict:
    """The index's live passages as ``bench.peers.Passage`` records, in passage-id order."""
    from reportsearch.indexer.segment import rows_of
    from reportsearch.indexer.store import IndexStore

    from bench.peers import Passage

    opened = IndexStore(index).open()
    passages = []
    for segment, live in zip(opened.segments, opened.live, strict=True):
        for row in rows_of(segment, live):
            passages.append(Passage(f"{row.report}#{row.position:04d}", row.text, row.province,
                                    row.city, row.year, tuple(row.facts)))  # fmt: skip
    opened.close()
    passages.sort(key=lambda p: p.id)
    with open(out, "wb") as stream:  # no second copy in memory (1.5 M passages at 50,000)
        pickle.dump(passages, stream, protocol=pickle.HIGHEST_PROTOCOL)
    return {"passages": len(passages), "text_bytes": sum(len(p.text.encode()) for p in passages)}


def _passages(passages_file: str) -> list:
    with open(passages_file, "rb") as stream:
        return pickle.load(stream)


def _truths(passages, mix) -> dict:
    from bench.peers import grep

    return {spec.name: grep(passages, spec) for spec in mix if not spec.words}


def _quality(found: set, truth: set) -> dict:
    right = len(found & truth)
    return {"hits": len(found), "expected": len(truth),
            "recall": right / len(truth) if truth else 1.0,
            "precision": right / len(found) if found else 1.0}  # fmt: skip


def _timed(function, repeat: int) -> list[float]:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def child_ours_query(index: str, passages_file: str, repeat: int) -> dict:
    from reportsearch.query import open_index

    from bench.peers import MIX

    out = {}
    with open_index(index) as opened:
        for spec in MIX:

            def search(spec=spec):
                return opened.search(spec.ours, limit=10, words=spec.words)

            out[spec.name] = {"ms": _timed(search, repeat)}
        # The search process's peak so far; the ground truth below is the benchmark's own.
        searching = _rss_mb()["peak_rss_mb"]
        passages = _passages(passages_file)
        number = {p.id: i for i, p in enumerate(passages)}
        truths = _truths(passages, MIX)
        for spec in MIX:
            if spec.name in truths:
                hits = opened.search(spec.ours, limit=0, facets=(), words=spec.words).hits
                found = {number[h.passage] for h in hits}
                out[spec.name].update(_quality(found, truths[spec.name]))
    return {"queries": out, "peak_rss_mb": searching}


def child_peer(name: str, passages_file: str, folder: str, repeat: int) -> dict:
    from bench.peers import MIX, PEERS

    passages = _passages(passages_file)
    truths = _truths(passages, MIX)
    peer = PEERS[name]()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    peer.build(passages, Path(folder))
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    out = {}
    for spec in MIX:
        if not spec.peers:
            continue
        entry = {"ms": _timed(lambda spec=spec: peer.answer(spec), repeat)}
        entry.update(_quality(peer.matching(spec), truths[spec.name]))
        out[spec.name] = entry
    return {"seconds": seconds, "index_bytes": size, "queries": out,
            "rss_before_build_mb": round(before / 1024), **_rss_mb()}  # fmt: skip


def child_stages(corpus: str, sample: int) -> dict:
    from bench.stages import measure

    return measure(corpus, sample)


CHILDREN = {name[6:]: fn for name, fn in globals().items() if name.startswith("child_")}


def _child(kind: str, **kwargs) -> dict:
    """Run ``child_<kind>(**kwargs)`` in a fresh Python process and return its result."""
    command = [sys.executable, "-m", "bench.run", "--child", kind, json.dumps(kwargs)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the run ------------------------------------------------------------------------------


def _fresh_process_ms(index: Path, repeat: int) -> dict:
    """Wall time of one ``reportsearch search`` process per query of the whole mix (start-up
    included; JSON out, so every hit's record is read)."""
    from bench.fresh import launcher
    from bench.peers import MIX

    base = launcher()["command"]
    out = {}
    for spec in MIX:
        command = [*base, "--index-dir", str(index), "search", spec.ours, "--limit", "10",
                   "--format", "json"] + (["--words"] if spec.words else [])  # fmt: skip
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True)
            times.append((time.perf_counter() - started) * 1000)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"{spec.ours}: {done.stderr.decode()[-500:]}")
        out[spec.name] = {"ms": times}
    return out


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@contextlib.contextmanager
def _phase(load: dict, name: str):
    """Record the load average (1, 5, 15 minutes) before and after a phase, and its time."""
    before, started = _load(), time.perf_counter()
    print(f"  {name} (load {before[0]:.2f}) ...", file=sys.stderr)
    yield
    load[name] = {"before": before, "after": _load(),
                  "seconds": round(time.perf_counter() - started, 2)}  # fmt: skip


def run_size(reports: int, peers: list[str], repeat: int, work: Path, seed: int = 7,
             stage_sample: int = 200) -> dict:  # fmt: skip
    """Everything for one corpus size, in the folder ``work`` (which is left in place)."""
    from bench import fresh
    from bench.corpus import generate

    corpus, extra = work / "corpus", work / "extra"
    load: dict = {}
    with _phase(load, "corpus"):
        characters = generate(corpus, reports, seed=seed)
        generate(extra, max(1, reports // 100), seed=seed, start=reports)
    index, passages_file = work / "index", work / "passages.pickle"
    print(f"[{reports}] corpus: {characters:,} characters", file=sys.stderr)
    with _phase(load, "build"):
        build = _child("ours_build", corpus=str(corpus), index=str(index))
    with _phase(load, "export"):
        exported = _child("export", index=str(index), out=str(passages_file))
    text_mb = exported["text_bytes"] / 1e6
    ours = {
        **build,
        "index_bytes": _folder_bytes(index),
        "mb_per_s": text_mb / build["seconds"],
    }
    print(f"[{reports}] ours built in {build['seconds']:.1f}s", file=sys.stderr)
    if stage_sample > 0:
        with _phase(load, "build stages"):
            ours["stages"] = _child("stages", corpus=str(corpus), sample=stage_sample)
    with _phase(load, "warm queries"):
        queried = _child("ours_query", index=str(index), passages_file=str(passages_file),
                         repeat=repeat)  # fmt: skip
    ours["queries"], ours["queries_rss_mb"] = queried["queries"], queried["peak_rss_mb"]
    with _phase(load, "fresh: whole mix, JSON"):
        ours["fresh"] = _fresh_process_ms(index, max(1, min(repeat, 3)))
    processes = fresh.measure(index, corpus, repeat, lambda name: _phase(load, name))
    with _phase(load, "add 1%"):
        ours["add_1_percent"] = _child("ours_add", corpus=str(corpus), extra=str(extra),
                                       index=str(index))  # fmt: skip
    result = {"reports": reports, "characters": characters, "passages": exported["passages"],
              "text_bytes": exported["text_bytes"], "systems": {"reportsearch": ours},
              "fresh_processes": processes, "load": load, "machine": _machine()}  # fmt: skip
    for name in peers:
        folder = work / f"peer-{name}"
        folder.mkdir()
        print(f"[{reports}] {name} ...", file=sys.stderr)
        with _phase(load, f"peer: {name}"):
            peer = _child("peer", name=name, passages_file=str(passages_file),
                          folder=str(folder), repeat=repeat)  # fmt: skip
        peer["mb_per_s"] = text_mb / peer["seconds"]
        result["systems"][name] = peer
        shutil.rmtree(folder, ignore_errors=True)
    return result


def choose_systems(text: str | None, reports: int) -> tuple[list[str], dict[str, str]]:
    """The peers a run at ``reports`` measures, from ``--systems``/``--peers`` (reportsearch
    always runs; naming it is allowed), and those left out with why. Not given: every peer,
    but the stock Whoosh + jieba recipe above WHOOSH_JIEBA_MAX_REPORTS."""
    from bench.peers import PEERS

    given = DEFAULT_PEERS if text is None else text
    names = [n for n in given.split(",") if n and n not in ("reportsearch", "ours")]
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        raise SystemExit(f"unknown system {', '.join(unknown)}: use reportsearch, "
                         f"{', '.join(PEERS)}")  # fmt: skip
    left_out = {}
    if text is None and reports > WHOOSH_JIEBA_MAX_REPORTS:
        left_out["whoosh-jieba"] = (f"left out above {WHOOSH_JIEBA_MAX_REPORTS:,} reports "
                                    "(name it in --systems to run it)")  # fmt: skip
    return [n for n in dict.fromkeys(names) if n not in left_out], left_out


def _machine() -> dict:
    import platform

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gb": round(memory / 2**30),
    }


# ---- reporting ----------------------------------------------------------------------------


def _percentiles(queries: dict) -> dict:
    times = sorted(t for entry in queries.values() for t in entry["ms"])
    if not times:
        return {"p50": None, "p95": None, "max": None}
    return {"p50": statistics.median(times), "p95": times[min(len(times) - 1,
            round(0.95 * (len(times) - 1)))], "max": times[-1]}  # fmt: skip


def _load_change(result: dict, phase: str) -> str:
    """The 1-minute load average before -> after a phase ("-" for results without it)."""
    entry = result.get("load", {}).get(phase)
    return f"{entry['before'][0]:.2f} → {entry['after'][0]:.2f}" if entry else "-"


def _load_note(result: dict, phases: list[str]) -> str:
    """A sentence on the load over ``phases`` (empty for results without it)."""
    known = [(p, result.get("load", {}).get(p)) for p in phases]
    known = [(p, e) for p, e in known if e]
    if not known:
        return ""
    shown = "; ".join(f"{p} {e['before'][0]:.2f} → {e['after'][0]:.2f}" for p, e in known)
    return f"Load average (1 min, {result['machine']['cpus']} cores) before → after: {shown}."


def _load_table(result: dict) -> list[str]:
    load = result.get("load")
    if not load:
        return []
    lines = [f"Machine load by phase ({result['machine']['cpus']} cores; load averages over "
             "1, 5 and 15 minutes):", "",
             "| phase | s | load before | load after |", "|---|---:|---:|---:|"]  # fmt: skip
    for phase, entry in load.items():
        before, after = ("/".join(f"{x:.2f}" for x in entry[k]) for k in ("before", "after"))
        lines.append(f"| {phase} | {entry['seconds']:.1f} | {before} | {after} |")
    return lines + [""]


def _hits(result: dict) -> dict:
    """Query name -> matching passages (the grep truth of the warm run)."""
    queries = result["systems"]["reportsearch"]["queries"]
    return {name: entry.get("expected") for name, entry in queries.items()}


def tables(results: list[dict]) -> str:
    from bench import fresh as fresh_processes
    from bench import stages
    from bench.peers import MIX

    lines = []
    for result in sorted(results, key=lambda r: r["reports"]):
        systems = result["systems"]
        lines += [f"### N = {result['reports']:,} reports ({result['passages']:,} passages, "
                  f"{result['characters'] / 1e6:.1f} M characters, "
                  f"{result['text_bytes'] / 1e6:.0f} MB of indexed text)", ""]  # fmt: skip
        lines += ["| system | build s | MB/s | peak RSS MB (build) | index / text | "
                  "p50 ms | p95 ms | max ms | every answer equal to grep | load (1 min) "
                  "before → after (reportsearch: build; warm queries) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]  # fmt: skip
        for name, s in systems.items():
            p = _percentiles(s["queries"])
            rss = s["peak_rss_mb"] if name != "reportsearch" else (
                f"{s['peak_rss_mb']} + workers {s['peak_worker_rss_mb']}")  # fmt: skip
            exact = [e for e in s["queries"].values() if "recall" in e]
            equal = sum(e["recall"] == 1.0 and e["precision"] == 1.0 for e in exact)
            if name == "reportsearch" and "load" in result:
                load = f"{_load_change(result, 'build')}; {_load_change(result, 'warm queries')}"
            else:
                load = _load_change(result, f"peer: {name}")
            lines.append(f"| {name} | {s['seconds']:.1f} | {s['mb_per_s']:.2f} | {rss} | "
                         f"{s['index_bytes'] / result['text_bytes']:.2f} | {p['p50']:.1f} | "
                         f"{p['p95']:.1f} | {p['max']:.1f} | {equal}/{len(exact)} | "
                         f"{load} |")  # fmt: skip
        for name, why in result.get("left_out", {}).items():
            lines.append(f"| {name} | {why} | | | | | | | | |")
        ours = systems["reportsearch"]
        fresh = _percentiles(ours["fresh"])
        add = ours["add_1_percent"]
        lines += ["", f"reportsearch, one fresh `reportsearch search` process per query: "
                  f"p50 {fresh['p50']:.0f} ms, p95 {fresh['p95']:.0f} ms, max "
                  f"{fresh['max']:.0f} ms. Search process peak RSS (warm run): "
                  f"{ours['queries_rss_mb']} MB. Adding 1% ({add['added']} reports): "
                  f"{add['seconds']:.1f} s = {100 * add['seconds'] / ours['seconds']:.1f}% "
                  f"of the full build.", ""]  # fmt: skip
        names = list(systems)
        lines += ["| query | hits | " + " | ".join(f"{n} ms (recall/precision)" for n in names)
                  + " |", "|---|---:|" + "---:|" * len(names)]  # fmt: skip
        for spec in MIX:
            cells = []
            hits = ""
            for name in names:
                entry = systems[name]["queries"].get(spec.name)
                if entry is None:
                    cells.append("n/a")
                    continue
                ms = statistics.median(entry["ms"])
                if "recall" in entry:
                    hits = hits or f"{entry['expected']:,}"
                    cells.append(f"{ms:.1f} ({entry['recall']:.3f}/{entry['precision']:.3f})")
                else:
                    cells.append(f"{ms:.1f}")
            lines.append(f"| {spec.name}: `{spec.ours}` | {hits or '-'} | " + " | ".join(cells)
                         + " |")  # fmt: skip
        lines.append("")
        fresh_phases = [p for p in result.get("load", {}) if p.startswith("fresh: ")]
        lines += fresh_processes.table(result, _hits(result), _load_note(result, fresh_phases))
        lines += stages.table(result, _load_note(result, ["build stages", "build"]))
        lines += _load_table(result)
    return "\n".join(lines)


def plot(results: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = sorted(results, key=lambda r: r["reports"])
    names = list(dict.fromkeys(n for r in results for n in r["systems"]))
    figure, (latency, build) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name in names:
        sizes = [r["reports"] for r in results if name in r["systems"]]
        p50 = [_percentiles(r["systems"][name]["queries"])["p50"] for r in results
               if name in r["systems"]]  # fmt: skip
        p95 = [_percentiles(r["systems"][name]["queries"])["p95"] for r in results
               if name in r["systems"]]  # fmt: skip
        seconds = [r["systems"][name]["seconds"] for r in results if name in r["systems"]]
        line = latency.plot(sizes, p50, marker="o", label=f"{name} p50")[0]
        latency.plot(sizes, p95, marker="x", linestyle="--", color=line.get_color(),
                     label=f"{name} p95")  # fmt: skip
        if min(seconds) >= 0.01:  # the scan has no index to build
            build.plot(sizes, seconds, marker="o", label=name, color=line.get_color())
    for axes, title, unit in ((latency, "query latency, warm (query mix)", "ms"),
                              (build, "indexing time", "s")):  # fmt: skip
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("reports (N)")
        axes.set_ylabel(unit)
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
    latency.legend(fontsize=7, ncol=2)
    build.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=110)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[2000])
    parser.add_argument("--systems", "--peers", dest="systems", default=None,
                        help="comma-separated systems beside reportsearch (which always runs): "
                             f"any of {DEFAULT_PEERS} (default: all; above "
                             f"{WHOOSH_JIEBA_MAX_REPORTS:,} reports, all but "
                             "whoosh-jieba)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed runs of each query, warm and in fresh processes")  # fmt: skip
    parser.add_argument("--stage-sample", type=int, default=None,
                        help="reports whose indexing is timed stage by stage (default 200; "
                             "10 with --quick; 0: none)")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="check correctness only: print, save nothing, exit 1 if any "
                             "answer of reportsearch differs from grep")  # fmt: skip
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the corpora and indexes in this folder")  # fmt: skip
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, kwargs = args.child
        print(json.dumps(CHILDREN[kind](**json.loads(kwargs))))
        return 0
    sample = args.stage_sample if args.stage_sample is not None else 10 if args.quick else 200
    RESULTS.mkdir(parents=True, exist_ok=True)
    failures = []
    for reports in args.reports:
        repeat = 1 if args.quick else args.repeat
        peers, left_out = choose_systems(args.systems, reports)
        if args.keep:
            work = args.keep / f"N-{reports}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            result = run_size(reports, peers, repeat, work, stage_sample=sample)
        else:
            with tempfile.TemporaryDirectory(prefix="reportsearch-bench-") as work:
                result = run_size(reports, peers, repeat, Path(work), stage_sample=sample)
        result["left_out"] = left_out
        for name, entry in result["systems"]["reportsearch"]["queries"].items():
            if "recall" in entry and (entry["recall"], entry["precision"]) != (1.0, 1.0):
                failures.append(f"N={reports} {name}: {entry}")
        if not args.quick:
            (RESULTS / f"N-{reports}.json").write_text(json.dumps(result, indent=1))
        else:
            print(tables([result]))
    if not args.quick:
        results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("N-*.json"))]
        (RESULTS / "tables.md").write_text(tables(results))
        try:
            plot(results, RESULTS / "benchmark.png")
        except ImportError as error:  # matplotlib comes with the bench extra only
            print(f"no plot ({error}): pip install -e '.[bench]'", file=sys.stderr)
        print(tables(results))
    for failure in failures:
        print(f"not equal to grep: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
