"""The structural stages (seed slides "Estimation", "Estimation Results" and
"Counterfactuals"): the market sample of each study year, the market-segmented model's
estimates, and the counterfactuals on the last estimated year."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from skillshore.config import StudyConfig
from skillshore.errors import ConfigError, DataValidationError, SkillshoreError
from skillshore.facts.stage import FactsResult
from skillshore.skills.stage import SkillsResult
from skillshore.structural.calibration import CalibrationTable, calibration_path
from skillshore.structural.counterfactuals import CounterfactualTable, Decomposition
from skillshore.structural.estimation import EstimationTable
from skillshore.structural.segmented import MarketSample
from skillshore.structural.settings import StructuralSettings, structural_settings
from skillshore.tables.stage import RawTables

__all__ = [
    "StructuralResult",
    "CounterfactualResult",
    "structural_stage",
    "counterfactual_stage",
    "structural_sample",
    "market_shifter",
    "dask_options",
]

N_CELLS = 12  # quantile cells of measured skill (docs/estimation.md, "The pipeline")


@dataclass(frozen=True)
class StructuralResult:
    """The calibration, the years asked for, the estimates (None if none could be made)."""

    calibration: CalibrationTable
    years: tuple[int, ...]
    estimates: EstimationTable | None = None
    notes: tuple[str, ...] = ()
    samples: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Per year, the worker-years left after each restriction of :func:`structural_sample`
    and the markets and firms kept (sample accounting, :mod:`skillshore.panel.accounting`)."""
    settings: StructuralSettings | None = None
    """The ``[structural]`` settings and foreign normalisation behind the estimates."""


@dataclass(frozen=True)
class CounterfactualResult:
    """The seed's counterfactuals and the first-to-last-year decomposition."""

    counterfactuals: CounterfactualTable | None = None
    decomposition: Decomposition | None = None
    decomposition_note: str | None = None
    notes: tuple[str, ...] = ()


def structural_files(cfg: StudyConfig) -> list[Path]:
    """The calibration CSV (none for a preset)."""
    path = calibration_path(cfg.structural.calibration, cfg.root)
    return [path] if path is not None else []


def dask_options(cfg: StudyConfig) -> dict[str, Any]:
    """``[structural] scheduler`` and ``workers`` as bootstrap arguments: threads in this
    process (default; no ``__main__`` guard needed), local worker processes, or an address."""
    s = cfg.structural
    if s.scheduler == "threads":
        return {"n_workers": 1, "processes": False, "scheduler": None}
    if s.scheduler == "processes":
        return {"n_workers": s.workers, "processes": True, "scheduler": None}
    return {"n_workers": s.workers, "processes": True, "scheduler": s.scheduler}


def market_shifter(validate: RawTables, cfg: StudyConfig, year: int) -> pl.DataFrame:
    """z_kt: growth of the source's export supply in industry k's export products.

    I_kt = sum_h e_hk0 WES_ht, e_hk0 the industry's base-year export shares of non-raw
    products (``[offshoring] raw_material_hs2``), WES the source's (``[offshoring]
    source``) exports to the world but the home country (``home_country``);
    g_kt = I_kt / I_k,t0 - 1 with t0 the first study year, demeaned over industries, and
    bounded as cap tanh(z / cap) with ``[structural] shifter_cap`` > 0.
    Returns ``industry, z``.
    """
    from skillshore.structural.markets import export_supply_shifter

    o = cfg.offshoring
    return export_supply_shifter(
        validate["customs"], validate["firms"], validate["world_trade"],
        cfg.study.base_years, cfg.study.years[0], year, cfg.structural.shifter_cap or None,
        source=o.source, home=o.home_country, raw_material_hs2=o.raw_material_hs2,
    )  # fmt: skip


def type_grid(cell: np.ndarray, cfg: StudyConfig) -> np.ndarray:
    """Worker types of the skill cells: the cell's mid-rank (cell + 1/2) / N_CELLS placed on
    ``[structural] x_support`` (the type scale the estimates refer to, e.g. the seed
    paper's normalisation of docs/model.md; default [0, 1])."""
    lo, hi = cfg.structural.x_support
    return lo + (hi - lo) * ((np.asarray(cell, dtype=np.float64) + 0.5) / N_CELLS)


