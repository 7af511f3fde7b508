"""skillshore: offshoring and segregation by skill, end to end.

Stages (one subpackage each; data flows one way):
raw tables (:mod:`skillshore.tables`) -> validated panel (:mod:`skillshore.panel`)
-> measures (:mod:`skillshore.skills`, :mod:`skillshore.facts`, :mod:`skillshore.offshoring`)
-> estimates (:mod:`skillshore.offshoring`, :mod:`skillshore.structural` on :mod:`skillshore.matching`)
-> report (:mod:`skillshore.report`). :mod:`skillshore.synth` writes a synthetic economy.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "run_study", "validate_study", "load_config", "iv_montecarlo"]

_LAZY = {
    "run_study": "skillshore.pipeline",
    "validate_study": "skillshore.pipeline",
    "load_config": "skillshore.config",
    "iv_montecarlo": "skillshore.montecarlo",
}


def __getattr__(name: str) -> Any:
    """The API mirrors the CLI (``skillshore.run_study(config)`` = ``skillshore run``);
    imported on first use so that ``import skillshore`` stays cheap."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'skillshore' has no attribute {name!r}")
