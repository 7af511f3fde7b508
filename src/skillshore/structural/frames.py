"""A :class:`~skillshore.structural.markets.MarketSample` from a worker frame and a firm
frame (the entry point for the study's data and the synthetic economy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from skillshore.errors import DataValidationError
from skillshore.structural.markets import MarketSample

__all__ = ["market_sample_from_frames"]


def market_sample_from_frames(
    workers: pd.DataFrame,
    firms: pd.DataFrame,
    x_cols: list[str],
    y_cols: list[str],
    *,
    firm_col: str = "firm_id",
    market_col: str = "market",
    wage_col: str | None = None,
    wage_control_cols: list[str] | None = None,
    wage_reference: list[float] | None = None,
    weight_col: str | None = None,
    worker_group_col: str | None = None,
    offshored_col: str | None = None,
    markets: pd.DataFrame | None = None,
    shifter_cols: list[str] | None = None,
    foreign_pool: float | None = None,
    n_worker_types: int | None = None,
    validation: pd.DataFrame | None = None,
    true_cols: list[str] | None = None,
    validation_group_col: str | None = None,
    validation_weight_col: str | None = None,
    validation_control_weight_col: str | None = None,
    calibrated_controls: list[str] | None = None,
    nonemployed: pd.DataFrame | None = None,
) -> MarketSample:
    """Build a :class:`MarketSample` from a worker frame and a firm frame.

    Parameters
    ----------
    workers : DataFrame
        One row per domestic match: ``firm_col``, ``x_cols``, optional wage and weight.
    firms : DataFrame
        One row per firm (every firm of each market, including firms without matched
        workers in the sample): ``firm_col``, ``market_col``, ``y_cols``, optional
        ``offshored_col`` (offshored workers).
    worker_group_col : str, optional
        The workers' cluster for the ``"clusters"`` bootstrap, e.g. the education code
        (:class:`MarketSample` ``worker_groups``).
    markets : DataFrame, optional
        ``market_col`` and ``shifter_cols`` (one row per market).
    validation : DataFrame, optional
        Labelled persons for the type correction: measured types in ``x_cols``, true
        types in ``true_cols`` (same order), optionally their sampling cluster in
        ``validation_group_col`` (:class:`MarketSample` ``validation_groups``) and a
        weight in ``validation_weight_col`` (and ``validation_control_weight_col`` for the
        control means, :class:`MarketSample` ``validation_control_weights``).
    calibrated_controls : list of str, optional
        Wage controls (among ``wage_control_cols``) measured with the types' error; the
        validation frame then needs all ``wage_control_cols`` (the labelled persons'
        measured controls) and the type correction calibrates these controls
        (:class:`MarketSample` ``validation_controls``).
    nonemployed : DataFrame, optional
        Non-employed persons with their types in ``x_cols`` (optional ``weight_col``).
    """
    for name, df, cols in (
        (
            "workers",
            workers,
            [firm_col, *x_cols, *([worker_group_col] if worker_group_col else [])],
        ),
        ("firms", firms, [firm_col, market_col, *y_cols]),
    ):
        miss = [c for c in cols if c not in df.columns]
        if miss:
            raise DataValidationError(f"{name}: missing column(s) {miss}")
    if firms[firm_col].duplicated().any():
        dup = firms.loc[firms[firm_col].duplicated(), firm_col].head(5).tolist()
        raise DataValidationError(f"firms: one row per firm expected (duplicates {dup})")
    fcode = pd.Index(firms[firm_col])
    rec_firm = fcode.get_indexer(workers[firm_col])
    if np.any(rec_firm < 0):
        bad = workers.loc[rec_firm < 0, firm_col].head(5).tolist()
        raise DataValidationError(f"workers: firms {bad} are not in the firm frame")
    mk_codes, mk_labels = pd.factorize(firms[market_col], sort=True)
    z = None
    names: tuple = ()
    if shifter_cols:
        if markets is None:
            raise DataValidationError("shifter_cols need the markets frame")
        mk = markets.set_index(market_col)
        missing = [m for m in mk_labels if m not in mk.index]
        if missing:
            raise DataValidationError(f"markets: no shifters for market(s) {missing[:5]}")
        z = mk.loc[list(mk_labels), shifter_cols].to_numpy(dtype=np.float64)
        names = tuple(shifter_cols)
    val: dict = {}
    if validation is not None:
        gcols = [
            c
            for c in (validation_group_col, validation_weight_col, validation_control_weight_col)
            if c
        ]
        miss = [c for c in [*x_cols, *(true_cols or []), *gcols] if c not in validation.columns]
        if not true_cols or len(true_cols) != len(x_cols) or miss:
            raise DataValidationError(
                f"validation: needs the measured {x_cols} and true types (true_cols, one per "
                f"x column); missing {miss}"
            )
        val = dict(
            validation_true=validation[true_cols].to_numpy(dtype=np.float64),
            validation_measured=validation[x_cols].to_numpy(dtype=np.float64),
            validation_groups=(
                validation[validation_group_col].to_numpy() if validation_group_col else None
            ),
            validation_weights=(
                validation[validation_weight_col].to_numpy(dtype=np.float64)
                if validation_weight_col
                else None
            ),
        )
        if calibrated_controls:
            wc = list(wage_control_cols or [])
            bad = [c for c in calibrated_controls if c not in wc]
            miss = [c for c in wc if c not in validation.columns]
            if bad or miss:
                raise DataValidationError(
                    f"calibrated_controls: {bad} are not wage controls; the validation frame "
                    f"lacks control column(s) {miss}"
                )
            val["validation_controls"] = validation[wc].to_numpy(dtype=np.float64)
            val["calibrated_controls"] = tuple(wc.index(c) for c in calibrated_controls)
            if validation_control_weight_col:
                val["validation_control_weights"] = validation[
                    validation_control_weight_col
                ].to_numpy(dtype=np.float64)
    if nonemployed is not None:
        miss = [c for c in x_cols if c not in nonemployed.columns]
        if miss:
            raise DataValidationError(f"nonemployed: missing column(s) {miss}")
        val["nonemployed_x"] = nonemployed[x_cols].to_numpy(dtype=np.float64)
        if weight_col is not None and weight_col in nonemployed.columns:
            val["nonemployed_weights"] = nonemployed[weight_col].to_numpy(dtype=np.float64)
    return MarketSample(
        x=workers[x_cols].to_numpy(dtype=np.float64),
        firm=rec_firm,
        firm_y=firms[y_cols].to_numpy(dtype=np.float64),
        firm_market=mk_codes,
        weights=None if weight_col is None else workers[weight_col].to_numpy(dtype=np.float64),
        wage=None if wage_col is None else workers[wage_col].to_numpy(dtype=np.float64),
        wage_controls=None
        if not wage_control_cols
        else workers[wage_control_cols].to_numpy(dtype=np.float64),
        wage_reference=None if wage_reference is None else np.asarray(wage_reference, float),
        firm_offshored=None
        if offshored_col is None
        else firms[offshored_col].to_numpy(dtype=np.float64),
        shifters=z,
        market_labels=tuple(mk_labels),
        shifter_names=names,
        foreign_pool=foreign_pool,
        n_worker_types=n_worker_types,
        worker_groups=None if worker_group_col is None else workers[worker_group_col].to_numpy(),
        **val,
    )
