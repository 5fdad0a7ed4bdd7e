"""snippets: matches found on the search form, shown in the report's own characters."""

from __future__ import annotations

from query.snippets import find_all, make_snippet, mark


def test_traditional_passage_is_highlighted_in_traditional():
    snippet = make_snippet("推行柔性執法,強化柔性執法理念", ["柔性执法"])
    assert snippet.matches == 2
    assert [snippet.text[a:b] for a, b in snippet.highlights] == ["柔性執法", "柔性執法"]
    assert mark(snippet, "[", "]") == "推行[柔性執法],強化[柔性執法]理念"


def test_full_width_and_spaces_map_back():
    text = "满意率达９９．９％,  办结率１００％"
    snippet = make_snippet(text, ["99.9%", "办结率100%"])
    assert [text[a:b] for a, b in snippet.highlights] == ["９９．９％", "办结率１００％"]


def test_counts_are_non_overlapping_and_per_string():
    assert find_all("哈哈哈哈", "哈哈") == [(0, 2), (2, 4)]
    snippet = make_snippet("行政复议和行政应诉", ["行政", "复议"])
    assert snippet.matches == 3
    assert snippet.highlights == [(0, 4), (5, 7)]  # touching spans merge for display


def test_no_strings_no_highlights():
    snippet = make_snippet("原文", [])
    assert (snippet.text, snippet.highlights, snippet.matches) == ("原文", [], 0)
