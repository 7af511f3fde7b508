"""Benchmark: match 2,500 catalog titles against all O*NET occupations on 2 cores
(issue 16: lexical < 2 s; semantic < 30 s including the model load).

    python benchmarks/skills.py [--n 2500] [--threads 2] [--semantic [--cold-cache]]

With ``--semantic`` the first run's time includes importing sentence-transformers and
loading all-MiniLM-L6-v2; the O*NET-side embeddings come from the user cache
(``skillshore.skills.semantic.cache_dir()``) unless ``--cold-cache`` points the cache at an
empty folder, which adds encoding the 913 occupations once.

Titles: the labelled evaluation set (tests/data/skills_eval_titles.csv) plus synthetic catalog
titles from skillshore.synth.catalog, up to ``--n``. Reports the time to build the index
(character TF-IDF and BM25 on O*NET text), to match, and in total, best of 3 runs, and the
first (cold) run, whose word-root cache is empty.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--semantic", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold-cache", action="store_true")
    args = ap.parse_args()
    if args.cold_cache:
        import tempfile

        os.environ["SKILLSHORE_CACHE_DIR"] = tempfile.mkdtemp()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "POLARS_MAX_THREADS"):
        os.environ[var] = str(args.threads)

    import numpy as np
    import polars as pl

    from skillshore.skills import TitleMatcher, load_bundle, occupation_skills
    from skillshore.synth.catalog import build_catalog

    root = Path(__file__).resolve().parents[1]
    ev = pl.read_csv(root / "tests" / "data" / "skills_eval_titles.csv").select("title")
    if args.n > ev.height:
        syn = build_catalog(occupation_skills(), args.n - ev.height, 0.2, np.random.default_rng(0))
        ev = pl.concat([ev, syn.select("title")])
    cat = ev.head(args.n).with_row_index("code")
    cat = cat.with_columns(pl.col("code").cast(pl.Utf8))
    bundle = load_bundle()
    best = {"fit": np.inf, "match": np.inf, "total": np.inf}
    cold = cold_cpu = None
    cpu = np.inf
    for _ in range(args.repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        m = TitleMatcher(bundle)
        t1 = time.perf_counter()
        res = m.match(cat, semantic=args.semantic)
        t2 = time.perf_counter()
        c2 = time.process_time() - c0
        cold = t2 - t0 if cold is None else cold
        cold_cpu = c2 if cold_cpu is None else cold_cpu
        cpu = min(cpu, c2)
        best = {
            k: min(best[k], v)
            for k, v in {"fit": t1 - t0, "match": t2 - t1, "total": t2 - t0}.items()
        }
    print(
        f"titles: {cat.height}, occupations: {len(m.soc)}, threads: {args.threads}, "
        f"method: {res.method}"
    )
    target = 30.0 if args.semantic else 2.0
    print(
        f"index build {best['fit']:.2f} s, matching {best['match']:.2f} s, total {best['total']:.2f} s "
        f"(best of {args.repeat}; first run {cold:.2f} s); "
        f"target < {target:g} s: {'met' if max(best['total'], cold) < target else 'NOT met'}"
    )
    # on a shared machine the wall time includes waiting for the cores: the process CPU time
    # (all threads) bounds the wall time the work needs on idle cores from above
    print(f"process CPU time: {cpu:.2f} s (best), first run {cold_cpu:.2f} s")


if __name__ == "__main__":
    main()
