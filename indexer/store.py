"""Store: report files -> an index on disk, and an index on disk -> an ``OpenIndex``.
The only module that reads or writes an index folder.

Input: paths of report files and an index folder. Output: an up-to-date index there and an
``IndexSummary`` of what changed and which files were skipped (with reasons); or, for
reading, an ``OpenIndex``: a Whoosh searcher and the engine's segments, of one commit.

Layout of an index folder::

    CURRENT                  {"format": 5, "generation": "gen-000002"} (replaced atomically)
    gen-000002/
      whoosh/                the Whoosh index of record (``_MAIN_<N>.toc`` per commit N)
      segments/seg-000003/   one engine segment: meta.json and .npy arrays, never changed
      live/seg-000003-7.npy  which of its passages are live from Whoosh commit 7 on
      engine-7.json          the segments (and live masks) that go with Whoosh commit 7
    write.lock               held by the one process writing

Safety. An update writes new segments, live masks and ``engine-N.json`` for the Whoosh
commit N it is about to make, and only then commits Whoosh; the Whoosh commit (writing its
new table of contents) is the moment the update becomes visible. A crash or Ctrl-C before it
leaves the previous commit answering queries with its own engine files, which are kept. A
reader opens the Whoosh commit first and then the engine file of that same commit, so it
sees one consistent state for as long as it stays open. A rebuild writes a whole new
generation folder and only then points CURRENT at it. A second writer waits for
``write.lock`` and then fails with a clear message.

Segments. New passages go to new segments of at most ``SEGMENT_CHARACTERS`` characters, so
building one stays within memory however large the corpus, and adding a few reports costs
only a small segment. Deleted or changed reports are masked out of old segments; when there
are more than ``MAX_SEGMENTS``, the smallest are merged (from their own arrays, without
reading report files again).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import filelock
import numpy as np
import xxhash
from whoosh import index as whoosh_index
from whoosh import writing

from .errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    IndexShrinkError,
    IndexVersionError,
    IndexWriteError,
    ReadError,
    ReadWarning,
    UpdateInterrupted,
    shown_path,
)
from .normalizing import normalize_for_search
from .pipeline import (
    MAX_FILE_SIZE,
    Report,
    discover_files,
    file_fingerprint,
    ingest_file,
    unexpected_reason,
)
from .schema import (
    DUPLICATE,
    FORMAT_VERSION,
    PASSAGE,
    REPORT,
    build_schema,
    word_tokens,
)
from .segment import PassageRow, Segment, build_segment, rows_of

DEFAULT_INDEX_DIR = "index_data"
# Opening starts again when a commit removed files under it; a writer commits far less often
# than this many times during one open.
OPEN_ATTEMPTS = 20
INDEX_DIR_ENV = "REPORTSEARCH_INDEX_DIR"
REBUILD_HINT = "rebuild with: reportsearch index --rebuild"
# A suffix array needs about 15 bytes a character while it is built: 32 M characters
# (about 8,000 reports) keep the writing process well under 2 GB.
SEGMENT_CHARACTERS = 32_000_000
MAX_SEGMENTS = 8


def default_index_dir() -> Path:
    return Path(os.environ.get(INDEX_DIR_ENV) or DEFAULT_INDEX_DIR)


@dataclass
class IndexSummary:
    """What one ``update`` did."""

    added: list[str] = field(default_factory=list)  # report ids
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[ReadError] = field(default_factory=list)
    # reports indexed, but not exactly as their file was (bad bytes replaced, cleaning capped)
    warnings: list[ReadWarning] = field(default_factory=list)
    # files not indexed because they hold the same bytes or text as an indexed report
    duplicates: list[dict] = field(default_factory=list)  # {"file", "report", "same_as"}
    reports: int = 0  # in the index after the update
    passages: int = 0
    rebuilt: bool = False
    # what the update did beyond the lists above: a stale lock broken, a report now read
    # from another file than before
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": len(self.unchanged),
            "skipped": [{"file": e.path, "reason": e.reason} for e in self.skipped],
            "warnings": [{"file": w.path, "reason": w.reason} for w in self.warnings],
            "duplicates": self.duplicates,
            "reports": self.reports,
            "passages": self.passages,
            "rebuilt": self.rebuilt,
            "notes": self.notes,
        }


@dataclass
class OpenIndex:
    """One commit of an index, open for reading: the Whoosh searcher of record and the
    engine's segments with their live masks (None: every passage live)."""

    searcher: object
    segments: list[Segment]
    live: list[np.ndarray | None]
    reports: int  # live reports
    generation: str = ""  # the generation folder it was opened from

    def close(self) -> None:
        self.searcher.close()

    def is_current(self, store: IndexStore) -> bool:
        """False once a writer has committed since this was opened (reopen to see it)."""
        try:
            pointer = store._pointer()
        except IndexVersionError:
            return False
        return bool(pointer) and pointer.get("generation") == self.generation and bool(
            self.searcher.up_to_date()
        )


# Progress callback: (files done, files in all, the file just done).
Progress = Callable[[int, int, str], None]


