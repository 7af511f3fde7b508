"""``skillshore run`` from a plain script (no ``__main__`` guard) and with two Dask worker
processes gives the same numbers: the bootstrap's replications are seeded one by one and
collected in order (``structural/bootstrap.py``), so the worker count cannot matter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from skillshore.pipeline import run_study


@pytest.mark.slow
def test_plain_script_and_two_worker_processes_agree(tmp_path):
    from skillshore.synth import generate

    data = tmp_path / "data"
    generate(data, scale="tiny", seed=2)
    toml = data / "study.toml"
    toml.write_text(toml.read_text().replace("[structural]\n", "[structural]\nbootstrap = 4\n"))
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
    assert any("(" in v for k, v in one["headline"].items() if k.startswith("Phi"))  # intervals
    assert one["headline"] == two["headline"]
