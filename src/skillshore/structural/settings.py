"""What produced the structural estimates: the ``[structural]`` settings and, per year, the
foreign normalisation, as a table for the report (docs/user_guide.md, ``[structural]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from skillshore._results import TableMixin

if TYPE_CHECKING:
    from skillshore.config import StudyConfig
    from skillshore.structural.calibration import CalibrationTable

__all__ = ["StructuralSettings", "structural_settings"]

_MEANING = {
    "skill": "worker attribute x (quantile cells of it)",
    "firm_type": "firm attribute y (percentile of it)",
    "wage_effects": "effects absorbed in the wage equation",
    "shifter_cap": "bound on the export-supply shifter z (0: none)",
    "base_measure": "firm side's base measure",
    "lambda_x_share": "lambda_x's share of lambda when not identified",
    "bootstrap": "bootstrap replicates",
    "bootstrap_scheme": "what a bootstrap replicate redraws",
    "validation": "labelled codes for the type correction (empty: none)",
    "validation_method": "how the labelled codes correct the types",
}


@dataclass(frozen=True)
class StructuralSettings(TableMixin):
    """The settings behind a :class:`~skillshore.structural.stage.StructuralResult`.

    Attributes
    ----------
    rows : tuple of (setting, value, meaning)
        One row per ``[structural]`` key that changes the estimates, then one
        ``foreign normalisation (year)`` row per year: ``nu_y* - nu_x* = d`` from the
        calibration's ``nu_star_gap``, else ``nu_y* = nu_x*`` (docs/estimation.md §3).
    """

    rows: tuple[tuple[str, str, str], ...]
    title: str = "Structural settings"

    def to_frame(self) -> pd.DataFrame:
        """Setting (index), value and meaning."""
        df = pd.DataFrame(list(self.rows), columns=["setting", "value", "meaning"])
        return df.set_index("setting")

    def value(self, setting: str) -> str:
        """The value of ``setting`` as shown (KeyError if absent)."""
        for key, val, _ in self.rows:
            if key == setting:
                return val
        raise KeyError(setting)


def structural_settings(
    cfg: StudyConfig, calibration: CalibrationTable, years: tuple[int, ...]
) -> StructuralSettings:
    """The settings table of a study's structural stage (``cfg.structural``) and the
    foreign normalisation of each estimated year (``calibration``)."""
    st = cfg.structural
    rows = [(k, str(getattr(st, k)), meaning) for k, meaning in _MEANING.items()]
    for year in years:
        norm = calibration.year(year).foreign_normalisation
        shown = "nu_y* = nu_x*" if isinstance(norm, str) else f"nu_y* - nu_x* = {norm:g}"
        source = "calibration's nu_star_gap" if not isinstance(norm, str) else "no nu_star_gap"
        rows.append((f"foreign normalisation ({year})", shown, source))
    return StructuralSettings(tuple(rows))
