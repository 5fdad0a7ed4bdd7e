"""Pipeline: report files -> ``Report`` records, one stage after another.

Input: paths (files or folders). Output: ``Report`` records (reading decision, metadata,
headings, passages with their facts, what cleaning removed), or a ``ReadError`` per file that
could not be read. Stages: reading -> normalizing -> cleaning -> metadata -> sections ->
metrics. Nothing here writes anywhere; ``store.py`` is the only module that does.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cleaning import clean_lines
from .errors import ReadError, shown_path
from .formats import short_error
from .formats.text import DecodedText
from .limits import MAX_FILE_SIZE
from .metadata import ReportMetadata, extract_metadata
from .metrics import extract_facts
from .normalizing import normalize_with_offsets
from .reading import read_bytes
from .sections import Heading, Passage, split_sections
from .sidecars import apply_overrides, is_sidecar, read_sidecar, sidecar_path


@dataclass
class Report:
    id: str  # the file name without its suffix; what search hits call "report"
    file: str
    content_hash: str  # of the file's bytes and its sidecar's, for incremental indexing
    reading: DecodedText
    metadata: ReportMetadata
    headings: list[Heading]
    passages: list[Passage]
    removed: Counter = field(default_factory=Counter)
    sources: dict = field(default_factory=dict)  # metadata field -> where it was read
    # What was not indexed exactly as it was in the file (bad bytes, cleaning capped), one
    # line each; the indexer prints them and ``reports`` keeps them.
    warnings: list[str] = field(default_factory=list)

    @property
    def original(self) -> str:
        return self.reading.text

    @property
    def text_hash(self) -> str:
        """A hash of the report's passages (search forms): the same for a copy saved in
        another format or encoding, so it is indexed once."""
        digest = hashlib.sha256("\n".join(p.text for p in self.passages).encode("utf-8"))
        return digest.hexdigest()[:32]

    def summary(self) -> dict:
        """The row ``reportsearch reports`` prints (and ``--format json`` documents)."""
        return {
            "report": self.id,
            "file": self.file,
            **self.metadata.as_dict(),
            "passages": len(self.passages),
            "facts": sum(len(p.facts) for p in self.passages),
            "sections": len(self.headings),
            "format": self.reading.format,
            "encoding": self.reading.encoding,
            "confidence": self.reading.confidence,
            "decided_by": self.reading.method,
            "removed_lines": dict(sorted(self.removed.items())),
            "year_source": self.sources.get("year", ""),
            "sources": self.sources,
            "warnings": self.warnings,
        }


def report_id_for(path: Path) -> str:
    return shown_path(path.stem)


def ingest_bytes(
    data: bytes,
    file: str,
    report_id: str,
    overrides: dict | None = None,
) -> Report:
    """Run the whole pipeline on one report's bytes (``file``'s suffix picks the reader)."""
    decoded = read_bytes(data, file)
    return ingest_text(decoded, file, report_id, overrides or {}, _hash(data, overrides))


def ingest_text(
    decoded: DecodedText, file: str, report_id: str, overrides: dict, content_hash: str
) -> Report:
    if not decoded.text.strip():  # str.strip knows U+3000 and the other wide spaces
        raise ReadError(file, "no text in it (only white space or a byte-order mark)")
    normalized = normalize_with_offsets(decoded.text)
    cleaned = clean_lines(normalized.text)
    warnings = list(decoded.warnings)
    if cleaned.capped:
        warnings.append("kept all of it: the page-furniture patterns would have removed more "
                        "than half of its text")  # fmt: skip
    metadata, title_lines, sources = extract_metadata(decoded.text, normalized, cleaned,
                                                      hints=decoded.hints)  # fmt: skip
    metadata = apply_overrides(metadata, overrides)
    for name in overrides:
        sources[name] = "the sidecar file (NAME.meta.json)"
    headings, passages = split_sections(
        report_id, cleaned.kept, normalized, decoded.text, title_lines
    )
    if not passages:
        raise ReadError(file, "no report text in it (nothing but headings and page furniture)")
    passages = [replace(p, facts=tuple(extract_facts(p.original, p.start))) for p in passages]
    return Report(
        id=report_id,
        file=file,
        content_hash=content_hash,
        reading=decoded,
        metadata=metadata,
        headings=headings,
        passages=passages,
        removed=cleaned.removed_counts,
        sources=dict(sorted(sources.items())),
        warnings=warnings,
    )


def ingest_file(path: str | Path, report_id: str | None = None,
                max_file_size: int | None = MAX_FILE_SIZE) -> Report:  # fmt: skip
    """Read one report file (and its sidecar, if any) into a Report, or raise ReadError.
    ``report_id`` defaults to the file name without its suffix. Whatever a reader library
    raises becomes this file's ReadError: one bad file never costs the others."""
    path = Path(path)
    data = read_file_bytes(path, max_file_size)
    try:
        overrides = read_sidecar(sidecar_path(path))
        return ingest_bytes(data, shown_path(path), report_id or report_id_for(path), overrides)
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - a reader's bug or a hostile file: its error
        raise ReadError(path, unexpected_reason(error)) from None


