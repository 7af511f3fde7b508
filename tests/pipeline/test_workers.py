"""``skillshore run`` from a plain script (no ``__main__`` guard: the bootstrap runs on one
in-process thread worker by default) and with two Dask worker processes gives the same
numbers, bit for bit: the bootstrap's replications are seeded one by one and collected in
order (``structural/bootstrap.py``), so the worker count cannot matter."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from skillshore.pipeline import run_study


def _structural(out):
    (path,) = (out / ".cache").glob("structural-*.pkl")
    with open(path, "rb") as fh:
        return pickle.load(fh)


@pytest.mark.slow  # two tiny runs, one starting worker processes: about 2-3 min on 2 cores
def test_plain_script_and_two_worker_processes_agree(tmp_path):
    from skillshore.synth import generate

    data = tmp_path / "data"
    generate(data, scale="tiny", seed=0)
    toml = data / "study.toml"
    toml.write_text(toml.read_text().replace("[structural]\n", "[structural]\nbootstrap = 9\n"))
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from skillshore import run_study
            study = run_study({str(toml)!r}, out={str(tmp_path / "threads")!r})
            print(study.summary())
            """
        )
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run_study(toml, out=tmp_path / "procs", scheduler="processes")
    one = json.loads((tmp_path / "threads" / "results.json").read_text())
    two = json.loads((tmp_path / "procs" / "results.json").read_text())
    assert one["config"]["structural"]["scheduler"] == "threads"
    assert two["config"]["structural"] == {**one["config"]["structural"], "scheduler": "processes"}
    assert one["headline"] == two["headline"]
    a, b = _structural(tmp_path / "threads"), _structural(tmp_path / "procs")
    assert sorted(a.estimates.estimates) == sorted(b.estimates.estimates) == [1996, 2006]
    for year, est in a.estimates.estimates.items():
        fa, fb = est.params_frame(), b.estimates.estimates[year].params_frame()
        pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    # the bootstrap ran (2006 has intervals), so the comparison covers the workers' draws
    assert a.estimates.estimates[2006].bootstrap is not None
