"""What the structural estimator converges to on the synthetic economy's population.

The estimator is consistent for the model: at the population masses of the generator's
equilibria (every market's M pi and model wages) it returns ``truth.json``'s parameters to
1e-6 (``tests/structural/test_synthetic_recovery.py``). The generator's matches are not
the model's, though: it tilts each firm's skill mix by the planted effect of offshoring
(beta D), the confounder and, in the first study year, the persistent firm tilt of Fact 2
(docs/synth.md), while it pays the untilted equilibrium's wages and draws the
non-employed from the untilted equilibrium. This script estimates on the population of
each variant, without any sampling or measurement error: the estimator's *pseudo-true*
value, the floor under what any sample size gets on these data.

Rows (the matches' masses, all on the generator's own types, wages the model's):

* ``model``: the equilibria's own masses M pi (truth.json's ``expected_model``);
* ``planted``: the masses the generator draws around without the confounder
  (``expected``: the planted effect and the firm tilt);
* ``drawn-from``: the multinomial's means with the confounder's tilt (``draw_mean``).

Columns: worker types' population shares equal (``equal``) or from the matched workers
and the non-employed (``from f0``, the pipeline's way), and the wage equation's effects
(``firm``, the default; ``firm_type``: worker-type effects per market as well).

    python benchmarks/structural_pseudo_true.py --scale paper --seed 17 --year 2006
    python benchmarks/structural_pseudo_true.py --data DIR --year 1996   # an existing economy
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from skillshore.structural import (
    MarketSample,
    estimate_markets,
    synthetic_calibration,
    synthetic_truth,
)
from skillshore.structural.synthetic import synthetic_base_measure
from skillshore.synth import generate
from skillshore.synth.truth import market_equilibria

MASSES = {"model": "expected_model", "planted": "expected", "drawn-from": "draw_mean"}
SHOWN = ("Phi", "lambda", "C", "C_star", "c_F", "nu_x_star", "beta[z]")


def population_sample(data: Path, year: int, masses: str, shares_from_f0: bool) -> MarketSample:
    """Every (cell, firm) of every high-offshorable market with the ``masses`` column of
    ``truth/matches.parquet``, the model's wages, offshored masses and shock."""
    mks = market_equilibria(data, year)
    tv = synthetic_truth(data, year)
    mt = pl.read_parquet(data / "truth" / "matches.parquet").filter(
        (pl.col("year") == year) & (pl.col("group") == "high")
    )
    mass = {
        (int(f), int(c)): float(v)
        for f, c, v in mt.select("firm_id", "cell", MASSES[masses]).iter_rows()
    }
    xs, firm, w, wage, fy, fm, off, z = [], [], [], [], [], [], [], []
    unemployed, n = 0.0, 0
    for k, mk in enumerate(mks):
        eq, M = mk["equilibrium"], mk["market_size"]
        m = eq.model
        C, J = m.x.shape[0], m.y.shape[0]
        ci, cj = np.meshgrid(np.arange(C), np.arange(J), indexing="ij")
        w_kj = np.array([[mass[(int(mk["firm_id"][j]), c)] for j in range(J)] for c in range(C)])
        if masses == "model":  # the table's expected_model is M pi: a check of the alignment
            np.testing.assert_allclose(w_kj, M * eq.pi, rtol=1e-9, atol=1e-9)
        xs.append(m.x[ci.ravel()])
        firm.append(n + cj.ravel())
        w.append(w_kj.ravel())
        wage.append(eq.wages().ravel())
        fy.append(m.y)
        fm.append(np.full(J, k))
        off.append(M * eq.pi_star.sum(axis=0))
        z.append((tv["c_F"] - m.c_F) / tv["lambda"])
        unemployed = unemployed + M * eq.f0
        n += J
    zz = np.array(z)[:, None]
    ne = dict(nonemployed_x=mks[0]["equilibrium"].model.x, nonemployed_weights=unemployed)
    return MarketSample(
        x=np.concatenate(xs),
        firm=np.concatenate(firm),
        weights=np.concatenate(w),
        wage=np.concatenate(wage),
        firm_y=np.concatenate(fy),
        firm_market=np.concatenate(fm),
        firm_offshored=np.concatenate(off),
        shifters=zz if np.ptp(zz) > 0 else None,
        shifter_names=("z",),
        n_worker_types=mks[0]["equilibrium"].model.x.shape[0],
        **(ne if shares_from_f0 else {}),
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", default="demo", choices=["tiny", "demo", "paper"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2006)
    ap.add_argument("--data", default=None, help="an existing economy's folder (else generated)")
    args = ap.parse_args()
    if args.data:
        data = Path(args.data)
    else:
        data = Path(tempfile.mkdtemp(prefix="skillshore-pt-")) / "data"
        generate(data, scale=args.scale, seed=args.seed)
    tv = synthetic_truth(data, args.year)
    cal = synthetic_calibration(data, args.year)
    rows = {}
    for masses in MASSES:
        for shares in (False, True):
            s = population_sample(data, args.year, masses, shares)
            for we in ("firm", "firm_type"):
                e = estimate_markets(
                    s,
                    cal,
                    foreign_normalisation=tv["nu_gap"],
                    base_measure=synthetic_base_measure(data),
                    wage_effects=we,
                )
                key = (masses, "from f0" if shares else "equal", we)
                rows[key] = {k: float(e.params.get(k, np.nan)) for k in SHOWN}
    table = pd.DataFrame(rows).T
    table.index.names = ["masses", "type shares", "wage effects"]
    table.loc[("truth", "", ""), :] = [tv.get(k, np.nan) for k in SHOWN]
    print(f"{data}, {args.year}: population estimates (no sampling, no measurement)")
    print(table.to_string(float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    main()
