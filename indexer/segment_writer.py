"""Segment writer: one update's passage rows -> engine segments, live masks and the engine
manifest (``engine-N.json``) for the coming Whoosh commit.

Input: the generation folder, the latest manifest, each new report's ``PassageRow`` list and
the ids of reports to delete. Output: new segments on disk and the manifest naming every
segment (with its live mask) that the commit answers from.

New passages go to new segments of at most ``segment_characters`` characters, so building
one stays within memory however large the corpus, and adding a few reports costs only a
small segment. Deleted or changed reports are masked out of old segments; a merge policy (a
plain function, as Whoosh's ``MERGE_SMALL``) names the segments to merge into one, from their
own arrays, without reading report files again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import index_files as files
from .segment import PassageRow, build_segment, rows_of

# A suffix array needs about 15 bytes a character while it is built, and the rows waiting
# for it hold each passage's text, words and record: 24 M characters (about 5,500 reports)
# keep the writing process under 2 GB (32 M took it to 2.2 GB once records were kept here).
SEGMENT_CHARACTERS = 24_000_000
MAX_SEGMENTS = 8

# (segment name, characters) of every segment -> the names of those to merge into one.
MergePolicy = Callable[[list[tuple[str, int]]], list[str]]


def merge_smallest(sizes: list[tuple[str, int]], max_segments: int = MAX_SEGMENTS,
                   segment_characters: int = SEGMENT_CHARACTERS) -> list[str]:  # fmt: skip
    """While there are more than ``max_segments``: the smallest segments, down to half that
    many, of at most ``segment_characters`` together (at least two, else none)."""
    if len(sizes) <= max_segments:
        return []
    ordered = sorted(sizes, key=lambda item: (item[1], item[0]))
    take, size = [], 0
    for name, characters in ordered:
        if len(ordered) - len(take) + 1 <= max_segments // 2 and len(take) >= 2:
            break
        if take and size + characters > segment_characters:
            break
        take.append(name)
        size += characters
    return take if len(take) >= 2 else []


class SegmentWriter:
    """Collects one update's passage rows and deletions, then writes the segments, live
    masks and the engine file for the coming Whoosh commit."""

    def __init__(self, generation_dir: Path, manifest: dict,
                 segment_characters: int = SEGMENT_CHARACTERS,
                 merge_policy: MergePolicy = merge_smallest):  # fmt: skip
        self.generation_dir = generation_dir
        self.manifest = manifest
        self.segment_characters = segment_characters
        self.merge_policy = merge_policy
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
        if self.pending_characters >= self.segment_characters:
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
        return {"name": segment.name, "meta": files.save_segment(self.generation_dir, segment),
                "live": None}  # fmt: skip

    def finish(self, commit: int, reports: int, sources: list[str] | None = None,
               copies: dict[str, dict] | None = None) -> None:  # fmt: skip
        """Write everything for Whoosh commit ``commit``; nothing is visible until it.
        ``copies``: report id -> the record of each file indexed as a copy of a report."""
        self._flush()
        entries = []
        for entry in self.manifest["segments"]:
            segment = files.load_segment(self.generation_dir, entry)
            live = files.load_live(self.generation_dir, entry)
            gone = [code for code, rid in enumerate(segment.meta["reports"]) if rid in self.deleted]
            if gone:
                still = ~np.isin(segment.arrays["report"], gone)
                live = still if live is None else live & still
                relative = self._save_live(entry["name"], commit, live)
                entry = dict(entry, live=relative,
                             live_sum=files.file_sum(self.generation_dir / relative))  # fmt: skip
            if live is None or live.any():
                entries.append((entry, segment, live))
        entries.extend((entry, None, None) for entry in self.new_segments)
        entries = self._merged(entries, commit)
        self.live_passages = 0
        for entry, segment, live in entries:
            segment = segment or files.load_segment(self.generation_dir, entry)
            self.live_passages += segment.size if live is None else int(live.sum())
        manifest = {
            "segments": [entry for entry, _, _ in entries],
            "next_uid": self.next_uid,
            "reports": reports,
            "passages": self.live_passages,
            "sources": sources or [],
            "copies": dict(sorted((copies or {}).items())),
        }
        files.write_checked_json(files.manifest_path(self.generation_dir, commit), manifest)

    def _merged(self, entries: list, commit: int) -> list:
        """The segments after merging those the merge policy names into one."""
        loaded = [
            (entry, segment or files.load_segment(self.generation_dir, entry), live)
            for entry, segment, live in entries
        ]
        names = set(
            self.merge_policy(
                [(entry["name"], segment.meta["characters"]) for entry, segment, _ in loaded]
            )
        )
        if len(names) < 2:
            return loaded
        take = sorted(
            (item for item in loaded if item[0]["name"] in names),
            key=lambda item: (item[1].meta["characters"], item[0]["name"]),
        )
        rows = [row for _, segment, live in take for row in rows_of(segment, live)]
        rows.sort(key=lambda row: row.uid)
        merged = self._write(rows)
        kept = [item for item in loaded if item[0]["name"] not in names]
        return kept + [(merged, None, None)]

    def _save_live(self, name: str, commit: int, live: np.ndarray) -> str:
        relative = f"live/{name}-{commit}.npy"
        (self.generation_dir / "live").mkdir(exist_ok=True)
        np.save(self.generation_dir / relative, live)
        return relative
