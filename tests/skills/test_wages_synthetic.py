"""Issue 6 acceptance on the synthetic economy: skills recovered from the catalog text
correlate with the true ones, and the wage table's skill coefficients are positive and
significant where the data-generating process says so.

What the DGP implies (``skillshore.synth.careers`` and ``generator._worker_rows``): the log
hourly wage is ``log max(w_eq(cell, firm), w0) + 0.04 (educ - 12) + 0.03 exper - 0.0006
exper^2 + 0.25 (cog - 1/2) + 0.05 (man - 1/2) + 0.3 (int - 1/2) + N(0, 0.15^2)`` with the
skills (after training, max rule) of the code's true O*NET occupation. All three direct
skill effects are positive; the equilibrium term depends on the worker's skill cell, the
rank of *cognitive* skill within the occupation group, so it adds to the cognitive
coefficient only. Hence every skill coefficient is positive in columns (2)-(5); the manual
effect is small (0.05), so it is held to the 5% level, the two others to 1%.
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from skillshore.skills import (
    SKILLS,
    code_skills,
    match_titles,
    occupation_skills,
    wage_table,
    worker_skills,
)
from skillshore.synth import generate


@pytest.fixture(scope="module")
def economy(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth_wages")
    generate(out, scale="tiny", seed=0)
    workers = pl.read_parquet(out / "workers.parquet")
    catalog = pl.read_parquet(out / "catalog.parquet")
    truth = pl.read_parquet(out / "truth" / "catalog_truth.parquet")
    dgp = json.loads((out / "truth.json").read_text())["dgp"]["wage_coefficients"]
    codes = code_skills(match_titles(catalog.select("code", "title")), occupation_skills())
    recovered = worker_skills(workers, codes)
    true = worker_skills(workers, truth.select("code", *SKILLS))
    return codes, truth, recovered, true, dgp


def test_recovered_skills_correlate_with_truth(economy):
    codes, truth, recovered, true, _ = economy
    j = codes.join(truth.select("code", *[pl.col(s).alias(f"t_{s}") for s in SKILLS]), on="code")
    for s in SKILLS:
        jj = j.drop_nulls([s, f"t_{s}"])
        r_code = np.corrcoef(jj[s], jj[f"t_{s}"])[0, 1]
        ok = recovered[s].is_not_null().to_numpy()
        r_worker = np.corrcoef(recovered[s].to_numpy()[ok], true[s].to_numpy()[ok])[0, 1]
        print(f"corr(recovered, true) {s}: codes {r_code:.3f}, worker-years {r_worker:.3f}")
        assert r_code > 0.9 and r_worker > 0.9, (s, r_code, r_worker)
    assert recovered[SKILLS[0]].is_not_null().mean() > 0.95


def test_wage_table_skill_coefficients_follow_the_dgp(economy):
    _, _, recovered, true, dgp = economy
    tab = wage_table(recovered.drop_nulls(list(SKILLS)))
    ref = wage_table(true)  # same estimator on the true skills: the matcher's error only
    print(tab.to_markdown())
    print(tab.compare(dgp).to_markdown())
    for col in (2, 3, 4, 5):
        for s in SKILLS:
            assert dgp[s] > 0  # the DGP's direct effect
            level = 0.05 if s == "manual" else 0.01
            assert tab.coef(col, s) > 0 and tab.pvalue(col, s) < level, (col, s)
            # text matching errors move the estimate by less than two standard errors
            assert abs(tab.coef(col, s) - ref.coef(col, s)) < 2 * ref.se(col, s), (col, s)
    # experience profile: the DGP's coefficients, which no skill channel touches
    for v, b in (("experience", dgp["experience"]), ("experience_sq", dgp["experience2"])):
        assert abs(tab.coef(5, v) - b) < 4 * tab.se(5, v), v
    cmp = tab.compare(dgp).to_frame()
    assert (cmp["same sign"] == "yes").all()
