"""parsing: query strings -> trees, normalized like report text; malformed ones -> errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportsearch.indexer.errors import QuerySyntaxError
from reportsearch.query.parsing import (
    And,
    Field,
    Not,
    Or,
    Text,
    parse_query,
    positive_texts,
    query_hints,
)


def test_words_and_quotes():
    assert parse_query("柔性执法") == Text("柔性执法")
    assert parse_query('"柔性执法"') == Text("柔性执法")
    assert parse_query("“行政 复议”") == Text("行政 复议")
    assert parse_query("柔性執法") == Text("柔性执法")  # Traditional -> Simplified
    assert parse_query("ＡＰＰ") == Text("app")  # NFKC, lower case


def test_boolean_structure():
    assert parse_query("a b") == And((Text("a"), Text("b")))
    assert parse_query("a AND b") == And((Text("a"), Text("b")))
    assert parse_query("a OR b c") == Or((Text("a"), And((Text("b"), Text("c")))))
    assert parse_query("(a OR b) c") == And((Or((Text("a"), Text("b"))), Text("c")))
    assert parse_query("a -b") == And((Text("a"), Not(Text("b"))))
    assert parse_query("NOT b") == Not(Text("b"))
    assert parse_query('"OR"') == Text("or")
    assert parse_query("2015-2020年") == Text("2015-2020年")  # a hyphen inside a word is text


def test_fields():
    assert parse_query("city:盤錦") == Field("city", "盘锦")
    assert parse_query("year:2021") == Field("year", "2021", year_range=(2021, 2021))
    assert parse_query("year:2019..2021").year_range == (2019, 2021)
    assert parse_query('section:"行政 执法"') == Field("section", "行政 执法")
    assert parse_query("metric:出庭应诉率>=95") == Field(
        "metric", "出庭应诉率", op=">=", number=95.0
    )
    assert parse_query("metric:出庭应诉率").op is None
    assert parse_query("CITY:盘锦").name == "city"


def test_positive_texts_skip_negations():
    assert positive_texts(parse_query("a -b (c OR d) city:x")) == ["a", "c", "d"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("(柔性执法", "unclosed parenthesis"),
        ("柔性执法)", "unexpected ')'"),
        ('"柔性执法', "unclosed quote"),
        ("foo:bar", "unknown field 'foo'"),
        ("year:21", "not a year"),
        ("year:2021..2019", "runs backwards"),
        ("city:", "needs a value"),
        ("a OR", "ends too early"),
        ("OR a", "unexpected 'OR'"),
        ("metric:>=95", "names no indicator"),
    ],
)
def test_malformed_queries_say_what_is_wrong(query, message):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@given(st.text(alphabet='法治()()"“”-: ORANDNOTcityyear:2021.', max_size=30))
def test_any_input_parses_or_fails_cleanly(query):
    try:
        parse_query(query)
    except QuerySyntaxError as error:
        assert str(error) and "\n" not in str(error)


# ---- Lucene habits ------------------------------------------------------------------------------


def test_field_groups_are_alternatives():
    assert parse_query("city:(盘锦 OR 遂宁)") == Or((Field("city", "盘锦"), Field("city", "遂宁")))
    assert parse_query("city:(盘锦 遂宁)") == parse_query("city:(盘锦 OR 遂宁)")
    assert parse_query("city:(盘锦 OR 遂宁) 执法") == And(
        (Or((Field("city", "盘锦"), Field("city", "遂宁"))), Text("执法"))
    )
    with pytest.raises(QuerySyntaxError, match="needs a value"):
        parse_query("city:()")
    with pytest.raises(QuerySyntaxError, match="unclosed parenthesis"):
        parse_query("city:(盘锦 OR 遂宁")


@pytest.mark.parametrize(
    "query, years",
    [("year:[2020 TO 2021]", (2020, 2021)), ("year:{2019 TO 2022}", (2020, 2021)),
     ("year:[2020 TO *]", (2020, 9999)), ("year:2019..2021", (2019, 2021))],
)  # fmt: skip
def test_year_ranges_in_either_syntax(query, years):
    assert parse_query(query).year_range == years


def test_a_comparison_without_a_number_is_an_error():
    with pytest.raises(QuerySyntaxError, match="needs a number"):
        parse_query("metric:出庭应诉率>=abc")
    assert parse_query("metric:出庭应诉率>=95").number == 95


def test_hints_name_other_syntaxes_searched_as_text():
    assert query_hints("复议 or 应诉")[0].startswith("'or' was searched as text")
    assert "'+'" in query_hints("+复议 +应诉")[0]
    assert "AND or OR" in query_hints("复议 && 应诉")[0]
    assert query_hints("复议 OR 应诉") == [] and query_hints("or") != []


def test_hints_name_quotes_wildcards_and_a_lone_minus():
    """Issue 17 row 8: the real cause, not "hold these words apart"."""
    assert "ASCII quotes" in query_hints("'柔性执法'")[0]
    assert "wildcards" in query_hints("柔性*")[0]
    assert "'-' with nothing after it" in query_hints("柔性执法 -")[0]
    assert query_hints("2015-2020年 -试点") == []  # a hyphen in a word, a real NOT


def test_a_field_of_fixed_values_refuses_a_typo():
    from reportsearch.indexer.errors import QuerySyntaxError

    assert parse_query("level:City") == Field("level", "city")
    for typo in ("level:市", "level:department", "kind:解读"):
        with pytest.raises(QuerySyntaxError, match="is not one of"):
            parse_query(typo)
