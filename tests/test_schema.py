"""schema: the word terms and the place keys shared by indexer and query."""

from __future__ import annotations

from indexer.schema import WORD_SEPARATOR, WordTokenizer, place_keys


def test_tokenizers_give_whoosh_tokens_with_positions():
    words = [(t.text, t.pos) for t in WordTokenizer()(WORD_SEPARATOR.join(["柔性", "执法"]),
                                                      positions=True)]  # fmt: skip
    assert words == [("柔性", 0), ("执法", 1)]


def test_place_keys_hold_full_and_short_names():
    assert place_keys("四川省", "南充市", "嘉陵区").split(",") == [
        "city=南充", "city=南充市", "district=嘉陵", "district=嘉陵区", "province=四川",
        "province=四川省",
    ]  # fmt: skip
    assert place_keys("", "", "") == ""