class IndexStore:
    """An index folder: open it for reading, or bring it up to date with report files."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory is not None else default_index_dir()
        self.notes: list[str] = []  # what the last update did beyond its summary (a lock broken)

    # ---- reading ------------------------------------------------------------------------

    def _pointer(self) -> dict | None:
        """CURRENT: {"format", "generation"}; None when there is no index here."""
        try:
            pointer = json.loads((self.directory / "CURRENT").read_text("utf-8"))
            if not isinstance(pointer, dict):
                raise ValueError("not a JSON object")
            if pointer.get("format") == FORMAT_VERSION and not re.fullmatch(
                r"gen-\d{6}", str(pointer.get("generation"))
            ):
                raise ValueError(f"no generation in it: {pointer.get('generation')!r}")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise IndexDamagedError(
                f"index at {self.directory} is damaged (CURRENT: {error}); {REBUILD_HINT}"
            ) from None
        return pointer

    def exists(self) -> bool:
        """Whether there is an index here (a damaged one too: opening it says so)."""
        return self._pointer() is not None or any(self.directory.glob("gen-*/whoosh"))

    def _generation_dir(self) -> Path:
        pointer = self._pointer()
        if pointer is None and any(self.directory.glob("gen-*/whoosh")):
            raise IndexDamagedError(
                f"index at {self.directory} is damaged (CURRENT is missing); {REBUILD_HINT}"
            )
        if pointer is None:
            if (self.directory / "MAIN_WRITELOCK").exists() or any(
                self.directory.glob("_MAIN_*.toc")
            ):
                raise IndexVersionError(
                    f"{self.directory} holds an index from an older reportsearch; {REBUILD_HINT}"
                )
            raise IndexMissingError(
                f"no index at {self.directory}; build one with: reportsearch index [PATH ...]"
            )
        if pointer.get("format") != FORMAT_VERSION:
            raise IndexVersionError(
                f"index at {self.directory} has format {pointer.get('format')}, this "
                f"reportsearch reads format {FORMAT_VERSION}; {REBUILD_HINT}"
            )
        generation_dir = self.directory / pointer["generation"]
        if not generation_dir.is_dir():
            raise _damaged(generation_dir, f"CURRENT names {pointer['generation']}, which is gone")
        return generation_dir

    def _whoosh(self, generation_dir: Path) -> whoosh_index.Index:
        """The Whoosh index of a generation, its latest commit's files checked first."""
        _check_whoosh(generation_dir, _latest_commit(generation_dir))
        try:
            return whoosh_index.open_dir(str(generation_dir / "whoosh"))
        except Exception as error:  # noqa: BLE001 - whatever a damaged file makes Whoosh raise
            raise _damaged(generation_dir, f"{type(error).__name__}: {error}") from None

    def open(self) -> OpenIndex:
        """The current commit, checked for format and damage; raises IndexMissingError,
        IndexVersionError (from another version) or IndexDamagedError.

        A writer may commit while this opens: the files of the commit being opened can go
        (Whoosh removes the previous commit's files as it commits, a rebuild the old
        generation). Damage met while the index changed is that, not damage: the open starts
        again on the new commit. Only damage that stays while nothing commits is reported."""
        for attempt in range(OPEN_ATTEMPTS):
            before = self._state()
            try:
                return self._open_once()
            except IndexVersionError:
                if attempt == OPEN_ATTEMPTS - 1 or self._state() == before:
                    raise
            time.sleep(0.01 * attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _state(self) -> tuple:
        """What changes with every commit: CURRENT's generation and its newest commit."""
        try:
            pointer = self._pointer() or {}
        except IndexVersionError:
            return ("damaged CURRENT",)
        generation = str(pointer.get("generation", ""))
        folder = self.directory / generation
        return (generation, _latest_commit(folder) if generation and folder.is_dir() else -1)

    def _open_once(self) -> OpenIndex:
        generation_dir = self._generation_dir()
        ix = self._whoosh(generation_dir)
        try:
            searcher = ix.searcher()
        except Exception as error:  # noqa: BLE001 - as in _whoosh
            raise _damaged(generation_dir, f"{type(error).__name__}: {error}") from None
        try:
            _open_lazy_files(searcher, generation_dir)
            commit = searcher.reader().generation()
            if commit is None:  # an index with no Whoosh segment yet
                commit = ix.latest_generation()
            if commit != _latest_commit(generation_dir):  # a writer committed meanwhile
                _check_whoosh(generation_dir, commit, searcher)
            manifest = _read_manifest(generation_dir, commit)
            segments = [_load_segment(generation_dir, entry) for entry in manifest["segments"]]
            live = [_load_live(generation_dir, entry) for entry in manifest["segments"]]
        except BaseException:
            searcher.close()
            raise
        return OpenIndex(searcher, segments, live, manifest.get("reports", 0),
                         generation_dir.name)  # fmt: skip

    # ---- writing ------------------------------------------------------------------------

    def _lock(self, wait: float) -> filelock.FileLock:
        """The write lock (an flock on ``write.lock``; the kernel releases it when the
        holder dies). ``write.lock.owner`` names the writer: if it is dead and the lock is
        still held, its reader processes outlived it, and the lock is broken (they are
        ended), with a note in ``self.notes``."""
        path = self.directory / "write.lock"
        lock = filelock.FileLock(str(path))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                self.notes.extend(_break_stale_lock(path))
                lock.acquire(timeout=wait)
            (self.directory / "write.lock.owner").write_text(
                json.dumps({"pid": os.getpid(), "host": socket.gethostname()}), "utf-8"
            )
        except filelock.Timeout:
            raise IndexLockedError(
                f"another reportsearch process is writing {self.directory}; "
                f"waited {wait:g}s (try again when it is done)"
            ) from None
        except OSError as error:
            raise IndexWriteError(
                f"cannot write the index at {self.directory}: {error.strerror or error}"
            ) from None
        return lock

    def update(
        self,
        paths: Iterable[str | Path],
        rebuild: bool = False,
        progress: Progress | None = None,
        wait: float = 30.0,
        workers: int | None = None,
        force: bool = False,
        max_file_size: int | None = MAX_FILE_SIZE,
        follow_links: bool = False,
    ) -> IndexSummary:
        """Add new report files, re-index changed ones (by content hash), drop reports whose
        file is gone; with ``rebuild``, start from an empty index. One commit.
        ``workers`` processes read and analyse reports (default: one per CPU) while this one
        writes the index; the result does not depend on how many there are.
        An update or rebuild that would leave fewer than half the reports the index has (or
        none) raises IndexShrinkError and changes nothing, unless ``force``. The index
        remembers ``paths`` (``sources()``) for the next update without paths. Files over
        ``max_file_size`` bytes are skipped with the reason (None: no limit); a report that
        was indexed keeps what the index has for it. Links that lead out of the folders
        given are skipped unless ``follow_links``."""
        summary = IndexSummary()
        self.notes = summary.notes
        lock = self._lock(wait)
        self._committed = False
        try:
            workers = workers if workers is not None else (os.cpu_count() or 1)
            return self._update(summary, list(paths), rebuild, progress, max(1, workers),
                                force, max_file_size, follow_links)  # fmt: skip
        except KeyboardInterrupt:
            raise UpdateInterrupted(self._committed) from None
        except OSError as error:
            raise IndexWriteError(
                f"cannot write the index at {self.directory}: {error.strerror or error}"
                + ("" if self._committed else "; the index is as it was before")
            ) from None
        finally:
            lock.release()

    def sources(self) -> list[str]:
        """The files and folders the index was built and updated from ([] if none)."""
        return list(self._current_manifest().get("sources", []))

    def _current_manifest(self) -> dict:
        """The manifest of the latest commit, or an empty one when there is no index. It
        carries its own checksum, so Whoosh's files need not be opened or checked for it."""
        pointer = self._pointer()
        if pointer is None or pointer.get("format") != FORMAT_VERSION:
            return _empty_manifest()
        generation_dir = self._generation_dir()
        return _read_manifest(generation_dir, _latest_commit(generation_dir))

    def _update(self, summary: IndexSummary, paths: list, rebuild: bool,
                progress: Progress | None, workers: int, force: bool,
                max_file_size: int | None, follow_links: bool):  # fmt: skip
        try:
            pointer = self._pointer()
            previous = self._current_manifest()
        except IndexVersionError:
            if not rebuild:
                raise
            # A damaged index (whatever CURRENT holds): a rebuild replaces it, unread.
            pointer, previous = None, _empty_manifest()
        self._remove_leftovers(pointer)
        sources = [str(Path(p).resolve()) for p in paths]
        if not rebuild:
            sources = list(dict.fromkeys(previous.get("sources", []) + sources))
        fresh = rebuild or pointer is None or pointer.get("format") != FORMAT_VERSION
        if fresh:
            generation_dir = self.directory / self._new_generation(pointer)
            ix = whoosh_index.create_in(str(generation_dir / "whoosh"), build_schema())
            manifest = _empty_manifest()
            known: dict[str, tuple[str, str, str]] = {}
            known_duplicates: dict[str, str] = {}
            summary.rebuilt = True
        else:
            generation_dir = self._generation_dir()
            latest = _latest_commit(generation_dir)
            if latest > 0 and not (generation_dir / f"whoosh-{latest}.json").exists():
                # Lost (commits write it before their table of contents): write it again.
                _write_whoosh_sums(generation_dir, latest)
            ix = self._whoosh(generation_dir)
            manifest = previous  # the latest commit's, read above with the lock held
            known = _indexed_reports(ix)
            known_duplicates = _indexed_duplicates(ix)

        known_ids = {file: report_id for report_id, (_, file, _) in known.items()}
        known_ids.update({file: report_id for report_id, file in known_duplicates.items()})
        files, missing = discover_files(paths, known_ids, self.directory, follow_links)
        summary.skipped.extend(missing)
        # Not compound: Whoosh copies a file packed in a compound segment into memory to
        # read it (1 GB for the stored fields of 600,000 passages); separate files are mapped.
        writer = ix.writer(limitmb=256, compound=False)
        commit = writer.generation
        segments = SegmentWriter(generation_dir, manifest)

        def abandon() -> None:
            """Drop what this update wrote: Whoosh's pending files, a new generation."""
            with contextlib.suppress(Exception):
                writer.cancel()
            if fresh:
                shutil.rmtree(generation_dir, ignore_errors=True)

        try:
            todo, present, copies = _plan(files, known, summary, max_file_size)
            # The text of every report that stays as it is: a new file with the same text
            # (another format, another encoding) is a copy of it.
            texts = {known[i][2]: i for i in summary.unchanged if known[i][2]}
            for done, (path, result) in enumerate(_prepared(todo, workers, max_file_size), 1):
                if isinstance(result, ReadError):
                    # The report keeps whatever the index already had for it.
                    summary.skipped.append(result)
                else:
                    report_id, documents, rows = result
                    text_hash = documents[0]["text_hash"]
                    if texts.get(text_hash, report_id) != report_id:
                        copies.append((path, report_id, texts[text_hash],
                                       documents[0]["content_hash"]))  # fmt: skip
                        continue
                    texts[text_hash] = report_id
                    warnings = documents[0]["summary"]["warnings"]
                    summary.warnings.extend(ReadWarning(path, text) for text in warnings)
                    if report_id in known_duplicates:
                        writer.delete_by_term("report", report_id)
                    if report_id in known:
                        writer.delete_by_term("report", report_id)
                        segments.delete(report_id)
                        summary.updated.append(report_id)
                        if known[report_id][1] != shown_path(path):
                            summary.notes.append(
                                f"{report_id}: now read from {shown_path(path)} (its file "
                                f"{known[report_id][1]} is gone)")
                    else:
                        summary.added.append(report_id)
                    for document, uid in zip(documents[1:], segments.add(rows), strict=True):
                        document["uid"] = str(uid)
                    for document in documents:
                        writer.add_document(**document)
                    # Whoosh has them now: a big report's documents must not stay alive
                    # (in these names) while the segments are built.
                    result = documents = rows = document = None
                if progress:
                    progress(done, len(todo), shown_path(path))
            for path, report_id, same_as, content_hash in copies:
                # A copy is indexed once: as a record of the file, not as a report.
                writer.delete_by_term("report", report_id)
                if report_id in known:
                    segments.delete(report_id)
                    summary.removed.append(report_id)
                copy = {"file": shown_path(path), "report": report_id, "same_as": same_as}
                writer.add_document(doctype=DUPLICATE, id=f"{report_id}#duplicate",
                                    report=report_id, file=copy["file"],
                                    content_hash=content_hash, summary=copy)  # fmt: skip
                summary.duplicates.append(copy)
            for report_id, (_, file, _) in sorted(known.items()):
                if report_id not in present and not Path(file).exists():
                    writer.delete_by_term("report", report_id)
                    segments.delete(report_id)
                    summary.removed.append(report_id)
            for report_id, file in sorted(known_duplicates.items()):
                if report_id not in present and not Path(file).exists():
                    writer.delete_by_term("report", report_id)
            reports = len(known) + len(summary.added) - len(summary.removed)
            _check_shrink(previous.get("reports", 0), reports, rebuild, summary, force)
            segments.finish(commit, reports, sources)
        except BaseException:
            abandon()
            raise
        _sum_before_the_toc(writer, generation_dir, commit)
        # From the commit on, Ctrl-C waits until the commit has its checksums (and a rebuild
        # its CURRENT): the update is whole or absent, and the message can say which.
        with _ctrl_c_deferred():
            try:
                writer.commit(mergetype=writing.CLEAR if fresh else writing.MERGE_SMALL)
            except BaseException:
                abandon()
                raise
            self._committed = not fresh  # an update is visible now; a rebuild at _point_at
            _clean_engine_files(generation_dir, commit)
            if fresh:
                self._point_at(generation_dir.name)
                self._committed = True
        summary.reports = reports
        summary.passages = segments.live_passages
        return summary

    def _remove_leftovers(self, pointer: dict | None) -> None:
        """Generation folders CURRENT does not name: what a killed or failed rebuild left
        (as big as an index). Called with the write lock held."""
        current = (pointer or {}).get("generation")
        for folder in self.directory.glob("gen-*"):
            if folder.name != current and current is not None:
                shutil.rmtree(folder, ignore_errors=True)

    def _new_generation(self, pointer: dict | None) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[4:]) for p in self.directory.glob("gen-*") if p.name[4:].isdigit()]
        if pointer and str(pointer.get("generation", "")).startswith("gen-"):
            numbers.append(int(pointer["generation"][4:]))
        generation = f"gen-{max(numbers, default=0) + 1:06d}"
        (self.directory / generation / "whoosh").mkdir(parents=True)
        return generation

    def _point_at(self, generation: str) -> None:
        _write_atomically(
            self.directory / "CURRENT",
            json.dumps({"format": FORMAT_VERSION, "generation": generation}),
        )
        for old in self.directory.glob("gen-*"):
            if old.name != generation:
                shutil.rmtree(old, ignore_errors=True)


