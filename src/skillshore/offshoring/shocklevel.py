"""Borusyak, Hull and Jaravel (2022) shock-level IV with exposure-robust inference.

Seed back-up slide "Validity of Bartik-type instruments". Notation of
:mod:`skillshore.offshoring.shiftshare`: observation ``i`` (weight ``e_i``),
shock ``n`` (``g_n``), exposure ``S_in``; ``y_perp, x_perp, z_perp`` are the
outcome, regressor and instrument ``z = S g`` residualized on the unit-level
fixed effects and controls (weighted).

BHJ Proposition 3: with ``ybar_n = sum_i e_i S_in y_perp_i / sum_i e_i S_in``
(likewise ``xbar_n``, ``zbar_n``) and ``s_n = sum_i e_i S_in / sum_i e_i``, the
IV of ``ybar_n`` on ``xbar_n`` instrumented by ``g_n`` with weights ``s_n`` and
shock-level controls ``q_n`` has the unit-level shift-share IV coefficient when
the unit-level controls span ``sum_n S_in q_n``; its heteroskedasticity- or
cluster-robust SE at the shock level is the exposure-robust SE. The
first-stage F is ``t^2`` of the shock-level IV of ``xbar_n`` on ``zbar_n``
instrumented by ``g_n`` (BHJ section 4.3; ssaggregate's recipe).

Data rows are matched to the design by its keys (:meth:`ShiftShareDesign.rows_for`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from skillshore._results import FrameTable, TableMixin
from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring._fit import residualize, to_pandas
from skillshore.offshoring.linear import SSC, Vcov, check_ssc, parse_vcov
from skillshore.offshoring.shiftshare import ShiftShareDesign

__all__ = ["ShockLevelResult", "shock_level_regression", "exposure_robust_table", "prepare"]


@dataclass(frozen=True, eq=False)
class Prepared:
    """Data rows matched to a design: their exposure, weights and residualized columns."""

    frame: pd.DataFrame
    exposure: sp.csr_array
    weights: np.ndarray
    resid: np.ndarray  # columns: the requested ones, then the instrument z
    instrument: np.ndarray
    rows: np.ndarray  # design row of each data row


def prepare(
    design: ShiftShareDesign,
    data: Any,
    columns: Sequence[str],
    fe: Sequence[str] | None,
    controls: Sequence[str] | None,
    weights: str | None,
    extra: Sequence[str] = (),
) -> Prepared:
    """Match ``data`` to ``design`` by keys and residualize ``columns`` and ``z = S g``."""
    fe_, ctrl = list(fe or []), list(controls or [])
    fe_cols = [p for f in fe_ for p in f.split("^")]
    keys = [] if design.keys is None else list(design.keys.columns)
    cols = [*columns, *ctrl, *fe_cols, *keys, *extra] + ([weights] if weights else [])
    frame = to_pandas(data, cols).reset_index(drop=True)
    na = frame[[*columns, *ctrl]].isna().any(axis=1)
    if na.any():
        raise ModelInputError(
            f"{int(na.sum())} row(s) have missing {list(columns) + ctrl} (first at positions "
            f"{np.flatnonzero(na.to_numpy())[:5].tolist()}); drop them first."
        )
    rows = design.rows_for(frame)
    expo = design.exposure[rows]
    z = expo @ design.shocks
    e = np.ones(len(frame)) if weights is None else frame[weights].to_numpy(float)
    if (e < 0).any() or not np.isfinite(e).all():
        raise ModelInputError(f"weights {weights!r} must be non-negative and finite.")
    frame = frame.assign(_ss_z=z)
    res = residualize(frame, [*columns, "_ss_z"], fe_, ctrl, e)
    return Prepared(frame, sp.csr_array(expo), e, res, z, rows)


def shock_clusters(
    design: ShiftShareDesign, keep: np.ndarray, column: str, shock_data: Any
) -> np.ndarray:
    """Cluster label of each kept shock: ``product``/``period`` (or their ``shock_names``),
    else ``column`` of ``shock_data`` joined on the shock keys present in it. A missing
    industry not in ``shock_data`` is its own cluster per label."""
    prod, per = design.shock_names
    frame = design.shock_frame()[keep].reset_index(drop=True)
    if column in ("product", prod):
        return frame[prod].to_numpy()
    if column in ("period", per):
        return frame[per].to_numpy()
    if shock_data is None:
        raise ModelInputError(
            f"cluster {column!r} is not {prod!r} or {per!r}: pass shock_data with that column."
        )
    on = [c for c in (prod, per) if c in shock_data.columns]
    if prod not in on:
        raise ModelInputError(f"shock_data needs the key column {prod!r}.")
    sd = to_pandas(shock_data, [*on, column])
    if sd.duplicated(on).any():
        raise ModelInputError(f"shock_data must be unique by {on}.")
    m = frame.merge(sd, on=on, how="left", validate="many_to_one")
    bad = m[column].isna() & (frame[prod] != "(missing)")
    if bad.any():
        raise ModelInputError(
            f"shock_data has no {column!r} for shocks {frame.loc[bad, on].head(5).to_dict('records')}."
        )
    return m[column].where(~m[column].isna(), "(missing)").astype(str).to_numpy()


@dataclass(frozen=True, eq=False)
class ShockLevelResult(TableMixin):
    """The BHJ (2022) shock-level IV: coefficient with exposure-robust inference.

    ``params["x"]`` equals the unit-level shift-share IV coefficient (BHJ
    Proposition 3). ``first_stage`` holds ``pi`` (the unit-level first-stage
    coefficient), its exposure-robust SE and ``F = (pi/se)^2``.
    """

    params: pd.Series
    std_errors: pd.Series
    df_resid: float
    first_stage: pd.Series
    n_shocks: int
    n_clusters: int | None
    vcov_type: str
    ssc: str
    title: str = "Shock-level IV (exposure-robust)"

    @cached_property
    def tstats(self) -> pd.Series:
        return (self.params / self.std_errors).rename("t value")

    @cached_property
    def pvalues(self) -> pd.Series:
        return pd.Series(
            2 * stats.t.sf(np.abs(self.tstats), self.df_resid), index=self.params.index
        )

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald interval, ``t(df_resid)`` critical values (normal with ``ssc="none"``)."""
        q = stats.t.ppf(0.5 + level / 2, self.df_resid)
        return pd.DataFrame(
            {"lower": self.params - q * self.std_errors, "upper": self.params + q * self.std_errors}
        )

    @property
    def first_stage_f(self) -> float:
        """BHJ's exposure-robust first-stage F (``first_stage["F"]``)."""
        return float(self.first_stage["F"])

    # deprecated aliases kept for call sites outside the offshoring package
    @property
    def coef(self) -> float:
        """Deprecated: ``params.iloc[0]``."""
        return float(self.params.iloc[0])

    @property
    def std_error(self) -> float:
        """Deprecated: ``std_errors.iloc[0]``."""
        return float(self.std_errors.iloc[0])

    def to_frame(self) -> pd.DataFrame:
        ci = self.conf_int()
        return pd.DataFrame(
            {
                "Estimate": self.params,
                "Exposure-robust SE": self.std_errors,
                "t value": self.tstats,
                "Pr(>|t|)": self.pvalues,
                "2.5%": ci["lower"],
                "97.5%": ci["upper"],
                "First-stage F": self.first_stage_f,
                "Shocks": self.n_shocks,
                "Clusters": np.nan if self.n_clusters is None else self.n_clusters,
            }
        )

    def summary(self) -> str:
        se = {"CRV1": f"clustered ({self.n_clusters} clusters)", "hetero": "robust"}.get(
            self.vcov_type, "iid"
        )
        return "\n".join(
            [
                f"{self.title}: {self.n_shocks} shocks, SE {se}, ssc={self.ssc}",
                self.to_frame().to_string(float_format=lambda v: f"{v:.4f}"),
            ]
        )


