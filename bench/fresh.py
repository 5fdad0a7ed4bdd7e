"""Fresh processes: what one command costs from start to exit, ours beside rg and grep.

Input: an index, the report folder it was built from, the query mix (``bench.peers.MIX``).
Output: for each plain text query of the mix (no filters, no metric, no ``--words``), every
wall time (ms) of a fresh process of

* ``reportsearch search Q -c`` (the totals only) and ``reportsearch search Q --limit 10``
  (ten hits as text, into a pipe), run as the installed console script when there is one;
* ``rg -c -F Q <folder>`` and ``grep -r -c -F Q <folder>`` over the same report files: a
  time floor, not an exactness peer (they read bytes: the GBK files are missed, Traditional
  text is not normalized, and they count lines of files, not passages);

and the same for a string that occurs nowhere (finding nothing must be no slower than
finding something), and ``python -c pass`` (the interpreter's own start-up). Each command
runs once untimed (the OS's file cache is warm, as for anyone who searched a minute ago),
then ``repeat`` times; every time is kept.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

# A string no report holds (checked: reportsearch and rg must both exit 1 on it).
NOTHING = "量子纠缠火锅店"
OURS = ("ours -c", "ours 10 hits")
PEERS = ("rg", "grep")


def launcher() -> dict:
    """How our CLI is started: the console script of this environment (beside the running
    Python), else the one on PATH, else ``python -m reportsearch.cli``."""
    beside = Path(sys.executable).with_name("reportsearch")
    if beside.is_file():
        return {"command": [str(beside)], "how": f"console script {beside}"}
    found = shutil.which("reportsearch")
    if found:
        return {"command": [found], "how": f"console script {found} (from PATH)"}
    return {"command": [sys.executable, "-m", "reportsearch.cli"],
            "how": "python -m reportsearch.cli (no console script installed)"}  # fmt: skip


def plain(spec) -> bool:
    """A text query alone: no filters, no metric, no --words."""
    return not (spec.filters or spec.words or spec.metric is not None)


def patterns(spec) -> list[str] | None:
    """The strings one ``rg -F``/``grep -F`` call looks for (any of them), or None when the
    query is not one such call (AND, NOT)."""
    if spec.must_not or (spec.must and spec.should) or len(spec.must) > 1:
        return None
    return list(spec.must or spec.should) or None


def commands(index: Path, folder: Path, query: str, strings: list[str] | None,
             ours: list[str]) -> dict[str, list[str]]:  # fmt: skip
    base = [*ours, "--index-dir", str(index), "search", query]
    out = {"ours -c": [*base, "-c"], "ours 10 hits": [*base, "--limit", "10"]}
    if strings:
        options = [part for s in strings for part in ("-e", s)]
        out["rg"] = ["rg", "-c", "-F", *options, str(folder)]
        out["grep"] = ["grep", "-r", "-c", "-F", *options, str(folder)]
    return out


def _run(command: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True)
    ms = (time.perf_counter() - started) * 1000
    if done.returncode not in (0, 1):  # 0 found, 1 nothing found: as grep
        raise RuntimeError(f"{' '.join(command)}: exit {done.returncode}\n"
                           f"{done.stderr.decode(errors='replace')[-800:]}")  # fmt: skip
    return ms, done.returncode


def not_utf8(folder: Path) -> tuple[int, int]:
    """(files that are not UTF-8, files) in ``folder``: what rg and grep cannot match."""
    files = [p for p in folder.iterdir() if p.is_file()]
    bad = 0
    for path in files:
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
    return bad, len(files)


def measure(index: Path, folder: Path, repeat: int, phase=None) -> dict:
    """Every fresh-process time (see the module docstring). ``phase(name)`` is a context
    manager wrapped around each tool's runs (the benchmark records the machine's load)."""
    from bench.peers import MIX

    phase = phase or (lambda name: nullcontext())
    ours = launcher()
    queries = {spec.name: (spec.ours, patterns(spec)) for spec in MIX if plain(spec)}
    queries["nothing found"] = (NOTHING, [NOTHING])
    planned = {name: commands(index, folder, query, strings, ours["command"])
               for name, (query, strings) in queries.items()}  # fmt: skip
    entries = {name: {"query": query} for name, (query, _) in queries.items()}
    notes = []
    bad, files = not_utf8(folder)
    tools = {"reportsearch": OURS, **{tool: (tool,) for tool in PEERS}}
    for tool, kinds in tools.items():
        if tool != "reportsearch" and shutil.which(tool) is None:
            notes.append(f"{tool} is not installed: not measured"
                         + (" (apt-get install -y ripgrep)" if tool == "rg" else ""))  # fmt: skip
            continue
        with phase(f"fresh: {tool}"):
            for kind in kinds:  # once untimed: the OS caches the files and the program
                _run(planned["nothing found"][kind])
            for _ in range(repeat):
                for name, planned_commands in planned.items():
                    for kind in kinds:
                        if kind in planned_commands:
                            ms, code = _run(planned_commands[kind])
                            entry = entries[name].setdefault(kind, {"ms": [], "exit": code})
                            entry["ms"].append(ms)
            if tool == "reportsearch":
                floor = [sys.executable, "-c", "pass"]
                _run(floor)
                entries["python start-up"] = {"query": "", "python": {
                    "ms": [_run(floor)[0] for _ in range(repeat)], "exit": 0}}  # fmt: skip
    for kind in ("ours -c", "rg"):
        if entries["nothing found"].get(kind, {}).get("exit", 1) != 1:
            notes.append(f"{kind} found {NOTHING!r}: the nothing-found line is not one")
    return {"launcher": ours, "repeat": repeat, "nothing": NOTHING, "queries": entries,
            "not_utf8_files": bad, "files": files, "notes": notes}  # fmt: skip


# ---- reporting ----------------------------------------------------------------------------


def _median(entry: dict | None) -> float | None:
    return statistics.median(entry["ms"]) if entry and entry.get("ms") else None


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def table(result: dict, hits: dict, load: str) -> list[str]:
    """The fresh-process table for one result (none for a result file without it):
    ``hits`` maps a query's name to its passages (from the warm run's grep truth), ``load``
    says the machine's load over these runs."""
    fresh = result.get("fresh_processes")
    if not fresh:
        return []
    queries = fresh["queries"]
    kinds = [*OURS, *PEERS]
    lines = [f"Fresh processes, one per run, median of {fresh['repeat']} runs (the file "
             f"cache warm); `reportsearch` is the {fresh['launcher']['how']}. {load}", "",
             "| query | passages | `reportsearch search Q -c` ms | `reportsearch search Q` "
             "(10 hits, text to a pipe) ms | `rg -c -F Q` ms | `grep -r -c -F Q` ms |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    found = [name for name in queries if name not in ("nothing found", "python start-up")]
    for name in [*found, "nothing found"]:
        entry = queries[name]
        count = "0" if name == "nothing found" else (
            f"{hits[name]:,}" if hits.get(name) is not None else "-")  # fmt: skip
        cells = [_ms(_median(entry.get(kind))) for kind in kinds]
        lines.append(f"| {name}: `{entry['query']}` | {count} | " + " | ".join(cells) + " |")
    overall = []
    for kind in kinds:
        medians = [m for name in found if (m := _median(queries[name].get(kind))) is not None]
        overall.append(_ms(statistics.median(medians)) if medians else "n/a")
    lines.append("| median over the queries that find something | | " + " | ".join(overall)
                 + " |")  # fmt: skip
    python = _median(queries.get("python start-up", {}).get("python"))
    nothing = _median(queries["nothing found"].get("ours -c"))
    typical = [m for name in found if (m := _median(queries[name].get("ours -c"))) is not None]
    lines.append("")
    if nothing is not None and typical:
        middle = statistics.median(typical)
        verdict = ("no slower than their median" if nothing <= middle else
                   f"{nothing - middle:.0f} ms ({100 * (nothing / middle - 1):.0f}%) slower "
                   "than their median")  # fmt: skip
        lines.append(f"Finding nothing (`-c`): {nothing:.0f} ms; the queries that find "
                     f"something: median {middle:.0f} ms, {min(typical):.0f} to "
                     f"{max(typical):.0f} ms. Finding nothing is {verdict}.")  # fmt: skip
    if python is not None:
        lines.append(f"The interpreter alone (`python -c pass`): {python:.0f} ms.")
    lines.append(f"rg and grep read the files' bytes: they miss the {fresh['not_utf8_files']:,} "
                 f"GBK files of {fresh['files']:,}, find the Traditional query only in the "
                 "files saved in Traditional characters, and count matching lines per file, "
                 "not passages; a time floor, not an exactness peer. AND and NOT are not one "
                 "rg or grep call (n/a).")  # fmt: skip
    lines += [f"Note: {note}." for note in fresh["notes"]]
    return lines + [""]
