"""The fixed effects keep the formula's order in pyfixest (``skillshore._compat``).

pyfixest 0.60 collects a formula's fixed effects in a ``set``: their order, and so the
order of the demeaning's alternating projections and the last digits of every estimate,
followed the process's string hash seed (issue 13, bit-identical runs).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd

from skillshore._compat import import_pyfixest

SCRIPT = """
import numpy as np, pandas as pd
from skillshore._compat import import_pyfixest
pf = import_pyfixest()
rng = np.random.default_rng(0)
n = 2000
d = pd.DataFrame({"a": rng.integers(0, 200, n), "b": rng.integers(0, 30, n)})
d["x"] = rng.normal(size=n) + 0.01 * d["a"]
d["y"] = 0.5 * d["x"] + rng.normal(size=n) + 0.1 * d["b"]
fit = pf.feols("y ~ x | a + b", data=d)
print(np.asarray(fit._fe)[:3].tolist(), fit.coef().iloc[0].hex())
"""


def test_encoded_fixed_effects_follow_the_formula():
    import_pyfixest()
    from pyfixest.estimation.formula import model_matrix

    d = pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": [5, 6]})
    for fml, terms in (
        ("a + b^c", ["a", "b_c"]),
        ("b^c + a", ["b_c", "a"]),
        ("c + b + a", ["c", "b", "a"]),
    ):
        out = model_matrix._encode_fixed_effects(fml, d.copy())
        assert out == " + ".join(f"__fixed_effect__({t})" for t in terms) + " - 1"


def test_estimates_do_not_depend_on_the_hash_seed():
    outs = set()
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        outs.add(proc.stdout.strip())
    assert len(outs) == 1, outs
    # the codes' first column is the formula's first fixed effect ``a`` (distinct rows)
    assert next(iter(outs)).startswith("[[0, 0], [1, 1], [2, ")
