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
from skillshore.synth.params import N_CELLS
from skillshore.tables import load_tables

NAMES = ("workers", "catalog", "firms", "customs", "world_trade")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("syn") / "a"
    res = CliRunner().invoke(app, ["synth", "--scale", "tiny", "--seed", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    cfg = load_config(out / "study.toml")
    frames = load_tables(cfg.tables, years=cfg.all_years)
    truth = json.loads((out / "truth.json").read_text())
    t = {
        n: pl.read_parquet(out / "truth" / f"{n}.parquet")
        for n in ("catalog_truth", "firm_years", "matches")
    }
    return out, cfg, frames, truth, t


def test_tables_valid_and_complete(tiny):
    out, cfg, f, truth, t = tiny
    assert cfg.study.years == (1996, 2006) and cfg.study.base_years == (1993, 1995)
    assert all(f[n].height > 0 for n in NAMES)
    assert set(truth) >= {
        "parameters_by_year",
        "markets",
        "effect_cognitive_x100_per_offshoring",
        "dgp",
    }
    assert f["workers"]["year"].min() == 1996 and f["workers"]["year"].max() == 2006
    for n in ("firms", "customs"):
        assert f[n]["year"].min() == 1993, n
    # continuing workers and new matches both present; moves between firms exist
    w = f["workers"].sort(["person_id", "year"])
    prev = w.with_columns(
        pf=pl.col("firm_id").shift(1).over("person_id"),
        py=pl.col("year").shift(1).over("person_id"),
    ).filter(pl.col("py") == pl.col("year") - 1)
    stay = (prev["pf"] == prev["firm_id"]).mean()
    assert 0.4 < stay < 0.98
    assert (prev["pf"] != prev["firm_id"]).sum() > 0
    assert w["train_code"].null_count() < w.height
    assert f["firms"]["region"].is_in(["Copenhagen", "Copenhagen environs"]).any()
    # raw-material imports exist and some are in exported products (the exclusion matters)
    c = f["customs"].with_columns(
        raw=pl.col("hs6").str.slice(0, 2).cast(pl.Int32).is_in([*range(1, 16), 25, 26, 27])
    )
    assert c.filter(pl.col("raw") & (pl.col("flow") == "import")).height > 0
    assert c.filter(pl.col("raw") & (pl.col("flow") == "export")).height > 0
    # every catalog code has a true O*NET occupation with skills
    ct = t["catalog_truth"]
    assert ct.height == f["catalog"].height and ct["onet_soc"].null_count() == 0
    assert ct["cognitive"].null_count() == 0
    # titles are not O*NET titles verbatim
    from skillshore.skills import occupation_skills

    onet_titles = set(occupation_skills()["title"].to_list())
    assert np.mean([x in onet_titles for x in f["catalog"]["title"]]) < 0.05


def test_deterministic_by_seed(tiny, tmp_path):
    out = tiny[0]
    generate(tmp_path / "b", scale="tiny", seed=1)
    generate(tmp_path / "c", scale="tiny", seed=2)
    for n in NAMES:
        assert (out / f"{n}.parquet").read_bytes() == (
            tmp_path / "b" / f"{n}.parquet"
        ).read_bytes(), n
    # truth.json: equal up to float summation order in polars' multi-threaded group sums
    a = json.loads((out / "truth.json").read_text())
    b = json.loads((tmp_path / "b" / "truth.json").read_text())
    _close(a, b)
    for n in ("workers", "firms", "customs"):
        assert (out / f"{n}.parquet").read_bytes() != (tmp_path / "c" / f"{n}.parquet").read_bytes()


def _close(a, b) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _close(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for u, v in zip(a, b, strict=True):
            _close(u, v)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    else:
        assert a == b


def _drawn(f, t) -> pl.DataFrame:
    """Worker counts by (year, firm, group, cell) from the workers table itself."""
    codes = t["catalog_truth"].select(pl.col("code").alias("educ_code"), "group", "cell")
    return (
        f["workers"]
        .join(codes, on="educ_code", how="left")
        .group_by(["year", "firm_id", "group", "cell"])
        .len()
    )


def test_workers_are_the_drawn_matches(tiny):
    """The workers table holds exactly the matches drawn from the equilibrium."""
    _, _, f, _, t = tiny
    d = _drawn(f, t)
    m = t["matches"].filter(pl.col("drawn") > 0).select("year", "firm_id", "group", "cell", "drawn")
    j = m.join(d, on=["year", "firm_id", "group", "cell"], how="full", coalesce=True)
    assert j.filter(pl.col("drawn").is_null() | pl.col("len").is_null()).height == 0
    assert (j["drawn"] == j["len"]).all()


def test_draws_reproduce_equilibrium_margins(tiny):
    """Drawn cell counts per (year, group, cell) match the model's expected masses M pi
    within sampling error (Poisson-like z scores)."""
    _, _, _, _, t = tiny
    agg = (
        t["matches"]
        .group_by(["year", "group", "cell"])
        .agg(pl.col("expected").sum(), pl.col("drawn").sum())
    )
    z = ((agg["drawn"] - agg["expected"]) / agg["expected"].sqrt()).to_numpy()
    assert agg.height == 11 * 2 * N_CELLS
    assert np.abs(z).max() < 5.0
    assert 0.3 < np.mean(z**2) < 3.0
    # firm sizes follow the model's expected domestic matches
    fs = (
        t["matches"]
        .group_by(["year", "firm_id"])
        .agg(pl.col("expected").sum(), pl.col("drawn").sum())
    )
    assert np.corrcoef(fs["expected"], fs["drawn"])[0, 1] > 0.95


def test_draws_reproduce_cross_moment(tiny):
    """E[x y] over drawn high-offshorable matches vs the matching module's cross moment."""
    _, _, _, truth, t = tiny
    m = (
        t["matches"]
        .filter(pl.col("group") == "high")
        .join(t["firm_years"].select("firm_id", "year", "y", "industry"), on=["firm_id", "year"])
        .with_columns(xy=((pl.col("cell") + 0.5) / N_CELLS) * pl.col("y"))
    )
    per = m.group_by(["year", "industry"]).agg(
        model=(pl.col("expected") * pl.col("xy")).sum() / pl.col("expected").sum(),
        drawn=(pl.col("drawn") * pl.col("xy")).sum() / pl.col("drawn").sum(),
        n=pl.col("drawn").sum(),
        sd=pl.col("xy").std(),
    )
    mk = pl.DataFrame([r for r in truth["markets"] if r["group"] == "high"]).select(
        pl.col("year").cast(pl.Int32), "industry", "cross_moment_xy"
    )
    j = per.join(mk, on=["year", "industry"])
    assert j.height == per.height
    # our aggregation of the expected masses is the matching module's cross moment
    np.testing.assert_allclose(j["model"], j["cross_moment_xy"], rtol=1e-8)
    # pooled drawn cross moment within sampling error of the model's
    w = j["n"].to_numpy()
    diff = float(np.sum(w * (j["drawn"] - j["model"]).to_numpy()) / w.sum())
    se = float(np.sqrt(np.sum(w * j["sd"].fill_null(0.2).to_numpy() ** 2)) / w.sum())
    assert abs(diff) < 5 * se


def test_customs_offshoring_tracks_model_offshoring(tiny):
    """Imports from China in own export products / value added follow offshored / domestic
    workers of the model (the seed's identifying assumption), by industry and year."""
    _, _, f, _, t = tiny
    off = narrow_offshoring(f["customs"], f["firms"], countries="CHN", normalise="none")
    ind = (
        off.join(
            f["firms"].select("firm_id", "year", "industry", "value_added"), on=["firm_id", "year"]
        )
        .filter(pl.col("year") >= 1996)
        .group_by(["industry", "year"])
        .agg((pl.col("imports_narrow").sum() / pl.col("value_added").sum()).alias("customs"))
    )
    model = (
        t["firm_years"]
        .group_by(["industry", "year"])
        .agg(
            (
                pl.col("offshored_expected").sum()
                / (pl.col("n_high_expected") + pl.col("n_low_expected")).sum()
            ).alias("model")
        )
    )
    j = ind.join(model, on=["industry", "year"])
    assert j.height > 100
    r = np.corrcoef(np.log(j["customs"]), np.log(j["model"]))[0, 1]
    assert r > 0.95, r
    ratio = (j["customs"] / j["model"]).median()
    assert 0.8 < ratio < 1.25, ratio


def test_truth_effect_is_real_and_heterogeneous(tiny):
    _, _, _, truth, _ = tiny
    e = truth["effects"]
    a = e["all"]
    head = truth["effect_cognitive_x100_per_offshoring"]
    assert head["all"] == a["population_2sls_shock"]
    assert a["average_derivative"] > 0
    # near-linear: the finite-shock slope agrees with the local derivative
    assert abs(a["shock_effect"] / a["average_derivative"] - 1) < 0.35
    assert abs(a["population_2sls_shock"] / a["average_derivative"] - 1) < 0.6
    # larger effect for low-productivity firms (seed: "more pronounced on low-type firms")
    assert (
        e["low_productivity"]["average_derivative"] > e["high_productivity"]["average_derivative"]
    )
    # offshoring rises over time and varies across industries within a year
    o = truth["offshoring_by_year"]
    assert o["2006"]["offshoring_rate_mean"] > 10 * o["1996"]["offshoring_rate_mean"]
    assert o["2006"]["offshoring_rate_max"] > 2 * o["2006"]["offshoring_rate_min"]


def test_calibration_hits_seed_targets():
    """The calibrated intensities reproduce the seed's unemployment and offshoring rates
    on the reference market (an independent solve)."""
    from skillshore.matching import solve
    from skillshore.synth import SynthSettings
    from skillshore.synth.params import calibrated_parameters, market_model

    p = calibrated_parameters(2006, SynthSettings())
    grid = (np.arange(N_CELLS) + 0.5) / N_CELLS
    y = (np.arange(30) + 0.5) / 30
    eq = solve(
        market_model(p, grid, y, np.full(30, (1 + p["offshoring_rate"]) / 30), None), tol=1e-11
    )
    assert eq.unemployment_rate == pytest.approx(0.0391, rel=1e-3)
    assert eq.offshoring_rate == pytest.approx(0.0155, rel=1e-3)


def test_short_study_span_generates_valid_tables(tmp_path):
    """A three-year study (2004-2006) used to crash drawing firm entry years."""
    from skillshore.config import load_config
    from skillshore.pipeline import validate_study
    from skillshore.synth import generate

    generate(tmp_path, scale="tiny", seed=2, years=(2004, 2006), base_years=(2001, 2003))
    frames = validate_study(load_config(tmp_path / "study.toml"))
    assert sorted(frames["workers"]["year"].unique().to_list()) == [2004, 2005, 2006]


def test_calibration_file_is_the_economys_own(tiny):
    """study.toml points [structural] calibration at calibration.csv, whose targets are the
    population values of the economy (rebuilt equilibria), not the seed's preset."""
    from skillshore.structural import load_calibration
    from skillshore.structural.config import calibration_from_config
    from skillshore.synth.truth import market_equilibria, population_targets

    out, cfg, f, truth, t = tiny
    assert cfg.structural.calibration == "calibration.csv"
    cal = calibration_from_config(cfg)
    assert cal.years == (1996, 2006)
    seed = load_calibration("seed")
    for year in (1996, 2006):
        c = cal.year(year)
        pop = population_targets(market_equilibria(out, year))
        assert c.unemployment_rate == pytest.approx(pop["unemployment_rate"], rel=1e-8)
        assert c.wage_bill_share == pytest.approx(pop["wage_bill_share"], rel=1e-8)
        assert c.mean_w_star == pytest.approx(pop["mean_w_star"], rel=1e-8)
        p = truth["parameters_by_year"][str(year)]
        assert (c.w0, c.w0_star, c.fbar_star) == (p["w0"], p["w0_star"], p["fbar_star"])
        # an economy of its own: its E(w*) is not the seed's statistic
        assert c.mean_w_star != pytest.approx(seed.year(year).mean_w_star, rel=0.05)
