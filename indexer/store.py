"""Store: Report records -> a Whoosh index on disk. The only module that writes an index.

Input: paths of report files and an index folder. Output: an up-to-date index there, and an
``IndexSummary`` of what changed and which files were skipped (with reasons).

Layout of an index folder::

    CURRENT          {"format": 1, "generation": "gen-000002"}  (replaced atomically)
    gen-000002/      the Whoosh index that CURRENT names
    write.lock       held by the one process writing

Safety. An incremental update (new, changed, deleted reports) is one Whoosh commit: until
the commit, readers see the previous state; a crash or Ctrl-C before it changes nothing.
A rebuild writes a new generation beside the current one and only then points CURRENT at it,
so killing ``index --rebuild`` half-way leaves the old index answering queries. A second
writer waits for ``write.lock`` and then fails with a clear message.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import filelock
from whoosh import index as whoosh_index
from whoosh import writing

from .errors import (
    IndexLockedError,
    IndexMissingError,
    IndexVersionError,
    ReadError,
)
from .normalizing import normalize_for_search
from .pipeline import Report, discover_files, file_fingerprint, ingest_file, report_id_for
from .schema import (
    FORMAT_VERSION,
    PASSAGE,
    REPORT,
    WORD_SEPARATOR,
    build_schema,
    place_keys,
    word_tokens,
)

DEFAULT_INDEX_DIR = "index_data"
INDEX_DIR_ENV = "REPORTSEARCH_INDEX_DIR"
REBUILD_HINT = "rebuild with: reportsearch index --rebuild"


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
    reports: int = 0  # in the index after the update
    passages: int = 0
    rebuilt: bool = False

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": len(self.unchanged),
            "skipped": [{"file": e.path, "reason": e.reason} for e in self.skipped],
            "reports": self.reports,
            "passages": self.passages,
            "rebuilt": self.rebuilt,
        }


# Progress callback: (files done, files in all, the file just done).
Progress = Callable[[int, int, str], None]


class IndexStore:
    """An index folder: open it for reading, or bring it up to date with report files."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory is not None else default_index_dir()

    # ---- reading ------------------------------------------------------------------------

    def _pointer(self) -> dict | None:
        try:
            return json.loads((self.directory / "CURRENT").read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise IndexVersionError(
                f"{self.directory}: unreadable index pointer ({error}); {REBUILD_HINT}"
            ) from None

    def exists(self) -> bool:
        return self._pointer() is not None

    def open(self) -> whoosh_index.Index:
        """The current index, checked for format; raises IndexMissingError/IndexVersionError."""
        pointer = self._pointer()
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
        path = self.directory / pointer["generation"]
        try:
            return whoosh_index.open_dir(str(path))
        except (whoosh_index.EmptyIndexError, OSError, AttributeError, ImportError,
                pickle.UnpicklingError) as error:  # fmt: skip
            raise IndexVersionError(
                f"index at {path} is damaged ({error}); {REBUILD_HINT}"
            ) from None

    # ---- writing ------------------------------------------------------------------------

    def _lock(self, wait: float) -> filelock.FileLock:
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.directory / "write.lock"))
        try:
            lock.acquire(timeout=wait)
        except filelock.Timeout:
            raise IndexLockedError(
                f"another reportsearch process is writing {self.directory}; "
                f"waited {wait:g}s (try again when it is done)"
            ) from None
        return lock

    def update(
        self,
        paths: Iterable[str | Path],
        rebuild: bool = False,
        progress: Progress | None = None,
        wait: float = 30.0,
        workers: int | None = None,
    ) -> IndexSummary:
        """Add new report files, re-index changed ones (by content hash), drop reports whose
        file is gone; with ``rebuild``, start from an empty index. One commit.
        ``workers`` processes read and analyse reports (default: one per CPU) while this one
        writes the index; the result does not depend on how many there are."""
        lock = self._lock(wait)
        try:
            workers = workers if workers is not None else (os.cpu_count() or 1)
            return self._update(list(paths), rebuild, progress, max(1, workers))
        finally:
            lock.release()

    def _update(self, paths: list, rebuild: bool, progress: Progress | None, workers: int):
        summary = IndexSummary()
        pointer = self._pointer()
        fresh = rebuild or pointer is None or pointer.get("format") != FORMAT_VERSION
        if fresh:
            generation = self._new_generation(pointer)
            index = whoosh_index.create_in(str(self.directory / generation), build_schema())
            known: dict[str, tuple[str, str]] = {}
            summary.rebuilt = True
        else:
            generation = pointer["generation"]
            index = self.open()
            known = _indexed_reports(index)

        files, missing = discover_files(paths)
        summary.skipped.extend(missing)
        writer = index.writer(limitmb=256)
        try:
            todo, present = _plan(files, known, summary)
            for done, (path, result) in enumerate(_prepared(todo, workers), 1):
                if isinstance(result, ReadError):
                    # The report keeps whatever the index already had for it.
                    summary.skipped.append(result)
                else:
                    report_id, documents = result
                    if report_id in known:
                        writer.delete_by_term("report", report_id)
                        summary.updated.append(report_id)
                    else:
                        summary.added.append(report_id)
                    for document in documents:
                        writer.add_document(**document)
                if progress:
                    progress(done, len(todo), str(path))
            for report_id, (_, file) in sorted(known.items()):
                if report_id not in present and not Path(file).exists():
                    writer.delete_by_term("report", report_id)
                    summary.removed.append(report_id)
            writer.commit(mergetype=writing.CLEAR if fresh else writing.MERGE_SMALL)
        except BaseException:
            writer.cancel()
            if fresh:
                shutil.rmtree(self.directory / generation, ignore_errors=True)
            raise
        if fresh:
            self._point_at(generation)
        with self.open().searcher() as searcher:
            # doc_frequency would still count deleted documents until segments merge.
            summary.reports = sum(1 for _ in searcher.document_numbers(doctype=REPORT))
            summary.passages = searcher.doc_count() - summary.reports
        return summary

    def _new_generation(self, pointer: dict | None) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[4:]) for p in self.directory.glob("gen-*") if p.name[4:].isdigit()]
        if pointer and str(pointer.get("generation", "")).startswith("gen-"):
            numbers.append(int(pointer["generation"][4:]))
        generation = f"gen-{max(numbers, default=0) + 1:06d}"
        (self.directory / generation).mkdir()
        return generation

    def _point_at(self, generation: str) -> None:
        data = json.dumps({"format": FORMAT_VERSION, "generation": generation})
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".CURRENT.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.directory / "CURRENT")
        for old in self.directory.glob("gen-*"):
            if old.name != generation:
                shutil.rmtree(old, ignore_errors=True)


