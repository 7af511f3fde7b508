"""Time and peak memory of ``skillshore.synth.generate`` by scale (issue 5: the paper
scale should run on a 2-core, 24 GiB machine in under 3 minutes and 8 GiB).

Each scale runs in a fresh subprocess so that its peak resident memory (ru_maxrss of
the child) and its time include imports, the calibration of the intensities and the
Parquet writing. Usage::

    python benchmarks/synth.py [tiny demo paper] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

CHILD = """
import json, sys, time
t = time.perf_counter()
from skillshore.synth import generate
r = generate(sys.argv[1], scale=sys.argv[2], seed=int(sys.argv[3]))
e = r.truth["effects"]
print(json.dumps({"rows": r.rows, "seconds_in_generate": r.seconds,
                  "seconds_total": time.perf_counter() - t,
                  "baseline_firm_years": r.truth["sample"]["baseline_firm_years"],
                  "effect": {k: e[k]["iv_true_exposure"] for k in e},
                  "continuing": e.get("all", {}).get("continuing_workers"),
                  "c_F_0": r.truth["counterfactual_c_F_0"]}))
"""


def run(scale: str, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        out = subprocess.run(
            [sys.executable, "-c", CHILD, d, scale, str(seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res.update(scale=scale, wall_seconds=wall, peak_rss_gib=max(peak, before) / 2**20)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scales", nargs="*", default=["tiny", "demo", "paper"])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(f"{'scale':<6} {'wall s':>8} {'peak GiB':>9} {'worker-years':>13} {'firm-years':>11}")
    for s in args.scales:
        r = run(s, args.seed)
        print(
            f"{s:<6} {r['wall_seconds']:8.1f} {r['peak_rss_gib']:9.2f} "
            f"{r['rows']['workers']:13,d} {r['rows']['firms']:11,d}"
        )
        print("       ", json.dumps(r))


if __name__ == "__main__":
    main()
