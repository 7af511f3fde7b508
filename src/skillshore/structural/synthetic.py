"""Structural data, calibration and truth of a synthetic economy (``skillshore synth``).

The recovery checks of issue 8 on the synthetic economy (docs/estimation.md,
"Recovery on the synthetic economy") read a generated folder:

* :func:`synthetic_market_sample`: the high-offshorable markets of one year as a
  :class:`~skillshore.structural.segmented.MarketSample`. Markets are 6-digit
  industries; worker types are the generator's skill cells at (c + 1/2)/12 (the
  education code's cell, ``truth/catalog_truth.parquet``); firm types are the
  industry's active firms with y = the productivity percentile
  (``truth/firm_years.parquet``), both placed on the generator's type supports
  (:func:`type_supports`, as its markets were built): the *types* come from the truth files, so that the
  check isolates the structural estimator from the measurement of skills and
  productivity (the pipeline measures them; see ``_structural_sample``). Everything
  else comes from the raw tables: matches (workers), offshored workers per firm =
  purchases abroad / value added x employment (firms; the seed's identifying
  assumption), wages net of schooling, experience and skills (workers, skills of the
  education and training codes), and the market shifter z_kt = the growth of China's
  export supply in the industry's export products since the first study year,
  demeaned over industries (customs, world_trade; the generator's smooth bound applied).
* :func:`synthetic_calibration`: the calibration targets of that economy, read from
  the ``calibration.csv`` the generator ships (its own unemployment rate, W/Y and
  E(w*); outside options, |fbar*| and the offshoring rate of the |gbar| normalisation).
* :func:`synthetic_truth`: the planted parameters under the estimator's names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from skillshore._results import TableMixin, fmt_estimate, fmt_num
from skillshore.errors import DataValidationError
from skillshore.structural.calibration import YearCalibration, load_calibration
from skillshore.structural.markets import WAGE_CONTROLS, WAGE_REFERENCE, export_supply_shifter
from skillshore.structural.segmented import (
    MarketEstimate,
    MarketSample,
    estimate_markets,
    market_sample_from_frames,
)

__all__ = [
    "COMPARED",
    "HIGH_ISCO_MAJORS",
    "TruthComparison",
    "compare_with_truth",
    "WAGE_CONTROLS",
    "WAGE_REFERENCE",
    "export_supply_shifter",
    "synthetic_calibration",
    "synthetic_base_measure",
    "synthetic_market_sample",
    "synthetic_truth",
    "synthetic_validation",
    "synthetic_workers",
    "type_supports",
]

HIGH_ISCO_MAJORS = ("4", "7", "8")


def _truth(out_dir: Path) -> dict:
    return json.loads((Path(out_dir) / "truth.json").read_text())


def type_supports(out_dir: str | Path, year: int) -> dict[str, float]:
    """The type supports and base-measure volumes the generator built ``year``'s markets on
    (``truth.json``'s ``x_lo, x_hi, x_vol, y_lo, y_hi, y_vol``; a market's quantile
    positions p in [0, 1] sit at lo + (hi - lo) p, cell volumes vol / number of cells).
    An economy written before the supports were recorded is on [0, 1] with volume 1."""
    p = _truth(Path(out_dir))["parameters_by_year"][str(year)]
    dflt = {"x_lo": 0.0, "x_hi": 1.0, "x_vol": 1.0, "y_lo": 0.0, "y_hi": 1.0, "y_vol": 1.0}
    return {k: float(p.get(k, v)) for k, v in dflt.items()}


def synthetic_base_measure(out_dir: str | Path) -> str:
    """The estimator's ``base_measure`` that matches the economy's firm volumes
    (``truth.json`` dgp ``firm_volume``): ``"capacity"`` for volumes proportional to a
    firm's capacity, ``"uniform"`` for equal volumes (an economy written before the
    setting existed has equal volumes)."""
    vol = str(_truth(Path(out_dir))["dgp"].get("firm_volume", "equal"))
    if vol not in ("equal", "capacity"):
        raise DataValidationError(f"{out_dir}/truth.json: unknown firm_volume {vol!r}")
    return "capacity" if vol == "capacity" else "uniform"


def _on_support(pos, lo: float, hi: float):
    """Quantile positions in [0, 1] placed on [lo, hi] (numpy arrays or polars exprs)."""
    return lo + (hi - lo) * pos


def synthetic_workers(out_dir: str | Path, year: int) -> pd.DataFrame:
    """High-offshorable workers of ``year``: ``firm_id``, skill ``cell``, x, hourly wage and
    the wage controls (true skills of the education and training codes, max rule)."""
    d = Path(out_dir)
    truth = _truth(d)
    n_cells = int(truth["dgp"]["skill_cells"])
    sup = type_supports(d, year)
    workers = pl.read_parquet(d / "workers.parquet").filter(pl.col("year") == year)
    if workers.height == 0:
        raise DataValidationError(f"{d}: no workers in {year}")
    cat = pl.read_parquet(d / "truth" / "catalog_truth.parquet")
    sk = ["cognitive", "manual", "interpersonal"]
    educ = cat.filter(pl.col("kind") == "education").select(
        pl.col("code").alias("educ_code"), "cell", *sk
    )
    train = cat.filter(pl.col("kind") == "training").select(
        pl.col("code").alias("train_code"), *[pl.col(s).alias(f"t_{s}") for s in sk]
    )
    w = (
        workers.filter(pl.col("isco").str.slice(0, 1).is_in(list(HIGH_ISCO_MAJORS)))
        .join(educ, on="educ_code", how="left")
        .join(train, on="train_code", how="left")
        .with_columns(
            [pl.max_horizontal(pl.col(s), pl.col(f"t_{s}").fill_null(0.0)).alias(s) for s in sk]
        )
        .with_columns(
            x=_on_support(
                (pl.col("cell").cast(pl.Float64) + 0.5) / n_cells, sup["x_lo"], sup["x_hi"]
            ),
            experience2=pl.col("experience") ** 2,
        )
    )
    if w["cell"].null_count():
        raise DataValidationError(f"{d}: workers with an education code outside the catalog")
    return w.select("firm_id", "cell", "x", "hourly_wage", *WAGE_CONTROLS, "educ_code").to_pandas()


def synthetic_market_sample(
    out_dir: str | Path, year: int, shifter: bool = True, wages: bool = True
) -> MarketSample:
    """The high-offshorable markets of ``year`` (module docstring)."""
    d = Path(out_dir)
    truth = _truth(d)
    n_cells = int(truth["dgp"]["skill_cells"])
    firms = pl.read_parquet(d / "firms.parquet")
    need = ("firm_id", "year", "industry", "value_added", "employment", "purchases_abroad")
    miss = [c for c in need if c not in firms.columns]
    if miss:
        raise DataValidationError(
            f"{d / 'firms.parquet'}: column(s) {', '.join(miss)} missing "
            "(the truth comparison needs the generator's tables)"
        )
    fy = pl.read_parquet(d / "truth" / "firm_years.parquet").filter(pl.col("year") == year)
    if fy.height == 0:
        raise DataValidationError(f"{d}: no firms in {year}")
    wdf = synthetic_workers(d, year)
    f = firms.filter(pl.col("year") == year).select(
        "firm_id", "industry", "value_added", "employment", "purchases_abroad"
    )
    sup = type_supports(d, year)
    f = fy.select("firm_id", _on_support(pl.col("y"), sup["y_lo"], sup["y_hi"]).alias("y")).join(
        f, on="firm_id", how="left"
    )
    if f["industry"].null_count():
        raise DataValidationError(f"{d}: active firms of {year} missing from firms.parquet")
    f = f.with_columns(
        offshored=pl.col("purchases_abroad") / pl.col("value_added") * pl.col("employment")
    )
    fdf = f.rename({"industry": "market"}).to_pandas()
    wage_kw: dict = {}
    if wages:  # net of schooling, experience and skills inside every estimation
        wage_kw = dict(
            wage_col="hourly_wage",
            wage_control_cols=list(WAGE_CONTROLS),
            wage_reference=list(WAGE_REFERENCE),
        )
    markets = None
    cols = None
    if shifter and year > int(truth["years"][0]):  # no shock yet in the first study year
        base = tuple(truth["base_years"])
        z = export_supply_shifter(
            pl.read_parquet(d / "customs.parquet"),
            firms,
            pl.read_parquet(d / "world_trade.parquet"),
            base,
            int(truth["years"][0]),
            year,
            cap=float(truth["dgp"]["shock_cap"]),
        )
        markets = z.rename({"industry": "market"}).to_pandas()
        cols = ["z"]
    return market_sample_from_frames(
        wdf,
        fdf,
        ["x"],
        ["y"],
        offshored_col="offshored",
        markets=markets,
        shifter_cols=cols,
        n_worker_types=n_cells,
        worker_group_col="educ_code",  # the "clusters" bootstrap's worker clusters
        nonemployed=synthetic_nonemployed(d, year),
        **wage_kw,
    )


def synthetic_nonemployed(out_dir: str | Path, year: int) -> pd.DataFrame | None:
    """The economy's non-employed high-offshorable persons of ``year`` with their true
    type ``x`` (``nonemployed.parquet``: the equilibria's unemployed, docs/synth.md "The
    unemployed"), the seed's f0(x) for the estimator; None for an economy without it."""
    d = Path(out_dir)
    path = d / "nonemployed.parquet"
    if not path.is_file():
        return None
    n_cells = int(_truth(d)["dgp"]["skill_cells"])
    sup = type_supports(d, year)
    cat = pl.read_parquet(d / "truth" / "catalog_truth.parquet").filter(
        pl.col("kind") == "education"
    )
    ne = (
        pl.read_parquet(path)
        .filter(pl.col("year") == year)
        .join(cat.select(pl.col("code").alias("educ_code"), "cell"), on="educ_code", how="left")
    )
    if ne.height == 0:
        return None
    if ne["cell"].null_count():
        raise DataValidationError(f"{path}: persons with an education code outside the catalog")
    x = _on_support((pl.col("cell").cast(pl.Float64) + 0.5) / n_cells, sup["x_lo"], sup["x_hi"])
    return ne.select(x.alias("x")).to_pandas()


def synthetic_validation(
    out_dir: str | Path, year: int, measured: pd.DataFrame, n: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """A labelled validation set for the type correction (docs/estimation.md, §4c).

    ``measured``: ``person_id`` and the measured type ``x`` (e.g. the pipeline's quantile
    cells of measured skill, x = (cell + 1/2)/12). Returns ``n`` randomly drawn persons
    (without replacement; all if fewer) with ``x`` and their true type ``x_true``, the
    generator's skill cell of their education code (``truth/catalog_truth.parquet``), as
    a hand-coded sample of titles would give them on real data.
    """
    d = Path(out_dir)
    n_cells = int(_truth(d)["dgp"]["skill_cells"])
    sup = type_supports(d, year)
    for c in ("person_id", "x"):
        if c not in measured.columns:
            raise DataValidationError(f"validation: the measured frame lacks column {c!r}")
    cat = pl.read_parquet(d / "truth" / "catalog_truth.parquet").filter(
        pl.col("kind") == "education"
    )
    w = (
        pl.read_parquet(d / "workers.parquet")
        .filter(pl.col("year") == year)
        .select("person_id", "educ_code")
        .join(cat.select(pl.col("code").alias("educ_code"), "cell"), on="educ_code", how="inner")
        .with_columns(
            x_true=_on_support(
                (pl.col("cell").cast(pl.Float64) + 0.5) / n_cells, sup["x_lo"], sup["x_hi"]
            )
        )
        .select("person_id", "x_true")
        .unique("person_id")
        .to_pandas()
    )
    both = measured[["person_id", "x"]].merge(w, on="person_id", how="inner")
    if both.empty:
        raise DataValidationError(f"validation: no measured person of {year} in {d}")
    rng = np.random.default_rng([seed, int(year)])
    pick = rng.choice(len(both), size=min(n, len(both)), replace=False)
    return both.iloc[np.sort(pick)].reset_index(drop=True)


def synthetic_calibration(out_dir: str | Path, year: int) -> YearCalibration:
    """The synthetic economy's calibration targets of ``year``: its ``calibration.csv``,
    which the generator writes (its population unemployment rate, W/Y and E(w*); outside
    options, |fbar*| and the offshoring rate from ``truth.json``), read like any study's
    calibration file (estimation never imports the generator)."""
    path = Path(out_dir) / "calibration.csv"
    if not path.exists():
        raise DataValidationError(f"{path}: missing (the generator writes it with the data)")
    return load_calibration(path).year(int(year))


def synthetic_truth(out_dir: str | Path, year: int) -> dict[str, float]:
    """The planted parameters of ``year`` under the estimator's names.

    ``c_F`` and ``C_star`` at z = 0 (the mean industry); ``beta[z]`` = kappa (the
    shock's strength: the offshoring cost of industry k is c_F - kappa lambda z_k);
    ``nu_gap`` = nu_y* - nu_x* (the normalisation the estimator needs, not a recovery
    target). The nu's are converted to the estimator's base measure (cell volumes 1/n,
    firm volumes 1/n_k or capacity shares, each summing to 1 in a market: :func:`synthetic_base_measure`):
    the generator's cells have volumes x_vol/n and y_vol/n_k or y_vol times the capacity
    share (:func:`type_supports`), and an economy with volumes dx, dy has the same allocation
    and wages as one with unit volumes and nu_x + log dy, nu_y + log dx (and the same for
    the foreign nu's; docs/model.md, "Discretisation"), so nu_x and nu_x* are shifted by
    log y_vol, nu_y and nu_y* by log x_vol (truth.json keeps the planted values).
    """
    t = _truth(Path(out_dir))
    p = t["parameters_by_year"][str(year)]
    sup = type_supports(out_dir, year)
    lx, ly = float(np.log(sup["x_vol"])), float(np.log(sup["y_vol"]))
    p = {
        **p,
        "nu_x": p["nu_x"] + ly,
        "nu_y": p["nu_y"] + lx,
        "nu_x_star": p["nu_x_star"] + ly,
        "nu_y_star": p["nu_y_star"] + lx,
    }
    lam = p["lambda"]
    share = float(t["dgp"]["lambda_x_share"])
    return {
        "Phi": p["Phi"],
        "lambda": lam,
        "lambda_x": share * lam,
        "lambda_y": (1 - share) * lam,
        "C": p["C"],
        "C_star": p["C_star"],
        "c_F": p["C"] - p["C_star"],
        "nu_x": p["nu_x"],
        "nu_y": p["nu_y"],
        "nu_x_star": p["nu_x_star"],
        "nu_y_star": p["nu_y_star"],
        "beta[z]": float(t["dgp"]["kappa"]),
        "nu_gap": p["nu_y_star"] - p["nu_x_star"],
    }


COMPARED = (
    ("Phi", "Φ"),
    ("lambda", "λ"),
    ("C", "C"),
    ("C_star", "C* (z = 0)"),
    ("c_F", "c_F (z = 0)"),
    ("nu_x", "νx"),
    ("nu_y", "νy"),
    ("nu_x_star", "νx*"),
    ("nu_y_star", "νy*"),
    ("beta[z]", "β[z]"),
)
"""Parameters compared with the truth (name in the estimate, label)."""


@dataclass
class TruthComparison(TableMixin):
    """The planted structural parameters next to the study's estimates, by year.

    ``estimates``: the study's (measured types, the study's calibration and foreign
    normalisation); ``recovery``: the same estimator on the generator's types
    (:func:`synthetic_market_sample`), with the economy's calibration and the planted
    normalisation (point estimates: the recovery check with intervals is
    ``benchmarks/structural_mc.py`` and ``tests/structural/test_synthetic_recovery.py``).
    """

    truth: dict[int, dict[str, float]]
    estimates: dict[int, MarketEstimate]
    recovery: dict[int, MarketEstimate]
    title: str = "Truth vs estimate: structural parameters"

    @cached_property
    def _frames(self) -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
        """Per year: the study's and the recovery's parameter frames (computed once)."""
        return {
            y: (e.params_frame(), self.recovery[y].params_frame())
            for y, e in self.estimates.items()
        }

    def _cover(self, year: int, key: str) -> bool | None:
        num = self._frames[year][0]
        tv = self.truth[year].get(key)
        if key not in num.index or tv is None or "lower" not in num:
            return None
        lo, hi = num.loc[key, ["lower", "upper"]]
        return bool(lo <= tv <= hi) if np.isfinite(lo) and np.isfinite(hi) else None

    def covers(self) -> pd.DataFrame:
        """True where the study's interval covers the truth (None without an interval)."""
        return pd.DataFrame(
            {y: {k: self._cover(y, k) for k, _ in COMPARED} for y in self.estimates}
        )

    def misses(self) -> pd.DataFrame:
        """The intervals that miss the truth: ``year, parameter, truth, estimate, true_types``
        and ``same_side`` (the estimate on the generator's types errs in the same direction:
        the miss is not from measuring skills or productivity, but from data that depart
        from the model, e.g. the generator's planted tilts, docs/synth.md)."""
        rows = []
        for y in self.estimates:
            num, rec = self._frames[y]
            for key, _ in COMPARED:
                if self._cover(y, key) is not False:
                    continue
                tv, est = float(self.truth[y][key]), float(num.loc[key, "estimate"])
                tt = float(rec.loc[key, "estimate"]) if key in rec.index else np.nan
                same = bool(np.isfinite(tt) and np.sign(tt - tv) == np.sign(est - tv))
                rows.append((y, key, tv, est, tt, same))
        cols = ["year", "parameter", "truth", "estimate", "true_types", "same_side"]
        return pd.DataFrame(rows, columns=cols)

    def to_frame(self) -> pd.DataFrame:
        rows: dict[str, dict[str, str]] = {}
        for key, label in COMPARED:
            row: dict[str, str] = {}
            for year in self.estimates:
                num, rec = self._frames[year]
                if key not in num.index:
                    continue
                r = num.loc[key]
                cell = fmt_estimate(r)
                c = self._cover(year, key)
                row[f"{year} truth"] = fmt_num(self.truth[year].get(key, np.nan), 2)
                row[f"{year} estimate"] = cell
                row[f"{year} covers"] = "" if c is None else ("yes" if c else "no")
                row[f"{year} true types"] = (
                    fmt_num(rec.loc[key, "estimate"], 2) if key in rec.index else ""
                )
            if row:
                rows[label] = row
        return pd.DataFrame.from_dict(rows, orient="index").fillna("")


def compare_with_truth(
    out_dir: str | Path,
    estimates: dict[int, MarketEstimate],
    lambda_x_share: float = 0.5,
) -> TruthComparison:
    """Compare a study's market estimates with the economy's planted parameters.

    For every estimated year: :func:`synthetic_truth`, and the estimator rerun on the
    generator's types with the economy's own calibration and the planted foreign
    normalisation (the row "true types": what the estimator gives when skills and
    productivity are measured without error).
    """
    truth, recovery = {}, {}
    for year in estimates:
        tv = synthetic_truth(out_dir, year)
        truth[year] = tv
        recovery[year] = estimate_markets(
            synthetic_market_sample(out_dir, year),
            synthetic_calibration(out_dir, year),
            lambda_x_share=lambda_x_share,
            base_measure=synthetic_base_measure(out_dir),
            foreign_normalisation=tv["nu_gap"],
            year=year,
        )
    return TruthComparison(truth=truth, estimates=dict(estimates), recovery=recovery)
