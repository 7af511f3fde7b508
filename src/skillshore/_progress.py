"""Progress inside long stages (estimation per year, bootstrap draws, Monte Carlo seeds).

:func:`progress` returns a small tracker: a live ``rich`` bar when the stream is a terminal,
plain lines (at most one per ``every`` seconds, and the last one) when it is a log file or a
pipe, nothing when disabled. Infrastructure: it imports no stage, so any stage may use it::

    with progress(n_draws, "bootstrap draws") as bar:
        for b in range(n_draws):
            ...
            bar.advance()
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

__all__ = ["Progress", "progress"]


class Progress:
    """Counts done steps out of ``total`` and reports them (see :func:`progress`)."""

    def __init__(
        self,
        total: int,
        label: str,
        stream: IO[str] | None = None,
        every: float = 10.0,
        enabled: bool = True,
        live: bool | None = None,
    ):
        self.total = int(total)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self.enabled = enabled and self.total > 0
        isatty = getattr(self.stream, "isatty", lambda: False)()
        self.live = isatty if live is None else live
        self.done = 0
        self._t0 = time.perf_counter()
        self._last = -float("inf")
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled and self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def advance(self, n: int = 1) -> None:
        """Mark ``n`` more steps done."""
        self.done += n
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
            return
        now = time.perf_counter()
        if now - self._last >= self.every or self.done >= self.total:
            self._last = now
            elapsed = now - self._t0
            print(
                f"  {self.label}: {self.done}/{self.total} ({elapsed:.0f} s)",
                file=self.stream,
                flush=True,
            )

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def progress(
    total: int,
    label: str,
    stream: IO[str] | None = None,
    every: float = 10.0,
    enabled: bool = True,
) -> Progress:
    """A progress tracker for ``total`` steps: a live bar on a terminal, plain lines
    (``label: done/total (elapsed s)``, at most one per ``every`` seconds plus the last)
    otherwise; silent with ``enabled=False``."""
    return Progress(total, label, stream=stream, every=every, enabled=enabled)
