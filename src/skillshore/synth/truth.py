"""The truth of the synthetic economy, computed from the DGP's own arrays.

Nothing here imports the estimator (``skillshore.offshoring``, ``skillshore.panel``, the IV
stage): the sample, the firm types, the exposure and the fixed-effects 2SLS are this
module's own implementations of the estimands (issue 13, "imports against the flow").

Seed: IV tables "Dependent Variable: Average Cognitive Skills x 100, High-offshorable",
overall, "By Firm Productivity" and "Continuing Workers". For every firm-year of the DGP's
baseline sample (firms active in every study year with at least 10 workers in each; seed
"Baseline Sample"), the generator records, without sampling noise or confounder,

* Y = 100 x E(cognitive | firm) over the firm's domestic high-offshorable matches: the
  equilibrium's mean of the cells' true cognitive index, plus the **planted effect**
  beta_j D (beta_j = ``beta_low`` / ``beta_high`` by the firm's recorded value added per
  worker in the first study year), plus the persistent firm tilt of Fact 2;
* D = expected narrow offshoring per worker (DKK 1,000) = expected value added per worker
  x offshored / domestic workers;

in three economies: with the shock (Y1, D1), without it (Y0, D0: c_F = (C - C*)_t in every
industry) and with the offshoring cost lowered by h = 1 (Yh, Dh). Estimands per subset
(all firms, low- and high-productivity firms):

* ``iv_true_exposure`` (the headline): 2SLS of Y1 - Y0 on D1 - D0 instrumented by the
  industry's *true* exposure I*_kt = sum_h w_hk WES_ht (the DGP's product weights, not
  customs shares), with firm and sector x year fixed effects: the causal effect with the
  weights of a shift-share design;
* ``iv_true_exposure_levels``: the same on the levels Y1, D1 (differs by the chance
  covariance of the exposure with the no-shock economy's industry trends);
* ``average_derivative`` = sum (Yh - Y1) / sum (Dh - D1) and ``shock_effect`` =
  sum (Y1 - Y0)(D1 - D0) / sum (D1 - D0)^2;
* ``continuing_workers``: ``iv_true_exposure`` with the outcome of continuing workers,
  approximated by last year's expected firm average (continuing workers at t are last
  year's workers who stay; separations do not depend on skill except through the cap of
  stayers at the cell's target, which this ignores). Smaller than the all-worker effect
  because last year's workers were hired at last year's (smaller) offshoring;
* ``model_channel``: ``iv_true_exposure`` of the equilibrium's own part of Y (without the
  planted beta D): the effect through the market's worker potentials alone (small);
* ``first_stage``: the FE coefficient of D1 on I*_kt.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from skillshore.errors import ConvergenceError, SkillshoreError

__all__ = [
    "demean_two_way",
    "fe_iv",
    "planted_effects",
    "market_summary",
    "between_firm_gap",
    "SUBSETS",
    "calibration_targets",
    "market_equilibria",
    "population_targets",
    "write_calibration",
]


def demean_two_way(
    v: np.ndarray, g1: np.ndarray, g2: np.ndarray, tol: float = 1e-13, max_iter: int = 10_000
) -> tuple[np.ndarray, int]:
    """Residual of ``v`` on two sets of fixed effects (alternating projections).

    Returns the residual and the number of sweeps; raises ConvergenceError when the
    largest change stays above ``tol`` x max|v|.
    """
    v = np.asarray(v, dtype=np.float64).copy()
    n1, n2 = np.bincount(g1), np.bincount(g2)
    scale = max(float(np.abs(v).max(initial=0.0)), 1e-300)
    for it in range(1, max_iter + 1):
        m1 = np.bincount(g1, v) / n1
        v -= m1[g1]
        m2 = np.bincount(g2, v) / n2
        v -= m2[g2]
        if max(np.abs(m1).max(initial=0), np.abs(m2).max(initial=0)) < tol * scale:
            return v, it
    raise ConvergenceError(f"two-way demeaning did not converge in {max_iter} sweeps")


def _codes(s: pl.Series) -> np.ndarray:
    return np.unique(s.cast(pl.Utf8).to_numpy(), return_inverse=True)[1].astype(np.int64)


def fe_iv(df: pl.DataFrame, y: str, d: str, z: str) -> dict[str, float]:
    """2SLS of ``y`` on ``d`` instrumented by ``z`` with firm and sector x year FE, plus
    the first-stage and reduced-form coefficients (just identified: beta = RF / FS)."""
    g1 = _codes(df["firm_id"])
    g2 = _codes(df["sector"] + "_" + df["year"].cast(pl.Utf8))
    yy, _ = demean_two_way(df[y].to_numpy(), g1, g2)
    dd, _ = demean_two_way(df[d].to_numpy(), g1, g2)
    zz, _ = demean_two_way(df[z].to_numpy(), g1, g2)
    fs = float(zz @ dd / (zz @ zz))
    rf = float(zz @ yy / (zz @ zz))
    return {"beta": rf / fs, "first_stage": fs, "reduced_form": rf, "n": df.height}


def _ratio(a: np.ndarray, b: np.ndarray) -> float:
    den = float(np.sum(b))
    return float(np.sum(a) / den) if den != 0 else float("nan")


SUBSETS = ("all", "low_productivity", "high_productivity")


def _baseline(panel: pl.DataFrame, years: tuple[int, int]) -> pl.DataFrame:
    """The DGP's baseline sample: firms active in every study year with at least 10
    workers in each (seed "Baseline Sample")."""
    n_years = int(years[1]) - int(years[0]) + 1
    keep = (
        panel.group_by("firm_id")
        .agg(pl.len().alias("n"), pl.col("employment").min().alias("emp"))
        .filter((pl.col("n") == n_years) & (pl.col("emp") >= 10))
        .select("firm_id")
    )
    return panel.join(keep, on="firm_id", how="semi").sort(["firm_id", "year"])


def planted_effects(panel: pl.DataFrame, years: tuple[int, int]) -> dict:
    """Estimands of the module docstring on the generator's firm-year panel.

    ``panel`` has ``firm_id, year, sector, low_type, employment, exposure, Y1, Y0, Yh,
    D1, D0, Dh`` (sorted by firm and year); returns ``{subset: {estimand: value}}`` and
    ``sample``.
    """
    base = _baseline(panel, years).with_columns(
        dY=pl.col("Y1") - pl.col("Y0"),
        dD=pl.col("D1") - pl.col("D0"),
        dY_model=pl.col("Y1_model") - pl.col("Y0_model"),
        sector=pl.col("sector").cast(pl.Utf8),
    )
    lag = pl.col("firm_id").shift(1) == pl.col("firm_id")
    base = base.with_columns(
        dYc=pl.when(lag).then(pl.col("dY").shift(1)).otherwise(None),
    )
    out: dict = {
        "sample": {
            "baseline_firms": int(base["firm_id"].n_unique()),
            "baseline_firm_years": int(base.height),
            "definition": "active in every study year, >= 10 workers in each",
        }
    }
    subsets = {
        "all": base,
        "low_productivity": base.filter(pl.col("low_type")),
        "high_productivity": base.filter(~pl.col("low_type")),
    }
    for name, d in subsets.items():
        if d.height < 10:
            continue
        iv = fe_iv(d, "dY", "dD", "exposure")
        lev = fe_iv(d, "Y1", "D1", "exposure")
        dc = d.filter(pl.col("dYc").is_not_null())
        cont = fe_iv(dc, "dYc", "dD", "exposure") if dc.height >= 10 else {"beta": float("nan")}
        dy0, dd0 = d["dY"].to_numpy(), d["dD"].to_numpy()
        out[name] = {
            "iv_true_exposure": iv["beta"],
            "iv_true_exposure_levels": lev["beta"],
            "model_channel": fe_iv(d, "dY_model", "dD", "exposure")["beta"],
            "continuing_workers": cont["beta"],
            "average_derivative": _ratio(
                (d["Yh"] - d["Y1"]).to_numpy(), (d["Dh"] - d["D1"]).to_numpy()
            ),
            "shock_effect": _ratio(dy0 * dd0, dd0 * dd0),
            "first_stage": lev["first_stage"],
            "reduced_form": lev["reduced_form"],
            "firm_years": d.height,
            "mean_Y": float(np.mean(d["Y1"].to_numpy())),
            "mean_D": float(np.mean(d["D1"].to_numpy())),
        }
    return out


def market_summary(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Mean, min and max of the high-offshorable markets' offshoring rates and their mean
    unemployment rate, by year (numpy reductions in a fixed order)."""
    out: dict[str, dict[str, float]] = {}
    for t in sorted({r["year"] for r in rows}):
        o = np.array(
            [r["offshoring_rate"] for r in rows if r["year"] == t and r["group"] == "high"]
        )
        u = np.array(
            [r["unemployment_rate"] for r in rows if r["year"] == t and r["group"] == "high"]
        )
        out[str(t)] = {
            "offshoring_rate_mean": float(np.mean(o)),
            "offshoring_rate_min": float(np.min(o)),
            "offshoring_rate_max": float(np.max(o)),
            "unemployment_rate_mean": float(np.mean(u)),
        }
    return out


