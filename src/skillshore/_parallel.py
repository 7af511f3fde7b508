"""Parallel map over independent tasks on dask.distributed (Monte Carlo, grids), and the
numba thread setting of small problems.

An embedded ``LocalCluster`` by default (worker processes, one thread each, logs
silenced), or an existing cluster through ``scheduler`` (its address). Results come back
in the order of the inputs, so they do not depend on the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["dask_client", "parallel_map", "serial_numba"]

_SERIAL_BELOW = (
    250_000  # kernel entries under which numba's thread launches cost more than they save
)


@contextmanager
def serial_numba(entries: int = 0) -> Iterator[None]:
    """Run numba kernels (the matching solver's IPFP) on one thread for small problems.

    On a few hundred types a parallel launch per IPFP half-sweep costs milliseconds
    (measured: 10x slower than serial for a 6 x 5 economy), and bootstrap replicates are
    already parallel across Dask workers. One thread also sums in a fixed order, so the
    results are bit-identical whatever the machine's core count (the generator relies on
    it). ``entries`` (the kernel's size) at or above 250,000 keeps the parallel setting;
    the default, 0, always runs serially. The setting is per calling thread.
    """
    import numba

    if entries >= _SERIAL_BELOW:
        yield
        return
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(old)


@contextmanager
def dask_client(
    n_workers: int = 2, scheduler: str | None = None, *, processes: bool = True
) -> Iterator[Any]:
    """A dask.distributed ``Client``: on the scheduler at ``scheduler``, or on an embedded
    ``LocalCluster`` of ``n_workers`` single-threaded workers (logs silenced, no dashboard)."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    from skillshore._interrupt import children_ignore_sigint

    with children_ignore_sigint():  # Ctrl-C: one line from the parent, no worker tracebacks
        cluster_cm = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=40,
        )
    with cluster_cm as cluster, Client(cluster) as client:
        yield client


def parallel_map(
    fn: Callable[..., Any],
    items: Sequence[Any],
    *,
    n_workers: int = 2,
    scheduler: str | None = None,
    progress: bool | str = False,
    key: str = "task",
) -> list[Any]:
    """``[fn(item) for item in items]`` on Dask workers.

    Parameters
    ----------
    fn : callable
        Picklable (module-level function or ``functools.partial``).
    items : sequence
        One task per item.
    n_workers : int
        Worker processes of the embedded ``LocalCluster``; ``1`` runs in this process
        without Dask (no start-up cost). Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running Dask scheduler.
    progress : bool or str
        Report progress (a string is its label): a rich bar on a terminal, plain lines
        in a log (:func:`skillshore._progress.progress`).
    key : str
        Prefix of the Dask task keys.
    """
    from skillshore._progress import progress as tracker

    items = list(items)
    label = progress if isinstance(progress, str) else key
    # a live bar on a terminal, plain lines in a log (skillshore._progress)
    with tracker(len(items), label, enabled=bool(progress)) as bar:
        if n_workers <= 1 and scheduler is None:
            out = []
            for it in items:
                out.append(fn(it))
                bar.advance()
            return out
        from dask.distributed import as_completed

        with dask_client(n_workers, scheduler) as client:
            futs = {
                client.submit(fn, it, key=f"{key}-{i}-{id(items)}", pure=False): i
                for i, it in enumerate(items)
            }
            res: dict[int, Any] = {}
            for fut in as_completed(futs):
                res[futs[fut]] = fut.result()
                bar.advance()
            return [res[i] for i in range(len(items))]
