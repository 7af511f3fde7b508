"""Firm population of the synthetic economy.

Each firm j of industry k has a fixed productivity log a_j (sector mean + 0.35 z_j, z_j
standard normal, stratified within the industry so that industries share the same mix),
a labour capacity (log-normal, rising with productivity; about 12% of firms have fewer
than 10 workers), a share of high-offshorable jobs in that capacity (Beta(6, 4)),
capital per worker (higher in chemicals, plastics and electronics), a region and an
entry and exit year (about 15% enter after 1996, 12% exit before 2006; no exit before
the first study year, so every base-year firm is observed in 1996).

Accounts (DKK 1,000): value added is Cobb-Douglas, log VA = log a_j + 0.3 log K + 0.7 log L
+ 5.6 - 0.3 x 5 + 0.015 (t - 1996) + N(0, 0.08^2), so value added per worker, sales per
unit of capital and the TFP proxy of :mod:`skillshore.panel.firm_types` all rank firms
by a_j (with noise); sales = VA x exp(0.95 + N(0, 0.1^2)); capital = L x k_j.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.special import ndtri

from skillshore.synth.params import SynthSettings
from skillshore.tables.schemas import SCHEMAS

__all__ = ["REGIONS", "FirmPopulation", "draw_firms", "expected_va_per_worker", "firm_accounts"]

REGIONS: dict[str, float] = {
    "Copenhagen": 0.14,
    "Copenhagen environs": 0.12,
    "Zealand": 0.14,
    "Southern Denmark": 0.24,
    "Central Jutland": 0.24,
    "North Jutland": 0.12,
}
_CAPITAL_INTENSIVE = ("20", "22", "26")


@dataclass(frozen=True)
class FirmPopulation:
    """Firm attributes (arrays indexed by firm, ids ascending)."""

    firm_id: np.ndarray
    industry: np.ndarray  # industry index k
    log_a: np.ndarray
    capacity: np.ndarray  # workers
    high_share: np.ndarray
    log_kint: np.ndarray
    region: np.ndarray  # str
    enter: np.ndarray
    leave: np.ndarray

    @property
    def n(self) -> int:
        return len(self.firm_id)

    def active(self, year: int) -> np.ndarray:
        return (self.enter <= year) & (self.leave >= year)


def draw_firms(
    rng: np.random.Generator,
    industry_sector: list[str],
    firms_per_industry: int,
    size: float,
    years: tuple[int, int],
    first_year: int,
) -> FirmPopulation:
    """Draw the firm population (module docstring)."""
    K = len(industry_sector)
    n = K * firms_per_industry
    ind = np.repeat(np.arange(K), firms_per_industry)
    sectors = sorted(set(industry_sector))
    sec_mu = dict(zip(sectors, rng.normal(0.0, 0.1, len(sectors)), strict=True))
    sec = np.array(industry_sector)[ind]
    # stratified within each industry: every industry has the same productivity mix, so
    # that industry-level shocks are not confounded with the firm mix (the common path of
    # the parameters moves firms of different productivity differently)
    u = (np.arange(firms_per_industry)[None, :] + rng.random((K, firms_per_industry))) / (
        firms_per_industry
    )
    z = 0.35 * ndtri(rng.permuted(u, axis=1).reshape(-1))
    log_a = np.array([sec_mu[s] for s in sec]) + z
    capacity = np.maximum(3.0, np.exp(np.log(size) + 1.2 * z + rng.normal(0.0, 0.75, n)))
    high_share = rng.beta(6.0, 4.0, n)
    log_kint = rng.normal(5.0, 0.45, n) + np.isin(sec, _CAPITAL_INTENSIVE) * 0.35
    names = list(REGIONS)
    region = np.array(names)[rng.choice(len(names), n, p=np.array(list(REGIONS.values())))]
    y0, y1 = years
    # entry in (y0, y1 - 1), exit in (y0, y1]; short spans keep the draws valid (the same
    # draws as before for spans of four years or more)
    enter = np.where(rng.random(n) < 0.15, rng.integers(y0 + 1, max(y1 - 1, y0 + 2), n), first_year)
    leave = np.where(rng.random(n) < 0.12, rng.integers(y0 + 1, max(y1, y0 + 2), n), y1)
    leave = np.where(leave <= enter, y1, leave)
    return FirmPopulation(
        firm_id=np.arange(100_001, 100_001 + n, dtype=np.int64),
        industry=ind,
        log_a=log_a,
        capacity=capacity,
        high_share=high_share,
        log_kint=log_kint,
        region=region,
        enter=enter.astype(np.int64),
        leave=leave.astype(np.int64),
    )


def expected_va_per_worker(firms: FirmPopulation, year: int) -> np.ndarray:
    """Deterministic part of value added per worker (DKK 1,000), per firm."""
    return np.exp(firms.log_a + 5.6 + 0.3 * (firms.log_kint - 5.0) + 0.015 * (year - 1996))


def firm_accounts(parts, firms, trade, e, ti, s: SynthSettings, rng, first=None):
    """Firm-year accounts and offshoring purchases (module docstring of firms, customs).

    ``first`` = (year, noise): the log value-added noise of that year's rows, one per firm
    (drawn beforehand: the planted effect's firm type is that year's recorded value added
    per worker); the other rows draw theirs here."""
    t_arr = np.concatenate([np.full(len(a), t) for t, a, _, _ in parts])
    idx = np.concatenate([a for _, a, _, _ in parts])
    L = np.concatenate([n for _, _, n, _ in parts]).astype(np.int64)
    ratio = np.concatenate([r for _, _, _, r in parts])
    order = np.lexsort((t_arr, idx))
    t_arr, idx, L, ratio = t_arr[order], idx[order], L[order], ratio[order]
    n = len(idx)
    vapw = np.exp(
        firms.log_a[idx] + 5.6 + 0.3 * (firms.log_kint[idx] - 5.0) + 0.015 * (t_arr - 1996)
    )
    noise = rng.normal(0, 0.08, n)
    if first is not None:
        noise = np.where(t_arr == first[0], first[1][idx], noise)
    va = L * vapw * np.exp(noise)
    sales = va * np.exp(0.95 + rng.normal(0, 0.1, n))
    capital = L * np.exp(firms.log_kint[idx] + rng.normal(0, 0.05, n))
    conf = e[idx, np.array([ti[t] for t in t_arr])]
    purchases = va * ratio * np.exp(s.delta * conf - s.delta**2 / 2)
    fy = pl.DataFrame(
        {
            "firm_id": firms.firm_id[idx],
            "fidx": idx,
            "year": t_arr.astype(np.int32),
            "industry": np.array(trade.industries)[firms.industry[idx]],
            "sales": sales,
            "value_added": va,
            "capital": capital,
            "employment": L,
            "region": firms.region[idx],
            "purchases": purchases,
        }
    )
    firms_df = (
        fy.rename({"purchases": "purchases_abroad"})
        .select(list(SCHEMAS["firms"].polars_schema))
        .cast(SCHEMAS["firms"].polars_schema)
    )
    return firms_df, fy
