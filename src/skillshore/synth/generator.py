"""Synthetic Denmark: a manufacturing economy whose matches are drawn from the project's
global-economy matching model, with a recorded ground truth (issue 5; docs/synth.md).

Components: :mod:`~skillshore.synth.trade` (products, industries, China's export supply),
:mod:`~skillshore.synth.firms` (firm population and accounts),
:mod:`~skillshore.synth.catalog` (education and training titles with a true O*NET
occupation), :mod:`~skillshore.synth.markets` (one equilibrium per year, industry and
occupation group), :mod:`~skillshore.synth.careers` (hiring, careers, wages),
:mod:`~skillshore.synth.customs` (UHDI-like transactions) and
:mod:`~skillshore.synth.truth` (the causal effect the IV stage should recover).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from skillshore._io import OUTPUT_MODE, atomic_path, write_json, write_text
from skillshore._parallel import serial_numba
from skillshore._results import TableMixin
from skillshore.errors import SkillshoreError
from skillshore.synth.careers import (
    WAGE_COEF,
    CodeBook,
    Workforce,
    consistent_wages,
    finish_workers,
    nonemployed_rows,
    tilt_to_mean,
    worker_rows,
)
from skillshore.synth.catalog import build_catalog
from skillshore.synth.customs import build_customs
from skillshore.synth.firms import draw_firms, expected_va_per_worker, firm_accounts
from skillshore.synth.markets import DERIV_STEP, solve_year
from skillshore.synth.onet import true_occupation_skills
from skillshore.synth.params import (
    N_CELLS,
    SCALES,
    SynthSettings,
    calibrated_parameters,
    population_correction,
    year_parameters,
)
from skillshore.synth.trade import build_trade
from skillshore.synth.truth import (
    SUBSETS,
    between_firm_gap,
    market_summary,
    planted_effects,
    write_calibration,
)
from skillshore.tables.schemas import SCHEMAS

__all__ = ["generate", "SynthResult", "SCALES", "HIGH_GROUP_MAJORS"]

HIGH_GROUP_MAJORS = ("4", "7", "8")
"""ISCO-08 major groups with a positive offshorability index (seed appendix)."""
_EDUC_YEARS = {"1": 17, "2": 17, "3": 15, "4": 12, "5": 12, "6": 11, "7": 12, "8": 11, "9": 10}
TABLES = ("workers", "catalog", "firms", "customs", "world_trade")


@dataclass(frozen=True)
class SynthResult(TableMixin):
    """What :func:`generate` wrote: output paths, row counts and the truth."""

    out_dir: Path
    paths: dict[str, Path]
    rows: dict[str, int]
    truth: dict = field(repr=False)
    seconds: float = 0.0
    title: str = "Synthetic economy"

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(
            {"rows": self.rows, "file": {k: v.name for k, v in self.paths.items()}}
        ).rename_axis("table")


def _catalog(occ: pl.DataFrame, n_codes: int, rng: np.random.Generator):
    """Catalog with its truth (true O*NET occupation, skills, group, skill cell)."""
    cat = build_catalog(occ, n_codes, 0.15, rng)
    truth = cat.join(
        occ.select("onet_soc", "isco", "cognitive", "manual", "interpersonal"),
        on="onet_soc",
        how="left",
        maintain_order="left",
    )
    major = truth["isco"].str.slice(0, 1)
    truth = truth.with_columns(
        group=pl.when(pl.col("kind") == "training")
        .then(None)
        .when(major.is_in(list(HIGH_GROUP_MAJORS)))
        .then(pl.lit("high"))
        .otherwise(pl.lit("low")),
        educ_years=(
            major.replace_strict(_EDUC_YEARS, default=12).cast(pl.Float64)
            + pl.Series(rng.integers(-1, 2, truth.height)).cast(pl.Float64)
        ),
    )
    cells = np.full(truth.height, -1)
    cog = truth["cognitive"].to_numpy()
    grp = truth["group"].to_numpy()
    x_raw = {}
    for g in ("high", "low"):
        sel = np.flatnonzero(grp == g)
        rank = np.argsort(np.argsort(cog[sel], kind="stable"), kind="stable")
        cells[sel] = rank * N_CELLS // len(sel)
        x_raw[g] = np.array([cog[sel][cells[sel] == c].mean() for c in range(N_CELLS)])
    truth = truth.with_columns(cell=pl.Series(cells).cast(pl.Int32))
    return truth, x_raw


def _population_rates(rows: list[dict]) -> tuple[float, float]:
    """Unemployment over all markets and the offshoring rate |f*|/|f| over the
    high-offshorable markets (weights: market sizes), in a fixed order."""
    M = np.array([r["market_size"] for r in rows])
    u = np.array([r["unemployment_rate"] for r in rows])
    o = np.array([r["offshoring_rate"] for r in rows])
    high = np.array([r["group"] == "high" for r in rows])
    matched = M * (1 - u)
    return float(np.sum(M * u) / np.sum(M)), float(
        np.sum((matched * o)[high]) / np.sum(matched[high])
    )


def _percentile(v: np.ndarray) -> np.ndarray:
    return (np.argsort(np.argsort(v, kind="stable"), kind="stable") + 0.5) / len(v)


VALIDATION_SHARE = 0.25
"""Share of the education codes in the synthetic "hand-labelled" validation set."""


def _support_lines(year: int) -> str:
    """``[structural] x_support, y_support``: the type supports the markets are built on (the
    preset's, :func:`~skillshore.synth.params.year_parameters`), so that the estimates are on
    the planted parameters' scale."""
    p = year_parameters(year)  # the preset's supports (the same in every year)
    return (
        f"x_support = [{p['x_lo']!r}, {p['x_hi']!r}]\ny_support = [{p['y_lo']!r}, {p['y_hi']!r}]\n"
    )


def _write_validation(catalog_truth: pl.DataFrame, path: Path, seed: int) -> None:
    """A validation set as a researcher would hand-code it: a random quarter of the
    education codes with their true worker type x = (cell + 1/2) / N_CELLS (the type grid
    of the structural stage), for the correction of mismeasured types
    (docs/estimation.md, section 4c; ``[structural] validation``)."""
    educ = catalog_truth.filter(pl.col("kind") == "education").sort("code")
    rng = np.random.default_rng([seed, 0x7A11D])
    keep = rng.random(educ.height) < VALIDATION_SHARE
    out = educ.filter(pl.Series(keep)).select(
        "code", x_true=(pl.col("cell").cast(pl.Float64) + 0.5) / N_CELLS
    )
    with atomic_path(path) as tmp:
        out.write_csv(tmp)
    os.chmod(path, OUTPUT_MODE)


def _write_parquet(df: pl.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        df.write_parquet(tmp, statistics=False, compression="zstd")
    os.chmod(path, OUTPUT_MODE)


def generate(
    out_dir: str | Path,
    scale: str = "demo",
    seed: int = 0,
    years: tuple[int, int] = (1996, 2006),
    base_years: tuple[int, int] = (1993, 1995),
    settings: SynthSettings | None = None,
) -> SynthResult:
    """Write the synthetic economy's raw tables, ``study.toml``, ``truth.json`` and
    ``truth/`` (docs/synth.md).

    Parameters
    ----------
    out_dir : path
        Output folder (created).
    scale : {"tiny", "demo", "paper"}
        Size of the economy (:data:`SCALES`).
    seed : int
        Seed; the same seed writes byte-identical files.
    years : (int, int)
        First and last study year (workers cover these).
    base_years : (int, int)
        Pre-sample years (firms and customs cover them too) for the initial import shares.
    settings : SynthSettings, optional
        Knobs of the data-generating process (defaults documented there).

    Returns
    -------
    SynthResult
    """
    import time

    t_start = time.perf_counter()
    if scale not in SCALES:
        raise SkillshoreError(f"scale must be one of {sorted(SCALES)}, got {scale!r}")
    y0, y1 = int(years[0]), int(years[1])
    b0, b1 = int(base_years[0]), int(base_years[1])
    if not (b0 <= b1 < y0 < y1):
        raise SkillshoreError(
            f"need base_years before years, each (first, last); got {base_years!r}, {years!r}"
        )
    s = settings or SynthSettings()
    cfg = SCALES[scale]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with serial_numba():  # one numba thread: IPFP sums in a fixed order (bit-identical)
        tables, truth, extra = _simulate(cfg, s, int(seed), (y0, y1), (b0, b1))
    truth.update({"scale": scale, "seed": int(seed)})
    paths = {}
    for name in (*TABLES, *(n for n in tables if n not in TABLES)):
        paths[name] = out_dir / f"{name}.parquet"
        _write_parquet(tables[name], paths[name])
    tdir = out_dir / "truth"
    for name, df in extra.items():
        _write_parquet(df, tdir / f"{name}.parquet")
    write_json(out_dir / "truth.json", truth)
    _write_validation(extra["catalog_truth"], out_dir / "validation_codes.csv", int(seed))
    # the economy's own calibration targets for the years the structural stage estimates
    with serial_numba():
        write_calibration(out_dir, (y0, y1))
    write_text(
        out_dir / "study.toml",
        f'[study]\nname = "Synthetic Denmark (scale={scale}, seed={seed})"\n'
        f"years = [{y0}, {y1}]\nbase_years = [{b0}, {b1}]\nseed = {int(seed)}\n\n[tables]\n"
        + "".join(f'{n} = "{p.name}"\n' for n, p in paths.items())
        + '\n[structural]\ncalibration = "calibration.csv"\n'
        # the labelled codes for the type correction (docs/estimation.md, 4c): with the
        # non-employed's types and the shares taken back to the true types, the corrected
        # estimates are centred on the truth (demo Monte Carlo, docs/estimation.md)
        + 'validation = "validation_codes.csv"\n'
        + _support_lines(y1)
        # the firm side's base measure of the economy's firm volumes (docs/synth.md)
        + f'base_measure = "{"capacity" if s.firm_volume == "capacity" else "uniform"}"\n'
        # the offshoring cost's shifter as the generator bounds it (docs/synth.md)
        + f"shifter_cap = {float(s.shock_cap)!r}\n"
        # the firms' type: productivity net of capital intensity (the generator sorts on
        # productivity; value added per worker also moves with capital, docs/synth.md)
        + 'firm_type = "tfp"\n',
    )
    return SynthResult(
        out_dir=out_dir,
        paths=paths,
        rows={n: tables[n].height for n in paths},
        truth=json.loads((out_dir / "truth.json").read_text()),
        seconds=time.perf_counter() - t_start,
    )


def _simulate(cfg: dict, s: SynthSettings, seed: int, years, base_years):
    y0, y1 = years
    all_years = list(range(base_years[0], y1 + 1))
    study = list(range(y0, y1 + 1))
    rng = dict(
        zip(
            (
                "trade",
                "firms",
                "catalog",
                "confounder",
                "work",
                "hire",
                "wage",
                "acct",
                "customs",
                "segregation",
                "firm_type",
                "nonemployed",
            ),
            # a new stream leaves the earlier ones unchanged (SeedSequence children by index)
            (np.random.default_rng(q) for q in np.random.SeedSequence(seed).spawn(12)),
            strict=True,
        )
    )
    trade = build_trade(rng["trade"], int(cfg["industries_per_sector"]), all_years)
    firms = draw_firms(
        rng["firms"],
        trade.industry_sector,
        int(cfg["firms_per_industry"]),
        float(cfg["size"]),
        years,
        all_years[0],
    )
    occ = true_occupation_skills()
    cat_truth, x_raw = _catalog(occ, int(cfg["codes"]), rng["catalog"])
    educ = cat_truth.filter(pl.col("kind") == "education")
    train = cat_truth.filter(pl.col("kind") == "training")
    sk = ["cognitive", "manual", "interpersonal"]
    book = CodeBook(
        group=(educ["group"] == "low").cast(pl.Int64).to_numpy(),
        cell=educ["cell"].cast(pl.Int64).to_numpy(),
        isco=educ["isco"].to_numpy(),
        educ_years=educ["educ_years"].to_numpy(),
        skills=educ.select(sk).to_numpy(),
        train_skills=train.select(sk).to_numpy(),
    )
    educ_codes = educ["code"].to_numpy()
    train_codes = train["code"].to_numpy()

    # shock: industry exposure growth relative to the first study year, demeaned
    expo = trade.exposure()
    ti = {t: i for i, t in enumerate(all_years)}
    g = expo / expo[:, [ti[y0]]] - 1.0
    dev = g - g.mean(axis=0, keepdims=True)
    dev = s.shock_cap * np.tanh(dev / s.shock_cap)  # smooth bound on the boom industries
    # firm-year confounder, AR(1) with unit variance
    e = np.zeros((firms.n, len(all_years)))
    e[:, 0] = rng["confounder"].normal(size=firms.n)
    r = s.rho_confounder
    for t in range(1, len(all_years)):
        e[:, t] = r * e[:, t - 1] + np.sqrt(1 - r * r) * rng["confounder"].normal(size=firms.n)

    params = {t: calibrated_parameters(t, s) for t in study}
    # planted effect (docs/synth.md): firm type = value added per worker in the first study
    # year *as the accounts record it* (expected x the accounts' noise of that year, drawn
    # here and handed to firm_accounts; the seed splits firms by the measured number) below
    # / at-or-above the median over the firms expected in the baseline sample (active in
    # every study year, capacity of at least 11 workers: the seed's 10-employee rule with
    # room for the draws)
    always = np.logical_and.reduce([firms.active(t) for t in study])
    va_noise0 = rng["firm_type"].normal(0.0, 0.08, firms.n)
    if s.firm_type not in ("expected", "recorded"):
        raise SkillshoreError(f"firm_type must be 'expected' or 'recorded', got {s.firm_type!r}")
    va0 = expected_va_per_worker(firms, y0) * (
        np.exp(va_noise0) if s.firm_type == "recorded" else 1.0
    )
    low_type = va0 < np.median(va0[always & (firms.capacity >= 11)])
    beta = np.where(low_type, s.beta_low, s.beta_high)
    u_seg = np.clip(rng["segregation"].normal(size=(firms.n, 2)), -2.5, 2.5)
    wf = Workforce(codes=book, settings=s, rng=rng["work"])
    z_cell = (np.arange(N_CELLS) - (N_CELLS - 1) / 2) / ((N_CELLS - 1) / 2)
    grid = (np.arange(N_CELLS) + 0.5) / N_CELLS
    work_parts, fy_parts, model_parts, match_parts, market_rows = [], [], [], [], []
    ne_parts: list[tuple[int, np.ndarray]] = []
    first_markets = None
    for t in study:
        p = params[t]
        act = np.flatnonzero(firms.active(t))
        y = _percentile(firms.log_a[act])
        cap = {
            "high": firms.capacity[act] * firms.high_share[act],
            "low": firms.capacity[act] * (1 - firms.high_share[act]),
        }
        # solved, then the seed's rates in the population of markets, not only on the
        # reference market (two Newton steps; docs/synth.md, "Matching")
        rates = None
        for _ in range(3):
            if rates is not None:
                p = population_correction(p, *rates, s)
            c_F = (p["C"] - p["C_star"]) - s.kappa * p["lambda"] * dev[:, ti[t]]
            ym = solve_year(
                t,
                p,
                act,
                firms.industry[act],
                y,
                cap,
                c_F,
                x_raw,
                s.lambda_x_share,
                t == y1,
                s.firm_volume,
                s.firm_mass,
            )
            rates = _population_rates(ym.rows)
        params[t] = p
        p["population_unemployment_rate"], p["population_offshoring_rate"] = rates
        if ym.counterfactual is not None:
            cf0 = {"year": t, **between_firm_gap(ym.counterfactual)}
        if first_markets is None:
            first_markets = ym
        for row in ym.rows:
            row["industry"] = trade.industries[row["industry"]]
        market_rows += ym.rows
        # targets: stochastic rounding of the expected counts, multinomial cells
        vapw = expected_va_per_worker(firms, t)[act]
        dom = {v: ym.n_high[v] + ym.n_exp["low"] for v in ("shock", "none", "h")}
        D = {
            "shock": vapw * ym.offshored / dom["shock"],
            "none": vapw * ym.offshored0 / dom["none"],
            "h": vapw * ym.offshored_h / dom["h"],
        }
        wt = (t - y0) / (y1 - y0)
        seg = {
            g: ((1 - wt) * sd[0] + wt * sd[1]) * u_seg[act, i]
            for i, (g, sd) in enumerate((("high", s.seg_sd_high), ("low", s.seg_sd_low)))
        }
        # planted means of raw cognitive skill: the model's, + beta D / 100, + firm tilt,
        # + the common upgrading trend (docs/synth.md, "The planted effect")
        common = seg["high"] + s.upgrade_high * wt**2
        Y = {v: ym.mean_x[v] + beta[act] * D[v] / 100 + common for v in D}
        planted = {
            "high": tilt_to_mean(ym.p_cell["high"], x_raw["high"], Y["shock"]),
            "low": tilt_to_mean(
                ym.p_cell["low"], x_raw["low"], ym.p_cell["low"] @ x_raw["low"] + seg["low"]
            ),
        }
        hr = rng["hire"]
        counts = {}
        wages = dict(ym.wages)
        for grp in ("high", "low"):
            n = np.floor(ym.n_exp[grp] + hr.random(len(act))).astype(np.int64)
            pc = planted[grp]
            if grp == "high":
                et = np.clip(e[act, ti[t]], -2.5, 2.5)
                xm = pc @ grid
                tilt = 1 - s.gamma * et[:, None] * (grid[None, :] - xm[:, None]) / np.std(grid)
                pc = np.clip(pc * tilt, 0.0, None)
                pc /= pc.sum(axis=1, keepdims=True)
                n_mean = ym.n_exp[grp]
            else:
                n = np.maximum(n, 1)
                n_mean = np.maximum(ym.n_exp[grp], 1.0)  # n_exp < 1 always draws one worker
            counts[grp] = hr.multinomial(n, pc)
            if s.consistent_wages:  # the worker side of the model on the drawn-from pc
                wages[grp] = consistent_wages(
                    ym.wages[grp], ym.p_cell[grp], pc, p["lambda"] * s.lambda_x_share
                )
            match_parts.append(
                pl.DataFrame(
                    {
                        "year": np.full(len(act) * N_CELLS, t, np.int32),
                        "firm_id": np.repeat(firms.firm_id[act], N_CELLS),
                        "group": np.full(len(act) * N_CELLS, grp),
                        "cell": np.tile(np.arange(N_CELLS, dtype=np.int32), len(act)),
                        "expected_model": (ym.n_exp[grp][:, None] * ym.p_cell[grp]).reshape(-1),
                        "expected": (ym.n_exp[grp][:, None] * planted[grp]).reshape(-1),
                        "draw_mean": (n_mean[:, None] * pc).reshape(-1),
                        "drawn": counts[grp].reshape(-1),
                    }
                )
            )
        # the unemployed of the high-offshorable markets: stochastic rounding of M f0(x_c)
        u_exp = ym.unemployed["high"].sum(axis=0)
        u_n = np.floor(u_exp + rng["nonemployed"].random(N_CELLS)).astype(np.int64)
        ne_parts.append((t, np.repeat(np.arange(N_CELLS), u_n)))
        # Fact 3: the more skilled high-offshorable incumbents turn over more, later on
        stay_shift = np.concatenate([-s.stay_tilt_high * wt * z_cell, np.zeros(N_CELLS)])
        pid, fglob, grp_arr, cell = wf.step(t, act, counts, stay_shift)
        local = np.full(firms.n, -1)
        local[act] = np.arange(len(act))
        work_parts.append(
            worker_rows(t, pid, fglob, grp_arr, cell, local, wages, wf, book, firms, p, rng["wage"])
        )
        emp = np.bincount(local[fglob], minlength=len(act))
        ratio = ym.offshored / dom["shock"]
        fy_parts.append((t, act, emp, ratio))
        model_parts.append(
            pl.DataFrame(
                {
                    "firm_id": firms.firm_id[act],
                    "year": np.full(len(act), t, np.int32),
                    "industry": np.array(trade.industries)[firms.industry[act]],
                    "y": y,
                    "sector": np.array(trade.industries)[firms.industry[act]].astype("U2"),
                    "low_type": low_type[act],
                    "always_active": always[act],
                    "employment": emp,
                    "exposure": expo[firms.industry[act], ti[t]],
                    "confounder": e[act, ti[t]],
                    "c_F": c_F[firms.industry[act]],
                    "n_high_expected": ym.n_high["shock"],
                    "n_low_expected": ym.n_exp["low"],
                    "offshored_expected": ym.offshored,
                    "Y1": 100 * Y["shock"],
                    "Y0": 100 * Y["none"],
                    "Yh": 100 * Y["h"],
                    "Y1_model": 100 * ym.mean_x["shock"],
                    "Y0_model": 100 * ym.mean_x["none"],
                    "D1": D["shock"],
                    "D0": D["none"],
                    "Dh": D["h"],
                }
            )
        )
    # base years: firms and customs with the first study year's offshoring ratio
    assert first_markets is not None
    ratio0 = np.zeros(firms.n)
    ratio0[first_markets.idx] = first_markets.offshored / (
        first_markets.n_high["shock"] + first_markets.n_exp["low"]
    )
    base_parts = []
    for t in range(base_years[0], base_years[1] + 1):
        act = np.flatnonzero(firms.active(t))
        n = np.maximum(
            1,
            np.round(
                firms.capacity[act]
                * (1 - params[y0]["unemployment_rate"])
                * np.exp(rng["acct"].normal(0, 0.1, len(act)))
            ),
        ).astype(np.int64)
        base_parts.append((t, act, n, ratio0[act]))
    firms_df, fy = firm_accounts(
        base_parts + fy_parts,
        firms,
        trade,
        e,
        ti,
        s,
        rng["acct"],
        (y0, va_noise0) if s.firm_type == "recorded" else None,
    )
    customs = build_customs(
        rng["customs"],
        trade,
        fy,
        firms.industry,
        firms.capacity,
        s.china_share_lowwage,
    )
    workers = finish_workers(pl.concat(work_parts), educ_codes, train_codes)
    catalog = cat_truth.select("code", "kind", "title").cast(SCHEMAS["catalog"].polars_schema)
    model_panel = pl.concat(model_parts)
    truth = _truth(s, params, market_rows, model_panel, years, base_years, x_raw, cf0)
    tables = {
        "workers": workers,
        "catalog": catalog,
        "firms": firms_df,
        "customs": customs,
        "world_trade": trade.world_trade,
    }
    if s.nonemployed:
        first = int(workers["person_id"].max() or 0) + 1
        tables["nonemployed"] = nonemployed_rows(
            ne_parts, book, educ_codes, first, rng["nonemployed"]
        )
    extra = {
        "catalog_truth": cat_truth,
        "firm_years": model_panel.sort(["firm_id", "year"]),
        "matches": pl.concat(match_parts).sort(["year", "firm_id", "group", "cell"]),
    }
    return tables, truth, extra


def _truth(s, params, market_rows, model_panel, years, base_years, x_raw, cf0):
    """truth.json from the DGP's own arrays (docs/synth.md, "Truth"); no estimator code."""
    panel = model_panel.sort(["firm_id", "year"])
    effects = planted_effects(panel, years)
    mk = pl.DataFrame(market_rows)
    return {
        "years": list(years),
        "base_years": list(base_years),
        "parameters_by_year": {str(t): v for t, v in params.items()},
        "dgp": {
            **s.to_dict(),
            "skill_cells": N_CELLS,
            "x_grid": "quantile grid (c + 1/2) / N within the occupation group, mapped onto "
            "the preset's support",
            "x_raw_cell_means": {g: v.tolist() for g, v in x_raw.items()},
            "y": "productivity percentile among the economy's active firms of the year, "
            "mapped onto the preset's support",
            "derivative_step_c_F": DERIV_STEP,
            "wage_coefficients": WAGE_COEF,
            "wage_rule": "log wage = log max(w, w0) + controls + noise; w = the "
            "equilibrium's w(x_c, y_j), plus lambda_x log(p_final / p_cell) (p_final the "
            "distribution the firm's cells are drawn from, p_cell the equilibrium's "
            "pi(x | y_j)) when consistent_wages",
            "training_rule": "skill = max(education skill, training skill), elementwise",
            "stay_rule": "an incumbent of high-offshorable skill cell c stays with probability "
            "stay_prob - stay_tilt_high w_t z_c, z_c in [-1, 1] (Fact 3), up to the cell's target",
            "high_offshorable_isco_majors": list(HIGH_GROUP_MAJORS),
            "c_F": "c_F,kt = (C - C*)_t - kappa lambda_t (g_kt - mean_k g_kt), g_kt = I*_kt / I*_k,t0 - 1; the demeaned growth is bounded smoothly, cap x tanh(dev / cap)",
            "planted_effect": "E(cognitive | firm, high-offshorable) = model mean + beta_j D / 100 "
            "+ seg_sd_t u_j (exponential tilt of the equilibrium's cell distribution); beta_j = "
            "beta_low or beta_high by VA per worker in the first study year, expected or as "
            "recorded in the firms table (firm_type), below / at-or-above the median of the "
            "expected baseline firms",
        },
        "sample": effects.pop("sample"),
        "effect_cognitive_x100_per_offshoring": {
            **{k: effects[k]["iv_true_exposure"] for k in SUBSETS if k in effects},
            "measure": "iv_true_exposure",
            "units": "100 x cognitive index per DKK 1,000 of narrow offshoring per worker",
            "definition": "docs/synth.md, 'Truth'; every estimand in 'effects'",
        },
        "effects": effects,
        "offshoring_by_year": market_summary(market_rows),
        "counterfactual_c_F_0": cf0,
        "markets": mk.to_dicts(),
    }
