"""Fields: the one list of what a query can filter on and count by.

Input: nothing. Output: ``FIELDS``, one ``FieldSpec`` row per field (``city``, ``year``,
``metric`` ...), and the lists every front end derives from it: the query language's field
names (``query_names``), the filter options of the CLI and the page (``filter_names``),
the facets (``facet_names``) and one row by name (``named``).

A row says what a person types (``name``, ``help``), where the engine finds its values
(``column`` in the segments, read as ``kind``) and whether every passage of a report holds
the report's value (``level`` "report": facets count such a field per report). Parsing,
the CLI's options, the page's parameters, the facets and the engine's filters all read
this list when they are used, never a copy made at import, so a new field is one row here
plus its data in the segments (``indexer.segment``).
"""

from __future__ import annotations

from dataclasses import dataclass

# How the engine reads a field's column (``query.engine``):
PLACE = "place"  # dictionary-coded place name, matched by its full or short name
VALUE = "value"  # dictionary-coded text, matched exactly (after search normalization)
YEAR = "year"  # integer year, 0 when unknown; matched by a range like 2019..2021
SECTION = "section"  # text in the passage's section path, matched as a substring
METRIC = "metric"  # the indicators a passage states (a list), with comparisons of values
REPORT_ID = "report"  # the report's id
ISSUER = "issuer"  # dictionary-coded canonical issuer; what is typed is made canonical first
TITLE = "title"  # the report's title (search form), matched as a substring
KINDS = (PLACE, VALUE, YEAR, SECTION, METRIC, REPORT_ID, ISSUER, TITLE)
FACET_KINDS = (PLACE, VALUE, YEAR, METRIC, ISSUER)  # the kinds the engine can count by

REPORT, PASSAGE = "report", "passage"  # levels: whose value the field is


@dataclass(frozen=True)
class FieldSpec:
    """One field of the query language."""

    name: str  # as typed: ``name:VALUE``, ``--name VALUE``, ``?name=VALUE``
    kind: str  # one of KINDS
    level: str  # REPORT: every passage of a report holds the report's value; else PASSAGE
    help: str  # for people: the CLI option's help
    filter: bool = True  # an option of the CLI's query commands and a parameter of the page
    facet: bool = False  # can be counted by (``--facets``, ``facets --by``)
    column: str = ""  # the engine's column in the segments; "" means ``name``
    choices: tuple[str, ...] = ()  # the only values it takes (a typo is an error, not 0 hits)

    @property
    def source(self) -> str:
        """The segment column holding the field's values."""
        return self.column or self.name


# The order is the order of facets, options and error messages: places from large to small.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("province", PLACE, REPORT, "Province, e.g. 四川.", facet=True),
    FieldSpec(
        "city",
        PLACE,
        REPORT,
        "Prefecture-level city, e.g. 盘锦 (Traditional works too).",
        facet=True,
    ),  # fmt: skip
    FieldSpec("district", PLACE, REPORT, "District or county, e.g. 巴南.", facet=True),
    FieldSpec("year", YEAR, REPORT, "Year the report is about: 2021 or 2019..2021.", facet=True),
    FieldSpec(
        "issuer",
        ISSUER,
        REPORT,
        "Who issued it: 人民政府, 司法局, 生态环境局 … (司法厅 finds 司法局 too).",
        facet=True,
    ),  # fmt: skip
    FieldSpec(
        "level",
        VALUE,
        REPORT,
        "Tier of the issuing government: national, province, city or district.",
        facet=True,
        choices=("national", "province", "city", "district"),
    ),  # fmt: skip
    FieldSpec(
        "kind",
        VALUE,
        REPORT,
        "Document kind: report, interpretation, news or speech.",
        facet=True,
        choices=("report", "interpretation", "news", "speech"),
    ),  # fmt: skip
    FieldSpec("title", TITLE, REPORT, "Text in the report's title, e.g. 生态环境."),
    FieldSpec("section", SECTION, PASSAGE, "Text in the section headings."),
    FieldSpec("category", VALUE, PASSAGE, "Section category, e.g. 行政执法.", facet=True),
    FieldSpec(
        "metric",
        METRIC,
        PASSAGE,
        "Indicator stated, e.g. 出庭应诉率 or 出庭应诉率>=95.",
        facet=True,
    ),  # fmt: skip
    FieldSpec("report", REPORT_ID, REPORT, "Report id.", filter=False),
)


def query_names() -> tuple[str, ...]:
    """Every field the query language knows (``NAME:VALUE``)."""
    return tuple(spec.name for spec in FIELDS)


def filter_names() -> tuple[str, ...]:
    """The fields offered as options (CLI) and parameters (the page)."""
    return tuple(spec.name for spec in FIELDS if spec.filter)


def facet_names() -> tuple[str, ...]:
    """The fields that can be counted, in the order facets are shown by default."""
    return tuple(spec.name for spec in FIELDS if spec.facet)


def named(name: str) -> FieldSpec | None:
    """The row named ``name``, or None."""
    return next((spec for spec in FIELDS if spec.name == name), None)
