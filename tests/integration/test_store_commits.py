"""store: what readers see while a writer commits, and after a writer is killed at any moment
of its commit (issue 18, rows B4 and B5). Never "damaged" for an intact index: a reader
answers from the commit before or the commit after."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

from helpers import ROOT, SEED_FILES, SEEDS
from reportsearch.indexer import store as store_module
from reportsearch.indexer.store import IndexStore
from reportsearch.query import open_index

UPDATES = 15

# A writer that commits UPDATES times, one new report each, as fast as it can.
WRITER = """
import sys
from pathlib import Path
from reportsearch.indexer.store import IndexStore
store, folder = IndexStore(sys.argv[1]), Path(sys.argv[2])
text = (Path(sys.argv[3])).read_text("utf-8")
for number in range(int(sys.argv[4])):
    (folder / f"new-{number:02d}.txt").write_text(text + f"\\n附：第{number}号新台账。\\n", "utf-8")
    store.update([folder], workers=1)
    print(number, flush=True)
"""


def test_readers_opening_during_commits_get_no_error(tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    index_dir = tmp_path / "index"
    IndexStore(index_dir).update([folder])
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(index_dir), str(folder),
         str(SEEDS / f"{SEED_FILES['遂宁']}.txt"), str(UPDATES)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    opens, errors, totals = 0, [], []
    try:
        while writer.poll() is None:
            try:
                with open_index(index_dir) as index:
                    totals.append(index.search("新台账", facets=()).total)
                opens += 1
            except Exception as error:  # noqa: BLE001 - every error is the test's finding
                errors.append(f"{type(error).__name__}: {error}")
    finally:
        if writer.poll() is None:
            writer.kill()
        out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert out.split() == [str(n) for n in range(UPDATES)]
    assert errors == []
    assert opens >= UPDATES  # the readers did overlap the commits
    assert totals == sorted(totals)  # each answer is one commit's, never going back
    with open_index(index_dir) as index:
        assert index.search("新台账", facets=()).total == UPDATES


# A process that copies the index ``base`` and updates each copy in a forked child that kills
# itself (SIGKILL) just before a file operation of the update: Whoosh renaming its table of
# contents into place and removing the previous commit's files, our atomic replaces and
# removals. A kill before the k-th operation is a kill at that moment of the commit. The
# first child is never killed and counts the operations; 30 kills follow, spread over all of
# them. (Forked from a process that has not built a suffix array: OpenMP, which builds
# them, does not survive a fork once it has run.)
KILLER = """
import json, os, shutil, signal, sys, threading, time
from pathlib import Path
from reportsearch.indexer.store import IndexStore
from reportsearch.indexer.words import word_tokens
word_tokens("预热")  # the word dictionary loads once, before the forks
base, folder, work = map(Path, sys.argv[1:4])
OPERATIONS = ("replace", "rename", "remove", "unlink")

def update_killed(victim, moment=None, after=None):
    shutil.copytree(base, victim)
    read, write = os.pipe()
    started = time.perf_counter()
    if os.fork() == 0:
        os.close(read)
        count = [0]
        for name in OPERATIONS:
            def counted(*args, _real=getattr(os, name), **kwargs):
                if count[0] == moment:
                    os.kill(os.getpid(), signal.SIGKILL)
                count[0] += 1
                return _real(*args, **kwargs)
            setattr(os, name, counted)
        if after is not None:
            threading.Timer(after, os.kill, (os.getpid(), signal.SIGKILL)).start()
        IndexStore(victim).update([folder], workers=1)
        os.write(write, str(count[0]).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        made = pipe.read()
    os.wait()
    return {"victim": str(victim), "moment": moment, "after": after,
            "operations": int(made) if made else None,
            "seconds": time.perf_counter() - started}

probe = update_killed(work / "probe")
print(json.dumps(probe), flush=True)
runs = [dict(moment=moment) for moment in range(probe["operations"])]
timed = 30 - len(runs)  # the rest at moments in time, most of them in the commit's last half
runs += [dict(after=probe["seconds"] * (0.3 + 0.7 * i / timed)) for i in range(timed)]
for number, run in enumerate(runs):
    print(json.dumps(update_killed(work / f"killed-{number}", **run)), flush=True)
"""


def test_a_kill_at_any_moment_of_a_commit_leaves_an_index_that_answers(tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    base = tmp_path / "base"
    IndexStore(base).update([folder])
    with open_index(base) as index:
        old = index.search("法治", facets=()).total
    (folder / "new.txt").write_text(
        (SEEDS / f"{SEED_FILES['遂宁']}.txt").read_text("utf-8") + "\n附：新台账。\n", "utf-8"
    )
    (tmp_path / "work").mkdir()
    killer = subprocess.run([sys.executable, "-c", KILLER, str(base), str(folder),
                             str(tmp_path / "work")], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)  # fmt: skip
    assert killer.returncode == 0, killer.stderr
    (probe, *killed) = [json.loads(line) for line in killer.stdout.splitlines()]
    with open_index(probe["victim"]) as index:
        new = index.search("法治", facets=()).total
    assert probe["operations"] > 5 and new > old
    assert len(killed) == 30
    # a kill before every file operation of the update did end it there
    assert all(run["operations"] is None for run in killed if run["moment"] is not None)
    states = []
    for run in killed:
        with open_index(run["victim"]) as index:
            total = index.search("法治", facets=()).total
        assert total in (old, new), run
        states.append(total)
        # and the next update finishes the job from there
        IndexStore(run["victim"]).update([folder], workers=1)
        with open_index(run["victim"]) as index:
            assert index.search("法治", facets=()).total == new, run
    assert states[0] == old and states.count(old) >= probe["operations"] // 2


def test_damage_that_stays_is_still_damage(tmp_path, monkeypatch):
    """The retry on a changing index does not hide real damage (nothing commits here)."""
    IndexStore(tmp_path / "index").update([SEEDS])
    (sums,) = (tmp_path / "index").glob("gen-*/engine-*.json")
    sums.unlink()
    sleeps = []
    monkeypatch.setattr(store_module.time, "sleep", sleeps.append)
    try:
        IndexStore(tmp_path / "index").open()
    except store_module.IndexDamagedError as error:
        assert f"no {sums.name}" in str(error)
    else:
        raise AssertionError("a missing engine file must be reported")
    assert sleeps == []  # no retry: the index did not change under the reader
    time.sleep(0)
