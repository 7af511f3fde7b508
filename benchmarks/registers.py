"""Time and peak memory of reading an IDA-like register extract and writing the
``workers`` table (issue 18: 10M rows in < 60 s and < 8 GiB).

The extract (Parquet, 20 variables of which the mapping reads 12) has DISCO-88 codes
drawn from the ILO table's ISCO-88 groups plus two national digits, 2,000 education
codes and 800 training codes (half the persons without one). The conversion runs in a
fresh subprocess: its wall time and peak resident memory (ru_maxrss of the child)
include imports, reading, the DISCO -> ISCO-08 recode, the education join, sorting, the
schema validation of the ``workers`` table (foreign keys excluded: no firm table) and
writing the Parquet file. Usage::

    python benchmarks/registers.py [--rows 10000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

CHILD = """
import json, sys, time
t = time.perf_counter()
from skillshore.errors import DataValidationError
from skillshore.registers import build_workers
from skillshore.tables.validate import validate_frame
df, rep = build_workers(sys.argv[1])
df, problems = validate_frame(df, "workers", "workers", years=(1996, 2006))
if problems:
    raise DataValidationError(problems)
df.write_parquet(sys.argv[2])
print(json.dumps({"rows": df.height, "seconds": time.perf_counter() - t,
                  "steps": [[s.step, s.rows_in, s.rows_mapped, s.rows_split] for s in rep.steps]}))
"""

CONFIG = """[registers]
years = [1996, 2006]
out = "tables"
education_codes = "codes.csv"
[registers.ida]
path = "ida.parquet"
hours = "TIMER"
[registers.firm]
path = "unused"
[registers.uhdi]
path = "unused"
[registers.world_trade]
path = "unused"
"""


def write_extract(d: Path, rows: int, seed: int = 0) -> None:
    from skillshore.registers import concordances as cc

    rng = np.random.default_rng(seed)
    isco88 = cc.load("isco88_to_isco08")["source"].unique().sort().to_numpy()
    educ = np.array([f"{i:04d}" for i in range(1000, 3000)])
    train = np.array([f"T{i:03d}" for i in range(800)])
    pl.DataFrame(
        {
            "code": np.concatenate([educ, train]),
            "kind": ["education"] * len(educ) + ["training"] * len(train),
            "title": [f"title {c}" for c in np.concatenate([educ, train])],
            "educ_years": np.concatenate(
                [rng.integers(9, 19, len(educ)), np.full(len(train), np.nan)]
            ),
            "isced": [None] * (len(educ) + len(train)),
        }
    ).write_csv(d / "codes.csv")
    idx = rng.permutation(rows)  # unique (person, year), rows in no particular order
    pid = idx // 11 + 1
    year = (1996 + idx % 11).astype(np.int32)
    tr = rng.integers(0, len(train), rows)
    cols = {
        "PNR": pid,
        "AAR": year,
        "CVRNR": rng.integers(10_000_000, 10_100_000, rows),
        "LBNR": rng.integers(1, 500_000, rows),
        "DISCO": pl.Series(isco88[rng.integers(0, len(isco88), rows)])
        + pl.Series(rng.integers(10, 100, rows)).cast(pl.Utf8),
        "TIMELON": rng.lognormal(5.2, 0.3, rows),
        "ERHVER": rng.uniform(0, 40, rows),
        "TIMER": rng.uniform(400, 2200, rows),
        "ALDER": rng.integers(18, 67, rows).astype(np.int32),
        "KOM": pl.Series(rng.integers(101, 861, rows)).cast(pl.Utf8),
        "HFAUDD": educ[rng.integers(0, len(educ), rows)],
        "ERHAUDD": train[tr],
    }
    for i in range(8):  # variables the mapping does not read
        cols[f"EXTRA{i}"] = rng.normal(size=rows)
    none = pl.Series(rng.random(rows) < 0.5)
    df = pl.DataFrame(cols).with_columns(
        ERHAUDD=pl.when(none).then(None).otherwise(pl.col("ERHAUDD"))
    )
    df.write_parquet(d / "ida.parquet")
    (d / "registers.toml").write_text(CONFIG)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="reuse/keep the extract here")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = a.keep or Path(tmp)
        d.mkdir(parents=True, exist_ok=True)
        if (
            not (d / "ida.parquet").is_file()
            or pl.scan_parquet(d / "ida.parquet").select(pl.len()).collect().item() != a.rows
        ):
            t = time.perf_counter()
            write_extract(d, a.rows)
            print(
                f"wrote a {a.rows:,}-row extract in {time.perf_counter() - t:.1f} s",
                file=sys.stderr,
            )
        t0 = time.perf_counter()
        res = subprocess.run(
            [sys.executable, "-c", CHILD, str(d / "registers.toml"), str(d / "workers.parquet")],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - t0
        if res.returncode:
            print(res.stderr, file=sys.stderr)
            return res.returncode
        out = json.loads(res.stdout.strip().splitlines()[-1])
        out["wall_seconds"] = wall
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        out["peak_rss_gib"] = ru.ru_maxrss / 2**20
        out["cpu_seconds"] = ru.ru_utime + ru.ru_stime  # user + system of the child
        out["load_average_1min"] = os.getloadavg()[0]
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
