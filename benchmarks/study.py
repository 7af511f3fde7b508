"""Time and peak memory of the whole study, stage by stage (issue 9).

Runs :func:`skillshore.pipeline.run_study` -- the code path of ``skillshore run`` -- on
the synthetic economy at the chosen scale, from nothing (fresh output folder, empty
cache; imports are timed too), and prints for every stage its wall time, CPU time and
peak resident memory next to the targets of issue 9:

* ``--scale demo``: the whole study in under 2 minutes on 2 cores;
* ``--scale paper``: under 15 minutes and under 16 GiB on 2 cores.

Memory is the resident set of this process *and all its children* (the bootstrap's
Dask workers are separate processes), sampled by a background thread every
``--interval`` seconds with psutil; this process's own high-water mark is also read
exactly from ``/proc/self/status`` (``VmHWM``, reset at every stage boundary through
``/proc/self/clear_refs`` where Linux allows it), so short spikes in this process are
not missed between samples. A stage's peak is the larger of the two.

Stage boundaries come from ``run_study(on_stage=...)``; the time before the first
cached stage is the synthetic economy (``synth``: generation and config loading),
the time after the last one is the report (``report``: figures, tables, HTML,
``results.json``); work between two stages (e.g. describing the raw tables after
``validate``) is shown as ``(after <stage>)`` when it takes 0.1 s or more.

Usage::

    python benchmarks/study.py [--scale demo|paper] [--seed 0] [--cores 2] [--out DIR]

Timings on a shared machine are noisy; run it on an otherwise idle machine. The
load average before and after the run is printed; on a loaded machine the ``CPU s``
column (user + system time of this process and of the children it has waited for;
the Dask workers' own CPU is not in it) says more than the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TARGETS = {"demo": (120.0, None), "paper": (900.0, 16.0), "tiny": (None, None)}
GIB = 2**30


def _read_hwm() -> int | None:
    """This process's peak resident memory since the last reset, in bytes (Linux)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_hwm() -> bool:
    """Reset this process's peak RSS (``echo 5 > /proc/self/clear_refs``); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


@dataclass
class Segment:
    name: str
    wall: float = 0.0
    cpu: float = 0.0
    peak_tree: int = 0  # sampled: this process + children
    peak_self: int = 0  # exact (VmHWM) when resets work, else sampled
    peak_children: int = 0  # sampled, children only
    calls: int = 0


@dataclass
class Meter:
    """Splits a run into named segments and records wall, CPU and peak memory of each."""

    interval: float = 0.05
    segments: dict[str, Segment] = field(default_factory=dict)
    exact_self: bool = False

    def __post_init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._current = self._open("imports")
        self._t = time.perf_counter()
        self._cpu = self._cpu_now()
        self.exact_self = _reset_hwm() and _read_hwm() is not None
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _open(self, name: str) -> Segment:
        seg = self.segments.setdefault(name, Segment(name))
        seg.calls += 1
        return seg

    @staticmethod
    def _cpu_now() -> float:
        t = os.times()  # includes children that have been waited for
        return t.user + t.system + t.children_user + t.children_system

    def _rss(self) -> tuple[int, int]:
        import psutil

        own = self._proc.memory_info().rss
        kids = 0
        for c in self._proc.children(recursive=True):
            try:
                kids += c.memory_info().rss
            except psutil.Error:
                pass
        return own, kids

    def _record(self, own: int, kids: int) -> None:
        seg = self._current
        seg.peak_tree = max(seg.peak_tree, own + kids)
        seg.peak_children = max(seg.peak_children, kids)
        seg.peak_self = max(seg.peak_self, own)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            own, kids = self._rss()
            with self._lock:
                self._record(own, kids)

    def switch(self, name: str) -> None:
        """Close the current segment and open ``name``."""
        own, kids = self._rss()
        with self._lock:
            self._record(own, kids)
            seg = self._current
            now, cpu = time.perf_counter(), self._cpu_now()
            seg.wall += now - self._t
            seg.cpu += cpu - self._cpu
            if self.exact_self:
                hwm = _read_hwm() or 0
                seg.peak_self = max(seg.peak_self, hwm)
                seg.peak_tree = max(seg.peak_tree, hwm + kids)
                _reset_hwm()
            self._t, self._cpu = now, cpu
            self._current = self._open(name)

    def stop(self) -> None:
        self.switch("(done)")
        self._stop.set()
        self._thread.join()
        self.segments.pop("(done)", None)


def run(scale: str, seed: int, out: Path, interval: float) -> dict:
    meter = Meter(interval=interval)
    t0 = time.perf_counter()
    import logging

    from skillshore.pipeline import run_study

    for name in ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.WARNING)  # as `skillshore run` does

    meter.switch("synth")

    def say(msg: str) -> None:  # progress on stderr, the table on stdout
        print(f"[{time.perf_counter() - t0:7.1f} s] {msg}", file=sys.stderr, flush=True)

    def on_stage(name: str, event: str) -> None:
        meter.switch(name if event == "start" else f"(after {name})")

    study = run_study(
        None,
        out=out,
        scale=scale,
        seed=seed,
        force=True,
        progress=say,
        on_stage=on_stage,
    )
    # the segment after the last cached stage is the report (figures, tables, HTML, JSON)
    last = meter._current
    meter.stop()
    total = time.perf_counter() - t0
    if last.name.startswith("(after ") and last.calls == 1:
        meter.segments["report"] = meter.segments.pop(last.name)
        meter.segments["report"].name = "report"
    results = json.loads((out / "results.json").read_text())
    return {
        "scale": scale,
        "seed": seed,
        "total_wall_s": total,
        "segments": meter.segments,
        "pipeline_timings_s": results.get("timings_s", {}),
        "headline": study.headline,
        "exact_self": meter.exact_self,
        "ru_maxrss_self_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB,
        "ru_maxrss_largest_child_gib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        * 1024
        / GIB,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", choices=["tiny", "demo", "paper"], default="demo")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--cores",
        type=int,
        default=2,
        help="pin the run (and its children) to this many CPU cores (0: no pinning)",
    )
    ap.add_argument("--out", type=Path, default=None, help="keep the outputs here (default: temp)")
    ap.add_argument("--interval", type=float, default=0.05, help="memory sampling period, s")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args()

    if args.cores and hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[: args.cores]
        os.sched_setaffinity(0, cpus)
    ncpu = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    os.environ.setdefault("MPLBACKEND", "Agg")

    load0 = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="skillshore-study-") as tmp:
        out = args.out or Path(tmp)
        res = run(args.scale, args.seed, out, args.interval)

    segs = res["segments"]
    t_max, m_max = TARGETS[args.scale]
    peak = max(s.peak_tree for s in segs.values()) / GIB
    print(
        f"skillshore study, scale {args.scale}, seed {args.seed}, {ncpu} cores, "
        f"python {sys.version.split()[0]}"
    )
    print(
        f"{'stage':<20} {'wall s':>8} {'CPU s':>8} {'peak GiB':>9} "
        f"{'(self':>7} {'+ children)':>11} {'pipeline s':>11}"
    )
    pt = res["pipeline_timings_s"]
    for s in segs.values():
        if s.name.startswith("(after ") and s.wall < 0.1:
            continue
        print(
            f"{s.name:<20} {s.wall:8.1f} {s.cpu:8.1f} {s.peak_tree / GIB:9.2f} "
            f"{s.peak_self / GIB:7.2f} {s.peak_children / GIB:11.2f} "
            f"{pt[s.name]:11.1f}"
            if s.name in pt
            else f"{s.name:<20} {s.wall:8.1f} {s.cpu:8.1f} {s.peak_tree / GIB:9.2f} "
            f"{s.peak_self / GIB:7.2f} {s.peak_children / GIB:11.2f} {'':>11}"
        )
    total = res["total_wall_s"]
    print(f"{'total':<20} {total:8.1f} {'':>8} {peak:9.2f}")
    verdict = []
    if t_max is not None:
        verdict.append(
            f"time {total:.0f} s vs target < {t_max:.0f} s: {'met' if total < t_max else 'NOT met'}"
        )
    if m_max is not None:
        verdict.append(
            f"peak memory {peak:.2f} GiB vs target < {m_max:.0f} GiB: "
            f"{'met' if peak < m_max else 'NOT met'}"
        )
    if verdict:
        print("; ".join(verdict))
    print(
        "memory: resident set of this process and its children; this process's own peak "
        + (
            "exact (VmHWM, reset per stage)"
            if res["exact_self"]
            else f"sampled every {args.interval} s"
        )
        + f"; ru_maxrss self {res['ru_maxrss_self_gib']:.2f} GiB, "
        f"largest child {res['ru_maxrss_largest_child_gib']:.2f} GiB"
    )
    if load0 is not None:
        load1 = os.getloadavg()
        print(
            f"load average (1 min) before {load0[0]:.1f}, after {load1[0]:.1f} "
            f"on {os.cpu_count()} CPUs: above ~{ncpu} the timings are inflated by other work"
        )
    if args.json:
        blob = {k: v for k, v in res.items() if k != "segments"}
        blob["segments"] = {k: vars(v) for k, v in segs.items()}
        blob["peak_gib"] = peak
        args.json.write_text(json.dumps(blob, indent=2, default=str))


if __name__ == "__main__":
    main()
