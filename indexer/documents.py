"""Documents: a ``Report`` -> the Whoosh documents and the engine rows that hold it in an
index. This and the pipeline are all that the reading processes import.

Input: a report file and its id (``prepare_report``), or a ``Report``. Output: its Whoosh
documents (one for the report, one per passage) and its engine ``PassageRow`` list, or the
file's ``ReadError``: plain, picklable records that cross from a reading process to the
writer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .errors import ReadError
from .normalizing import normalize_for_search, normalize_with_offsets, offset_changes
from .pipeline import MAX_FILE_SIZE, Report, file_stat, ingest_file, unexpected_reason
from .schema import PASSAGE, REPORT, word_tokens
from .segment import PassageRow


def prepare_report(
    path: Path, report_id: str, max_file_size: int | None = MAX_FILE_SIZE
) -> tuple[str, list[dict], list[PassageRow]] | ReadError:
    """Read one report and turn it into Whoosh documents and engine rows (runs in worker
    processes); the writer gives each passage its uid. Every failure is returned as the
    file's ReadError (plain and picklable), never raised: one bad file costs only itself."""
    try:
        stat = file_stat(path)  # before reading: a change while it is read shows next time
        report = ingest_file(path, report_id, max_file_size)
        documents = list(report_documents(report))
        documents[0]["file_stat"] = stat
        documents[0]["path"] = str(path)
        return report.id, documents, passage_rows(report)
    except ReadError as error:
        return error
    except Exception as error:  # noqa: BLE001 - a bug met on one file is that file's error
        return ReadError(path, unexpected_reason(error))


def report_documents(report: Report) -> Iterable[dict]:
    """The Whoosh documents for one report: the report document first, then one per
    passage, in the order of ``passage_rows``."""
    common = report_record(report)
    summary = common.pop("summary")
    yield dict(
        common,
        doctype=REPORT,
        id=f"{report.id}#report",
        content_hash=report.content_hash,
        text_hash=report.text_hash,
        summary=summary,
    )
    for passage in report.passages:
        yield dict(
            doctype=PASSAGE,
            id=passage.id,
            report=report.id,
            city=common["city"],
            year=common["year"],
            section=list(passage.section),
            position=passage.position,
            category=passage.category,
            metric=",".join(sorted({f.canonical for f in passage.facts if f.canonical})),
        )


def report_record(report: Report) -> dict:
    """What every hit of ``report`` shows of it, and its ``summary`` row."""
    meta = report.metadata
    return dict(
        _place_and_kind(report),
        report=report.id,
        title=meta.title,
        file=report.file,
        script=meta.script,
        year=str(meta.year) if meta.year else "",
        published=meta.published,
        doc_number=meta.doc_number,
        issuer_name=meta.issuer_name,
        summary=report.summary(),
    )


def passage_record(passage) -> dict:
    """What a hit shows of one passage (beside its report's record)."""
    return dict(
        id=passage.id,
        position=passage.position,
        section=list(passage.section),
        category=passage.category,
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
    shown = json.dumps(report_record(report), ensure_ascii=False)
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
            offsets=_offsets(passage),
            record=json.dumps(passage_record(passage), ensure_ascii=False),
            report_record=shown,
            title=normalize_for_search(meta.title),
            **_place_and_kind(report),
        )
        for passage in report.passages
    ]


def _offsets(passage) -> list[tuple[int, int, int]]:
    """The map from the passage's search form to its original text, kept for snippets (which
    then never normalize a hit again); [] if its original does not normalize to it."""
    normalized = normalize_with_offsets(passage.original)
    return offset_changes(normalized) if normalized.text == passage.text else []


def _place_and_kind(report: Report) -> dict[str, str]:
    """The metadata both the record and the engine keep for every passage of a report."""
    meta = report.metadata
    return dict(province=meta.province, city=meta.city, district=meta.district,
                level=meta.level, kind=meta.kind, issuer=meta.issuer)  # fmt: skip
