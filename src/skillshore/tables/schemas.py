"""Schemas of the study's raw tables (documented in ``docs/data.md``).

The seed's data sources (slide "Data Sources"): IDA (worker panel), FIRM
(firm accounts), UHDI (customs transactions), UN Comtrade (world trade), plus
the education/training catalog whose titles the skills stage maps to O*NET,
the occupational offshorability index (slide "Occupational Offshorability")
and the low-wage country list (slide "Low Wage Countries", Bernard, Jensen and
Schott 2006).

Each :class:`TableSchema` lists its columns with a polars dtype, a unit and the
rules :func:`skillshore.tables.validate.validate_table` enforces.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

__all__ = [
    "Column",
    "TableSchema",
    "SCHEMAS",
    "TABLE_NAMES",
    "OPTIONAL_SCHEMAS",
    "NONEMPLOYED",
    "PLAUSIBLE_YEARS",
]

PLAUSIBLE_YEARS = (1950, 2100)  # any calendar-year column (a typo such as 1900 or 2150 is an error)


@dataclass(frozen=True)
class Column:
    """One column of a raw table.

    Parameters
    ----------
    name : str
        Column name as it must appear in the file.
    dtype : polars data type
        Type the column is cast to on load (strict: a value that cannot be cast is an error).
    unit : str
        Unit or coding, for the docs.
    description : str
        What the column holds.
    nullable : bool
        Whether missing values are allowed.
    non_negative : bool
        Values must be >= 0.
    allowed : tuple of str, optional
        Closed set of allowed values.
    pattern : str, optional
        Regular expression every (non-null) value must match in full.
    year_like : bool
        The column is a calendar year checked against the study's year range.
    calendar : bool
        The column is a calendar year that may lie outside the study's range; it must
        still lie within ``PLAUSIBLE_YEARS`` (so must every ``year_like`` column).
    required : bool
        Whether the column must be present (optional columns are filled with nulls).
    """

    name: str
    dtype: pl.DataType | type
    unit: str
    description: str
    nullable: bool = False
    non_negative: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    year_like: bool = False
    required: bool = True
    calendar: bool = False


@dataclass(frozen=True)
class TableSchema:
    """Schema of one raw table: columns, primary key and foreign keys.

    ``foreign_keys`` maps a tuple of this table's columns to
    ``(other_table, other_columns)``: every row's key must exist there.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    foreign_keys: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.dtype for c in self.columns}


_ISCO = r"\d{4}"
_HS6 = r"\d{6}"
_ISO3 = r"[A-Z]{3}"

WORKERS = TableSchema(
    name="workers",
    description="Worker-year panel (IDA-like): one row per person and year, the person's main job in November.",
    key=("person_id", "year"),
    foreign_keys={
        ("firm_id", "year"): ("firms", ("firm_id", "year")),
        ("educ_code",): ("catalog", ("code",)),
        ("train_code",): ("catalog", ("code",)),
    },
    columns=(
        Column("person_id", pl.Int64, "id", "Person identifier (pseudonymised)."),
        Column("year", pl.Int32, "calendar year", "Observation year.", year_like=True),
        Column("firm_id", pl.Int64, "id", "Employer identifier (must exist in `firms` that year)."),
        Column("isco", pl.Utf8, "ISCO-08, 4 digits", "Occupation of the job.", pattern=_ISCO),
        Column(
            "educ_code",
            pl.Utf8,
            "catalog code",
            "Highest obtained education (hfaudd); key into `catalog`.",
        ),
        Column(
            "train_code",
            pl.Utf8,
            "catalog code",
            "Highest completed training (erhaudd); key into `catalog`; null if none.",
            nullable=True,
        ),
        Column(
            "educ_years",
            pl.Float64,
            "years",
            "Years of schooling implied by the highest education.",
            non_negative=True,
        ),
        Column(
            "experience",
            pl.Float64,
            "years",
            "Potential or actual labour-market experience.",
            non_negative=True,
        ),
        Column("hourly_wage", pl.Float64, "DKK per hour", "Hourly wage.", non_negative=True),
        Column(
            "hours", pl.Float64, "hours per year", "Hours worked in the year.", non_negative=True
        ),
        Column("age", pl.Int32, "years", "Age at the end of the year.", non_negative=True),
        Column(
            "region", pl.Utf8, "region name", "Region of the workplace (for example 'Copenhagen')."
        ),
    ),
)

CATALOG = TableSchema(
    name="catalog",
    description="Education and training catalog: code -> free-text title (the text the skills stage maps to O*NET).",
    key=("code",),
    columns=(
        Column("code", pl.Utf8, "code", "Education (hfaudd) or training (erhaudd) code."),
        Column(
            "kind",
            pl.Utf8,
            "category",
            "Whether the code is an education degree or a training record.",
            allowed=("education", "training"),
        ),
        Column(
            "title",
            pl.Utf8,
            "free text (English)",
            "Title of the degree or training, e.g. 'Truck driver with crane'.",
        ),
    ),
)