def validation_set(cfg: StudyConfig) -> pl.DataFrame | None:
    """``[structural] validation``: labelled education codes (``code, x_true``), or None."""
    if not cfg.structural.validation:
        return None
    path = cfg.path(cfg.structural.validation)
    if not path.is_file():
        raise ConfigError(f"{cfg.source}: [structural] validation: no file {path}")
    v = (
        pl.read_parquet(path)
        if path.suffix == ".parquet"
        else pl.read_csv(path, infer_schema_length=0)
    )
    miss = [c for c in ("code", "x_true") if c not in v.columns]
    if miss:
        raise ConfigError(f"{path}: the validation set lacks column(s) {miss} (code, x_true)")
    v = v.select(pl.col("code").cast(pl.Utf8), pl.col("x_true").cast(pl.Float64))
    bad = v.filter(~pl.col("x_true").is_between(0.0, 1.0, closed="none"))
    if bad.height:
        raise ConfigError(
            f"{path}: x_true outside (0, 1) for codes {bad['code'].head(5).to_list()}"
        )
    return v


def validation_options(
    wdf: Any, cfg: StudyConfig, year: int, soft: bool | None = None
) -> dict[str, Any]:
    """The labelled persons of ``year`` (measured ``x``, true ``x_true``) for the type
    correction: the workers whose education code is in the validation set, at most
    ``[structural] validation_size`` of them drawn with the study's random seed. With
    ``soft`` (default: ``[structural] validation_method = "soft"``) every worker instead, with a probability for each
    true type from the measurement-error model fitted on the labelled codes
    (:func:`~skillshore.structural.soft_types.soft_validation`; labelled codes keep their
    known type), clustered by education code in the bootstrap."""
    from skillshore.structural.soft_types import soft_validation

    v = validation_set(cfg)
    if v is None:
        return {}
    from skillshore.structural.markets import WAGE_CONTROLS

    bad = [c for c in cfg.structural.calibrated_controls if c not in WAGE_CONTROLS]
    if bad:
        raise ConfigError(
            f"{cfg.source}: [structural] calibrated_controls: {bad} are not wage controls; "
            f"choose among {list(WAGE_CONTROLS)}"
        )
    if (cfg.structural.validation_method == "soft") if soft is None else soft:
        from skillshore.structural.markets import WAGE_CONTROLS

        cell = wdf["cell"].to_numpy()
        sk = wdf["skill_measured"].to_numpy()
        hi = np.array([sk[cell == c].max() for c in range(N_CELLS - 1)])
        lo = np.array([sk[cell == c].min() for c in range(1, N_CELLS)])
        lab = v.to_pandas().rename(columns={"code": "educ_code"})
        lab["true_cell"] = np.minimum((lab["x_true"] * N_CELLS).astype(np.int64), N_CELLS - 1)
        codes = wdf.assign(educ_code=wdf["educ_code"].astype(str))
        if not codes["educ_code"].isin(lab["educ_code"]).any():
            raise ConfigError(
                f"{cfg.source}: [structural] validation: no {year} worker has a labelled code"
            )
        soft_v, _ = soft_validation(
            codes,
            lab,
            (hi + lo) / 2,
            skill_col="skill_measured",
            keep_cols=list(WAGE_CONTROLS),
            outliers=cfg.structural.validation_outliers,
        )
        soft_v["x"] = type_grid(soft_v["cell"].to_numpy(), cfg)
        soft_v["x_true"] = type_grid(soft_v["true_cell"].to_numpy(), cfg)
        return {
            "validation": soft_v,
            "true_cols": ["x_true"],
            "validation_group_col": "educ_code",
            "validation_weight_col": "weight",
            "validation_control_weight_col": "weight_core",
            "calibrated_controls": list(cfg.structural.calibrated_controls),
        }
    from skillshore.structural.markets import WAGE_CONTROLS

    lab = wdf[["person_id", "x", "educ_code", *WAGE_CONTROLS]].merge(
        v.to_pandas().rename(columns={"code": "educ_code"}), on="educ_code", how="inner"
    )
    if lab.empty:
        raise ConfigError(
            f"{cfg.source}: [structural] validation: no {year} worker has a labelled code"
        )
    # x_true is the true type's rank in (0, 1): put it on the sample's cell grid exactly
    cell = np.minimum((lab["x_true"].to_numpy() * N_CELLS).astype(np.int64), N_CELLS - 1)
    lab["x_true"] = type_grid(cell, cfg)
    rng = np.random.default_rng([cfg.study.seed, int(year)])
    n = min(cfg.structural.validation_size, len(lab))
    pick = np.sort(rng.choice(len(lab), size=n, replace=False))
    return {
        "validation": lab.iloc[pick][["person_id", "x", "x_true", *WAGE_CONTROLS]].reset_index(
            drop=True
        ),
        "true_cols": ["x_true"],
        "calibrated_controls": list(cfg.structural.calibrated_controls),
    }


