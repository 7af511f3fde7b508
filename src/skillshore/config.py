"""The study configuration: a TOML file that names the tables, the years, the
sample rules, each stage's parameters and where outputs go.

Example (every key but ``[tables]`` has a default)::

    [study]
    name = "Danish manufacturing"
    years = [1996, 2006]        # first and last study year
    base_years = [1993, 1995]   # pre-sample years for the initial import shares s_hk0
    seed = 0
    output = "out"

    [tables]                    # paths relative to this file; CSV or Parquet
    workers = "data/workers.parquet"
    catalog = "data/catalog.csv"
    firms = "data/firms.parquet"
    customs = "data/customs.parquet"
    world_trade = "data/world_trade.parquet"
    # offshorability = "default"  # the seed's 1-digit ISCO table
    # low_wage = "default"        # Bernard, Jensen and Schott (2006)

    [sample]
    classification = "nace_rev2"  # "db03"/"db93" for 1996-2006 Danish data (manufacturing 15-37)
    # manufacturing_sectors = ["10", ..., "33"]  # default: the classification's manufacturing
    continuous_firms = true
    min_employees = 10

Unknown sections or keys are errors (a typo must not silently fall back to a default), and
so are values outside an option's ``Literal`` choices. Every option is read by the stage
that declares its section (:mod:`skillshore.pipeline`; ``tests/pipeline`` checks that each
one is read). Paths (tables, ``onet_dir``, ``overrides``, ``calibration``) are relative to
the config file's folder (:meth:`StudyConfig.path`).
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from skillshore._constants import RAW_MATERIAL_HS2
from skillshore.errors import ConfigError
from skillshore.tables.schemas import OPTIONAL_SCHEMAS, TABLE_NAMES

OPTIONAL_TABLES: tuple[str, ...] = tuple(OPTIONAL_SCHEMAS)

__all__ = [
    "SECTIONS",
    "StudyConfig",
    "StudySection",
    "SampleSection",
    "SkillsSection",
    "OffshoringSection",
    "StructuralSection",
    "CounterfactualSection",
    "load_config",
]

MANUFACTURING = tuple(f"{i:02d}" for i in range(10, 34))


@dataclass(frozen=True)
class StudySection:
    """``[study]``: name, study years, pre-sample base years, seed, output folder."""

    name: str = "skillshore study"
    years: tuple[int, int] = (1996, 2006)
    base_years: tuple[int, int] = (1993, 1995)
    seed: int = 0
    output: str = "out"


@dataclass(frozen=True)
class SampleSection:
    """``[sample]``: the seed's baseline sample (slide "Data Sources")."""

    # None: the manufacturing divisions of ``classification`` (NACE Rev.2/DB07: 10-33;
    # NACE Rev.1/1.1, DB93/DB03 as in 1996-2006 Danish data: 15-37)
    manufacturing_sectors: tuple[str, ...] | None = None
    classification: Literal["nace_rev2", "db07", "nace_rev1_1", "db03", "nace_rev1", "db93"] = (
        "nace_rev2"
    )
    continuous_firms: bool = True
    min_employees: int = 10


@dataclass(frozen=True)
class SkillsSection:
    """``[skills]``: O*NET data, matcher settings and manual overrides.

    ``min_confidence`` is the confidence (the matcher's fitted probability that the best
    match is right, ``docs/skills.md``) below which a match is flagged for review (it was
    called ``min_score``: that key is an error naming the new one).
    """

    onet_dir: str | None = None
    overrides: str | None = None
    min_confidence: float = 0.5
    top_k: int = 5
    semantic: bool = False


@dataclass(frozen=True)
class OffshoringSection:
    """``[offshoring]``: narrow offshoring (seed slide "Offshoring Exposure from China") and IV."""

    source: str = "CHN"
    home_country: str = "DNK"
    raw_material_hs2: tuple[str, ...] = RAW_MATERIAL_HS2
    normalise: Literal["per_worker", "value_added", "none"] = "per_worker"
    industry_digits: int = 6
    cluster: Literal["firm_id", "industry"] = "firm_id"
    high_offshorable_threshold: float = 0.0


