"""The whole study as one function: :func:`run_study` (the CLI's ``skillshore run``).

Data flows one way (see the package docstring): raw tables -> validated
panel -> measures -> estimates -> report. This module only wires stages; each
stage lives in its own subpackage and returns a small result object.
"""

from __future__ import annotations

import dataclasses
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from skillshore import __version__
from skillshore._cache import StageCache
from skillshore.config import StudyConfig, load_config
from skillshore.errors import ConfigError, SkillshoreError
from skillshore.report import ReportBuilder, write_json
from skillshore.tables import load_tables
from skillshore.tables.describe import describe_tables

__all__ = ["Study", "run_study", "validate_study", "versions"]

_PACKAGES = (
    "numpy",
    "scipy",
    "polars",
    "pyarrow",
    "pandas",
    "pyfixest",
    "matplotlib",
    "numba",
    "dask",
)


def versions() -> dict[str, str]:
    """Versions of Python, skillshore and its main dependencies (for reproducibility)."""
    out = {"python": platform.python_version(), "skillshore": __version__}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


@dataclass
class Study:
    """Everything one run produced: each stage's result, timings, output paths."""

    config: StudyConfig
    out_dir: Path
    results: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    report_path: Path | None = None
    cache: StageCache | None = None

    def summary(self) -> str:
        lines = [f"skillshore study '{self.config.study.name}' -> {self.out_dir}"]
        for k, v in self.headline.items():
            lines.append(f"  {k}: {v}")
        for k, t in self.timings.items():
            lines.append(f"  stage {k}: {t:.1f} s")
        if self.report_path:
            lines.append(f"  report: {self.report_path}")
        return "\n".join(lines)


def validate_study(config: StudyConfig | str | Path) -> dict:
    """Load and validate every raw table named by the config (raises DataValidationError)."""
    cfg = config if isinstance(config, StudyConfig) else load_config(config)
    return load_tables(cfg.tables, years=cfg.all_years)


def _truth_dir(cfg: StudyConfig) -> Path | None:
    """The folder of a synthetic economy's ``truth.json``, when the study's workers table
    has one beside it (``skillshore synth`` output); None for real data."""
    workers = cfg.tables.get("workers")
    if workers is None or not (workers.parent / "truth.json").exists():
        return None
    return workers.parent


def _synth_config(
    out: Path, scale: str, seed: int, progress: Callable[[str], None], force: bool = False
) -> StudyConfig:
    """Write (or reuse) the synthetic economy under ``out/data`` and return its config."""
    import json

    from skillshore.synth import generate

    data_dir = out / "data"
    stamp = data_dir / ".synth.json"
    want = {"scale": scale, "seed": seed, "version": __version__}
    toml = data_dir / "study.toml"
    if not force and toml.exists() and stamp.exists() and json.loads(stamp.read_text()) == want:
        cfg = load_config(toml)
        if all(p is None or p.exists() for p in cfg.tables.values()):
            progress(f"reusing the {scale} synthetic economy (seed {seed}) in {data_dir}")
            return cfg
    progress(f"synthesizing the {scale} economy (seed {seed}) into {data_dir}")
    generate(data_dir, scale=scale, seed=seed)
    write_json(stamp, want)
    return load_config(toml)


def _skills_stage(frames: dict, cfg: StudyConfig) -> dict[str, Any]:
    """Catalog titles -> O*NET -> skill vectors -> worker skills (seed "Measurement: Worker Skill")."""
    import polars as pl

    from skillshore.skills import (
        code_skills,
        load_bundle,
        match_titles,
        occupation_skills,
        wage_table,
        worker_skills,
    )

    bundle = load_bundle(cfg.skills.onet_dir) if cfg.skills.onet_dir else load_bundle()
    overrides = None
    if cfg.skills.overrides:
        path = cfg.root / cfg.skills.overrides
        overrides = pl.read_csv(path, infer_schema=False)
    matches = match_titles(
        frames["catalog"],
        bundle,
        top_k=cfg.skills.top_k,
        min_score=cfg.skills.min_score,
        overrides=overrides,
        semantic=cfg.skills.semantic,
    )
    occ = occupation_skills(bundle)
    codes = code_skills(matches, occ)
    workers = worker_skills(frames["workers"], codes)
    out: dict[str, Any] = {"matches": matches, "codes": codes, "workers": workers, "notes": []}
    try:  # the seed's wage table (slide "Skill Measures and Wages")
        out["wage_table"] = wage_table(
            workers.drop_nulls(["cognitive", "manual", "interpersonal", "hourly_wage"])
        )
    except SkillshoreError as err:
        out["notes"].append(f"wage table: not estimated ({err})")
    return out


