"""From register extracts to skillshore's raw tables (``skillshore registers build``).

Reads each register through its mapping (:mod:`~skillshore.registers.mapping`),
harmonises the codes with the shipped concordances (every step in a
:class:`~skillshore.registers.harmonise.HarmonisationReport`), validates the result
against the raw-table schemas and writes the tables, ``harmonisation.json`` and a
``study.toml`` naming them (with the manufacturing sectors of the written industry
classification).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from skillshore._reduce import group_sum
from skillshore._results import TableMixin
from skillshore.errors import DataValidationError
from skillshore.registers import concordances as cc
from skillshore.registers.harmonise import HarmonisationReport, StepReport, recode, relabel
from skillshore.registers.mapping import RegisterConfig, load_register_config
from skillshore.registers.readers import read_extract
from skillshore.tables.schemas import OPTIONAL_SCHEMAS, SCHEMAS

__all__ = ["RegisterBuild", "build_tables", "build_workers", "read_code_list", "write_tables"]

CODE_LIST_COLUMNS = ("code", "kind", "title", "educ_years", "isced")


@dataclass(frozen=True)
class RegisterBuild(TableMixin):
    """The raw tables built from the registers, the harmonisation report and the
    manufacturing sectors of the written industry codes."""

    tables: dict[str, pl.DataFrame]
    report: HarmonisationReport
    classification: str
    sectors: tuple[str, ...]
    title: str = "Raw tables from registers"

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame({"rows": {k: v.height for k, v in self.tables.items()}})

    def summary(self) -> str:
        return super().summary() + "\n\n" + self.report.summary()


def read_code_list(path: Path) -> pl.DataFrame:
    """The user's education code list: ``code, kind, title, educ_years, isced``.

    ``kind`` is ``education`` or ``training``; ``educ_years`` (years of schooling) is
    required for education codes, ``isced`` (ISCED 2011 level 0-8) may be empty.
    """
    if not path.is_file():
        raise DataValidationError(f"{path}: education code list not found.")
    df = (
        pl.read_csv(path, infer_schema=False)
        if path.suffix != ".parquet"
        else pl.read_parquet(path)
    )
    missing = [c for c in CODE_LIST_COLUMNS if c not in df.columns]
    if missing:
        raise DataValidationError(
            f"{path}: code list lacks column(s) {missing} (docs/registers.md)."
        )
    df = df.select(
        pl.col("code").cast(pl.Utf8).str.strip_chars(),
        pl.col("kind").cast(pl.Utf8),
        pl.col("title").cast(pl.Utf8),
        pl.col("educ_years").cast(pl.Float64, strict=False),
        pl.col("isced").cast(pl.Utf8),
    )
    bad = df.filter((pl.col("kind") == "education") & pl.col("educ_years").is_null())
    if bad.height:
        raise DataValidationError(
            f"{path}: {bad.height} education code(s) without educ_years, e.g. {bad['code'].head(5).to_list()}."
        )
    return df


def _key(path: Path | None) -> pl.DataFrame | None:
    if path is None:
        return None
    if not path.is_file():
        raise DataValidationError(f"{path}: key file not found.")
    k = pl.read_csv(path, infer_schema=False)
    if not {"source", "target"} <= set(k.columns):
        raise DataValidationError(f"{path}: a key needs columns source, target.")
    return k.with_columns(pl.col("source").str.strip_chars(), pl.col("target").str.strip_chars())


def _education(df, codes, table, steps, unmapped):
    edu = codes.filter(pl.col("kind") == "education").select(
        pl.col("code").alias("source"), pl.col("code").alias("target")
    )
    df, s = recode(
        df, "educ_code", edu, step=f"{table}.educ_code: in the code list", on_unmapped=unmapped
    )
    steps.append(replace(s, rule="exact"))
    yrs = dict(codes.select("code", "educ_years").iter_rows())
    df = df.with_columns(
        educ_years=pl.col("educ_code").replace_strict(yrs, default=None, return_dtype=pl.Float64)
    )
    if codes["isced"].is_not_null().any():  # ISCED level only when the code list has one
        isced = dict(codes.select("code", "isced").iter_rows())
        df = df.with_columns(
            isced=pl.col("educ_code").replace_strict(isced, default=None, return_dtype=pl.Utf8)
        )
    if "train_code" in df.columns:
        tr = df.filter(pl.col("train_code").is_not_null() & (pl.col("train_code") != ""))
        known = codes.filter(pl.col("kind") == "training")["code"]
        n_bad = tr.filter(~pl.col("train_code").is_in(known.implode())).height
        steps.append(
            StepReport(
                f"{table}.train_code: in the code list",
                "exact",
                tr.height,
                tr.height - n_bad,
                n_bad,
                0,
            )
        )
        df = df.with_columns(
            train_code=pl.when(pl.col("train_code") == "")
            .then(None)
            .otherwise(pl.col("train_code"))
        )
    return df


def _split_key(df, col, key, step, steps):
    """Rows whose full code is in the user's key (relabelled by it) and the rest."""
    if key is None:
        return df.head(0), df
    inkey = pl.col(col).is_in(key["source"].implode())
    hit, s = relabel(df.filter(inkey), col, key, step=step)
    steps.append(s)
    return hit, df.filter(~inkey)


