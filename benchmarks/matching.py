"""Benchmark skillshore.matching against POT and (optionally) cupid-matching.

Prints, for each problem, wall time, peak traced memory and the final marginal
error of each solver, with ratios peer / skillshore (>1: skillshore is faster).

    python benchmarks/matching.py                 # sizes 500, 2000, 10000 and a 50,000-type sample (kernel-free)
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
import warnings
from pathlib import Path

import numpy as np

from skillshore.matching import MatchingModel, solve

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-9
CUPID_TIMEOUT = 600


def timed(fn, reps: int = 1):
    """Result, best wall time over ``reps`` runs, peak traced memory (MiB) of the first run.

    tracemalloc sees numpy's allocations (numba's kernels allocate only O(N) outputs).
    """
    best = np.inf
    for r in range(reps):
        if r == 0:
            tracemalloc.start()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
        if r == 0:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    return out, best, peak / 2**20


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


def row(name, t, mem, err, ref=None):
    ratio = f"time {t / ref[0]:7.2f}x  memory {mem / max(ref[1], 1e-3):7.2f}x" if ref else ""
    print(f"  {name:42s} {t:9.3f} s {mem:9.1f} MiB  err {err:8.1e}  {ratio}")


def run_cupid(model: MatchingModel) -> tuple[float, float, float] | None:
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
        # cupid's tolerances are absolute (tol on counts): scale the masses to counts so
        # that its starting value nindivs / (X + Y + 2 sum exp(Phi / lambda)) is 1 (below its
        # Newton tolerance its first Newton loop never runs); the equilibrium is
        # scale-covariant because lambda = lambda_x + lambda_y.
        Phi_c = np.vstack(rows)
        total = sum(v.sum() for v in men) + model.gbar.sum()
        ephi = np.exp(Phi_c / model.lam).sum()
        k = (Phi_c.shape[0] + Phi_c.shape[1] + 2 * ephi) / total
        if k * max(model.gbar.max(), model.fbar.max()) > 1e6:
            print(
                "  cupid-matching skipped: at this scale its absolute tolerance is below rounding"
            )
            return None
        np.savez(
            f,
            Phi=Phi_c,
            men=k * np.concatenate(men),
            women=k * model.gbar,
            lx=model.lambda_x,
            ly=model.lambda_y,
        )
        code = f"""