def _facts_stage(frames: dict, skills: dict[str, Any], cfg: StudyConfig) -> dict[str, Any]:
    """The seed's baseline sample and stylized facts 1-3."""
    import polars as pl

    from skillshore.facts import between_firm_share, skill_dynamics, within_between
    from skillshore.panel import baseline_sample, build_worker_panel

    sample = baseline_sample(
        frames["firms"],
        cfg.study.years,
        sectors=cfg.sample.manufacturing_sectors,
        min_employees=cfg.sample.min_employees,
        continuous=cfg.sample.continuous_firms,
    )
    workers = skills["workers"].drop_nulls(["cognitive", "manual", "interpersonal"])
    dropped = skills["workers"].height - workers.height
    panel = build_worker_panel(
        workers,
        sample,
        frames["offshorability"],
        threshold=cfg.offshoring.high_offshorable_threshold,
    )
    out: dict[str, Any] = {
        "sample": sample,
        "panel": panel,
        "panel_rows": panel.height,
        "no_skill_rows": dropped,
    }
    if panel.height == 0:
        return out
    out["fact1"] = within_between(panel)
    if panel.filter(pl.col("occ_group").is_not_null()).height:
        for key, fn in (("fact2", between_firm_share), ("fact3", skill_dynamics)):
            res = fn(panel)
            if len(res.to_frame()):  # too few workers per firm-cell or firm leave it empty
                out[key] = res
    return out


def _report_skills(rb: ReportBuilder, skills: dict[str, Any], truth_dir: Path | None) -> None:
    import polars as pl

    from skillshore._results import FrameTable
    from skillshore.skills import ATTRIBUTION

    rb.table("title_matching", skills["matches"], "Matching education and training titles to O*NET")
    n_missing = skills["workers"].filter(pl.col("cognitive").is_null()).height
    if n_missing:
        rb.text(
            f"{n_missing} worker-years have no skill vector (their education code matched no rated occupation); they are left out of the facts.",
            note=True,
        )
    truth = truth_dir / "truth" / "catalog_truth.parquet" if truth_dir else None
    if truth is not None and truth.exists():
        t = pl.read_parquet(truth).select(
            "code",
            pl.col("onet_soc").alias("true_soc"),
            *[pl.col(s).alias(f"true_{s}") for s in ("cognitive", "manual", "interpersonal")],
        )
        j = skills["codes"].join(t, on="code")
        import pandas as pd

        rows = {
            "top-1 accuracy of the title matcher": float((j["onet_soc"] == j["true_soc"]).mean())
        }
        top = skills["matches"].top.join(t.select("code", "true_soc"), on="code")
        rows["top-5 accuracy"] = float(
            top.group_by("code")
            .agg((pl.col("onet_soc") == pl.col("true_soc")).any())["onet_soc"]
            .mean()
        )
        for s in ("cognitive", "manual", "interpersonal"):
            rows[f"corr(recovered, true) {s}"] = float(j.select(pl.corr(s, f"true_{s}")).item())
        rb.table(
            "skills_truth",
            FrameTable(
                pd.DataFrame({"value": rows}), "Truth vs estimate: skills (synthetic economy)"
            ),
        )
    if "wage_table" in skills:
        rb.table("wage_table", skills["wage_table"], "Skill measures and wages (log hourly wage)")
        if truth_dir is not None:
            dgp = truth_dir / "truth.json"
            import json

            coef = json.loads(dgp.read_text()).get("dgp", {}).get("wage_coefficients")
            if coef:
                cmp = skills["wage_table"].compare(coef)
                rb.table(
                    "wage_truth",
                    FrameTable(
                        cmp.to_frame(),
                        "Truth vs estimate: wage equation (the DGP's direct skill effects; "
                        "the equilibrium wage adds to the cognitive coefficient)",
                    ),
                )
    for note in skills.get("notes", []):
        rb.text(note, note=True)
    rb.text("Skill data: " + ATTRIBUTION)