# ---- engine files -------------------------------------------------------------------------


def _check_shrink(before: int, after: int, rebuild: bool, summary: IndexSummary,
                  force: bool) -> None:  # fmt: skip
    """Refuse an update or rebuild that would leave fewer than half the reports, or none."""
    if force or not before or (after and after >= before / 2):
        return
    missing = [e.path for e in summary.skipped if "no such file or folder" in e.reason]
    if missing:
        why = "not found: " + ", ".join(missing)
    elif summary.removed:
        shown = ", ".join(summary.removed[:3]) + (" …" if len(summary.removed) > 3 else "")
        why = f"{len(summary.removed)} reports whose files are gone ({shown})"
    else:
        why = "the paths given hold fewer reports than the index"
    action = "rebuild" if rebuild else "update"
    raise IndexShrinkError(
        f"this {action} would leave {after} of the index's {before} reports ({why}); nothing "
        f"was changed. Check the paths, or add --force to {action} anyway"
    )


def _open_lazy_files(searcher, generation_dir: Path) -> None:
    """Whoosh opens a segment's stored fields and field lengths on first use; open them now,
    while this commit's files are certain to be there (the next commit removes them, and an
    open file outlives its removal)."""
    try:
        for reader, _ in searcher.reader().leaf_readers():
            if reader.doc_count_all():
                reader.stored_fields(0)
                for name in reader.schema.scorable_names():
                    reader.doc_field_length(0, name)
    except Exception as error:  # noqa: BLE001 - a file gone or damaged under Whoosh
        raise _damaged(generation_dir, f"{type(error).__name__}: {error}") from None


