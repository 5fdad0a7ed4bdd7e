"""snippets: matches found on the search form, shown in the report's own characters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.query.snippets import concordance, excerpt, find_all, make_snippet, mark


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


# ---- excerpts and concordance lines ----------------------------------------------------------

texts = st.text(alphabet="法治政府建设执法复议，。ab ", min_size=0, max_size=900)


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from(["执法", "法", "复议", "ab"]))
def test_an_excerpt_keeps_its_highlights_on_the_matched_text(text, needle):
    snippet = make_snippet(text, [needle])
    cut = excerpt(snippet, context=20, budget=120)
    assert cut.matches == snippet.matches
    for start, end in cut.highlights:  # text and spans still agree after cutting
        shown = cut.text[start:end]
        assert shown and shown == needle * (len(shown) // len(needle))  # touching ones merge
    if len(text) <= 120:
        assert cut == snippet
    elif snippet.highlights:
        assert cut.highlights  # the first match is always shown
        assert len(cut.text) <= 120 + 2 * 20 + len(needle) + 2


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from(["执法", "法", "复议"]), st.integers(min_value=1, max_value=40))
def test_concordance_lines_rebuild_the_text_around_each_match(text, needle, width):
    snippet = make_snippet(text, [needle])
    lines = concordance(snippet, width)
    assert len(lines) == snippet.matches == len(find_all(text, needle))  # touching ones too
    flat = text.replace("\n", " ")
    for line, (start, end) in zip(lines, snippet.occurrences, strict=True):
        assert line.match == needle
        assert flat[max(0, start - width) : end + width] == line.left + line.match + line.right


def test_excerpt_of_a_long_passage_shows_the_text_around_matches():
    text = "甲" * 500 + "柔性执法" + "乙" * 500
    cut = excerpt(make_snippet(text, ["柔性执法"]), context=10, budget=100)
    assert cut.text == "…" + "甲" * 10 + "柔性执法" + "乙" * 10 + "…"
    assert [cut.text[a:b] for a, b in cut.highlights] == ["柔性执法"]