def _report_facts(rb: ReportBuilder, facts: dict[str, Any]) -> None:
    from skillshore.facts import (
        plot_between_firm_share,
        plot_skill_dynamics,
        plot_variance_decomposition,
    )

    rb.table("baseline_sample", facts["sample"], "Baseline sample")
    rb.section("2. Stylized facts")
    if "fact1" not in facts:
        rb.text("The baseline sample is empty: no stylized facts.", note=True)
        return
    rb.table("fact1_variance", facts["fact1"], "Fact 1: within- and between-cell skill variance")
    rb.figure("fact1_variance", plot_variance_decomposition(facts["fact1"]), "Fact 1 (seed eq. 1)")
    if "fact2" in facts:
        from skillshore._results import FrameTable

        rb.table(
            "fact2_between_firm",
            FrameTable(
                facts["fact2"].compact("share_kss"),
                "Fact 2: between-firm share of within-cell skill variance, % "
                "(leave-one-out corrected; – where fewer than 30 workers)",
            ),
        )
        rb.figure(
            "fact2_between_firm",
            plot_between_firm_share(facts["fact2"]),
            "Fact 2 (seed eq. 2), bias-corrected",
        )
    if "fact3" in facts:
        rb.table(
            "fact3_dynamics",
            facts["fact3"],
            "Fact 3: within-firm average skills, high-offshorable occupations",
        )
        rb.figure(
            "fact3_dynamics",
            plot_skill_dynamics(facts["fact3"]),
            "Fact 3: continuing workers and new matches",
        )


def _firm_panel(frames: dict, facts: dict[str, Any], cfg: StudyConfig):
    """The study's firm x year x occupation-group panel (narrow offshoring, Bartik IVs)."""
    from skillshore.offshoring import build_firm_panel

    return build_firm_panel(
        facts["panel"],
        facts["sample"],
        frames["firms"],
        frames["customs"],
        frames["world_trade"],
        frames["low_wage"],
        base_years=cfg.study.base_years,
        raw_material_hs2=cfg.offshoring.raw_material_hs2,
        normalise=cfg.offshoring.normalise,
        home=cfg.offshoring.home_country,
    )


def _shift_share_design(frames: dict, obs: Any, cfg: StudyConfig):
    """The China shift-share design (exposure shares x WES) of the rows ``obs``
    (``industry, year``), for shock diagnostics and exposure-robust inference."""
    from skillshore.offshoring import ShiftShareDesign, exposure_shares, world_export_supply
    from skillshore.panel import main_industry

    industries = main_industry(frames["firms"], cfg.study.years)
    shares = exposure_shares(
        frames["customs"],
        industries,
        cfg.study.base_years,
        raw_material_hs2=cfg.offshoring.raw_material_hs2,
    )
    shocks = world_export_supply(
        frames["world_trade"],
        countries="CHN",
        home=cfg.offshoring.home_country,
        years=cfg.study.years,
    )
    return ShiftShareDesign.from_panel(
        obs,
        shares,
        shocks,
        unit="industry",
        product="hs6",
        share="share",
        period="year",
        shock="wes",
    )


def _iv_stage(frames: dict, facts: dict[str, Any], cfg: StudyConfig) -> dict[str, Any]:
    """Narrow offshoring, the Bartik instrument, its shock diagnostics and the seed's IV tables."""
    import polars as pl

    from skillshore.offshoring import SEED_TABLES, seed_table, shock_diagnostics

    out: dict[str, Any] = {"tables": {}, "notes": []}
    if "panel" not in facts:
        return out
    fp = _firm_panel(frames, facts, cfg)
    out["firm_panel"] = fp
    data = fp.data
    high = data.filter(pl.col("occ_group") == "high")
    if high.height < 50 or high["firm_id"].n_unique() < 5:
        # pyfixest's compiled demeaner aborts the process on degenerate panels: guard here
        out["notes"].append(
            f"too few firm-years in high-offshorable occupations for the IV regressions ({high.height} rows, "
            f"{high['firm_id'].n_unique()} firms)"
        )
        return out
    for name in SEED_TABLES:
        try:
            out["tables"][name] = seed_table(name, data, cluster=cfg.offshoring.cluster)
        except SkillshoreError as err:
            out["notes"].append(f"table {name}: not estimated ({err})")
    try:
        design = _shift_share_design(frames, high.select("industry", "year"), cfg)
        out["shock_diagnostics"] = shock_diagnostics(design)
    except SkillshoreError as err:
        out["notes"].append(f"shock diagnostics: not computed ({err})")
        return out
    out.update(_exposure_robust(design, high, cfg, out["notes"]))
    return out


