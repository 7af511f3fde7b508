"""IV regression of the between- and within-firm variance of skills on offshoring.

Seed: "Regression Analysis" (*"Offshoring => Average of firm skills up, Variance of
firm skills down"*), preview and conclusions (*"Offshoring reduces between firms
variance of skills within offshorable occupations"*). The outcomes are industry x
year variances from :func:`skillshore.facts.firm_variance.firm_variance_panel`;
offshoring and its shift-share instrument (seed eq. 3) vary at the same industry x
year level, so the regression is at that level: industry FE and sector x year FE,
standard errors clustered by industry, optionally weighted by the workers behind
each variance. Laid out as the seed's IV tables (:class:`IVTable`).
"""

from __future__ import annotations

from typing import Any

from skillshore.errors import ModelInputError
from skillshore.offshoring._fit import to_pandas
from skillshore.offshoring.tables import (
    _COEF_LABELS,
    ColumnSpec,
    IVTable,
    _measure_map,
    column_spans,
    run_columns,
)

__all__ = ["variance_table"]

_FE_ROWS = {
    "Sector by Year FE": ("sector_year", "sector^year"),
    "Industry FE": ("industry", "industry4"),
}


def variance_table(
    variance: Any,
    firm_panel: Any,
    *,
    skill: str = "cognitive",
    group: str = "high",
    source: str = "CHN",
    industry_digits: int = 6,
    weights: str | None = "n_workers",
    **kwargs: Any,
) -> IVTable:
    """Seed-layout IV table: between- and within-firm variance of ``skill`` on offshoring.

    Parameters
    ----------
    variance : DataFrame
        :func:`~skillshore.facts.firm_variance.firm_variance_panel` output at the
        industry level of ``industry_digits`` (``industry`` or ``industry4``).
    firm_panel : DataFrame
        The study's firm panel (``occ_group``, the industry column, ``year``,
        ``sector_year``, ``off_<source>[_4d]``, ``iv_<source>[_4d]``); the
        industry-level offshoring and instrument are taken from it (checked
        constant within industry x year).
    source, industry_digits
        ``[offshoring] source`` and ``industry_digits`` (as :func:`seed_table`).
    weights : str or None
        Column of ``variance`` weighting the regression (default the workers
        behind each variance); None for unweighted.
    **kwargs
        Passed to :func:`iv_regression` (``vcov``, ``ssc``, ...).

    Returns
    -------
    IVTable
        Columns "Between Firms" and "Within Firms" (unweighted and weighted when
        ``weights`` is given).
    """
    m = _measure_map(source, industry_digits)
    off, iv = m["off_china"], m["iv_china"]
    unit = "industry" if industry_digits == 6 else "industry4"
    ys = [f"between_{skill}", f"within_{skill}"]
    v = to_pandas(variance, ["occ_group", unit, "year", *ys, *([weights] if weights else [])])
    fp = to_pandas(firm_panel, ["occ_group", unit, "year", "sector_year", off, iv])
    fp = fp[fp["occ_group"] == group].drop(columns="occ_group").drop_duplicates()
    dup = fp.duplicated([unit, "year"])
    if dup.any():
        raise ModelInputError(
            f"{off}/{iv}/sector_year are not constant within ({unit}, year), e.g. "
            f"{fp.loc[dup, [unit, 'year']].head(3).to_dict('records')}."
        )
    v = v[v["occ_group"] == group].drop(columns="occ_group")
    if v.empty:
        raise ModelInputError(f"variance has no rows for occ_group {group!r}.")
    data = v.merge(fp, on=[unit, "year"], how="inner", validate="one_to_one")
    if len(data) < len(v):
        lost = v.merge(fp, on=[unit, "year"], how="left", indicator=True)
        miss = lost.loc[lost["_merge"] == "left_only", [unit, "year"]]
        raise ModelInputError(
            f"{len(miss)} ({unit}, year) of variance are not in firm_panel, e.g. "
            f"{miss.head(3).to_dict('records')}."
        )
    specs: list[ColumnSpec] = []
    for y, grp in zip(ys, ("Between Firms", "Within Firms"), strict=True):
        for w in (None, weights) if weights else (None,):
            label = "Weighted" if w else "Unweighted"
            specs.append(
                ColumnSpec(label=label, group=grp, y=y, endog=(off,), instruments=(iv,), weights=w)
            )
    kwargs.setdefault("cluster", unit)
    results = run_columns(data, specs, fe=(unit, "sector_year"), **kwargs)
    return IVTable(
        columns=results,
        labels=[s.label for s in specs],
        groups=column_spans(specs),
        coef_labels={off: _COEF_LABELS.get(off, off)},
        fe_rows=_FE_ROWS,
        title=f"IV (Dependent Variable: Variance of {skill.capitalize()} Skills × 100, "
        f"{'High-offshorable' if group == 'high' else group})",
        first_stage="kp",
    )