def _empty_manifest() -> dict:
    return {"segments": [], "next_uid": 0, "reports": 0}


def _manifest_path(generation_dir: Path, commit: int) -> Path:
    return generation_dir / f"engine-{commit}.json"


def _read_manifest(generation_dir: Path, commit: int) -> dict:
    path = _manifest_path(generation_dir, commit)
    try:
        return _read_checked_json(path, generation_dir)
    except FileNotFoundError:
        if commit <= 0:  # a new index, before its first commit
            return _empty_manifest()
        raise _damaged(generation_dir, f"no {path.name}") from None


def _load_segment(generation_dir: Path, entry: dict) -> Segment:
    """A segment of the manifest, its files checked against their checksums."""
    name = entry["name"]
    folder = generation_dir / "segments" / name
    _check_file(folder / "meta.json", entry.get("meta"), generation_dir)
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise _damaged(generation_dir, f"segment {name}: {error}") from None
    arrays = {}
    for array_name, expected in meta.get("files", {}).items():
        path = folder / f"{array_name}.npy"
        _check_file(path, expected, generation_dir)
        try:
            # Plain views of the memory maps: indexing a np.memmap goes through Python code.
            arrays[array_name] = np.load(path, mmap_mode="r").view(np.ndarray)
        except (OSError, ValueError) as error:
            raise _damaged(generation_dir, f"segment {name}: {error}") from None
    return Segment(meta=meta, arrays=arrays, name=name)


