"""Build stages: where a build's time goes, stage by stage, on a sample of the corpus.

Input: the corpus folder and a sample size. Output: the seconds each stage of indexing took
over the sample, in one process on one core: the stages of ``indexer.pipeline.ingest_file``
and ``indexer.documents.prepare_report``, called here in the same order with
``time.perf_counter`` around each (not cProfile, which slows Python code more than C code
and so misstates shares), then the writing process's work: the hand-over of each report
from a reading process (pickle), the Whoosh record (add and commit) and the engine segment
(build, then write).

The sample is spread evenly over the corpus's files (sorted by name), so it holds GBK and
Traditional reports in the corpus's proportions. The words backend's dictionary, and what
the stages load on first use (one report outside the sample goes through them untimed), are
paid once per process in a real build too, and are reported apart.
The passages made here are checked against ``ingest_file``'s, so the stages cannot drift
from the pipeline unnoticed.
"""

from __future__ import annotations

import pickle
import tempfile
import time
from dataclasses import replace
from pathlib import Path

STAGES = {
    "read": "read the file and its sidecar, hash them",
    "decode": "decode (reading.read_bytes: format, encoding, is it prose)",
    "normalize": "normalize (NFKC, lower case, Simplified, with offsets)",
    "clean": "clean (page furniture)",
    "metadata": "metadata (title, place, year, issuer)",
    "sections": "sections and passages",
    "metrics": "metrics (facts in each passage)",
    "words": "word segmentation (schema.word_tokens)",
    "documents": "Whoosh documents and engine rows (documents.py)",
    "hand-over": "hand-over to the writer (pickle there and back)",
    "whoosh": "Whoosh write (add_document, commit)",
    "segment build": "segment build (segment.build_segment: suffix arrays, columns, words)",
    "segment write": "segment write (index_files.save_segment)",
}