def _wquantile(v: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(v, kind="stable")
    cw = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cw, q * cw[-1])])


def between_firm_gap(cf: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, float]]:
    """Population E(wage), the between-firm 90-10 gap of E(wage | firm) and of
    E(x | firm) (the seed's E(wage|y)_{10-90} and "segregation"), over the high-offshorable
    markets' firms weighted by their domestic matches, at baseline and at c_F = 0."""
    out: dict[str, dict[str, float]] = {}
    for v, d in cf.items():
        w = d["mass"]
        out[v] = {
            "mean_wage": float(np.sum(w * d["wage"]) / np.sum(w)),
            "between_firm_wage_gap_90_10": _wquantile(d["wage"], w, 0.9)
            - _wquantile(d["wage"], w, 0.1),
            "between_firm_skill_gap_90_10": _wquantile(d["skill"], w, 0.9)
            - _wquantile(d["skill"], w, 0.1),
        }
    return out


def market_equilibria(out_dir, year: int, group: str = "high", tol: float = 1e-10) -> list[dict]:
    """The population equilibria of one year's markets, rebuilt from ``truth.json``.

    For structural recovery checks (docs/estimation.md, "Recovery on the synthetic
    economy"): the generator does not write its firms' capacities, so the firm
    population is redrawn from the recorded seed, scale and settings (the generator's
    own random streams), and every market of ``group`` is solved again with the
    recorded parameters and offshoring costs. Each rebuilt market is checked against
    ``truth.json`` (offshoring and unemployment rates, cross moment); a mismatch raises.

    Returns one dict per market: ``industry``, ``market_size`` (workers), ``firm_id``
    (aligned with the model's firm types) and ``equilibrium``.
    """
    import json
    from pathlib import Path

    from skillshore.matching import solve
    from skillshore.synth.firms import draw_firms
    from skillshore.synth.params import N_CELLS, SCALES, market_model
    from skillshore.synth.trade import build_trade

    truth = json.loads((Path(out_dir) / "truth.json").read_text())
    cfg = SCALES[truth["scale"]]
    y0, y1 = truth["years"]
    all_years = list(range(truth["base_years"][0], y1 + 1))
    streams = np.random.SeedSequence(int(truth["seed"])).spawn(9)  # generator's order
    trade = build_trade(
        np.random.default_rng(streams[0]), int(cfg["industries_per_sector"]), all_years
    )
    firms = draw_firms(
        np.random.default_rng(streams[1]),
        trade.industry_sector,
        int(cfg["firms_per_industry"]),
        float(cfg["size"]),
        (y0, y1),
        all_years[0],
    )
    p = truth["parameters_by_year"][str(year)]
    share = float(truth["dgp"]["lambda_x_share"])
    volume = str(truth["dgp"].get("firm_volume", "equal"))
    act = np.flatnonzero(firms.active(year))
    la = firms.log_a[act]
    y = (np.argsort(np.argsort(la, kind="stable"), kind="stable") + 0.5) / len(la)
    cap = firms.capacity[act] * (
        firms.high_share[act] if group == "high" else 1 - firms.high_share[act]
    )
    grid = (np.arange(N_CELLS) + 0.5) / N_CELLS
    rows = {r["industry"]: r for r in truth["markets"] if r["year"] == year and r["group"] == group}
    out = []
    for k in np.unique(firms.industry[act]):
        sel = np.flatnonzero(firms.industry[act] == k)
        name = trade.industries[k]
        row = rows[name]
        foreign = group == "high"
        markup = row.get("firm_mass_markup", p["offshoring_rate"] if foreign else 0.0)
        gbar = cap[sel] / cap[sel].sum() * (1 + markup)
        c_F = row["c_F"] if foreign else None
        eq = solve(market_model(p, grid, y[sel], gbar, c_F, share, foreign, volume), tol=tol)
        got = (eq.offshoring_rate if foreign else 0.0, eq.unemployment_rate)
        want = (row["offshoring_rate"], row["unemployment_rate"])
        if not np.allclose(got, want, rtol=1e-6, atol=1e-12) or not np.isclose(
            eq.cross_moment()[0, 0], row["cross_moment_xy"], rtol=1e-6
        ):
            raise SkillshoreError(
                f"truth.json market {year}/{name}/{group} could not be rebuilt "
                f"(rates {got} vs recorded {want}): the generator changed?"
            )
        out.append(
            {
                "industry": name,
                "market_size": float(row["market_size"]),
                "firm_id": firms.firm_id[act][sel],
                "equilibrium": eq,
            }
        )
    return out


