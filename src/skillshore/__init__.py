"""skillshore: offshoring and segregation by skill, end to end.

Stages (one subpackage each; data flows one way):
raw tables (:mod:`skillshore.tables`) -> validated panel (:mod:`skillshore.panel`)
-> measures (:mod:`skillshore.skills`, :mod:`skillshore.facts`, :mod:`skillshore.offshoring`)
-> estimates (:mod:`skillshore.offshoring`, :mod:`skillshore.structural` on :mod:`skillshore.matching`)
-> report (:mod:`skillshore.report`). :mod:`skillshore.synth` writes a synthetic economy.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
