"""Atomic file writes (infrastructure: used by the stage cache and the report).

A file is written to a temporary name in the same folder and renamed into place
(``os.replace`` is atomic on POSIX and Windows), so an interrupted run never leaves a
half-written table, figure, cache entry or ``results.json``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_path", "write_text", "write_json", "OUTPUT_MODE"]


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` on success.

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


OUTPUT_MODE = 0o644
"""Mode of every output file (set with chmod: independent of the umask)."""


def write_text(path: str | Path, text: str) -> Path:
    """Write text atomically (mode :data:`OUTPUT_MODE`); returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    os.chmod(path, OUTPUT_MODE)
    return Path(path)


def _default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, tuple | set):
        return list(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def write_json(path: str | Path, obj: Any) -> Path:
    """Write JSON atomically (numpy scalars and arrays converted)."""
    return write_text(path, json.dumps(obj, indent=2, default=_default, sort_keys=False) + "\n")
