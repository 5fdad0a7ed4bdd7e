"""normalizing: search form + offset map back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportsearch.indexer import normalizing
from reportsearch.indexer.normalizing import normalize_for_search, normalize_with_offsets

# Report-like text: Simplified and Traditional Han, full-width forms, odd spaces, line breaks,
# combining marks, zero-width characters, and a few expanding compatibility characters.
PLAIN = (
    list("法治政府建设柔性执法關於盤錦執法規範")
    + list("ＡＢＣ１２３，。：（）abcXYZ012")
    + [" ", "\u3000", "\xa0", "\u2002", "\t", "\n", "\r\n", "\r", "\u200b", "\ufeff"]
    + ["e\u0301", "\u0301", "㈠", "①", "ﬁ", "㎡", "İ"]
)
# OpenCC converts these by phrase (乾燥 -> 干燥, but 乾 alone stays): a slice of the search
# form need not equal the slice's own normalization, so only the structural tests use them.
CONTEXTUAL = list("乾燥劑着著")
plain_text = st.lists(st.sampled_from(PLAIN), max_size=60).map("".join)
report_text = st.lists(st.sampled_from(PLAIN + CONTEXTUAL), max_size=60).map("".join)


def test_examples():
    assert normalize_for_search("關於盤錦 柔性執法") == "关于盘锦 柔性执法"
    assert normalize_for_search("ＡＰＰ１２３，") == "app123,"
    assert normalize_for_search("  一、  总体\u3000情况 \r\n\r\n(一)") == "一、 总体 情况\n\n(一)"
    assert normalize_for_search("法\u200b治") == "法治"


@given(report_text)
def test_every_search_character_maps_into_the_original(text):
    result = normalize_with_offsets(text)
    assert len(result.starts) == len(result.ends) == len(result.text)
    previous_end = 0
    for i in range(len(result.text)):
        start, end = result.starts[i], result.ends[i]
        assert 0 <= start < end <= len(text)
        assert start >= previous_end or (start, end) == (result.starts[i - 1], result.ends[i - 1])
        previous_end = end


@given(plain_text, st.data())
def test_spans_map_back_to_the_characters_they_came_from(text, data):
    result = normalize_with_offsets(text)
    if not result.text:
        return
    a = data.draw(st.integers(0, len(result.text) - 1))
    b = data.draw(st.integers(a + 1, len(result.text)))
    start, end = result.to_original(a, b)
    piece = text[start:end]
    # The original slice is the smallest that holds the search slice's sources: it
    # normalizes to the search slice, or to more when the slice cuts through a character
    # that normalizes to several ("㈠" -> "(一)", "e" + accent).
    assert result.text[a:b].strip() in normalize_for_search(piece)
    assert start == result.starts[a] and end == result.ends[b - 1]


@given(report_text)
def test_normalizing_is_idempotent(text):
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once


def test_traditional_and_simplified_meet():
    assert normalize_for_search("柔性執法") == normalize_for_search("柔性执法") == "柔性执法"
    assert normalize_for_search("行政機關負責人出庭應訴率") == "行政机关负责人出庭应诉率"


@given(report_text)
def test_the_fast_path_for_plain_lines_changes_nothing(text):
    """Lines of one-to-one characters are translated in one call; the result is the one
    the character-by-character path gives."""
    from reportsearch.indexer.normalizing import _normalize_line

    outputs = []
    for fast in (True, False):
        parts, starts, ends = [], [], []
        _normalize_line(text, 0, len(text), parts, starts, ends, fast=fast)
        outputs.append(("".join(parts), starts, ends))
    assert outputs[0] == outputs[1]


def test_pinyin_readings_left_by_converters_are_dropped_and_offsets_still_map():
    original = "深入領(lǐng)會國務(wù)院（wù）精神"
    normalized = normalize_with_offsets(original)
    assert normalized.text == "深入领会国务院精神"
    start = normalized.text.index("领会")
    a, b = normalized.to_original(start, start + 2)
    assert original[a:b] == "領(lǐng)會"
    # only a syllable with a tone mark, right after a Han character, is a reading
    assert normalize_for_search("系统(app)和(ling)") == "系统(app)和(ling)"
    assert normalize_for_search("A(lǐng)") == "a(lǐng)"


# Sentences: runs of Han (phrases OpenCC converts as a whole among them) between sentence
# ends, spaces, letters, digits, combining marks and pinyin readings.
SENTENCES = st.lists(
    st.tuples(
        st.text(alphabet=st.sampled_from(list("法治政府乾燥頭髮領會")), max_size=6),
        st.sampled_from(["。", "；", "！", " ", "　 ", "a", "1", "Ａ", "e\u0301", "(lǐng)", "\t"]),
    ),
    max_size=40,
).map(lambda parts: "".join(run + end for run, end in parts))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(SENTENCES)
def test_long_lines_normalize_in_pieces_as_they_would_whole(text):
    """A line cut into pieces (a report saved without line breaks) has the search form and
    offsets it has whole."""
    whole = normalizing._normalize(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalizing, "PIECE_LENGTH", 7)
        pieces = normalizing._normalize(text)
    assert pieces.text == whole.text
    assert list(pieces.starts) == list(whole.starts) and list(pieces.ends) == list(whole.ends)


@given(report_text)
def test_the_map_kept_where_it_changes_rebuilds_the_whole_map(text):
    normalized = normalize_with_offsets(text)
    changes = normalizing.offset_changes(normalized)
    rebuilt = normalizing.from_offset_changes(normalized.text, changes, len(text))
    assert (list(rebuilt.starts), list(rebuilt.ends)) == (
        list(normalized.starts),
        list(normalized.ends),
    )
    assert len(changes) <= len(normalized.text)
    if text and normalized.text == text:  # nothing changed: one row says so
        assert changes == [(0, 0, 0)]
