"""Benchmark skillshore.matching against POT and (optionally) cupid-matching.

Prints, for each problem, wall time, peak traced memory and the final marginal
error of each solver, with ratios peer / skillshore (>1: skillshore is faster).

    python benchmarks/matching.py                 # sizes 500, 2000 (+ 10000 dense, 50000 kernel-free)
    python benchmarks/matching.py --quick         # sizes 500, 2000 only
    python benchmarks/matching.py --with-cupid    # also cupid-matching, in its own venv (.cupid-venv)

Problems: scalar types x, y ~ N(0, 1), surplus x*Phi*y. "no singles" is entropic
optimal transport (all solvers apply); "singles + foreign" is the global economy
(skillshore and cupid-matching only; the foreign pool is stacked as extra rows for cupid).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from skillshore.matching import MatchingModel, solve

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-9


def timed(fn):
    tracemalloc.start()
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak / 2**20


def problem(n: int, phi: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(n, 1)), rng.normal(size=(n, 1))
    a = np.full(n, 1.0 / n)
    return x, y, a


def no_singles_model(n, phi):
    x, y, a = problem(n, phi)
    return MatchingModel(
        x=x, y=y, fbar=a, gbar=a, Phi=phi, lambda_x=0.5, lambda_y=0.5, singles=False
    )


def global_model(n, phi):
    x, y, a = problem(n, phi)
    return MatchingModel(
        x=x,
        y=y,
        fbar=a,
        gbar=1.05 * a,
        Phi=phi,
        C=2.0,
        lambda_x=0.5,
        lambda_y=0.5,
        w0=0.5,
        fbar_star=0.6 * a,
        C_star=1.0,
        w0_star=0.2,
        nu_x_star=-0.5,
        nu_y_star=-0.5,
    )


def marg_err(P, a, b):
    return max(np.max(np.abs(P.sum(1) - a) / a), np.max(np.abs(P.sum(0) - b) / b))


def row(name, t, mem, err, ref_t=None):
    ratio = f"{t / ref_t:8.2f}x" if ref_t else "         "
    print(f"  {name:34s} {t:9.3f} s {mem:9.1f} MiB  err {err:8.1e}  {ratio}")


def run_cupid(model: MatchingModel) -> tuple[float, float] | None:
    venv = ROOT / ".cupid-venv"
    py = venv / "bin" / "python"
    if not py.exists():
        print("  building the cupid-matching venv (numpy<2) in .cupid-venv ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(py), "-m", "pip", "install", "-q", "cupid-matching", "numpy<2"], check=True
        )
    eq_q = model.q() - model.w0[:, None] + model.lambda_x * model.nu_x + model.lambda_y * model.nu_y
    rows = [eq_q]
    men = [model.fbar]
    if model.has_foreign:
        rows.append(
            model.q_star()
            - model.w0_star[:, None]
            + model.lambda_x * model.nu_x_star
            + model.lambda_y * model.nu_y_star
        )
        men.append(model.fbar_star)
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "p.npz"
        # cupid's tolerances are absolute and tuned to counts: scale masses to counts
        # (the equilibrium is scale-covariant because lambda = lambda_x + lambda_y).
        k = 1e4 * len(model.fbar)
        np.savez(
            f,
            Phi=np.vstack(rows),
            men=k * np.concatenate(men),
            women=k * model.gbar,
            lx=model.lambda_x,
            ly=model.lambda_y,
        )
        code = f"""
