"""The non-employed as worker types for f0(x) (issue 14 item 2, issue 18 item 3): the
optional ``nonemployed`` table is validated like the others and its persons land in the
employed's skill cells."""

import numpy as np
import polars as pl
import pytest

from skillshore.config import StudyConfig
from skillshore.skills.stage import SkillsResult
from skillshore.structural.stage import N_CELLS, nonemployed_types, type_grid
from skillshore.tables.stage import RawTables
from skillshore.tables.validate import validate_frame

TABLES = {t: f"{t}.csv" for t in ("workers", "catalog", "firms", "customs", "world_trade")}


def _cfg(**structural):
    return StudyConfig.from_dict({"tables": TABLES, "structural": structural}, root=".")


def test_optional_table_in_the_config_and_validated():
    cfg = StudyConfig.from_dict({"tables": {**TABLES, "nonemployed": "ne.csv"}}, root="/d")
    assert str(cfg.tables["nonemployed"]) == "/d/ne.csv"
    assert "nonemployed" not in _cfg().tables  # optional: absent unless given
    raw = pl.DataFrame(
        {"person_id": [1, 2], "year": [2006, 2006], "educ_code": ["a", "b"],
         "train_code": [None, None], "educ_years": [12.0, 16.0]}
    )  # fmt: skip
    df, problems = validate_frame(raw, "nonemployed", "ne.csv", years=(1996, 2006))
    assert problems == [] and df.height == 2
    _, problems = validate_frame(raw.with_columns(educ_years=pl.lit(-1.0)), "nonemployed")
    assert problems and "educ_years" in problems[0]


def test_nonemployed_fall_in_the_employed_cells_by_their_cut_points():
    rng = np.random.default_rng(0)
    measured = np.sort(rng.random(1200))  # employed skills; cells by rank as the stage does
    rank = np.arange(1, measured.size + 1)
    cell = (rank - 1) * N_CELLS // measured.size
    codes = pl.DataFrame(
        {"code": ["lo", "mid", "hi", "none"], "cognitive": [0.0, 0.5, 0.999, None],
         "manual": [0.0, 0.0, 0.0, None], "interpersonal": [0.0, 0.0, 0.0, None]}
    )  # fmt: skip
    ne = pl.DataFrame(
        {"person_id": [1, 2, 3, 4, 5], "year": [2006, 2006, 2006, 2006, 1996],
         "educ_code": ["lo", "mid", "hi", "none", "hi"]}
    )  # fmt: skip
    raw = RawTables(frames={"nonemployed": ne}, description=None)
    skills = SkillsResult(None, codes, pl.DataFrame())
    cfg = _cfg(skill="cognitive_invariant", x_support=[-1.0, 3.0])
    out = nonemployed_types(raw, skills, 2006, cfg, measured, cell)
    # 1996's person is left out; the code without a vector too
    assert len(out) == 3
    want_cells = [0, int(np.searchsorted(measured, 0.5) * N_CELLS // measured.size), 11]
    np.testing.assert_array_equal(out["x"].to_numpy(), type_grid(np.array(want_cells), cfg))
    # exactly the employed's type values (the estimator looks types up by value)
    assert set(out["x"]).issubset(set(type_grid(cell, cfg)))
    assert nonemployed_types(RawTables({}, None), skills, 2006, cfg, measured, cell) is None


@pytest.mark.parametrize("support", [(0.0, 1.0), (-1.13, 3.39)])
def test_type_grid_is_the_cells_mid_ranks_on_the_support(support):
    cfg = _cfg(x_support=list(support))
    g = type_grid(np.arange(N_CELLS), cfg)
    lo, hi = support
    np.testing.assert_allclose(g, lo + (hi - lo) * (np.arange(N_CELLS) + 0.5) / N_CELLS)