def population_targets(markets: list[dict]) -> dict[str, float]:
    """The economy's calibration targets over rebuilt markets (weights: market sizes).

    ``unemployment_rate`` |f0|/|fbar|, ``offshoring_rate_realised`` |f*|/|f|,
    ``wage_bill_share`` (wage bill over surplus of domestic matches) and ``mean_w_star``
    (mean wage of offshored matches): the population values a calibration of this
    economy would use.
    """
    num = dict.fromkeys(("u", "f", "fs", "wb", "q", "ws"), 0.0)
    tot = 0.0
    for mk in markets:
        eq, M = mk["equilibrium"], mk["market_size"]
        pi = eq.pi
        tot += M * eq.model.fbar.sum()
        num["u"] += M * eq.unmatched_domestic
        num["f"] += M * eq.matched_domestic
        num["wb"] += M * float((pi * eq.wages()).sum())
        num["q"] += M * float((pi * eq.model.q()).sum())
        if eq.model.has_foreign:
            ps = eq.pi_star
            num["fs"] += M * eq.matched_foreign
            num["ws"] += M * float(np.where(ps > 0, ps * eq.wages_star(), 0.0).sum())
    return {
        "unemployment_rate": num["u"] / tot,
        "offshoring_rate_realised": num["fs"] / num["f"],
        "wage_bill_share": num["wb"] / num["q"],
        "mean_w_star": num["ws"] / num["fs"] if num["fs"] > 0 else float("nan"),
    }


