"""Top-1/top-5 of the default matcher on a labelled title set (default: the frozen fresh set).

    python scripts/eval_title_set.py [CSV] [semantic]

Columns: title, onet_soc, optional alt_onet_soc (lenient score) and difficulty.
"""

import sys
import time
from pathlib import Path

import polars as pl

from skillshore.skills import match_titles

path = (
    sys.argv[1]
    if len(sys.argv) > 1
    else str(Path(__file__).resolve().parents[1] / "tests" / "data" / "skills_fresh_titles.csv")
)
df = (
    pl.read_csv(path, infer_schema_length=0)
    .with_row_index("i")
    .with_columns(pl.col("i").cast(pl.Utf8).alias("code"))
)
if "alt_onet_soc" not in df.columns:
    df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias("alt_onet_soc"))
if "difficulty" not in df.columns:
    df = df.with_columns(pl.lit("all").alias("difficulty"))
kw = {}
if len(sys.argv) > 2 and sys.argv[2] == "semantic":
    kw["semantic"] = True
t = time.perf_counter()
m = match_titles(df.select("code", "title"), top_k=5, **kw)
dt = time.perf_counter() - t
top = m.top.select("code", "rank", pl.col("onet_soc").alias("pred"))
best = m.best.select("code", pl.col("onet_soc").alias("pred1"), "confidence")
d = df.join(best, on="code", how="left")
hits5 = (
    top.join(df.select("code", "onet_soc", "alt_onet_soc"), on="code")
    .with_columns(
        strict=pl.col("pred") == pl.col("onet_soc"),
        lenient=(pl.col("pred") == pl.col("onet_soc"))
        | (pl.col("pred") == pl.col("alt_onet_soc")).fill_null(False),
    )
    .group_by("code")
    .agg(s5=pl.col("strict").any(), l5=pl.col("lenient").any())
)
d = (
    d.join(hits5, on="code", how="left")
    .with_columns(
        s1=pl.col("pred1") == pl.col("onet_soc"),
        l1=(pl.col("pred1") == pl.col("onet_soc"))
        | (pl.col("pred1") == pl.col("alt_onet_soc")).fill_null(False),
    )
    .fill_null(False)
)


def rep(g, name):
    print(
        f"{name:10s} n={g.height:4d} strict top1 {100 * g['s1'].mean():5.1f} top5 {100 * g['s5'].mean():5.1f} | lenient top1 {100 * g['l1'].mean():5.1f} top5 {100 * g['l5'].mean():5.1f} | mean conf {100 * g['confidence'].mean():5.1f}"
    )


rep(d, "all")
for k in sorted(d["difficulty"].unique().to_list()):
    rep(d.filter(pl.col("difficulty") == k), k)
print(f"time {dt:.2f}s")
