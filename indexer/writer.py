"""Writer: one update of an index, as an ``IndexWriter`` (add and delete reports, then commit
or roll back), and the steps that bring an index up to date with report files.

Input: an ``IndexStore`` whose write lock this takes, and reports (``add_report``) or the
paths of report files (``update_from_files``). Output: one commit of the index, and an
``IndexSummary`` of what changed, which files were skipped and why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from whoosh import index as whoosh_index
from whoosh import writing

from . import index_files as files
from .documents import passage_rows, report_documents
from .errors import IndexShrinkError, IndexVersionError, ReadError, ReadWarning, shown_path
from .locking import write_lock
from .pipeline import MAX_FILE_SIZE, Report, discover_files, file_fingerprint, file_stat
from .schema import FORMAT_VERSION, REPORT, build_schema
from .segment_writer import SegmentWriter
from .words import word_tokens
from .workers import prepared

if TYPE_CHECKING:  # the store imports this module; a writer is given its store
    from .store import IndexStore


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


class IndexWriter:
    """One update of an index, under its write lock (tantivy-py's ``IndexWriter`` is the
    model): add and delete reports, then ``commit`` (visible at once, and whole) or
    ``rollback`` (nothing changes). As a context manager it rolls back unless committed,
    and always releases the lock::

        with IndexStore("index_data").writer() as writer:
            writer.add_report(ingest_file("reports/2021/001.txt", "2021/001"))
            writer.delete_report("2020/007")
            writer.commit()
    """

    def __init__(self, store: IndexStore, *, rebuild: bool = False, wait: float = 30.0,
                 break_stale_locks: bool = False):  # fmt: skip
        self.store = store
        self.committed = False  # visible to readers (a rebuild: once CURRENT names it)
        self.passages = 0
        self._lock, self.notes = write_lock(store.directory, wait, break_stale_locks)
        self._open = True
        try:
            self._begin(rebuild)
        except BaseException:
            self._close()
            raise

    def _begin(self, rebuild: bool) -> None:
        store = self.store
        try:
            pointer = store._pointer()
            self.previous = store._current_manifest()
        except IndexVersionError:
            if not rebuild:
                raise
            # A damaged index (whatever CURRENT holds): a rebuild replaces it, unread.
            pointer, self.previous = None, files.empty_manifest()
        store._remove_leftovers(pointer)
        self.fresh = rebuild or pointer is None or pointer.get("format") != FORMAT_VERSION
        if self.fresh:
            self.generation_dir = store._new_generation(pointer)
            ix = whoosh_index.create_in(str(self.generation_dir / "whoosh"), build_schema())
            manifest = files.empty_manifest()
            self.known: dict[str, Known] = {}
        else:
            self.generation_dir = store._generation_dir()
            latest = files.latest_commit(self.generation_dir)
            if latest > 0 and not (self.generation_dir / f"whoosh-{latest}.json").exists():
                # Lost (commits write it before their table of contents): write it again.
                files.write_whoosh_sums(self.generation_dir, latest)
            ix = store._whoosh(self.generation_dir)
            manifest = self.previous  # the latest commit's, read above with the lock held
            self.known = _indexed_reports(ix)
        # report id -> the record of a file indexed as a copy of a report, with its path:
        # kept in the engine file only, where searches read them too
        self.copies: dict[str, dict] = dict(manifest.get("copies", {}))
        self.known_duplicates = {rid: copy["path"] for rid, copy in self.copies.items()}
        self.reports = len(self.known)  # in the index once this update commits
        self._deleted: set[str] = set()
        # Not compound: Whoosh copies a file packed in a compound segment into memory to
        # read it (1 GB for the stored fields of 600,000 passages); separate files are mapped.
        self._whoosh = ix.writer(limitmb=256, compound=False)
        self._commit = self._whoosh.generation
        self._segments = SegmentWriter(self.generation_dir, manifest,
                                       store.segment_characters, store.merge_policy)  # fmt: skip

    def known_ids(self) -> dict[str, str]:
        """File -> report id of every file the index holds (reports and copies)."""
        ids = {entry.path: report_id for report_id, entry in self.known.items()}
        ids.update({path: report_id for report_id, path in self.known_duplicates.items()})
        return ids

    def add_report(self, report: Report) -> str:
        """Index ``report``, replacing the report of the same id: "added" or "updated"."""
        return self.add_prepared(report.id, list(report_documents(report)),
                                 passage_rows(report))  # fmt: skip

    def add_prepared(self, report_id: str, documents: list[dict], rows: list) -> str:
        """``add_report`` for what ``documents.prepare_report`` made in a reading process."""
        self.copies.pop(report_id, None)  # a file that was a copy is a report now
        status = "updated" if report_id in self.known else "added"
        if status == "updated":
            self._whoosh.delete_by_term("report", report_id)
            self._segments.delete(report_id)
        if status == "added" or report_id in self._deleted:
            self.reports += 1
            self._deleted.discard(report_id)
        for document, uid in zip(documents[1:], self._segments.add(rows), strict=True):
            document["uid"] = str(uid)
        for document in documents:
            self._whoosh.add_document(**document)
        return status

    def delete_report(self, report_id: str) -> None:
        """Drop a report (or the record of a copy) from the index."""
        self._whoosh.delete_by_term("report", report_id)
        self.copies.pop(report_id, None)
        if report_id in self.known and report_id not in self._deleted:
            self._segments.delete(report_id)
            self._deleted.add(report_id)
            self.reports -= 1

    def record_copy(self, path: Path, report_id: str, same_as: str) -> dict:
        """Index a copy of report ``same_as`` once: as a record of its file, not a report
        (a report of the same id, if any, is dropped). Returns the record."""
        self.delete_report(report_id)
        copy = {"file": shown_path(path), "report": report_id, "same_as": same_as}
        self.copies[report_id] = dict(copy, path=str(path))
        return copy

    def commit(self, sources: list[str] | None = None) -> None:
        """Make the update visible, whole; ``sources`` are remembered for the next update.
        From Whoosh's commit on, Ctrl-C waits until the commit has its checksums (and a
        rebuild its CURRENT): the update is whole or absent, and ``committed`` says which."""
        try:
            self._segments.finish(self._commit, self.reports, sources, self.copies)
            files.sum_before_the_toc(self._whoosh, self.generation_dir, self._commit)
        except BaseException:
            self.rollback()
            raise
        with _ctrl_c_deferred():
            try:
                self._whoosh.commit(mergetype=writing.CLEAR if self.fresh else writing.MERGE_SMALL)
            except BaseException:
                self.rollback()
                raise
            self.committed = not self.fresh  # an update is visible now; a rebuild below
            files.clean_engine_files(self.generation_dir, self._commit)
            if self.fresh:
                self.store._point_at(self.generation_dir.name)
                self.committed = True
        self.passages = self._segments.live_passages
        self._close()

    def rollback(self) -> None:
        """Drop what this update wrote (Whoosh's pending files, a new generation)."""
        if self._open:
            with contextlib.suppress(Exception):
                self._whoosh.cancel()
            if self.fresh:
                shutil.rmtree(self.generation_dir, ignore_errors=True)
            self._close()

    def _close(self) -> None:
        if self._open:
            self._open = False
            self._lock.release()

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()  # unless committed: then there is nothing left to do


def _plan(files: list[tuple[Path, str]], writer: IndexWriter, summary: IndexSummary,
          max_file_size: int | None = MAX_FILE_SIZE):  # fmt: skip
    """Files that need reading, as (path, report id), in order; each is read once, by
    ``_read_and_add``, which hashes it then. A report's file whose stat is the one it had
    when it was read (``pipeline.file_stat``) is unchanged and not read at all; one whose
    stat changed, or that moved, is read to index it. A file whose stat could not be
    trusted (it had just changed when it was read) and a file recorded as a copy are hashed
    here, to settle them if unchanged, or as a byte-for-byte copy of a report. Returns
    (files to read, the set of report ids present, copies as (path, id, id of the original),
    content hash -> the report id of the first file with it)."""
    known = writer.known
    todo: list[tuple[Path, str]] = []
    copies: list[tuple[Path, str, str]] = []
    first: dict[str, str] = {}  # content hash -> the report id of the first such file
    hashed: list[tuple[Path, str]] = []
    for path, report_id in files:  # settled by stat first: they are the originals of copies
        entry = known.get(report_id)
        if entry is not None and entry.path == str(path) and entry.stat is not None:
            if entry.stat == file_stat(path):
                summary.unchanged.append(report_id)  # not written to since it was read
                first.setdefault(entry.content_hash, report_id)
            else:
                todo.append((path, report_id))
        elif entry is None and report_id not in writer.known_duplicates:
            todo.append((path, report_id))  # new
        elif entry is not None and entry.path != str(path):
            todo.append((path, report_id))  # its file moved: indexed again, and said so
        else:
            hashed.append((path, report_id))
    for path, report_id in hashed:
        try:
            fingerprint = file_fingerprint(path, max_file_size)
        except ReadError as error:
            summary.skipped.append(error)
            continue
        if fingerprint in first and first[fingerprint] != report_id:
            copies.append((path, report_id, first[fingerprint]))
        elif report_id in known and known[report_id].content_hash == fingerprint:
            summary.unchanged.append(report_id)
            first.setdefault(fingerprint, report_id)
        else:
            todo.append((path, report_id))
    order = {path: number for number, (path, _) in enumerate(files)}
    todo.sort(key=lambda item: order[item[0]])  # read in the order the files were found
    return todo, {report_id for _, report_id in files}, copies, first


def _read_and_add(writer: IndexWriter, summary: IndexSummary, todo: list, progress,
                  workers: int, max_file_size: int | None, first: dict[str, str]
                  ) -> list:  # fmt: skip
    """Read the files of ``todo`` (in ``workers`` processes) and add each report to
    ``writer``. A file with the same bytes (``first``: content hash -> report id) or the
    same text (another format, another encoding) as a report met before is a copy,
    returned as (path, id, id of the original)."""
    known = writer.known
    copies = []
    texts = {known[i].text_hash: i for i in summary.unchanged if known[i].text_hash}
    for done, (path, result) in enumerate(prepared(todo, workers, max_file_size), 1):
        if isinstance(result, ReadError):
            summary.skipped.append(result)  # the report keeps what the index had for it
        else:
            report_id, documents, rows = result
            text_hash, content_hash = documents[0]["text_hash"], documents[0]["content_hash"]
            original = first.setdefault(content_hash, report_id)
            if original == report_id:
                original = texts.setdefault(text_hash, report_id)
            if original != report_id:
                copies.append((path, report_id, original))
            else:
                warnings = documents[0]["summary"]["warnings"]
                summary.warnings.extend(ReadWarning(path, text) for text in warnings)
                entry = known.get(report_id)
                if writer.add_prepared(report_id, documents, rows) == "added":
                    summary.added.append(report_id)
                elif (entry.content_hash, entry.path) == (content_hash, str(path)):
                    # written to but the same bytes (touched): indexed again for its new
                    # stat, and unchanged for the user
                    summary.unchanged.append(report_id)
                else:
                    summary.updated.append(report_id)
                    if entry.path != str(path):
                        summary.notes.append(
                            f"{report_id}: now read from {shown_path(path)} "
                            f"(its file {entry.file} is gone)"
                        )
            # Whoosh has them now: a big report's documents must not stay alive (in these
            # names) while the segments are built.
            result = documents = rows = None
        if progress:
            progress(done, len(todo), shown_path(path))
    return copies


def _record_copies(writer: IndexWriter, summary: IndexSummary, copies: list) -> None:
    for path, report_id, same_as in copies:
        if report_id in writer.known:
            summary.removed.append(report_id)
        summary.duplicates.append(writer.record_copy(path, report_id, same_as))


def _drop_gone(writer: IndexWriter, summary: IndexSummary, present: set[str]) -> None:
    """Drop the reports (and records of copies) whose file is gone."""
    for report_id, entry in sorted(writer.known.items()):
        if report_id not in present and not os.path.exists(entry.path):
            writer.delete_report(report_id)
            summary.removed.append(report_id)
    for report_id, path in sorted(writer.known_duplicates.items()):
        if report_id not in present and not os.path.exists(path):
            writer.delete_report(report_id)


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


class Known(NamedTuple):
    """What the index holds of a report's file."""

    content_hash: str
    file: str  # as people read it
    text_hash: str
    stat: list | None  # pipeline.file_stat when it was read
    path: str  # as the file system knows it, absolute


def _indexed_reports(index) -> dict[str, Known]:
    """report id -> what the index holds of its file, for every report."""
    with index.searcher() as searcher:
        return {
            fields["report"]: Known(
                fields["content_hash"],
                fields["file"],
                fields.get("text_hash", ""),
                fields.get("file_stat"),
                fields.get("path") or os.path.abspath(fields["file"]),
            )
            for fields in searcher.documents(doctype=REPORT)
        }


def update_from_files(writer: IndexWriter, summary: IndexSummary, paths: list, *,
                      rebuild: bool, progress=None, workers: int | None = None,
                      force: bool = False, max_file_size: int | None = MAX_FILE_SIZE,
                      follow_links: bool = False) -> None:  # fmt: skip
    """Bring the index of ``writer`` up to date with the report files under ``paths`` and
    commit (see ``IndexStore.update``); what was done goes into ``summary``."""
    # a words backend that cannot be used is one error, not every file's (and, loaded here,
    # the reading processes inherit it)
    word_tokens("法")
    summary.notes.extend(writer.notes)
    summary.rebuilt = writer.fresh
    found, missing = discover_files(paths, writer.known_ids(), writer.store.directory,
                                    follow_links)  # fmt: skip
    summary.skipped.extend(missing)
    todo, present, copies, first = _plan(found, writer, summary, max_file_size)
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    copies += _read_and_add(writer, summary, todo, progress, workers, max_file_size, first)
    _record_copies(writer, summary, copies)
    _drop_gone(writer, summary, present)
    _check_shrink(writer.previous.get("reports", 0), writer.reports, rebuild, summary, force)
    sources = [str(Path(p).resolve()) for p in paths]
    if not rebuild:
        sources = list(dict.fromkeys(writer.previous.get("sources", []) + sources))
    writer.commit(sources)
    summary.reports, summary.passages = writer.reports, writer.passages
