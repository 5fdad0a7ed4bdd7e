"""schema: the Whoosh index of record holds the fields the product names."""

from __future__ import annotations

from reportsearch.indexer.schema import build_schema, word_tokens


def test_the_record_has_city_year_section_and_metric_fields():
    schema = build_schema()
    for name in ("city", "year", "section", "metric", "uid", "report", "summary", "path"):
        assert name in schema.names()
    assert schema["city"].indexed and schema["year"].indexed and schema["metric"].indexed
    # what hits show lives in the engine's segments, not twice
    assert "original" not in schema.names() and not schema["uid"].indexed


def test_word_tokens_keep_words_and_drop_punctuation_and_space():
    tokens = word_tokens("推进法治政府建设, 全面 依法行政。")
    assert "".join(tokens) == "推进法治政府建设全面依法行政"
    assert all(any(c.isalnum() for c in token) for token in tokens)