def _workers(cfg: RegisterConfig, codes: pl.DataFrame, steps: list[StepReport]) -> pl.DataFrame:
    r = cfg.registers["ida"]
    years = list(range(cfg.years[0], cfg.years[1] + 1))
    v = cfg.variables("ida")
    df = read_extract(
        cfg.path("ida", "path"),
        v,
        years,
        codes={"occupation": 4, "education": 1, "training": 1, "region": 1},
    ).rename(
        {
            "person": "person_id",
            "firm": "firm_id",
            "occupation": "isco",
            "education": "educ_code",
            "training": "train_code",
        },
        strict=False,
    )
    un = r["unmapped"]
    key = _key(cfg.path("ida", "occupation_key"))
    hit, rest = _split_key(df, "isco", key, "workers.isco: occupation key (full DISCO code)", steps)
    weights = cfg.path("ida", "occupation_weights")
    emp = None if weights is None else pl.read_csv(weights, infer_schema=False)
    rest = rest.with_columns(pl.col("isco").str.slice(0, 4))
    rest, s = recode(
        rest,
        "isco",
        cc.isco_concordance(emp),
        step="workers.isco: DISCO-88 (ISCO-88) -> ISCO-08",
        rule="largest",
        on_unmapped=un,
    )
    steps.append(s)
    df = pl.concat([hit, rest])
    df = _education(df, codes, "workers", steps, un)
    df = df.with_columns(pl.col("experience").cast(pl.Float64) * float(r["experience_scale"]))
    schema = SCHEMAS["workers"].polars_schema
    extra = ["isced"] if "isced" in df.columns else []  # kept as an extra column
    return df.select([*schema, *extra]).cast(schema)  # rows in the extract's order


def _firms(cfg: RegisterConfig, steps: list[StepReport]) -> tuple[pl.DataFrame, str]:
    r = cfg.registers["firm"]
    years = list(range(cfg.base_years[0], cfg.years[1] + 1))
    df = read_extract(
        cfg.path("firm", "path"), cfg.variables("firm"), years, codes={"industry": 6, "region": 1}
    )
    df = df.rename({"firm": "firm_id"})
    key = _key(cfg.path("firm", "industry_key"))
    hit, df = _split_key(df, "industry", key, "firms.industry: industry key (full code)", steps)
    cls = str(r["classification"]).lower()
    cc.manufacturing_sectors(cls)  # known classification
    out_cls = cls
    if r["target"] == "nace_rev2" and cls not in ("nace_rev2", "db07"):
        if cls not in ("db03", "nace_rev1_1", "db93", "nace_rev1"):
            raise DataValidationError(
                f"[registers.firm] classification {cls!r}: no shipped table to NACE Rev.2."
            )
        df = df.with_columns(pl.col("industry").str.slice(0, 4).alias("industry"))
        if cls in ("db93", "nace_rev1"):
            df, s = recode(
                df,
                "industry",
                cc.nace1_to_nace11_bridge(),
                step="firms.industry: NACE Rev.1 -> Rev.1.1 (classes unchanged between them)",
                on_unmapped=r["unmapped"],
            )
            steps.append(s)
        df, s = recode(
            df,
            "industry",
            cc.nace_concordance(),
            step="firms.industry: NACE Rev.1.1 -> Rev.2",
            rule="largest",
            on_unmapped=r["unmapped"],
        )
        steps.append(s)
        df = df.with_columns(pl.col("industry") + "00")
        out_cls = "nace_rev2"
    elif r["target"] not in ("own", "nace_rev2"):
        raise DataValidationError(
            f"[registers.firm] target must be 'own' or 'nace_rev2', got {r['target']!r}."
        )
    df = pl.concat([hit, df])
    out_cls = r.get("study_classification") or out_cls
    scale = float(r["value_scale"])
    money = [c for c in ("sales", "value_added", "capital", "purchases_abroad") if c in df.columns]
    df = df.with_columns(
        [
            (pl.col(c).cast(pl.Float64) * scale) if scale != 1.0 else pl.col(c).cast(pl.Float64)
            for c in money
        ]
    )
    df = df.with_columns(pl.col("employment").cast(pl.Float64).round(0).cast(pl.Int64))
    schema = {k: t for k, t in SCHEMAS["firms"].polars_schema.items() if k in df.columns}
    return df.select(list(schema)).cast(schema).sort(["firm_id", "year"]), out_cls


