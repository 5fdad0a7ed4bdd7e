"""suffix_array: every occurrence of every string, for any alphabet, and nothing else."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.indexer import suffix_array


def brute_force(documents: list[str], string: str) -> Counter:
    """Occurrences per document, overlapping ones included: what ``find`` must return."""
    counts = Counter(
        {i: sum(d.startswith(string, k) for k in range(len(d))) for i, d in enumerate(documents)}
    )
    return +counts  # drop the documents it does not occur in


# Small alphabets make repeats and shared prefixes likely; the others reach beyond the BMP.
ALPHABET = st.sampled_from(list("法治政府执行a 1。") + ["\U00020000", "\U0001f600"])


@settings(max_examples=300, deadline=None)
@given(
    documents=st.lists(st.text(alphabet=ALPHABET, max_size=30), max_size=8),
    string=st.text(alphabet=ALPHABET, min_size=1, max_size=4),
)
def test_find_returns_every_occurrence(documents, string):
    arrays = suffix_array.build(documents)
    found = Counter(suffix_array.find(arrays, string).tolist())
    assert found == brute_force(documents, string)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=6))
def test_documents_decode_back(documents):
    documents = [d.replace(suffix_array.SEPARATOR, "") for d in documents]
    assert suffix_array.decode(suffix_array.build(documents)) == documents


def test_a_large_alphabet_uses_wider_codes():
    # More distinct characters than 16-bit codes can number.
    documents = ["".join(chr(0x4E00 + i) for i in range(start, start + 10_000))
                 for start in range(0, 70_000, 10_000)]  # fmt: skip
    arrays = suffix_array.build(documents)
    assert arrays.codes.dtype.itemsize == 4
    string = documents[3][500:503]
    assert suffix_array.find(arrays, string).tolist() == [3]
    assert suffix_array.find(arrays, documents[0][-1] + documents[1][0]).tolist() == []


def test_strings_never_run_across_documents_or_outside_the_alphabet():
    arrays = suffix_array.build(["法治", "政府"])
    assert suffix_array.find(arrays, "治政").tolist() == []
    assert suffix_array.find(arrays, "法x").tolist() == []
    assert suffix_array.find(arrays, "府").tolist() == [1]
