"""An output folder that always holds exactly one complete run (or nothing).

A run writes into a staging folder beside the target (``.<name>.staging-<pid>-*``);
when the run completes, a manifest of its files is written into the staging folder
and the staging folder is swapped with the target (``renameat2(RENAME_EXCHANGE)`` on
Linux, otherwise two renames that the next run repairs), then the previous folder is
removed. So:

* a failed or interrupted run leaves the previous complete output untouched (the
  exception carries a note saying so);
* a rerun that writes fewer tables leaves no stale ones behind (the new folder holds
  only the new run's files);
* a SIGKILL at any moment leaves the previous complete run, the new complete run, or
  (first run) nothing; the next run removes the dead run's staging folder;
* a lock file beside the target (``.<name>.lock``, holding pid, host and start time)
  refuses a second run into the same folder; a lock whose process is gone is stale and
  taken over.

Entries that must outlive a run (``keep``: the stage cache ``.cache`` and the synthetic
economy ``data``) stay in the target while the run is in progress and are moved into
the new folder when it is swapped in.

Usage (the pipeline)::

    with output_folder(out_dir) as run:
        cache = StageCache(run.target / ".cache")      # persistent, kept across runs
        ...                                             # compute the stages
        rb.write(run.staging)                           # report, tables, figures
        write_json(run.staging / "results.json", {..., "run": run.stamp(inputs)})
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skillshore import __version__
from skillshore.errors import OutputFolderError, OutputLockedError

__all__ = [
    "MANIFEST",
    "KEEP",
    "RunFolder",
    "output_folder",
    "check_output_path",
    "check_output_folder",
    "input_digests",
    "read_manifest",
]

MANIFEST = ".skillshore-run.json"
KEEP = (".cache", "data")


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds").replace("+00:00", "Z")


def check_output_path(out: str | Path) -> Path:
    """The absolute output folder, after checking that a run can create and write it.

    Raises
    ------
    OutputFolderError
        If ``out`` is a file, lies under a file, or its first existing folder is not writable.
    """
    out = Path(out).expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"output folder {out} is a file, not a folder.")
    anc = out
    while not anc.exists():
        anc = anc.parent
    if not anc.is_dir():
        raise OutputFolderError(
            f"output folder {out} cannot be created: {anc} is a file, not a folder."
        )
    # the swap renames the folder, so its parent must be writable too
    parent = out.parent if out.exists() else anc
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputFolderError(f"output folder {out} cannot be written: {parent} is read-only.")
    return out


def _file_digest(path: Path) -> str:
    from skillshore._cache import file_digest

    return file_digest(path)


def input_digests(paths: Mapping[str, str | Path | None]) -> dict[str, dict[str, Any]]:
    """``{name: {"path", "bytes", "sha256"}}`` of the input files (``None`` entries skipped)."""
    out: dict[str, dict[str, Any]] = {}
    for name, p in paths.items():
        if p is None:
            continue
        p = Path(p)
        if p.is_file():
            out[name] = {"path": str(p), "bytes": p.stat().st_size, "sha256": _file_digest(p)}
        else:
            out[name] = {"path": str(p), "bytes": None, "sha256": None}
    return out


# ------------------------------------------------------------------------ lock
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _read_lock(lock: Path) -> dict[str, Any] | None:
    try:
        return json.loads(lock.read_text())
    except (OSError, ValueError):
        return None


def _acquire(lock: Path, target: Path) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started": _iso(_now())}
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _read_lock(lock)
            if holder is None:  # being written by its owner right now, or garbage
                if _age(lock) < 5.0:
                    raise OutputLockedError(
                        f"another skillshore run is starting in {target} (lock {lock})."
                    ) from None
            elif holder.get("host") != info["host"] or _pid_alive(int(holder.get("pid", -1))):
                raise OutputLockedError(
                    f"another skillshore run (pid {holder.get('pid')} on {holder.get('host')}, "
                    f"started {holder.get('started')}) is writing to {target}; wait for it to "
                    f"finish, or delete {lock} if that run is gone."
                ) from None
            # stale: its process is gone; take it over (rename first so two takers cannot both win)
            stale = lock.with_name(f"{lock.name}.stale-{os.getpid()}")
            with contextlib.suppress(FileNotFoundError):
                os.rename(lock, stale)
                stale.unlink()
            continue
        except PermissionError:
            raise OutputFolderError(
                f"output folder {target} cannot be written: {lock.parent} is read-only."
            ) from None
        with os.fdopen(fd, "w") as fh:
            json.dump(info, fh)
        return
    raise OutputLockedError(f"could not take the lock {lock} for {target}.")  # pragma: no cover


def _age(path: Path) -> float:
    try:
        return _now().timestamp() - path.stat().st_mtime
    except OSError:
        return 0.0


# ------------------------------------------------------------------------ swap
def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """The run manifest of an output folder (``None`` if absent or unreadable)."""
    try:
        return json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _siblings(target: Path, kind: str) -> list[tuple[Path, int]]:
    """Leftover ``.<name>.<kind>-<pid>-*`` folders beside the target, with their pid."""
    out = []
    prefix = f".{target.name}.{kind}-"
    if not target.parent.is_dir():
        return out
    for p in target.parent.iterdir():
        if p.name.startswith(prefix) and p.is_dir():
            try:
                out.append((p, int(p.name[len(prefix) :].split("-")[0])))
            except ValueError:
                continue
    return out


def _recover(target: Path, keep: tuple[str, ...]) -> None:
    """Repair what a killed run left beside ``target`` (called under the lock)."""
    dead = [(p, pid) for p, pid in _siblings(target, "staging") if not _pid_alive(pid)]
    olds = [(p, pid) for p, pid in _siblings(target, "old") if not _pid_alive(pid)]
    if not target.exists():
        # killed between the two renames of the fallback swap: a complete staging folder is
        # the newer run; otherwise put the previous run back
        done = [p for p, _ in dead if read_manifest(p) is not None]
        back = done[0] if done else next((p for p, _ in olds if read_manifest(p)), None)
        if back is not None:
            os.rename(back, target)
    for p, _ in dead:
        if not p.exists():
            continue
        for name in keep:  # kept entries moved into the staging folder before the swap
            if (p / name).exists() and target.is_dir() and not (target / name).exists():
                os.rename(p / name, target / name)
        shutil.rmtree(p, ignore_errors=True)
    for p, _ in olds:
        shutil.rmtree(p, ignore_errors=True)


def _check_ours(target: Path, keep: tuple[str, ...]) -> None:
    """Refuse to replace a folder holding files skillshore did not write."""
    if not target.is_dir():
        return
    names = set(os.listdir(target))
    if not names or MANIFEST in names or "results.json" in names or names <= set(keep):
        return
    raise OutputFolderError(
        f"output folder {target} holds files skillshore did not write "
        f"({', '.join(sorted(names)[:3])}{', ...' if len(names) > 3 else ''}); "
        "choose a new or empty folder (a run replaces the whole folder)."
    )


def check_output_folder(out: str | Path, keep: tuple[str, ...] = KEEP) -> Path:
    """:func:`check_output_path`, and refuse a folder holding files skillshore did not write."""
    target = check_output_path(out)
    _check_ours(target, keep)
    return target


@dataclass
class RunFolder:
    """The folders of one run.

    Attributes
    ----------
    target : Path
        The output folder (holds the previous complete run, and the persistent ``keep``
        entries such as the stage cache, until the run completes).
    staging : Path
        Where this run writes its report, tables, figures and ``results.json``.
    started : datetime
        Start of the run (UTC).
    """

    target: Path
    staging: Path
    started: datetime = field(default_factory=_now)
    keep: tuple[str, ...] = KEEP

    def stamp(self, inputs: Mapping[str, str | Path | None] | None = None) -> dict[str, Any]:
        """The ``run`` record of ``results.json``: start and end time (UTC), duration,
        package version and the digests of the input files."""
        end = _now()
        return {
            "started_utc": _iso(self.started),
            "finished_utc": _iso(end),
            "duration_s": round((end - self.started).total_seconds(), 3),
            "skillshore_version": __version__,
            "inputs": input_digests(inputs or {}),
        }

    def _write_manifest(self) -> None:
        files = sorted(
            p.relative_to(self.staging).as_posix()
            for p in self.staging.rglob("*")
            if p.is_file() and p.relative_to(self.staging).parts[0] not in self.keep
        )
        man = {
            "complete": True,
            "skillshore_version": __version__,
            "started_utc": _iso(self.started),
            "finished_utc": _iso(_now()),
            "files": files,
        }
        tmp = self.staging / (MANIFEST + ".tmp")
        with open(tmp, "w") as fh:
            json.dump(man, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.staging / MANIFEST)

    def _commit(self) -> None:
        self._write_manifest()
        target = self.target
        if target.exists():
            for name in self.keep:
                if (target / name).exists() and not (self.staging / name).exists():
                    os.rename(target / name, self.staging / name)
            if _exchange(self.staging, target):
                shutil.rmtree(self.staging, ignore_errors=True)
                return
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent)
            )
            os.rmdir(old)
            os.rename(target, old)
            os.rename(self.staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.staging, target)


@contextmanager
def output_folder(out: str | Path, *, keep: tuple[str, ...] = KEEP) -> Iterator[RunFolder]:
    """Lock ``out``, yield a :class:`RunFolder` to write into, swap it in on success.

    Parameters
    ----------
    out : path
        The output folder.
    keep : tuple of str
        Entries of the output folder that outlive a run (moved into the new folder).

    Raises
    ------
    OutputLockedError
        If another live run holds the folder's lock.
    OutputFolderError
        If the folder is a file, lies under a file, is read-only, or holds files that
        skillshore did not write.
    """
    target = check_output_path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.parent / f".{target.name}.lock"
    _acquire(lock, target)
    try:
        _recover(target, keep)
        _check_ours(target, keep)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.staging-{os.getpid()}-", dir=target.parent)
        )
        run = RunFolder(target=target, staging=staging, keep=keep)
        try:
            yield run
        except BaseException as err:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(err, Exception) and (target / MANIFEST).exists():
                err.add_note(f"the previous output in {target} is unchanged.")
            raise
        run._commit()
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
