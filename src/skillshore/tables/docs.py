"""Render ``docs/data.md`` from the schemas, so the docs cannot drift from the code."""

from __future__ import annotations

from skillshore.tables.schemas import OPTIONAL_SCHEMAS, PLAUSIBLE_YEARS, SCHEMAS

_PLAUSIBLE = f"{PLAUSIBLE_YEARS[0]}-{PLAUSIBLE_YEARS[1]}"

__all__ = ["schemas_markdown"]

_HEAD = """# Raw tables: schemas

skillshore reads seven raw tables, as Parquet (`.parquet`) or CSV (`.csv`, `.tsv`),
named in the `[tables]` section of the study config. They mirror the seed's data
sources (slide "Data Sources"): IDA (worker panel), FIRM (firm accounts), UHDI
(customs), UN Comtrade (world trade), the education/training catalog behind the
skill measures, and two small reference tables that ship as defaults.

Loading validates every table (`skillshore validate --config study.toml`):

- every required column is present, and every value converts to the column's type
  exactly (CSV is read as text first, so codes keep their leading zeros; an integer
  column takes integral values only, 1996.7 is an error in every format, never truncated);
- no missing values unless the column says *nullable*; non-negative where marked;
  values in the allowed set; codes match their pattern (ISCO 4 digits, HS6 6 digits,
  ISO3 3 capitals); years within the study's range (base years included), and
  every calendar year within {plausible};
- keys are unique; foreign keys exist (every `(firm_id, year)` of the worker panel
  and the customs table is in the firm accounts; every education and training code
  is in the catalog).

A broken rule is reported as one line naming the file, the column, the rule, how
many rows break it and the first five (row numbers count data rows from 1). No row
is ever dropped silently: a table is accepted whole or rejected with its reasons.
Columns the schema does not know are kept as they are.

This page is generated from `src/skillshore/tables/schemas.py` by
`python scripts/render_data_docs.py`; a test checks that it is up to date.
"""


def _dtype(d) -> str:
    return {
        "Int64": "int64",
        "Int32": "int32",
        "Float64": "float64",
        "String": "string",
        "Utf8": "string",
    }.get(str(d), str(d))


def schemas_markdown() -> str:
    """The full ``docs/data.md`` text."""
    out = [_HEAD.replace("{plausible}", _PLAUSIBLE)]
    for s in (*SCHEMAS.values(), *OPTIONAL_SCHEMAS.values()):
        optional = (
            " (optional table: `[tables] " + s.name + "`)" if s.name in OPTIONAL_SCHEMAS else ""
        )
        out.append(f"\n## `{s.name}`{optional}\n\n{s.description}\n")
        if s.key:
            out.append(f"Key: ({', '.join(s.key)}), unique.")
        for cols, (other, ocols) in s.foreign_keys.items():
            out.append(
                f"Foreign key: ({', '.join(cols)}) must exist in `{other}` ({', '.join(ocols)})."
            )
        out.append("\n| column | type | unit | rules | description |\n|---|---|---|---|---|")
        for c in s.columns:
            rules = []
            rules.append("nullable" if c.nullable else "required value")
            if not c.required:
                rules.append("optional column")
            if c.non_negative:
                rules.append(">= 0")
            if c.allowed:
                rules.append("one of " + ", ".join(f"`{a}`" for a in c.allowed))
            if c.pattern:
                rules.append(f"pattern `{c.pattern}`")
            if c.year_like:
                rules.append("within study years")
            elif c.calendar:
                rules.append(f"calendar year {_PLAUSIBLE}")
            desc = c.description.replace("|", "/")
            out.append(
                f"| `{c.name}` | {_dtype(c.dtype)} | {c.unit} | {'; '.join(rules)} | {desc} |"
            )
        out.append("")
    out.append(
        "\n## Shipped defaults\n\n"
        '- `offshorability`: the seed\'s appendix table "Occupational Offshorability by 1-digit ISCO codes" '
        "(ISCO-08 major groups 0-9; military work has no value).\n"
        "- `low_wage`: the 52 low-wage countries of Bernard, Jensen and Schott (2006), from the seed's appendix, "
        "with ISO3 codes.\n"
    )
    return "\n".join(out)
