"""schema: the word terms shared by indexer and query."""

from __future__ import annotations

from indexer.schema import WORD_SEPARATOR, WordTokenizer


def test_tokenizers_give_whoosh_tokens_with_positions():
    words = [(t.text, t.pos) for t in WordTokenizer()(WORD_SEPARATOR.join(["柔性", "执法"]),
                                                      positions=True)]  # fmt: skip
    assert words == [("柔性", 0), ("执法", 1)]
