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
* :func:`rotemberg_weights` -- Goldsmith-Pinkham, Sorkin and Swift (2020);
* :func:`shock_level_regression` -- the BHJ equivalent shock-level IV and its
  exposure-robust standard error.

Notation: observation ``i`` (regression weight ``e_i``), shock ``n`` with value
``g_n``, exposure ``S_in`` (``s_{h k(i) 0}`` when ``n = (h, t(i))``, else 0).
Exposure weights ``s_n = sum_i e_i S_in / sum_i e_i``. Residualized outcome
and regressor ``y_perp, x_perp`` (fixed effects and controls partialled out,
weighted); ``ybar_n = sum_i e_i S_in y_perp_i / sum_i e_i S_in``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring._fit import residualize, to_pandas

__all__ = [
    "bartik",
    "ShiftShareDesign",
    "ShockDiagnostics",
    "shock_diagnostics",
    "RotembergWeights",
    "rotemberg_weights",
    "ShockLevelResult",
    "shock_level_regression",
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
    """

    exposure: sp.csr_array
    shocks: np.ndarray
    products: np.ndarray
    periods: np.ndarray

    def __post_init__(self) -> None:
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
    ) -> ShiftShareDesign:
        """From an (n_obs x n_shocks) exposure matrix and shocks; labels default to 0..n-1 and 0."""
        g = np.asarray(shocks, dtype=float).ravel()
        n = g.shape[0]
        prod = np.arange(n) if products is None else np.asarray(products)
        per = np.zeros(n, dtype=int) if periods is None else np.asarray(periods)
        return cls(sp.csr_array(exposure, dtype=float), g, prod, per)

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
        shocks are ``(product, shock)`` and reach every observation.
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
        return cls(expo, g[shock].to_numpy(float), g[product].to_numpy(), per)

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


def _wstats(g: np.ndarray, s: np.ndarray) -> dict[str, float]:
    mean = float(np.sum(s * g) / s.sum())
    sd = float(np.sqrt(np.sum(s * (g - mean) ** 2) / s.sum()))
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
        rows: list[tuple[str, Any, Any]] = [(k, v, self.period_fe[k]) for k, v in self.raw.items()]
        rows += [
            ("Effective sample size (1/HHI) of s_n", "", ""),
            ("across products and periods", self.ess_shocks, ""),
            ("across products", self.ess_products, ""),
            ("Largest share s_n", "", ""),
            ("across products and periods", self.max_weight_shocks, ""),
            ("across products", self.max_weight_products, ""),
            ("No. of shocks", self.n_shocks, ""),
            ("No. of products", self.n_products, ""),
            ("No. of periods", self.n_periods, ""),
        ]
        df = pd.DataFrame(
            [[a, b] for _, a, b in rows],
            index=[r[0] for r in rows],
            columns=["(1) Raw", "(2) Year FE"],
        )
        return df.map(lambda v: v if isinstance(v, str | int) else f"{v:.3f}")


def shock_diagnostics(design: ShiftShareDesign, weights: Any = None) -> ShockDiagnostics:
    """BHJ (2022) shock summary of ``design`` with observation weights ``weights``.

    Shocks with zero exposure weight are left out of every statistic and count.
    """
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
        raw=_wstats(g, s),
        period_fe=_wstats(_period_demean(g, s, per), s),
        ess_shocks=float(1 / np.sum(sn**2)),
        ess_products=float(1 / np.sum(sh**2)),
        max_weight_shocks=float(sn.max()),
        max_weight_products=float(sh.max()),
        n_shocks=int(keep.sum()),
        n_products=int(sh.shape[0]),
        n_periods=int(np.unique(per).shape[0]),
    )


# --------------------------------------------------------------------------- regressions
def _residuals(
    design: ShiftShareDesign,
    data: Any,
    y: str,
    x: str,
    fe: Sequence[str] | None,
    controls: Sequence[str] | None,
    weights: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fe_, ctrl = list(fe or []), list(controls or [])
    fe_cols = [p for f in fe_ for p in f.split("^")]
    cols = [y, x, *ctrl, *fe_cols] + ([weights] if weights else [])
    frame = to_pandas(data, cols).reset_index(drop=True)
    if len(frame) != design.n_obs:
        raise ModelInputError(
            f"data has {len(frame)} rows, the design {design.n_obs} observations."
        )
    if frame[[y, x, *ctrl]].isna().any().any():
        raise ModelInputError("y, x and controls must have no missing values (drop rows first).")
    e = design._obs_weights(None if weights is None else frame[weights].to_numpy(float))
    res = residualize(frame, [y, x], fe_, ctrl, e)
    return res[:, 0], res[:, 1], e


@dataclass(frozen=True)
class RotembergWeights(TableMixin):
    """Goldsmith-Pinkham, Sorkin and Swift (2020) decomposition ``beta = sum_h alpha_h beta_h``.

    ``alpha_h = z_h' E x_perp / z' E x_perp`` and ``beta_h = z_h' E y_perp /
    z_h' E x_perp`` with ``z_h = sum_{n in h} S_.n g_n`` the product-``h``
    part of the instrument (panel shocks aggregated over periods, GPSS
    section on panels). ``frame`` holds every product; ``to_frame`` the
    ``top`` by ``|alpha|``.
    """

    frame: pd.DataFrame
    beta: float
    top: int = 5
    title: str = "Rotemberg weights (top products)"

    @property
    def negative_sum(self) -> float:
        """Sum of the negative weights."""
        a = self.frame["alpha"]
        return float(a[a < 0].sum())

    def to_frame(self) -> pd.DataFrame:
        f = self.frame.reindex(self.frame["alpha"].abs().sort_values(ascending=False).index)
        return f.head(self.top)


def rotemberg_weights(
    design: ShiftShareDesign,
    data: Any,
    y: str,
    x: str,
    fe: Sequence[str] | None = None,
    controls: Sequence[str] | None = None,
    weights: str | None = None,
    *,
    top: int = 5,
) -> RotembergWeights:
    """Rotemberg weights of the products in the shift-share IV of ``y`` on ``x``.

    ``data`` rows are the design's observations (same order). Columns of the
    result: ``alpha``, ``beta`` (just-identified IV with ``z_h`` alone),
    ``mean_shock`` (``s_n``-weighted over periods) and ``exposure``
    (``s_h``). ``sum(alpha * beta)`` equals the shift-share IV coefficient.
    """
    yp, xp, e = _residuals(design, data, y, x, fe, controls, weights)
    labels, amap = design.product_matrix()
    zh = design.exposure @ sp.diags_array(design.shocks) @ amap  # (n_obs x n_products)
    num_x = zh.T @ (e * xp)
    num_y = zh.T @ (e * yp)
    total = num_x.sum()
    if total == 0:
        raise ModelInputError("the instrument is orthogonal to x: no first stage.")
    s = design.exposure_weights(e)
    s_h = amap.T @ s
    with np.errstate(divide="ignore", invalid="ignore"):
        beta_h = np.where(num_x != 0, num_y / num_x, np.nan)
        mean_g = (amap.T @ (s * design.shocks)) / s_h
    frame = pd.DataFrame(
        {"alpha": num_x / total, "beta": beta_h, "mean_shock": mean_g, "exposure": s_h},
        index=pd.Index(labels, name="product"),
    )
    return RotembergWeights(frame=frame, beta=float(num_y.sum() / total), top=top)


@dataclass(frozen=True)
class ShockLevelResult(TableMixin):
    """The BHJ (2022) shock-level IV: coefficient with exposure-robust inference.

    ``coef`` equals the unit-level shift-share IV coefficient (BHJ
    Proposition 3); ``std_error`` is robust at the shock level (clustered by
    product when ``cluster="product"``) with the small-sample factor of
    :func:`skillshore.offshoring.iv.iv_regression`.
    """

    coef: float
    std_error: float
    df_resid: float
    first_stage_f: float
    n_shocks: int
    n_clusters: int | None
    title: str = "Shock-level IV (exposure-robust)"

    @property
    def tstat(self) -> float:
        return self.coef / self.std_error

    @property
    def pvalue(self) -> float:
        return float(2 * stats.t.sf(abs(self.tstat), self.df_resid))

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        q = stats.t.ppf(0.5 + level / 2, self.df_resid)
        return self.coef - q * self.std_error, self.coef + q * self.std_error

    def to_frame(self) -> pd.DataFrame:
        lo, hi = self.conf_int()
        return pd.DataFrame(
            {
                "Estimate": [self.coef],
                "Exposure-robust SE": [self.std_error],
                "Pr(>|t|)": [self.pvalue],
                "2.5%": [lo],
                "97.5%": [hi],
                "First-stage F": [self.first_stage_f],
                "Shocks": [self.n_shocks],
            },
            index=["x"],
        )


def shock_level_regression(
    design: ShiftShareDesign,
    data: Any,
    y: str,
    x: str,
    fe: Sequence[str] | None = None,
    controls: Sequence[str] | None = None,
    weights: str | None = None,
    *,
    shock_controls: str | np.ndarray | None = "period",
    cluster: str | None = None,
) -> ShockLevelResult:
    """BHJ (2022) equivalent shock-level IV with exposure-robust standard errors.

    Regresses ``ybar_n`` on ``xbar_n`` instrumented by ``g_n``, weighted by
    ``s_n``, over shocks with ``s_n > 0``; the residualized outcome and
    regressor come from the unit-level fixed effects and controls.

    Parameters
    ----------
    shock_controls : "period", array or None
        Shock-level controls ``q_n``: period fixed effects (default), an
        (n_shocks x m) array, or none. They match unit-level controls
        ``sum_n S_in q_n``; period effects are spanned by period (or
        sector x period) fixed effects when shares sum to one, and then the
        coefficient equals the unit-level IV coefficient exactly.
    cluster : "product" or None
        Cluster shocks by product (all periods of a product together), as BHJ
        recommend for panels; default robust by shock.
    """
    yp, xp, e = _residuals(design, data, y, x, fe, controls, weights)
    ew = design.exposure.T @ e
    keep = ew > 0
    ybar = (design.exposure.T @ (e * yp))[keep] / ew[keep]
    xbar = (design.exposure.T @ (e * xp))[keep] / ew[keep]
    g = design.shocks[keep]
    s = ew[keep] / e.sum()
    if isinstance(shock_controls, str):
        if shock_controls != "period":
            raise ModelInputError(
                f"shock_controls must be 'period', an array or None, got {shock_controls!r}."
            )
        per = design.periods[keep]
        q = pd.get_dummies(pd.Series(per).astype(str), dtype=float).to_numpy()
    elif shock_controls is None:
        q = np.zeros((g.shape[0], 0))
    else:
        q = np.asarray(shock_controls, dtype=float)
        if q.ndim == 1:
            q = q[:, None]
        if q.shape[0] != design.n_shocks:
            raise ModelInputError(f"shock_controls needs {design.n_shocks} rows, got {q.shape[0]}.")
        q = q[keep]
    if cluster not in (None, "product"):
        raise ModelInputError(f"cluster must be None or 'product', got {cluster!r}.")
    codes = la.cluster_codes(design.products[keep] if cluster else None, g.shape[0])
    n_cl = int(codes.max()) + 1 if cluster else None
    sw = np.sqrt(s)[:, None]
    xx = np.column_stack([xbar, q]) * sw
    zz = np.column_stack([g, q]) * sw
    k = xx.shape[1]
    fac = la.ssc_factor(g.shape[0], k, n_cl)
    fit = la.tsls(ybar * sw[:, 0], xx, zz, codes, fac)
    # exposure-robust first stage: xbar on g and q
    gp = la.partial_out(zz[:, :1], zz[:, 1:])
    xpp = la.partial_out(xx[:, :1], zz[:, 1:])
    pi = float(np.linalg.lstsq(gp, xpp, rcond=None)[0][0, 0])
    v_pi = la.ols_sandwich(gp, xpp - gp * pi, codes, fac)[0, 0]
    df = (n_cl - 1) if n_cl else g.shape[0] - k
    return ShockLevelResult(
        coef=float(fit.params[0]),
        std_error=float(np.sqrt(fit.vcov[0, 0])),
        df_resid=float(df),
        first_stage_f=float(pi * pi / v_pi),
        n_shocks=int(g.shape[0]),
        n_clusters=n_cl,
    )
