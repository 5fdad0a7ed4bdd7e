"""Store: an index folder, opened for reading (``IndexStore.open`` -> ``OpenIndex``) or
brought up to date with report files (``IndexStore.update`` -> ``IndexSummary``), through an
``IndexWriter`` that adds and deletes reports and then commits or rolls back.

Input: an index folder, and paths of report files (or ``Report`` records). Output: an
up-to-date index there and a summary of what changed, which files were skipped and why; or
one commit of the index, open for reading.

Layout of an index folder::

    CURRENT                  {"format": 5, "generation": "gen-000002"} (replaced atomically)
    gen-000002/
      whoosh/                the Whoosh index of record (``_MAIN_<N>.toc`` per commit N)
      whoosh-7.json          the checksums of Whoosh commit 7's files
      segments/seg-000003/   one engine segment: meta.json and arrays.bin, never changed
      live/seg-000003-7.npy  which of its passages are live from Whoosh commit 7 on
      engine-7.json          the segments (and live masks) that go with Whoosh commit 7
    write.lock               held by the one process writing (``locking``)

Safety. An update writes new segments, live masks and ``engine-N.json`` for the Whoosh
commit N it is about to make, then ``whoosh-N.json``, and only then lets Whoosh write its
table of contents: the moment the update becomes visible. A crash or Ctrl-C before it
leaves the previous commit answering with its own files, which are kept. A reader takes the
newest table of contents' number N and maps the segments ``engine-N.json`` names (Whoosh
itself is never opened to search: the segments hold what hits show), so it sees one
consistent state for as long as it stays open; an open that meets files a new commit
removed starts again. Whoosh's own files are checked by the writer, before it adds to them.
A rebuild writes a whole new generation folder and only then points CURRENT at it.

The files themselves are read and written by ``index_files``, segments by
``segment_writer``, Whoosh documents and engine rows made by ``documents``, report files
read by ``workers``.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import index_files as files
from .errors import (
    IndexDamagedError,
    IndexMissingError,
    IndexVersionError,
    IndexWriteError,
    UpdateInterrupted,
)
from .index_files import REBUILD_HINT
from .limits import MAX_FILE_SIZE
from .schema import FORMAT_VERSION
from .segment import Segment
from .segment_writer import SEGMENT_CHARACTERS, MergePolicy, merge_smallest

if TYPE_CHECKING:
    from whoosh.index import Index as WhooshIndex

    from .writer import IndexSummary, IndexWriter

__all__ = ["REBUILD_HINT", "IndexStore", "IndexSummary", "IndexWriter", "OpenIndex"]

DEFAULT_INDEX_DIR = "index_data"
INDEX_DIR_ENV = "REPORTSEARCH_INDEX_DIR"
# Opening starts again when a commit removed files under it; a writer commits far less often
# than this many times during one open.
OPEN_ATTEMPTS = 20


def __getattr__(name: str):
    # The writer (and with it the reading pipeline) loads when an update needs it, not when
    # a search opens the index.
    if name in ("IndexSummary", "IndexWriter"):
        from . import writer

        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_index_dir() -> Path:
    return Path(os.environ.get(INDEX_DIR_ENV) or DEFAULT_INDEX_DIR)


@dataclass
class OpenIndex:
    """One commit of an index, open for reading: the engine's segments with their live
    masks (None: every passage live) and the records of files indexed as copies. Whoosh is
    not opened: everything a search shows is in the segments."""

    segments: list[Segment]
    live: list[np.ndarray | None]
    reports: int  # live reports
    copies: dict[str, dict]  # report id -> {"file", "report", "same_as", "path"}
    state: tuple = ()  # ``IndexStore.state()`` of the commit opened

    def close(self) -> None:
        """Nothing to release: the arrays are memory maps, unmapped when dropped."""

    def is_current(self, store: IndexStore) -> bool:
        """False once a writer has committed since this was opened (reopen to see it)."""
        return store.state() == self.state


# Progress callback: (files done, files in all, the file just done).
Progress = Callable[[int, int, str], None]


class IndexStore:
    """An index folder: open it for reading, or bring it up to date with report files.
    ``segment_characters`` and ``merge_policy`` shape the engine's segments (see
    ``segment_writer``); the answers never depend on them."""

    def __init__(self, directory: str | Path | None = None, *,
                 segment_characters: int = SEGMENT_CHARACTERS,
                 merge_policy: MergePolicy = merge_smallest):  # fmt: skip
        self.directory = Path(directory) if directory is not None else default_index_dir()
        self.segment_characters = segment_characters
        self.merge_policy = merge_policy

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
            raise files.damaged(
                generation_dir, f"CURRENT names {pointer['generation']}, which is gone"
            )
        return generation_dir

    def _whoosh(self, generation_dir: Path) -> WhooshIndex:
        """The Whoosh index of a generation, its latest commit's files checked first (for
        the writer: a search never opens Whoosh)."""
        from whoosh import index as whoosh_index

        files.check_whoosh(generation_dir, files.latest_commit(generation_dir))
        try:
            return whoosh_index.open_dir(str(generation_dir / "whoosh"))
        except Exception as error:  # noqa: BLE001 - whatever a damaged file makes Whoosh raise
            raise files.damaged(generation_dir, f"{type(error).__name__}: {error}") from None

    def open(self) -> OpenIndex:
        """The current commit, checked for format and damage; raises IndexMissingError,
        IndexVersionError (from another version) or IndexDamagedError.

        A writer may commit while this opens: the files of the commit being opened can go
        (Whoosh removes the previous commit's files as it commits, a rebuild the old
        generation). Damage met while the index changed is that, not damage: the open starts
        again on the new commit. Only damage that stays while nothing commits is reported."""
        for attempt in range(OPEN_ATTEMPTS):
            before = self.state()
            try:
                return self._open_once()
            except IndexVersionError:
                if attempt == OPEN_ATTEMPTS - 1 or self.state() == before:
                    raise
            time.sleep(0.01 * attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    def generation(self) -> str:
        """The generation folder CURRENT names ("" for no index, or a damaged CURRENT)."""
        try:
            return str((self._pointer() or {}).get("generation", ""))
        except IndexVersionError:
            return ""

    def state(self) -> tuple:
        """What changes with every commit: CURRENT's generation and its newest commit."""
        generation = self.generation()
        folder = self.directory / generation
        return (generation, files.latest_commit(folder) if generation and folder.is_dir() else -1)

    def _open_once(self) -> OpenIndex:
        # The newest commit is the newest Whoosh table of contents (written last by a
        # commit); its engine file names the segments, each checked as it is mapped.
        generation_dir = self._generation_dir()
        commit = files.latest_commit(generation_dir)
        if commit < 1:  # CURRENT names a generation only once it has a commit
            raise files.damaged(generation_dir, "no Whoosh table of contents")
        manifest = files.read_manifest(generation_dir, commit)
        segments = [files.load_segment(generation_dir, entry) for entry in manifest["segments"]]
        live = [files.load_live(generation_dir, entry) for entry in manifest["segments"]]
        return OpenIndex(segments, live, manifest.get("reports", 0),
                         manifest.get("copies", {}), (generation_dir.name, commit))  # fmt: skip

    # ---- writing ------------------------------------------------------------------------
    def sources(self) -> list[str]:
        """The files and folders the index was built and updated from ([] if none)."""
        return list(self._current_manifest().get("sources", []))

    def _current_manifest(self) -> dict:
        """The manifest of the latest commit, or an empty one when there is no index. It
        carries its own checksum, so Whoosh's files need not be opened or checked for it."""
        pointer = self._pointer()
        if pointer is None or pointer.get("format") != FORMAT_VERSION:
            return files.empty_manifest()
        generation_dir = self._generation_dir()
        return files.read_manifest(generation_dir, files.latest_commit(generation_dir))

    def writer(self, *, rebuild: bool = False, wait: float = 30.0,
               break_stale_locks: bool = False) -> IndexWriter:  # fmt: skip
        """An ``IndexWriter`` for one update (``rebuild``: of a new, empty generation),
        holding the write lock (waiting up to ``wait`` seconds for it)."""
        from .writer import IndexWriter  # here: a search never imports the reading pipeline

        return IndexWriter(self, rebuild=rebuild, wait=wait, break_stale_locks=break_stale_locks)

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
        break_stale_locks: bool = False,
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
        given are skipped unless ``follow_links``. A write lock held by the reading
        processes of a dead writer is broken (they are ended) only if ``break_stale_locks``."""
        from .writer import IndexSummary, update_from_files

        summary = IndexSummary()
        writer = None
        try:
            with self.writer(rebuild=rebuild, wait=wait,
                             break_stale_locks=break_stale_locks) as writer:  # fmt: skip
                update_from_files(writer, summary, list(paths), rebuild=rebuild,
                                  progress=progress, workers=workers, force=force,
                                  max_file_size=max_file_size,
                                  follow_links=follow_links)  # fmt: skip
        except KeyboardInterrupt:
            raise UpdateInterrupted(bool(writer and writer.committed)) from None
        except OSError as error:
            raise IndexWriteError(
                f"cannot write the index at {self.directory}: {error.strerror or error}"
                + ("" if writer and writer.committed else "; the index is as it was before")
            ) from None
        return summary

    def _remove_leftovers(self, pointer: dict | None) -> None:
        """Generation folders CURRENT does not name: what a killed or failed rebuild left
        (as big as an index). Called with the write lock held."""
        current = (pointer or {}).get("generation")
        for folder in self.directory.glob("gen-*"):
            if folder.name != current and current is not None:
                _remove_tree(folder)

    def _new_generation(self, pointer: dict | None) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[4:]) for p in self.directory.glob("gen-*") if p.name[4:].isdigit()]
        if pointer and str(pointer.get("generation", "")).startswith("gen-"):
            numbers.append(int(pointer["generation"][4:]))
        generation = self.directory / f"gen-{max(numbers, default=0) + 1:06d}"
        (generation / "whoosh").mkdir(parents=True)
        return generation

    def _point_at(self, generation: str) -> None:
        files.write_atomically(
            self.directory / "CURRENT",
            json.dumps({"format": FORMAT_VERSION, "generation": generation}),
        )
        for old in self.directory.glob("gen-*"):
            if old.name != generation:
                _remove_tree(old)


# ---- the steps of an update -----------------------------------------------------------------


def _remove_tree(folder: Path) -> None:
    import shutil  # here: only writers remove folders, and a search starts without it

    shutil.rmtree(folder, ignore_errors=True)
