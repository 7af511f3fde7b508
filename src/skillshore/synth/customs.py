"""Customs transactions of the synthetic economy (UHDI-like).

Per firm-year (base years and study years), with w_hk the industry's core-product weights:

* **exports**: every core product to the firm's 2-4 destinations, 0.35 x sales x w_hk
  split over destinations (firms below 10 workers of capacity export with probability 1/2);
* **offshoring purchases from China** in the core products: P_jt = VA_jt x
  (offshored / domestic workers) x exp(delta e_jt - delta^2 / 2), spread over the core
  products by w_hk with log-normal jitter (renormalised, so they sum to P_jt exactly):
  the seed's identifying assumption, purchases abroad / value added = offshored /
  domestic workers, with the firm-year confounder e_jt;
* other low-wage countries (VNM, IND or BGD): ``china_share_lowwage`` x P_jt;
* imports of the core products from DEU, SWE or NLD (0.04 x VA x w_hk) and of two input
  products of other sectors from DEU (0.004 x VA each, never exported);
* raw materials (HS 01-15, 25-27): two products from NOR or BRA (0.02 x VA) and one from
  China (0.01 x VA); food firms (sector 10) also export one raw-material product and import
  it from China, so narrow offshoring that forgot the raw-material rule would be wrong.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from skillshore.synth.trade import N_CORE, TradeSide
from skillshore.tables.schemas import SCHEMAS

__all__ = ["build_customs"]

DESTINATIONS = ("DEU", "SWE", "NOR", "GBR", "USA", "FRA", "NLD")
LOW_WAGE_OTHER = ("VNM", "IND", "BGD")
EU_SUPPLIERS = ("DEU", "SWE", "NLD")
RAW_SUPPLIERS = ("NOR", "BRA")


def _lognormal(rng: np.random.Generator, sd: float, shape) -> np.ndarray:
    return np.exp(rng.normal(0.0, sd, shape) - sd**2 / 2)


def build_customs(
    rng: np.random.Generator,
    trade: TradeSide,
    fy: pl.DataFrame,
    firm_industry: np.ndarray,
    firm_capacity: np.ndarray,
    lowwage_share: float,
) -> pl.DataFrame:
    """Customs table from firm-years ``fy`` (columns ``firm_id, fidx, year, value_added,
    sales, purchases``; ``fidx`` the firm index) and the trade side."""
    nf = len(firm_industry)
    n_dest = rng.integers(2, 5, nf)
    dest_pick = np.argsort(rng.random((nf, len(DESTINATIONS))), axis=1)
    dest_share = rng.dirichlet(np.ones(4), nf)
    exporter = (firm_capacity >= 10) | (rng.random(nf) < 0.5)
    lw_country = rng.integers(0, len(LOW_WAGE_OTHER), nf)
    eu_country = rng.integers(0, len(EU_SUPPLIERS), nf)
    raw_country = rng.integers(0, len(RAW_SUPPLIERS), nf)

    fidx = fy["fidx"].to_numpy()
    fid = fy["firm_id"].to_numpy()
    year = fy["year"].to_numpy()
    va = np.maximum(fy["value_added"].to_numpy(), 0.0)
    sales = fy["sales"].to_numpy()
    P = fy["purchases"].to_numpy()
    k = firm_industry[fidx]
    R = len(fidx)
    prods = np.array(trade.products)
    raws = np.array(trade.raw)
    core = prods[trade.core[k]]  # (R, N_CORE)
    w = trade.core_w[k]
    parts: list[tuple] = []

    def add(rows, country, hs6, flow, value):
        parts.append((fid[rows], year[rows], country, hs6, flow, value))

    rows_c = np.repeat(np.arange(R), N_CORE)
    hs_c = core.reshape(-1)
    w_c = w.reshape(-1)
    # exports
    used = np.arange(4)[None, :] < n_dest[:, None]
    dshare = dest_share * used / (dest_share * used).sum(axis=1, keepdims=True)
    for d in range(4):
        has = np.repeat(exporter[fidx] & (d < n_dest[fidx]), N_CORE)
        r = np.flatnonzero(has)
        val = (
            0.35
            * sales[rows_c]
            * w_c
            * np.repeat(dshare[fidx, d], N_CORE)
            * _lognormal(rng, 0.2, R * N_CORE)
        )
        country = np.repeat(np.array(DESTINATIONS)[dest_pick[fidx, d]], N_CORE)
        add(rows_c[r], country[r], hs_c[r], "export", val[r])
    # offshoring purchases from China (sum to P exactly) and other low-wage countries
    j = w * _lognormal(rng, 0.25, (R, N_CORE))
    j /= j.sum(axis=1, keepdims=True)
    add(rows_c, np.full(R * N_CORE, "CHN"), hs_c, "import", (P[:, None] * j).reshape(-1))
    j2 = w * _lognormal(rng, 0.25, (R, N_CORE))
    j2 /= j2.sum(axis=1, keepdims=True)
    lw = np.array(LOW_WAGE_OTHER)[lw_country[fidx]]
    add(
        rows_c,
        np.repeat(lw, N_CORE),
        hs_c,
        "import",
        (lowwage_share * P[:, None] * j2).reshape(-1),
    )
    # core products from EU suppliers; inputs of other sectors
    eu = np.array(EU_SUPPLIERS)[eu_country[fidx]]
    add(
        rows_c,
        np.repeat(eu, N_CORE),
        hs_c,
        "import",
        0.04 * va[rows_c] * w_c * _lognormal(rng, 0.2, R * N_CORE),
    )
    rows_2 = np.repeat(np.arange(R), 2)
    add(
        rows_2,
        np.full(2 * R, "DEU"),
        prods[trade.inputs[k]].reshape(-1),
        "import",
        0.004 * va[rows_2] * _lognormal(rng, 0.3, 2 * R),
    )
    # raw materials
    rawc = np.array(RAW_SUPPLIERS)[raw_country[fidx]]
    add(
        rows_2,
        np.repeat(rawc, 2),
        raws[trade.raw_of[k]].reshape(-1),
        "import",
        0.02 * va[rows_2] * _lognormal(rng, 0.3, 2 * R),
    )
    first_raw = raws[trade.raw_of[k, 0]]
    add(np.arange(R), np.full(R, "CHN"), first_raw, "import", 0.01 * va * _lognormal(rng, 0.3, R))
    food = np.flatnonzero(np.array(trade.industry_sector)[k] == "10")
    add(food, np.full(len(food), "DEU"), first_raw[food], "export", 0.05 * sales[food])
    add(food, np.full(len(food), "CHN"), first_raw[food], "import", 0.02 * va[food])

    cols = list(SCHEMAS["customs"].polars_schema)
    df = pl.DataFrame(
        {c: np.concatenate([np.asarray(p[i]) for p in parts]) for i, c in enumerate(cols[:4])}
        | {
            "flow": np.concatenate([np.full(len(p[0]), p[4]) for p in parts]),
            "value": np.concatenate([np.asarray(p[5], dtype=np.float64) for p in parts]),
        }
    ).cast(SCHEMAS["customs"].polars_schema)
    return (
        df.filter(pl.col("value") > 0)
        .group_by(cols[:5])
        .agg(pl.col("value").sum())
        .sort(cols[:5])
        .select(cols)
    )
