"""Ctrl-C during a run: one line, no worker tracebacks.

The terminal sends SIGINT to every process of the foreground group, Dask's worker
processes included; each would print its own ``KeyboardInterrupt`` traceback. Worker
processes started inside :func:`children_ignore_sigint` inherit an ignored SIGINT
(an ignored signal stays ignored across ``exec``, and Python keeps it so), so only the
main process is interrupted; it then closes the cluster, which stops the workers.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["INTERRUPTED", "children_ignore_sigint", "silence_shutdown"]

INTERRUPTED = "interrupted; completed stages are cached"


@contextmanager
def children_ignore_sigint() -> Iterator[None]:
    """Ignore SIGINT while child processes are started (they keep ignoring it).

    Wrap the start of a Dask ``LocalCluster`` (its worker processes are spawned while the
    constructor waits). A Ctrl-C in that second is ignored; outside it the main process
    is interrupted as usual. Outside the main thread this does nothing (Python allows
    signal handlers only there).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def silence_shutdown() -> None:
    """Mute Dask's loggers while an interrupted run closes its cluster."""
    for name in (
        "distributed",
        "distributed.nanny",
        "distributed.worker",
        "distributed.scheduler",
        "distributed.core",
        "distributed.client",
        "tornado",
        "asyncio",
    ):
        logging.getLogger(name).setLevel(logging.CRITICAL)