def _shock_controls(design: ShiftShareDesign, shock_controls: Any, keep: np.ndarray) -> np.ndarray:
    n = int(keep.sum())
    if isinstance(shock_controls, str):
        if shock_controls != "period":
            raise ModelInputError(
                f"shock_controls must be 'period', an array or None, got {shock_controls!r}."
            )
        per = design.periods[keep]
        return pd.get_dummies(pd.Series(per).astype(str), dtype=float).to_numpy()
    if shock_controls is None:
        return np.zeros((n, 0))
    q = np.asarray(shock_controls, dtype=float)
    q = q[:, None] if q.ndim == 1 else q
    if q.shape[0] != design.n_shocks:
        raise ModelInputError(f"shock_controls needs {design.n_shocks} rows, got {q.shape[0]}.")
    return q[keep]


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
    vcov: Vcov | None = None,
    cluster: str | None = None,
    shock_data: Any = None,
    missing_industry: bool = False,
    ssc: SSC = "none",
) -> ShockLevelResult:
    """BHJ (2022) equivalent shock-level IV with exposure-robust standard errors.

    Parameters
    ----------
    design : ShiftShareDesign
        With keys; ``data`` rows are matched to it by the key columns.
    data : pandas or polars DataFrame
        Unit-level rows with ``y``, ``x``, the keys, ``fe``, ``controls``, ``weights``.
    shock_controls : "period", array or None
        Shock-level controls ``q_n``: period fixed effects (default), an
        (n_shocks x m) array, or none. The coefficient equals the unit-level IV
        when the unit-level controls span ``sum_n S_in q_n`` (period effects:
        spanned by period or sector x period FE when shares sum to one, or with
        ``missing_industry``; else add the sum of shares x period as a control).
    vcov : "hetero", "iid" or {"CRV1": column}, optional
        Shock-level variance; ``cluster`` is the shorthand for CRV1. A cluster
        column is ``"product"``, ``"period"`` (or the design's ``shock_names``)
        or a column of ``shock_data`` (e.g. the 3-digit industry of each product).
    shock_data : DataFrame, optional
        Table keyed by the product (and, if it has the column, period) names of
        ``design.shock_names``, holding cluster columns.
    missing_industry : bool
        Add BHJ's missing industry (:meth:`ShiftShareDesign.with_missing_industry`).
    ssc : {"none", "small", "fixest"}
        Default ``"none"``: as BHJ's ``ivreg2`` (robust, without ``small``) and
        ssaggregate examples -- no factor, normal critical values. ``"small"`` /
        ``"fixest"``: ``N/(N-k)`` or ``(N-1)/(N-k) G/(G-1)`` with ``N`` shocks and
        ``k = 1 + columns of q``.
    """
    check_ssc(ssc, None)
    kind, col = parse_vcov(vcov, cluster)
    if missing_industry:
        design = design.with_missing_industry()
    prep = prepare(design, data, [y, x], fe, controls, weights)
    yp, xp, zp = prep.resid.T
    e = prep.weights
    ew = prep.exposure.T @ e
    keep = ew > 0
    s_t = prep.exposure.T

    def bar(v: np.ndarray) -> np.ndarray:
        return (s_t @ (e * v))[keep] / ew[keep]

    ybar, xbar, zbar = bar(yp), bar(xp), bar(zp)
    g = design.shocks[keep]
    s = ew[keep] / e.sum()
    q = _shock_controls(design, shock_controls, keep)
    n = g.shape[0]
    if kind == "iid":
        codes, n_cl = None, None
    elif kind == "hetero":
        codes, n_cl = np.arange(n), None
    else:
        codes = la.cluster_codes(shock_clusters(design, keep, col, shock_data), n)
        n_cl = int(codes.max()) + 1
    sw = np.sqrt(s)[:, None]
    zz = np.column_stack([g, q]) * sw
    k = zz.shape[1]
    fac = la.ssc_factor(n, k, n_cl, ssc)
    fit = la.tsls(ybar * sw[:, 0], np.column_stack([xbar, q]) * sw, zz, codes, fac)
    fs = la.tsls(xbar * sw[:, 0], np.column_stack([zbar, q]) * sw, zz, codes, fac)
    pi, se_pi = float(fs.params[0]), float(np.sqrt(fs.vcov[0, 0]))
    df = np.inf if ssc == "none" else float((n_cl - 1) if n_cl else n - k)
    return ShockLevelResult(
        params=pd.Series([fit.params[0]], index=[x], name="Estimate"),
        std_errors=pd.Series([np.sqrt(fit.vcov[0, 0])], index=[x], name="Std. Error"),
        df_resid=df,
        first_stage=pd.Series({"pi": pi, "se": se_pi, "F": (pi / se_pi) ** 2}),
        n_shocks=int(n),
        n_clusters=n_cl,
        vcov_type=kind,
        ssc=ssc,
    )