def _exposure_robust(design: Any, high: Any, cfg: StudyConfig, notes: list[str]) -> dict:
    """Rotemberg weights and the BHJ exposure-robust main column (high-offshorable)."""
    import pandas as pd

    from skillshore._results import FrameTable
    from skillshore.offshoring import rotemberg_weights, shock_level_regression

    fe = ["firm_id", "sector_year"]
    data = high.to_pandas()
    res: dict[str, Any] = {}
    rows = {}
    for label, y in (
        ("Skills after training", "avg_cognitive"),
        ("Invariant skills", "avg_cognitive_inv"),
    ):
        sub = data.dropna(subset=[y, "off_china", "iv_china"])
        try:
            r = shock_level_regression(design, sub, y, "off_china", fe=fe, cluster="product")
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
                res["rotemberg"] = rotemberg_weights(design, sub, y, "off_china", fe=fe, top=5)
            except SkillshoreError as err:
                notes.append(f"Rotemberg weights: not computed ({err})")
    if rows:
        res["exposure_robust"] = FrameTable(
            pd.DataFrame(rows).T.astype({"Shocks": int, "Product clusters": int}),
            "Shift-share IV with exposure-robust inference (BHJ 2022 shock-level equivalent, "
            "clustered by product), high-offshorable occupations, all firms",
        )
    return res


def _report_iv(rb: ReportBuilder, iv: dict[str, Any], truth_dir: Path | None) -> None:
    import json

    import pandas as pd

    from skillshore._results import FrameTable

    rb.section("2b. Regression analysis: offshoring and the shift-share IV")
    for name, table in iv.get("tables", {}).items():
        rb.table(f"iv_{name}", table)
        for note in getattr(table, "notes", ()):
            rb.text(note, note=True)
    if "shock_diagnostics" in iv:
        rb.table(
            "shock_diagnostics",
            iv["shock_diagnostics"],
            "Validity of the Bartik-type instrument (shock-level diagnostics)",
        )
    if "exposure_robust" in iv:
        rb.table("iv_exposure_robust", iv["exposure_robust"])
    if "rotemberg" in iv:
        rb.table("rotemberg_weights", iv["rotemberg"], "Rotemberg weights of the top products")
    for note in iv.get("notes", []):
        rb.text(note, note=True)
    tab = iv.get("tables", {}).get("productivity")
    if truth_dir is not None and tab is not None:
        truth = json.loads((truth_dir / "truth.json").read_text()).get(
            "effect_cognitive_x100_per_offshoring"
        )
        if truth:
            rows = {}
            # the DGP's target is the effect on education-based (invariant) skill: the
            # static equilibrium has no training channel (docs/synth.md, "Truth")
            for label, res, key in zip(
                ("All", "Low productivity", "High productivity"),
                tab.columns[3:6],
                ("all", "low_productivity", "high_productivity"),
                strict=False,
            ):
                lo, hi = res.conf_int().iloc[0].tolist()
                ar = res.ar_conf_set()
                rows[label] = {
                    "truth (DGP)": truth[key],
                    "IV estimate": float(res.params.iloc[0]),
                    "95% CI low": lo,
                    "95% CI high": hi,
                    "covers": "yes" if lo <= truth[key] <= hi else "no",
                    "AR 95% set": str(ar),
                    "AR covers": "yes" if ar.contains(truth[key]) else "no",
                }
            rb.table(
                "iv_truth",
                FrameTable(
                    pd.DataFrame(rows).T,
                    "Truth vs estimate: effect of offshoring on average cognitive skill x 100 "
                    "(invariant skills, high-offshorable occupations)",
                ),
            )