def unexpected_reason(error: BaseException) -> str:
    """The reason for an exception no reader anticipated (text only: picklable)."""
    return f"could not be read ({short_error(error)})"


def read_file_bytes(path: Path, limit: int | None = MAX_FILE_SIZE) -> bytes:
    """The bytes of the regular file ``path``, or ReadError: a FIFO or device put in its place
    after the folder was listed is never waited on (opened non-blocking, then checked), and
    a file over ``limit`` bytes (None: no limit) is not read."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise ReadError(path, error.strerror or str(error)) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(path, "not a regular file")
        if limit is not None and info.st_size > limit:
            raise ReadError(path, f"too large: {info.st_size / 1048576:.1f} MB, over the "
                                  f"{limit / 1048576:g} MB limit (--max-file-size)")  # fmt: skip
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(info.st_size + 1 if limit is None else limit + 1)
    except OSError as error:
        raise ReadError(path, error.strerror or str(error)) from None
    finally:
        os.close(handle)
    if limit is not None and len(data) > limit:  # it grew while we read
        raise ReadError(path, f"too large: over the {limit / 1048576:g} MB limit "
                              "(--max-file-size)")  # fmt: skip
    return data


# A file changed this recently may change again within the same tick of the file system's
# clock, unseen by its stat (git's "racily clean" entries): its stat is not kept, so the next
# update reads and hashes it.
RACY_SECONDS = 2


def file_stat(path: Path) -> list | None:
    """What stat says of a report file and of its sidecar (None for no sidecar): size,
    modification and change times, inode. The same list later means the same bytes, so an
    update settles the file unread. None when it cannot be trusted: the file cannot be
    stat'ed, or it changed in the last RACY_SECONDS."""
    now = time.time_ns()
    parts: list = []
    for candidate in (path, sidecar_path(path)):
        try:
            info = os.stat(candidate)
        except FileNotFoundError:
            if candidate == path:
                return None
            parts.append(None)
            continue
        except OSError:
            return None
        if now - max(info.st_mtime_ns, info.st_ctime_ns) < RACY_SECONDS * 10**9:
            return None
        parts.append([info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino])
    return parts


def file_fingerprint(path: Path, limit: int | None = MAX_FILE_SIZE) -> str:
    """The content hash ``ingest_file`` would give, without parsing the report."""
    data = read_file_bytes(path, limit)
    try:
        overrides = read_sidecar(sidecar_path(path))
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - as in ingest_file
        raise ReadError(sidecar_path(path), unexpected_reason(error)) from None
    return _hash(data, overrides)


def _hash(data: bytes, overrides: dict | None) -> str:
    digest = hashlib.sha256(data)
    if overrides:
        digest.update(repr(sorted(overrides.items())).encode())
    return digest.hexdigest()[:32]


