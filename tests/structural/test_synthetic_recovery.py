"""Recovery on the synthetic economy (issue 8 acceptance): the market-segmented estimator
on the tables ``skillshore synth`` writes, against the planted parameters of truth.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from skillshore.structural import (
    MarketSample,
    estimate,
    estimate_markets,
    residualise_wages,
    seed_calibration,
    synthetic_calibration,
    synthetic_market_sample,
    synthetic_truth,
)
from skillshore.structural.synthetic import (
    WAGE_CONTROLS,
    WAGE_REFERENCE,
    synthetic_base_measure,
    synthetic_workers,
)
from skillshore.synth.compare import population_sample
from skillshore.synth.truth import market_equilibria

LEVELS = ("Phi", "lambda", "C", "C_star", "c_F", "nu_x", "nu_y", "nu_x_star", "nu_y_star")


def _population_sample(out, year: int) -> MarketSample:
    """Every (cell, firm) of every market with its population mass M pi and model wage;
    each firm's population offshored mass; the generator's shock as the shifter."""
    return population_sample(out, year)


@pytest.mark.parametrize(
    ("economy", "measure"),
    [("synthetic_tiny", "capacity"), ("synthetic_tiny_equal", "uniform")],
)
@pytest.mark.parametrize("year", [1996, 2006])
def test_population_masses_give_back_the_planted_parameters(request, economy, measure, year):
    # the generator solves each market with fixed margins (matching.solve); the estimator
    # profiles firms' margins and solves all markets at once: at the population masses it
    # must return truth.json's parameters, with the base measure of the economy's firm
    # volumes (capacity shares by default, equal volumes: "uniform"); tolerance 1e-6 for
    # moment gaps below gtol = 1e-10 (measured errors about 1e-8)
    out = request.getfixturevalue(economy)
    assert synthetic_base_measure(out) == measure
    s = _population_sample(out, year)
    tv = synthetic_truth(out, year)
    cal = synthetic_calibration(out, year)
    e = estimate_markets(s, cal, foreign_normalisation=tv["nu_gap"], base_measure=measure)
    got = e.params_frame()["estimate"]
    for k in LEVELS:
        assert got[k] == pytest.approx(tv[k], rel=1e-6, abs=1e-6), k
    if year == 2006:
        # shifter z = (c_F - c_F,k) / lambda, so the slope is 1
        assert got["beta[z]"] == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("year", [1996, 2006])
def test_type_effects_give_phi_at_the_tilted_population(synthetic_tiny, year):
    # the generator tilts firms' skill mix away from the equilibrium (planted effect,
    # confounder, Fact 2's firm tilt) and pays the untilted equilibrium's wages: with
    # worker-type effects per market the wage slope is lambda_x B / B_hat, so Phi =
    # lambda B is exact whatever B_hat (docs/estimation.md, "The acceptance as written");
    # with firm effects alone the unemployed profile moves lambda_x and Phi misses
    s = population_sample(synthetic_tiny, year, masses="drawn-from", shares_from_f0=True)
    tv = synthetic_truth(synthetic_tiny, year)
    kw = dict(
        foreign_normalisation=tv["nu_gap"], base_measure=synthetic_base_measure(synthetic_tiny)
    )
    cal = synthetic_calibration(synthetic_tiny, year)
    typed = estimate_markets(s, cal, wage_effects="firm_type", **kw)
    firm = estimate_markets(s, cal, wage_effects="firm", **kw)
    assert typed.params["Phi"] == pytest.approx(tv["Phi"], rel=1e-6)
    assert abs(firm.params["Phi"] / tv["Phi"] - 1) > 1e-3
    # the tilts are real: B itself is off the truth
    assert abs(typed.params["lambda"] / tv["lambda"] - 1) > 1e-3


def test_capacity_volumes_need_the_capacity_base_measure(synthetic_tiny):
    # the other base measure on the capacity economy misses the truth (the test above
    # can fail): equal volumes make firm size move the potentials (tiny 1996: lambda off
    # by 1.5 of 108.8, c_F by 3.0), errors over 1000 times the recovery tolerance 1e-6
    s = _population_sample(synthetic_tiny, 1996)
    tv = synthetic_truth(synthetic_tiny, 1996)
    cal = synthetic_calibration(synthetic_tiny, 1996)
    e = estimate_markets(s, cal, foreign_normalisation=tv["nu_gap"], base_measure="uniform")
    err = max(abs(e.params[k] - tv[k]) / max(1.0, abs(tv[k])) for k in LEVELS)
    assert err > 1e-3


def test_wages_net_of_worker_characteristics_recover_the_wage_equation(synthetic_tiny):
    w = synthetic_workers(synthetic_tiny, 2006)
    res = residualise_wages(
        w["hourly_wage"].to_numpy(),
        w[list(WAGE_CONTROLS)].to_numpy(),
        w["firm_id"].to_numpy() * 13 + w["cell"].to_numpy(),
        reference=np.array(WAGE_REFERENCE),
        names=list(WAGE_CONTROLS),
    )
    coef = json.loads((Path(synthetic_tiny) / "truth.json").read_text())["dgp"]["wage_coefficients"]
    want = [
        coef["educ_years"],
        coef["experience"],
        coef["experience2"],
        coef["cognitive"],
        coef["manual"],
        coef["interpersonal"],
    ]
    z = (res.coef - np.array(want)) / res.se
    assert np.all(np.abs(z) < 4), dict(zip(WAGE_CONTROLS, z, strict=True))
    assert res.sigma == pytest.approx(0.15, rel=0.1)  # the generator's log-wage noise
    # and the net wage is the model's wage: its mean per (firm, cell) against the truth
    mks = market_equilibria(synthetic_tiny, 2006)
    model = {}
    for mk in mks:
        W = mk["equilibrium"].wages()
        for j, f in enumerate(mk["firm_id"]):
            for c in range(W.shape[0]):
                model[(int(f), c)] = W[c, j]
    mw = np.array([model[(int(f), int(c))] for f, c in zip(w["firm_id"], w["cell"], strict=True)])
    assert np.mean(res.wage) / np.mean(mw) == pytest.approx(1.0, abs=0.02)
    slope = np.polyfit(mw, res.wage, 1)[0]
    assert slope == pytest.approx(1.0, abs=0.15)


def test_shifter_from_raw_tables_tracks_the_planted_shock(synthetic_tiny):
    s = synthetic_market_sample(synthetic_tiny, 2006, wages=False)
    t = json.loads((Path(synthetic_tiny) / "truth.json").read_text())
    tv = synthetic_truth(synthetic_tiny, 2006)
    cf = {
        r["industry"]: r["c_F"] for r in t["markets"] if r["year"] == 2006 and r["group"] == "high"
    }
    ztrue = np.array([(tv["c_F"] - cf[m]) / tv["lambda"] for m in s.market_labels])
    z = s.shifters[:, 0]
    assert np.corrcoef(z, ztrue)[0, 1] > 0.99
    assert np.polyfit(z, ztrue, 1)[0] == pytest.approx(1.0, abs=0.1)


def test_firm_resampling_keeps_the_identifying_assumption(synthetic_tiny):
    s = synthetic_market_sample(synthetic_tiny, 2006, wages=False)
    r = s.resample(np.random.default_rng(3))
    # every market keeps its number of firms (the base measure dy = 1/n_k)
    np.testing.assert_array_equal(
        np.bincount(r.firm_market, minlength=s.n_markets),
        np.bincount(s.firm_market, minlength=s.n_markets),
    )
    # each drawn firm brings its workers and offshored workers: offshored / domestic
    # workers (= purchases abroad / value added x employment / domestic) is the original's
    dom_s = np.bincount(s.firm, weights=s.weights, minlength=s.n_firms)
    dom_r = np.bincount(r.firm, weights=r.weights, minlength=r.n_firms)
    key_s = {tuple(np.r_[s.firm_y[i], s.firm_market[i]]): i for i in range(s.n_firms)}
    for i in range(r.n_firms):
        j = key_s[tuple(np.r_[r.firm_y[i], r.firm_market[i]])]
        assert dom_r[i] == dom_s[j]
        assert r.firm_offshored[i] == s.firm_offshored[j]


def test_bootstrap_identical_on_one_and_two_workers(synthetic_tiny):
    s = synthetic_market_sample(synthetic_tiny, 2006)
    cal = synthetic_calibration(synthetic_tiny, 2006)
    kw = dict(
        foreign_normalisation=0.5,
        base_measure=synthetic_base_measure(synthetic_tiny),
        bootstrap=6,
        seed=7,
        max_fail_share=0.5,
    )
    one = estimate_markets(s, cal, n_workers=1, **kw)
    two = estimate_markets(s, cal, n_workers=2, **kw)
    np.testing.assert_array_equal(one.bootstrap.draws, two.bootstrap.draws)
    assert two.bootstrap.n_workers == 2


def test_pooled_bootstrap_reimputes_offshored_matches(synthetic_tiny):
    # issue 8 (a): with foreign="calibration" the replicates used to resample imputed
    # offshored records apart from the domestic ones, and failed ("offshored matches exceed
    # |fbar*|") on types absent from a replicate; now every replicate is estimated
    w = synthetic_workers(synthetic_tiny, 2006)
    fy = synthetic_market_sample(synthetic_tiny, 2006, shifter=False, wages=False)
    df = w.assign(y=fy.firm_y[fy.firm, 0])  # records in the same order
    e = estimate(
        df,
        x_cols=["cognitive"],
        y_cols=["y"],
        wage=df["hourly_wage"].to_numpy(),
        foreign="calibration",
        calibration=seed_calibration().year(2006),
        bootstrap=8,
        n_workers=1,
        seed=0,
    )
    assert e.bootstrap.failures == {}
    assert np.all(np.isfinite(e.bootstrap.draws))


@pytest.mark.slow
def test_bootstrap_intervals_cover_the_truth_over_demo_economies(tmp_path, dask_scheduler):
    # acceptance: the 95% intervals of the demo economy (seed 1) cover truth.json's Phi,
    # lambda, C, C*, c_F, the nu's and the shock's slope; and over further generator seeds
    # (new industries, firms, workers and shocks each) coverage stays near nominal, the
    # estimates are centred on the truth and the bootstrap sd matches their spread
    from skillshore.synth import SynthSettings, generate

    checked = (*LEVELS, "beta[z]")
    rows, sds, covers = [], [], []
    for seed in (1, 2, 3):
        out = tmp_path / f"demo{seed}"
        # the model's own draws: the planted effect of offshoring on firms' skill mix adds
        # sorting the model does not have (docs/estimation.md, "The pipeline")
        generate(out, scale="demo", seed=seed, settings=SynthSettings.model_only())
        s = synthetic_market_sample(out, 2006)
        tv = synthetic_truth(out, 2006)
        e = estimate_markets(
            s,
            synthetic_calibration(out, 2006),
            foreign_normalisation=tv["nu_gap"],
            base_measure=synthetic_base_measure(out),
            bootstrap=39,
            seed=seed,
            scheduler=dask_scheduler,
        )
        assert len(e.bootstrap.failures) <= 2
        pf = e.params_frame()
        cover = {k: pf.loc[k, "lower"] <= tv[k] <= pf.loc[k, "upper"] for k in checked}
        if seed == 1:
            assert all(cover.values()), cover
        covers.append(list(cover.values()))
        rows.append([pf.loc[k, "estimate"] - tv[k] for k in checked])
        sds.append([pf.loc[k, "std_error"] for k in checked])
    covers, err, sds = np.array(covers), np.array(rows), np.array(sds)
    # 30 intervals (10 parameters x 3 seeds) at nominal 95%, strongly correlated within a
    # seed (lambda and the four nu's scale together: one miss of lambda is five misses, so a
    # pooled count fails about 1 - 0.95^3 = 14% of the time): each parameter covers in at
    # least 2 of the 3 seeds (P(Binomial(3, 0.05) >= 2) = 0.007 a parameter)
    per = covers.mean(axis=0)
    assert np.all(per >= 2 / 3), str(dict(zip(checked, per, strict=True)))
    # standardised errors z = (estimate - truth) / bootstrap sd: none beyond 3.5
    # (P(|N(0, 1)| > 3.5) = 4.7e-4 a draw, 1.4% over 30 draws): the bootstrap sd is not
    # too small for any parameter; and their root mean square within the 99% range of
    # sqrt(chi2_k / k) for k between 3 (all parameters of a seed move together) and 30
    # (independent): (0.15, 2.1), so the sd is not several times too large either
    z = err / sds
    # centred: mean error within 3 bootstrap standard errors of the mean
    assert np.all(np.abs(err.mean(axis=0)) < 3 * sds.mean(axis=0) / np.sqrt(len(err)))
    assert np.all(np.abs(z) < 3.5), dict(zip(checked, np.abs(z).max(axis=0), strict=True))
    rms = float(np.sqrt((z**2).mean()))
    assert 0.15 < rms < 2.1, rms


def test_market_sample_checks_its_input():
    import pandas as pd

    from skillshore.errors import DataValidationError, ModelInputError
    from skillshore.structural import market_sample_from_frames

    workers = pd.DataFrame({"firm_id": [1, 1, 2, 3], "x": [0.1, 0.9, 0.5, 0.5]})
    firms = pd.DataFrame(
        {"firm_id": [1, 2, 3], "market": ["a", "a", "b"], "y": [0.2, 0.8, 0.5], "off": 0.1}
    )
    with pytest.raises(DataValidationError, match="not in the firm frame"):
        market_sample_from_frames(workers.assign(firm_id=[1, 1, 2, 9]), firms, ["x"], ["y"])
    with pytest.raises(DataValidationError, match="one row per firm"):
        market_sample_from_frames(workers, pd.concat([firms, firms]), ["x"], ["y"])
    markets = pd.DataFrame({"market": ["a", "b"], "z": [1.0, 1.0]})
    s = market_sample_from_frames(
        workers, firms, ["x"], ["y"], offshored_col="off", markets=markets, shifter_cols=["z"]
    )
    assert s.n_markets == 2 and s.n_firms == 3 and s.market_labels == ("a", "b")
    cal = seed_calibration().year(2006)
    with pytest.raises(ModelInputError, match="do not vary across markets"):
        estimate_markets(s, cal)


def test_validation_set_pairs_measured_and_true_types(synthetic_tiny):
    """The validation set pairs each drawn person's measured type with the generator's
    education cell: measuring with the true cells themselves gives x == x_true."""
    import polars as pl

    from skillshore.structural.synthetic import synthetic_validation, type_supports

    d = synthetic_tiny
    sup = type_supports(d, 2006)
    lo, width = sup["x_lo"], sup["x_hi"] - sup["x_lo"]
    cat = pl.read_parquet(d / "truth" / "catalog_truth.parquet").filter(
        pl.col("kind") == "education"
    )
    w = (
        pl.read_parquet(d / "workers.parquet")
        .filter(pl.col("year") == 2006)
        .join(cat.select(pl.col("code").alias("educ_code"), "cell"), on="educ_code")
        .select("person_id", x=lo + width * (pl.col("cell") + 0.5) / 12)
        .to_pandas()
    )
    v = synthetic_validation(d, 2006, w, n=300)
    assert len(v) == 300 and v["person_id"].is_unique
    np.testing.assert_array_equal(v["x"], v["x_true"])
    shifted = w.assign(x=np.minimum(w["x"] + width / 12, lo + width * 11.5 / 12))
    v2 = synthetic_validation(d, 2006, shifted, n=300)
    assert (v2["x"] != v2["x_true"]).mean() > 0.5


def test_true_types_sit_on_the_generators_type_supports(synthetic_tiny):
    """The generator builds its markets on the preset's supports (truth.json x_lo..y_hi):
    the true-type sample must place cells and firm percentiles there too, else Phi comes
    out on the [0, 1] scale (a factor (x_hi - x_lo)(y_hi - y_lo) off, about 0.55)."""
    import polars as pl

    from skillshore.structural.synthetic import type_supports

    sup = type_supports(synthetic_tiny, 2006)
    assert sup["x_hi"] - sup["x_lo"] != pytest.approx(1.0)  # the preset is not on [0, 1]
    s = synthetic_market_sample(synthetic_tiny, 2006, shifter=False, wages=False)
    grid = sup["x_lo"] + (sup["x_hi"] - sup["x_lo"]) * (np.arange(12) + 0.5) / 12
    assert np.all(np.isin(np.round(np.unique(s.x), 12), np.round(grid, 12)))
    fy = pl.read_parquet(Path(synthetic_tiny) / "truth" / "firm_years.parquet")
    p = fy.filter(pl.col("year") == 2006)["y"].to_numpy()
    want = np.sort(sup["y_lo"] + (sup["y_hi"] - sup["y_lo"]) * p)
    np.testing.assert_allclose(np.sort(np.ravel(s.firm_y)), want, rtol=1e-12)


def test_the_unemployed_of_the_economy_give_the_estimator_its_f0(synthetic_tiny):
    """``nonemployed.parquet`` reaches the true-type sample as ``nonemployed_x`` on the
    workers' grid, one row per non-employed high-offshorable person of the year."""
    import polars as pl

    from skillshore.structural.synthetic import synthetic_market_sample

    year = 2006
    s = synthetic_market_sample(synthetic_tiny, year)
    n = pl.read_parquet(synthetic_tiny / "nonemployed.parquet").filter(pl.col("year") == year)
    assert s.nonemployed_x is not None and s.nonemployed_x.shape == (n.height, 1)
    assert set(np.unique(s.nonemployed_x)) <= set(np.unique(s.x[:, 0]))


