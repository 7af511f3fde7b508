"""Trade side of the synthetic economy: products, industries and world trade.

* 135 HS6 products of manufacturing chapters (the seed's shift-share table: "135
  shifters"), spread over 8 two-digit sectors, plus 15 raw-material products (HS
  chapters 01-15 and 25-27, which the offshoring measure excludes).
* Each 6-digit industry has 6 core products drawn from its sector's pool (so sibling
  industries overlap but differ) with Dirichlet weights ``w_hk`` (the true import and
  export mix), 2 input products of other sectors (imported, never exported) and 2
  raw materials; food industries also export one raw-material product.
* China's export supply to the world excluding Denmark (seed eq. 3's WES_ht),
  log WES_ht = log WES_h0 + g_h (t - t0) + AR(1) noise, with product growth rates
  g_h ~ N(0.10, 0.06) and 12% "boom" products growing 0.10 faster. No product
  dominates (seed appendix "Validity of Instruments").
* The true exposure of industry k is I*_kt = sum_h w_hk WES_ht (own products); the
  shift-share instrument that the offshoring stage measures from base-year customs
  shares approximates it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from skillshore.tables.schemas import SCHEMAS

__all__ = ["SECTORS", "TradeSide", "build_trade"]

#: 2-digit sector -> (name, HS chapters of its products)
SECTORS: dict[str, tuple[str, tuple[int, ...]]] = {
    "10": ("food products", (16, 17, 18, 19, 20, 21)),
    "13": ("textiles", (52, 54, 55, 58, 60, 61, 62, 63)),
    "20": ("chemicals", (28, 29, 32, 33, 34, 38)),
    "22": ("rubber and plastics", (39, 40)),
    "25": ("fabricated metal products", (73, 76, 82, 83)),
    "26": ("computer and electronic products", (85, 90)),
    "28": ("machinery", (84,)),
    "31": ("furniture", (94,)),
}
RAW_CHAPTERS = (*range(1, 16), 25, 26, 27)
N_PRODUCTS = 135
N_RAW = 15
N_CORE = 6
CHINA_IMPORTERS = {"USA": 0.3, "DEU": 0.2, "JPN": 0.2, "GBR": 0.12, "FRA": 0.13, "DNK": 0.05}
OTHER_EXPORTERS = {"VNM": 0.06, "IND": 0.05, "DEU": 0.5, "USA": 0.4}
OTHER_IMPORTERS = ("USA", "FRA", "GBR")


@dataclass(frozen=True)
class TradeSide:
    """Products, industries and China's export supply (arrays indexed by product)."""

    products: list[str]  # own (non-raw) products, sorted
    product_sector: list[str]
    raw: list[str]
    industries: list[str]  # 6-digit codes, sorted
    industry_sector: list[str]
    core: np.ndarray  # (K, N_CORE) product indices
    core_w: np.ndarray  # (K, N_CORE) weights w_hk (rows sum to 1)
    inputs: np.ndarray  # (K, 2) product indices of other sectors
    raw_of: np.ndarray  # (K, 2) raw-product indices
    years: list[int]
    wes: np.ndarray  # (P, T) China -> world excluding DNK, USD 1,000
    growth: np.ndarray  # (P,) g_h
    world_trade: pl.DataFrame

    def exposure(self) -> np.ndarray:
        """True exposure I*_kt = sum_h w_hk WES_ht, shape (K, T)."""
        return np.einsum("kc,kct->kt", self.core_w, self.wes[self.core])


