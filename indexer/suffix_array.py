"""Suffix array: documents' search forms -> arrays that find every occurrence of any string.

Input (``build``): a list of strings, the documents (passages' or headings' search forms).
Output: ``SuffixArrays``, four numpy arrays that are written to disk as they are:

* ``alphabet``: the sorted code points the documents use; character ``alphabet[k]`` is
  stored as code ``k + 1``, and code 0 ends each document, so no match can run from one
  document into the next;
* ``codes``: the documents, one code per character, as big-endian uint16 (uint32 when the
  documents use 65,535 characters or more);
* ``sa``: the start of every suffix of ``codes``, sorted by the codes that follow it;
* ``doc``: for each entry of ``sa``, the document it starts in.

Input (``find``): the arrays and a query string. Output: the ``doc`` entries of every
occurrence, one per occurrence (overlapping ones included); ``starts`` gives where each
occurrence starts in ``codes`` instead. The occurrences of a string
are one contiguous run of ``sa``, found by binary search; ``doc`` is stored in ``sa`` order,
so answering costs a slice, however common the string, and no random reads.

Sorting uses libdivsufsort (pydivsufsort), which sorts bytes: sorting the big-endian bytes
of the codes and keeping the suffixes that start on a code boundary gives the order of code
sequences. Everything else here is numpy, so another builder can replace this one behind
``build``/``find`` without touching the callers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEPARATOR = "\x00"  # never in a search form: normalizing drops control characters
_MAX_CODE_POINT = 0x110000


@dataclass(frozen=True)
class SuffixArrays:
    alphabet: np.ndarray  # uint32, sorted code points
    codes: np.ndarray  # ">u2" or ">u4"
    sa: np.ndarray  # int32 or int64 positions in codes
    doc: np.ndarray  # int32, document of each sa entry

    ARRAYS = ("alphabet", "codes", "sa", "doc")


def build(documents: list[str]) -> SuffixArrays:
    """The arrays for ``documents`` (see the module docstring)."""
    from pydivsufsort import divsufsort  # imported here: only index builds need it

    joined = "".join(document + SEPARATOR for document in documents)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    present = np.bincount(points, minlength=_MAX_CODE_POINT).astype(bool)
    present[0] = False
    alphabet = np.flatnonzero(present).astype(np.uint32)
    width = 2 if len(alphabet) < 0xFFFF else 4
    lookup = np.zeros(_MAX_CODE_POINT, dtype=np.uint32)
    lookup[alphabet] = np.arange(1, len(alphabet) + 1, dtype=np.uint32)
    codes = lookup[points].astype(f">u{width}")
    del points, lookup
    if len(codes) * width >= 2**31:
        raise ValueError("a suffix array segment must hold fewer than 2**31 bytes of codes")
    if not len(codes):  # no documents: nothing to sort
        return SuffixArrays(alphabet, codes, np.zeros(0, np.int32), np.zeros(0, np.int32))
    byte_order = divsufsort(codes.view(np.uint8))
    sa = byte_order[byte_order % width == 0] // width
    del byte_order
    sa = sa[codes[sa] != 0]  # suffixes that start with a separator can never match
    lengths = np.fromiter((len(d) + 1 for d in documents), dtype=np.int64, count=len(documents))
    doc_at = np.repeat(np.arange(len(documents), dtype=np.int32), lengths)
    return SuffixArrays(alphabet=alphabet, codes=codes, sa=sa.astype(np.int32), doc=doc_at[sa])


def document(arrays: SuffixArrays, start: int, length: int) -> str:
    """The document whose codes start at ``start`` and run ``length`` codes."""
    table = np.asarray(arrays.alphabet, np.uint32)
    codes = np.asarray(arrays.codes[start : start + length]).astype(np.int64)
    return table[codes - 1].astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def decode(arrays: SuffixArrays) -> list[str]:
    """The documents back from their codes (used to merge segments without re-reading)."""
    table = np.concatenate([np.zeros(1, np.uint32), np.asarray(arrays.alphabet, np.uint32)])
    points = table[np.asarray(arrays.codes).astype(np.int64)]
    text = points.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return text.split(SEPARATOR)[:-1]


def pattern(arrays: SuffixArrays, string: str) -> bytes | None:
    """``string`` as the bytes of its codes, or None when a character is not in the
    alphabet (then nothing in these documents can match)."""
    points = np.frombuffer(string.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    alphabet = arrays.alphabet
    where = np.searchsorted(alphabet, points)
    if not len(points) or (where >= len(alphabet)).any():
        return None
    if (alphabet[where] != points).any():
        return None
    return (where + 1).astype(arrays.codes.dtype).tobytes()


def find(arrays: SuffixArrays, string: str) -> np.ndarray:
    """The document of every occurrence of ``string`` (a view into ``doc``)."""
    needle = pattern(arrays, string)
    if needle is None:
        return arrays.doc[:0]
    lo, hi = _range(arrays.codes, arrays.sa, needle)
    return arrays.doc[lo:hi]


def starts(arrays: SuffixArrays, string: str) -> np.ndarray:
    """Where every occurrence of ``string`` starts in ``codes``, in suffix order, not sorted
    (a view into ``sa``); ``doc`` holds the document of each, in the same order."""
    needle = pattern(arrays, string)
    if needle is None:
        return arrays.sa[:0]
    lo, hi = _range(arrays.codes, arrays.sa, needle)
    return arrays.sa[lo:hi]


def _range(codes: np.ndarray, sa: np.ndarray, needle: bytes) -> tuple[int, int]:
    """[lo, hi) of the suffixes that start with ``needle``: two binary searches comparing
    the needle with the first len(needle) bytes of a suffix (bytes compare as codes do)."""
    length = len(needle) // codes.itemsize

    def prefix(i: int) -> bytes:
        start = int(sa[i])
        return codes[start : start + length].tobytes()

    lo, hi = 0, len(sa)
    while lo < hi:  # first suffix >= needle
        mid = (lo + hi) // 2
        if prefix(mid) < needle:
            lo = mid + 1
        else:
            hi = mid
    first, hi = lo, len(sa)
    while lo < hi:  # first suffix whose prefix > needle
        mid = (lo + hi) // 2
        if prefix(mid) <= needle:
            lo = mid + 1
        else:
            hi = mid
    return first, lo