def discover_files(
    paths: Iterable[str | Path],
    known_ids: Mapping[str, str] | None = None,
    index_dir: str | Path | None = None,
    follow_links: bool = False,
) -> tuple[list[tuple[Path, str]], list[ReadError]]:
    """(file, report id) of the reports under ``paths``: files as given, folders walked in
    sorted order. Hidden files and sidecars are not reports. Everything that cannot be a
    report gets a ReadError with the reason, never silence: paths that do not exist,
    dangling symbolic links, link loops, links that lead out of the folders given (unless
    ``follow_links``), folders that cannot be read, FIFOs and devices, another reportsearch
    index. The index folder ``index_dir`` itself is never walked.

    A report's id is its file name without the suffix (``seeds/x.txt`` -> ``x``), with the
    sub-folder it is in under a folder given (``a/index.html`` -> ``a/index``, so that
    ``b/index.txt`` is another report); two files that differ only by suffix keep it
    (``x.pdf``, ``x.docx``). Names that are not UTF-8 are escaped (``shown_path``).

    Ids never change and never clash. A file the index already has keeps its id
    (``known_ids``: its absolute path, as ``str(Path)`` gives it -> id). A file whose id
    is taken by another file (two folders both holding ``001.txt``) gets the name of the
    folder it was found under in front (``b/001``), then that folder's parents', then
    ``~2``, ``~3``. Folders are taken in the order given, so a rebuild from the same
    folders gives the same ids. Files are named by absolute paths (links kept as named)."""
    known_ids = known_ids or {}
    found: list[tuple[Path, Path | None]] = []
    errors: list[ReadError] = []
    excluded = _identity(Path(index_dir)) if index_dir is not None else None
    # Absolute (links kept as named): the index knows its files wherever it is run from.
    given = {Path(os.path.abspath(raw)): Path(raw) for raw in paths}  # -> as the user wrote it
    allowed = [os.path.realpath(path) for path in given]
    for path, as_given in given.items():
        kind = _kind_of(path)
        if excluded and _inside(path, Path(index_dir)):
            errors.append(ReadError(as_given, "the index folder itself, not reports"))
        elif kind == "folder" and _holds_an_index(_listing(path), path):
            errors.append(ReadError(as_given, "a reportsearch index folder, not reports"))
        elif kind == "folder":
            _walk(path, found, errors, _Walk(excluded, None if follow_links else allowed))
        elif kind == "file":
            found.append((path, None))
        else:
            errors.append(ReadError(as_given, kind))
    roots: dict[Path, Path | None] = {}
    for path, root in found:
        roots.setdefault(path, root)  # a file met twice keeps the first way it was met
    found = list(roots.items())
    stems = Counter((path.parent, path.stem) for path, _ in found)
    natural = {}
    for path, root in found:
        name = path.name if stems[(path.parent, path.stem)] > 1 else path.stem
        folder = path.parent.relative_to(root).as_posix() if root else "."
        natural[path] = shown_path(name if folder == "." else f"{folder}/{name}")
    taken: dict[str, Path] = {}
    met = {str(path) for path, _ in found}
    for file, report_id in known_ids.items():  # the index keeps these, unread: ids taken
        if file not in met and os.path.exists(file):
            taken[report_id] = Path(file)
    for path, _ in found:  # files the index has keep their ids
        report_id = known_ids.get(str(path))
        if report_id is not None and report_id not in taken:
            taken[report_id] = path
    assigned = {path: report_id for report_id, path in taken.items()}
    for path, root in found:
        if path not in assigned:
            report_id = _free_id(natural[path], root or path.parent, taken)
            taken[report_id] = path
            assigned[path] = report_id
    return [(path, assigned[path]) for path, _ in found], errors


