"""Versions of Python, skillshore and its main dependencies (recorded in results.json)."""

from __future__ import annotations

import platform
from importlib import metadata

from skillshore import __version__

__all__ = ["versions"]

_PACKAGES = "numpy scipy polars pyarrow pandas pyfixest matplotlib numba dask".split()


def versions() -> dict[str, str]:
    """Versions of Python, skillshore and its main dependencies (for reproducibility)."""
    out = {"python": platform.python_version(), "skillshore": __version__}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out
