"""Top-1/top-5 of the default matcher on a labelled title set (default: the frozen fresh set).

    python scripts/eval_title_set.py [CSV] [semantic] [--half A|B]

Columns: title, onet_soc, optional alt_onet_soc (lenient score) and difficulty.
``--half`` keeps one half of the set, split by a fixed hash of the title (half A: the first
byte of the SHA-256 of the UTF-8 title is even; B: odd). The fresh set is split so since it
became a development set (docs/skills.md): the matcher is developed on half A's errors and
half B is scored at the end.
"""

import hashlib
import sys
import time
from pathlib import Path

import polars as pl

from skillshore.skills import match_titles

args = sys.argv[1:]
half = None
if "--half" in args:
    k = args.index("--half")
    half = args[k + 1].upper()
    if half not in ("A", "B"):
        sys.exit(f"--half must be A or B, got {args[k + 1]!r}")
    del args[k : k + 2]


def title_half(title: str) -> str:
    return "A" if hashlib.sha256(title.encode("utf-8")).digest()[0] % 2 == 0 else "B"


path = (
    args[0]
    if args and args[0] != "semantic"
    else str(Path(__file__).resolve().parents[1] / "tests" / "data" / "skills_fresh_titles.csv")
)
df = (
    pl.read_csv(path, infer_schema_length=0)
    .with_row_index("i")
    .with_columns(pl.col("i").cast(pl.Utf8).alias("code"))
)
if half is not None:
    df = df.filter(pl.col("title").map_elements(title_half, return_dtype=pl.Utf8) == half)
if "alt_onet_soc" not in df.columns:
    df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias("alt_onet_soc"))
if "difficulty" not in df.columns:
    df = df.with_columns(pl.lit("all").alias("difficulty"))
kw = {}
if "semantic" in args:
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
