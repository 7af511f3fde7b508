"""Build the job-title and education tables shipped with the title matcher (issue 16).

Reads ``../shared/data/classifications/`` (see its ``SOURCE.md``) and the shipped O*NET bundle's
crosswalks, and writes zstd Parquet files to ``src/skillshore/skills/data/titles/``:

* ``titles.parquet``: ``onet_soc, isco, title, source``. O*NET 27.0 Alternate Titles
  (source "alternate") and Sample of Reported Titles ("reported") with their O*NET-SOC 2019
  code; ESCO v1.2 English occupation labels ("esco": preferred, alternative and hidden labels)
  with their ISCO-08 unit group (``onet_soc`` null). The matcher reaches O*NET from ISCO-08
  through the shipped crosswalks (ISCO-08 -> SOC 2010, IBS; SOC 2010 -> O*NET-SOC 2019,
  official): :meth:`skillshore.skills.OnetBundle.isco_map`.
* ``fields.parquet``: ``iscedf, label, name``: the ISCED-F 2013 detailed fields of education
  (ESCO's English edition) with the programme names each field lists as its "main content"
  ("0715 mechanics and metal trades": Welding, Sheet metal working, Tool and die making, ...),
  one row per name, the field's own label included;
* ``education.parquet``: ``onet_soc, job_zone, rl_1 .. rl_12``: O*NET 27.0 Job Zone (1-5) and
  the share of respondents (0-1) in each category of Required Level of Education (RL 1 = less
  than high school ... 6 = bachelor's, 8 = master's, 11 = doctoral, 12 = post-doctoral).

    python scripts/build_title_data.py [--classifications ../shared/data/classifications]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "skillshore" / "skills" / "data" / "titles"


def _csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def onet_titles(cls: Path) -> pl.DataFrame:
    alt = _csv(cls / "onet" / "onet27_alternate_titles.csv").select(
        pl.col("O*NET-SOC Code").alias("onet_soc"),
        pl.col("Alternate Title").alias("title"),
        pl.lit("alternate").alias("source"),
    )
    rep = _csv(cls / "onet" / "onet27_sample_of_reported_titles.csv").select(
        pl.col("O*NET-SOC Code").alias("onet_soc"),
        pl.col("Reported Job Title").alias("title"),
        pl.lit("reported").alias("source"),
    )
    return pl.concat([alt, rep]).with_columns(isco=pl.lit(None, pl.Utf8))


def esco_titles(cls: Path) -> pl.DataFrame:
    return _csv(cls / "esco" / "esco_occupation_labels_en_long.csv").select(
        pl.lit(None, pl.Utf8).alias("onet_soc"),
        pl.col("label").alias("title"),
        pl.lit("esco").alias("source"),
        pl.col("isco08_code").alias("isco"),
    )


def fields(cls: Path) -> pl.DataFrame:
    d = _csv(cls / "isced" / "iscedf2013_fields_esco_en.csv").filter(pl.col("level") == "detailed")
    rows = []
    for code, label, desc in d.select("iscedf_code", "preferred_label", "description").iter_rows():
        if code.endswith(("8", "9")) and ("inter-disciplinary" in label or "unknown" in label):
            continue
        if "not further defined" in label or "not elsewhere classified" in label:
            continue
        m = re.search(
            r"main content are classified here:\n(.*?)(?:\n\s*\n|\n===|$)", desc or "", re.S
        )
        names = [label] + ([n.strip() for n in m.group(1).split("\n")] if m else [])
        rows += [(code, label, n) for n in dict.fromkeys(names) if n]
    return pl.DataFrame(rows, schema=["iscedf", "label", "name"], orient="row")


def education(cls: Path) -> pl.DataFrame:
    jz = _csv(cls / "onet" / "onet27_job_zones.csv").select(
        pl.col("O*NET-SOC Code").alias("onet_soc"),
        pl.col("Job Zone").cast(pl.Int8).alias("job_zone"),
    )
    ete = _csv(cls / "onet" / "onet27_education_training_experience.csv").filter(
        pl.col("Scale ID") == "RL"
    )
    rl = (
        ete.select(
            pl.col("O*NET-SOC Code").alias("onet_soc"),
            ("rl_" + pl.col("Category")).alias("cat"),
            (pl.col("Data Value").cast(pl.Float64) / 100).alias("share"),
        )
        .pivot(on="cat", index="onet_soc", values="share")
        .select("onet_soc", *[f"rl_{i}" for i in range(1, 13)])
    )
    return jz.join(rl, on="onet_soc", how="full", coalesce=True).sort("onet_soc")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--classifications", default=str(ROOT.parent / "shared" / "data" / "classifications")
    )
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    cls, out = Path(args.classifications), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    titles = (
        pl.concat([onet_titles(cls), esco_titles(cls)])
        .with_columns(pl.col("title").str.strip_chars())
        .filter(pl.col("title").str.len_chars() > 0)
        .select("onet_soc", "isco", "title", "source")
        .unique()
        .sort("source", "onet_soc", "isco", "title", nulls_last=True)
    )
    edu = education(cls)
    titles.write_parquet(out / "titles.parquet", compression="zstd", compression_level=19)
    edu.write_parquet(out / "education.parquet", compression="zstd", compression_level=19)
    fld = fields(cls)
    fld.write_parquet(out / "fields.parquet", compression="zstd", compression_level=19)
    print(f"fields: {fld['iscedf'].n_unique()} ISCED-F detailed fields, {fld.height} names")
    size = sum(p.stat().st_size for p in out.glob("*.parquet"))
    print(
        titles.group_by("source")
        .agg(pl.len(), pl.col("onet_soc").n_unique(), pl.col("isco").n_unique())
        .sort("source")
    )
    print(
        f"education: {edu.height} occupations, job zone for {edu['job_zone'].is_not_null().sum()}"
    )
    print(f"wrote {size / 1e6:.2f} MB to {out}")


if __name__ == "__main__":
    main()
