"""The synthetic economy: valid, deterministic, and structurally real."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from skillshore.cli import app
from skillshore.config import load_config
from skillshore.offshoring.measures import narrow_offshoring
from skillshore.synth import generate
from skillshore.tables import load_default, load_tables

NAMES = ("workers", "catalog", "firms", "customs", "world_trade")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("syn") / "a"
    res = CliRunner().invoke(app, ["synth", "--scale", "tiny", "--seed", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_tables_valid_and_complete(tiny):
    cfg = load_config(tiny / "study.toml")
    frames = load_tables(cfg.tables, years=cfg.all_years)
    assert all(frames[n].height > 0 for n in NAMES)
    truth = json.loads((tiny / "truth.json").read_text())
    assert set(truth) >= {
        "parameters_by_year",
        "markets",
        "effect_cognitive_x100_per_offshoring",
        "dgp",
    }
    assert (tiny / "truth" / "catalog_truth.parquet").exists()
    w = frames["workers"]
    # continuing workers and new matches are both present
    moves = w.sort(["person_id", "year"]).with_columns(
        same=(pl.col("firm_id") == pl.col("firm_id").shift(1).over("person_id"))
    )
    assert moves["same"].sum() > 0.3 * w.height
    assert frames["firms"]["region"].is_in(["Copenhagen", "Copenhagen environs"]).any()


def test_deterministic_by_seed(tiny, tmp_path):
    generate(tmp_path / "b", scale="tiny", seed=1)
    generate(tmp_path / "c", scale="tiny", seed=2)
    for n in NAMES:
        a = (tiny / f"{n}.parquet").read_bytes()
        assert a == (tmp_path / "b" / f"{n}.parquet").read_bytes(), n
    assert (tiny / "workers.parquet").read_bytes() != (
        tmp_path / "c" / "workers.parquet"
    ).read_bytes()


def test_customs_offshoring_tracks_model_offshoring_rate(tiny):
    """Imports from China in own export products / value added follow the model's |f*|/|f|."""
    cfg = load_config(tiny / "study.toml")
    f = load_tables(cfg.tables, years=cfg.all_years)
    off = narrow_offshoring(
        f["customs"],
        f["firms"],
        countries="CHN",
        low_wage=load_default("low_wage"),
        normalise="none",
    )
    col = [c for c in off.columns if c not in ("firm_id", "year")][0]
    ind = (
        off.join(
            f["firms"].select("firm_id", "year", "industry", "value_added"), on=["firm_id", "year"]
        )
        .group_by(["industry", "year"])
        .agg((pl.col(col).sum() / pl.col("value_added").sum()).alias("ratio"))
    )
    truth = json.loads((tiny / "truth.json").read_text())
    model = pl.DataFrame([m for m in truth["markets"] if m["group"] == "high"]).select(
        "industry", "year", "offshoring_rate"
    )
    j = ind.join(model.with_columns(pl.col("year").cast(pl.Int32)), on=["industry", "year"])
    assert j.height > 100
    r = np.corrcoef(np.log(j["ratio"]), np.log(j["offshoring_rate"]))[0, 1]
    assert r > 0.8, r
