"""fields: the field registry is the one place a field is named.

A field added to the registry in a fixture (``tier``: the government level every report's
passages already carry in the segments' ``level`` column) is, with no other edit, a field
of the query language, an option of the CLI, a parameter of the page and a facet.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from reportsearch.cli import cli
from reportsearch.indexer import fields, segment
from reportsearch.indexer.errors import QuerySyntaxError, UsageError
from reportsearch.indexer.fields import FIELDS, FieldSpec
from reportsearch.query.parsing import Field, parse_query

TIER = FieldSpec("tier", fields.VALUE, fields.REPORT, "Level of government, e.g. city.",
                 facet=True, column="level")  # fmt: skip


@pytest.fixture
def tier(monkeypatch):
    """The registry with one more row, ``tier``, over the existing ``level`` column."""
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, TIER))
    return TIER


def cli_run(*args) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


# ---- the registry itself -----------------------------------------------------------------


def test_every_row_is_one_the_engine_can_read():
    assert len({spec.name for spec in FIELDS}) == len(FIELDS)
    for spec in FIELDS:
        assert spec.kind in fields.KINDS and spec.level in (fields.REPORT, fields.PASSAGE)
        assert spec.help.strip()
        if spec.facet:
            assert spec.kind in fields.FACET_KINDS, spec
        if spec.kind in (fields.PLACE, fields.VALUE):  # dictionary-coded columns
            assert spec.source in segment.CATEGORICAL, spec
        if spec.kind == fields.METRIC:  # a passage states several: never per report
            assert spec.level == fields.PASSAGE


def test_the_derived_lists_are_the_products_fields():
    assert fields.facet_names() == (
        "province", "city", "district", "year", "issuer", "level", "kind", "category",
        "metric")  # fmt: skip
    assert fields.filter_names() == (
        "province", "city", "district", "year", "issuer", "level", "kind", "title", "section",
        "category", "metric")  # fmt: skip
    assert set(fields.query_names()) == {*fields.filter_names(), "report"}
    assert fields.named("city").help and fields.named("nonesuch") is None


# ---- one row more ------------------------------------------------------------------------


def test_a_new_field_is_unknown_until_its_row_is_added():
    with pytest.raises(QuerySyntaxError, match="unknown field 'tier'"):
        parse_query("tier:city")
    assert "--tier" not in cli_run("search", "--help")


def test_a_new_field_parses(tier):
    assert parse_query("tier:City") == Field("tier", "city")
    with pytest.raises(QuerySyntaxError, match="fields are: .*tier"):
        parse_query("tear:city")


def test_a_new_field_is_a_cli_option_and_a_facet_in_its_help(tier):
    for command in ("search", "facets", "trend", "metrics"):
        assert "--tier VALUE" in cli_run(command, "--help")
    assert "Level of government" in cli_run("search", "--help")
    folded = "".join(cli_run("facets", "--help").split())  # click folds long lines
    assert "metric,tier" in folded  # --by's choices
    folded = "".join(cli_run("search", "--help").split())  # click cuts long words
    assert "district,year,issuer,level,kind,category,metric,tier]" in folded  # --facets


def test_a_new_field_filters_like_the_column_it_reads(tier, seed_index):
    levels = seed_index.facets("", ["tier"])["facets"]["tier"]
    assert levels and sum(row["reports"] for row in levels) == len(seed_index.reports())
    for row in levels:
        if row["value"] is None:
            continue
        by_option = seed_index.search("", filters={"tier": row["value"]}, limit=0, facets=[])
        by_query = seed_index.search(f"level:{row['value']}", limit=0, facets=[])
        assert by_option.total == by_query.total == row["count"]
        assert by_option.reports == row["reports"]


def test_a_new_field_is_counted_as_a_facet(tier, seed_index, seed_index_dir):
    # Asked for by name, and among the facets counted by default.
    result = seed_index.search("法治", limit=1)
    assert "tier" in result.facets
    # Counted per report, as the column it reads: the same counts as level's values.
    every = {row["report"]: row for row in seed_index.reports()}
    counted = seed_index.facets("", ["tier"])["facets"]["tier"]
    assert {row["value"] for row in counted} == {row.get("level") or None
                                                 for row in every.values()}  # fmt: skip
    printed = json.loads(cli_run("--index-dir", str(seed_index_dir), "facets", "--by", "tier",
                                 "--tier", counted[0]["value"], "--format", "json"))  # fmt: skip
    assert printed["facets"]["tier"] == [counted[0]]
    assert f'tier:"{counted[0]["value"]}"' in printed["query"]


def test_an_unknown_facet_names_the_new_one(tier, seed_index):
    with pytest.raises(UsageError, match="facets are: .*tier"):
        seed_index.facets("", ["tear"])


def test_a_new_field_is_a_parameter_of_the_page(tier, seed_index_dir):
    from reportsearch.web.app import create_app
    from starlette.testclient import TestClient

    with TestClient(create_app(seed_index_dir), base_url="http://localhost") as client:
        value = client.get("/api/facets", params={"by": "tier"}).json()["facets"]["tier"][0]
        asked = {"q": "法治", "tier": value["value"]}
        for path in ("/", "/api/search", "/api/facets", "/api/kwic", "/api/spread"):
            response = client.get(path, params=asked)
            assert response.status_code == 200, (path, response.text[:300])
        for path in ("/metrics", "/api/metrics"):
            response = client.get(path, params={"name": "出庭应诉率", "tier": value["value"]})
            assert response.status_code == 200, (path, response.text[:300])
        answer = client.get("/api/search", params={"tier": value["value"], "limit": 0,
                                                   "facets": "tier"}).json()  # fmt: skip
        assert answer["total"] == value["count"]
        assert answer["facets"]["tier"] == [value]
        refused = client.get("/api/search", params={"q": "法治", "tear": "city"})
        assert refused.status_code == 400 and "unknown parameter" in refused.text
