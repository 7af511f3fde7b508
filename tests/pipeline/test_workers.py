"""``skillshore run`` from a plain script (no ``__main__`` guard: the bootstrap runs on one
in-process thread worker by default) and with two Dask worker processes gives the same
numbers, bit for bit: the bootstrap's replications are seeded one by one and collected in
order (``structural/bootstrap.py``), so the worker count cannot matter. Both runs are fresh
processes (state left by an earlier solve in the same process is not part of the claim)."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

SCRIPT = """
from skillshore import run_study

def main():
    run_study({toml!r}, out={out!r}, scheduler={scheduler!r})

{call}
"""


def _run(tmp_path, toml, scheduler: str, guard: bool):
    out = tmp_path / scheduler
    call = 'if __name__ == "__main__":\n    main()' if guard else "main()"
    script = tmp_path / f"{scheduler}.py"
    script.write_text(
        textwrap.dedent(SCRIPT).format(toml=str(toml), out=str(out), scheduler=scheduler, call=call)
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (path,) = (out / ".cache").glob("structural-*.pkl")
    with open(path, "rb") as fh:
        return json.loads((out / "results.json").read_text()), pickle.load(fh)


@pytest.mark.slow  # two tiny runs, one starting worker processes: about 3 min on 2 cores
def test_plain_script_and_two_worker_processes_agree(tmp_path):
    from skillshore.synth import generate

    data = tmp_path / "data"
    generate(data, scale="tiny", seed=0)
    toml = data / "study.toml"
    toml.write_text(toml.read_text().replace("[structural]\n", "[structural]\nbootstrap = 9\n"))
    # threads (one in-process worker) from a script without a __main__ guard
    one, a = _run(tmp_path, toml, "threads", guard=False)
    two, b = _run(tmp_path, toml, "processes", guard=True)  # two worker processes
    assert two["config"]["structural"] == {**one["config"]["structural"], "scheduler": "processes"}
    # every number of results.json but the run's own record (times, paths, the scheduler)
    same = ("headline", "scorecard", "estimates", "iv_tables", "structural")
    for k in same:
        assert one[k] == two[k], k  # floats compared exactly (json keeps all 17 digits)
    # the years estimated (1996 may fail its wage equation at this size: a note says so)
    assert sorted(a.estimates.estimates) == sorted(b.estimates.estimates)
    # (the notes may name a different first failed bootstrap draw: completion order)
    assert 2006 in a.estimates.estimates
    for year, est in a.estimates.estimates.items():
        fa, fb = est.params_frame(), b.estimates.estimates[year].params_frame()
        # bit for bit: group sums in a fixed order (skillshore._reduce.group_sum; polars'
        # group_by sums vary from call to call), the shifter's mean over sorted rows, and
        # pyfixest's fixed effects in the formula's order (skillshore._compat), never the
        # hash seed's (docs/architecture.md, "Bit-identical results")
        pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    # the bootstrap ran (2006 has intervals), so the comparison covers the workers' draws
    assert a.estimates.estimates[2006].bootstrap is not None
