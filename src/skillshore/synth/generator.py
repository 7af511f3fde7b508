"""Synthetic Denmark: a manufacturing economy whose matches are drawn from the
project's global-economy matching model, with a recorded ground truth.

Components (docs/synth.md has the full description):

* trade side: 120 own-industry HS6 products plus 15 raw-material products; China's
  export supply to the world excluding Denmark, WES_ht, grows product by product;
* firms: 8 manufacturing sectors x 3 six-digit industries; productivity, size,
  capital, region; entry and exit;
* workers: catalog codes with a true O*NET occupation and true skills; careers with
  continuing workers and new matches; training records;
* matching: each year and market (industry x occupation group) the equilibrium of
  :class:`skillshore.matching.MatchingModel` (seed's 1996 and 2006 estimates,
  interpolated) on skill cells x firms; the offshoring cost falls where China's export
  supply to the industry's products rises; firms hire their domestic workers from the
  equilibrium matches and buy abroad what the foreign matches produce (the seed's
  identifying assumption: purchases abroad / value added = offshored / domestic workers);
* a confounder: a firm-year shock raises offshoring and tilts hiring towards lower
  skills, so OLS is biased while the industry shift-share instrument is not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from skillshore._results import TableMixin
from skillshore.errors import SkillshoreError
from skillshore.matching import SEED_CALIBRATION, SEED_ESTIMATES, MatchingModel, solve
from skillshore.report.io import atomic_path, write_json, write_text
from skillshore.skills import occupation_skills
from skillshore.synth.catalog import build_catalog
from skillshore.tables.schemas import SCHEMAS

__all__ = ["generate", "SynthResult", "SCALES"]

#: firms per 6-digit industry, catalog codes, workers per firm scale
SCALES = {
    "tiny": {"firms_per_industry": 4, "codes": 200, "size_mult": 0.6},
    "demo": {"firms_per_industry": 25, "codes": 800, "size_mult": 1.0},
    "paper": {"firms_per_industry": 140, "codes": 2449, "size_mult": 1.6},
}
SECTORS = {
    "10": (16, 21),
    "20": (28, 38),
    "22": (39, 40),
    "25": (73, 83),
    "26": (85, 85),
    "27": (85, 85),
    "28": (84, 84),
    "31": (94, 94),
}
PARTNERS_EXPORT = ["DEU", "SWE", "USA", "GBR", "NOR"]
HIGH_GROUP_MAJORS = ("4", "7", "8")
N_CELLS = 12
KAPPA = 12.0  # fall of the offshoring cost per log point of the industry's export-supply index
GAMMA = 1.0  # confounder's tilt of hiring towards low skill
DELTA = 0.5  # confounder's effect on log offshoring purchases
WAGE_COEF = {
    "educ_years": 0.04,
    "experience": 0.03,
    "experience2": -0.0006,
    "cognitive": 0.25,
    "manual": 0.05,
    "interpersonal": 0.3,
}


@dataclass(frozen=True)
class SynthResult(TableMixin):
    """What :func:`generate` wrote: paths, row counts and the truth."""

    out_dir: Path
    paths: dict[str, Path]
    rows: dict[str, int]
    truth: dict = field(repr=False)
    title: str = "Synthetic economy"

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame({"rows": self.rows, "file": {k: v.name for k, v in self.paths.items()}})


def _year_params(year: int) -> dict[str, float]:
    """The seed's estimates and calibration, linearly interpolated between 1996 and 2006."""
    w = min(max((year - 1996) / 10.0, 0.0), 1.0)
    out = {}
    for src in (SEED_ESTIMATES, SEED_CALIBRATION):
        for k in src[1996]:
            out[k] = (1 - w) * src[1996][k] + w * src[2006][k]
    return out


