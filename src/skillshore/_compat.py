"""Work-arounds for third-party behaviour (each says which version and why)."""

from __future__ import annotations

import logging
import re
from types import ModuleType
from typing import Any

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
    _fixed_effects_in_formula_order()
    return pyfixest


def _fixed_effects_in_formula_order() -> None:
    """Keep the fixed effects in the order of the formula.

    pyfixest 0.60 collects them in a ``set`` (``estimation/formula/utils.py``,
    ``_encode_fixed_effects``), so their order, and with it the order of the alternating
    projections of the demeaning, follows the string hash seed of the process: the
    demeaned data, and every IV estimate, differ in the last digits from one process to
    the next (issue 13; measured: ``PYTHONHASHSEED`` 0 and 1 give different bits). The
    encoded terms are put back in the formula's order; an output of another shape (a
    later pyfixest) is passed through unchanged.
    """
    from pyfixest.estimation.formula import model_matrix

    original = model_matrix._encode_fixed_effects
    if getattr(original, "_skillshore_ordered", False):
        return

    def ordered(fixed_effects: str, data: Any) -> str:
        out = original(fixed_effects, data)
        names = dict.fromkeys(re.split(r"\s*\+\s*", fixed_effects))
        want = [f"__fixed_effect__({fe.replace('^', '_')})" for fe in names]
        body = out.removesuffix(" - 1")
        if body != out and sorted(body.split(" + ")) == sorted(want):
            return " + ".join(want) + " - 1"
        return out

    ordered._skillshore_ordered = True  # type: ignore[attr-defined]
    model_matrix._encode_fixed_effects = ordered
