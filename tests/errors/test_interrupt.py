"""Ctrl-C: one line, exit 130, no worker tracebacks; CLI errors keep their brackets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillshore.cli import app

SRC = str(Path(__file__).resolve().parents[2] / "src")

# idle workers of a 2-worker LocalCluster (between tasks, as in the bootstrap): without
# the guard each worker prints its own KeyboardInterrupt traceback (about 100 lines)
_DIRECT = textwrap.dedent(
    """
    import signal, sys, time
    from pathlib import Path

    if __name__ == "__main__":
        from dask.distributed import Client, LocalCluster
        from skillshore._interrupt import INTERRUPTED, children_ignore_sigint, silence_shutdown

        def on_sigint(signum, frame):
            silence_shutdown()
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, on_sigint)
        try:
            with children_ignore_sigint():
                cluster = LocalCluster(n_workers=2, threads_per_worker=1,
                                       dashboard_address=":0", silence_logs=40)
            with cluster, Client(cluster) as client:
                client.submit(sum, [1, 2]).result()
                Path(sys.argv[1], "task-0").write_text("1")
                time.sleep(60)
        except KeyboardInterrupt:
            print(INTERRUPTED, file=sys.stderr)
            sys.exit(130)
    """
)

_CLI = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    if __name__ == "__main__":
        import skillshore.pipeline as pipeline
        from skillshore._parallel import dask_client

        def fake_run_study(*args, **kwargs):
            with dask_client(2) as client:
                client.submit(sum, [1, 2]).result()
                Path(sys.argv[1], "task-0").write_text("1")
                time.sleep(60)

        pipeline.run_study = fake_run_study
        from skillshore.cli import app
        app(["run", "--scale", "tiny"])
    """
)


def _interrupt(script: str, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "script.py"
    path.write_text(script)
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "COLUMNS": "200"}
    p = subprocess.Popen(
        [sys.executable, str(path), str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # a process group of its own, as a terminal's job
    )
    try:
        for _ in range(1200):  # cluster up, workers idle
            if list(tmp_path.glob("task-*")) or p.poll() is not None:
                break
            time.sleep(0.05)
        assert list(tmp_path.glob("task-*")), "cluster did not start"
        time.sleep(0.5)
        os.killpg(p.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
        out, _ = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return p.returncode, out.decode(errors="replace")


@pytest.mark.slow
def test_workers_started_with_sigint_ignored_print_nothing(tmp_path):
    rc, out = _interrupt(_DIRECT, tmp_path)
    assert rc == 130, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out
    assert out.strip().splitlines()[-1] == "interrupted; completed stages are cached"


@pytest.mark.slow
def test_cli_run_interrupted_prints_one_line(tmp_path):
    rc, out = _interrupt(_CLI, tmp_path)
    assert rc == 130, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out
    lines = [ln for ln in out.strip().splitlines() if "Port 8787" not in ln]
    assert lines[-1] == "interrupted; completed stages are cached"


_TABLES = "[tables]\n" + "".join(
    f'{t} = "{t}.csv"\n' for t in ("workers", "catalog", "firms", "customs", "world_trade")
)


@pytest.mark.parametrize(
    ("study", "needle"),
    [
        ("bogus = 1", "[study]: unknown key(s) ['bogus']"),
        ("years = [2006, 1996]", "[study] years and base_years must be [first, last]."),
    ],
)
def test_config_error_keeps_bracketed_text(tmp_path, study, needle):
    toml = tmp_path / "study.toml"
    toml.write_text(f"[study]\n{study}\n{_TABLES}")
    res = CliRunner().invoke(app, ["validate", "--config", str(toml)])
    assert res.exit_code == 1
    assert needle in res.output.replace("\n", "")
    assert "Traceback" not in res.output
