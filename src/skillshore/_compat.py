"""Work-arounds for third-party behaviour (each says which version and why)."""

from __future__ import annotations

import logging
from types import ModuleType

__all__ = ["import_pyfixest"]


def import_pyfixest() -> ModuleType:
    """Import pyfixest without its side effect on the root logger.

    pyfixest 0.60 calls ``logging.basicConfig(level=logging.INFO)`` when it is imported
    (``estimation/models/feols_compressed_.py``, loaded lazily with ``pyfixest.feols``), which turns on INFO output of every
    library in the user's program (Dask prints a line per connection). The root logger's
    handlers and level are restored after the import.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import pyfixest

    # the estimation API is imported lazily (module __getattr__): load it inside the guard
    _ = pyfixest.feols, pyfixest.MapDemeaner
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
    return pyfixest
