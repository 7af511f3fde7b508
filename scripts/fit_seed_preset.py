"""Fit the seed's unreported type normalisation (docs/model.md, "Reproducing the seed's tables").

The seed's estimates of 1996 and 2006 (Phi, lambda, C, C*, nu's) are held at their
published values. A handful of normalisation numbers (skill location, firm-type scale
and shift, base measures; :class:`skillshore.matching.presets.TypeNormalisation`) and,
optionally, the size of the seed's "Phi up" counterfactual are fitted by least
squares on log ratios to:

* the 28 cells of the seed's 2006 counterfactual table (4 statistics x 7 columns);
* the unemployment and offshoring rates of 1996 and 2006 ("Calibrated Parameters");
* with ``--with-levels``, also W/Y and E(w*) of both years.

Usage::

    python scripts/fit_seed_preset.py [--free x_mean,log_y_scale,y_shift,log_measure_foreign]
        [--phi-up 1.0 | --fit-phi-up] [--with-levels] [--n 40] [--gap decile_means]

Prints the fitted numbers and the fit table (seed vs preset, % error). Runtime about a
minute on one core.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from skillshore.matching import solve
from skillshore.matching.presets import (
    SEED_CALIBRATION,
    SEED_NORMALISATION,
    TypeNormalisation,
    seed_economy,
)
from skillshore.structural.counterfactuals import counterfactuals, seed_scenarios

#: The seed's "Counterfactuals: Wage Inequality" table (transcribed from the slide).
SEED_TABLE = pd.DataFrame(
    {
        "baseline": [147.42, 4.63, 1.33, 15.73],
        "c_F_zero": [130.81, 4.47, 1.01, 15.03],
        "phi_up": [151.72, 9.58, 5.95, 32.51],
        "nu_x_up": [139.18, 4.67, 1.11, 15.90],
        "nu_y_up": [157.96, 4.67, 1.11, 15.90],
        "nu_x_star_up": [145.46, 4.61, 1.27, 15.66],
        "nu_y_star_up": [145.46, 4.61, 1.27, 15.66],
    },
    index=["mean_wage", "sd_wage", "firm_gap", "worker_gap"],
)
#: The seed's calibration targets (rates, W/Y, E(w*)) of each year.
SEED_TARGETS = {
    y: {k: SEED_CALIBRATION[y][k] for k in ("unemployment_rate", "offshoring_rate")}
    | {"W/Y": SEED_CALIBRATION[y]["wage_bill_share"], "E(w*)": SEED_CALIBRATION[y]["E_w_star"]}
    for y in (1996, 2006)
}
PARAMS = (
    "x_mean",
    "log_y_scale",
    "y_shift",
    "log_measure",
    "log_measure_foreign",
    "log_measure_foreign_firms",
    "phi_up",
)


def normalisation(v: dict[str, float]) -> TypeNormalisation:
    return TypeNormalisation(
        x_mean=v["x_mean"],
        y_scale=float(np.exp(v["log_y_scale"])),
        y_shift=v["y_shift"],
        log_measure=v["log_measure"],
        log_measure_foreign=v["log_measure_foreign"],
        log_measure_foreign_firms=v["log_measure_foreign_firms"],
    )


def levels(eq) -> dict[str, float]:
    """Unemployment, offshoring, W/Y (domestic wage bill / domestic value added) and E(w*)."""
    m = eq.model
    pi, ps = eq.pi, eq.pi_star
    with np.errstate(divide="ignore", invalid="ignore"):
        ws = np.where(ps > 0, eq.wages_star(), 0.0)
    return {
        "unemployment_rate": eq.unemployment_rate,
        "offshoring_rate": eq.offshoring_rate,
        "W/Y": float((pi * eq.wages()).sum() / (pi * m.q()).sum()),
        "E(w*)": float((ps * ws).sum() / ps.sum()),
    }


def evaluate(v: dict[str, float], n: int, gap: str):
    """(2006 table, {year: levels}) under the normalisation v."""
    norm = normalisation(v)
    scen = seed_scenarios(phi_up=v["phi_up"], nu_up=1.0)
    cf = counterfactuals(seed_economy(2006, n=n, normalisation=norm), scen, gap=gap)
    lv = {2006: levels(cf.equilibria["baseline"])}
    lv[1996] = levels(solve(seed_economy(1996, n=n, normalisation=norm)))
    return cf.stats, lv


def residuals(table: pd.DataFrame, lv: dict, with_levels: bool) -> np.ndarray:
    r = [np.log(table.loc[SEED_TABLE.index, SEED_TABLE.columns] / SEED_TABLE).to_numpy().ravel()]
    keys = ("unemployment_rate", "offshoring_rate") + (("W/Y", "E(w*)") if with_levels else ())
    r.append(np.log([lv[y][k] / SEED_TARGETS[y][k] for y in (1996, 2006) for k in keys]))
    return np.concatenate(r)


def fit_table(table: pd.DataFrame, lv: dict) -> pd.DataFrame:
    """Seed vs preset, % error, one row per cell."""
    rows = []
    for col in SEED_TABLE.columns:
        for stat in SEED_TABLE.index:
            rows.append(("2006 table", col, stat, SEED_TABLE.loc[stat, col], table.loc[stat, col]))
    for y in (1996, 2006):
        for k, target in SEED_TARGETS[y].items():
            rows.append((f"{y} calibration", "baseline", k, target, lv[y][k]))
    df = pd.DataFrame(rows, columns=["block", "column", "statistic", "seed", "preset"])
    df["error_%"] = 100 * (df["preset"] / df["seed"] - 1)
    base = table["baseline"]
    seed_base = SEED_TABLE["baseline"]
    df["same_sign"] = [
        (
            np.sign(table.loc[s, c] - base[s]) == np.sign(SEED_TABLE.loc[s, c] - seed_base[s])
            if b == "2006 table" and c != "baseline"
            else np.nan
        )
        for b, c, s in zip(df["block"], df["column"], df["statistic"], strict=True)
    ]
    return df


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--free", default="x_mean,log_y_scale,y_shift,log_measure_foreign")
    ap.add_argument("--phi-up", type=float, default=1.0, help="Phi up = x (1 + phi_up)")
    ap.add_argument("--fit-phi-up", action="store_true")
    ap.add_argument("--with-levels", action="store_true", help="also fit W/Y and E(w*)")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--gap", default="decile_means", choices=["decile_means", "quantiles"])
    args = ap.parse_args(argv)
    start = SEED_NORMALISATION
    v0 = {
        "x_mean": start.x_mean,
        "log_y_scale": float(np.log(start.y_scale)),
        "y_shift": start.y_shift,
        "log_measure": start.log_measure,
        "log_measure_foreign": start.log_measure_foreign,
        "log_measure_foreign_firms": start.log_measure_foreign_firms,
        "phi_up": args.phi_up,
    }
    free = [f for f in args.free.split(",") if f] + (["phi_up"] if args.fit_phi_up else [])
    bad = sorted(set(free) - set(PARAMS))
    if bad:
        raise SystemExit(f"unknown parameters {bad}; choose from {PARAMS}")

    def fun(theta: np.ndarray) -> np.ndarray:
        v = v0 | dict(zip(free, theta, strict=True))
        try:
            return residuals(*evaluate(v, args.n, args.gap), args.with_levels)
        except Exception:  # noqa: BLE001 - a failed solve is a bad point, not a crash
            return np.full(32 + 4 * args.with_levels, 5.0)

    t0 = time.time()
    res = least_squares(fun, [v0[k] for k in free], diff_step=1e-3, x_scale="jac", max_nfev=300)
    v = v0 | dict(zip(free, res.x, strict=True))
    table, lv = evaluate(v, args.n, args.gap)
    df = fit_table(table, lv)
    print(f"free: {free}; {res.nfev} evaluations, {time.time() - t0:.0f} s, cost {res.cost:.5f}")
    print("fitted:", {k: round(float(val), 5) for k, val in v.items()})
    print("normalisation:", normalisation(v))
    pd.set_option("display.width", 160)
    print(df.round(4).to_string(index=False))
    cells = df[df["block"] == "2006 table"]
    rates = df[df["statistic"].isin(["unemployment_rate", "offshoring_rate"])]
    print(
        f"max |error| table {cells['error_%'].abs().max():.1f}%, rates "
        f"{rates['error_%'].abs().max():.1f}%, all levels {df['error_%'].abs().max():.1f}%; "
        f"sign flips {int((cells['same_sign'] == False).sum())}"  # noqa: E712
    )


if __name__ == "__main__":
    main()
