"""The Sample table reconciles (issue 19, acceptance): on the tiny synthetic economy every
step's rows out = rows in - dropped, the steps of a population chain, and the counts agree
with the raw tables' rows and with samples rebuilt here from the files, independently of
the package's sample code (pandas, the seed's rules written out)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from skillshore.config import load_config
from skillshore.panel.accounting import SampleAccounting, SampleStep, chain


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    """validate, skills, facts and the main IV table of the tiny economy (about 20 s)."""
    from skillshore.facts.stage import facts_stage
    from skillshore.offshoring import seed_table
    from skillshore.offshoring.stage import firm_panel
    from skillshore.skills.stage import skills_stage
    from skillshore.synth import generate
    from skillshore.tables.stage import validate_stage

    data = tmp_path_factory.mktemp("acc") / "data"
    generate(data, scale="tiny", seed=0)
    cfg = load_config(data / "study.toml")
    v = validate_stage(cfg)
    sk = skills_stage(cfg, v)
    facts = facts_stage(cfg, v, sk)
    fp = firm_panel(v, facts, cfg)
    table = seed_table("offshorability", fp.data, cluster=cfg.offshoring.cluster)
    return {"cfg": cfg, "data": data, "validate": v, "skills": sk, "facts": facts,
            "fp": fp, "table": table}  # fmt: skip


def _chains(acc: SampleAccounting) -> None:
    df = acc.to_frame()
    assert (df["rows_out"] == df["rows_in"] - df["dropped"]).all()
    assert all(df[c].dtype == np.int64 for c in ("rows_in", "dropped", "rows_out"))
    for pop in acc.populations:
        steps = acc.population(pop)
        for a, b in zip(steps, steps[1:]):
            assert b.rows_in == a.rows_out, (pop, a.step, b.step)


def _baseline_firms(firms: pd.DataFrame, y0: int, y1: int, sectors, min_emp: int) -> set:
    """The seed's baseline sample written out: main industry of the first study year,
    manufacturing sector, a row in every study year, at least ``min_emp`` employees in each."""
    f = firms[(firms.year >= y0) & (firms.year <= y1)]
    first = f.sort_values("year").groupby("firm_id").first()
    g = f.groupby("firm_id").agg(n=("year", "nunique"), emp=("employment", "min"))
    ok = (first.industry.str[:2].isin(sectors)) & (g.n == y1 - y0 + 1) & (g.emp >= min_emp)
    return set(ok[ok].index)


def test_steps_are_checked_and_chain():
    steps = chain("p", 10, "start", [("a", 3), ("b", 0), ("c", 7)])
    assert [s.rows_out for s in steps] == [10, 7, 7, 0]
    _chains(SampleAccounting(steps))
    with pytest.raises(ValueError):
        SampleStep("p", "x", 3, 4, "more dropped than in")
    with pytest.raises(ValueError):
        SampleStep("p", "x", 3.5, 1, "not a count")


def test_worker_and_firm_years_reconcile_with_the_raw_files(stages):
    cfg, data, facts = stages["cfg"], stages["data"], stages["facts"]
    acc = facts.accounting
    _chains(acc)
    workers = pd.read_parquet(data / "workers.parquet")
    firms = pd.read_parquet(data / "firms.parquet")
    y0, y1 = cfg.study.years
    kept = _baseline_firms(firms, y0, y1, cfg.sample.manufacturing_sectors or
                           [f"{i:02d}" for i in range(10, 34)], cfg.sample.min_employees)  # fmt: skip
    assert acc.population("worker-years")[0].rows_in == len(workers)
    assert acc.population("firm-years")[0].rows_in == len(firms)
    sw = stages["skills"].workers.to_pandas()  # the raw rows with the matcher's skills
    assert len(sw) == len(workers)
    has = sw[["cognitive", "manual", "interpersonal"]].notna().all(axis=1)
    use = has & sw.year.between(y0, y1) & sw.firm_id.isin(kept)
    assert acc.final("worker-years") == facts.panel.height == use.sum()
    assert acc.population("worker-years")[1].dropped == (~has).sum()
    fy = firms[(firms.year >= y0) & (firms.year <= y1)]
    assert acc.final("firm-years") == fy.firm_id.isin(kept).sum() == len(kept) * (y1 - y0 + 1)
    dropped_fy = sum(s.dropped for s in acc.population("firm-years"))
    assert dropped_fy == len(firms) - len(kept) * (y1 - y0 + 1)
    occ = facts.panel["occ_group"]
    assert acc.population("worker-years by occupation")[0].rows_in == facts.panel.height
    assert acc.final("worker-years by occupation") == int((occ == "high").sum())


def _singletons(df: pd.DataFrame, fe: list[str]) -> int:
    """Rows removed by iterated singleton removal over ``fe`` (reghdfe's rule), by hand."""
    keep = np.ones(len(df), bool)
    while True:
        single = np.zeros(len(df), bool)
        for c in fe:
            counts = df.loc[keep, c].value_counts()
            single |= keep & (df[c].map(counts).fillna(0).to_numpy() == 1)
        if not single.any():
            return int((~keep).sum())
        keep &= ~single


def test_iv_columns_count_pyfixest_singletons(stages):
    from skillshore.offshoring.stage import FE
    from skillshore.panel.accounting import iv_accounting

    table, fp = stages["table"], stages["fp"].data.to_pandas()
    acc = iv_accounting({"offshorability": table})
    _chains(acc)
    groups = {"All": "all", "Low (H-Skill)": "low_high_skill",
              "Low (M/L-Skill)": "low_mid_low_skill", "High": "high"}  # fmt: skip
    assert len(acc.populations) == len(table.columns) == len(groups)
    total = 0
    for label, col in zip(table.labels, table.columns):
        steps = acc.population(f"IV table 'offshorability', column {label}")
        rows = fp[fp.occ_group == groups[label]]
        assert steps[0].rows_in == len(rows)
        assert steps[-1].rows_out == col.nobs
        complete = rows.dropna(subset=[col.y, *col.endog, *col.instruments, *FE])
        assert steps[1].dropped == len(rows) - len(complete)
        assert steps[2].dropped == _singletons(complete.reset_index(drop=True), list(FE))
        total += steps[2].dropped
    assert total > 0  # the tiny economy has singletons: the check above is not vacuous


def test_structural_sample_counts(stages):
    from skillshore.panel.accounting import structural_accounting
    from skillshore.structural.stage import structural_sample

    cfg, facts, v, sk = stages["cfg"], stages["facts"], stages["validate"], stages["skills"]
    logs: dict[int, dict] = {}
    for year in cfg.study.years:
        ms = structural_sample(v, facts, year, cfg, sk, logs.setdefault(year, {}))
        acc = structural_accounting({year: logs[year]})
        _chains(acc)
        pop = f"structural sample {year}"
        panel_year = facts.panel.filter(pl.col("year") == year)
        assert acc.population(pop)[0].rows_in == panel_year.height
        assert acc.final(pop) == ms.x.shape[0]  # the workers the estimator gets
        assert logs[year]["markets"] == ms.n_markets and logs[year]["firms"] == ms.n_firms
        # offshored workers (purchases abroad / value added x employment) only of the firms
        # with a worker in the panel: the others' domestic workers are not in the sample
        f = pd.read_parquet(stages["data"] / "firms.parquet").query("year == @year")
        f = f[f.value_added > 0]
        off = f.purchases_abroad.clip(lower=0) / f.value_added * f.employment
        inside = f.firm_id.isin(set(panel_year["firm_id"].to_list()))
        assert logs[year]["firms_outside_panel"] == int((~inside).sum())
        assert off[~inside].sum() > 0.01 * off.sum()  # the check below is not vacuous
        np.testing.assert_allclose(ms.firm_offshored.sum(), off[inside].sum(), rtol=1e-9)
    # a year with too few workers is accounted for as dropped in full
    short = {2000: {"workers": [("w", 40), ("high", 30)]}}
    assert structural_accounting(short).final("structural sample 2000") == 0


def test_to_dict_is_numbers_and_report_renders(stages):
    from skillshore.report.sections import sample_accounting

    acc = sample_accounting({"facts": stages["facts"], "iv": None, "structural": None})
    recs = acc.to_dict()
    assert recs and all(isinstance(r["rows_out"], int) for r in recs)
    assert "worker-years" in acc.summary() and acc.to_latex() and acc.to_markdown()