def _trade_codes(df, name, r, cfg, steps, country_cols, revision=None):
    un = r["unmapped"]
    years = df["year"].unique().to_list()
    df = df.with_columns(pl.col("hs6").str.slice(0, 6))
    rev = None if revision in (None, "by_year") else int(revision)
    conc = cc.hs_concordance(cfg.hs_target, years, revision=rev)
    what = "the year's HS edition" if rev is None else f"HS{rev}"
    df, s = recode(
        df,
        "hs6",
        conc,
        by=["year"],
        step=f"{name}.hs6: CN8[:6] / HS6 of {what} -> HS{cfg.hs_target}",
        rule="largest",
        on_unmapped=un,
    )
    steps.append(s)
    key = _key(cfg.path(r["_name"], "product_key"))
    if key is not None:
        df, s = relabel(df, "hs6", key, step=f"{name}.hs6: product key")
        steps.append(s)
    code = r["country_code"]
    for c in country_cols:
        if code == "m49":
            df = df.with_columns(pl.col(c).str.zfill(3))
        df, s = recode(
            df,
            c,
            cc.country_concordance(code, years),
            by=["year"],
            step=f"{name}.{c}: {code} -> ISO alpha-3",
            on_unmapped=un,
        )
        steps.append(s)
    return df


def _read_trade(cfg: RegisterConfig, name: str, codes: dict[str, int]):
    """A trade register's extract over the base and study years, its settings and its
    value column in the tables' units (times ``value_scale``)."""
    r = cfg.registers[name] | {"_name": name}
    years = list(range(cfg.base_years[0], cfg.years[1] + 1))
    df = read_extract(cfg.path(name, "path"), cfg.variables(name), years, codes=codes)
    scale = float(r["value_scale"])
    value = pl.col("value").cast(pl.Float64)
    return df, r, value * scale if scale != 1.0 else value


def _aggregate(df, table, steps):
    """Sum the values of rows with the same key (every column of ``table`` but the value),
    recorded as a step, in the table's schema, sorted by the key."""
    schema = SCHEMAS[table].polars_schema
    keys = [c for c in schema if c != "value"]
    n = df.height
    df = group_sum(df, keys, ["value"])  # a fixed order of addition (issue 13)
    if df.height < n:
        steps.append(
            StepReport(
                f"{table}: rows with the same harmonised key summed", "sum", n, df.height, 0, 0
            )
        )
    return df.select(list(schema)).cast(schema).sort(keys)


def _customs(cfg: RegisterConfig, steps) -> pl.DataFrame:
    df, r, value = _read_trade(cfg, "uhdi", {"product": 8, "country": 2, "flow": 1})
    df = df.rename({"firm": "firm_id", "product": "hs6"})
    imp, exp = str(r["import_code"]), str(r["export_code"])
    bad = df.filter(~pl.col("flow").is_in([imp, exp]))
    if bad.height:
        raise DataValidationError(
            f"[registers.uhdi] {bad.height} row(s) have a flow value other than {imp!r}/{exp!r}, e.g. {bad['flow'].unique().head(5).to_list()}."
        )
    df = df.with_columns(
        flow=pl.when(pl.col("flow") == imp).then(pl.lit("import")).otherwise(pl.lit("export")),
        value=value,
    )
    df = _trade_codes(df, "customs", r, cfg, steps, ["country"])
    return _aggregate(df, "customs", steps)


def _world_trade(cfg: RegisterConfig, steps) -> pl.DataFrame:
    codes = {"product": 6, "exporter": 1, "importer": 1}
    df, r, value = _read_trade(cfg, "world_trade", codes)
    df = df.rename({"product": "hs6"}).with_columns(pl.col("hs6").str.zfill(6), value)
    df = _trade_codes(
        df, "world_trade", r, cfg, steps, ["exporter", "importer"], revision=r["hs_revision"]
    )
    return _aggregate(df, "world_trade", steps)


def _nonemployed(cfg: RegisterConfig, codes, steps) -> pl.DataFrame | None:
    if "nonemployed" not in cfg.registers:
        return None
    r = cfg.registers["nonemployed"]
    years = list(range(cfg.years[0], cfg.years[1] + 1))
    df = read_extract(
        cfg.path("nonemployed", "path"),
        cfg.variables("nonemployed"),
        years,
        codes={"education": 1, "training": 1},
    )
    df = df.rename(
        {"person": "person_id", "education": "educ_code", "training": "train_code"}, strict=False
    )
    df = _education(df, codes, "nonemployed", steps, r["unmapped"])
    schema = {
        k: t for k, t in OPTIONAL_SCHEMAS["nonemployed"].polars_schema.items() if k in df.columns
    }
    return df.select(list(schema)).cast(schema).sort(["person_id", "year"])


