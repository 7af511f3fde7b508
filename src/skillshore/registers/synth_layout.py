"""The synthetic economy in register layout (``skillshore synth --layout registers``).

Converts the synthetic raw tables (:func:`skillshore.synth.generate`) into extracts
with Statistics Denmark's variable names and classifications, so that the adapters
(:func:`skillshore.registers.build.build_tables`) are tested end to end:

* **firms** (``firm.parquet``): DB03 industries. The synthetic industries are not real
  classes, so each is relabelled to a DB03 code of the matching NACE Rev.1.1 division
  (food 10 -> 15, textiles 13 -> 17, chemicals 20 -> 24, plastics 22 -> 25, metal
  products 25 -> 28, electronics 26 -> 32, machinery 28 -> 29, furniture 31 -> 36), a
  real Rev.1.1 class plus two national digits; ``keys/industry.csv`` maps them back.
* **IDA** (``ida_{year}.parquet``): DISCO-88 codes, the ISCO-88 group that the ILO
  table and the documented rule map back to the ISCO-08 code, plus ``00``; an ISCO-08
  code that no ISCO-88 group reaches under the rule gets national digits ``01``, ...
  and a row in ``keys/disco.csv`` (a researcher's national-detail key).
* **UHDI** (``uhdi.parquet``): CN8 codes of the year's HS edition (HS1992 1993-1995,
  HS1996 1996-2001, HS2002 2002-2006) + ``00``, ISO alpha-2 partners, flow ``I``/``E``.
  Each synthetic HS6 product is relabelled to a real HS1992 subheading of the same
  chapter that the UNSD conversions reach from HS1996 and HS2002 (``keys/hs6.csv``).
* **world trade** (``world_trade.parquet``, BACI-like ``t, i, j, k, v``): M49 numeric
  countries, HS1996 codes up to 2001 and HS2002 after (HS1992 before 1996).
* the education code list (``education_codes.csv``) from the catalog and the codes'
  years of schooling, and ``registers.toml`` with the mapping.

Values are written in the units of the raw tables (DKK 1,000), so the round trip is
exact (``value_scale = 1``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from skillshore.registers import concordances as cc
from skillshore.registers.harmonise import recode

__all__ = ["SECTOR_DB03", "convert_to_registers", "synth_registers"]

SECTOR_DB03 = {
    "10": "15",
    "13": "17",
    "20": "24",
    "22": "25",
    "25": "28",
    "26": "32",
    "28": "29",
    "31": "36",
}
TABLES = ("workers", "catalog", "firms", "customs", "world_trade")


def _industry_key(industries: list[str]) -> pl.DataFrame:
    classes = cc.load("nace11_to_nace2")["source"].unique().sort().to_list()
    rows, used = [], {}
    for ind in sorted(industries):
        div = SECTOR_DB03.get(ind[:2])
        if div is None:
            raise ValueError(f"synthetic industry {ind}: no DB03 division for sector {ind[:2]}")
        cl = [c for c in classes if c.startswith(div) and len(c) == 4]
        i = used.get(div, 0)
        used[div] = i + 1
        rows.append({"source": f"{cl[i % len(cl)]}{i // len(cl) + 1:02d}", "target": ind})
    return pl.DataFrame(rows)


def _disco(iscos: list[str]) -> tuple[dict[str, str], pl.DataFrame]:
    conc = cc.isco_concordance()
    probe = pl.DataFrame({"code": conc["source"].unique().sort()})
    ruled, _ = recode(
        probe.with_columns(orig=pl.col("code")), "code", conc, step="probe", rule="largest"
    )
    inv: dict[str, str] = {}
    for a, t in ruled.select("orig", "code").iter_rows():
        inv.setdefault(t, a)
    out, key, n_nat = {}, [], {}
    links = conc.sort(["target", "source"])
    for t in sorted(set(iscos)):
        if t in inv:
            out[t] = inv[t] + "00"
            continue
        src = links.filter(pl.col("target") == t)["source"]
        a = src[0] if len(src) else "9999"
        n_nat[a] = n_nat.get(a, 0) + 1
        out[t] = f"{a}{n_nat[a]:02d}"
        key.append({"source": out[t], "target": t})
    return out, pl.DataFrame(key, schema={"source": pl.Utf8, "target": pl.Utf8})


def _hs_key(codes: list[str]) -> tuple[pl.DataFrame, dict[int, dict[str, str]]]:
    conv = cc.load("hs_conversion")
    hs92 = set(cc.load("hs_codes").filter(pl.col("revision") == 1992)["code"].to_list())
    back = {}
    for r in (1996, 2002):
        c = conv.filter((pl.col("from_rev") == r) & (pl.col("to_rev") == 1992)).sort("from_code")
        # the first newer code converting to each HS1992 code
        back[r] = dict(
            c.group_by("to_code", maintain_order=True).agg(pl.col("from_code").first()).iter_rows()
        )
    ok = sorted(c for c in hs92 if c in back[1996] and c in back[2002] and c[:2] != "99")
    by_ch: dict[str, list[str]] = {}
    for c in ok:
        by_ch.setdefault(c[:2], []).append(c)
    rows, taken = [], {}
    for s in sorted(codes):
        pool = by_ch.get(s[:2], [])
        i = taken.get(s[:2], 0)
        if i >= len(pool):
            raise ValueError(f"chapter {s[:2]}: not enough HS1992 codes for the synthetic products")
        taken[s[:2]] = i + 1
        rows.append({"source": pool[i], "target": s})
    key = pl.DataFrame(rows)
    fwd = {1992: dict(zip(key["target"], key["source"], strict=True))}
    for r in (1996, 2002):
        fwd[r] = {s: back[r][h] for s, h in fwd[1992].items()}
    return key, fwd


def _by_year_code(df: pl.DataFrame, col: str, fwd: dict[int, dict[str, str]]) -> pl.Series:
    rev = df["year"].map_elements(cc.hs_revision, return_dtype=pl.Int64).to_numpy()
    src = df[col].to_numpy()
    out = np.empty(len(src), dtype=object)
    for r, m in fwd.items():
        sel = rev == r
        out[sel] = [m[s] for s in src[sel]]
    return pl.Series(col, out, dtype=pl.Utf8)


def convert_to_registers(raw_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Write the register-layout extracts, keys, code list and ``registers.toml`` for the
    synthetic raw tables in ``raw_dir`` (module docstring). Returns the written paths."""
    raw_dir, out = Path(raw_dir), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "keys").mkdir(exist_ok=True)
    t = {n: pl.read_parquet(raw_dir / f"{n}.parquet") for n in TABLES}
    paths: dict[str, Path] = {}

    ikey = _industry_key(t["firms"]["industry"].unique().to_list())
    ikey.write_csv(out / "keys" / "industry.csv")
    to_db03 = dict(zip(ikey["target"], ikey["source"], strict=True))
    f = t["firms"].with_columns(pl.col("industry").replace_strict(to_db03))
    cols = {
        "firm_id": "CVRNR",
        "year": "AAR",
        "industry": "BRANCHE",
        "sales": "OMS",
        "value_added": "VTV",
        "capital": "ANLAEG",
        "employment": "AARSV",
        "region": "KOM",
        "purchases_abroad": "KOEBUDL",
    }
    paths["firm"] = out / "firm.parquet"
    f.select([pl.col(k).alias(v) for k, v in cols.items() if k in f.columns]).write_parquet(
        paths["firm"]
    )

    w = t["workers"]
    disco, dkey = _disco(w["isco"].unique().to_list())
    dkey.write_csv(out / "keys" / "disco.csv")
    w = w.with_columns(pl.col("isco").replace_strict(disco))
    cols = {
        "person_id": "PNR",
        "firm_id": "CVRNR",
        "isco": "DISCO",
        "hourly_wage": "TIMELON",
        "experience": "ERHVER",
        "hours": "TIMER",
        "age": "ALDER",
        "region": "KOM",
        "educ_code": "HFAUDD",
        "train_code": "ERHAUDD",
    }
    for (y,), d in w.group_by(["year"], maintain_order=True):
        d.select([pl.col(k).alias(v) for k, v in cols.items()]).write_parquet(
            out / f"ida_{y}.parquet"
        )

    hkey, fwd = _hs_key(t["world_trade"]["hs6"].unique().to_list())
    hkey.write_csv(out / "keys" / "hs6.csv")
    ctry = cc.load("countries").filter(~pl.col("historical"))
    a2 = dict(zip(ctry["alpha3"], ctry["alpha2"], strict=True))
    m49 = dict(zip(ctry["alpha3"], ctry["m49"].cast(pl.Int64), strict=True))
    c = t["customs"]
    c = c.with_columns(_by_year_code(c, "hs6", fwd).alias("hs6")).select(
        pl.col("firm_id").alias("CVRNR"),
        pl.col("year").alias("AAR"),
        pl.col("country").replace_strict(a2).alias("LAND"),
        (pl.col("hs6") + "00").alias("VARE"),
        pl.col("value").alias("VAERDI"),
        pl.when(pl.col("flow") == "import")
        .then(pl.lit("I"))
        .otherwise(pl.lit("E"))
        .alias("IMPEKS"),
    )
    paths["uhdi"] = out / "uhdi.parquet"
    c.write_parquet(paths["uhdi"])
    wt = t["world_trade"]
    wt = wt.with_columns(_by_year_code(wt, "hs6", fwd).alias("hs6")).select(
        pl.col("year").alias("t"),
        pl.col("exporter").replace_strict(m49, return_dtype=pl.Int64).alias("i"),
        pl.col("importer").replace_strict(m49, return_dtype=pl.Int64).alias("j"),
        pl.col("hs6").alias("k"),
        pl.col("value").alias("v"),
    )
    paths["world_trade"] = out / "world_trade.parquet"
    wt.write_parquet(paths["world_trade"])

    truth = raw_dir / "truth" / "catalog_truth.parquet"
    yrs = pl.read_parquet(truth).select("code", "educ_years")
    codes = (
        t["catalog"]
        .join(yrs, on="code", how="left")
        .with_columns(
            educ_years=pl.when(pl.col("kind") == "education").then(pl.col("educ_years")),
            isced=pl.lit(None, pl.Utf8),
        )
    )
    paths["education_codes"] = out / "education_codes.csv"
    codes.select("code", "kind", "title", "educ_years", "isced").write_csv(paths["education_codes"])

    years = t["workers"]["year"]
    fy = t["firms"]["year"]
    calib = ""
    if (raw_dir / "calibration.csv").is_file():
        shutil.copy2(raw_dir / "calibration.csv", out / "calibration.csv")
        calib = 'calibration = "calibration.csv"\n'
    # the synthetic study's other [structural] keys (the type supports): same study results
    calib += _structural_keys(raw_dir / "study.toml")
    paths["registers.toml"] = out / "registers.toml"
    paths["registers.toml"].write_text(
        f"""# register layout of the synthetic economy (skillshore synth --layout registers)
[registers]
years = [{years.min()}, {years.max()}]
base_years = [{fy.min()}, {years.min() - 1}]
out = "tables"
hs_target = 1992
education_codes = "education_codes.csv"
{calib}
[registers.ida]
path = "ida_{{year}}.parquet"
hours = "TIMER"
occupation_key = "keys/disco.csv"

[registers.firm]
path = "firm.parquet"
purchases_abroad = "KOEBUDL"
classification = "db03"
industry_key = "keys/industry.csv"
study_classification = "nace_rev2"  # the key maps back to the synthetic NACE Rev.2-like codes

[registers.uhdi]
path = "uhdi.parquet"
value_scale = 1.0
product_key = "keys/hs6.csv"

[registers.world_trade]
path = "world_trade.parquet"
product_key = "keys/hs6.csv"
"""
    )
    return paths