def nonemployed_types(
    validate: RawTables,
    skills: SkillsResult | None,
    year: int,
    cfg: StudyConfig,
    measured: np.ndarray,
    cell: np.ndarray,
) -> Any:
    """The non-employed persons of ``year`` (the optional ``nonemployed`` table) as worker
    types for f0(x), the skill distribution of the unemployed (seed slide
    "Identification"): each person's education-based skill (``[structural] skill``, from
    the skills stage's code vectors) placed in the employed's skill cells by the employed's
    cut points (``measured`` and ``cell`` of the matched workers). All non-employed persons
    are used (the seed's propensity matching by occupation is not implemented). None
    without the table or without a person with a skill vector."""
    from skillshore.skills.workers import worker_skills

    ne = validate.get("nonemployed")
    if ne is None or skills is None:
        return None
    ne = ne.filter(pl.col("year") == year)
    skill = cfg.structural.skill
    if ne.height == 0:
        return None
    col = skill if skill.endswith("_invariant") else f"{skill}_invariant"
    s = worker_skills(ne, skills.codes)[col].drop_nulls().to_numpy()
    if s.size == 0:
        return None
    upper = np.array([measured[cell == c].max() for c in range(N_CELLS - 1)])
    ne_cell = np.searchsorted(upper, s, side="left").astype(np.int64)
    return pd.DataFrame({"x": type_grid(ne_cell, cfg)})


def firm_productivity(firms: pl.DataFrame, cfg: StudyConfig, year: int) -> pl.DataFrame:
    """Each firm's productivity in ``year``, whose percentile is its type y
    (``[structural] firm_type``): ``firm_id, prod``. ``"va_per_worker"`` (the seed's):
    value added per worker of the year; ``"tfp"``: log value added per worker net of
    capital intensity,
    log(VA/L) - b log(K/L) - year effect, with b from pooled least squares with year
    effects over the firm-years of the study window with VA, L and K > 0, averaged over
    the window's years of each firm (docs/estimation.md, "Firm type").
    """
    kind = cfg.structural.firm_type
    y0, y1 = cfg.study.years
    if kind == "va_per_worker":
        return firms.filter(pl.col("year") == year).select(
            "firm_id", prod=pl.col("value_added") / pl.col("employment").clip(1)
        )
    if "capital" not in firms.columns or firms["capital"].null_count() == firms.height:
        raise ConfigError(
            f"{cfg.source}: [structural] firm_type = 'tfp' needs the firms table's capital"
        )
    f = (
        firms.filter(
            pl.col("year").is_between(y0, y1)
            & (pl.col("value_added") > 0)
            & (pl.col("employment") > 0)
            & (pl.col("capital") > 0)
        )
        .sort("firm_id", "year")
        .with_columns(
            lv=(pl.col("value_added") / pl.col("employment")).log(),
            lk=(pl.col("capital") / pl.col("employment")).log(),
        )
    )
    if f.height < 3:
        raise ConfigError(f"{cfg.source}: [structural] firm_type = 'tfp': too few firm-years")
    dm = f.with_columns(
        lv=pl.col("lv") - pl.col("lv").mean().over("year"),
        lk=pl.col("lk") - pl.col("lk").mean().over("year"),
    )
    lk = dm["lk"].to_numpy()
    b = float(lk @ dm["lv"].to_numpy() / (lk @ lk)) if lk @ lk > 0 else 0.0
    prod = (
        dm.with_columns(r=pl.col("lv") - b * pl.col("lk"))
        .group_by("firm_id", maintain_order=True)
        .agg(prod=pl.col("r").mean())
    )
    need = firms.filter((pl.col("year") == year) & (pl.col("value_added") > 0))
    miss = need.join(prod, on="firm_id", how="anti")["firm_id"]
    if miss.len():
        raise DataValidationError(
            f"firms: {miss.len()} firm(s) with value added in {year} have no positive capital "
            f"and employment in {y0}-{y1} for [structural] firm_type = 'tfp' (e.g. firm_id "
            f"{miss.head(5).to_list()}); use firm_type = 'va_per_worker' or supply capital"
        )
    return prod


