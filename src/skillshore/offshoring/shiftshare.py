"""General shift-share (Bartik) instrument tools.

Seed slide "Identification (Hummels et al, 2014 AER)", eq. (3),
``I_kt = sum_h s_hk0 WES_ht``, and the back-up slide "Validity of Bartik-type
instruments". Nothing here knows the study's tables: a design is any exposure
matrix (observations x shocks) with any shocks, so the tools serve other
shift-share designs too.

* :func:`bartik` -- the instrument from shares and shocks;
* :class:`ShiftShareDesign` -- exposure of each regression observation to
  each shock ``n = (product, period)``;
* :func:`shock_diagnostics` -- Borusyak, Hull and Jaravel (2022, Table 1)
  shock summary: mean / SD / IQR of shocks (raw, net of period effects),
  effective sample size ``1/HHI`` of the exposure weights, largest weight,
  counts;
* :func:`shock_growth` -- shocks in growth rates (the seed's units) or logs.

Regressions on a design: :mod:`skillshore.offshoring.shocklevel` (BHJ),
:mod:`skillshore.offshoring.rotemberg` (GPSS), :mod:`skillshore.offshoring.akm`
(Adao, Kolesar and Morales 2019).

Notation: observation ``i`` (regression weight ``e_i``), shock ``n`` with value
``g_n``, exposure ``S_in`` (``s_{h k(i) 0}`` when ``n = (h, t(i))``, else 0).
Exposure weights ``s_n = sum_i e_i S_in / sum_i e_i``. Residualized outcome
and regressor ``y_perp, x_perp`` (fixed effects and controls partialled out,
weighted); ``ybar_n = sum_i e_i S_in y_perp_i / sum_i e_i S_in``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError
from skillshore.offshoring._fit import to_pandas

__all__ = [
    "bartik",
    "ShiftShareDesign",
    "ShockDiagnostics",
    "shock_diagnostics",
    "shock_growth",
]


def bartik(
    shares: Any,
    shocks: Any,
    *,
    unit: str = "unit",
    product: str = "product",
    share: str = "share",
    period: str = "period",
    shock: str = "shock",
) -> Any:
    """Shift-share instrument ``I_ut = sum_h s_uh g_ht`` (seed eq. 3).

    Parameters
    ----------
    shares, shocks : arrays or long frames
        Either numpy arrays, ``shares`` (units x products) and ``shocks``
        (products x periods), giving a (units x periods) array; or long pandas /
        polars frames ``(unit, product, share)`` and ``(product, period,
        shock)``, giving a pandas frame ``(unit, period, instrument)`` for every
        unit with shares and every period with shocks (a product without a
        shock in a period contributes 0).
    """
    if isinstance(shares, np.ndarray) and isinstance(shocks, np.ndarray):
        if shares.ndim != 2 or shocks.ndim not in (1, 2) or shares.shape[1] != shocks.shape[0]:
            raise ModelInputError(
                f"shares {shares.shape} and shocks {shocks.shape} do not conform (products)."
            )
        return shares @ shocks
    s = to_pandas(shares, [unit, product, share])
    g = to_pandas(shocks, [product, period, shock])
    if s.duplicated([unit, product]).any() or g.duplicated([product, period]).any():
        raise ModelInputError(
            "shares must be unique by (unit, product), shocks by (product, period)."
        )
    m = s.merge(g, on=product, how="inner")
    m["instrument"] = m[share] * m[shock]
    inst = m.groupby([unit, period], as_index=False)["instrument"].sum()
    grid = pd.MultiIndex.from_product(
        [s[unit].drop_duplicates().sort_values(), g[period].drop_duplicates().sort_values()],
        names=[unit, period],
    ).to_frame(index=False)
    out = grid.merge(inst, on=[unit, period], how="left")
    out["instrument"] = out["instrument"].fillna(0.0)
    return out


@dataclass(frozen=True, eq=False)
class ShiftShareDesign:
    """Exposure of observations to shocks: ``z = exposure @ shocks``.

    Attributes
    ----------
    exposure : scipy.sparse.csr_array
        ``S`` (n_obs x n_shocks).
    shocks : ndarray
        ``g`` (n_shocks,).
    products, periods : ndarray
        Product and period label of each shock (``periods`` all equal in a
        cross-section).
    keys : DataFrame, optional
        The key columns of each row (e.g. ``industry, year``): regressions
        find the exposure of a data row by these keys (:meth:`rows_for`),
        never by row order. Rows with equal keys have equal exposure.
    shock_names : (str, str)
        Column names of the product and period labels in :meth:`shock_frame`
        and in a ``shock_data`` table joined to the shocks.
    """

    exposure: sp.csr_array
    shocks: np.ndarray
    products: np.ndarray
    periods: np.ndarray
    keys: pd.DataFrame | None = None
    shock_names: tuple[str, str] = ("product", "period")

    def __post_init__(self) -> None:
        if self.keys is not None and len(self.keys) != self.exposure.shape[0]:
            raise ModelInputError(
                f"keys has {len(self.keys)} rows, the exposure {self.exposure.shape[0]}."
            )
        n = self.shocks.shape[0]
        if self.exposure.shape[1] != n or self.products.shape != (n,) or self.periods.shape != (n,):
            raise ModelInputError(
                f"exposure {self.exposure.shape}, shocks ({n},), products {self.products.shape} "
                f"and periods {self.periods.shape} do not conform."
            )
        if not np.all(np.isfinite(self.shocks)):
            raise ModelInputError("shocks must be finite.")

    @classmethod
    def from_arrays(
        cls,
        exposure: Any,
        shocks: Any,
        products: Any = None,
        periods: Any = None,
        keys: Any = None,
    ) -> ShiftShareDesign:
        """From an (n_obs x n_shocks) exposure matrix and shocks; labels default to 0..n-1 and 0.

        ``keys``: a frame (or dict of columns) identifying each row, unique by
        row; regressions join their data to the rows by these columns.
        """
        g = np.asarray(shocks, dtype=float).ravel()
        n = g.shape[0]
        prod = np.arange(n) if products is None else np.asarray(products)
        per = np.zeros(n, dtype=int) if periods is None else np.asarray(periods)
        k = None
        if keys is not None:
            k = pd.DataFrame(keys).reset_index(drop=True)
            if k.duplicated().any():
                raise ModelInputError(
                    f"keys must identify the rows: duplicated {k[k.duplicated()].head(3).to_dict('records')}."
                )
        return cls(sp.csr_array(exposure, dtype=float), g, prod, per, k)

    @classmethod
    def from_panel(
        cls,
        obs: Any,
        shares: Any,
        shocks: Any,
        *,
        unit: str = "unit",
        product: str = "product",
        share: str = "share",
        period: str | None = "period",
        shock: str = "shock",
    ) -> ShiftShareDesign:
        """Panel design with time-invariant shares (seed eq. 3).

        ``obs`` has one row per regression observation with its exposure
        ``unit`` (e.g. industry) and ``period``; ``shares`` is long
        ``(unit, product, share)``; ``shocks`` long ``(product, period,
        shock)``. Shock ``n = (h, t)`` reaches observation ``i`` with weight
        ``share[unit(i), h]`` when ``t = period(i)``. With ``period=None``
        shocks are ``(product, shock)`` and reach every observation. The
        design's ``keys`` are ``(unit, period)``: data passed to the regressions
        must carry these columns.
        """
        okeys = [unit] if period is None else [unit, period]
        gkeys = [product] if period is None else [product, period]
        o = to_pandas(obs, okeys).reset_index(drop=True)
        s = to_pandas(shares, [unit, product, share])
        g = to_pandas(shocks, [*gkeys, shock])
        if g.duplicated(gkeys).any() or s.duplicated([unit, product]).any():
            raise ModelInputError(
                "shares must be unique by (unit, product), shocks by (product, period)."
            )
        g = g.sort_values(gkeys).reset_index(drop=True)
        g["_n"] = np.arange(len(g))
        o["_i"] = np.arange(len(o))
        m = o.merge(s, on=unit, how="inner").merge(g[[*gkeys, "_n"]], on=gkeys, how="inner")
        expo = sp.csr_array(
            (m[share].to_numpy(float), (m["_i"].to_numpy(), m["_n"].to_numpy())),
            shape=(len(o), len(g)),
        )
        per = np.zeros(len(g), dtype=int) if period is None else g[period].to_numpy()
        return cls(
            expo,
            g[shock].to_numpy(float),
            g[product].to_numpy(),
            per,
            keys=o[okeys].copy(),
            shock_names=(product, period or "period"),
        )

    @property
    def n_obs(self) -> int:
        return int(self.exposure.shape[0])

    @property
    def n_shocks(self) -> int:
        return int(self.shocks.shape[0])

    def instrument(self) -> np.ndarray:
        """``z_i = sum_n S_in g_n`` for every observation."""
        return self.exposure @ self.shocks

    def exposure_weights(self, weights: Any = None) -> np.ndarray:
        """``s_n = sum_i e_i S_in / sum_i e_i`` (sums to one with complete shares)."""
        e = self._obs_weights(weights)
        return (self.exposure.T @ e) / e.sum()

    def _obs_weights(self, weights: Any) -> np.ndarray:
        if weights is None:
            return np.ones(self.n_obs)
        e = np.asarray(weights, dtype=float).ravel()
        if e.shape != (self.n_obs,) or (e < 0).any() or not np.isfinite(e).all():
            raise ModelInputError(f"weights must be {self.n_obs} non-negative finite numbers.")
        return e

    def rows_for(self, data: pd.DataFrame) -> np.ndarray:
        """Design row of every row of ``data``, matched on the design's ``keys`` columns.

        Raises :class:`ModelInputError` naming the key values of ``data``
        that the design does not have (never matches by row order).
        """
        if self.keys is None:
            raise ModelInputError(
                "the design has no keys: build it with from_panel or from_arrays(keys=...), "
                "so data rows are matched by key, not by order."
            )
        cols = list(self.keys.columns)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ModelInputError(f"data lacks the design's key column(s) {missing}.")
        first = self.keys.drop_duplicates().reset_index(names="_row")
        probe = data[cols].reset_index(drop=True)
        try:
            m = probe.merge(first, on=cols, how="left", validate="many_to_one")
        except Exception as exc:  # dtype clash between the key columns
            raise ModelInputError(f"cannot match data to the design on {cols}: {exc}") from exc
        bad = m["_row"].isna()
        if bad.any():
            raise ModelInputError(
                f"{int(bad.sum())} data row(s) have keys {cols} absent from the design, e.g. "
                f"{probe[bad.to_numpy()].drop_duplicates().head(5).to_dict('records')}."
            )
        return m["_row"].to_numpy(np.int64)

    def shock_frame(self) -> pd.DataFrame:
        """The shocks as a frame ``(product, period, shock)`` named by ``shock_names``."""
        prod, per = self.shock_names
        return pd.DataFrame({prod: self.products, per: self.periods, "shock": self.shocks})

    def obs_periods(self) -> np.ndarray:
        """Period of each row: the period of the shocks it is exposed to (checked unique)."""
        e = self.exposure.tocoo()
        codes, labels = pd.factorize(pd.Series(self.periods))
        lo = np.full(self.n_obs, np.iinfo(np.int64).max)
        hi = np.full(self.n_obs, -1)
        np.minimum.at(lo, e.row, codes[e.col])
        np.maximum.at(hi, e.row, codes[e.col])
        bad = np.flatnonzero((hi < 0) | (lo != hi))
        if bad.size:
            raise ModelInputError(
                f"rows {bad[:5].tolist()} are exposed to no shock or to several periods: "
                "their period is undefined."
            )
        return np.asarray(labels)[hi]

    def with_missing_industry(self, label: Any = "(missing)") -> ShiftShareDesign:
        """Add BHJ's "missing industry": per period a shock 0 with exposure ``1 - sum_n S_in``.

        Borusyak, Hull and Jaravel (2022, section 4.2 / ssaggregate's
        ``addmissing``): with incomplete shares the unit-level regression
        controls for the sum of shares; at the shock level the missing
        industry enters with shock 0. Shares summing above one raise.
        """
        rowsum = np.asarray(self.exposure.sum(axis=1)).ravel()
        if (rowsum > 1 + 1e-9).any():
            raise ModelInputError(
                f"rows {np.flatnonzero(rowsum > 1 + 1e-9)[:5].tolist()} have shares summing above one."
            )
        per = self.obs_periods()
        labels, codes = np.unique(per, return_inverse=True)
        extra = sp.csr_array(
            (np.clip(1 - rowsum, 0, None), (np.arange(self.n_obs), codes.ravel())),
            shape=(self.n_obs, labels.shape[0]),
        )
        return ShiftShareDesign(
            sp.csr_array(sp.hstack([self.exposure, extra])),
            np.concatenate([self.shocks, np.zeros(labels.shape[0])]),
            np.concatenate([self.products.astype(object), np.full(labels.shape[0], label, object)]),
            np.concatenate([self.periods, labels]),
            keys=self.keys,
            shock_names=self.shock_names,
        )

    def product_matrix(self) -> tuple[np.ndarray, sp.csr_array]:
        """Product labels and the (n_shocks x n_products) 0/1 map of shocks to products."""
        labels, idx = np.unique(self.products, return_inverse=True)
        a = sp.csr_array(
            (np.ones(self.n_shocks), (np.arange(self.n_shocks), idx.ravel())),
            shape=(self.n_shocks, labels.shape[0]),
        )
        return labels, a


# --------------------------------------------------------------------------- shock summary
def _wquantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """Weighted quantile, inverted-CDF rule: smallest x with cumulative weight >= q."""
    order = np.argsort(x, kind="stable")
    cw = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cw, q * cw[-1] * (1 - 1e-12), side="left")])


def _wstats(g: np.ndarray, s: np.ndarray, sd_kind: str = "population") -> dict[str, float]:
    mean = float(np.sum(s * g) / s.sum())
    var = np.sum(s * (g - mean) ** 2) / s.sum()
    if sd_kind == "stata":  # analytic weights: weights rescaled to sum to N, divisor N-1
        var *= g.shape[0] / (g.shape[0] - 1)
    sd = float(np.sqrt(var))
    iqr = _wquantile(g, s, 0.75) - _wquantile(g, s, 0.25)
    return {"Mean": mean, "Standard deviation": sd, "Interquartile range": iqr}


def _period_demean(g: np.ndarray, s: np.ndarray, periods: np.ndarray) -> np.ndarray:
    codes = np.unique(periods, return_inverse=True)[1].ravel()
    means = np.bincount(codes, weights=s * g) / np.bincount(codes, weights=s)
    return g - means[codes]


@dataclass(frozen=True)
class ShockDiagnostics(TableMixin):
    """Shock-level summary of a shift-share design (BHJ 2022, Table 1; seed back-up slide).

    Shock statistics are weighted by the exposure weights ``s_n``; "Year FE"
    are the shocks net of ``s_n``-weighted period means. Effective sample sizes
    are ``1 / sum_n s_n^2`` (weights normalised to sum to one) across shocks
    (products x periods) and across products (``s_h = sum_t s_ht``).
    """

    raw: dict[str, float]
    period_fe: dict[str, float]
    ess_shocks: float
    ess_products: float
    max_weight_shocks: float
    max_weight_products: float
    n_shocks: int
    n_products: int
    n_periods: int
    title: str = "Validity of Bartik-type instruments: shock-level summary"

    def to_frame(self) -> pd.DataFrame:
        """Numbers in the seed's layout (blank cells NaN; counts as integers)."""
        nan = float("nan")
        rows: list[tuple[str, Any, Any]] = [(k, v, self.period_fe[k]) for k, v in self.raw.items()]
        rows += [
            ("Effective sample size (1/HHI) of s_n", nan, nan),
            ("across products and periods", self.ess_shocks, nan),
            ("across products", self.ess_products, nan),
            ("Largest share s_n", nan, nan),
            ("across products and periods", self.max_weight_shocks, nan),
            ("across products", self.max_weight_products, nan),
            ("No. of shocks", self.n_shocks, nan),
            ("No. of products", self.n_products, nan),
            ("No. of periods", self.n_periods, nan),
        ]
        return pd.DataFrame(
            [[a, b] for _, a, b in rows],
            index=[r[0] for r in rows],
            columns=["(1) Raw", "(2) Year FE"],
            dtype=object,
        )


