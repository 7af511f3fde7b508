"""The offshoring stage (seed slides "Offshoring Exposure from China" and "Regression
Analysis"): narrow offshoring, the shift-share instrument, the seed's IV tables, shock
diagnostics and the exposure-robust main column."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from skillshore._results import FrameTable
from skillshore.config import OffshoringSection, StudyConfig
from skillshore.errors import ConfigError, SkillshoreError
from skillshore.facts.stage import FactsResult
from skillshore.offshoring.dataset import FirmPanel
from skillshore.offshoring.rotemberg import RotembergWeights
from skillshore.offshoring.shiftshare import ShiftShareDesign, ShockDiagnostics
from skillshore.offshoring.tables import IVTable
from skillshore.tables.stage import RawTables

__all__ = ["OffshoringResult", "offshoring_stage", "firm_panel", "shift_share_design"]

FE = ("firm_id", "sector_year")


@dataclass(frozen=True)
class OffshoringResult:
    """The firm panel, the seed's IV tables by name, shock diagnostics, the exposure-robust
    column and Rotemberg weights (None where not estimated: ``notes`` says why)."""

    firm_panel: FirmPanel | None = None
    tables: dict[str, IVTable] = field(default_factory=dict)
    shock_diagnostics: ShockDiagnostics | None = None
    exposure_robust: FrameTable | None = None
    rotemberg: RotembergWeights | None = None
    notes: tuple[str, ...] = ()
    variance: IVTable | None = None
    shock_diagnostics_levels: ShockDiagnostics | None = None


def source_options(fn: Callable[..., Any], cfg: StudyConfig) -> dict[str, Any]:
    """``[offshoring] source`` and ``industry_digits`` as keyword arguments of ``fn`` where
    it takes them; a non-default value ``fn`` cannot honour is a :class:`ConfigError`."""
    params = inspect.signature(fn).parameters
    out: dict[str, Any] = {}
    o = cfg.offshoring
    for key, value in (("source", o.source), ("industry_digits", o.industry_digits)):
        if key in params:
            out[key] = value
        elif value != getattr(OffshoringSection, key):
            raise ConfigError(
                f"{cfg.source}: [offshoring] {key} = {value!r} is not supported by this "
                f"version ({fn.__module__}.{fn.__name__} measures China at 6 digits); "
                f"remove the key or set it to {getattr(OffshoringSection, key)!r}."
            )
    return out


def firm_panel(validate: RawTables, facts: FactsResult, cfg: StudyConfig) -> FirmPanel:
    """The study's firm x year x occupation-group panel (narrow offshoring, Bartik IVs)."""
    from skillshore.offshoring import build_firm_panel

    o = cfg.offshoring
    return build_firm_panel(
        facts.panel,
        facts.sample,
        validate["firms"],
        validate["customs"],
        validate["world_trade"],
        validate["low_wage"],
        base_years=cfg.study.base_years,
        raw_material_hs2=o.raw_material_hs2,
        normalise=o.normalise,
        home=o.home_country,
        **source_options(build_firm_panel, cfg),
    )


def shift_share_design(validate: RawTables, obs: Any, cfg: StudyConfig) -> ShiftShareDesign:
    """The shift-share design (exposure shares x WES) of the rows ``obs`` (``industry,
    year``), for shock diagnostics and exposure-robust inference."""
    from skillshore.offshoring import exposure_shares, world_export_supply
    from skillshore.panel import main_industry

    o = cfg.offshoring
    industries = main_industry(validate["firms"], cfg.study.years)
    shares = exposure_shares(
        validate["customs"], industries, cfg.study.base_years, raw_material_hs2=o.raw_material_hs2
    )
    shocks = world_export_supply(
        validate["world_trade"], countries=o.source, home=o.home_country, years=cfg.study.years
    )
    return ShiftShareDesign.from_panel(
        obs, shares, shocks, unit="industry", product="hs6", share="share", period="year",
        shock="wes",
    )  # fmt: skip


def offshoring_stage(cfg: StudyConfig, validate: RawTables, facts: FactsResult) -> OffshoringResult:
    """Narrow offshoring, the Bartik instrument, its diagnostics and the seed's IV tables."""
    from skillshore.offshoring import SEED_TABLES, seed_table, shock_diagnostics

    if facts.panel.height == 0:
        return OffshoringResult(notes=("the baseline sample is empty: no IV regressions",))
    fp = firm_panel(validate, facts, cfg)
    high = fp.data.filter(pl.col("occ_group") == "high")
    if high.height < 50 or high["firm_id"].n_unique() < 5:
        # pyfixest's compiled demeaner aborts the process on degenerate panels: guard here
        return OffshoringResult(
            firm_panel=fp,
            notes=(
                "too few firm-years in high-offshorable occupations for the IV regressions "
                f"({high.height} rows, {high['firm_id'].n_unique()} firms)",
            ),
        )
    notes: list[str] = []
    tables = {}
    for name in SEED_TABLES:
        try:
            tables[name] = seed_table(
                name, fp.data, cluster=cfg.offshoring.cluster, **source_options(seed_table, cfg)
            )
        except SkillshoreError as err:
            notes.append(f"table {name}: not estimated ({err})")
    variance = variance_regression(facts, fp, cfg, notes)
    try:
        design = shift_share_design(validate, high.select("industry", "year"), cfg)
        levels = shock_diagnostics(design)
    except SkillshoreError as err:
        notes.append(f"shock diagnostics: not computed ({err})")
        return OffshoringResult(fp, tables, notes=tuple(notes), variance=variance)
    growth = growth_diagnostics(validate, high.select("industry", "year"), cfg, notes)
    robust, rotemberg = exposure_robust(design, high, notes)
    return OffshoringResult(fp, tables, growth, robust, rotemberg, tuple(notes), variance, levels)