def structural_sample(
    validate: RawTables,
    facts: FactsResult,
    year: int,
    cfg: StudyConfig,
    skills: SkillsResult | None = None,
    log: dict[str, Any] | None = None,
) -> MarketSample | None:
    """Markets of one year for the structural model (docs/estimation.md, "The pipeline").

    High-offshorable occupations; a market is a 6-digit industry; worker types are 12
    quantile cells of measured skill (``[structural] skill``) among the year's
    high-offshorable workers, x = (cell + 1/2)/12; firm types are the industry's firms
    with y = the percentile of value added per worker among all firms of the year;
    offshored workers per firm = purchases abroad / value added x employment (the seed's
    identifying assumption); wages net of schooling, experience and skills within (firm,
    cell), at the reference worker (12 years, no experience, skills 1/2); the shifter
    (after the first study year) is :func:`market_shifter`. None when fewer than 50
    workers remain. ``log`` (a dict) receives ``workers``: ``(reason, rows left)`` after
    each restriction, ``markets`` and ``firms``: the counts kept.
    """
    from skillshore.skills import SKILLS
    from skillshore.structural import market_sample_from_frames
    from skillshore.structural.markets import WAGE_CONTROLS, WAGE_REFERENCE

    skill = cfg.structural.skill
    if skill not in facts.panel.columns:
        cols = [c for c in facts.panel.columns if c.startswith(SKILLS)]
        raise ConfigError(
            f"[structural] skill = {skill!r} is not a skill column; use one of {cols}"
        )
    # rows in a fixed order before any rank (ties) or sum: joins do not keep order, and
    # the results must not depend on the thread count (bit-identical reruns)
    y_lo, y_hi = cfg.structural.y_support
    firms = (
        validate["firms"]
        .filter(pl.col("year") == year)
        .sort("firm_id")
        .join(firm_productivity(validate["firms"], cfg, year), on="firm_id", how="left")
        .with_columns(
            y=y_lo + (y_hi - y_lo) * ((pl.col("prod").rank("ordinal") - 0.5) / pl.len()),
            offshored=pl.col("purchases_abroad").fill_null(0.0).clip(0.0)
            / pl.col("value_added").clip(1e-9)
            * pl.col("employment"),
        )
        .filter(pl.col("value_added") > 0)
    )
    steps = (log if log is not None else {}).setdefault("workers", [])
    w = facts.panel.filter(pl.col("year") == year)
    steps.append((f"worker-years of {year} in the panel", w.height))
    # firms outside the panel's sample (e.g. not in the baseline sample) have none of their
    # domestic workers here: their offshored workers would inflate the markets' offshoring
    # rate (purchases abroad / value added = offshored / domestic workers, firm by firm).
    # Firms of the panel whose workers are all in low-offshorable occupations stay.
    n_firms = firms.height
    firms = firms.filter(pl.col("firm_id").is_in(w["firm_id"].unique().implode()))
    if log is not None:
        log["firms_outside_panel"] = n_firms - firms.height
    for reason, f in (
        ("not in a high-offshorable occupation", lambda d: d.filter(pl.col("occ_group") == "high")),
        ("missing skill, wage or experience",
         lambda d: d.drop_nulls([*SKILLS, skill, "hourly_wage", "experience"])),
        ("hourly wage <= 0", lambda d: d.filter(pl.col("hourly_wage") > 0)),
        (f"employer without positive value added in {year}",
         lambda d: d.join(firms.select("firm_id"), on="firm_id", how="inner")),
    ):  # fmt: skip
        w = f(w)
        steps.append((reason, w.height))
    w = w.sort("firm_id", "person_id")  # the panel's own order within a year
    if w.height < 50:
        return None
    rank = w[skill].rank("ordinal").to_numpy()
    cell = ((rank - 1) * N_CELLS // w.height).astype(np.int64)
    w = w.with_columns(
        cell=pl.Series(cell),
        x=pl.Series(type_grid(cell, cfg)),
        experience2=pl.col("experience") ** 2,
    )
    keep = firms.filter(pl.col("industry").is_in(firms.join(w, on="firm_id")["industry"].implode()))
    wdf = w.select(
        "person_id", "firm_id", "x", "cell", "hourly_wage", *WAGE_CONTROLS, "educ_code",
        pl.col(skill).alias("skill_measured"),
    ).to_pandas()  # fmt: skip
    # the "clusters" bootstrap's worker clusters: the education code (a worker without
    # one is a cluster of its own)
    wdf["cluster"] = (
        wdf["educ_code"].astype("string").fillna("person " + wdf["person_id"].astype("string"))
    )
    markets, cols = None, None
    if year > cfg.study.years[0] and validate.get("customs") is not None:
        z = market_shifter(validate, cfg, year)
        if z.height and float(z["z"].std() or 0.0) > 0:
            markets, cols = z.rename({"industry": "market"}).to_pandas(), ["z"]
            keep = keep.filter(pl.col("industry").is_in(z["industry"].implode()))
            wdf = wdf[wdf["firm_id"].isin(keep["firm_id"].to_list())]
    steps.append(("industry without the export-supply shifter", len(wdf)))
    if log is not None:
        log.update(markets=keep["industry"].n_unique(), firms=keep.height)
    fdf = keep.select("firm_id", pl.col("industry").alias("market"), "y", "offshored").to_pandas()
    return market_sample_from_frames(
        wdf,
        fdf,
        ["x"],
        ["y"],
        wage_col="hourly_wage",
        wage_control_cols=list(WAGE_CONTROLS),
        wage_reference=list(WAGE_REFERENCE),
        offshored_col="offshored",
        markets=markets,
        shifter_cols=cols,
        n_worker_types=N_CELLS,
        worker_group_col="cluster",
        nonemployed=nonemployed_types(validate, skills, year, cfg, w[skill].to_numpy(), cell),
        **validation_options(wdf, cfg, year),
    )


def structural_stage(
    cfg: StudyConfig, validate: RawTables, facts: FactsResult, skills: SkillsResult
) -> StructuralResult:
    """Estimate the market-segmented model for the first and last study years."""
    from skillshore.structural import calibration_from_config, estimate_markets

    cal = calibration_from_config(cfg)
    years = tuple(y for y in cfg.study.years if y in cal.years)
    settings = structural_settings(cfg, cal, years)
    if facts.panel.height == 0 or not years:
        return StructuralResult(cal, years, settings=settings)
    notes: list[str] = []
    ests = {}
    kw = dict(
        lambda_x_share=cfg.structural.lambda_x_share,
        base_measure=cfg.structural.base_measure,
        bootstrap_scheme=cfg.structural.bootstrap_scheme,
        wage_effects=cfg.structural.wage_effects,
        seed=cfg.study.seed,
        progress=True,  # bootstrap replications: a bar on a terminal, plain lines in a log
        **dask_options(cfg),
    )
    samples: dict[int, dict[str, Any]] = {}
    for year in dict.fromkeys(years):
        sample = structural_sample(validate, facts, year, cfg, skills, samples.setdefault(year, {}))
        if sample is None:
            notes.append(f"{year}: fewer than 50 high-offshorable workers with skills and wages")
            continue
        try:
            ests[year] = estimate_markets(
                sample, cal.year(year), bootstrap=cfg.structural.bootstrap, year=year, **kw
            )
        except SkillshoreError as err:  # the point estimate stands; say why intervals are missing
            notes.append(f"{year}: bootstrap intervals not available ({err})")
            try:
                ests[year] = estimate_markets(sample, cal.year(year), bootstrap=0, year=year, **kw)
            except SkillshoreError as err2:
                notes.append(f"{year}: not estimated ({err2})")
    table = EstimationTable(ests) if ests else None
    return StructuralResult(cal, years, table, tuple(notes), samples, settings)


def counterfactual_stage(cfg: StudyConfig, structural: StructuralResult) -> CounterfactualResult:
    """The seed's counterfactuals (``[counterfactuals]``) on the last estimated year and the
    first -> last year decomposition (globalization vs structural change), both on the
    estimated markets (solved one by one, pooled with the data's masses:
    :func:`~skillshore.structural.economy.market_economy`) with bootstrap intervals
    (:func:`~skillshore.structural.cf_bootstrap.with_intervals`); what cannot be computed
    is returned as a note for the report."""
    from skillshore.structural import counterfactuals, decompose_change, scenarios_from_config
    from skillshore.structural.cf_bootstrap import with_intervals
    from skillshore.structural.economy import market_economy

    if structural.estimates is None:
        return CounterfactualResult()
    ests = structural.estimates.estimates
    years = sorted(ests)
    last = ests[years[-1]]
    notes: list[str] = []
    try:
        econ = market_economy(last)
    except SkillshoreError as err:
        return CounterfactualResult(decomposition_note=str(err), notes=(f"{years[-1]}: {err}",))
    cf = counterfactuals(econ, scenarios_from_config(cfg))
    cf = with_intervals(cf, last, max_draws=cfg.counterfactuals.bootstrap_draws)
    notes.append(_draws_note("counterfactuals", cf, years[-1:], last))
    if len(ests) < 2:
        return CounterfactualResult(cf, notes=tuple(n for n in notes if n))
    try:
        dec = decompose_change(
            market_economy(ests[years[0]]), econ, labels=(str(years[0]), str(years[-1]))
        )
    except (SkillshoreError, ValueError) as err:  # shown in the report with its reason
        return CounterfactualResult(cf, decomposition_note=str(err), notes=tuple(notes))
    dec = with_intervals(dec, last, ests[years[0]], max_draws=cfg.counterfactuals.bootstrap_draws)
    notes.append(_draws_note("decomposition", dec, (years[0], years[-1]), last))
    return CounterfactualResult(cf, dec, notes=tuple(n for n in notes if n))


def _draws_note(what: str, res: Any, years: Any, est: Any) -> str:
    """Say how many bootstrap replicates the intervals of ``res`` rest on, and why not all."""
    if not res.n_boot:
        return f"{what}: no bootstrap replications, no intervals"
    used = 0 if res.draws is None else len(res.draws)
    B = est.bootstrap.n_boot
    first = f"the first {res.n_boot} of {B}" if res.n_boot < B else f"all {B}"
    why = (
        ""
        if used == res.n_boot
        else f"; {res.n_boot - used} of them give no economy (wage slope lambda_x <= 0: "
        "lambda not bounded away from 0) or no equilibrium and are left out"
    )
    return (
        f"{what}: intervals from {used} bootstrap replicates ({first} replicates of "
        f"{' and '.join(map(str, years))}, parameters on the point estimate's markets){why}"
    )


def estimate_numbers(
    structural: StructuralResult, truth: dict[int, dict[str, float]] | None = None
) -> list[dict[str, Any]]:
    """results.json's structural block: per year and parameter the estimate, its standard
    error, interval and failed bootstrap draws, as numbers; with ``truth`` (a synthetic
    economy's planted values by year) also the truth and whether the interval covers it."""
    if structural.estimates is None:
        return []
    out = []
    for row in structural.estimates.numbers().to_dict("records"):
        rec = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        rec = {
            k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in rec.items()
        }
        tv = (truth or {}).get(int(rec["year"]), {}).get(rec["parameter"])
        if tv is not None and np.isfinite(tv):
            rec["truth"] = float(tv)
            lo, hi = rec.get("lower"), rec.get("upper")
            rec["covers"] = None if lo is None or hi is None else bool(lo <= tv <= hi)
        out.append(rec)
    return out


def counterfactual_numbers(cf: CounterfactualResult) -> dict[str, Any]:
    """results.json's counterfactual block, as numbers: per statistic and scenario the change
    from the baseline with its interval; per statistic the decomposition's change and parts
    with intervals; the notes (what rests on fewer replicates, what could not be computed)."""

    def rows(point: pd.DataFrame, ci: pd.DataFrame, col: str) -> list[dict[str, Any]]:
        out = []
        for (stat, c), (lo, hi) in ci.iterrows():
            rec = {"statistic": stat, col: c, "value": float(point.loc[stat, c])}
            rec.update(
                lower=float(lo) if np.isfinite(lo) else None,
                upper=float(hi) if np.isfinite(hi) else None,
            )
            out.append(rec)
        return out

    res: dict[str, Any] = {"notes": list(cf.notes)}
    t = cf.counterfactuals
    if t is not None:
        res["changes"] = rows(t.change(), t.conf_int(), "scenario")
    d = cf.decomposition
    if d is not None:
        res["decomposition"] = rows(d.parts, d.conf_int(), "part")
        res["decomposition_years"] = list(d.labels)
    elif cf.decomposition_note:
        res["decomposition_note"] = cf.decomposition_note
    return res