import time, tracemalloc, numpy as np
from cupid_matching.ipfp_solvers import ipfp_heteroskedastic_solver
p = np.load({str(f)!r})
X, Y = p['Phi'].shape
tracemalloc.start()
t = time.perf_counter()
res = ipfp_heteroskedastic_solver(p['Phi'], p['men'], p['women'], np.full(X, float(p['lx'])), np.full(Y, float(p['ly'])), tol={TOL}, maxiter=100000)
dt = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1] / 2**20
m = res[0]
np.save({str(Path(d) / "muxy.npy")!r}, m.muxy)
print(dt, peak)
"""
        try:
            out = subprocess.run(
                [str(py), "-c", code], capture_output=True, text=True, timeout=CUPID_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            print(f"  cupid-matching: no answer within {CUPID_TIMEOUT} s")
            return None
        if out.returncode != 0:
            print("  cupid-matching failed:", out.stderr.strip().splitlines()[-1:])
            return None
        dt, peak = map(float, out.stdout.split()[-2:])
        mu_c = np.load(Path(d) / "muxy.npy") / k
    # cupid's returned singles close its margins by construction, so its accuracy is
    # measured against skillshore's solution at tol 1e-12: largest relative gap in the
    # domestic and foreign match masses above 1e-12 of the largest
    ref = solve(model, tol=1e-12)
    mu_s = np.vstack([ref.pi, ref.pi_star[ref.system.foreign_idx]]) if model.has_foreign else ref.pi
    big = mu_s > 1e-12 * mu_s.max()
    gap = float(np.max(np.abs(mu_c[big] - mu_s[big]) / mu_s[big]))
    return dt, gap, peak


def reps_for(n: int) -> int:
    return 3 if n <= 2000 else 1


def skill(model, mode):
    return timed(lambda: solve(model, tol=TOL, mode=mode), reps_for(model.shape[0]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="sizes 500 and 2000 only, no sample")
    ap.add_argument("--with-cupid", action="store_true", help="also cupid-matching (own venv)")
    ap.add_argument("--phi", type=float, default=4.0)
    ap.add_argument("--sample", type=int, default=50_000, help="kernel-free sample size (0: skip)")
    args = ap.parse_args()
    import ot

    sizes = [500, 2000] if args.quick else [500, 2000, 10000]
    for mode in ("dense", "kernel_free"):  # compile the numba kernels outside the timings
        solve(no_singles_model(50, 1.0), mode=mode)
        solve(global_model(50, 1.0), mode=mode)
    print(
        f"skillshore.matching benchmark: tol {TOL:g} relative on every margin, x, y ~ N(0, 1), "
        f"q = {args.phi} x y, lambda = 1.\nColumns: time, peak traced memory, final largest "
        "relative margin error, ratio = time / skillshore's time on the same problem "
        "(> 1: skillshore faster), memory ratio likewise."
    )
    for n in sizes:
        m = no_singles_model(n, args.phi)
        a = m.fbar
        print(f"\nno singles (entropic OT), {n} x {n} types")
        eq, t_ss, mem_ss = skill(m, "dense")
        ref = (t_ss, mem_ss)
        row(f"skillshore dense ({eq.n_iter} sweeps)", t_ss, mem_ss, eq.marginal_error)
        eqk, t, mem = skill(m, "kernel_free")
        row(f"skillshore kernel-free ({eqk.n_iter})", t, mem, eqk.marginal_error, ref)
        M = -(m.x @ m.Phi @ m.y.T)
        # POT's stopThr bounds the absolute marginal violation; TOL * min(a) makes the
        # relative error at least as small as skillshore's
        thr = TOL * a.min()
        (P, log), t, mem = timed(
            lambda M=M, a=a, thr=thr: ot.sinkhorn(
                a, a, M, reg=1.0, stopThr=thr, numItermax=100000, log=True
            ),
            reps_for(n),
        )
        row(f"POT ot.sinkhorn ({log['niter']} it)", t, mem, marg_err(P, a, a), ref)
        del P
        if n <= 2000:
            P, t, mem = timed(
                lambda M=M, a=a, thr=thr: ot.bregman.sinkhorn_log(
                    a, a, M, reg=1.0, stopThr=thr, numItermax=100000
                )
            )
            row("POT ot.bregman.sinkhorn_log", t, mem, marg_err(P, a, a), ref)
            del P
        else:
            print("  POT sinkhorn_log skipped above 2000 types (minutes)")
        del M
        g = global_model(n, args.phi)
        print(f"with singles and a foreign pool ({n} domestic + {n} foreign worker types)")
        eqg, t_g, mem = skill(g, "dense")
        row(f"skillshore dense ({eqg.n_iter} sweeps)", t_g, mem, eqg.marginal_error, ref)
        print(f"  -> singles+foreign / no-singles time: {t_g / t_ss:.2f} (target <= 2)")
        if args.with_cupid and n <= 2000:
            g1 = global_model(n, 1.0)
            print(
                f"  cupid-matching needs a milder surplus: the same economy with q = x y + {g1.C}"
            )
            eq1, t1, mem1 = skill(g1, "dense")
            row(f"skillshore dense ({eq1.n_iter} sweeps)", t1, mem1, eq1.marginal_error)
            res = run_cupid(g1)
            if res:
                row("cupid-matching (err = gap to skillshore)", res[0], res[2], res[1], (t1, mem1))
    m = no_singles_model(500, 80.0)
    q = m.q()
    print(
        f"\nlarge q / lambda (Phi = 80: q / lambda in [{q.min():.0f}, {q.max():.0f}]), 500 x 500, "
        "no singles"
    )
    eq, t_ss, mem = skill(m, "dense")
    row(f"skillshore dense ({eq.n_iter} sweeps)", t_ss, mem, eq.marginal_error)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        P = ot.sinkhorn(m.fbar, m.gbar, -q, reg=1.0, numItermax=5000, stopThr=TOL / 500)
    finite = bool(np.all(np.isfinite(P)))
    print(f"  POT ot.sinkhorn: {'finite' if finite else 'NaN/overflow (scaling domain)'}")
    if args.sample and not args.quick:
        n = args.sample
        x, y, a = problem(n, args.phi, seed=1)
        g = MatchingModel(
            x=x, y=y, fbar=a, gbar=1.05 * a, Phi=args.phi, lambda_x=0.5, lambda_y=0.5,
            w0=0.5, C=2.0, fbar_star=0.6 * a, C_star=1.0, w0_star=0.2,
        )  # fmt: skip
        print(
            f"\nsample of {n} x {n} types, singles and a foreign pool, kernel-free "
            f"(a dense kernel would need {n * n * 8 / 2**30:.0f} GiB)"
        )
        eq, t, mem = skill(g, "kernel_free")
        row(f"skillshore kernel-free ({eq.n_iter} sweeps)", t, mem, eq.marginal_error)
        print(
            f"  offshoring rate {eq.offshoring_rate:.4f}, unemployment {eq.unemployment_rate:.4f}, "
            f"E(x y | match) {eq.cross_moment()[0, 0]:.4f}"
        )


if __name__ == "__main__":
    main()
