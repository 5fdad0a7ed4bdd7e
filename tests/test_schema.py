"""schema: the exact-match terms and the place keys shared by indexer and query."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer.schema import WORD_SEPARATOR, GramTokenizer, WordTokenizer, exact_grams, place_keys


@given(st.text(max_size=40))
def test_grams_cover_the_text_at_consecutive_positions(text):
    grams = exact_grams(text)
    assert [position for position, _ in grams] == list(range(len(text)))
    # Every term starts with the character at its position, so a phrase of consecutive
    # bigrams is a substring and nothing else.
    assert "".join(term[0] for _, term in grams) == text
    assert all(len(term) == 2 for _, term in grams[:-1])


def test_tokenizers_give_whoosh_tokens_with_positions():
    grams = [(t.text, t.pos) for t in GramTokenizer()("柔性执法", positions=True)]
    assert grams == [("柔性", 0), ("性执", 1), ("执法", 2), ("法", 3)]
    words = [(t.text, t.pos) for t in WordTokenizer()(WORD_SEPARATOR.join(["柔性", "执法"]),
                                                      positions=True)]  # fmt: skip
    assert words == [("柔性", 0), ("执法", 1)]


def test_place_keys_hold_full_and_short_names():
    assert place_keys("四川省", "南充市", "嘉陵区").split(",") == [
        "city=南充", "city=南充市", "district=嘉陵", "district=嘉陵区", "province=四川",
        "province=四川省",
    ]  # fmt: skip
    assert place_keys("", "", "") == ""