FIRMS = TableSchema(
    name="firms",
    description="Firm-year accounts (FIRM-like).",
    key=("firm_id", "year"),
    columns=(
        Column("firm_id", pl.Int64, "id", "Firm identifier."),
        Column("year", pl.Int32, "calendar year", "Accounting year.", year_like=True),
        Column(
            "industry",
            pl.Utf8,
            "6-digit industry code (NACE-like)",
            "Industry; the first two digits give the sector, the first four the 4-digit industry.",
            pattern=r"\d{6}",
        ),
        Column("sales", pl.Float64, "DKK 1,000", "Sales.", non_negative=True),
        Column(
            "value_added",
            pl.Float64,
            "DKK 1,000",
            "Value added (may be negative for loss-making firms).",
            nullable=False,
        ),
        Column("capital", pl.Float64, "DKK 1,000", "Capital stock.", non_negative=True),
        Column(
            "employment",
            pl.Int64,
            "persons",
            "Number of employees (full-time equivalents rounded).",
            non_negative=True,
        ),
        Column("region", pl.Utf8, "region name", "Region of the firm's headquarters."),
        Column(
            "purchases_abroad",
            pl.Float64,
            "DKK 1,000",
            "Intermediate and final good purchases abroad (for the structural stage's identifying assumption); optional.",
            non_negative=True,
            nullable=True,
            required=False,
        ),
    ),
)

CUSTOMS = TableSchema(
    name="customs",
    description="Customs transactions (UHDI-like): firm x year x partner country x HS6 product x flow.",
    key=("firm_id", "year", "country", "hs6", "flow"),
    foreign_keys={("firm_id", "year"): ("firms", ("firm_id", "year"))},
    columns=(
        Column("firm_id", pl.Int64, "id", "Trading firm."),
        Column("year", pl.Int32, "calendar year", "Transaction year.", year_like=True),
        Column(
            "country",
            pl.Utf8,
            "ISO 3166-1 alpha-3",
            "Partner country (origin of imports, destination of exports).",
            pattern=_ISO3,
        ),
        Column("hs6", pl.Utf8, "HS 6-digit", "Product code.", pattern=_HS6),
        Column("flow", pl.Utf8, "category", "Trade flow.", allowed=("import", "export")),
        Column("value", pl.Float64, "DKK 1,000", "Value of the flow.", non_negative=True),
    ),
)

WORLD_TRADE = TableSchema(
    name="world_trade",
    description="World trade flows (UN Comtrade-like): exporter x importer x HS6 x year.",
    key=("exporter", "importer", "hs6", "year"),
    columns=(
        Column("exporter", pl.Utf8, "ISO 3166-1 alpha-3", "Exporting country.", pattern=_ISO3),
        Column("importer", pl.Utf8, "ISO 3166-1 alpha-3", "Importing country.", pattern=_ISO3),
        Column("hs6", pl.Utf8, "HS 6-digit", "Product code.", pattern=_HS6),
        Column(
            "year", pl.Int32, "calendar year", "Year (may extend beyond the study).", calendar=True
        ),
        Column("value", pl.Float64, "USD 1,000", "Value of the flow.", non_negative=True),
    ),
)

OFFSHORABILITY = TableSchema(
    name="offshorability",
    description="Occupational offshorability index by ISCO-08 prefix (1 to 4 digits); the longest matching prefix wins.",
    key=("isco",),
    columns=(
        Column(
            "isco",
            pl.Utf8,
            "ISCO-08 prefix, 1-4 digits",
            "Occupation code or prefix.",
            pattern=r"\d{1,4}",
        ),
        Column(
            "offshorability",
            pl.Float64,
            "index (higher = more offshorable)",
            "Offshorability index; null for military work.",
            nullable=True,
        ),
    ),
)

LOW_WAGE = TableSchema(
    name="low_wage",
    description="Low-wage countries (Bernard, Jensen and Schott 2006: GDP per capita below 5% of the U.S., 1972-2001).",
    key=("country",),
    columns=(
        Column("country", pl.Utf8, "ISO 3166-1 alpha-3", "Country code.", pattern=_ISO3),
        Column("name", pl.Utf8, "text", "Country name as in the seed's appendix."),
    ),
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s for s in (WORKERS, CATALOG, FIRMS, CUSTOMS, WORLD_TRADE, OFFSHORABILITY, LOW_WAGE)
}
TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)

NONEMPLOYED = TableSchema(
    name="nonemployed",
    description=(
        "Person-years without an employer in November (IDA-like), with their education: "
        "the skill distribution of the unemployed, f0(x), of the structural stage (issue 14)."
    ),
    key=WORKERS.key,
    # the worker table's person, year and education columns and their keys, defined once
    foreign_keys={k: v for k, v in WORKERS.foreign_keys.items() if k != ("firm_id", "year")},
    columns=(
        *(WORKERS.column(c) for c in ("person_id", "year", "educ_code", "train_code")),
        WORKERS.column("educ_years"),
        Column(
            "isced",
            pl.Utf8,
            "ISCED 2011 level",
            "ISCED level of the highest education (0-8); optional.",
            pattern=r"[0-8]",
            nullable=True,
            required=False,
        ),
        replace(
            WORKERS.column("age"),
            description="Age at the end of the year; optional.",
            nullable=True,
            required=False,
        ),
        Column(
            "status",
            pl.Utf8,
            "category",
            "Labour-market status; optional.",
            allowed=("unemployed", "out_of_labour_force"),
            nullable=True,
            required=False,
        ),
    ),
)
OPTIONAL_SCHEMAS: dict[str, TableSchema] = {"nonemployed": NONEMPLOYED}
"""Optional raw tables (not required by ``[tables]``); validate with
``validate_frame(df, OPTIONAL_SCHEMAS[name], path)``."""
