"""SIGKILL during a real ``skillshore run``: the output folder holds the previous complete
run (or nothing), and a rerun completes (issue 19, acceptance)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _run(toml: Path, out: Path, kill_at: str | None = None) -> tuple[int, str]:
    """Run the CLI; with ``kill_at``, SIGKILL its process group when that line appears."""
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "skillshore.cli", "run", "--config", str(toml), "--out", str(out)]
    p = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    lines: list[str] = []

    def read() -> None:
        assert p.stdout is not None
        for raw in p.stdout:
            lines.append(raw.decode(errors="replace"))
            if kill_at and kill_at in lines[-1]:
                time.sleep(1.0)  # inside the stage
                os.killpg(p.pid, signal.SIGKILL)

    t = threading.Thread(target=read)
    t.start()
    try:
        p.wait(timeout=600)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        t.join()
    return p.returncode, "".join(lines)


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[0] not in (".cache", "data")
    }


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["writing the report"])
def test_sigkill_during_a_stage_keeps_the_previous_run(tiny_economy, tmp_path, stage):
    out = tmp_path / "out"
    toml = tiny_economy / "study.toml"
    rc, text = _run(toml, out)
    assert rc == 0, text
    before = _files(out)
    assert "results.json" in before and "report.html" in before
    rc, text = _run(toml, out, kill_at=stage)
    assert rc == -signal.SIGKILL, text
    assert _files(out) == before  # the previous complete run, byte for byte
    rc, text = _run(toml, out)
    assert rc == 0, text
    after = _files(out)
    assert sorted(after) == sorted(before)
    res = json.loads(after["results.json"])
    assert res["headline"] == json.loads(before["results.json"])["headline"]
    assert sorted(os.listdir(tmp_path)) == ["out"]  # no staging folder or lock left