def _free_id(report_id: str, root: Path, taken: Mapping[str, Path]) -> str:
    """``report_id``, or with the names of ``root`` and its parents in front, or numbered:
    the first of these no other file has."""
    candidate = report_id
    for folder in [root, *Path(os.path.abspath(root)).parents][:4]:
        if candidate not in taken:
            return candidate
        if folder.name:
            candidate = f"{shown_path(folder.name)}/{candidate}"
    number = 2
    while f"{candidate}~{number}" in taken:
        number += 1
    return f"{candidate}~{number}"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it (links resolved)."""
    return _within(os.path.realpath(path), os.path.realpath(folder))


def _within(inner: str, outer: str) -> bool:
    """Whether the real path ``inner`` is the real path ``outer`` or lies under it."""
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def _kind_of(path: Path) -> str:
    """ "file", "folder", or why ``path`` cannot be a report (following symbolic links)."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if path.is_symlink():
            if error.errno == errno.ELOOP:
                return "symbolic link loop"
            return f"dangling symbolic link (to {shown_path(os.readlink(path))})"
        if error.errno == errno.ENOENT:
            return "no such file or folder"
        return f"cannot read: {error.strerror or error}"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file ({what})"


@dataclass(frozen=True)
class _Walk:
    """What a folder walk leaves out: the index folder (by identity), and links that lead
    out of the ``allowed`` folders (real paths; None: links are followed anywhere)."""

    excluded: tuple[int, int] | None
    allowed: list[str] | None

    def outside(self, path: Path) -> str | None:
        """The target of the link ``path`` if it leads out of the allowed folders."""
        if self.allowed is None or not path.is_symlink():
            return None
        target = os.path.realpath(path)
        if any(_within(target, root) for root in self.allowed):
            return None
        return target


def _walk(root: Path, found: list, errors: list, rules: _Walk) -> None:
    """Every report file under the folder ``root``, in sorted path order, into ``found`` as
    (file, root); problems into ``errors``. Iterative (a folder 1,000 deep is no deeper
    than the stack), and each folder is entered once, so a link back up is a loop."""
    seen: set[tuple[int, int]] = set()
    stack: list[Iterator[Path]] = []

    def enter(folder: Path) -> None:
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) == rules.excluded:
                return  # the index folder (inside the reports' folder): ours, not reports
            if (info.st_dev, info.st_ino) in seen:
                errors.append(ReadError(folder, "symbolic link loop (a folder met before)"))
                return
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries if not entry.name.startswith("."))
        except OSError as error:
            errors.append(ReadError(folder, f"cannot read folder: {error.strerror or error}"))
            return
        if folder != root and _holds_an_index(names, folder):
            errors.append(ReadError(folder, "a reportsearch index folder, not reports"))
            return
        stack.append(iter([folder / name for name in names]))

    enter(root)
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        kind = _kind_of(child)
        target = rules.outside(child) if kind in ("folder", "file") else None
        if target is not None:
            errors.append(ReadError(child, f"a link to {shown_path(target)}, outside the "
                                           "folders given (--follow-links reads it)"))  # fmt: skip
        elif kind == "folder":
            enter(child)
        elif kind == "file":
            if not is_sidecar(child):
                found.append((child, root))
        else:
            errors.append(ReadError(child, kind))


def _listing(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []  # the walk says why


def _holds_an_index(names: list[str], folder: Path) -> bool:
    """Whether a folder's listing is a reportsearch index's (CURRENT and a generation)."""
    return (
        "CURRENT" in names
        and any(name.startswith("gen-") for name in names)
        and (folder / "CURRENT").is_file()
    )


def ingest_paths(paths: Iterable[str | Path], max_file_size: int | None = MAX_FILE_SIZE
                 ) -> Iterator[Report | ReadError]:  # fmt: skip
    """Every report under ``paths``, in order; a ReadError in place of each bad file."""
    files, errors = discover_files(paths)
    yield from errors
    for path, report_id in files:
        try:
            yield ingest_file(path, report_id, max_file_size)
        except ReadError as error:
            yield error