def _load_live(generation_dir: Path, entry: dict) -> np.ndarray | None:
    """A segment's live mask (None: every passage live), checked against its checksum."""
    if not entry.get("live"):
        return None
    path = generation_dir / entry["live"]
    _check_file(path, entry.get("live_sum"), generation_dir)
    try:
        return np.load(path)
    except (OSError, ValueError) as error:
        raise _damaged(generation_dir, f"{entry['live']}: {error}") from None


def _save_segment(generation_dir: Path, segment: Segment) -> dict:
    """Write a segment's arrays and meta.json (with the arrays' checksums); returns the
    checksum of meta.json, for the manifest."""
    folder = generation_dir / "segments" / segment.name
    folder.mkdir(parents=True)
    files = {}
    for name, array in segment.arrays.items():
        path = folder / f"{name}.npy"
        np.save(path, np.ascontiguousarray(array))
        files[name] = _file_sum(path)
    meta = dict(segment.meta, files=files)
    _write_atomically(folder / "meta.json", json.dumps(meta, ensure_ascii=False))
    return _file_sum(folder / "meta.json")


# ---- checksums ----------------------------------------------------------------------------
# Every index file is listed with its size and xxh3 hash by the file that points to it
# (CURRENT -> engine-N.json -> segment meta.json -> arrays; whoosh-N.json -> Whoosh's
# files), and the JSON files carry their own hash. Like git's index, each entry also keeps
# the file's inode, mtime and ctime when it was written: a file whose stat still matches was
# not written to since (any write changes ctime, which no tool can set back), so opening an
# index does not read gigabytes to hash them; a file whose stat differs is hashed.


def _file_sum(path: Path) -> dict:
    digest = xxhash.xxh3_64()
    with open(path, "rb", buffering=0) as handle:
        buffer = bytearray(1 << 22)
        view = memoryview(buffer)
        while size := handle.readinto(buffer):
            digest.update(view[:size])
    info = path.stat()
    return {"size": info.st_size, "xxh3": digest.hexdigest(),
            "stat": [info.st_ino, info.st_mtime_ns, info.st_ctime_ns]}  # fmt: skip


def _check_file(path: Path, expected: dict | None, generation_dir: Path) -> None:
    """Raise IndexDamagedError unless ``path`` is the file its checksum entry describes."""
    what = path.relative_to(generation_dir).as_posix()
    if expected is None:
        raise _damaged(generation_dir, f"{what} has no checksum")
    try:
        info = path.stat()
    except OSError as error:
        raise _damaged(generation_dir, f"{what}: {error.strerror or error}") from None
    if info.st_size != expected["size"]:
        raise _damaged(generation_dir,
                       f"{what} is {info.st_size} bytes, not {expected['size']}")  # fmt: skip
    if [info.st_ino, info.st_mtime_ns, info.st_ctime_ns] == expected["stat"]:
        return
    try:
        actual = _file_sum(path)["xxh3"]
    except OSError as error:
        raise _damaged(generation_dir, f"{what}: {error.strerror or error}") from None
    if actual != expected["xxh3"]:
        raise _damaged(generation_dir, f"{what} does not match its checksum")


def _damaged(generation_dir: Path, what: str) -> IndexDamagedError:
    return IndexDamagedError(f"index at {generation_dir.parent} is damaged ({what}); "
                             f"{REBUILD_HINT}")  # fmt: skip


def _write_checked_json(path: Path, data: dict) -> None:
    """Write ``data`` as JSON with a hash of itself, so a garbled file is never believed."""
    body = json.dumps(data, sort_keys=True, ensure_ascii=False)
    checked = {"xxh3": xxhash.xxh3_64_hexdigest(body.encode()), "data": data}
    _write_atomically(path, json.dumps(checked, sort_keys=True, ensure_ascii=False))


def _read_checked_json(path: Path, generation_dir: Path) -> dict:
    """What ``_write_checked_json`` wrote; FileNotFoundError if there is no such file."""
    try:
        wrapped = json.loads(path.read_text("utf-8"))
        data = wrapped["data"]
        body = json.dumps(data, sort_keys=True, ensure_ascii=False)
        if xxhash.xxh3_64_hexdigest(body.encode()) != wrapped["xxh3"]:
            raise ValueError("does not match its checksum")
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise _damaged(generation_dir, f"{path.name}: {error}") from None
    return data


def _write_whoosh_sums(generation_dir: Path, commit: int, names: list[str] | None = None
                       ) -> None:  # fmt: skip
    """The checksums of Whoosh commit ``commit``'s files ``names`` (default: every index
    file there, after the commit), in whoosh-N.json."""
    folder = generation_dir / "whoosh"
    if names is None:
        names = sorted(p.name for p in folder.iterdir()
                       if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK"
                       or p.name == f"_MAIN_{commit}.toc")  # fmt: skip
    _write_checked_json(generation_dir / f"whoosh-{commit}.json",
                        {name: _file_sum(folder / name) for name in names})  # fmt: skip