import time, numpy as np
from cupid_matching.ipfp_solvers import ipfp_heteroskedastic_solver
p = np.load({str(f)!r})
X, Y = p['Phi'].shape
t = time.perf_counter()
res = ipfp_heteroskedastic_solver(p['Phi'], p['men'], p['women'], np.full(X, float(p['lx'])), np.full(Y, float(p['ly'])), tol={TOL}, maxiter=100000)
dt = time.perf_counter() - t
m = res[0]
err = max(np.max(np.abs(m.muxy.sum(1) + m.mux0 - p['men']) / p['men']), np.max(np.abs(m.muxy.sum(0) + m.mu0y - p['women']) / p['women']))
print(dt, err)
"""
        out = subprocess.run([str(py), "-c", code], capture_output=True, text=True)
        if out.returncode != 0:
            print("  cupid-matching failed:", out.stderr.strip().splitlines()[-1:])
            return None
        dt, err = map(float, out.stdout.split()[-2:])
        return dt, err


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--with-cupid", action="store_true")
    ap.add_argument("--phi", type=float, default=4.0)
    args = ap.parse_args()
    import ot

    sizes = [500, 2000] if args.quick else [500, 2000, 10000]
    solve(no_singles_model(50, 1.0), mode="dense")  # compile numba kernels outside the timings
    solve(no_singles_model(50, 1.0), mode="kernel_free")
    print(
        f"skillshore.matching benchmark (tol {TOL:g}, Phi {args.phi}, lambda 1); ratio = time / skillshore dense"
    )
    for n in sizes:
        m = no_singles_model(n, args.phi)
        a = m.fbar
        print(f"\nno singles, {n} x {n} types")
        eq, t_ss, mem = timed(lambda m=m: solve(m, tol=TOL, mode="dense"))
        row(f"skillshore dense ({eq.n_iter} sweeps)", t_ss, mem, eq.marginal_error)
        eqk, t, mem = timed(lambda m=m: solve(m, tol=TOL, mode="kernel_free"))
        row(f"skillshore kernel-free ({eqk.n_iter})", t, mem, eqk.marginal_error, t_ss)
        M = -(m.x @ m.Phi @ m.y.T)
        # POT's stopThr bounds the absolute marginal violation; TOL * min(a) gives the same relative error
        thr = TOL * a.min()
        (P, log), t, mem = timed(
            lambda M=M, a=a, thr=thr: ot.sinkhorn(
                a, a, M, reg=1.0, stopThr=thr, numItermax=100000, log=True
            )
        )
        row(f"POT ot.sinkhorn ({log['niter']} it)", t, mem, marg_err(P, a, a), t_ss)
        if n <= 2000:
            P, t, mem = timed(
                lambda M=M, a=a, thr=thr: ot.bregman.sinkhorn_log(
                    a, a, M, reg=1.0, stopThr=thr, numItermax=100000
                )
            )
            row("POT ot.bregman.sinkhorn_log", t, mem, marg_err(P, a, a), t_ss)
        else:
            print("  POT sinkhorn_log skipped above 2000 types (minutes)")
        if args.with_cupid and n <= 2000:
            m_c = MatchingModel(
                x=m.x, y=m.y, fbar=a, gbar=a * 1.05, Phi=m.Phi, lambda_x=0.5, lambda_y=0.5
            )
            res = run_cupid(m_c)
            if res:
                row("cupid-matching (with singles)", res[0], float("nan"), res[1], t_ss)
        g = global_model(n, args.phi)
        eqg, t, mem = timed(lambda g=g: solve(g, tol=TOL, mode="dense"))
        row(f"skillshore singles+foreign dense ({eqg.n_iter})", t, mem, eqg.marginal_error, t_ss)
        if args.with_cupid and n <= 2000:
            res = run_cupid(g)
            if res:
                row("cupid-matching singles+foreign", res[0], float("nan"), res[1], t_ss)
    if not args.quick:
        n = 50_000
        x, y, a = problem(n, args.phi, seed=1)
        m = MatchingModel(
            x=x, y=y, fbar=a, gbar=1.05 * a, Phi=args.phi, lambda_x=0.5, lambda_y=0.5, w0=0.5
        )
        print(
            f"\nsample of {n} x {n} types, singles, kernel-free (a dense kernel would need {n * n * 8 / 2**30:.0f} GiB)"
        )
        eq, t, mem = timed(lambda: solve(m, tol=TOL, mode="kernel_free"))
        row(f"skillshore kernel-free ({eq.n_iter})", t, mem, eq.marginal_error)


if __name__ == "__main__":
    main()
