"""Bootstrap replications as parallel tasks on dask.distributed (issue 8, part 4).

Replication ``b`` draws its random numbers from ``SeedSequence(seed).spawn(B)[b]``,
so its result depends on the seed and ``b`` only, never on the number of workers
or the order in which tasks finish. Each task runs with one BLAS and one numba
thread, so floating-point reductions are the same whatever the worker layout.

By default an embedded ``LocalCluster`` is started (worker processes: the matching
solver's numba kernels use the ``workqueue`` threading layer, which must not be
entered from two threads of one process at once); ``scheduler="tcp://host:8786"``
submits to an existing Dask cluster instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from skillshore._results import TableMixin
from skillshore.errors import SkillshoreError

__all__ = ["BootstrapResult", "replicate_seeds", "run_bootstrap"]


def replicate_seeds(seed: int, n_boot: int) -> list[np.random.SeedSequence]:
    """The B independent seed sequences of the replications."""
    return np.random.SeedSequence(seed).spawn(n_boot)


def _one(fn: Callable, data: Any, ss: np.random.SeedSequence, resample: Callable | None):
    """Run one replication single-threaded; failures come back as their message."""
    from threadpoolctl import threadpool_limits

    from skillshore._parallel import serial_numba

    rng = np.random.default_rng(ss)
    with threadpool_limits(1), serial_numba():
        try:
            sample = resample(data, rng) if resample is not None else data.resample(rng)
            return np.atleast_1d(np.asarray(fn(sample, rng), dtype=np.float64))
        except SkillshoreError as exc:
            return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True, eq=False)
class BootstrapResult(TableMixin):
    """Bootstrap draws (one row per replication; NaN where a replication failed).

    Attributes
    ----------
    draws : ndarray (B, k)
    names : list of str
    failures : dict {replication: message}
    seed, n_workers, seconds : run information
    """

    draws: np.ndarray
    names: tuple[str, ...]
    seed: int
    n_workers: int
    seconds: float
    failures: dict[int, str] = field(default_factory=dict)
    title: str = "Bootstrap"

    @property
    def n_boot(self) -> int:
        return self.draws.shape[0]

    def ci(
        self,
        level: float = 0.95,
        method: Literal["percentile", "basic"] = "percentile",
        estimate: np.ndarray | None = None,
    ) -> np.ndarray:
        """Bootstrap intervals (k, 2), failed replications left out.

        ``percentile``: the (a, 1 - a) quantiles of the draws. ``basic`` (reverse
        percentile): (2 t - q_hi, 2 t - q_lo) around the full-sample ``estimate`` t, which
        corrects a first-order finite-sample bias of the estimator.
        """
        a = (1 - level) / 2
        q = np.nanquantile(self.draws, [a, 1 - a], axis=0).T
        if method == "percentile":
            return q
        if method == "basic":
            if estimate is None:
                raise ValueError("the basic interval needs the full-sample estimate")
            t = np.asarray(estimate, dtype=np.float64)
            return np.c_[2 * t - q[:, 1], 2 * t - q[:, 0]]
        raise ValueError(f"method must be 'percentile' or 'basic', got {method!r}")

    @property
    def se(self) -> np.ndarray:
        """Bootstrap standard deviation of each statistic."""
        return np.nanstd(self.draws, axis=0, ddof=1)

    def to_frame(self) -> pd.DataFrame:
        lo, hi = self.ci().T
        return pd.DataFrame(
            {"mean": np.nanmean(self.draws, axis=0), "sd": self.se, "2.5%": lo, "97.5%": hi},
            index=list(self.names),
        )


def run_bootstrap(
    fn: Callable[[Any, np.random.Generator], Any],
    data: Any,
    n_boot: int,
    seed: int = 0,
    *,
    names: list[str] | None = None,
    resample: Callable[[Any, np.random.Generator], Any] | None = None,
    n_workers: int = 2,
    scheduler: str | None = None,
    processes: bool = True,
    progress: bool = False,
    max_fail_share: float = 0.2,
) -> BootstrapResult:
    """Run ``fn(resample(data, rng), rng)`` for B seeded replications on Dask.

    Parameters
    ----------
    fn : callable
        Statistic of a resampled dataset (returns a 1-d array); must be picklable
        (a module-level function or ``functools.partial``) for worker processes.
    data : object
        The dataset, sent to the workers once. Resampled by ``resample(data, rng)``
        or, by default, ``data.resample(rng)`` (e.g. :meth:`MatchedSample.resample`).
    n_boot : int
        Number of replications B.
    seed : int
        Root of ``SeedSequence(seed).spawn(B)``: results identical for a given seed
        whatever the number of workers.
    n_workers : int
        Workers of the embedded ``LocalCluster`` (one thread each); ignored with ``scheduler``.
    scheduler : str, optional
        Address of an existing Dask scheduler.
    processes : bool
        Worker processes (default) or threads in this process (only safe with one worker).
    progress : bool
        Report replications as they complete (:func:`skillshore._progress.progress`).
    max_fail_share : float
        Raise :class:`SkillshoreError` if more replications than this share fail.
    """
    from dask.distributed import Client, as_completed

    from skillshore._parallel import dask_client

    if n_boot < 1:
        raise ValueError("n_boot must be >= 1")
    if not processes and n_workers > 1 and scheduler is None:
        raise ValueError("threaded workers (processes=False) need n_workers=1 (numba workqueue)")
    seeds = replicate_seeds(seed, n_boot)
    t0 = time.perf_counter()
    results: dict[int, Any] = {}

    def _collect(client: Client) -> None:
        remote = client.scatter(data, broadcast=True)
        futs = {
            client.submit(
                _one, fn, remote, ss, resample, key=f"bootstrap-{seed}-{b}-{id(data)}", pure=False
            ): b
            for b, ss in enumerate(seeds)
        }
        from skillshore._progress import progress as tracker

        # a live bar on a terminal, plain lines in a log
        with tracker(n_boot, "bootstrap replications", enabled=bool(progress)) as bar:
            for fut in as_completed(futs):
                results[futs[fut]] = fut.result()
                bar.advance()

    with dask_client(n_workers, scheduler, processes=processes) as client:
        workers = len(client.scheduler_info().get("workers", {})) if scheduler else n_workers
        _collect(client)
    failures = {b: r for b, r in results.items() if isinstance(r, str)}
    good = [r for r in results.values() if not isinstance(r, str)]
    if not good or len(failures) > max_fail_share * n_boot:
        first = next(iter(failures.values()), "")
        raise SkillshoreError(
            f"{len(failures)} of {n_boot} bootstrap replications failed (first: {first})"
        )
    k = good[0].size
    draws = np.full((n_boot, k), np.nan)
    for b, r in results.items():
        if not isinstance(r, str):
            draws[b] = np.where(np.isfinite(r), r, np.nan)  # undefined in this replicate
    names = tuple(names) if names is not None else tuple(f"stat{i}" for i in range(k))
    return BootstrapResult(
        draws=draws,
        names=names,
        seed=seed,
        n_workers=workers,
        seconds=time.perf_counter() - t0,
        failures=failures,
    )
