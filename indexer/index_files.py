"""Index files: the layout of an index folder's generation and every read and write of its
files, each checked against its checksum.

Input: a generation folder (``index_data/gen-000002``) and what to write or read there.
Output: manifests (``engine-N.json``), engine segments and live masks, Whoosh's checksums
(``whoosh-N.json``), or ``IndexDamagedError`` naming what is wrong and how to rebuild.

Checksums. Every index file is listed with its size and xxh3 hash by the file that points to
it (CURRENT -> engine-N.json -> segment meta.json -> arrays; whoosh-N.json -> Whoosh's
files), and the JSON files carry their own hash. Like git's index, each entry also keeps the
file's inode, mtime and ctime when it was written: a file whose stat still matches was not
written to since (any write changes ctime, which no tool can set back), so opening an index
does not read gigabytes to hash them; a file whose stat differs is hashed.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import re
from pathlib import Path

import numpy as np
import xxhash

from .errors import IndexDamagedError
from .segment import Segment

REBUILD_HINT = "rebuild with: reportsearch index --rebuild"
ARRAYS_FILE = "arrays.bin"  # a segment's arrays, each at a multiple of ALIGNMENT bytes
ALIGNMENT = 64


def empty_manifest() -> dict:
    return {"segments": [], "next_uid": 0, "reports": 0}


def manifest_path(generation_dir: Path, commit: int) -> Path:
    return generation_dir / f"engine-{commit}.json"


def read_manifest(generation_dir: Path, commit: int) -> dict:
    path = manifest_path(generation_dir, commit)
    try:
        return read_checked_json(path, generation_dir)
    except FileNotFoundError:
        if commit <= 0:  # a new index, before its first commit
            return empty_manifest()
        raise damaged(generation_dir, f"no {path.name}") from None


def load_segment(generation_dir: Path, entry: dict) -> Segment:
    """A segment of the manifest, its files checked against their checksums: ``meta.json``
    and ``arrays.bin``, every array of the segment in one file, mapped once."""
    name = entry["name"]
    folder = generation_dir / "segments" / name
    check_file(folder / "meta.json", entry.get("meta"), generation_dir)
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        layout = meta["arrays"]
        check_file(folder / ARRAYS_FILE, meta["files"][ARRAYS_FILE], generation_dir)
        with open(folder / ARRAYS_FILE, "rb") as handle:
            # an empty file cannot be mapped (a segment of no passage has nothing to map)
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if meta["files"][
                ARRAYS_FILE]["size"] else b""  # fmt: skip
        arrays = {
            array_name: np.frombuffer(
                data, dtype=np.dtype(dtype), count=math.prod(shape), offset=offset
            ).reshape(shape)  # fmt: skip
            for array_name, (dtype, shape, offset) in layout.items()
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise damaged(generation_dir, f"segment {name}: {error}") from None
    return Segment(meta=meta, arrays=arrays, name=name)


def load_live(generation_dir: Path, entry: dict) -> np.ndarray | None:
    """A segment's live mask (None: every passage live), checked against its checksum."""
    if not entry.get("live"):
        return None
    path = generation_dir / entry["live"]
    check_file(path, entry.get("live_sum"), generation_dir)
    try:
        return np.load(path)
    except (OSError, ValueError) as error:
        raise damaged(generation_dir, f"{entry['live']}: {error}") from None


def save_segment(generation_dir: Path, segment: Segment) -> dict:
    """Write a segment's arrays and meta.json (with the arrays' checksums); returns the
    checksum of meta.json, for the manifest."""
    folder = generation_dir / "segments" / segment.name
    folder.mkdir(parents=True)
    layout = write_arrays(folder / ARRAYS_FILE, segment.arrays)
    meta = dict(segment.meta, arrays=layout, files={ARRAYS_FILE: file_sum(folder / ARRAYS_FILE)})
    write_atomically(folder / "meta.json", json.dumps(meta, ensure_ascii=False))
    return file_sum(folder / "meta.json")


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> dict[str, list]:
    """Write ``arrays`` into one file, each at a multiple of ``ALIGNMENT`` bytes; returns
    where each is: name -> [dtype, shape, offset], what ``load_segment`` maps them by."""
    layout, offset = {}, 0
    with open(path, "wb") as out:
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            offset += -offset % ALIGNMENT
            out.seek(offset)
            out.write(memoryview(array).cast("B"))  # no copy of a big array
            layout[name] = [array.dtype.str, list(array.shape), offset]
            offset += array.nbytes
        out.truncate(offset)
    return layout


def file_sum(path: Path) -> dict:
    digest = xxhash.xxh3_64()
    with open(path, "rb", buffering=0) as handle:
        buffer = bytearray(1 << 22)
        view = memoryview(buffer)
        while size := handle.readinto(buffer):
            digest.update(view[:size])
    info = path.stat()
    return {"size": info.st_size, "xxh3": digest.hexdigest(),
            "stat": [info.st_ino, info.st_mtime_ns, info.st_ctime_ns]}  # fmt: skip


def check_file(path: Path, expected: dict | None, generation_dir: Path) -> None:
    """Raise IndexDamagedError unless ``path`` is the file its checksum entry describes."""
    what = path.relative_to(generation_dir).as_posix()
    if expected is None:
        raise damaged(generation_dir, f"{what} has no checksum")
    try:
        info = path.stat()
    except OSError as error:
        raise damaged(generation_dir, f"{what}: {error.strerror or error}") from None
    if info.st_size != expected["size"]:
        raise damaged(generation_dir,
                       f"{what} is {info.st_size} bytes, not {expected['size']}")  # fmt: skip
    if [info.st_ino, info.st_mtime_ns, info.st_ctime_ns] == expected["stat"]:
        return
    try:
        actual = file_sum(path)["xxh3"]
    except OSError as error:
        raise damaged(generation_dir, f"{what}: {error.strerror or error}") from None
    if actual != expected["xxh3"]:
        raise damaged(generation_dir, f"{what} does not match its checksum")


