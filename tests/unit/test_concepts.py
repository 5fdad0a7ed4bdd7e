"""concepts: the shipped list, a user's file, and concept:NAME in the query language, which
finds exactly the union of its terms' hits."""

from __future__ import annotations

import pytest
from reportsearch.indexer.errors import QuerySyntaxError, UsageError
from reportsearch.indexer.normalizing import normalize_for_search
from reportsearch.query.concepts import (
    Concept,
    load_concepts,
    parse_concepts,
    read_text,
    shipped_concepts,
)
from reportsearch.query.parsing import And, Field, Or, Text, parse_query


def test_the_shipped_concepts_have_terms_in_search_form_and_sources():
    concepts = shipped_concepts()
    assert {"免罚", "柔性执法", "非现场监管"} <= set(concepts)
    for name in concepts:
        concept = concepts[name]
        assert concept.terms and concept.source, name
        assert all(term == normalize_for_search(term) for term in concept.terms)
    assert "首违不罚" in concepts["免罚"].terms


def test_concept_expands_to_the_or_of_its_terms():
    terms = shipped_concepts()["免罚"].terms
    assert parse_query("concept:免罚") == Or(tuple(Text(t) for t in terms))
    assert parse_query("concept:免罰") == parse_query("concept:免罚")  # Traditional name
    assert parse_query('concept:"免罚"') == parse_query("concept:免罚")
    assert parse_query("concept:放管服") == Text("放管服")  # one term: that string
    tree = parse_query("concept:免罚 city:盘锦 -concept:放管服")
    assert isinstance(tree, And) and tree.nodes[1] == Field("city", "盘锦")
    group = parse_query("concept:(免罚 OR 放管服)")
    assert group == Or((parse_query("concept:免罚"), Text("放管服")))


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("concept:没有这个", "unknown concept '没有这个' at column 1; concepts are: 免罚, "),
        ("柔性 concept:x", "at column 4"),
        ("concept:[2019 TO 2021]", "is not a range"),
        ("concept:", "needs a value"),
        ("concpt:免罚", "fields are: province"),
    ],
)
def test_bad_concepts_are_one_line_errors(query, fragment):
    with pytest.raises(QuerySyntaxError) as error:
        parse_query(query)
    assert fragment in str(error.value) and "\n" not in str(error.value)
    if "unknown field" in str(error.value):
        assert "concept" in str(error.value)


def test_a_users_concepts_add_and_replace_by_name(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# mine\n免罚\t首违不罚\tmy source\n复议类\t行政复议|復議\n", "utf-8")
    concepts = load_concepts(path)
    assert concepts["免罚"].terms == ("首违不罚",) and concepts["免罚"].source == "my source"
    assert concepts["复议类"].terms == ("行政复议", "复议")
    assert "柔性执法" in concepts  # the shipped ones stay
    assert parse_query("concept:复议类", concepts) == Or((Text("行政复议"), Text("复议")))
    with pytest.raises(QuerySyntaxError, match="unknown concept"):
        parse_query("concept:复议类")  # not without the file
    listed = load_concepts([Concept("x", ("a",))])
    assert "x" in listed and len(listed) == len(shipped_concepts()) + 1


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("免罚 首违不罚\n", "line 1: a concept is NAME<TAB>term"),
        ("a\tb\na\tc\n", "line 2: concept 'a' is defined twice"),
        ("a\t |\n", "line 1: concept 'a' has no terms"),
        ("\tb\n", "line 1: a concept needs a name"),
    ],
)
def test_malformed_concepts_files(text, fragment):
    with pytest.raises(UsageError, match=fragment):
        parse_concepts(text, "mine.tsv")


def test_unreadable_concepts_files_are_one_line_errors(tmp_path):
    with pytest.raises(UsageError, match="cannot read concepts file"):
        load_concepts(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes("免罚\t首违不罚\n".encode("gbk"))
    with pytest.raises(UsageError, match="is not UTF-8"):
        read_text(bad, "concepts file")


def passages(index, query) -> set[str]:
    return {hit.passage for hit in index.search(query, limit=0, facets=()).hits}


@pytest.mark.parametrize("name", sorted(shipped_concepts()))
def test_concept_finds_exactly_the_union_of_its_terms_hits(seed_index, name):
    union = set()
    for term in shipped_concepts()[name].terms:
        union |= passages(seed_index, f'"{term}"')
    assert passages(seed_index, f"concept:{name}") == union
    # and with a filter, as any other query part
    assert passages(seed_index, f"concept:{name} year:2021") == {
        p for p in union if p in passages(seed_index, "year:2021")}  # fmt: skip


def test_a_users_concept_in_the_api_finds_the_union(seed_index_dir):
    from reportsearch.query import open_index

    mine = [Concept("复议诉讼", ("行政复议", "行政诉讼", "出庭应诉"))]
    with open_index(seed_index_dir, concepts=mine) as index:
        union = set().union(*(passages(index, term) for term in mine[0].terms))
        assert union and passages(index, "concept:复议诉讼") == union
        result = index.search("concept:复议诉讼", limit=1)
        assert result.total == len(union)
        hit = result.hits[0]
        assert any(hit.snippet[a:b] in ("行政复议", "行政诉讼", "出庭应诉", "行政復議",
                                        "行政訴訟", "出庭應訴")
                   for a, b in hit.highlights)  # fmt: skip
        report = index.report(hit.report, "concept:复议诉讼")
        assert report["matches"] >= 1
        facets = index.facets("concept:复议诉讼", ["year"])
        assert facets["total"] == len(union)


def test_concept_in_the_page_and_the_api(seed_index_dir):
    from reportsearch.web.app import create_app
    from starlette.testclient import TestClient

    with TestClient(create_app(seed_index_dir), base_url="http://localhost") as client:
        api = client.get("/api/search", params={"q": "concept:免罚", "limit": "0"}).json()
        union = set()
        for term in shipped_concepts()["免罚"].terms:
            hits = client.get("/api/search", params={"q": f'"{term}"', "limit": "0"}).json()
            union |= {hit["passage"] for hit in hits["hits"]}
        assert union and {hit["passage"] for hit in api["hits"]} == union
        page = client.get("/", params={"q": "concept:免罚"})
        assert page.status_code == 200 and "<mark" in page.text
        bad = client.get("/api/search", params={"q": "concept:没有"})
        assert bad.status_code == 400 and "unknown concept" in bad.text
