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

Rows (the matches' masses, all on the generator's own types, wages the model's;
:func:`skillshore.synth.compare.population_sample`):

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

from skillshore.structural import estimate_markets, synthetic_calibration, synthetic_truth
from skillshore.structural.synthetic import synthetic_base_measure
from skillshore.synth import generate
from skillshore.synth.compare import POPULATION_MASSES, population_sample

SHOWN = ("Phi", "lambda", "C", "C_star", "c_F", "nu_x_star", "beta[z]")


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
    for masses in POPULATION_MASSES:
        for shares in (False, True):
            s = population_sample(data, args.year, masses, shares_from_f0=shares)
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