def _structural_sample(facts: dict[str, Any], frames: dict, year: int, cfg: StudyConfig):
    """Markets of one year for the structural model (docs/estimation.md, "The pipeline").

    High-offshorable occupations; a market is a 6-digit industry; worker types are 12
    quantile cells of measured skill (``[structural] skill``, default the education-based
    cognitive skill) among the year's high-offshorable workers, x = (cell + 1/2)/12; firm types are the industry's firms with y = the
    percentile of value added per worker among all firms of the year; offshored workers
    per firm = purchases abroad / value added x employment (the seed's identifying
    assumption); wages net of schooling, experience and skills within (firm, cell),
    at the reference worker (12 years, no experience, skills 1/2); the shifter (after the
    first study year) is the growth of China's export supply in the industry's export
    products since the first study year, demeaned over industries.
    """
    import numpy as np
    import polars as pl

    from skillshore.skills import SKILLS
    from skillshore.structural import market_sample_from_frames
    from skillshore.structural.synthetic import (
        WAGE_CONTROLS,
        WAGE_REFERENCE,
        export_supply_shifter,
    )

    n_cells = 12
    skill = cfg.structural.skill
    if skill not in facts["panel"].columns:
        cols = [c for c in facts["panel"].columns if c.startswith(SKILLS)]
        raise ConfigError(
            f"[structural] skill = {skill!r} is not a skill column; use one of {cols}"
        )
    firms = (
        frames["firms"]
        .filter(pl.col("year") == year)
        .with_columns(vapw=pl.col("value_added") / pl.col("employment").clip(1))
        .with_columns(
            y=(pl.col("vapw").rank("ordinal") - 0.5) / pl.len(),
            offshored=pl.col("purchases_abroad").fill_null(0.0).clip(0.0)
            / pl.col("value_added").clip(1e-9)
            * pl.col("employment"),
        )
        .filter(pl.col("value_added") > 0)
    )
    w = (
        facts["panel"]
        .filter((pl.col("year") == year) & (pl.col("occ_group") == "high"))
        .drop_nulls([*SKILLS, skill, "hourly_wage", "experience"])
        .filter(pl.col("hourly_wage") > 0)
        .join(firms.select("firm_id"), on="firm_id", how="inner")
    )
    if w.height < 50:
        return None
    rank = w[skill].rank("ordinal").to_numpy()
    cell = ((rank - 1) * n_cells // w.height).astype(np.int64)
    w = w.with_columns(
        cell=pl.Series(cell),
        x=pl.Series((cell + 0.5) / n_cells),
        experience2=pl.col("experience") ** 2,
    )
    keep = firms.filter(
        pl.col("industry").is_in(w.join(firms, on="firm_id")["industry"].unique().implode())
    )
    wdf = w.select("firm_id", "x", "cell", "hourly_wage", *WAGE_CONTROLS).to_pandas()
    markets, cols = None, None
    y0 = cfg.study.years[0]
    if year > y0 and frames.get("customs") is not None and frames.get("world_trade") is not None:
        z = export_supply_shifter(
            frames["customs"],
            frames["firms"],
            frames["world_trade"],
            cfg.study.base_years,
            y0,
            year,
        )
        if z.height and float(z["z"].std() or 0.0) > 0:
            markets, cols = z.rename({"industry": "market"}).to_pandas(), ["z"]
            keep = keep.filter(pl.col("industry").is_in(z["industry"].implode()))
            wdf = wdf[wdf["firm_id"].isin(keep["firm_id"].to_list())]
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
        n_worker_types=n_cells,
    )


def _structural_files(cfg: StudyConfig) -> tuple[Path, ...]:
    """Files the structural stage reads besides the raw tables (part of its cache key)."""
    from skillshore.structural.calibration import calibration_path

    files = [calibration_path(cfg.structural.calibration, cfg.root)]
    tdir = _truth_dir(cfg)
    if tdir is not None:
        files.append(tdir / "truth.json")
    return tuple(f for f in files if f is not None)