@dataclass(frozen=True)
class StructuralSection:
    """``[structural]``: calibration preset, the workers' type, and bootstrap.

    ``scheduler`` runs the bootstrap: ``"threads"`` (default: in this process, so
    :func:`~skillshore.pipeline.run_study` works from a plain script without an
    ``if __name__ == "__main__"`` guard), ``"processes"`` (a local cluster of ``workers``
    worker processes; a script then needs the guard) or the address of a running Dask
    scheduler. Results do not depend on it (seeded replications, ordered).

    ``skill`` is the worker attribute x of the matching model (a column of the skills
    stage: ``cognitive_invariant`` by default, the education-based skill on which a
    worker was matched; ``cognitive`` adds the training records' updates, which accrue
    on the job after the match).
    """

    calibration: str = "seed"
    bootstrap: int = 49
    lambda_x_share: float = 0.5
    scheduler: str = "threads"
    workers: int = 2
    skill: Literal[
        "cognitive_invariant",
        "cognitive",
        "manual_invariant",
        "manual",
        "interpersonal_invariant",
        "interpersonal",
    ] = "cognitive_invariant"
    # labelled education codes for the correction of mismeasured worker types
    # (docs/estimation.md, section 4c): a CSV/Parquet with ``code`` and ``x_true`` (the
    # code's true type on the model's grid, in (0, 1)); "" = no correction
    validation: str = ""
    validation_size: int = 2000
    # how the labelled codes correct the types (docs/estimation.md §4c): "soft" every
    # worker with the probabilities of the true types from a measurement-error model
    # fitted on the labelled codes (an ordered probit), "labelled" only the labelled
    # codes' persons (at most validation_size of them)
    validation_method: Literal["soft", "labelled"] = "soft"
    # "soft": also spread the fitted share of outlier codes uniformly over the true types
    # (off: the share only makes the fit of the probit robust; measured in §4c)
    validation_outliers: bool = False
    # wage controls measured with the types' error, regression-calibrated by the
    # correction (schooling and experience are register data, measured without it)
    calibrated_controls: tuple[str, ...] = ("cognitive", "manual", "interpersonal")
    # effects absorbed in the wage equation (docs/estimation.md, "Wage equation"):
    # "firm_type" (default) firms and worker types per market: lambda_x from the match
    # term x'By alone, separate from any wage premium of the types' skills (the wage
    # controls); "firm" firms only: lambda_x then also comes from the wage gradient
    # across types, which a skill premium shares, so it is identified only if the
    # controls net that premium exactly (section "Why type effects are the default")
    wage_effects: Literal["firm", "firm_type"] = "firm_type"
    # bound on the export-supply shifter z: cap tanh(z / cap) (0 = none; docs/estimation.md
    # §4b, "Shifter"): the specification of c_F,k = c_F - lambda beta z_k for boom industries
    shifter_cap: float = 0.0
    # the firms' type y: percentile of "va_per_worker" (the seed's: value added per worker
    # of the year) or of "tfp" (log value added per worker net of capital intensity,
    # averaged over the study window; docs/estimation.md, "Firm type")
    firm_type: Literal["va_per_worker", "tfp"] = "va_per_worker"
    # the type scale of the estimates: worker cells' mid-ranks and firms' productivity
    # percentiles are placed linearly on these supports (Phi scales with their widths)
    x_support: tuple[float, float] = (0.0, 1.0)
    y_support: tuple[float, float] = (0.0, 1.0)
    # the firm side's base measure (docs/estimation.md, "Base measure of the firm side"):
    # "uniform" every firm of a market the volume 1/(firms in the market); "capacity" its
    # share of the market's jobs (filled plus vacant), so a firm twice as large meets
    # workers as two firms of its type
    base_measure: Literal["uniform", "capacity"] = "uniform"
    # what a bootstrap replicate redraws (docs/estimation.md §4, "Cluster bootstrap"):
    # "markets" (default) industries with all their firms and workers (the top level of
    # the nesting; its sd matched the Monte Carlo sd at demo and paper scale); "clusters"
    # Owen's pigeonhole bootstrap of industries, firms within them and education codes
    # (conservative: 2-3 times the Monte Carlo sd); "firms" firms within each market
    bootstrap_scheme: Literal["firms", "markets", "clusters"] = "markets"


