"""The causal effect of offshoring on firm-average cognitive skill implied by the DGP.

Seed: IV tables "Dependent Variable: Average Cognitive Skills x 100, High-offshorable",
overall and "By Firm Productivity". For every firm-year of the baseline sample (study
years), the markets module gives, from the model without sampling noise or confounder,

* Y = 100 x E(cognitive | firm) over the firm's domestic matches in high-offshorable
  occupations (cognitive = the cell's mean true O*NET index, the unit the IV stage uses);
* D = expected narrow offshoring per worker (DKK 1,000 per employee) = expected value
  added per worker x offshored workers / domestic workers (all groups);

in three economies: with the shock (Y1, D1), without it (Y0, D0: every industry at the
mean export-supply growth) and with the offshoring cost lowered by h = 1 (Yh, Dh).
The effects recorded in ``truth.json`` (overall, and for firms below / at-or-above the
median of value added per worker in their first study year, as
:func:`skillshore.panel.firm_types` defines ``low_va``):

* ``average_derivative`` = sum (Yh - Y1) / sum (D_h - D1): the first-stage-weighted
  average of the firms' local derivatives dY/dD;
* ``shock_effect`` = sum (Y1 - Y0)(D1 - D0) / sum (D1 - D0)^2: the slope through the
  origin of the with-minus-without changes (the finite-shock analogue);
* ``population_2sls``: the 2SLS coefficient of Y1 on D1 instrumented by the
  shift-share instrument I_kt that :mod:`skillshore.offshoring.measures` builds from the
  generated tables (base-year customs shares x China's WES), with firm and sector x year
  fixed effects, on the noise-free firm-year panel: the exact estimand of the IV stage
  (its estimates differ from it only by sampling noise and the confounder, which is
  independent of the instrument);
* ``population_2sls_shock``: the same 2SLS on the shock-induced parts Y1 - Y0 and
  D1 - D0 only: the causal effect with the instrument's weights. The two differ by the
  covariance, in this finite set of industries, between the instrument and the
  no-shock economy's industry-specific trends (the common path of the parameters moves
  industries with different firm mixes differently);
* ``first_stage``: the FE coefficient of D1 on I_kt (DKK per worker per USD 1,000).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from skillshore.errors import ConvergenceError, SkillshoreError

__all__ = [
    "demean_two_way",
    "fe_iv",
    "effect_table",
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


def effect_table(panel: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Effects of the module docstring for all firms and by productivity type.

    ``panel`` has ``firm_id, year, sector, low_va, instrument, Y1, Y0, Yh, D1, D0, Dh``.
    """
    out: dict[str, dict[str, float]] = {}
    subsets = {
        "all": panel,
        "low_productivity": panel.filter(pl.col("low_va") == 1),
        "high_productivity": panel.filter(pl.col("low_va") == 0),
    }
    for name, d in subsets.items():
        if d.height < 3:
            continue
        dy0 = (d["Y1"] - d["Y0"]).to_numpy()
        dd0 = (d["D1"] - d["D0"]).to_numpy()
        iv = fe_iv(d, "Y1", "D1", "instrument")
        ivs = fe_iv(
            d.with_columns(dY=pl.col("Y1") - pl.col("Y0"), dD=pl.col("D1") - pl.col("D0")),
            "dY",
            "dD",
            "instrument",
        )
        out[name] = {
            "average_derivative": _ratio(
                (d["Yh"] - d["Y1"]).to_numpy(), (d["Dh"] - d["D1"]).to_numpy()
            ),
            "shock_effect": _ratio(dy0 * dd0, dd0 * dd0),
            "population_2sls": iv["beta"],
            "population_2sls_shock": ivs["beta"],
            "first_stage": iv["first_stage"],
            "reduced_form": iv["reduced_form"],
            "firm_years": d.height,
            "mean_Y": float(d["Y1"].mean()),
            "mean_D": float(d["D1"].mean()),
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
        gbar = cap[sel] / cap[sel].sum() * ((1 + p["offshoring_rate"]) if foreign else 1.0)
        c_F = row["c_F"] if foreign else None
        eq = solve(market_model(p, grid, y[sel], gbar, c_F, share, foreign), tol=tol)
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
}


def calibration_targets(out_dir, year: int) -> dict[str, float]:
    """The calibration a study of this synthetic economy would use for ``year``.

    The seed takes its targets from outside statistics (slide "Calibrated Parameters");
    the synthetic economy's outside statistics are its own population values: the
    unemployment rate, W/Y and E(w*) of the rebuilt population equilibria
    (:func:`market_equilibria`, :func:`population_targets`), and the outside options,
    |fbar*| and the offshoring rate of the |gbar| normalisation recorded in ``truth.json``.
    Keys are :data:`skillshore.structural.CALIBRATION_KEYS`.
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

    from skillshore.report.io import write_text

    targets = {int(y): calibration_targets(out_dir, int(y)) for y in years}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["parameter", "symbol", "year", "value", "source"])
    for key, (symbol, source) in _CALIBRATION_SOURCES.items():
        for y, t in targets.items():
            w.writerow([key, symbol, y, f"{t[key]:.10g}", "synthetic economy: " + source])
    return write_text(Path(out_dir) / name, buf.getvalue())