def _structural_stage(frames: dict, facts: dict[str, Any], cfg: StudyConfig) -> dict[str, Any]:
    """Estimate the market-segmented model for the first and last study years."""
    from skillshore.structural import EstimationTable, calibration_from_config, estimate_markets

    cal = calibration_from_config(cfg)
    years = [y for y in (cfg.study.years[0], cfg.study.years[1]) if y in cal.years]
    out: dict[str, Any] = {"calibration": cal, "years": years}
    if "panel" not in facts or not years:
        return out
    ests = {}
    for year in years:
        sample = _structural_sample(facts, frames, year, cfg)
        if sample is None:
            continue
        kw = dict(
            lambda_x_share=cfg.structural.lambda_x_share,
            seed=cfg.study.seed,
            scheduler=cfg.structural.scheduler,
            year=year,
        )
        try:
            ests[year] = estimate_markets(
                sample, cal.year(year), bootstrap=cfg.structural.bootstrap, **kw
            )
        except SkillshoreError as err:
            # the point estimate stands; say why the intervals are missing
            out.setdefault("notes", []).append(f"{year}: bootstrap intervals not available ({err})")
            try:
                ests[year] = estimate_markets(sample, cal.year(year), bootstrap=0, **kw)
            except SkillshoreError as err2:
                out["notes"].append(f"{year}: not estimated ({err2})")
    if not ests:
        return out
    out["estimates"] = EstimationTable(ests)
    tdir = _truth_dir(cfg)
    if tdir is not None:  # a synthetic economy: its planted parameters beside the estimates
        from skillshore.structural.synthetic import compare_with_truth

        try:
            out["truth"] = compare_with_truth(tdir, ests, cfg.structural.lambda_x_share)
        except SkillshoreError as err:
            out.setdefault("notes", []).append(f"truth vs estimate not available ({err})")
    return out


def _counterfactual_stage(st: dict[str, Any], cfg: StudyConfig) -> dict[str, Any]:
    """The seed's counterfactuals on the last estimated year and the 1996 -> 2006 decomposition."""
    from skillshore.structural import counterfactuals, decompose_change, scenarios_from_config

    out: dict[str, Any] = {}
    if "estimates" not in st:
        return out
    ests = st["estimates"].estimates
    last = ests[max(ests)]
    out["counterfactuals"] = counterfactuals(last.model(), scenarios_from_config(cfg))
    if len(ests) == 2:
        try:
            out["decomposition"] = decompose_change(
                ests[min(ests)].model(), last.model(), labels=tuple(str(y) for y in sorted(ests))
            )
        except ValueError as err:  # different type supports
            out["decomposition_note"] = str(err)
    return out


def _report_structural(rb: ReportBuilder, st: dict[str, Any]) -> None:
    from skillshore.structural import plot_between_firm_wages, plot_firm_matching, plot_unemployment

    rb.section("4. Structural estimation and counterfactuals")
    rb.table("calibration", st["calibration"], "Calibrated parameters")
    if "estimates" not in st:
        rb.text(
            "Too few matched workers in high-offshorable occupations to estimate the model.",
            note=True,
        )
        return
    rb.table("estimates", st["estimates"], "Estimation results (95% bootstrap intervals)")
    rb.text(
        "Markets are 6-digit industries (high-offshorable occupations); Phi, lambda and the "
        "nu's are common, firms' margins are profiled and the offshoring cost shifts with "
        "the growth of China's export supply in the industry's products (docs/estimation.md).",
        note=True,
    )
    for note in st.get("notes", []):
        rb.text(note, note=True)
    if "truth" in st:
        rb.table("structural_truth", st["truth"])
        rb.text(
            "Estimate: the study's (measured skill cells and productivity, the study's "
            "calibration, nu_y* = nu_x*); true types: the same estimator on the generator's "
            "skill cells and productivity percentiles with the economy's own calibration "
            "and planted nu_y* - nu_x* (point estimates). C*, c_F and nu_y* depend on that "
            "normalisation, which the data do not identify (docs/estimation.md).",
            note=True,
        )
    cf = st["counterfactuals"]
    rb.table("counterfactuals", cf, "Counterfactuals: wage inequality")
    rb.figure(
        "cf_between_firm_wages",
        plot_between_firm_wages(cf),
        "Changes in between-firm wage inequality",
    )
    rb.figure("cf_firm_matching", plot_firm_matching(cf), "Changes in firms' matching")
    rb.figure("cf_unemployment", plot_unemployment(cf), "Changes in unemployment")
    if "decomposition" in st:
        rb.table("decomposition", st["decomposition"], "Globalization vs structural change")