def _hs6_codes(rng: np.random.Generator) -> tuple[dict[str, list[str]], list[str]]:
    own: dict[str, list[str]] = {}
    used: set[str] = set()
    for sector, (lo, hi) in SECTORS.items():
        for k in range(3):
            ind = f"{sector}{k + 1:02d}00"
            codes = []
            while len(codes) < 5:
                c = f"{rng.integers(lo, hi + 1):02d}{rng.integers(1, 99):02d}{rng.integers(10, 99):02d}"
                if c not in used:
                    used.add(c)
                    codes.append(c)
            own[ind] = codes
    raw = []
    while len(raw) < 15:
        ch = int(rng.choice([*range(1, 16), 25, 26, 27]))
        c = f"{ch:02d}{rng.integers(1, 99):02d}{rng.integers(10, 99):02d}"
        if c not in used:
            used.add(c)
            raw.append(c)
    return own, raw


def generate(
    out_dir: str | Path,
    scale: str = "demo",
    seed: int = 0,
    years: tuple[int, int] = (1996, 2006),
    base_years: tuple[int, int] = (1993, 1995),
) -> SynthResult:
    """Write the synthetic economy's raw tables, ``study.toml`` and ``truth.json``.

    Parameters
    ----------
    out_dir : path
        Output folder (created).
    scale : {"tiny", "demo", "paper"}
        Size of the economy.
    seed : int
        Seed; the same seed writes byte-identical files.
    years, base_years : (int, int)
        Study years and the pre-sample years for the initial import shares.
    """
    if scale not in SCALES:
        raise SkillshoreError(f"scale must be one of {sorted(SCALES)}, got {scale!r}")
    cfg = SCALES[scale]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ss = np.random.SeedSequence(seed)
    r_trade, r_firm, r_cat, r_work, r_conf = (np.random.default_rng(s) for s in ss.spawn(5))
    all_years = list(range(base_years[0], years[1] + 1))

    # ---------------------------------------------------------------- trade side
    own, raw = _hs6_codes(r_trade)
    industries = sorted(own)
    products = sorted({h for v in own.values() for h in v})
    growth = {h: r_trade.normal(0.15, 0.09) for h in products}
    wes0 = {h: float(np.exp(r_trade.normal(9.0, 1.0))) for h in products + raw}
    wt_rows = []
    for h in products + raw:
        g = growth.get(h, 0.03)
        for t in all_years:
            level = wes0[h] * np.exp(g * (t - all_years[0]) + r_trade.normal(0, 0.05))
            for imp, share in (
                ("USA", 0.35),
                ("DEU", 0.25),
                ("JPN", 0.2),
                ("GBR", 0.15),
                ("DNK", 0.05),
            ):
                wt_rows.append(("CHN", imp, h, t, level * share))
            for exp_ in ("DEU", "USA"):
                wt_rows.append(
                    (exp_, "FRA", h, t, wes0[h] * 0.5 * np.exp(0.04 * (t - all_years[0])))
                )
    world_trade = pl.DataFrame(
        wt_rows, schema=["exporter", "importer", "hs6", "year", "value"], orient="row"
    )
    # industry import weights over own products and the true exposure index
    w_hk = {k: r_trade.dirichlet(np.full(5, 1.5)) for k in industries}
    wes_idx = {
        k: {
            t: float(
                sum(
                    w * np.exp(growth[h] * (t - all_years[0]))
                    for w, h in zip(w_hk[k], own[k], strict=True)
                )
            )
            for t in all_years
        }
        for k in industries
    }

    # ---------------------------------------------------------------- firms
    nf = cfg["firms_per_industry"]
    frows = []
    firm_info = []
    fid = 1000
    regions = [
        "Copenhagen",
        "Copenhagen environs",
        "Zealand",
        "Southern Denmark",
        "Central Jutland",
        "North Jutland",
    ]
    for k in industries:
        for _ in range(nf):
            fid += 1
            prod = r_firm.normal()
            size = max(
                10.0, float(np.exp(3.2 + 0.5 * prod + r_firm.normal(0, 0.5))) * cfg["size_mult"]
            )
            kint = float(
                np.exp(r_firm.normal(5.0, 0.4) + (0.3 if k[:2] in ("20", "22", "26") else 0.0))
            )
            enter = (
                all_years[0]
                if r_firm.random() > 0.1
                else int(r_firm.integers(years[0] + 1, years[1]))
            )
            leave = (
                all_years[-1]
                if r_firm.random() > 0.1
                else int(r_firm.integers(years[0] + 1, years[1]))
            )
            if leave <= enter:
                enter, leave = all_years[0], all_years[-1]
            region = str(r_firm.choice(regions, p=[0.22, 0.1, 0.13, 0.2, 0.23, 0.12]))
            firm_info.append(
                {
                    "firm_id": fid,
                    "industry": k,
                    "prod": prod,
                    "size": size,
                    "kint": kint,
                    "enter": enter,
                    "leave": leave,
                    "region": region,
                }
            )

    # ---------------------------------------------------------------- catalog and skills
    occ = occupation_skills()
    cat = build_catalog(occ, cfg["codes"], 0.15, r_cat)
    truth_cat = cat.join(
        occ.select("onet_soc", "isco", "cognitive", "manual", "interpersonal"),
        on="onet_soc",
        how="left",
    )
    educ = truth_cat.filter(pl.col("kind") == "education")
    train = truth_cat.filter(pl.col("kind") == "training")
    major = educ["isco"].str.slice(0, 1)
    educ = educ.with_columns(
        group=pl.when(major.is_in(list(HIGH_GROUP_MAJORS)))
        .then(pl.lit("high"))
        .otherwise(pl.lit("low"))
    )
    educ_years_by_major = {
        "1": 17,
        "2": 17,
        "3": 15,
        "4": 12,
        "5": 12,
        "6": 11,
        "7": 12,
        "8": 11,
        "9": 10,
        "0": 13,
    }
    educ = educ.with_columns(
        educ_years=pl.col("isco")
        .str.slice(0, 1)
        .replace_strict(educ_years_by_major, default=12)
        .cast(pl.Float64)
    )
    # skill cells per group: quantile bins of cognitive among the group's codes
    cells: dict[str, dict] = {}
    for g in ("high", "low"):
        e = educ.filter(pl.col("group") == g).sort("code")
        cog = e["cognitive"].to_numpy()
        edges = np.quantile(cog, np.linspace(0, 1, N_CELLS + 1))
        idx = np.clip(np.searchsorted(edges, cog, side="right") - 1, 0, N_CELLS - 1)
        mids = np.array(
            [cog[idx == c].mean() if np.any(idx == c) else np.nan for c in range(N_CELLS)]
        )
        keep = ~np.isnan(mids)
        cells[g] = {"codes": e, "cell": idx, "mid": mids, "keep": keep}

    # ---------------------------------------------------------------- matching, year by year
    conf = {}  # firm-year confounder
    market_truth = []
    effects = []
    imports_china: dict[tuple[int, int], float] = {}
    workers_rows: list[tuple] = []
    roster: dict[tuple[int, str], list[int]] = {}
    person_info: dict[int, dict] = {}
    next_pid = 1
    group_share = {"high": 0.6, "low": 0.4}
    for t in all_years:
        p = _year_params(t)
        lam = p["lambda"]
        for k in industries:
            active = [f for f in firm_info if f["industry"] == k and f["enter"] <= t <= f["leave"]]
            if not active:
                continue
            prods = np.array([f["prod"] for f in active])
            yq = (np.argsort(np.argsort(prods)) + 0.5) / len(active)
            dlog = np.log(wes_idx[k][t]) - np.log(wes_idx[k][years[0]])
            c_f = (p["C"] - p["C_star"]) - KAPPA * dlog
            for f in active:
                conf[(f["firm_id"], t)] = float(r_conf.normal())
            for g in ("high", "low"):
                cg = cells[g]
                x = cg["mid"][cg["keep"]]
                nx = x.size
                demand = np.array([f["size"] * group_share[g] for f in active])
                gbar = demand / demand.sum()
                common = dict(
                    x=x,
                    y=yq,
                    fbar=np.full(nx, (1 + p["unemployment_rate"]) / nx),
                    gbar=gbar,
                    Phi=p["Phi"],
                    C=p["C"],
                    lambda_x=lam / 2,
                    lambda_y=lam / 2,
                    w0=p["w0"],
                    r0=p["r0"],
                    nu_x=p["nu_x"],
                    nu_y=p["nu_y"],
                    fbar_star=np.full(nx, p["fbar_star"] / nx),
                    w0_star=p["w0_star"],
                    nu_x_star=p["nu_x_star"],
                    nu_y_star=p["nu_y_star"],
                    dx=1.0 / nx,
                    dy=1.0 / len(active),
                )
                eq = solve(MatchingModel(C_star=p["C"] - c_f, **common), tol=1e-10)
                pi, ps = eq.pi, eq.pi_star
                dom = pi.sum(axis=0)
                offsh = ps.sum(axis=0) / dom
                quality = (pi * x[:, None]).sum(axis=0) / dom
                wages = eq.wages()
                market_truth.append(
                    {
                        "year": t,
                        "industry": k,
                        "group": g,
                        "c_F": c_f,
                        "offshoring_rate": eq.offshoring_rate,
                        "unemployment_rate": eq.unemployment_rate,
                        "sweeps": eq.n_iter,
                        "margin_error": eq.marginal_error,
                    }
                )
                if g == "high" and t >= years[0]:
                    eq0 = solve(
                        MatchingModel(C_star=p["C"] - (p["C"] - p["C_star"]), **common), tol=1e-10
                    )
                    d0 = eq0.pi.sum(axis=0)
                    q0 = (eq0.pi * x[:, None]).sum(axis=0) / d0
                    o0 = eq0.pi_star.sum(axis=0) / d0
                for j, f in enumerate(active):
                    va = f["size"] * float(np.exp(5.5 + 0.3 * f["prod"]))
                    e = conf[(f["firm_id"], t)]
                    if g == "high":
                        imports_china[(f["firm_id"], t)] = (
                            va * offsh[j] * float(np.exp(DELTA * e - DELTA**2 / 2))
                        )
                        if t >= years[0]:
                            effects.append(
                                {
                                    "firm_id": f["firm_id"],
                                    "year": t,
                                    "prod": f["prod"],
                                    "dY": 100 * (quality[j] - q0[j]),
                                    "dD": va * (offsh[j] - o0[j]) / f["size"],
                                }
                            )
                    if t < years[0]:
                        continue
                    # hire: target cell distribution tilted by the confounder
                    target = pi[:, j] * np.exp(-GAMMA * e * x)
                    target /= target.sum()
                    n_j = max(
                        1,
                        int(
                            round(
                                f["size"]
                                * group_share[g]
                                * dom[j]
                                / gbar[j]
                                / (1 + p["unemployment_rate"])
                            )
                        ),
                    )
                    quota = np.floor(n_j * target + 1.0).astype(
                        int
                    )  # stayers kept up to the expected count
                    key = (f["firm_id"], g)
                    prev = roster.get(key, [])
                    stay = [pid for pid in prev if r_work.random() < 0.9]
                    kept, counts = [], np.zeros(nx, dtype=int)
                    for pid in stay:
                        c = person_info[pid]["cell"]
                        if counts[c] < quota[c] and len(kept) < n_j:
                            kept.append(pid)
                            counts[c] += 1
                    want = r_work.multinomial(max(n_j - len(kept), 0), target)
                    new = []
                    code_cell = _cell_index(cg)[0]
                    for c in np.flatnonzero(want):
                        pool = np.flatnonzero(code_cell == c)
                        for _ in range(int(want[c])):
                            row = cg["codes"].row(int(r_work.choice(pool)), named=True)
                            pid = next_pid
                            next_pid += 1
                            age0 = int(r_work.integers(20, 58))
                            tr = None
                            if train.height and r_work.random() < 0.2:
                                tr = train.row(int(r_work.integers(train.height)), named=True)
                            person_info[pid] = {
                                "cell": int(c),
                                "educ": row,
                                "train": tr,
                                "age0": age0,
                                "t0": t,
                            }
                            new.append(pid)
                    roster[key] = kept + new
                    for pid in roster[key]:
                        info = person_info[pid]
                        edu = info["educ"]
                        age = info["age0"] + (t - info["t0"])
                        exper = max(0.0, age - edu["educ_years"] - 6.0)
                        tr = info["train"]
                        skills = {
                            s: edu[s] if tr is None else max(edu[s], tr[s])
                            for s in ("cognitive", "manual", "interpersonal")
                        }
                        lw = (
                            np.log(max(float(wages[info["cell"], j]), 1.0))
                            + WAGE_COEF["educ_years"] * (edu["educ_years"] - 12)
                            + WAGE_COEF["experience"] * exper
                            + WAGE_COEF["experience2"] * exper**2
                            + sum(WAGE_COEF[s] * (skills[s] - 0.5) for s in skills)
                            + r_work.normal(0, 0.15)
                        )
                        isco = edu["isco"]
                        workers_rows.append(
                            (
                                pid,
                                t,
                                f["firm_id"],
                                isco,
                                edu["code"],
                                tr["code"] if tr else None,
                                float(edu["educ_years"]),
                                float(exper),
                                float(np.exp(lw)),
                                float(r_work.normal(1600, 120)),
                                int(age),
                                f["region"],
                            )
                        )
    # ---------------------------------------------------------------- tables
    workers = pl.DataFrame(
        workers_rows, schema=list(SCHEMAS["workers"].polars_schema), orient="row"
    )
    workers = workers.cast(SCHEMAS["workers"].polars_schema).sort(["person_id", "year"])
    workers = workers.unique(["person_id", "year"], keep="first", maintain_order=True)

    emp = workers.group_by(["firm_id", "year"]).len()
    emp_d = {(a, b): c for a, b, c in emp.iter_rows()}
    frows = []
    crow = []
    for f in firm_info:
        for t in range(f["enter"], f["leave"] + 1):
            L = emp_d.get((f["firm_id"], t), int(round(f["size"])))
            va = L * float(np.exp(5.5 + 0.3 * f["prod"] + r_firm.normal(0, 0.05)))
            sales = va * float(np.exp(r_firm.normal(0.9, 0.1)))
            cap = L * f["kint"]
            imp_c = imports_china.get((f["firm_id"], t), 0.0) * L / max(f["size"], 1.0)
            frows.append(
                (f["firm_id"], t, f["industry"], sales, va, cap, int(L), f["region"], imp_c)
            )
            own_k = own[f["industry"]]
            w = w_hk[f["industry"]]
            for h, wh in zip(own_k, w, strict=True):
                if wh < 0.05:
                    continue
                if imp_c > 0:
                    crow.append((f["firm_id"], t, "CHN", h, "import", imp_c * wh))
                    crow.append(
                        (
                            f["firm_id"],
                            t,
                            "VNM",
                            h,
                            "import",
                            0.25 * imp_c * wh * float(r_trade.uniform(0.5, 1.5)),
                        )
                    )
                crow.append((f["firm_id"], t, "DEU", h, "import", 0.05 * va * wh))
                for dest in PARTNERS_EXPORT[:3]:
                    crow.append((f["firm_id"], t, dest, h, "export", 0.1 * sales * wh))
            for h in raw[:3]:
                crow.append((f["firm_id"], t, "NOR", h, "import", 0.02 * va))
                crow.append((f["firm_id"], t, "CHN", h, "import", 0.01 * va))
    firms = pl.DataFrame(frows, schema=list(SCHEMAS["firms"].polars_schema), orient="row").cast(
        SCHEMAS["firms"].polars_schema
    )
    customs = pl.DataFrame(crow, schema=list(SCHEMAS["customs"].polars_schema), orient="row").cast(
        SCHEMAS["customs"].polars_schema
    )
    customs = customs.group_by(
        ["firm_id", "year", "country", "hs6", "flow"], maintain_order=True
    ).agg(pl.col("value").sum())
    world_trade = world_trade.cast(SCHEMAS["world_trade"].polars_schema)
    world_trade = world_trade.group_by(
        ["exporter", "importer", "hs6", "year"], maintain_order=True
    ).agg(pl.col("value").sum())
    catalog = cat.select("code", "kind", "title")

    # ---------------------------------------------------------------- truth
    eff = pl.DataFrame(effects)
    truth = {"scale": scale, "seed": seed, "years": list(years), "base_years": list(base_years)}
    if eff.height:
        eff = eff.with_columns(low=pl.col("prod") < pl.col("prod").median())

        def slope(d: pl.DataFrame) -> float:
            dy, dd = d["dY"].to_numpy(), d["dD"].to_numpy()
            return float(np.sum(dy * dd) / np.sum(dd * dd)) if np.sum(dd * dd) > 0 else float("nan")

        truth["effect_cognitive_x100_per_offshoring"] = {
            "all": slope(eff),
            "low_productivity": slope(eff.filter(pl.col("low"))),
            "high_productivity": slope(eff.filter(~pl.col("low"))),
            "definition": "slope through the origin of the firm-year change in 100 x E(cognitive | firm) on the change in China offshoring per worker (DKK 1,000) between the economy with and without the export-supply shock (high-offshorable occupations)",
        }
    truth["parameters_by_year"] = {t: _year_params(t) for t in all_years}
    truth["dgp"] = {
        "kappa": KAPPA,
        "gamma_confounder": GAMMA,
        "delta_confounder": DELTA,
        "wage_coefficients": WAGE_COEF,
        "skill_cells": N_CELLS,
        "lambda_x_share": 0.5,
        "training_rule": "skill = max(education skill, training skill), elementwise",
    }
    truth["markets"] = market_truth

    paths = {}
    for name, df in (
        ("workers", workers),
        ("catalog", catalog),
        ("firms", firms),
        ("customs", customs),
        ("world_trade", world_trade),
    ):
        path = out_dir / f"{name}.parquet"
        with atomic_path(path) as tmp:
            df.write_parquet(tmp, statistics=False, compression="zstd")
        paths[name] = path
    tdir = out_dir / "truth"
    tdir.mkdir(exist_ok=True)
    with atomic_path(tdir / "catalog_truth.parquet") as tmp:
        truth_cat.write_parquet(tmp, statistics=False)
    write_json(out_dir / "truth.json", truth)
    write_text(
        out_dir / "study.toml",
        f'[study]\nname = "Synthetic Denmark (scale={scale}, seed={seed})"\nyears = [{years[0]}, {years[1]}]\n'
        f"base_years = [{base_years[0]}, {base_years[1]}]\nseed = {seed}\n\n[tables]\n"
        + "".join(f'{n} = "{p.name}"\n' for n, p in paths.items()),
    )
    rows = {
        "workers": workers.height,
        "catalog": catalog.height,
        "firms": firms.height,
        "customs": customs.height,
        "world_trade": world_trade.height,
    }
    return SynthResult(
        out_dir=out_dir, paths=paths, rows=rows, truth=json.loads(json.dumps(truth, default=float))
    )


def _cell_index(cg: dict) -> tuple[np.ndarray]:
    """Cell of each code in the solver's numbering (cells with no code removed)."""
    keep_idx = np.cumsum(cg["keep"]) - 1
    return (keep_idx[cg["cell"]],)
