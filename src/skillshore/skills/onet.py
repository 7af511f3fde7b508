"""The O*NET data of the skills stage (seed slide "Measurement: Worker Skill").

Two sources, one result (:class:`OnetBundle`, keyed by O*NET-SOC 2019 code ``onet_soc``):

* the **compact bundle** shipped in the package (``skillshore/skills/data/onet/``, Parquet),
  built by ``scripts/build_onet_bundle.py`` from ``../shared/data/onet/``; it is the default,
  so ``skillshore run`` needs no network and no file outside the installed package;
* a **directory of raw O*NET files** (:func:`read_onet_dir`): the shared folder (Excel skills,
  O*NET-SOC 2010 codes) or a full O*NET text release (``db_29_2_text``: Work Activities,
  Abilities, Knowledge, Work Context, Alternate Titles ... are then used too).

Tables in O*NET-SOC 2010 codes are moved to 2019 codes through the official crosswalk:
ratings of several 2010 codes merged into one 2019 code are averaged, a 2010 code split into
several 2019 codes gives its ratings to each. What fails to join is listed in
``OnetBundle.report``. ISCO-08 comes from the IBS SOC 2010 -> ISCO-08 crosswalk (Hardy,
Keister and Lewandowski 2018): an occupation's ``isco`` is its most frequent mapping over its
2010 predecessors, the first in the crosswalk's order on ties.

O*NET is licensed under CC BY 4.0: keep :data:`ATTRIBUTION` in any report that uses it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from skillshore.errors import DataValidationError, SkillshoreError
from skillshore.skills import _onet_raw as raw

__all__ = [
    "ATTRIBUTION",
    "BUNDLE_DIR",
    "OnetBundle",
    "find_onet_dir",
    "load_bundle",
    "read_onet_dir",
    "write_bundle",
]

BUNDLE_DIR = Path(__file__).parent / "data" / "onet"
ATTRIBUTION = (
    "O*NET(TM) database, U.S. Department of Labor, Employment and Training Administration "
    "(USDOL/ETA), licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). "
    "USDOL/ETA has not approved, endorsed, or tested these files or their use. "
    "SOC 2010 -> ISCO-08 crosswalk: Hardy, Keister and Lewandowski (2018), Economics of "
    "Transition 26 (Institute for Structural Research)."
)
_OPTIONAL = ("abilities", "knowledge", "work_activities", "work_context", "alt_titles")


@dataclass(frozen=True, eq=False)
class OnetBundle:
    """O*NET tables keyed by O*NET-SOC 2019 code (``onet_soc``).

    Attributes
    ----------
    occupations : DataFrame[onet_soc, title, description, isco]
    skills : DataFrame[onet_soc, element_id, element, importance, level]
        The 35 O*NET skills (importance 1-5, level 0-7).
    tasks : DataFrame[onet_soc, tasks]
        Task statements, concatenated per occupation.
    crosswalk : DataFrame[soc2010, title2010, onet_soc, title2019]
        Official O*NET-SOC 2010 -> 2019 crosswalk.
    isco_crosswalk : DataFrame[soc10, isco]
        SOC 2010 (6 digits, no dash) -> ISCO-08 (4 digits), many-to-many, IBS.
    abilities, knowledge, work_activities : DataFrame or None
        Same layout as ``skills`` (present with a full O*NET release).
    work_context : DataFrame[onet_soc, element_id, element, context] or None
        Mean context rating (CX scale, 1-5).
    alt_titles : DataFrame[onet_soc, alt_title] or None
        Alternate and reported job titles.
    report : dict
        What failed to join (see module docstring).
    source : str
        Where the tables were read from.
    """

    occupations: pl.DataFrame
    skills: pl.DataFrame
    tasks: pl.DataFrame
    crosswalk: pl.DataFrame
    isco_crosswalk: pl.DataFrame
    abilities: pl.DataFrame | None = None
    knowledge: pl.DataFrame | None = None
    work_activities: pl.DataFrame | None = None
    work_context: pl.DataFrame | None = None
    alt_titles: pl.DataFrame | None = None
    report: dict[str, Any] = field(default_factory=dict)
    source: str = "bundle"

    @property
    def available(self) -> tuple[str, ...]:
        """Names of the optional tables this bundle has."""
        return tuple(n for n in _OPTIONAL if getattr(self, n) is not None)

    def ratings(self, domain: str) -> pl.DataFrame:
        """Importance/level table of ``domain`` (skills, abilities, knowledge, work_activities)."""
        if domain not in raw.RATING_TABLES:
            raise SkillshoreError(
                f"unknown O*NET rating domain {domain!r}; use {raw.RATING_TABLES}"
            )
        t = getattr(self, domain)
        if t is None:
            raise SkillshoreError(
                f"the O*NET data at {self.source} has no {domain!r} table; point the O*NET "
                "path at a full O*NET text release to use it"
            )
        return t

    def isco_map(self) -> pl.DataFrame:
        """``onet_soc, isco, weight``: every ISCO-08 code of each occupation, weights summing to 1.

        The weight is the share of the occupation's (2010 predecessor, ISCO) pairs in the IBS
        crosswalk that point to that ISCO code.
        """
        return _isco_pairs(self.occupations.select("onet_soc"), self.crosswalk, self.isco_crosswalk)


def _soc6(col: str) -> pl.Expr:
    return pl.col(col).str.slice(0, 7).str.replace("-", "")


def _isco_pairs(occ: pl.DataFrame, cw: pl.DataFrame, isco: pl.DataFrame) -> pl.DataFrame:
    pred = cw.select("onet_soc", _soc6("soc2010").alias("soc10")).unique()
    # occupations without a 2010 predecessor use their own 6-digit SOC code
    own = occ.select("onet_soc", _soc6("onet_soc").alias("soc10")).join(
        pred.select("onet_soc"), on="onet_soc", how="anti"
    )
    pairs = (
        pl.concat([pred, own])
        .join(isco.with_row_index("order"), on="soc10", how="inner")
        .group_by("onet_soc", "isco")
        .agg(pl.len().alias("n"), pl.col("order").min())
    )
    return (
        pairs.with_columns(weight=pl.col("n") / pl.col("n").sum().over("onet_soc"))
        .sort(["onet_soc", "n", "order"], descending=[False, True, False])
        .select("onet_soc", "isco", "weight")
    )


def _first_isco(occ: pl.DataFrame, cw: pl.DataFrame, isco: pl.DataFrame) -> pl.DataFrame:
    best = _isco_pairs(occ, cw, isco).group_by("onet_soc", maintain_order=True).first()
    return occ.drop("isco", strict=False).join(
        best.select("onet_soc", "isco"), on="onet_soc", how="left"
    )


def _to_2019(
    df: pl.DataFrame, name: str, occ_codes: set[str], cw: pl.DataFrame | None, report: dict
) -> pl.DataFrame:
    """Move a table to O*NET-SOC 2019 codes when its codes are 2010 ones."""
    codes = set(df["onet_soc"].unique())
    in19 = len(codes & occ_codes)
    in10 = len(codes & set(cw["soc2010"])) if cw is not None else -1
    rep: dict[str, Any] = {"rows": df.height, "codes": len(codes)}
    if in19 >= in10:
        rep["taxonomy"] = "O*NET-SOC 2019"
        rep["codes_not_in_occupations"] = sorted(codes - occ_codes)
        out = df.filter(pl.col("onet_soc").is_in(list(occ_codes)))
    else:
        rep["taxonomy"] = "O*NET-SOC 2010 (moved to 2019 through the crosswalk)"
        rep["codes_not_in_crosswalk"] = sorted(codes - set(cw["soc2010"]))
        out = df.rename({"onet_soc": "soc2010"}).join(
            cw.select("soc2010", "onet_soc"), on="soc2010", how="inner"
        )
        out = out.drop("soc2010").select(df.columns)
    rep["occupations_2019_without"] = sorted(occ_codes - set(out["onet_soc"].unique()))
    report[name] = rep
    return out


def read_onet_dir(path: str | Path, fallback: OnetBundle | None = None) -> OnetBundle:
    """Read a directory of raw O*NET files into an :class:`OnetBundle`.

    Parameters
    ----------
    path : str or Path
        Must hold ``Occupation Data`` and ``Skills`` (``.txt``, ``.csv`` or ``.xlsx``); may hold
        task statements, the 2010 -> 2019 crosswalk, ``soc10_isco08.tsv`` and the optional tables
        of a full release (Abilities, Knowledge, Work Activities, Work Context, Alternate Titles,
        Sample of Reported Titles).
    fallback : OnetBundle, optional
        Where to take the crosswalks from when the directory lacks them (default: the shipped
        bundle).

    Returns
    -------
    OnetBundle
        With ``report`` listing, per table, the taxonomy detected and the codes that failed to
        join.
    """
    root = Path(path)
    if not root.is_dir():
        raise SkillshoreError(f"O*NET directory {root} does not exist")
    files = {n: raw.find_file(root, n) for n in raw.CANDIDATES}
    for need in ("occupations", "skills"):
        if files[need] is None:
            raise DataValidationError(
                f"{root}: no {raw.CANDIDATES[need][0]!r} file (.txt, .csv or .xlsx)"
            )
    fb = None

    def _fallback() -> OnetBundle:
        nonlocal fb
        fb = fb or fallback or load_bundle()
        return fb

    occ = raw.read_occupations(files["occupations"])
    cw = raw.read_crosswalk(files["crosswalk"]) if files["crosswalk"] else _fallback().crosswalk
    isco = raw.read_isco(files["isco"]) if files["isco"] else _fallback().isco_crosswalk
    codes = set(occ["onet_soc"])
    report: dict[str, Any] = {"source": str(root), "occupations_2019": occ.height}
    report["files"] = {n: p.name for n, p in files.items() if p is not None}

    def ratings(name: str) -> pl.DataFrame | None:
        if files[name] is None:
            return None
        t = _to_2019(raw.read_ratings(files[name]), name, codes, cw, report)
        return (
            t.group_by(["onet_soc", "element_id", "element"])
            .agg(pl.col("importance").mean(), pl.col("level").mean())
            .sort(["onet_soc", "element_id"])
        )

    tables: dict[str, pl.DataFrame | None] = {n: ratings(n) for n in raw.RATING_TABLES}
    if files["work_context"] is not None:
        wc = _to_2019(
            raw.read_work_context(files["work_context"]), "work_context", codes, cw, report
        )
        tables["work_context"] = (
            wc.group_by(["onet_soc", "element_id", "element"])
            .agg(pl.col("context").mean())
            .sort(["onet_soc", "element_id"])
        )
    titles = [
        _to_2019(raw.read_titles(files[n]), n, codes, cw, report)
        for n in ("alternate_titles", "reported_titles")
        if files[n] is not None
    ]
    if titles:
        tables["alt_titles"] = pl.concat(titles).unique(maintain_order=True)
    if files["tasks"] is not None:
        t = _to_2019(raw.read_tasks(files["tasks"]), "tasks", codes, cw, report)
        tasks = (
            t.unique(["onet_soc", "task"], maintain_order=True)
            .group_by("onet_soc", maintain_order=True)
            .agg(pl.col("task").str.join(" ").alias("tasks"))
            .sort("onet_soc")
        )
    else:
        tasks = pl.DataFrame(schema={"onet_soc": pl.Utf8, "tasks": pl.Utf8})
    occ = _first_isco(occ, cw, isco).sort("onet_soc")
    report["occupations_2019_without_isco"] = occ.filter(pl.col("isco").is_null())[
        "onet_soc"
    ].to_list()
    return OnetBundle(
        occupations=occ,
        tasks=tasks,
        crosswalk=cw,
        isco_crosswalk=isco,
        report=report,
        source=str(root),
        **{k: v for k, v in tables.items() if v is not None},
    )


def write_bundle(bundle: OnetBundle, out: str | Path) -> list[Path]:
    """Write a bundle as zstd Parquet files plus ``bundle_report.json``; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    kw: dict[str, Any] = {"compression": "zstd", "compression_level": 19, "statistics": False}
    written = []
    for f in fields(bundle):
        v = getattr(bundle, f.name)
        if isinstance(v, pl.DataFrame):
            p = out / f"{f.name}.parquet"
            v.write_parquet(p, **kw)
            written.append(p)
    p = out / "bundle_report.json"
    p.write_text(json.dumps(bundle.report, indent=1, default=str) + "\n")
    return [*written, p]