def _model_illustration() -> dict[str, Any]:
    """Solve the seed's 2006 economy along a path of offshoring costs (seed: "Illustration of Equilibrium")."""
    import numpy as np
    import pandas as pd

    from skillshore.matching import seed_economy, solve_path

    model = seed_economy(2006)
    path = solve_path(model, np.linspace(model.c_F, 0.0, 5))
    frame = pd.DataFrame(
        {
            "c_F": [e.model.c_F for e in path],
            "E(wage)": [e.mean_wage for e in path],
            "SD(wage)": [e.sd_wage for e in path],
            "E(x | matched)": [e.mean_matched_quality[0] for e in path],
            "unemployment rate": [e.unemployment_rate for e in path],
            "offshoring rate": [e.offshoring_rate for e in path],
            "IPFP sweeps": [e.n_iter for e in path],
            "margin error": [e.marginal_error for e in path],
        }
    ).set_index("c_F")
    frame.index = [f"{v:.1f}" for v in frame.index]
    frame.index.name = "c_F"
    return {"path": path, "frame": frame}


def _report_model(rb: ReportBuilder, illus: dict[str, Any]) -> None:
    from skillshore._results import FrameTable
    from skillshore.matching.figures import illustration_figures

    rb.section("3. Model: illustration of equilibrium")
    rb.text(
        "The seed's 2006 estimates (Phi = 75.55, lambda = 37.56, C = 207.90, C* = 119.94) on "
        "quantile-normalised types, solved by log-domain IPFP along a path of offshoring costs "
        "c_F = C - C* from its estimated value to zero."
    )
    rb.table(
        "model_illustration", FrameTable(illus["frame"], "Equilibrium along the offshoring cost")
    )
    captions = {
        "offshoring_prob_by_firm": "Probability of offshoring is higher for high-type firms.",
        "matched_quality_by_firm": "Average quality of domestic matches improves with offshoring.",
        "wage_along_c_f": "Average wage falls as offshoring becomes cheaper.",
    }
    for name, fig in illustration_figures(illus["path"]).items():
        rb.figure(name, fig, captions[name])


def _headline(iv: dict[str, Any], st: dict[str, Any]) -> dict[str, str]:
    """The study's headline numbers (CLI summary and ``results.json``): the seed's main IV
    column, Phi and c_F by year, and the c_F = 0 counterfactual."""
    from skillshore._results import fmt_estimate, fmt_num

    out: dict[str, str] = {}
    tab = iv.get("tables", {}).get("offshorability")
    if tab is not None and len(tab.columns) >= 4:
        res = tab.columns[3]  # high-offshorable occupations (seed's column 4)
        lo, hi = res.conf_int().iloc[0].tolist()
        out["IV high-offshorable (cognitive x 100)"] = (
            f"{fmt_num(float(res.params.iloc[0]))} (95% CI {fmt_num(lo)}, {fmt_num(hi)}; "
            f"N = {res.nobs:,})"
        )
    if "estimates" in st:
        for year, est in st["estimates"].estimates.items():
            num = est.params_frame()
            for key in ("Phi", "c_F"):
                if key not in num.index:
                    continue
                out[f"{key} ({year})"] = fmt_estimate(num.loc[key])
    cf = st.get("counterfactuals")
    if cf is not None and "c_F_zero" in cf.stats.columns:
        ch = cf.stats["c_F_zero"] - cf.stats["baseline"]
        out["c_F = 0: change in E(wage|y) 90-10 / unemployment"] = (
            f"{fmt_num(float(ch['firm_gap']), 3)} / {fmt_num(float(ch['unemployment_rate']), 3)}"
        )
    return out