_CALIBRATION_SOURCES = {
    "r0": ("r_0", "outside option of firms (truth.json)"),
    "w0": ("w_0", "outside option of domestic workers (truth.json)"),
    "w0_star": ("w_0^*", "outside option of foreign workers (truth.json)"),
    "mean_w_star": ("E(w^*)", "mean wage of offshored matches, population equilibria"),
    "wage_bill_share": ("W/Y", "wage bill over surplus of domestic matches, population equilibria"),
    "unemployment_rate": ("|f_0|/|fbar|", "unemployment rate, population equilibria"),
    "fbar_star": ("|fbar^*|", "foreign pool relative to the domestic workforce (truth.json)"),
    "offshoring_rate": ("|f^*|/|f|", "offshoring rate of the |gbar| normalisation (truth.json)"),
    "fbar": ("|fbar|", "total mass of domestic workers, normalisation"),
    "nu_star_gap": (
        "nu_y^* - nu_x^*",
        "planted foreign normalisation on the estimator's base measure (truth.json)",
    ),
}


def calibration_targets(out_dir, year: int) -> dict[str, float]:
    """The calibration a study of this synthetic economy would use for ``year``.

    The seed takes its targets from outside statistics (slide "Calibrated Parameters");
    the synthetic economy's outside statistics are its own population values: the
    unemployment rate, W/Y and E(w*) of the rebuilt population equilibria
    (:func:`market_equilibria`, :func:`population_targets`), and the outside options,
    |fbar*| and the offshoring rate of the |gbar| normalisation recorded in ``truth.json``.
    Keys are :data:`skillshore.structural.CALIBRATION_KEYS` and ``nu_star_gap`` (optional key).
    """
    import json
    from pathlib import Path

    p = json.loads((Path(out_dir) / "truth.json").read_text())["parameters_by_year"][str(year)]
    pop = population_targets(market_equilibria(out_dir, int(year)))
    return {
        "r0": float(p["r0"]),
        "w0": float(p["w0"]),
        "w0_star": float(p["w0_star"]),
        "mean_w_star": float(pop["mean_w_star"]),
        "wage_bill_share": float(pop["wage_bill_share"]),
        "unemployment_rate": float(pop["unemployment_rate"]),
        "fbar_star": float(p["fbar_star"]),
        "offshoring_rate": float(p["offshoring_rate"]),
        "fbar": 1.0,
        # not identified from data (seed, "Identification"): the planted gap, its nu's
        # on the estimator's base measure (cell volumes x_vol/n, firm volumes y_vol x
        # share: nu_y* + log x_vol, nu_x* + log y_vol; structural.synthetic_truth)
        "nu_star_gap": float(p["nu_y_star"] - p["nu_x_star"])
        + float(np.log(p.get("x_vol", 1.0)) - np.log(p.get("y_vol", 1.0))),
    }


def write_calibration(out_dir, years, name: str = "calibration.csv"):
    """Write :func:`calibration_targets` of ``years`` as a calibration CSV (the format of
    ``[structural] calibration``: ``parameter, symbol, year, value, source``).

    Values are rounded to 10 significant digits, so that the file is the same for the
    same seed (the equilibria's float sums vary in the last bits with thread order).
    """
    import csv
    import io
    from pathlib import Path

    from skillshore._io import write_text

    targets = {int(y): calibration_targets(out_dir, int(y)) for y in years}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["parameter", "symbol", "year", "value", "source"])
    for key, (symbol, source) in _CALIBRATION_SOURCES.items():
        for y, t in targets.items():
            w.writerow([key, symbol, y, f"{t[key]:.10g}", "synthetic economy: " + source])
    return write_text(Path(out_dir) / name, buf.getvalue())