def _read_parquet_bundle(p: Path) -> OnetBundle:
    need = ["occupations", "skills", "tasks", "crosswalk", "isco_crosswalk"]
    missing = [n for n in need if not (p / f"{n}.parquet").exists()]
    if missing:
        raise SkillshoreError(
            f"{p}: O*NET bundle incomplete, missing {missing} (run scripts/build_onet_bundle.py)"
        )
    tables = {
        f.name: pl.read_parquet(p / f"{f.name}.parquet")
        for f in fields(OnetBundle)
        if (p / f"{f.name}.parquet").exists()
    }
    rep = p / "bundle_report.json"
    report = json.loads(rep.read_text()) if rep.exists() else {}
    return OnetBundle(**tables, report=report, source=str(p))


@lru_cache(maxsize=4)
def _load(path: str) -> OnetBundle:
    p = Path(path)
    if (p / "occupations.parquet").exists():
        return _read_parquet_bundle(p)
    return read_onet_dir(p)


def find_onet_dir(start: str | Path | None = None) -> Path | None:
    """``../shared/data/onet`` relative to ``start`` (default: the working directory), if present."""
    p = Path(start or Path.cwd()) / ".." / "shared" / "data" / "onet"
    return p.resolve() if (p / "Occupation Data.txt").exists() else None


def load_bundle(path: str | Path | None = None) -> OnetBundle:
    """Load O*NET data (cached per path).

    Parameters
    ----------
    path : str or Path, optional
        ``None`` (default): the bundle shipped in the package, which is built from
        ``../shared/data/onet`` (see :func:`find_onet_dir` to read those raw files instead).
        A directory with ``occupations.parquet``: a bundle written by :func:`write_bundle`.
        Any other directory: raw O*NET files, read by :func:`read_onet_dir`.
    """
    return _load(str(Path(path).resolve() if path is not None else BUNDLE_DIR))