def shock_growth(
    shocks: Any,
    *,
    product: str = "product",
    period: str = "period",
    shock: str = "shock",
    kind: Literal["growth", "log", "level"] = "growth",
) -> pd.DataFrame:
    """Shocks as growth rates between consecutive periods (seed: "Validity of Bartik-type
    instruments" reports *growth rates*: mean 1.408, SD 18.228).

    ``growth``: ``g_ht = x_ht / x_h,t-1 - 1`` with ``t-1`` the previous period of the
    table (all products' periods pooled); ``log``: ``log x_ht - log x_h,t-1``;
    ``level``: unchanged. The first period, products absent in the previous
    period and zero (or, for logs, non-positive) bases have no growth rate: they
    are left out and counted in ``result.attrs["dropped"]``.
    """
    g = to_pandas(shocks, [product, period, shock])
    if g.duplicated([product, period]).any():
        raise ModelInputError(f"shocks must be unique by ({product}, {period}).")
    if kind == "level":
        out = g.reset_index(drop=True)
        out.attrs["dropped"] = 0
        return out
    if kind not in ("growth", "log"):
        raise ModelInputError(f"kind must be 'growth', 'log' or 'level', got {kind!r}.")
    periods = np.sort(g[period].unique())
    prev = dict(zip(periods[1:], periods[:-1], strict=True))
    base = g.rename(columns={shock: "_base", period: "_prev"})
    cur = g[g[period].isin(prev)].assign(_prev=lambda f: f[period].map(prev))
    m = cur.merge(base, on=[product, "_prev"], how="inner")
    ok = m["_base"] > 0 if kind == "log" else m["_base"] != 0
    m = m[ok]
    if kind == "growth":
        m[shock] = m[shock] / m["_base"] - 1
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            m[shock] = np.log(m[shock]) - np.log(m["_base"])
        m = m[np.isfinite(m[shock])]
    out = m[[product, period, shock]].sort_values([product, period]).reset_index(drop=True)
    out.attrs["dropped"] = len(g) - len(out)
    return out