def _structural_keys(study_toml: Path) -> str:
    """``structural = {...}``: the [structural] keys of the synthetic study but its
    calibration (copied beside the extracts), as one inline TOML table."""
    import json
    import tomllib

    if not study_toml.is_file():
        return ""
    st = tomllib.loads(study_toml.read_text()).get("structural", {})
    keys = {k: v for k, v in st.items() if k != "calibration"}
    if not keys:
        return ""
    return "structural = { " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in keys.items()) + " }\n"


def synth_registers(
    out_dir: str | Path, scale: str = "demo", seed: int = 0, **kwargs
) -> dict[str, Path]:
    """Generate the synthetic economy and write it in register layout to ``out_dir``
    (``calibration.csv`` alongside; ``truth.json`` and ``truth/`` in ``tables/``, where
    ``skillshore registers build`` writes the raw tables, so the report finds them)."""
    from skillshore.synth import generate

    out = Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, scale=scale, seed=seed, **kwargs)
        paths = convert_to_registers(tmp, out)
        # the truth next to the tables that `registers build` writes (out = "tables"),
        # where the pipeline looks for it (truth vs estimate in the report)
        tdir = out / "tables"
        tdir.mkdir(exist_ok=True)
        shutil.copy2(Path(tmp) / "truth.json", tdir / "truth.json")
        if (Path(tmp) / "truth").is_dir():
            shutil.copytree(Path(tmp) / "truth", tdir / "truth", dirs_exist_ok=True)
    return paths