@dataclass(frozen=True)
class CounterfactualSection:
    """``[counterfactuals]``: size of each change (seed slide "Counterfactuals: Wage Inequality")."""

    # the seed's "Phi up" as inferred from its counterfactual table (docs/model.md):
    # Phi x (1 + phi_up); equal to skillshore.matching.presets.SEED_PHI_UP (tested)
    phi_up: float = 1.26696
    nu_up: float = 1.0
    c_f_zero: bool = True
    # bootstrap replicates behind the counterfactuals' and the decomposition's intervals:
    # each solves every scenario on every estimated market, so they are fewer than the
    # estimates' (the first ones of ``[structural] bootstrap``; 0 = no intervals)
    bootstrap_draws: int = 29


SECTIONS: dict[str, type] = {
    "study": StudySection,
    "sample": SampleSection,
    "skills": SkillsSection,
    "offshoring": OffshoringSection,
    "structural": StructuralSection,
    "counterfactuals": CounterfactualSection,
}


@dataclass(frozen=True)
class StudyConfig:
    """A parsed, checked study configuration.

    ``tables`` maps table names to absolute paths (``None`` = shipped default).
    ``root`` is the folder paths are relative to (the config file's folder).
    """

    tables: dict[str, Path | None]
    study: StudySection = field(default_factory=StudySection)
    sample: SampleSection = field(default_factory=SampleSection)
    skills: SkillsSection = field(default_factory=SkillsSection)
    offshoring: OffshoringSection = field(default_factory=OffshoringSection)
    structural: StructuralSection = field(default_factory=StructuralSection)
    counterfactuals: CounterfactualSection = field(default_factory=CounterfactualSection)
    root: Path = Path(".")
    source: str = "<dict>"

    def path(self, value: str | Path) -> Path:
        """A path of the config, resolved against the config file's folder."""
        p = Path(value)
        return p if p.is_absolute() else self.root / p

    @property
    def all_years(self) -> tuple[int, int]:
        """Year range the raw tables may cover (base years through last study year)."""
        return (min(self.study.base_years[0], self.study.years[0]), self.study.years[1])

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (for ``results.json``)."""
        out: dict[str, Any] = {
            "tables": {k: (str(v) if v else None) for k, v in self.tables.items()}
        }
        for name in SECTIONS:
            out[name] = dataclasses.asdict(getattr(self, name))
        return out

    @classmethod
    def from_dict(
        cls, raw: dict[str, Any], root: str | Path = ".", source: str = "<dict>"
    ) -> StudyConfig:
        """Build and check a config from a parsed TOML mapping."""
        root = Path(root)
        unknown = sorted(set(raw) - set(SECTIONS) - {"tables"})
        if unknown:
            raise ConfigError(
                f"{source}: unknown section(s) {unknown}; known: tables, {', '.join(SECTIONS)}"
            )
        tables_raw = raw.get("tables")
        if not isinstance(tables_raw, dict):
            raise ConfigError(f"{source}: section [tables] is required (paths to the raw tables).")
        known = (*TABLE_NAMES, *OPTIONAL_TABLES)
        bad = sorted(set(tables_raw) - set(known))
        if bad:
            raise ConfigError(
                f"{source}: [tables] has unknown table(s) {bad}; known: {', '.join(known)}"
            )
        tables: dict[str, Path | None] = {}
        for name in TABLE_NAMES:
            v = tables_raw.get(name)
            if v is None or v == "default":
                if name not in ("offshorability", "low_wage"):
                    raise ConfigError(f"{source}: [tables] needs a path for '{name}'.")
                tables[name] = None
                continue
            if not isinstance(v, str):
                raise ConfigError(f"{source}: [tables] {name} must be a path string, got {v!r}.")
            p = Path(v)
            tables[name] = p if p.is_absolute() else (root / p)
        if isinstance(raw.get("skills"), dict) and "min_score" in raw["skills"]:
            raise ConfigError(
                f"{source}: [skills] min_score was renamed min_confidence (the same number: "
                "the matcher's probability that its best match is right)."
            )
        for name in OPTIONAL_TABLES:  # only when given (e.g. nonemployed: f0(x))
            v = tables_raw.get(name)
            if v is None:
                continue
            if not isinstance(v, str):
                raise ConfigError(f"{source}: [tables] {name} must be a path string, got {v!r}.")
            tables[name] = Path(v) if Path(v).is_absolute() else root / v
        kwargs: dict[str, Any] = {}
        for name, klass in SECTIONS.items():
            kwargs[name] = _parse_section(klass, raw.get(name, {}), f"{source}: [{name}]")
        cfg = cls(tables=tables, root=root, source=source, **kwargs)
        y0, y1 = cfg.study.years
        b0, b1 = cfg.study.base_years
        if y0 > y1 or b0 > b1:
            raise ConfigError(f"{source}: [study] years and base_years must be [first, last].")
        check_scheduler(cfg.structural.scheduler, source)
        if cfg.structural.workers < 1:
            raise ConfigError(f"{source}: [structural] workers must be >= 1.")
        if not cfg.structural.shifter_cap >= 0:
            raise ConfigError(
                f"{source}: [structural] shifter_cap must be >= 0 (0: no bound), "
                f"got {cfg.structural.shifter_cap!r}."
            )
        if b1 >= y0:
            raise ConfigError(
                f"{source}: [study] base_years {cfg.study.base_years} must precede years {cfg.study.years}."
            )
        return cfg


def check_scheduler(value: str, source: str = "<dict>") -> str:
    """``[structural] scheduler``: ``"threads"``, ``"processes"`` or a scheduler address."""
    if value not in ("threads", "processes") and "://" not in value:
        what = (
            f"{source} {value!r}"
            if source.startswith("--")
            else (f"{source}: [structural] scheduler = {value!r}")
        )
        raise ConfigError(
            f"{what}: use 'threads', 'processes' or a Dask scheduler address such as "
            "'tcp://host:8786'."
        )
    return value


def _coerce(value: Any, typ: Any, where: str) -> Any:
    origin = typing.get_origin(typ)
    args = typing.get_args(typ)
    if origin is Literal:
        if isinstance(value, bool) or value not in args:
            choices = ", ".join(repr(a) for a in args)
            raise ConfigError(f"{where}: {value!r} is not one of {choices}")
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _coerce(value, a, where)
            except ConfigError as e:
                errors.append(str(e))
        raise ConfigError(errors[0] if errors else f"{where}: bad value {value!r}")
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0], where) for v in value)
        if len(value) != len(args):
            raise ConfigError(f"{where}: expected a list of {len(args)} values, got {value!r}")
        return tuple(_coerce(v, a, where) for v, a in zip(value, args, strict=True))
    if typ is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if typ is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if typ is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    return value


def _parse_section(klass: type, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table of keys.")
    hints = typing.get_type_hints(klass)
    names = [f.name for f in dataclasses.fields(klass)]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; known: {', '.join(names)}")
    return klass(**{k: _coerce(v, hints[k], f"{where} {k}") for k, v in raw.items()})


def load_config(path: str | Path) -> StudyConfig:
    """Read a study TOML file.

    Raises
    ------
    ConfigError
        If the file is missing, is not valid TOML, or has unknown/ill-typed keys.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found.")
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return StudyConfig.from_dict(raw, root=path.resolve().parent, source=str(path))
