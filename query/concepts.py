"""Concepts: a name for the many wordings of one idea (免罚: 首违不罚, 首违免罚, 免罚清单 …).

Input: the list that ships with the project (``indexer/data/concepts.tsv``) and, where a user
gives one, a concepts file of their own. Output: ``Concepts``, a mapping from a concept's
name to its ``Concept`` (name as written, terms in search form, source note), which the
query parser expands (``concept:免罚`` is the OR of its terms, each an exact string) and
``panel`` counts.

A concepts file is UTF-8 text, a concept a line: ``NAME<TAB>term|term|…``, optionally
followed by ``<TAB>source``; blank lines and lines starting with ``#`` are skipped. Names
and terms are put in search form (NFKC, lower case, Traditional -> Simplified), so
``concept:免罰`` names 免罚 and every term is found in either script, as all text is. A
user's concept of the same name as a shipped one replaces it. A malformed line is a
``UsageError`` naming the file and the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportsearch.indexer.data_files import data_text
from reportsearch.indexer.errors import UsageError
from reportsearch.indexer.normalizing import normalize_for_search

SHIPPED = "concepts.tsv"  # in indexer/data/
MAX_CONCEPTS_FILE = 1 << 20  # bytes: a concepts file is a short list, never a corpus
MAX_TERMS = 200  # terms of one concept


@dataclass(frozen=True)
class Concept:
    """One concept: its ``name`` as written, its ``terms`` in search form (distinct, in the
    order given) and where its wordings come from (``source``, may be empty)."""

    name: str
    terms: tuple[str, ...]
    source: str = ""

    def as_dict(self) -> dict:
        return {"concept": self.name, "terms": list(self.terms), "source": self.source}


class Concepts(Mapping):
    """Concepts by name (looked up in search form: ``concepts["免罰"]`` is 免罚)."""

    def __init__(self, concepts: Iterable[Concept] = ()):
        self._by_key: dict[str, Concept] = {}
        for concept in concepts:
            self._by_key[concept_key(concept.name)] = concept

    def __getitem__(self, name: str) -> Concept:
        return self._by_key[concept_key(name)]

    def __iter__(self) -> Iterator[str]:
        return (concept.name for concept in self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and concept_key(name) in self._by_key

    def merged(self, other: Iterable[Concept]) -> Concepts:
        """These concepts with ``other``'s added; one of the same name replaces ours."""
        return Concepts([*self._by_key.values(), *other])

    def names(self) -> list[str]:
        return list(self)


def concept_key(name: str) -> str:
    """The form a concept's name is looked up by."""
    return normalize_for_search(name)


def parse_concepts(text: str, origin: str = "concepts file") -> list[Concept]:
    """The concepts of a concepts file's ``text`` (see the module docstring); ``origin``
    names the file in errors. Two lines of the same name are an error."""
    concepts: dict[str, Concept] = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise UsageError(f"{origin} line {number}: a concept is NAME<TAB>term|term|…, "
                             f"got {_shown(line)}")  # fmt: skip
        concept = make_concept(cells[0], cells[1].split("|"), "\t".join(cells[2:]).strip(),
                               where=f"{origin} line {number}")  # fmt: skip
        key = concept_key(concept.name)
        if key in concepts:
            raise UsageError(f"{origin} line {number}: concept {concept.name!r} is defined twice")
        concepts[key] = concept
    return list(concepts.values())


def make_concept(name: str, terms: Iterable[str], source: str = "", where: str = "") -> Concept:
    """A checked ``Concept``: a name that is not empty and is one word of the query language
    (no space, quote or parenthesis), at least one term, terms in search form, each once."""
    prefix = f"{where}: " if where else ""
    name = name.strip()
    if not concept_key(name):
        raise UsageError(f"{prefix}a concept needs a name")
    if any(c.isspace() or c in '()()"“”「」:：' for c in name):
        raise UsageError(f"{prefix}concept name {name!r} may not hold spaces, quotes, "
                         "parentheses or colons")  # fmt: skip
    forms = list(dict.fromkeys(form for term in terms if (form := normalize_for_search(term))))
    if not forms:
        raise UsageError(f"{prefix}concept {name!r} has no terms")
    if len(forms) > MAX_TERMS:
        raise UsageError(f"{prefix}concept {name!r} has {len(forms)} terms, at most {MAX_TERMS}")
    return Concept(name, tuple(forms), source.strip())


def read_text(path: str | Path, what: str) -> str:
    """A small UTF-8 file the user names (a concepts or terms file; "-" is standard input),
    as text; a missing, unreadable, over-large or non-UTF-8 file is a one-line
    ``UsageError``."""
    path = Path(path)
    try:
        if str(path) == "-":  # standard input
            import sys

            data = sys.stdin.buffer.read(MAX_CONCEPTS_FILE + 1)
        else:
            with open(path, "rb") as file:
                data = file.read(MAX_CONCEPTS_FILE + 1)
    except OSError as error:
        raise UsageError(f"cannot read {what} {str(path)!r}: {error.strerror or error}") from None
    if len(data) > MAX_CONCEPTS_FILE:
        raise UsageError(f"{what} {str(path)!r} is larger than {MAX_CONCEPTS_FILE} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{what} {str(path)!r} is not UTF-8 (byte {error.start})") from None


@lru_cache(maxsize=1)
def shipped_concepts() -> Concepts:
    """The concepts that ship with the project (``indexer/data/concepts.tsv``)."""
    return Concepts(parse_concepts(data_text(SHIPPED), f"indexer/data/{SHIPPED}"))


def load_concepts(user=None) -> Concepts:
    """The shipped concepts plus the user's: ``user`` is None, a concepts file's path, a
    ``Concepts``, or an iterable of ``Concept``; the user's replace shipped ones of the same
    name."""
    if user is None:
        return shipped_concepts()
    if isinstance(user, Concepts):
        return shipped_concepts().merged(user[name] for name in user)
    if isinstance(user, (str, Path)):
        return shipped_concepts().merged(
            parse_concepts(read_text(user, "concepts file"), str(user))
        )
    return shipped_concepts().merged(user)


def _shown(line: str) -> str:
    return repr(line if len(line) <= 40 else line[:40] + "…")
