"""Benchmark the structural estimator and its Dask bootstrap (issue 8, part 4).

Reports (1) the wall time of one full estimation at demo scale (acceptance: under
30 s on 2 cores) and (2) the wall time of the same bootstrap on 1 and on 2 Dask
workers, checking that the intervals are identical.

    python benchmarks/bootstrap.py                   # demo scale, B = 20
    python benchmarks/bootstrap.py --quick           # tiny scale, B = 10
    python benchmarks/bootstrap.py --scheduler tcp://host:8786   # an existing cluster

Planted economy: 3 skills (cognitive, manual, interpersonal, as in the seed) and 2 firm
characteristics, 150 worker types and 80 firm types drawn once, a foreign pool, and
a sample of 20,000 domestic workers with wages measured with error.

Synthetic economy (``--economy synthetic``): ``skillshore synth`` at the same scale
(demo: 24 industries, about 8,000 high-offshorable workers a year), the
market-segmented estimator on 2006 (the builder the tests use,
``skillshore.structural.synthetic_market_sample``), truth from ``truth.json``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from dask.distributed import Client, LocalCluster

from skillshore.matching import MatchingModel, solve
from skillshore.structural import (
    calibration_from_equilibrium,
    estimate,
    estimate_markets,
    simulate_sample,
    synthetic_calibration,
    synthetic_market_sample,
    synthetic_truth,
)


def _warm() -> None:
    """Import and JIT-compile the matching kernels in a worker (no numba cache)."""
    from skillshore.matching import MatchingModel, solve

    solve(MatchingModel(x=[0.0, 1.0], y=[0.0, 1.0], fbar=[0.5, 0.5], gbar=[0.5, 0.5], Phi=1.0))


SCALES = {"tiny": (12, 8, 3000, 10), "demo": (150, 80, 20000, 20)}


def economy(nx: int, ny: int, seed: int = 0) -> MatchingModel:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(nx, 3))
    y = rng.normal(size=(ny, 2))
    Phi = np.array([[1.0, 0.3], [-0.3, 0.2], [0.5, 0.1]])
    return MatchingModel(
        x=x,
        y=y,
        fbar=np.full(nx, 1 / nx),
        gbar=np.full(ny, 1.1 / ny),
        Phi=Phi,
        C=3.0,
        lambda_x=1.0,
        lambda_y=1.0,
        w0=3.0,
        nu_x=-1.0,
        nu_y=-1.0,
        fbar_star=np.full(nx, 0.6 / nx),
        C_star=-5.0,
        w0_star=1.0,
        nu_x_star=-3.0,
        nu_y_star=-3.0,
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="tiny scale")
    ap.add_argument("--boot", type=int, default=None, help="bootstrap replications")
    ap.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--economy", choices=("planted", "synthetic", "both"), default="both")
    args = ap.parse_args()
    if args.economy in ("synthetic", "both"):
        synthetic(args)
    if args.economy == "synthetic":
        return
    nx, ny, n, B = SCALES["tiny" if args.quick else "demo"]
    B = args.boot or B
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    truth = solve(economy(nx, ny), tol=1e-12)
    cal = calibration_from_equilibrium(truth)
    sample = simulate_sample(truth, n, 1, wage_noise=0.5)
    print(
        f"economy: {nx} worker x {ny} firm types, m=3, n=2; sample of {n} workers, "
        f"{sample.sizes()['foreign']} offshored, {sample.sizes()['unmatched_y']} vacancies"
    )
    estimate(sample, calibration=cal)  # warm-up (numba compilation)
    t = time.perf_counter()
    est = estimate(sample, calibration=cal)
    dt = time.perf_counter() - t
    r = est.fit.reduced
    print(
        f"one estimation: {dt:.2f} s ({r.n_iter} iterations, {r.n_solves} IPFP solves, "
        f"moment gap {r.grad_norm:.1e})  [acceptance: < 30 s]"
    )
    print(est.to_frame().to_string())
    results = {}
    for k in (1, 2):
        t0 = time.perf_counter()
        if args.scheduler:
            t = time.perf_counter()
            e = estimate(
                sample, calibration=cal, bootstrap=B, seed=args.seed, scheduler=args.scheduler
            )
            results[k] = (time.perf_counter() - t, e)
            print(f"bootstrap B={B} on the cluster at {args.scheduler}: {results[k][0]:.2f} s")
            continue
        with (
            LocalCluster(
                n_workers=k, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(_warm)  # import and compile in every worker before timing
            start = time.perf_counter() - t0
            t = time.perf_counter()
            e = estimate(
                sample,
                calibration=cal,
                bootstrap=B,
                seed=args.seed,
                scheduler=cluster.scheduler_address,
            )
            results[k] = (time.perf_counter() - t, e)
        print(
            f"bootstrap B={B} on {k} worker(s): {results[k][0]:.2f} s wall "
            f"(+ {start:.1f} s to start the cluster)"
        )
    same = np.array_equal(
        results[1][1].bootstrap.draws, results[2][1].bootstrap.draws, equal_nan=True
    )
    print(f"identical draws on 1 and 2 workers: {same}")
    print(f"speed-up 1 -> 2 workers: {results[1][0] / results[2][0]:.2f}x")
    e2 = results[2][1]
    print(e2.to_frame().to_string())
    m = truth.model
    tv = np.concatenate([m.Phi.ravel(), [m.lam, m.c_F, m.nu_x, m.nu_y, m.nu_x_star, m.nu_y_star]])
    keys = [n for n in e2.names if n.startswith("Phi")] + [
        "lambda",
        "c_F",
        "nu_x",
        "nu_y",
        "nu_x_star",
        "nu_y_star",
    ]
    ci = e2.conf_int().loc[keys].to_numpy()
    cov = (ci[:, 0] <= tv) & (tv <= ci[:, 1])
    out = ", ".join(k for k, c in zip(keys, cov, strict=True) if not c) or "none"
    print(f"truth inside the 95% intervals: {int(cov.sum())} of {cov.size} (outside: {out})")


def synthetic(args) -> None:
    """The synthetic economy: one-year estimation time, bootstrap on 1 and 2 workers."""
    import tempfile
    from pathlib import Path

    from skillshore.synth import generate

    scale = "tiny" if args.quick else "demo"
    B = args.boot or (10 if args.quick else 20)
    out = Path(tempfile.mkdtemp(prefix="skillshore-bench-")) / scale
    t = time.perf_counter()
    generate(out, scale=scale, seed=1)
    print(f"synthetic {scale} economy generated in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    s = synthetic_market_sample(out, 2006)
    cal = synthetic_calibration(out, 2006)
    tv = synthetic_truth(out, 2006)
    t_build = time.perf_counter() - t
    from skillshore.structural.synthetic import synthetic_base_measure

    kw = dict(foreign_normalisation=tv["nu_gap"], base_measure=synthetic_base_measure(out))
    t = time.perf_counter()
    est = estimate_markets(s, cal, **kw)
    dt = time.perf_counter() - t
    f = est.fit.result
    print(
        f"synthetic {scale}, 2006: {s.n_markets} markets, {s.n_firms} firms, "
        f"{s.x.shape[0]} workers; data and calibration {t_build:.1f} s, one estimation "
        f"{dt:.2f} s ({f.n_iter} quasi-Newton steps, {f.n_solves} market IPFP solves, "
        f"moment gap {f.gap:.1e})  [acceptance: < 30 s]"
    )
    results = {}
    for k in (1, 2):
        with LocalCluster(
            n_workers=k, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            t = time.perf_counter()
            e = estimate_markets(
                s, cal, bootstrap=B, seed=args.seed, scheduler=cluster.scheduler_address, **kw
            )
            results[k] = (time.perf_counter() - t, e)
        print(f"synthetic bootstrap B={B} on {k} worker(s): {results[k][0]:.2f} s wall")
    same = np.array_equal(
        results[1][1].bootstrap.draws, results[2][1].bootstrap.draws, equal_nan=True
    )
    print(f"identical draws on 1 and 2 workers: {same}")
    print(f"speed-up 1 -> 2 workers: {results[1][0] / results[2][0]:.2f}x")
    e2 = results[2][1]
    pf = e2.params_frame()
    keys = ["Phi", "lambda", "C", "C_star", "c_F", "nu_x", "nu_y", "nu_x_star", "nu_y_star"]
    keys += [k for k in pf.index if k.startswith("beta")]
    inside = [bool(pf.loc[k, "lower"] <= tv[k] <= pf.loc[k, "upper"]) for k in keys]
    pf = pf.loc[keys].assign(truth=[tv[k] for k in keys], covered=inside)
    print(pf.to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"truth inside the 95% intervals: {sum(inside)} of {len(inside)}")


if __name__ == "__main__":
    main()
