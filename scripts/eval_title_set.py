"""Top-1/top-5 of the default matcher on a labelled title set (default: the first fresh set).

    python scripts/eval_title_set.py [CSV] [semantic] [--half A|B]

Columns: title, onet_soc, optional alt_onet_soc (lenient score), difficulty and style. A label
may list several codes separated by "|" (a 2010 O*NET-SOC occupation split into several 2019
ones, as in the second fresh set): a prediction equal to any of them counts
(:mod:`skillshore.skills.evaluation`). ``--half`` keeps one half of the set, split by a fixed
hash of the title (half A: the first byte of the SHA-256 of the UTF-8 title is even; B:
odd): the matcher is developed on half A's errors and half B is scored at the end
(docs/skills.md). The mean confidence is the lexical confidence, a calibrated probability
that the first candidate is acceptable (lenient), so compare it with the lenient top-1.
"""

import sys
import time
from pathlib import Path

import polars as pl

from skillshore.skills import match_titles
from skillshore.skills.evaluation import read_title_set, title_hits

args = sys.argv[1:]
half = None
if "--half" in args:
    k = args.index("--half")
    half = args[k + 1].upper()
    if half not in ("A", "B"):
        sys.exit(f"--half must be A or B, got {args[k + 1]!r}")
    del args[k : k + 2]

path = (
    args[0]
    if args and args[0] != "semantic"
    else str(Path(__file__).resolve().parents[1] / "tests" / "data" / "skills_fresh_titles.csv")
)
df = read_title_set(path)
if half is not None:
    df = df.filter(pl.col("half") == half)
kw = {}
if "semantic" in args:
    kw["semantic"] = True
t = time.perf_counter()
m = match_titles(df.select("code", "title"), top_k=5, **kw)
dt = time.perf_counter() - t
d = title_hits(m.top, df)


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