def sample_files(corpus: Path, sample: int) -> tuple[list[Path], Path]:
    """``sample`` files spread evenly over the corpus (sorted by name), and one more outside
    them (when there is one) to warm the process up on."""
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    step = max(1, len(files) // max(1, sample))
    chosen = files[::step][:sample]
    spare = [p for p in files[:2] if p not in chosen]
    return chosen, (spare or chosen)[0]


class _Clock:
    """Seconds per stage, summed over calls."""

    def __init__(self):
        self.seconds = dict.fromkeys(STAGES, 0.0)

    def __call__(self, stage: str, function, *args):
        begun = time.perf_counter()
        value = function(*args)
        self.seconds[stage] += time.perf_counter() - begun
        return value


class _Words:
    """``word_tokens`` for documents.py while it is timed: the words cut (and timed) just
    before, so they are not counted twice."""

    def __init__(self, word_tokens):
        self.word_tokens = word_tokens
        self.cut: dict[str, list[str]] = {}
        self.calls = 0

    def __call__(self, text: str) -> list[str]:
        self.calls += 1
        found = self.cut.get(text)
        return found if found is not None else self.word_tokens(text)


def _prepare(path: Path, clock: _Clock, words: _Words):
    """What ``documents.prepare_report`` does, stage by stage: (Report, what the reading
    process hands the writer)."""
    from reportsearch.indexer import documents as documents_module
    from reportsearch.indexer.cleaning import clean_lines
    from reportsearch.indexer.documents import passage_rows, report_documents
    from reportsearch.indexer.errors import shown_path
    from reportsearch.indexer.metadata import extract_metadata
    from reportsearch.indexer.metrics import extract_facts
    from reportsearch.indexer.normalizing import normalize_with_offsets
    from reportsearch.indexer.pipeline import (
        Report,
        _hash,
        file_stat,
        read_file_bytes,
        report_id_for,
    )
    from reportsearch.indexer.reading import read_bytes
    from reportsearch.indexer.sections import split_sections
    from reportsearch.indexer.sidecars import apply_overrides, read_sidecar, sidecar_path

    report_id, file = report_id_for(path), shown_path(path)

    def read():
        stat = file_stat(path)
        data = read_file_bytes(path)
        overrides = read_sidecar(sidecar_path(path))
        return stat, data, overrides, _hash(data, overrides)

    stat, data, overrides, content_hash = clock("read", read)
    decoded = clock("decode", read_bytes, data, file)
    normalized = clock("normalize", normalize_with_offsets, decoded.text)
    cleaned = clock("clean", clean_lines, normalized.text)

    def metadata_of():
        metadata, title_lines, sources = extract_metadata(decoded.text, normalized, cleaned,
                                                          hints=decoded.hints)  # fmt: skip
        return apply_overrides(metadata, overrides), title_lines, sources

    metadata, title_lines, sources = clock("metadata", metadata_of)
    headings, passages = clock("sections", split_sections, report_id, cleaned.kept, normalized,
                               decoded.text, title_lines)  # fmt: skip

    def metrics():
        return [replace(p, facts=tuple(extract_facts(p.original, p.start))) for p in passages]

    passages = clock("metrics", metrics)
    report = Report(id=report_id, file=file, content_hash=content_hash, reading=decoded,
                    metadata=metadata, headings=headings, passages=passages,
                    removed=cleaned.removed_counts, sources=dict(sorted(sources.items())),
                    warnings=list(decoded.warnings) + ["cleaning capped"] * cleaned.capped
                    )  # fmt: skip

    def cut():
        words.cut = {p.text: words.word_tokens(p.text) for p in passages}

    clock("words", cut)

    def prepare():
        documents = list(report_documents(report))
        documents[0]["file_stat"] = stat
        documents[0]["path"] = str(path)
        return report.id, documents, passage_rows(report)

    original = getattr(documents_module, "word_tokens", None)
    documents_module.word_tokens = words
    try:
        prepared = clock("documents", prepare)
    finally:
        documents_module.word_tokens = original
    words.cut = {}
    return report, clock("hand-over", lambda: pickle.loads(pickle.dumps(prepared)))


def _write(prepared: list, folder: Path, clock: _Clock) -> list:
    """What the writing process does with the prepared reports: the Whoosh record, then one
    engine segment. Returns the rows."""
    from reportsearch.indexer import index_files
    from reportsearch.indexer.schema import build_schema
    from reportsearch.indexer.segment import build_segment
    from whoosh import index as whoosh_index

    rows = []

    def whoosh_write():
        (folder / "whoosh").mkdir(parents=True)
        ix = whoosh_index.create_in(str(folder / "whoosh"), build_schema())
        writer = ix.writer(limitmb=256, compound=False)  # as indexer/writer.py opens it
        for _, documents, report_rows in prepared:
            for document, row in zip(documents[1:], report_rows, strict=True):
                row.uid = len(rows)
                document["uid"] = str(row.uid)
                rows.append(row)
            for document in documents:
                writer.add_document(**document)
        writer.commit()

    clock("whoosh", whoosh_write)
    segment = clock("segment build", build_segment, rows)
    segment.name = "seg-000001"
    clock("segment write", index_files.save_segment, folder, segment)
    return rows


def measure(corpus: str, sample: int) -> dict:
    """Seconds per stage over ``sample`` reports of ``corpus`` (see the module docstring)."""
    from reportsearch.indexer.pipeline import ingest_file
    from reportsearch.indexer.schema import word_tokens

    files, spare = sample_files(Path(corpus), sample)
    started = time.perf_counter()
    word_tokens("法治政府建设")  # the dictionary: once per process, not per report
    dictionary = time.perf_counter() - started
    words = _Words(word_tokens)
    with tempfile.TemporaryDirectory(prefix="reportsearch-stages-") as work:
        # One report first, untimed: what each stage loads on first use (the gazetteer,
        # OpenCC's tables, ...) is paid once per process, not once per report.
        started = time.perf_counter()
        _write([_prepare(spare, _Clock(), words)[1]], Path(work) / "warm-up", _Clock())
        first = time.perf_counter() - started
        clock = _Clock()
        made = [_prepare(path, clock, words) for path in files]
        rows = _write([prepared for _, prepared in made], Path(work) / "sample", clock)
        index_bytes = sum(p.stat().st_size for p in (Path(work) / "sample").rglob("*")
                          if p.is_file())  # fmt: skip
    # The same passages as the pipeline's (checked after timing: its caches are warm now).
    same = all(
        [(p.text, p.original, p.facts, p.section) for p in ingest_file(path).passages]
        == [(p.text, p.original, p.facts, p.section) for p in report.passages]
        for path, (report, _) in zip(files, made, strict=True)
    )
    try:
        from reportsearch.indexer.words import backend_name

        backend = backend_name()
    except ImportError:
        backend = "jieba"
    return {
        "reports": len(files),
        "passages": len(rows),
        "text_bytes": sum(len(row.text.encode()) for row in rows),
        "seconds": clock.seconds,
        "dictionary_seconds": dictionary,
        "first_report_seconds": first,
        "words_backend": backend,
        "words_counted_once": words.calls > 0,
        "same_as_pipeline": same,
        "index_bytes": index_bytes,
    }


# ---- reporting ----------------------------------------------------------------------------


def table(result: dict, load: str) -> list[str]:
    """The build-stages table for one result (none for a result file without it)."""
    stages = result["systems"]["reportsearch"].get("stages")
    if not stages:
        return []
    seconds = stages["seconds"]
    total = sum(seconds.values())
    sample = stages["reports"]
    lines = [f"Build stages, one process on one core, over {sample:,} reports of the corpus "
             f"({stages['passages']:,} passages, {stages['text_bytes'] / 1e6:.1f} MB of "
             f"indexed text); words by {stages['words_backend']}. Once per process, not "
             f"counted: the words dictionary ({stages['dictionary_seconds']:.2f} s) and the "
             f"first report ({stages.get('first_report_seconds', 0):.2f} s, what the stages "
             f"load on first use). {load}",
             "", "| stage | s | share | ms per report |", "|---|---:|---:|---:|"]  # fmt: skip
    for name, value in seconds.items():
        lines.append(f"| {STAGES.get(name, name)} | {value:.2f} | {100 * value / total:.1f}% | "
                     f"{1000 * value / sample:.1f} |")  # fmt: skip
    lines.append(f"| total | {total:.2f} | 100% | {1000 * total / sample:.1f} |")
    ours = result["systems"]["reportsearch"]
    n = result["reports"]
    one_core = total * n / sample
    lines += ["", f"At that rate one core would take {one_core:,.0f} s for all {n:,} reports "
              f"({stages['text_bytes'] / 1e6 / total:.2f} MB/s). The real build (two reading "
              f"processes and the writer, both cores) took {ours['seconds']:,.1f} s: "
              f"{ours['mb_per_s']:.2f} MB/s, {one_core / ours['seconds']:.2f}× the rate of one "
              f"core doing the stages above; peak RSS {ours['peak_rss_mb']:,} MB (writer), "
              f"{ours['peak_worker_rss_mb']:,} MB (each reader)."]  # fmt: skip
    if not stages.get("same_as_pipeline", True):
        lines.append("Note: the staged passages differed from ingest_file's: the stages above "
                     "no longer follow indexer/pipeline.py.")  # fmt: skip
    if not stages.get("words_counted_once", True):
        lines.append("Note: documents.py no longer calls word_tokens: the words may be "
                     "counted twice (in their own line and in documents).")  # fmt: skip
    return lines + [""]