# Fewer changed files than this are read in this process: starting workers (each loads
# jieba's dictionary) costs more than it saves.
PARALLEL_MIN_FILES = 16


def _plan(files: list[Path], known: dict, summary: IndexSummary):
    """Files that need (re)reading, in order; unchanged files are settled here.
    Returns (paths to read, the set of report ids present)."""
    todo: list[Path] = []
    for path in files:
        report_id = report_id_for(path)
        try:
            unchanged = report_id in known and known[report_id][0] == file_fingerprint(path)
        except ReadError as error:
            summary.skipped.append(error)
            continue
        if unchanged:
            summary.unchanged.append(report_id)
        else:
            todo.append(path)
    return todo, {report_id_for(path) for path in files}


def prepare_report(path: Path) -> tuple[str, list[dict]] | ReadError:
    """Read one report and turn it into index documents (runs in worker processes)."""
    try:
        report = ingest_file(path)
    except ReadError as error:
        return error
    return report.id, list(report_documents(report))


def _prepared(paths: list[Path], workers: int) -> Iterator[tuple[Path, object]]:
    """(path, prepare_report(path)) in input order, computed by ``workers`` processes with a
    bounded number in flight, so memory stays flat however many files there are."""
    if workers <= 1 or len(paths) < PARALLEL_MIN_FILES:
        for path in paths:
            yield path, prepare_report(path)
        return
    with ProcessPoolExecutor(max_workers=workers) as executor:
        pending: deque = deque()
        queue = iter(paths)
        try:
            for path in queue:
                pending.append((path, executor.submit(prepare_report, path)))
                if len(pending) >= workers * 4:
                    done_path, future = pending.popleft()
                    yield done_path, future.result()
            while pending:
                done_path, future = pending.popleft()
                yield done_path, future.result()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def _indexed_reports(index) -> dict[str, tuple[str, str]]:
    """report id -> (content hash, file) for every report in the index."""
    with index.searcher() as searcher:
        return {
            fields["report"]: (fields["content_hash"], fields["file"])
            for fields in searcher.documents(doctype=REPORT)
        }


def report_documents(report: Report) -> Iterable[dict]:
    """The Whoosh documents for one report: a report document, then one per passage."""
    meta = report.metadata
    common = dict(
        report=report.id,
        title=meta.title,
        file=report.file,
        province=meta.province,
        city=meta.city,
        district=meta.district,
        place_keys=place_keys(meta.province, meta.city, meta.district),
        level=meta.level,
        kind=meta.kind,
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
        summary=report.summary(),
    )
    for passage in report.passages:
        # One heading a line: a query (which never holds a line break) cannot match across
        # two headings.
        section_search = normalize_for_search("\n".join(passage.section))
        yield dict(
            common,
            doctype=PASSAGE,
            id=passage.id,
            position=passage.position,
            section=list(passage.section),
            section_text=section_search,
            section_search=section_search.encode("utf-8"),
            category=passage.category,
            metric=",".join(sorted({f.canonical for f in passage.facts if f.canonical})),
            facts=[fact.as_dict() for fact in passage.facts],
            original=passage.original,
            start=passage.start,
            end=passage.end,
            text=passage.text,
            search=passage.text.encode("utf-8"),
            # jieba runs here, in the worker, not in the analyzer of the writing process.
            words=WORD_SEPARATOR.join(word_tokens(passage.text)),
        )
