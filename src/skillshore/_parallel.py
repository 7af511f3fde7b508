"""Parallel map over independent tasks on dask.distributed (Monte Carlo, grids).

An embedded ``LocalCluster`` by default (worker processes, one thread each, logs
silenced), or an existing cluster through ``scheduler`` (its address). Results come back
in the order of the inputs, so they do not depend on the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["parallel_map"]


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
        Show a rich progress bar (a string is its label).
    key : str
        Prefix of the Dask task keys.
    """
    items = list(items)
    bar = None
    if progress:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task(progress if isinstance(progress, str) else key, total=len(items))
    try:
        if bar is not None:
            bar.start()
        if n_workers <= 1 and scheduler is None:
            out = []
            for it in items:
                out.append(fn(it))
                if bar is not None:
                    bar.advance(task)
            return out
        from dask.distributed import Client, LocalCluster, as_completed

        def collect(client: Client) -> list[Any]:
            futs = {
                client.submit(fn, it, key=f"{key}-{i}-{id(items)}", pure=False): i
                for i, it in enumerate(items)
            }
            res: dict[int, Any] = {}
            for fut in as_completed(futs):
                res[futs[fut]] = fut.result()
                if bar is not None:
                    bar.advance(task)
            return [res[i] for i in range(len(items))]

        if scheduler is not None:
            with Client(scheduler) as client:
                return collect(client)
        with (
            LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            return collect(client)
    finally:
        if bar is not None:
            bar.stop()