def exposure_robust_table(
    results: Mapping[str, ShockLevelResult],
    akm: Mapping[str, Any] | None = None,
    *,
    level: float = 0.95,
    title: str = "Shift-share IV with exposure-robust inference",
) -> FrameTable:
    """One row per label: the BHJ estimate, SE, interval and first-stage F, and (if
    ``akm`` has the label) the AKM SE and the AKM0 set (:mod:`skillshore.offshoring.akm`).

    Numbers only (formatted at the edge); an AKM0 set of two rays or the whole line
    shows infinite ends.
    """
    rows = {}
    for label, r in results.items():
        ci = r.conf_int(level).iloc[0]
        row = {
            "Estimate": float(r.params.iloc[0]),
            "Exposure-robust SE": float(r.std_errors.iloc[0]),
            f"{level:.0%} CI low": float(ci["lower"]),
            f"{level:.0%} CI high": float(ci["upper"]),
            "BHJ first-stage F": r.first_stage_f,
            "Shocks": r.n_shocks,
            "Clusters": r.n_clusters if r.n_clusters is not None else np.nan,
        }
        if akm and label in akm:
            a = akm[label]
            lo, hi = a.conf_int(level).loc["AKM0"]
            row.update({"AKM SE": float(a.std_errors["AKM"]), "AKM0 low": lo, "AKM0 high": hi})
        rows[label] = row
    return FrameTable(pd.DataFrame.from_dict(rows, orient="index"), title)