def build_workers(
    config: str | Path | RegisterConfig,
) -> tuple[pl.DataFrame, HarmonisationReport]:
    """Only the ``workers`` table from the IDA extract (and the education code list)."""
    cfg = config if isinstance(config, RegisterConfig) else load_register_config(config)
    steps: list[StepReport] = []
    df = _workers(cfg, read_code_list(cfg.education_codes), steps)
    return df, HarmonisationReport(tuple(steps))


def build_tables(config: str | Path | RegisterConfig) -> RegisterBuild:
    """Read the registers named in ``config`` and build skillshore's raw tables.

    Returns
    -------
    RegisterBuild
        ``tables`` (workers, catalog, firms, customs, world_trade and, when mapped,
        nonemployed), the harmonisation report and the written classification.
    """
    cfg = config if isinstance(config, RegisterConfig) else load_register_config(config)
    steps: list[StepReport] = []
    codes = read_code_list(cfg.education_codes)
    catalog = (
        codes.select("code", "kind", "title").cast(SCHEMAS["catalog"].polars_schema).sort("code")
    )
    firms, cls = _firms(cfg, steps)
    tables = {
        "workers": _workers(cfg, codes, steps),
        "catalog": catalog,
        "firms": firms,
        "customs": _customs(cfg, steps),
        "world_trade": _world_trade(cfg, steps),
    }
    ne = _nonemployed(cfg, codes, steps)
    if ne is not None:
        tables["nonemployed"] = ne
    return RegisterBuild(
        tables=tables,
        report=HarmonisationReport(tuple(steps)),
        classification=cls,
        sectors=cc.manufacturing_sectors(cls),
    )


def _structural_section(cfg: RegisterConfig, out: Path) -> str:
    """The study's ``[structural]`` section: the calibration file and any other key given
    in the register mapping's ``structural`` table (e.g. ``x_support``)."""
    lines = []
    if cfg.calibration is not None:
        rel = Path(os.path.relpath(cfg.calibration, out)).as_posix()
        lines.append(f'calibration = "{rel}"')
    lines += [f"{k} = {json.dumps(v)}" for k, v in cfg.structural.items()]
    return "\n[structural]\n" + "\n".join(lines) + "\n" if lines else ""


def write_tables(build: RegisterBuild, cfg: RegisterConfig) -> dict[str, Path]:
    """Validate the built tables against their schemas and write them with
    ``harmonisation.json`` and ``study.toml`` into ``cfg.out``."""

    from skillshore.tables.validate import check_foreign_keys, validate_frame

    out = cfg.out
    out.mkdir(parents=True, exist_ok=True)
    span = (cfg.base_years[0], cfg.years[1])
    problems: list[str] = []
    frames = {}
    for name, df in build.tables.items():
        schema = OPTIONAL_SCHEMAS.get(name) or SCHEMAS[name]
        frames[name], p = validate_frame(df, schema, f"{name} (from registers)", years=span)
        problems += p
    problems += check_foreign_keys({k: v for k, v in frames.items() if k in SCHEMAS})
    if "nonemployed" in frames:
        cat = frames["catalog"]["code"].implode()
        orphan = frames["nonemployed"].filter(~pl.col("educ_code").is_in(cat))
        if orphan.height:
            problems.append(f"nonemployed: {orphan.height} row(s) with educ_code not in catalog.")
    if problems:
        raise DataValidationError(problems)
    paths = {}
    for name, df in frames.items():
        paths[name] = out / f"{name}.parquet"
        df.write_parquet(paths[name])
    (out / "harmonisation.json").write_text(json.dumps(build.report.to_json(), indent=1))
    sectors = ", ".join(f'"{s}"' for s in build.sectors)
    (out / "study.toml").write_text(
        f"[study]\nyears = [{cfg.years[0]}, {cfg.years[1]}]\nbase_years = [{cfg.base_years[0]}, {cfg.base_years[1]}]\n\n[tables]\n"
        + "".join(
            f'{n} = "{p.name}"\n' for n, p in paths.items() if n in SCHEMAS or n in OPTIONAL_SCHEMAS
        )
        + f"\n[sample]\n# industry codes are {build.classification}\nmanufacturing_sectors = [{sectors}]\n"
        + _structural_section(cfg, out)
    )
    return paths