def _sum_before_the_toc(writer, generation_dir: Path, commit: int) -> None:
    """Make Whoosh's commit write whoosh-N.json before its table of contents, which is the
    moment the commit becomes visible: a kill at any moment leaves the old commit or the
    new one, each with its checksums. The table of contents gets its own checksum just
    after it is written; one killed before that is checked by Whoosh's own reading."""
    write_toc = writer._commit_toc  # this writer's only, for this commit

    def commit_toc(segments) -> None:
        storage = writer.storage
        names = sorted(name for segment in segments for name in segment.list_files(storage))
        _write_whoosh_sums(generation_dir, commit, names)
        write_toc(segments)
        _write_whoosh_sums(generation_dir, commit, [*names, f"_MAIN_{commit}.toc"])

    writer._commit_toc = commit_toc


def _latest_commit(generation_dir: Path) -> int:
    """The number of the newest Whoosh commit (its table of contents), or -1 for none."""
    numbers = [int(m.group(1)) for p in (generation_dir / "whoosh").glob("_MAIN_*.toc")
               if (m := re.fullmatch(r"_MAIN_(\d+)\.toc", p.name))]  # fmt: skip
    return max(numbers, default=-1)


def _check_whoosh(generation_dir: Path, commit: int, searcher=None) -> None:
    """Check the files of Whoosh commit ``commit`` against whoosh-N.json. Commit 0 is the
    empty index a rebuild starts from, with no files to check."""
    try:
        sums = _read_checked_json(generation_dir / f"whoosh-{commit}.json", generation_dir)
    except FileNotFoundError:
        if commit <= 0:
            return
        raise _damaged(generation_dir, f"no whoosh-{commit}.json") from None
    folder = generation_dir / "whoosh"
    for name, expected in sums.items():
        if not (folder / name).exists() and searcher and not searcher.up_to_date():
            continue  # a newer commit removed it after this one was opened, which is fine
        _check_file(folder / name, expected, generation_dir)


def _write_atomically(path: Path, data: str) -> None:
    # Not tempfile.mkstemp: its files are mode 0600, and an index another user reads needs
    # the modes the user's umask gives (0644 with the usual 022).
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


class SegmentWriter:
    """Collects one update's passage rows and deletions, then writes the segments, live
    masks and the engine file for the coming Whoosh commit."""

    def __init__(self, generation_dir: Path, manifest: dict):
        self.generation_dir = generation_dir
        self.manifest = manifest
        self.next_uid = int(manifest["next_uid"])
        self.pending: list[PassageRow] = []
        self.pending_characters = 0
        self.vocabulary: dict[str, str] = {}
        self.new_segments: list[dict] = []
        self.deleted: set[str] = set()
        self.live_passages = 0

    def add(self, rows: list[PassageRow]) -> list[int]:
        """Take one report's rows; returns the uids given to them, in order."""
        first = self.next_uid
        for row in rows:
            # One str object per distinct word: a segment holds millions of words.
            row.words = [self.vocabulary.setdefault(word, word) for word in row.words]
            row.uid = self.next_uid
            self.next_uid += 1
            self.pending.append(row)
            self.pending_characters += len(row.text) + 1
        if self.pending_characters >= SEGMENT_CHARACTERS:
            self._flush()
        return list(range(first, self.next_uid))

    def delete(self, report_id: str) -> None:
        self.deleted.add(report_id)

    def _flush(self) -> None:
        if self.pending:
            self.new_segments.append(self._write(self.pending))
        self.pending, self.pending_characters, self.vocabulary = [], 0, {}

    def _write(self, rows: list[PassageRow]) -> dict:
        """Write one segment of ``rows``; returns its manifest entry."""
        folder = self.generation_dir / "segments"
        folder.mkdir(exist_ok=True)
        taken = [
            int(m.group(1)) for p in folder.iterdir() if (m := re.match(r"seg-(\d+)$", p.name))
        ]
        segment = build_segment(rows)
        segment.name = f"seg-{max(taken, default=0) + 1:06d}"
        return {"name": segment.name, "meta": _save_segment(self.generation_dir, segment),
                "live": None}  # fmt: skip

    def finish(self, commit: int, reports: int, sources: list[str] | None = None) -> None:
        """Write everything for Whoosh commit ``commit``; nothing is visible until it."""
        self._flush()
        entries = []
        for entry in self.manifest["segments"]:
            segment = _load_segment(self.generation_dir, entry)
            live = _load_live(self.generation_dir, entry)
            gone = [code for code, rid in enumerate(segment.meta["reports"]) if rid in self.deleted]
            if gone:
                still = ~np.isin(segment.arrays["report"], gone)
                live = still if live is None else live & still
                relative = self._save_live(entry["name"], commit, live)
                entry = dict(entry, live=relative,
                             live_sum=_file_sum(self.generation_dir / relative))  # fmt: skip
            if live is None or live.any():
                entries.append((entry, segment, live))
        entries.extend((entry, None, None) for entry in self.new_segments)
        entries = self._merged(entries, commit)
        self.live_passages = 0
        for entry, segment, live in entries:
            segment = segment or _load_segment(self.generation_dir, entry)
            self.live_passages += segment.size if live is None else int(live.sum())
        manifest = {
            "segments": [entry for entry, _, _ in entries],
            "next_uid": self.next_uid,
            "reports": reports,
            "passages": self.live_passages,
            "sources": sources or [],
        }
        _write_checked_json(_manifest_path(self.generation_dir, commit), manifest)

    def _merged(self, entries: list, commit: int) -> list:
        """Merge the smallest segments into one while there are more than MAX_SEGMENTS."""
        if len(entries) <= MAX_SEGMENTS:
            return entries
        loaded = [
            (entry, segment or _load_segment(self.generation_dir, entry), live)
            for entry, segment, live in entries
        ]
        loaded.sort(key=lambda item: (item[1].meta["characters"], item[0]["name"]))
        take, size = [], 0
        for item in loaded:
            if len(loaded) - len(take) + 1 <= MAX_SEGMENTS // 2 and len(take) >= 2:
                break
            if take and size + item[1].meta["characters"] > SEGMENT_CHARACTERS:
                break
            take.append(item)
            size += item[1].meta["characters"]
        if len(take) < 2:
            return entries
        rows = [row for _, segment, live in take for row in rows_of(segment, live)]
        rows.sort(key=lambda row: row.uid)
        merged = self._write(rows)
        names = {entry["name"] for entry, _, _ in take}
        kept = [item for item in entries if item[0]["name"] not in names]
        return kept + [(merged, None, None)]

    def _save_live(self, name: str, commit: int, live: np.ndarray) -> str:
        relative = f"live/{name}-{commit}.npy"
        (self.generation_dir / "live").mkdir(exist_ok=True)
        np.save(self.generation_dir / relative, live)
        return relative


