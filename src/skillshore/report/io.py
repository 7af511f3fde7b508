"""Atomic output: every file the study writes appears whole or not at all.

A file is written to a temporary name in the same folder and renamed into
place (``os.replace`` is atomic on POSIX and Windows), so an interrupted run
never leaves a half-written table, figure or ``results.json``. Files are then made
mode 0644 (readable by all; the temporary file's 0600 and the umask do not leak through).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from skillshore._io import OUTPUT_MODE, atomic_path, write_text  # re-exported
from skillshore._io import write_json as _write_json

__all__ = ["atomic_path", "write_text", "write_json", "OUTPUT_MODE", "finite_json"]


def finite_json(obj: Any) -> Any:
    """``obj`` with every non-finite float (NaN, inf; numpy's too) replaced by None: strict
    JSON, which has no NaN (``json.dumps`` would write the non-standard ``NaN``)."""
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite_json(v) for v in obj]
    if isinstance(obj, float) or type(obj).__name__.startswith("float"):
        try:
            return float(obj) if math.isfinite(float(obj)) else None
        except (TypeError, ValueError):
            return obj
    return obj


def write_json(path: str | Path, obj: Any) -> Path:
    """Write ``obj`` as strict JSON (non-finite numbers as null), atomically."""
    return _write_json(path, finite_json(obj))