def run_study(
    config: StudyConfig | str | Path | None = None,
    *,
    out: str | Path | None = None,
    scale: str = "demo",
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
    scheduler: str | None = None,
    on_stage: Callable[[str, str], None] | None = None,
) -> Study:
    """Run the whole study and write the report.

    Parameters
    ----------
    config : StudyConfig, path, or None
        The study config; ``None`` runs on the embedded synthetic economy.
    out : path, optional
        Output folder (default: the config's ``[study] output``).
    scale : {"tiny", "demo", "paper"}
        Size of the synthetic economy (ignored with a config).
    seed : int, optional
        Seed of the synthetic economy and of every random step.
    progress : callable, optional
        Receives one line per stage (the CLI passes a rich console printer).
    force : bool
        Recompute every stage instead of reusing cached results in ``out/.cache``.
    scheduler : str, optional
        Address of a running Dask scheduler for the bootstrap (default: the config's
        ``[structural] scheduler``, else an embedded local cluster).
    on_stage : callable, optional
        Called as ``on_stage(name, "start")`` and ``on_stage(name, "end")`` around each
        cached stage (``benchmarks/study.py`` uses it for time and memory per stage).

    Returns
    -------
    Study
    """
    say = progress or (lambda msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if config is None:
        out_dir = Path(out or "out")
        cfg = _synth_config(out_dir, scale, 0 if seed is None else seed, say, force)
        timings["synth"] = time.perf_counter() - t0
    else:
        cfg = config if isinstance(config, StudyConfig) else load_config(config)
        out_dir = Path(out) if out else (cfg.root / cfg.study.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    if scheduler is not None:
        cfg = dataclasses.replace(
            cfg, structural=dataclasses.replace(cfg.structural, scheduler=scheduler)
        )
    study = Study(config=cfg, out_dir=out_dir, timings=timings)
    cache = StageCache(out_dir / ".cache", force=force)
    study.cache = cache

    def stage(name: str, message: str, fn: Callable[[], Any], **key: Any) -> Any:
        """Run one stage through the cache, with a progress line and its timing."""
        t = time.perf_counter()
        say(message)
        if on_stage:
            on_stage(name, "start")
        value = cache.run(name, fn, **key)
        if on_stage:
            on_stage(name, "end")
        study.results[name] = value
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t
        return value

    frames = stage(
        "validate",
        "validating raw tables",
        lambda: validate_study(cfg),
        settings={"years": cfg.all_years},
        files=tuple(p for p in cfg.tables.values() if p is not None),
    )
    data_summary = describe_tables(frames)
    study.results["tables"] = data_summary
    study.headline["worker-years"] = data_summary.rows.get("workers", 0)
    study.headline["firm-years"] = data_summary.rows.get("firms", 0)
    skills = stage(
        "skills",
        "skills: matching catalog titles to O*NET and building skill vectors",
        lambda: _skills_stage(frames, cfg),
        settings=dataclasses.asdict(cfg.skills),
        depends=("validate",),
    )
    study.headline["title match coverage"] = round(skills["matches"].coverage, 4)
    facts = stage(
        "facts",
        "stylized facts: variance decompositions and within-firm skill dynamics",
        lambda: _facts_stage(frames, skills, cfg),
        settings={
            "sample": dataclasses.asdict(cfg.sample),
            "threshold": cfg.offshoring.high_offshorable_threshold,
        },
        depends=("skills",),
    )
    iv = stage(
        "iv",
        "offshoring: narrow offshoring, shift-share instrument, IV regressions",
        lambda: _iv_stage(frames, facts, cfg),
        settings=dataclasses.asdict(cfg.offshoring),
        depends=("facts",),
    )
    estimates = stage(
        "structural",
        "structural estimation",
        lambda: _structural_stage(frames, facts, cfg),
        settings=dataclasses.asdict(cfg.structural),
        depends=("facts",),
        files=_structural_files(cfg),
    )
    cfs = stage(
        "counterfactuals",
        "counterfactuals",
        lambda: _counterfactual_stage(estimates, cfg),
        settings=dataclasses.asdict(cfg.counterfactuals),
        depends=("structural",),
    )
    structural = {**estimates, **cfs}
    illus = stage(
        "model_illustration",
        "model: illustration of equilibrium (seed's 2006 estimates)",
        _model_illustration,
        settings={"year": 2006, "n": 60},
    )

    t = time.perf_counter()
    say("writing the report")
    rb = ReportBuilder(
        "Offshoring and Segregation by Skill",
        meta=f"skillshore {__version__} · study '{cfg.study.name}' · years {cfg.study.years[0]}-{cfg.study.years[1]}",
    )
    truth_dir = _truth_dir(cfg)
    rb.section("1. Data and measurement").table("raw_tables", data_summary, "Raw tables")
    _report_skills(rb, skills, truth_dir)
    _report_facts(rb, facts)
    _report_iv(rb, iv, truth_dir)
    _report_model(rb, illus)
    _report_structural(rb, structural)
    study.report_path = rb.write(out_dir)
    timings["report"] = time.perf_counter() - t
    study.headline.update(_headline(iv, structural))
    write_json(
        out_dir / "results.json",
        {
            "headline": study.headline,
            "config": cfg.to_dict(),
            "versions": versions(),
            "timings_s": timings,
            "stages_run": cache.ran,
            "stages_reused": cache.reused,
        },
    )
    return study
