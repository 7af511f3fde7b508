"""Atomic output: every file the study writes appears whole or not at all.

A file is written to a temporary name in the same folder and renamed into
place (``os.replace`` is atomic on POSIX and Windows), so an interrupted run
never leaves a half-written table, figure or ``results.json``. Files are then made
mode 0644 (readable by all; the temporary file's 0600 and the umask do not leak through).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from skillshore._io import atomic_path  # re-exported: the one atomic write

__all__ = ["atomic_path", "write_text", "write_json", "OUTPUT_MODE"]

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
