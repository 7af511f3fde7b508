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


def _run(toml: Path, out: Path, kill_at: str | None = None, delay: float = 0.0) -> tuple[int, str]:
    """Run the CLI; with ``kill_at``, SIGKILL its process group ``delay`` s after that line."""
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1",
           "PYTHONUNBUFFERED": "1"}  # fmt: skip
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
                time.sleep(delay)
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


def _numbers(results: dict) -> dict:
    """results.json without what differs between two runs of the same inputs (times, the
    stages taken from the cache)."""
    drop = ("run", "timings_s", "stages_run", "stages_reused")
    return {k: v for k, v in results.items() if k not in drop}


def _steps() -> list[tuple[str, str]]:
    """(stage name, the progress line the CLI prints at its start), in run order."""
    from skillshore.pipeline import STAGES, TRUTH

    return [(st.name, st.message) for st in (*STAGES, TRUTH)] + [("report", "writing the report")]


@pytest.mark.slow  # a killed first run, a clean run (about 90 s on 2 cores), ten kills
# (a few s each), a rerun: about 3 min on the shared 2-core machine
def test_sigkill_during_each_stage_keeps_the_previous_run(tiny_economy, tmp_path):
    """Kill the run inside each stage in turn: the stage's cache entry is removed first, so
    the killed run recomputes that stage (the earlier ones come from the cache) and the
    kill lands while it computes; the output folder must hold the previous complete run,
    byte for byte, and the cache no half-written entry; a final rerun completes with the
    clean run's numbers."""
    out = tmp_path / "out"
    toml = tiny_economy / "study.toml"
    steps = _steps()
    # a first run killed (inside its second stage, the first one cached): nothing is left
    rc, text = _run(toml, out, kill_at=steps[1][1])
    assert rc == -signal.SIGKILL, text
    assert not out.exists() or _files(out) == {}, sorted(_files(out))
    rc, text = _run(toml, out)
    assert rc == 0, text
    before = _files(out)
    assert "results.json" in before and "report.html" in before
    cache = out / ".cache"
    saved = {p.name: p.read_bytes() for p in cache.iterdir()}
    for k, (name, message) in enumerate(steps):
        for p in cache.glob(f"{name}-*.pkl"):
            p.unlink()
        rc, text = _run(toml, out, kill_at=message)
        assert rc == -signal.SIGKILL, text
        assert message in text
        later = [m for _, m in steps[k + 1 :]]
        assert not any(m in text for m in later), f"killed after {name!r} ended:\n{text}"
        assert _files(out) == before, name  # the previous complete run, byte for byte
        for fname, data in saved.items():  # this stage's entry back: the next kill is fast
            if not (cache / fname).exists():
                (cache / fname).write_bytes(data)
    # a killed run's half-written cache entries are removed by the next run
    for p in cache.glob("facts-*.pkl"):
        p.unlink()  # the rerun computes facts again (the later entries are keyed on inputs)
    rc, text = _run(toml, out)
    assert rc == 0, text
    after = _files(out)
    assert sorted(after) == sorted(before)
    assert _numbers(json.loads(after["results.json"])) == _numbers(
        json.loads(before["results.json"])
    )
    assert sorted(os.listdir(tmp_path)) == ["out"]  # no staging folder or lock left
    assert sorted(p.name for p in cache.iterdir()) == sorted(saved)  # no stray temporary file
