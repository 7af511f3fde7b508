"""Baseline sample rules on frames where the surviving firms are known by construction."""

from __future__ import annotations

import polars as pl
import pytest

from skillshore.errors import DataValidationError, SkillshoreError
from skillshore.panel import baseline_sample, main_industry

YEARS = (1996, 1998)


def _firms() -> pl.DataFrame:
    # firm: (industry by year, employment by year); None = no row that year
    spec = {
        1: ({1995: "251100", 1996: "251100", 1997: "251100", 1998: "251100"}, 20),  # kept
        2: ({1996: "251200", 1998: "251200"}, 30),  # misses 1997: not continuous
        3: ({1996: "451100", 1997: "451100", 1998: "451100"}, 50),  # construction
        4: ({1996: "281100", 1997: "281100", 1998: "281100"}, [12, 9, 11]),  # 9 employees in 1997
        5: ({1995: "281100"}, 40),  # only in a base year
        6: (
            {1996: "101100", 1997: "451100", 1998: "451100"},
            15,
        ),  # manufacturing in its first study year
        7: (
            {1996: "330000", 1997: "330000", 1998: "330000"},
            [8, 20, 20],
        ),  # small in the first year
    }
    rows = []
    for fid, (inds, emp) in spec.items():
        for k, (year, ind) in enumerate(sorted(inds.items())):
            e = emp if isinstance(emp, int) else emp[k]
            rows.append(
                dict(
                    firm_id=fid,
                    year=year,
                    industry=ind,
                    sales=1.0,
                    value_added=1.0,
                    capital=1.0,
                    employment=e,
                    region="Aarhus",
                )
            )
    return pl.DataFrame(rows, schema_overrides={"year": pl.Int32})


def test_baseline_rules_keep_exactly_the_expected_firms():
    s = baseline_sample(_firms(), YEARS)
    assert s.firm_ids.to_list() == [1, 6]
    # the counts after each rule, by hand: 6 observed in 1996-98 (not 5), 5 manufacturing
    # (not 3), 4 continuous (not 2), 2 with >= 10 employees every year (not 4, 7)
    assert [n for _, n in s.steps] == [6, 5, 4, 2]
    assert "Firms" in s.to_frame().columns and s.n_firms == 2


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"continuous": False}, [1, 2, 6]),
        ({"min_employees": 0}, [1, 4, 6, 7]),
        ({"size_rule": "mean"}, [1, 4, 6, 7]),  # means 32/3 and 16 are >= 10
        ({"size_rule": "first_year"}, [1, 4, 6]),
        ({"sectors": ["25"]}, [1]),
        ({"min_employees": 16}, [1]),
    ],
)
def test_alternative_rules(kwargs, expected):
    assert baseline_sample(_firms(), YEARS, **kwargs).firm_ids.to_list() == expected


def test_main_industry_is_first_study_year_industry():
    m = main_industry(_firms(), YEARS).sort("firm_id")
    got = dict(zip(m["firm_id"].to_list(), m["industry"].to_list(), strict=True))
    assert got[6] == "101100"  # changes to 451100 later
    assert got[5] == "281100"  # never in the study years: its first observed year
    row = m.filter(pl.col("firm_id") == 1)
    assert row["industry4"].item() == "2511" and row["sector"].item() == "25"


def test_bad_inputs_raise_project_errors():
    f = _firms()
    with pytest.raises(DataValidationError, match="employment"):
        baseline_sample(f.drop("employment"), YEARS)
    with pytest.raises(DataValidationError):
        baseline_sample(f, (1998, 1996))
    with pytest.raises(DataValidationError):
        baseline_sample(f, YEARS, size_rule="median")
    with pytest.raises(SkillshoreError):
        baseline_sample(f, YEARS, min_employees=-1)
