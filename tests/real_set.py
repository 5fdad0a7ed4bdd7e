"""The real labelled set (tests/data/real/): reports read by the indexer, scored against the
hand labels, field by field and figure by figure.

``score()`` returns the per-field counts and the figure counts with every disagreement;
``python tests/real_set.py`` prints them (the test ``test_real_set.py`` asserts the floors).
Run from the repository root with the project installed.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

REAL_DIR = Path(__file__).parent / "data" / "real"
FIELDS = ("province", "city", "district", "year", "issuer", "level", "kind")


@dataclass
class FieldScore:
    """One metadata field over the set: ``right`` of ``total`` reports (an empty value
    labelled empty is right); precision over the reports given a value, recall over the
    reports labelled with one."""

    right: int = 0
    total: int = 0
    given: int = 0
    given_right: int = 0
    labelled: int = 0
    labelled_right: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def precision(self) -> float:
        return self.given_right / self.given if self.given else 1.0

    @property
    def recall(self) -> float:
        return self.labelled_right / self.labelled if self.labelled else 1.0


@dataclass
class FigureScore:
    """Figures in the labelled sentences: values (every figure of a labelled sentence is
    labelled, so precision is measured there) and canonical names."""

    extracted: int = 0  # figures the indexer found inside labelled sentences
    extracted_right: int = 0  # ... whose value is a labelled one
    labelled: int = 0
    found: int = 0  # labelled figures whose value the indexer found there
    named: int = 0  # labelled figures found with a canonical name
    named_right: int = 0  # ... the labelled one
    # figures labelled with a canonical indicator (the rest are structural counts, N个方面,
    # and one-offs no indicator fits), and those the indexer gives exactly that name
    indicators: int = 0
    indicators_named: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def value_precision(self) -> float:
        return self.extracted_right / self.extracted if self.extracted else 1.0

    @property
    def value_recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def name_coverage(self) -> float:
        """Labelled figures with a canonical indicator that get that name."""
        return self.indicators_named / self.indicators if self.indicators else 1.0

    @property
    def named_share(self) -> float:
        """All labelled figures that get a canonical name."""
        return self.named / self.labelled if self.labelled else 1.0

    @property
    def name_precision(self) -> float:
        return self.named_right / self.named if self.named else 1.0


def labels() -> list[dict]:
    """Every label of the set, by id."""
    rows = [json.loads(line) for path in sorted(REAL_DIR.glob("labels-*.jsonl"))
            for line in path.read_text("utf-8").splitlines() if line.strip()]  # fmt: skip
    return sorted(rows, key=lambda row: row["id"])


def _same_value(a, b) -> bool:
    # Magnitudes: the extractor gives a decrease as a negative change (下降31% -> -31, kind
    # "change"); labels write the number the text writes.
    return math.isclose(abs(float(a)), abs(float(b)), rel_tol=1e-3, abs_tol=0.011)


def score() -> tuple[dict[str, FieldScore], FigureScore]:
    from reportsearch.indexer.pipeline import ingest_file

    fields = {name: FieldScore() for name in FIELDS}
    figures = FigureScore()
    for label in labels():
        path = REAL_DIR / label["file"]
        report = ingest_file(path, label["id"])
        got = report.metadata.as_dict()
        for name, counts in fields.items():
            want = label.get(name)
            value = got.get(name) or None
            want = want or None
            counts.total += 1
            counts.given += value is not None
            counts.labelled += want is not None
            if value == want:
                counts.right += 1
                counts.given_right += value is not None
                counts.labelled_right += want is not None
            else:
                counts.wrong.append(f"{label['id']}: {name} {value!r}, labelled {want!r}")
        _score_figures(label, report, path.read_text("utf-8"), figures)
    return fields, figures


def _score_figures(label: dict, report, text: str, figures: FigureScore) -> None:
    facts = [fact for passage in report.passages for fact in passage.facts]
    for item in label.get("figures", []):
        start = text.find(item["sentence"])
        if start < 0:
            raise AssertionError(f"{label['id']}: sentence not in the text: {item['sentence']}")
        end = start + len(item["sentence"])
        inside = [fact for fact in facts if start <= fact.start and fact.end <= end]
        wanted = list(item["facts"])
        figures.labelled += len(wanted)
        figures.indicators += sum(bool(w.get("canonical")) for w in wanted)
        unmatched = list(wanted)
        for fact in inside:
            figures.extracted += 1
            match = next((w for w in unmatched if _same_value(w["value"], fact.value)), None)
            if match is None:
                figures.wrong.append(f"{label['id']}: extra {fact.value}{fact.unit} "
                                     f"({fact.indicator}) in {item['sentence'][:40]}")  # fmt: skip
                continue
            unmatched.remove(match)
            figures.extracted_right += 1
            figures.found += 1
            if fact.canonical:
                figures.named += 1
                if fact.canonical == match.get("canonical", ""):
                    figures.named_right += 1
                    figures.indicators_named += 1
                else:
                    figures.wrong.append(
                        f"{label['id']}: {fact.value} named {fact.canonical!r} "
                        f"({fact.indicator}), labelled {match.get('canonical')!r}"
                    )
            elif match.get("canonical"):
                figures.wrong.append(f"{label['id']}: {fact.value} ({fact.indicator}) not "
                                     f"named, labelled {match['canonical']!r}")  # fmt: skip
        for missed in unmatched:
            figures.wrong.append(f"{label['id']}: missed {missed['value']}{missed['unit']} "
                                 f"({missed.get('counts')}) in {item['sentence'][:9]}")  # fmt: skip


def lines(fields: dict[str, FieldScore], figures: FigureScore) -> dict[str, str]:
    """The figures the test prints, by name."""
    out = {}
    for name, counts in fields.items():
        out[f"real set {name}"] = (
            f"right {counts.right}/{counts.total} ({counts.accuracy:.1%}), "
            f"precision {counts.precision:.3f}, recall {counts.recall:.3f}"
        )
    out["real set figures: values"] = (
        f"precision {figures.value_precision:.3f} ({figures.extracted_right}/"
        f"{figures.extracted}), recall {figures.value_recall:.3f} ({figures.found}/"
        f"{figures.labelled})"
    )
    out["real set figures: canonical names"] = (
        f"right on {figures.name_coverage:.1%} of figures labelled with an indicator "
        f"({figures.indicators_named}/{figures.indicators}), precision "
        f"{figures.name_precision:.3f} ({figures.named_right}/{figures.named}); "
        f"named: {figures.named_share:.1%} of all labelled figures "
        f"({figures.named}/{figures.labelled})"
    )
    return out


if __name__ == "__main__":
    fields, figures = score()
    show_wrong = "-v" in sys.argv
    for counts in fields.values():
        if show_wrong:
            print(*counts.wrong, sep="\n")
    if show_wrong:
        print(*figures.wrong, sep="\n")
    for name, line in lines(fields, figures).items():
        print(f"{name}: {line}")