def damaged(generation_dir: Path, what: str) -> IndexDamagedError:
    return IndexDamagedError(f"index at {generation_dir.parent} is damaged ({what}); "
                             f"{REBUILD_HINT}")  # fmt: skip


def write_checked_json(path: Path, data: dict) -> None:
    """Write ``data`` as JSON with a hash of itself, so a garbled file is never believed."""
    body = json.dumps(data, sort_keys=True, ensure_ascii=False)
    checked = {"xxh3": xxhash.xxh3_64_hexdigest(body.encode()), "data": data}
    write_atomically(path, json.dumps(checked, sort_keys=True, ensure_ascii=False))


def read_checked_json(path: Path, generation_dir: Path) -> dict:
    """What ``write_checked_json`` wrote; FileNotFoundError if there is no such file."""
    try:
        wrapped = json.loads(path.read_text("utf-8"))
        data = wrapped["data"]
        body = json.dumps(data, sort_keys=True, ensure_ascii=False)
        if xxhash.xxh3_64_hexdigest(body.encode()) != wrapped["xxh3"]:
            raise ValueError("does not match its checksum")
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise damaged(generation_dir, f"{path.name}: {error}") from None
    return data


def write_whoosh_sums(generation_dir: Path, commit: int, names: list[str] | None = None
                       ) -> None:  # fmt: skip
    """The checksums of Whoosh commit ``commit``'s files ``names`` (default: every index
    file there, after the commit), in whoosh-N.json."""
    folder = generation_dir / "whoosh"
    if names is None:
        names = sorted(p.name for p in folder.iterdir()
                       if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK"
                       or p.name == f"_MAIN_{commit}.toc")  # fmt: skip
    write_checked_json(generation_dir / f"whoosh-{commit}.json",
                        {name: file_sum(folder / name) for name in names})  # fmt: skip


def sum_before_the_toc(writer, generation_dir: Path, commit: int) -> None:
    """Make Whoosh's commit write whoosh-N.json before its table of contents, which is the
    moment the commit becomes visible: a kill at any moment leaves the old commit or the
    new one, each with its checksums. The table of contents gets its own checksum just
    after it is written; one killed before that is checked by Whoosh's own reading."""
    write_toc = writer._commit_toc  # this writer's only, for this commit

    def commit_toc(segments) -> None:
        storage = writer.storage
        names = sorted(name for segment in segments for name in segment.list_files(storage))
        write_whoosh_sums(generation_dir, commit, names)
        write_toc(segments)
        write_whoosh_sums(generation_dir, commit, [*names, f"_MAIN_{commit}.toc"])

    writer._commit_toc = commit_toc


def latest_commit(generation_dir: Path) -> int:
    """The number of the newest Whoosh commit (its table of contents), or -1 for none."""
    numbers = [int(m.group(1)) for p in (generation_dir / "whoosh").glob("_MAIN_*.toc")
               if (m := re.fullmatch(r"_MAIN_(\d+)\.toc", p.name))]  # fmt: skip
    return max(numbers, default=-1)


def check_whoosh(generation_dir: Path, commit: int, searcher=None) -> None:
    """Check the files of Whoosh commit ``commit`` against whoosh-N.json. Commit 0 is the
    empty index a rebuild starts from, with no files to check."""
    try:
        sums = read_checked_json(generation_dir / f"whoosh-{commit}.json", generation_dir)
    except FileNotFoundError:
        if commit <= 0:
            return
        raise damaged(generation_dir, f"no whoosh-{commit}.json") from None
    folder = generation_dir / "whoosh"
    for name, expected in sums.items():
        if not (folder / name).exists() and searcher and not searcher.up_to_date():
            continue  # a newer commit removed it after this one was opened, which is fine
        check_file(folder / name, expected, generation_dir)


def write_atomically(path: Path, data: str) -> None:
    # Not tempfile.mkstemp: its files are mode 0600, and an index another user reads needs
    # the modes the user's umask gives (0644 with the usual 022).
    temporary = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def clean_engine_files(generation_dir: Path, commit: int) -> None:
    """Drop engine files no longer needed: keep this commit's and the one before it (a
    reader may have opened that Whoosh commit and not yet read its engine file)."""
    import shutil  # here: a search never cleans (and so never imports it)

    manifests = numbered(generation_dir, "engine")
    keep = [p for number, p in manifests if number <= commit][-2:]
    used: set[str] = set()
    for path in keep:
        for entry in read_checked_json(path, generation_dir)["segments"]:
            used.add(f"segments/{entry['name']}")
            if entry.get("live"):
                used.add(entry["live"])
    for _, path in manifests:
        if path not in keep:
            path.unlink(missing_ok=True)
    kept_commits = {number for number, p in manifests if p in keep}
    for number, path in numbered(generation_dir, "whoosh"):
        if number not in kept_commits:
            path.unlink(missing_ok=True)
    for folder in ("segments", "live"):
        for path in (generation_dir / folder).glob("*"):
            if f"{folder}/{path.name}" not in used:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()


def numbered(generation_dir: Path, kind: str) -> list[tuple[int, Path]]:
    """The ``KIND-N.json`` files of a generation folder, by commit number N."""
    return sorted(
        (int(m.group(1)), p)
        for p in generation_dir.glob(f"{kind}-*.json")
        if (m := re.fullmatch(rf"{kind}-(\d+)\.json", p.name))
    )
