"""Top-1/top-5 of the default matcher on a labelled title set (default: the frozen fresh set).

    python scripts/eval_title_set.py [CSV] [semantic] [--half A|B]

Columns: title, onet_soc, optional alt_onet_soc (lenient score), difficulty and style. A label
may list several codes separated by "|" (a 2010 O*NET-SOC occupation split into several 2019
ones, as in the second fresh set): a prediction equal to any of them counts.
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
for col, value in (("alt_onet_soc", None), ("difficulty", "all"), ("style", "all")):
    if col not in df.columns:
        df = df.with_columns(pl.lit(value, dtype=pl.Utf8).alias(col))
df = df.with_columns(
    gold=pl.col("onet_soc").str.split("|"),
    ok=pl.concat_list(
        pl.col("onet_soc").str.split("|"), pl.col("alt_onet_soc").fill_null("").str.split("|")
    ),
)
kw = {}
if "semantic" in args:
    kw["semantic"] = True
t = time.perf_counter()
m = match_titles(df.select("code", "title"), top_k=5, **kw)
dt = time.perf_counter() - t
top = m.top.select("code", "rank", pl.col("onet_soc").alias("pred"))
best = m.best.select("code", pl.col("onet_soc").alias("pred1"), "confidence")


def hits(pred: pl.DataFrame, col: str) -> pl.DataFrame:
    return (
        pred.join(df.select("code", "gold", "ok"), on="code")
        .with_columns(s=pl.col(col).is_in(pl.col("gold")), l=pl.col(col).is_in(pl.col("ok")))
        .group_by("code")
        .agg(pl.col("s").any(), pl.col("l").any())
    )


h5 = hits(top, "pred").rename({"s": "s5", "l": "l5"})
h1 = hits(best, "pred1").rename({"s": "s1", "l": "l1"})
d = (
    df.join(best.select("code", "confidence"), on="code", how="left")
    .join(h1, on="code", how="left")
    .join(h5, on="code", how="left")
    .with_columns(
        pl.col("s1", "l1", "s5", "l5").fill_null(False), pl.col("confidence").fill_null(0.0)
    )
)


def rep(g: pl.DataFrame, name: str) -> None:
    print(
        f"{name:26s} n={g.height:4d} strict top1 {100 * g['s1'].mean():5.1f} top5 {100 * g['s5'].mean():5.1f}"
        f" | lenient top1 {100 * g['l1'].mean():5.1f} top5 {100 * g['l5'].mean():5.1f}"
        f" | mean conf {100 * g['confidence'].mean():5.1f}"
    )


rep(d, "all")
for col in ("difficulty", "style"):
    for k in sorted(d[col].unique().to_list()):
        rep(d.filter(pl.col(col) == k), f"{col}={k}")
print(f"time {dt:.2f}s")
