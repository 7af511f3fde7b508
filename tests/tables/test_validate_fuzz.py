"""Random malformed frames: the loader accepts them or raises DataValidationError, nothing else."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillshore.errors import DataValidationError
from skillshore.tables import check_foreign_keys, validate_frame
from skillshore.tables.schemas import SCHEMAS

_values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.booleans(),
)


@st.composite
def malformed_frames(draw):
    name = draw(st.sampled_from(sorted(SCHEMAS)))
    schema = SCHEMAS[name]
    n = draw(st.integers(min_value=0, max_value=6))
    cols = {}
    for col in schema.columns:
        if draw(st.integers(0, 9)) == 0:
            continue  # drop the column
        kind = draw(st.sampled_from(["int", "float", "str", "bool", "mixed-str"]))
        if kind == "int":
            vals = draw(
                st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40)), min_size=n, max_size=n)
            )
            cols[col.name] = pl.Series(col.name, vals, dtype=pl.Int64)
        elif kind == "float":
            vals = draw(st.lists(st.one_of(st.none(), st.floats()), min_size=n, max_size=n))
            cols[col.name] = pl.Series(col.name, vals, dtype=pl.Float64)
        elif kind == "bool":
            vals = draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n))
            cols[col.name] = pl.Series(col.name, vals, dtype=pl.Boolean)
        else:
            vals = draw(st.lists(_values, min_size=n, max_size=n))
            cols[col.name] = pl.Series(
                col.name, [None if v is None else str(v) for v in vals], dtype=pl.Utf8
            )
    if draw(st.booleans()):
        cols["extra"] = pl.Series("extra", list(range(n)))
    return name, pl.DataFrame(cols)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(malformed_frames(), st.booleans())
def test_loader_accepts_or_raises_own_error(case, with_years):
    name, df = case
    try:
        out, problems = validate_frame(
            df, name, f"{name}.parquet", years=(1990, 2010) if with_years else None
        )
        if problems:
            raise DataValidationError(problems)
        # an accepted frame has exactly the schema's types and all its rows
        for col in SCHEMAS[name].columns:
            assert out.schema[col.name] == col.dtype
        assert out.height == df.height
        check_foreign_keys({name: out})
    except DataValidationError as err:
        assert err.problems and all(isinstance(p, str) and p for p in err.problems)
