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
from skillshore.offshoring.measures import FirmPanel
from skillshore.offshoring.shiftshare import RotembergWeights, ShiftShareDesign, ShockDiagnostics
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
            tables[name] = seed_table(name, fp.data, cluster=cfg.offshoring.cluster)
        except SkillshoreError as err:
            notes.append(f"table {name}: not estimated ({err})")
    try:
        design = shift_share_design(validate, high.select("industry", "year"), cfg)
        diag = shock_diagnostics(design)
    except SkillshoreError as err:
        notes.append(f"shock diagnostics: not computed ({err})")
        return OffshoringResult(fp, tables, notes=tuple(notes))
    robust, rotemberg = exposure_robust(design, high, notes)
    return OffshoringResult(fp, tables, diag, robust, rotemberg, tuple(notes))


def exposure_robust(
    design: ShiftShareDesign, high: pl.DataFrame, notes: list[str]
) -> tuple[FrameTable | None, RotembergWeights | None]:
    """The BHJ exposure-robust main column and Rotemberg weights (high-offshorable)."""
    import pandas as pd

    from skillshore.offshoring import rotemberg_weights, shock_level_regression

    data = high.to_pandas()
    rotemberg, rows = None, {}
    for label, y in (
        ("Skills after training", "avg_cognitive"),
        ("Invariant skills", "avg_cognitive_inv"),
    ):
        sub = data.dropna(subset=[y, "off_china", "iv_china"])
        try:
            r = shock_level_regression(design, sub, y, "off_china", fe=list(FE), cluster="product")
        except SkillshoreError as err:
            notes.append(f"exposure-robust IV ({label}): not estimated ({err})")
            continue
        lo, hi = r.conf_int()
        rows[label] = {
            "Estimate": r.coef,
            "Exposure-robust SE": r.std_error,
            "95% CI low": lo,
            "95% CI high": hi,
            "Exposure-robust first-stage F": r.first_stage_f,
            "Shocks": r.n_shocks,
            "Product clusters": r.n_clusters,
        }
        if y == "avg_cognitive":
            try:
                rotemberg = rotemberg_weights(design, sub, y, "off_china", fe=list(FE), top=5)
            except SkillshoreError as err:
                notes.append(f"Rotemberg weights: not computed ({err})")
    if not rows:
        return None, rotemberg
    table = FrameTable(
        pd.DataFrame(rows).T.astype({"Shocks": int, "Product clusters": int}),
        "Shift-share IV with exposure-robust inference (BHJ 2022 shock-level equivalent, "
        "clustered by product), high-offshorable occupations, all firms",
    )
    return table, rotemberg
