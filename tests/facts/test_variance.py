"""Facts 1 and 2: decompositions vs direct numpy, pyfixest, explicit leave-one-out, simulation."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyfixest as pf
import pytest

from skillshore.errors import DataValidationError
from skillshore.facts import between_firm_share, within_between

CELLS = ("sector", "isco2", "educ_level")


def _panel(seed: int = 0, n: int = 1500, firm_sd: float = 0.5) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    firm = rng.integers(0, 40, n)
    psi = rng.normal(0, firm_sd, 40)
    return pl.DataFrame(
        {
            "year": rng.integers(2000, 2003, n).astype(np.int32),
            "firm_id": firm,
            "sector": rng.choice(["10", "11"], n),
            "isco2": rng.choice(["71", "81", "21"], n),
            "educ_level": rng.choice(["basic", "long tertiary"], n),
            "occ_group": pl.Series(
                [["high", "low_high_skill", None][k] for k in rng.integers(0, 3, n)], dtype=pl.Utf8
            ),
            "cognitive": psi[firm] + rng.normal(size=n),
            "manual": rng.normal(size=n) * (1 + firm / 40),
        }
    )


def _direct_fact1(y: np.ndarray, cells: np.ndarray) -> tuple[float, float, float]:
    m = y.mean()
    ml = np.empty_like(y)
    for c in np.unique(cells):
        ml[cells == c] = y[cells == c].mean()
    return np.mean((y - m) ** 2), np.mean((y - ml) ** 2), np.mean((ml - m) ** 2)


def test_fact1_matches_numpy_and_identity_is_exact():
    p = _panel()
    r = within_between(p, ["cognitive", "manual"], cells=CELLS, group="occ_group")
    d = r.data
    np.testing.assert_allclose(d["total"], d["within"] + d["between"], rtol=1e-12, atol=0)
    for skill in ("cognitive", "manual"):
        for year in (2000, 2002):
            for grp in ("all", "high"):
                sub = p.filter(pl.col("year") == year)
                if grp != "all":
                    sub = sub.filter(pl.col("occ_group") == grp)
                cells = sub.select(pl.concat_str(list(CELLS), separator="|")).to_series().to_numpy()
                tot, wit, bet = _direct_fact1(sub[skill].to_numpy(), cells)
                row = d.filter(
                    (pl.col("skill") == skill) & (pl.col("year") == year) & (pl.col("group") == grp)
                )
                assert row["n"].item() == sub.height
                assert row["total"].item() == pytest.approx(tot, rel=1e-10)
                assert row["within"].item() == pytest.approx(wit, rel=1e-10)
                assert row["between"].item() == pytest.approx(bet, rel=1e-10)
    assert r.to_frame().shape[0] == 9  # 3 years x (all + 2 groups)
    assert "Within share" in r.to_markdown()


def test_fact2_plugin_equals_r2_of_firm_cell_dummies():
    p = _panel(seed=1)
    r = between_firm_share(p, ["cognitive"], cells=CELLS, group=None)
    for year in (2000, 2001):
        sub = (
            p.filter(pl.col("year") == year)
            .with_columns(pl.concat_str(list(CELLS), separator="|").alias("cell"))
            .with_columns(pl.len().over(["cell", "firm_id"]).alias("ng"))
            .filter(pl.col("ng") >= 2)
            .with_columns(
                pl.concat_str(["cell", pl.col("firm_id").cast(pl.Utf8)], separator="#").alias("fc")
            )
            .to_pandas()
        )
        tss = np.sum((sub.cognitive - sub.cognitive.mean()) ** 2)
        r2_fc = 1 - np.sum(pf.feols("cognitive ~ 1 | fc", data=sub).resid() ** 2) / tss
        r2_c = 1 - np.sum(pf.feols("cognitive ~ 1 | cell", data=sub).resid() ** 2) / tss
        row = r.data.filter(pl.col("year") == year)
        assert row["n"].item() == len(sub)
        assert row["share_total_plugin"].item() == pytest.approx(r2_fc, rel=1e-9)
        assert row["share_plugin"].item() == pytest.approx((r2_fc - r2_c) / (1 - r2_c), rel=1e-9)


def test_kss_equals_explicit_leave_one_out_formula():
    """theta_KSS = y'Ay - sum_i A_ii y_i (y_i - ybar_{g,-i}), computed worker by worker."""
    p = _panel(seed=2, n=600)
    r = between_firm_share(p, ["manual"], cells=("sector", "isco2"), group=None)
    sub = p.filter(pl.col("year") == 2001).with_columns(
        pl.concat_str(["sector", "isco2"], separator="|").alias("cell")
    )
    sub = sub.filter(pl.len().over(["cell", "firm_id"]) >= 2)
    y = sub["manual"].to_numpy()
    cell = sub["cell"].to_numpy()
    grp = np.array([f"{c}#{f}" for c, f in zip(cell, sub["firm_id"].to_numpy(), strict=True)])
    N = y.size
    plug, bias = 0.0, 0.0
    for i in range(N):
        in_g, in_l = grp == grp[i], cell == cell[i]
        ng, nl = in_g.sum(), in_l.sum()
        yg, yl = y[in_g].mean(), y[in_l].mean()
        plug += (yg - yl) ** 2 / N
        loo = (y[in_g].sum() - y[i]) / (ng - 1)
        bias += (1 / ng - 1 / nl) / N * y[i] * (y[i] - loo)
    row = r.data.filter(pl.col("year") == 2001)
    assert row["between_plugin"].item() == pytest.approx(plug, rel=1e-10)
    assert row["between_kss"].item() == pytest.approx(plug - bias, rel=1e-8, abs=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("hetero", [False, True])
def test_corrections_remove_small_cell_bias_when_no_firm_effects(hetero):
    """True between-firm variance is zero; each 'year' is an independent replication."""
    rng = np.random.default_rng(7)
    reps, n = 300, 240
    year = np.repeat(np.arange(reps), n).astype(np.int32)
    firm = rng.integers(0, 80, reps * n)  # about 3 workers per firm and cell
    sd = 0.5 + 1.5 * (firm % 2) if hetero else 1.0
    p = pl.DataFrame(
        {
            "year": year,
            "firm_id": firm,
            "sector": rng.choice(["10", "11"], reps * n),
            "skill": 3.0 + rng.normal(size=reps * n) * sd,
        }
    )
    d = between_firm_share(p, ["skill"], cells=("sector",), group=None).data
    se = d["between_kss"].std() / np.sqrt(reps)
    assert d["share_plugin"].mean() > 0.3  # the plug-in is badly biased upward
    assert abs(d["between_kss"].mean()) < 3.5 * se
    if not hetero:
        se_h = d["between_homoskedastic"].std() / np.sqrt(reps)
        assert abs(d["between_homoskedastic"].mean()) < 3.5 * se_h


def test_bad_inputs():
    p = _panel()
    with pytest.raises(DataValidationError):
        between_firm_share(p, ["cognitive"], cells=CELLS, min_group_size=1)
    with pytest.raises(DataValidationError, match="nope"):
        within_between(p, ["nope"], cells=CELLS)
    with pytest.raises(DataValidationError):
        within_between(p, [], cells=CELLS)
    with pytest.raises(DataValidationError):
        between_firm_share(p, ["cognitive"], cells=())


def _direct_fact2(rows: list[tuple], min_size: int) -> dict[str, float]:
    """Worker-level formulas of seed eq. (2) on (cell, firm, y) tuples, by dict grouping."""
    groups: dict[tuple, list[float]] = {}
    for cell, firm, y in rows:
        groups.setdefault((cell, firm), []).append(y)
    dropped = sum(len(v) for v in groups.values() if len(v) < min_size)
    groups = {k: v for k, v in groups.items() if len(v) >= min_size}
    cells: dict[tuple, list[float]] = {}
    for (cell, _), v in groups.items():
        cells.setdefault(cell, []).extend(v)
    y_all = np.array([y for v in groups.values() for y in v])
    n, m = y_all.size, y_all.mean()
    plug = btot = ssr = within = bias = bias_tot = 0.0
    for (cell, _), v in groups.items():
        yg = np.array(v)
        ng, nl, mg, ml = yg.size, len(cells[cell]), yg.mean(), np.mean(cells[cell])
        loo = (yg.sum() - yg) / (ng - 1)  # leave-one-out group means
        plug += ng * (mg - ml) ** 2 / n
        btot += ng * (mg - m) ** 2 / n
        ssr += np.sum((yg - mg) ** 2)
        within += np.sum((yg - ml) ** 2) / n
        bias += np.sum((1 / ng - 1 / nl) / n * yg * (yg - loo))
        bias_tot += np.sum((1 / ng - 1 / n) / n * yg * (yg - loo))
    homo = plug - ssr / (n - len(groups)) * (len(groups) - len(cells)) / n
    total = np.mean((y_all - m) ** 2)
    return {
        "n": n,
        "n_groups": len(groups),
        "n_cells": len(cells),
        "n_dropped": dropped,
        "var_total": total,
        "var_within": within,
        "between_plugin": plug,
        "between_kss": plug - bias,
        "between_homoskedastic": homo,
        "share_plugin": plug / within,
        "share_kss": (plug - bias) / within,
        "share_homoskedastic": homo / within,
        "share_total_plugin": btot / total,
        "share_total_kss": (btot - bias_tot) / total,
    }


def test_facts_1_and_2_match_worker_level_formulas_with_nulls_and_groups():
    """Every column of Facts 1 and 2, each skill with its own missing values, rows with a
    missing cell, firm or occupation group, and cell values that would collide if joined
    with a separator ("a|b", "c") vs ("a", "b|c"): against worker-level formulas."""
    rng = np.random.default_rng(11)
    n = 3000
    p = _panel(seed=11, n=n).with_columns(
        sector=pl.Series(rng.choice(["a|b", "a", "10"], n)),
        isco2=pl.Series(rng.choice(["c", "b|c", "71"], n)),
        firm_id=pl.Series(rng.integers(0, 25, n)),
    )
    p = p.with_columns(
        pl.when(pl.Series(rng.random(n) < 0.1))
        .then(None)
        .otherwise(pl.col("cognitive"))
        .alias("cognitive"),
        pl.when(pl.Series(rng.random(n) < 0.2))
        .then(None)
        .otherwise(pl.col("manual"))
        .alias("manual"),
        pl.when(pl.Series(rng.random(n) < 0.03))
        .then(None)
        .otherwise(pl.col("sector"))
        .alias("sector"),
        pl.when(pl.Series(rng.random(n) < 0.03))
        .then(None)
        .otherwise(pl.col("firm_id"))
        .alias("firm_id"),
    )
    cells = ("sector", "isco2", "educ_level")
    for min_size in (2, 3):
        f2 = between_firm_share(p, ["cognitive", "manual"], cells=cells, min_group_size=min_size)
        f1 = within_between(p, ["cognitive", "manual"], cells=cells, group="occ_group")
        assert f2.data.height == f1.data.height == 2 * 3 * 3  # skills x (all + 2 groups) x years
        for skill in ("cognitive", "manual"):
            for grp in ("all", "high", "low_high_skill"):
                for year in (2000, 2001, 2002):
                    sub = p.filter(pl.col("year") == year).drop_nulls([skill, *cells])
                    if grp != "all":
                        sub = sub.filter(pl.col("occ_group") == grp)
                    sel = (
                        (pl.col("skill") == skill)
                        & (pl.col("group") == grp)
                        & (pl.col("year") == year)
                    )
                    # Fact 1 (the firm may be missing)
                    y = sub[skill].to_numpy()
                    keys = list(zip(*(sub[c].to_list() for c in cells), strict=True))
                    by_cell: dict[tuple, list[float]] = {}
                    for k, v in zip(keys, y, strict=True):
                        by_cell.setdefault(k, []).append(v)
                    ml = np.array([np.mean(by_cell[k]) for k in keys])
                    row1 = f1.data.filter(sel).row(0, named=True)
                    assert row1["n"] == y.size
                    assert row1["n_cells"] == len(set(keys))
                    assert row1["total"] == pytest.approx(np.var(y), rel=1e-10)
                    assert row1["within"] == pytest.approx(np.mean((y - ml) ** 2), rel=1e-10)
                    assert row1["between"] == pytest.approx(np.mean((ml - y.mean()) ** 2), rel=1e-9)
                    # Fact 2
                    sub = sub.drop_nulls("firm_id")
                    keys = zip(*(sub[c].to_list() for c in cells), strict=True)
                    rows = list(
                        zip(keys, sub["firm_id"].to_list(), sub[skill].to_list(), strict=True)
                    )
                    want = _direct_fact2(rows, min_size)
                    row2 = f2.data.filter(sel).row(0, named=True)
                    for k, v in want.items():
                        assert row2[k] == pytest.approx(v, rel=1e-8, abs=1e-13), (k, grp, year)


def test_fact2_compact_layout_reads_the_data():
    p = _panel(seed=4, n=600)
    r = between_firm_share(p, ["manual", "cognitive"], cells=("sector", "isco2"), group=None)
    c = r.compact("share_kss", min_workers=0)
    assert sorted(c.columns) == ["cognitive: All", "manual: All"]
    row = r.data.filter((pl.col("year") == 2001) & (pl.col("skill") == "cognitive"))
    assert c.loc[2001, "cognitive: All"] == f"{100 * row['share_kss'].item():.1f}"
    # group-years with too few workers are not shown
    hidden = r.compact("share_kss", min_workers=10**9)
    assert set(hidden.to_numpy().ravel()) == {"–"}
    with pytest.raises(ValueError):
        r.compact("nope")
