"""The output folder holds one complete run or nothing (skillshore._outdir)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from skillshore._outdir import MANIFEST, _recover, output_folder, read_manifest
from skillshore.errors import OutputFolderError, OutputLockedError

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _write_run(folder: Path, tag: str, names: list[str]) -> None:
    for n in names:
        p = folder / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(tag)


def _contents(folder: Path) -> dict[str, str]:
    """Files of a run (kept entries and the manifest aside) -> their text."""
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] not in (".cache", "data", MANIFEST)
    }


def _run(out: Path, tag: str, names: list[str]) -> None:
    with output_folder(out) as run:
        _write_run(run.staging, tag, names)
        (run.target / ".cache").mkdir(parents=True, exist_ok=True)
        (run.target / ".cache" / f"stage-{tag}.pkl").write_text(tag)


def test_swap_replaces_the_whole_run_and_keeps_the_cache(tmp_path):
    out = tmp_path / "out"
    _run(out, "one", ["report.html", "results.json", "tables/iv_a.csv", "tables/iv_b.csv"])
    assert _contents(out) == {
        "report.html": "one",
        "results.json": "one",
        "tables/iv_a.csv": "one",
        "tables/iv_b.csv": "one",
    }
    assert read_manifest(out)["files"] == sorted(_contents(out))
    # a rerun that writes fewer tables leaves no stale table behind
    _run(out, "two", ["report.html", "results.json"])
    assert _contents(out) == {"report.html": "two", "results.json": "two"}
    assert sorted(os.listdir(out / ".cache")) == ["stage-one.pkl", "stage-two.pkl"]
    # nothing left beside the folder: no staging, old or lock
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_failed_run_leaves_previous_output_and_says_so(tmp_path):
    out = tmp_path / "out"
    _run(out, "one", ["report.html", "results.json"])
    with pytest.raises(RuntimeError) as info:
        with output_folder(out) as run:
            _write_run(run.staging, "two", ["report.html"])
            raise RuntimeError("stage failed")
    assert any("previous output" in n and "unchanged" in n for n in info.value.__notes__)
    assert _contents(out) == {"report.html": "one", "results.json": "one"}
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_stamp_records_times_version_and_digests(tmp_path):
    import hashlib

    from skillshore import __version__

    data = tmp_path / "workers.csv"
    data.write_bytes(b"person_id,year\n1,1996\n")
    with output_folder(tmp_path / "out") as run:
        stamp = run.stamp({"workers": data, "low_wage": None})
    assert stamp["skillshore_version"] == __version__
    assert stamp["started_utc"] <= stamp["finished_utc"]
    assert stamp["inputs"]["workers"]["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert "low_wage" not in stamp["inputs"]


def test_bad_output_paths(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(OutputFolderError, match="is a file, not a folder"):
        with output_folder(f):
            pass
    with pytest.raises(OutputFolderError, match="cannot be created: .* is a file"):
        with output_folder(f / "out"):
            pass
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    with pytest.raises(OutputFolderError, match="did not write"):
        with output_folder(foreign):
            pass
    assert (foreign / "thesis.tex").read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_parent(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputFolderError, match="read-only"):
            with output_folder(ro / "out"):
                pass
    finally:
        ro.chmod(0o755)


_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from skillshore._outdir import output_folder
    out, mode = Path(sys.argv[1]), sys.argv[2]
    with output_folder(out) as run:
        (run.staging / "report.html").write_text("killed")
        if mode == "half":
            (run.staging / "tables").mkdir()
            (run.staging / "tables" / "iv_a.csv").write_text("killed")
        (out.parent / "ready").write_text("1")
        time.sleep(60)
    """
)


def _child(out: Path, mode: str = "half") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC}
    p = subprocess.Popen([sys.executable, "-c", _CHILD, str(out), mode], env=env)
    ready = out.parent / "ready"
    for _ in range(600):
        if ready.exists() or p.poll() is not None:
            break
        time.sleep(0.05)
    assert ready.exists(), "child did not start"
    ready.unlink()
    return p


@pytest.mark.parametrize("previous", [True, False])
def test_sigkill_mid_run_then_rerun(tmp_path, previous):
    out = tmp_path / "out"
    if previous:
        _run(out, "one", ["report.html", "results.json", "tables/iv_a.csv"])
        before = _contents(out)
    p = _child(out)
    p.send_signal(signal.SIGKILL)
    p.wait()
    # the folder holds the previous complete run, or nothing
    if previous:
        assert _contents(out) == before and read_manifest(out)["complete"]
    else:
        assert not out.exists() or _contents(out) == {}
    # a rerun takes over the dead run's lock, removes its staging folder and completes
    _run(out, "two", ["report.html", "results.json"])
    assert _contents(out) == {"report.html": "two", "results.json": "two"}
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_second_run_is_refused_while_the_first_is_alive(tmp_path):
    out = tmp_path / "out"
    p = _child(out)
    try:
        with pytest.raises(OutputLockedError, match=rf"pid {p.pid} .* is writing to"):
            with output_folder(out):
                pass
    finally:
        p.kill()
        p.wait()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    import socket

    (tmp_path / ".out.lock").write_text(
        json.dumps({"pid": dead.pid, "host": socket.gethostname(), "started": "x"})
    )
    _run(tmp_path / "out", "one", ["report.html"])
    assert _contents(tmp_path / "out") == {"report.html": "one"}


def test_recover_after_kill_between_the_two_renames(tmp_path):
    """The fallback swap (no renameat2): killed after target -> old, before staging -> target."""
    out = tmp_path / "out"
    _run(out, "one", ["report.html"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    # a complete staging folder of the dead run (manifest written, cache moved in)
    staging = tmp_path / f".out.staging-{dead.pid}-abc"
    staging.mkdir()
    (staging / "report.html").write_text("two")
    (staging / MANIFEST).write_text(json.dumps({"complete": True, "files": ["report.html"]}))
    os.rename(out / ".cache", staging / ".cache")
    os.rename(out, tmp_path / f".out.old-{dead.pid}-def")
    _recover(out, (".cache", "data"))
    assert _contents(out) == {"report.html": "two"}
    assert (out / ".cache").is_dir()
    assert sorted(os.listdir(tmp_path)) == ["out"]
    # and without a complete staging folder the previous run is put back
    os.rename(out, tmp_path / f".out.old-{dead.pid}-ghi")
    _recover(out, (".cache", "data"))
    assert _contents(out) == {"report.html": "two"}


def test_fallback_swap_without_renameat2(tmp_path, monkeypatch):
    import skillshore._outdir as od

    monkeypatch.setattr(od, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    _run(out, "one", ["report.html", "tables/iv_a.csv"])
    _run(out, "two", ["report.html"])
    assert _contents(out) == {"report.html": "two"}
    assert sorted(os.listdir(tmp_path)) == ["out"]