def _clean_engine_files(generation_dir: Path, commit: int) -> None:
    """Drop engine files no longer needed: keep this commit's and the one before it (a
    reader may have opened that Whoosh commit and not yet read its engine file)."""
    manifests = _numbered(generation_dir, "engine")
    keep = [p for number, p in manifests if number <= commit][-2:]
    used: set[str] = set()
    for path in keep:
        for entry in _read_checked_json(path, generation_dir)["segments"]:
            used.add(f"segments/{entry['name']}")
            if entry.get("live"):
                used.add(entry["live"])
    for _, path in manifests:
        if path not in keep:
            path.unlink(missing_ok=True)
    kept_commits = {number for number, p in manifests if p in keep}
    for number, path in _numbered(generation_dir, "whoosh"):
        if number not in kept_commits:
            path.unlink(missing_ok=True)
    for folder in ("segments", "live"):
        for path in (generation_dir / folder).glob("*"):
            if f"{folder}/{path.name}" not in used:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()


def _numbered(generation_dir: Path, kind: str) -> list[tuple[int, Path]]:
    """The ``KIND-N.json`` files of a generation folder, by commit number N."""
    return sorted(
        (int(m.group(1)), p)
        for p in generation_dir.glob(f"{kind}-*.json")
        if (m := re.fullmatch(rf"{kind}-(\d+)\.json", p.name))
    )


# Fewer changed files than this are read in this process: starting workers (each loads
# jieba's dictionary) costs more than it saves.
PARALLEL_MIN_FILES = 16


def _plan(files: list[tuple[Path, str]], known: dict, summary: IndexSummary,
          max_file_size: int | None = MAX_FILE_SIZE):  # fmt: skip
    """Files that need (re)reading, as (path, report id), in order; unchanged files are
    settled here, and so are byte-for-byte copies of a file met before. Returns (files to
    read, the set of report ids present, copies as (path, id, id of the original, hash))."""
    todo: list[tuple[Path, str]] = []
    copies: list[tuple[Path, str, str, str]] = []
    first: dict[str, str] = {}  # content hash -> the report id of the first such file
    for path, report_id in files:
        try:
            fingerprint = file_fingerprint(path, max_file_size)
        except ReadError as error:
            summary.skipped.append(error)
            continue
        if fingerprint in first:
            copies.append((path, report_id, first[fingerprint], fingerprint))
            continue
        first[fingerprint] = report_id
        if report_id in known and known[report_id][0] == fingerprint:
            summary.unchanged.append(report_id)
        else:
            todo.append((path, report_id))
    return todo, {report_id for _, report_id in files}, copies


def prepare_report(
    path: Path, report_id: str, max_file_size: int | None = MAX_FILE_SIZE
) -> tuple[str, list[dict], list[PassageRow]] | ReadError:
    """Read one report and turn it into Whoosh documents and engine rows (runs in worker
    processes); the writer gives each passage its uid. Every failure is returned as the
    file's ReadError (plain and picklable), never raised: one bad file costs only itself."""
    try:
        report = ingest_file(path, report_id, max_file_size)
        return report.id, list(report_documents(report)), passage_rows(report)
    except ReadError as error:
        return error
    except Exception as error:  # noqa: BLE001 - a bug met on one file is that file's error
        return ReadError(path, unexpected_reason(error))


def _prepared(files: list[tuple[Path, str]], workers: int,
              max_file_size: int | None = MAX_FILE_SIZE) -> Iterator[tuple[Path, object]]:
    """(path, prepare_report(path, report id)) in input order, computed by ``workers``
    processes with a bounded number in flight, so memory stays flat however many files
    there are. If a reading process dies (out of memory, killed), the files it might have
    been reading are read again one at a time, each in a process of its own: the one that
    kills its process again is that file's error, and the others are read as usual."""
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        for path, report_id in files:
            yield path, prepare_report(path, report_id, max_file_size)
        return
    queue = deque(files)
    while queue:
        suspects = yield from _through_pool(queue, workers, max_file_size)
        for suspect in suspects:
            if (yield from _through_pool(deque([suspect]), 1, max_file_size)):
                yield suspect[0], ReadError(suspect[0], "its reading process died (out of "
                                                        "memory, or killed)")  # fmt: skip


