"""Build the compact O*NET bundle shipped inside the package.

Reads the raw O*NET files in ../shared/data/onet/ (see its SOURCE.md: the files come
from different O*NET releases and taxonomies) and writes Parquet files to
src/skillshore/skills/data/onet/:

- occupations.parquet: O*NET-SOC 2019 code, title, description, ISCO-08 (4 digits)
- skills.parquet: the 35 O*NET skills, importance (IM) and level (LV), moved from
  O*NET-SOC 2010 to 2019 codes through the official crosswalk
- tasks.parquet: task statements per 2019 occupation (concatenated text)
- crosswalk_2010_2019.parquet, soc10_isco08.parquet
- bundle_report.json: what failed to join

    python scripts/build_onet_bundle.py [--onet-dir ../shared/data/onet]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "skillshore" / "skills" / "data" / "onet"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--onet-dir", default=str(ROOT.parent / "shared" / "data" / "onet"))
    src = Path(ap.parse_args().onet_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {}

    occ = pl.read_csv(
        src / "Occupation Data.txt", separator="\t", quote_char=None, infer_schema=False
    )
    occ = occ.rename({"O*NET-SOC Code": "onet_soc", "Title": "title", "Description": "description"})
    occ = occ.with_columns(pl.all().str.strip_chars())

    cw = pd.read_excel(src / "2010_to_2019_Crosswalk.xlsx", header=3)
    cw.columns = ["soc2010", "title2010", "onet_soc", "title2019"]
    cw = pl.from_pandas(cw.astype(str)).filter(
        pl.col("soc2010").str.contains(r"^\d\d-\d{4}\.\d\d$")
    )
    cw = cw.filter(pl.col("onet_soc").str.contains(r"^\d\d-\d{4}\.\d\d$"))

    sk = pl.from_pandas(
        pd.read_excel(src / "Skills.xlsx")[
            ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"]
        ]
    )
    sk = sk.rename(
        {
            "O*NET-SOC Code": "soc2010",
            "Element ID": "element_id",
            "Element Name": "element",
            "Scale ID": "scale",
            "Data Value": "value",
        }
    )
    sk = sk.pivot(on="scale", index=["soc2010", "element_id", "element"], values="value").rename(
        {"IM": "importance", "LV": "level"}
    )
    # move 2010 ratings to 2019 codes; a 2019 code fed by several 2010 codes gets their mean
    sk19 = (
        sk.join(cw.select("soc2010", "onet_soc"), on="soc2010", how="inner")
        .group_by(["onet_soc", "element_id", "element"])
        .agg(pl.col("importance").mean(), pl.col("level").mean())
        .sort(["onet_soc", "element_id"])
    )
    rated_2010 = set(sk["soc2010"].unique())
    report["skills_2010_codes"] = len(rated_2010)
    report["skills_2010_codes_not_in_crosswalk"] = sorted(rated_2010 - set(cw["soc2010"]))
    rated19 = set(sk19["onet_soc"].unique())
    report["occupations_2019"] = occ.height
    report["occupations_2019_with_skills"] = len(rated19 & set(occ["onet_soc"]))
    report["occupations_2019_without_skills"] = sorted(set(occ["onet_soc"]) - rated19)

    tasks = pl.read_csv(src / "onet_task_statements.csv", infer_schema=False)
    tasks = tasks.rename({"O*NET-SOC Code": "soc2010", "Task": "task"}).select("soc2010", "task")
    t19 = (
        tasks.join(cw.select("soc2010", "onet_soc"), on="soc2010", how="inner")
        .unique(["onet_soc", "task"], maintain_order=True)
        .group_by("onet_soc", maintain_order=True)
        .agg(pl.col("task").str.join(" "))
        .rename({"task": "tasks"})
        .sort("onet_soc")
    )
    report["occupations_2019_with_tasks"] = t19.height

    isco = pl.read_csv(src / "soc10_isco08.tsv", separator="\t", infer_schema=False).rename(
        {"soc10": "soc6", "isco08": "isco"}
    )
    isco = isco.with_columns(pl.col("isco").str.zfill(4))
    first_isco = isco.group_by("soc6", maintain_order=True).agg(pl.col("isco").first())
    # ISCO of a 2019 occupation: through its 2010 SOC 6-digit code (first mapping of the IBS crosswalk)
    occ = occ.with_columns(soc6=pl.col("onet_soc").str.slice(0, 7).str.replace("-", ""))
    cw6 = cw.with_columns(soc6_2010=pl.col("soc2010").str.slice(0, 7).str.replace("-", ""))
    occ = occ.join(
        cw6.group_by("onet_soc").agg(pl.col("soc6_2010").first()), on="onet_soc", how="left"
    )
    occ = occ.with_columns(pl.coalesce("soc6_2010", "soc6").alias("soc6_key"))
    occ = occ.join(first_isco.rename({"soc6": "soc6_key"}), on="soc6_key", how="left").drop(
        "soc6", "soc6_2010", "soc6_key"
    )
    report["occupations_2019_without_isco"] = occ.filter(pl.col("isco").is_null()).height

    kw = {"compression": "zstd", "compression_level": 19, "statistics": False}
    occ.sort("onet_soc").write_parquet(OUT / "occupations.parquet", **kw)
    sk19.write_parquet(OUT / "skills.parquet", **kw)
    t19.write_parquet(OUT / "tasks.parquet", **kw)
    cw.write_parquet(OUT / "crosswalk_2010_2019.parquet", **kw)
    isco.write_parquet(OUT / "soc10_isco08.parquet", **kw)
    (OUT / "bundle_report.json").write_text(json.dumps(report, indent=1) + "\n")
    print({k: (v if not isinstance(v, list) else len(v)) for k, v in report.items()})


if __name__ == "__main__":
    main()