def variance_regression(
    facts: FactsResult, fp: FirmPanel, cfg: StudyConfig, notes: list[str]
) -> IVTable | None:
    """The seed's "offshoring reduces the between-firm variance of skills" regression:
    between- and within-firm variance of cognitive skill (x100) on offshoring, IV."""
    from skillshore.facts.firm_variance import firm_variance_panel
    from skillshore.offshoring.variance_iv import variance_table

    o = cfg.offshoring
    try:
        v = firm_variance_panel(
            facts.panel, ["cognitive"], unit="industry" if o.industry_digits == 6 else "industry4"
        )
        return variance_table(v, fp.data, source=o.source, industry_digits=o.industry_digits)
    except SkillshoreError as err:
        notes.append(f"variance regression: not estimated ({err})")
        return None


def growth_diagnostics(
    validate: RawTables, obs: Any, cfg: StudyConfig, notes: list[str]
) -> ShockDiagnostics | None:
    """Shock diagnostics in growth rates between consecutive years (the seed's units,
    "Validity of Bartik-type instruments": mean 1.41, SD 18.2)."""
    from skillshore.offshoring import exposure_shares, world_export_supply
    from skillshore.offshoring.shiftshare import shock_diagnostics, shock_growth
    from skillshore.panel import main_industry

    o = cfg.offshoring
    try:
        industries = main_industry(validate["firms"], cfg.study.years)
        shares = exposure_shares(
            validate["customs"], industries, cfg.study.base_years,
            raw_material_hs2=o.raw_material_hs2,
        )  # fmt: skip
        shocks = world_export_supply(
            validate["world_trade"], countries=o.source, home=o.home_country,
            years=cfg.study.years,
        )  # fmt: skip
        growth = shock_growth(shocks, product="hs6", period="year", shock="wes").dropna()
        years = sorted(set(growth["year"]))
        obs = obs.filter(pl.col("year").is_in(years))
        design = ShiftShareDesign.from_panel(
            obs, shares, growth, unit="industry", product="hs6", share="share",
            period="year", shock="wes",
        )  # fmt: skip
        return shock_diagnostics(design)
    except (SkillshoreError, KeyError, ValueError) as err:
        notes.append(f"shock diagnostics in growth rates: not computed ({err})")
        return None


def exposure_robust(
    design: ShiftShareDesign, high: pl.DataFrame, notes: list[str]
) -> tuple[FrameTable | None, RotembergWeights | None]:
    """The BHJ exposure-robust main column with AKM / AKM0 (sector clusters = products),
    and Rotemberg weights (high-offshorable occupations)."""
    from skillshore.offshoring import rotemberg_weights, shock_level_regression
    from skillshore.offshoring.akm import akm_regression
    from skillshore.offshoring.shocklevel import exposure_robust_table

    data = high.to_pandas()
    rotemberg, bhj, akm = None, {}, {}
    for label, y in (
        ("Skills after training", "avg_cognitive"),
        ("Invariant skills", "avg_cognitive_inv"),
    ):
        sub = data.dropna(subset=[y, "off_china", "iv_china"])
        try:
            bhj[label] = shock_level_regression(
                design, sub, y, "off_china", fe=list(FE), cluster="product"
            )
        except SkillshoreError as err:
            notes.append(f"exposure-robust IV ({label}): not estimated ({err})")
            continue
        try:
            akm[label] = akm_regression(design, sub, y, "off_china", fe=list(FE), cluster="product")
        except SkillshoreError as err:
            notes.append(f"AKM ({label}): not estimated ({err})")
        if y == "avg_cognitive":
            try:
                rotemberg = rotemberg_weights(design, sub, y, "off_china", fe=list(FE), top=5)
            except SkillshoreError as err:
                notes.append(f"Rotemberg weights: not computed ({err})")
    if not bhj:
        return None, rotemberg
    table = exposure_robust_table(
        bhj,
        akm,
        title="Shift-share IV with exposure-robust inference (BHJ 2022 shock-level "
        "equivalent and AKM 2019, clustered by product), high-offshorable occupations",
    )
    return table, rotemberg