def _through_pool(queue: deque, workers: int, max_file_size: int | None):
    """Yield (path, result) for the files of ``queue``, taken in order, from one process
    pool. Returns [] when all are done, or, if the pool broke, the files in flight then."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_end_with_parent,
                             initargs=(os.getpid(),)) as executor:  # fmt: skip
        pending: deque = deque()
        try:
            while queue or pending:
                while queue and len(pending) < workers * 4:
                    path, report_id = queue[0]
                    try:
                        future = executor.submit(prepare_report, path, report_id, max_file_size)
                    except BrokenProcessPool:
                        return [(p, r) for p, r, _ in pending]
                    pending.append((path, report_id, future))
                    queue.popleft()
                path, report_id, future = pending[0]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    return [(p, r) for p, r, _ in pending]
                except Exception as error:  # noqa: BLE001 - e.g. a result that cannot pickle
                    result = ReadError(path, unexpected_reason(error))
                pending.popleft()
                yield path, result
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    return []


@contextlib.contextmanager
def _ctrl_c_deferred():
    """Hold Ctrl-C back for the duration and raise it at the end (main thread only: Python
    runs signal handlers there, and elsewhere no KeyboardInterrupt comes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: pressed.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


def _end_with_parent(parent: int) -> None:
    """In a reader process: ask Linux to end it when the writing process dies, so a killed
    ``index`` leaves no reader processes behind (elsewhere they end at their next task).
    If the writer died before this ran, end now."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


STALE_LOCK_GRACE = 0.5  # seconds


def _break_stale_lock(path: Path) -> list[str]:
    """If the write lock is held by reader processes of a writer that is dead, end them
    (the lock is free then, or in a moment) and return a note saying so; else []."""
    try:
        owner = json.loads((path.parent / "write.lock.owner").read_text("utf-8"))
        pid = int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if owner.get("host") != socket.gethostname() or _alive(pid):
        return []
    # A new writer names itself a moment after it takes the lock: wait that moment, so the
    # writer caught between the two is never taken for a dead one's reader.
    time.sleep(STALE_LOCK_GRACE)
    try:
        if json.loads((path.parent / "write.lock.owner").read_text("utf-8")) != owner:
            return []
    except (OSError, ValueError):
        return []
    holders = _processes_holding(path)
    for holder in holders:
        with contextlib.suppress(OSError):
            os.kill(holder, signal.SIGKILL)
    return [
        f"broke a stale write lock: the last writer (pid {pid}) is dead, and "
        f"{len(holders)} of its reader processes still held the lock; they were ended"
    ]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _processes_holding(path: Path) -> list[int]:
    """The processes (of this user) with ``path`` open, from /proc."""
    target = os.path.realpath(path)
    holders = []
    for fd_folder in Path("/proc").glob("[0-9]*/fd"):
        with contextlib.suppress(OSError):
            if any(os.path.realpath(fd) == target for fd in fd_folder.iterdir()):
                holders.append(int(fd_folder.parent.name))
    return [pid for pid in holders if pid != os.getpid()]


def _indexed_reports(index) -> dict[str, tuple[str, str, str]]:
    """report id -> (content hash, file, text hash) for every report in the index."""
    with index.searcher() as searcher:
        return {
            fields["report"]: (fields["content_hash"], fields["file"],
                               fields.get("text_hash", ""))  # fmt: skip
            for fields in searcher.documents(doctype=REPORT)
        }


def _indexed_duplicates(index) -> dict[str, str]:
    """report id -> file of every file recorded as a copy of an indexed report."""
    with index.searcher() as searcher:
        return {fields["report"]: fields["file"]
                for fields in searcher.documents(doctype=DUPLICATE)}  # fmt: skip


def report_documents(report: Report) -> Iterable[dict]:
    """The Whoosh documents for one report: the report document first, then one per
    passage, in the order of ``passage_rows``."""
    meta = report.metadata
    common = dict(
        _place_and_kind(report),
        report=report.id,
        title=meta.title,
        file=report.file,
        script=meta.script,
        year=str(meta.year) if meta.year else "",
        published=meta.published,
        doc_number=meta.doc_number,
        issuer=meta.issuer,
    )
    yield dict(
        common,
        doctype=REPORT,
        id=f"{report.id}#report",
        content_hash=report.content_hash,
        text_hash=report.text_hash,
        summary=report.summary(),
    )
    for passage in report.passages:
        yield dict(
            common,
            doctype=PASSAGE,
            id=passage.id,
            position=passage.position,
            section=list(passage.section),
            category=passage.category,
            metric=",".join(sorted({f.canonical for f in passage.facts if f.canonical})),
            facts=[fact.as_dict() for fact in passage.facts],
            original=passage.original,
            start=passage.start,
            end=passage.end,
        )


def passage_rows(report: Report) -> list[PassageRow]:
    """The exact-match engine's rows for one report, in passage order (uids come later)."""
    meta = report.metadata
    # One str per distinct word: a 5 MB report has a million words but few thousand
    # distinct ones, and a str object costs 60 bytes.
    vocabulary: dict[str, str] = {}
    return [
        PassageRow(
            uid=-1,
            report=report.id,
            position=passage.position,
            text=passage.text,
            # One heading a line: a query (which never holds a line break) cannot match
            # across two headings.
            section=normalize_for_search("\n".join(passage.section)),
            year=meta.year or 0,
            category=passage.category,
            facts=[(f.canonical, f.value) for f in passage.facts],
            # jieba runs here, in the reader processes, not in the writing one.
            words=[vocabulary.setdefault(word, word) for word in word_tokens(passage.text)],
            **_place_and_kind(report),
        )
        for passage in report.passages
    ]


def _place_and_kind(report: Report) -> dict[str, str]:
    """The metadata both the record and the engine keep for every passage of a report."""
    meta = report.metadata
    return dict(province=meta.province, city=meta.city, district=meta.district,
                level=meta.level, kind=meta.kind)  # fmt: skip