def shock_diagnostics(
    design: ShiftShareDesign,
    weights: Any = None,
    *,
    sd: Literal["population", "stata"] = "population",
) -> ShockDiagnostics:
    """BHJ (2022, Table 1) shock summary of ``design`` with observation weights ``weights``.

    Shocks with zero exposure weight are left out of every statistic and count.
    ``sd="population"`` (default; ``sum s (g - m)^2 / sum s``, as BHJ's Table 1
    and Python's weighted moments) or ``"stata"`` (``summarize [aw=s]``: times
    ``N/(N-1)``, ``N`` the number of shocks). The shocks are whatever the design
    holds: pass growth rates (:func:`shock_growth`) for the seed's units.
    """
    if sd not in ("population", "stata"):
        raise ModelInputError(f"sd must be 'population' or 'stata', got {sd!r}.")
    s_all = design.exposure_weights(weights)
    keep = s_all > 0
    if not keep.any():
        raise ModelInputError("no shock has positive exposure weight.")
    s, g = s_all[keep], design.shocks[keep]
    per = design.periods[keep]
    prods = design.products[keep]
    sn = s / s.sum()
    _, pidx = np.unique(prods, return_inverse=True)
    sh = np.bincount(pidx.ravel(), weights=sn)
    return ShockDiagnostics(
        raw=_wstats(g, s, sd),
        period_fe=_wstats(_period_demean(g, s, per), s, sd),
        ess_shocks=float(1 / np.sum(sn**2)),
        ess_products=float(1 / np.sum(sh**2)),
        max_weight_shocks=float(sn.max()),
        max_weight_products=float(sh.max()),
        n_shocks=int(keep.sum()),
        n_products=int(sh.shape[0]),
        n_periods=int(np.unique(per).shape[0]),
    )