def test_calibrated_foreign_normalisation_sets_c_star(synthetic_tiny):
    """The generator writes its planted nu_y* - nu_x* (on the estimator's base measure) as
    the calibration's ``nu_star_gap``; the estimator takes it by default, and a gap d moves
    C* by exactly -lambda_y d (c_F by +lambda_y d) and nothing identified."""
    year = 2006
    cal = synthetic_calibration(synthetic_tiny, year)
    tv = synthetic_truth(synthetic_tiny, year)
    assert cal.nu_star_gap == pytest.approx(tv["nu_gap"], abs=1e-8)
    s = synthetic_market_sample(synthetic_tiny, year)
    kw = dict(base_measure=synthetic_base_measure(synthetic_tiny), year=year)
    dflt = estimate_markets(s, cal, **kw)
    sym = estimate_markets(s, cal, foreign_normalisation="symmetric", **kw)
    assert dflt.info["foreign_normalisation"] == pytest.approx(tv["nu_gap"])
    p, q = dflt.params, sym.params
    shift = p["lambda_y"] * tv["nu_gap"]
    assert p["C_star"] - q["C_star"] == pytest.approx(-shift, rel=1e-9, abs=1e-9)
    assert p["c_F"] - q["c_F"] == pytest.approx(shift, rel=1e-9, abs=1e-9)
    assert p["nu_y_star"] - p["nu_x_star"] == pytest.approx(tv["nu_gap"])
    for k in ("Phi", "lambda", "C", "nu_x", "nu_y", "nu_x_star"):
        assert p[k] == pytest.approx(q[k], rel=1e-12)
