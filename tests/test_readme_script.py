"""The README's Python snippet, saved as a plain script (no ``__main__`` guard), runs in a
fresh interpreter and writes the report (issue: the Dask LocalCluster used to spawn processes
and crash a plain script)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_snippet() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README.md has no python snippet"
    return blocks[0]


def test_snippet_is_the_synthetic_tiny_run():
    # the test below runs the snippet as is: keep it small enough for CI
    assert 'scale="tiny"' in readme_snippet()


@pytest.mark.slow
def test_readme_snippet_runs_as_a_plain_script(tmp_path):
    script = tmp_path / "snippet.py"
    script.write_text(readme_snippet(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    env.setdefault("OMP_NUM_THREADS", "1")
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "IV high-offshorable" in proc.stdout
    assert (tmp_path / "out-tiny" / "report.html").exists()


def test_version_flag_the_readme_mentions():
    from typer.testing import CliRunner

    from skillshore import __version__
    from skillshore.cli import app

    assert "skillshore --version" in (ROOT / "README.md").read_text(encoding="utf-8")
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"skillshore {__version__}"