def _codes(rng: np.random.Generator, chapters, n: int, used: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        ch = int(rng.choice(chapters))
        c = f"{ch:02d}{int(rng.integers(1, 100)):02d}{int(rng.integers(10, 100)):02d}"
        if c not in used:
            used.add(c)
            out.append(c)
    return out


def build_trade(
    rng: np.random.Generator, industries_per_sector: int, years: list[int]
) -> TradeSide:
    """Draw the trade side (module docstring); ``years`` = every table year, base years first."""
    used: set[str] = set()
    sectors = sorted(SECTORS)
    per = np.full(len(sectors), N_PRODUCTS // len(sectors))
    per[: N_PRODUCTS - per.sum()] += 1
    prod, psec = [], []
    for s, n in zip(sectors, per, strict=True):
        codes = sorted(_codes(rng, SECTORS[s][1], int(n), used))
        prod += codes
        psec += [s] * len(codes)
    raw = sorted(_codes(rng, RAW_CHAPTERS, N_RAW, used))
    order = np.argsort(prod, kind="stable")
    prod = [prod[i] for i in order]
    psec = [psec[i] for i in order]
    psec_arr = np.array(psec)

    industries, isec = [], []
    for s in sectors:
        for k in range(industries_per_sector):
            industries.append(f"{s}{k // 2 + 1}{k % 2 + 1}00")
            isec.append(s)
    K = len(industries)
    core = np.zeros((K, N_CORE), dtype=np.int64)
    core_w = np.zeros((K, N_CORE))
    inputs = np.zeros((K, 2), dtype=np.int64)
    raw_of = np.zeros((K, 2), dtype=np.int64)
    for k, s in enumerate(isec):
        pool = np.flatnonzero(psec_arr == s)
        core[k] = np.sort(rng.choice(pool, size=N_CORE, replace=False))
        core_w[k] = rng.dirichlet(np.full(N_CORE, 0.8))
        others = np.flatnonzero(psec_arr != s)
        inputs[k] = np.sort(rng.choice(others, size=2, replace=False))
        raw_of[k] = np.sort(rng.choice(N_RAW, size=2, replace=False))

    P, T = len(prod), len(years)
    growth = rng.normal(0.10, 0.04, P) + np.where(rng.random(P) < 0.08, 0.06, 0.0)
    level0 = np.exp(rng.normal(10.0, 0.3, P))
    noise = np.zeros((P, T))
    for t in range(1, T):
        noise[:, t] = 0.5 * noise[:, t - 1] + rng.normal(0, 0.04, P)
    tt = np.arange(T)
    wes = level0[:, None] * np.exp(growth[:, None] * tt[None, :] + noise)
    raw_wes = np.exp(rng.normal(10.0, 0.5, N_RAW))[:, None] * np.exp(
        0.03 * tt[None, :] + rng.normal(0, 0.04, (N_RAW, T))
    )

    # world trade rows: China to its importers (DNK's share excluded from WES), other
    # exporters to other importers (export instrument's world import demand)
    all_codes = prod + raw
    all_wes = np.vstack([wes, raw_wes])
    n_all = len(all_codes)
    frames = []
    world = sum(v for k, v in CHINA_IMPORTERS.items() if k != "DNK")
    for imp, share in CHINA_IMPORTERS.items():
        jitter = np.exp(rng.normal(0, 0.05, (n_all, T)))
        frames.append(("CHN", imp, all_wes * share / world * jitter))
    for exp_, share in OTHER_EXPORTERS.items():
        g = rng.normal(0.04 if exp_ in ("DEU", "USA") else 0.08, 0.03, n_all)
        base = all_wes[:, :1] * share * np.exp(g[:, None] * tt[None, :])
        for imp in OTHER_IMPORTERS:
            if imp == exp_:
                continue
            frames.append((exp_, imp, base / 3 * np.exp(rng.normal(0, 0.05, (n_all, T)))))
    # rescale China's flows so that the sum over importers except DNK is exactly WES
    chn = [f for f in frames if f[0] == "CHN" and f[1] != "DNK"]
    tot = sum(f[2] for f in chn)
    frames = [(e, i, v * (all_wes / tot) if e == "CHN" and i != "DNK" else v) for e, i, v in frames]
    cols = {"exporter": [], "importer": [], "hs6": [], "year": [], "value": []}
    code_arr = np.repeat(np.array(all_codes), T)
    year_arr = np.tile(np.array(years, dtype=np.int32), n_all)
    for e, i, v in frames:
        cols["exporter"].append(np.full(n_all * T, e))
        cols["importer"].append(np.full(n_all * T, i))
        cols["hs6"].append(code_arr)
        cols["year"].append(year_arr)
        cols["value"].append(v.reshape(-1))
    wt = pl.DataFrame({k: np.concatenate(v) for k, v in cols.items()}).cast(
        SCHEMAS["world_trade"].polars_schema
    )
    wt = wt.sort(["exporter", "importer", "hs6", "year"])
    return TradeSide(
        products=prod,
        product_sector=psec,
        raw=raw,
        industries=industries,
        industry_sector=isec,
        core=core,
        core_w=core_w,
        inputs=inputs,
        raw_of=raw_of,
        years=list(years),
        wes=wes,
        growth=growth,
        world_trade=wt,
    )
