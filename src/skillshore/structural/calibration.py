"""The calibration table (seed slide "Calibrated Parameters").

Each entry has a value per year and a source. The seed's 1996 and 2006 values
ship as the preset ``"seed"`` (``seed_calibration.csv`` beside this module); a
study supplies its own table as a CSV file with the columns
``parameter, symbol, year, value, source`` (``[structural] calibration = "path.csv"``
in the study config, relative to the config file).

The mass of firms is derived, as in the seed: ``|gbar| = |fbar| (1 + |f*|/|f|)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from skillshore._results import TableMixin, fmt_num
from skillshore.errors import ConfigError

__all__ = [
    "CALIBRATION_KEYS",
    "OPTIONAL_KEYS",
    "CalibrationEntry",
    "CalibrationTable",
    "DataMoments",
    "YearCalibration",
    "data_moments",
    "load_calibration",
    "seed_calibration",
    "with_data_moments",
]

_PRESETS = {"seed": Path(__file__).with_name("seed_calibration.csv")}

#: Parameter keys of the calibration table, in the seed's order.
CALIBRATION_KEYS: tuple[str, ...] = (
    "r0",
    "w0",
    "w0_star",
    "mean_w_star",
    "wage_bill_share",
    "unemployment_rate",
    "fbar_star",
    "offshoring_rate",
    "fbar",
)

#: Optional keys: ``nu_star_gap`` = nu_y* - nu_x*, the foreign normalisation (the seed:
#: "levels of C*, alpha_x* [cannot be identified], since the mass of foreign workers can
#: be arbitrary"; without it the estimator takes nu_y* = nu_x*).
OPTIONAL_KEYS: tuple[str, ...] = ("nu_star_gap",)


@dataclass(frozen=True)
class CalibrationEntry:
    """One calibrated parameter: its values by year and where they come from."""

    parameter: str
    symbol: str
    values: dict[int, float]
    source: str


@dataclass(frozen=True)
class YearCalibration:
    """The calibration of one year as plain numbers (seed slide "Calibrated Parameters").

    Attributes
    ----------
    r0, w0, w0_star : float
        Outside options of domestic firms, domestic and foreign workers (hourly DKK).
    mean_w_star : float
        Average wage of foreign (Chinese manufacturing) workers, E(w*).
    wage_bill_share : float
        W/Y, the wage bill over value added of domestic matches.
    unemployment_rate : float
        |f0| / |fbar|.
    fbar_star : float
        |fbar*|, mass of potential foreign matches relative to ``fbar``.
    offshoring_rate : float
        |f*| / |f|.
    fbar : float
        |fbar|, total mass of domestic workers (normalisation).
    nu_star_gap : float or None
        nu_y* - nu_x*, the normalisation that splits C* + lambda_y nu_y* (identified
        from the offshored matches and E(w*)) into C* and nu_y* (docs/estimation.md,
        "Levels"); None: nu_y* = nu_x* ("symmetric").
    """

    year: int
    r0: float
    w0: float
    w0_star: float
    mean_w_star: float
    wage_bill_share: float
    unemployment_rate: float
    fbar_star: float
    offshoring_rate: float
    fbar: float = 1.0
    nu_star_gap: float | None = None

    @property
    def foreign_normalisation(self) -> float | str:
        """The estimators' ``foreign_normalisation``: the calibrated gap, else "symmetric"."""
        return "symmetric" if self.nu_star_gap is None else float(self.nu_star_gap)

    @property
    def gbar(self) -> float:
        """|gbar| = |fbar| (1 + |f*|/|f|) (seed's calibration table)."""
        return self.fbar * (1.0 + self.offshoring_rate)

    @property
    def matched_domestic(self) -> float:
        """|f| = |fbar| (1 - unemployment rate)."""
        return self.fbar * (1.0 - self.unemployment_rate)

    @property
    def matched_foreign(self) -> float:
        """|f*| = offshoring rate x |f|."""
        return self.offshoring_rate * self.matched_domestic


@dataclass(frozen=True)
class CalibrationTable(TableMixin):
    """Calibrated parameters by year with their sources (seed slide "Calibrated Parameters")."""

    entries: tuple[CalibrationEntry, ...]
    name: str = "custom"
    title: str = "Calibrated parameters"

    def __post_init__(self) -> None:
        keys = [e.parameter for e in self.entries]
        missing = [k for k in CALIBRATION_KEYS if k not in keys]
        if missing:
            raise ConfigError(f"calibration '{self.name}' lacks parameter(s) {missing}")
        years = {frozenset(e.values) for e in self.entries}
        if len(years) != 1:
            raise ConfigError(
                f"calibration '{self.name}': every parameter needs a value for the same years"
            )

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.entries[0].values))

    def entry(self, parameter: str) -> CalibrationEntry:
        for e in self.entries:
            if e.parameter == parameter:
                return e
        raise KeyError(parameter)

    def year(self, year: int) -> YearCalibration:
        """The calibration of one year as a :class:`YearCalibration`."""
        if year not in self.years:
            raise ConfigError(f"calibration '{self.name}' has no values for {year}: {self.years}")
        opt = {}
        for k in OPTIONAL_KEYS:
            try:
                opt[k] = self.entry(k).values[year]
            except KeyError:
                continue
        return YearCalibration(
            year=year, **{k: self.entry(k).values[year] for k in CALIBRATION_KEYS}, **opt
        )

    def to_frame(self) -> pd.DataFrame:
        """The seed's layout: one row per parameter, one column per year, then the note."""
        rows: dict[str, dict[str, Any]] = {}
        for e in self.entries:
            rows[e.symbol] = {str(y): fmt_num(e.values[y], 4) for y in self.years}
            rows[e.symbol]["Note"] = e.source
        rows["|gbar|"] = {str(y): "|fbar|(1 + |f*|/|f|)" for y in self.years}
        rows["|gbar|"]["Note"] = "total mass of domestic firms"
        return pd.DataFrame.from_dict(rows, orient="index")


def _from_frame(df: pd.DataFrame, name: str) -> CalibrationTable:
    need = {"parameter", "year", "value"}
    if not need <= set(df.columns):
        raise ConfigError(
            f"calibration '{name}' needs columns {sorted(need)}, got {list(df.columns)}"
        )
    known = CALIBRATION_KEYS + OPTIONAL_KEYS
    unknown = sorted(set(df["parameter"]) - set(known))
    if unknown:
        raise ConfigError(f"calibration '{name}': unknown parameter(s) {unknown}; known: {known}")
    entries = []
    for key in known:
        sub = df[df["parameter"] == key]
        if sub.empty:
            continue
        if sub["year"].duplicated().any():
            raise ConfigError(f"calibration '{name}': {key} has a year twice")
        vals = {int(y): float(v) for y, v in zip(sub["year"], sub["value"], strict=True)}
        symbol = str(sub["symbol"].iloc[0]) if "symbol" in sub else key
        source = str(sub["source"].iloc[0]) if "source" in sub else ""
        entries.append(CalibrationEntry(key, symbol, vals, source))
    return CalibrationTable(tuple(entries), name=name)


def load_calibration(spec: str | Path = "seed", root: str | Path = ".") -> CalibrationTable:
    """Load a calibration table: a preset name (``"seed"``) or a CSV path.

    Parameters
    ----------
    spec : str or Path
        ``"seed"`` for the seed's 1996/2006 values, or a CSV file with columns
        ``parameter, symbol, year, value, source`` (long format).
    root : path
        Folder a relative path is resolved against (the study config's folder).

    Raises
    ------
    ConfigError
        If the file is missing or lacks a parameter or year.
    """
    if isinstance(spec, str) and spec in _PRESETS:
        return _from_frame(pd.read_csv(_PRESETS[spec]), spec)
    path = calibration_path(spec, root)
    if not path.exists():
        raise ConfigError(f"calibration file {path} not found (or use the preset 'seed')")
    return _from_frame(pd.read_csv(path), str(spec))


def calibration_path(spec: str | Path, root: str | Path = ".") -> Path | None:
    """The CSV file a calibration spec names (None for a preset)."""
    if isinstance(spec, str) and spec in _PRESETS:
        return None
    path = Path(spec)
    return path if path.is_absolute() else Path(root) / path


def seed_calibration() -> CalibrationTable:
    """The seed's calibration (1996 and 2006) as a table."""
    return load_calibration("seed")


@dataclass(frozen=True)
class DataMoments:
    """Calibration moments computed from a study's own tables for one year.

    ``wage_bill_share`` W/Y: the workers' wage bill (hourly wage x hours) over the value
    added of their employers; ``offshoring_rate`` |f*|/|f|: offshored workers (purchases
    abroad / value added x employment, the seed's identifying assumption) over
    employment, over firms with positive value added. The rest of the calibration (w0,
    w0*, E(w*), |fbar*|, the unemployment rate unless the register has the
    non-employed) comes from the calibration file.
    """

    year: int
    wage_bill_share: float
    offshoring_rate: float
    n_firms: int
    n_workers: int


def data_moments(
    firms: Any, workers: Any, year: int, *, value_added_unit: float = 1000.0
) -> DataMoments:
    """W/Y and the offshoring rate of ``year`` from the firms and workers tables.

    Parameters
    ----------
    firms : DataFrame (polars or pandas)
        ``firm_id, year, value_added, employment`` and optional ``purchases_abroad``
        (table ``firms``; money in DKK 1,000).
    workers : DataFrame
        ``firm_id, year, hourly_wage, hours`` (table ``workers``; DKK).
    value_added_unit : float
        DKK per unit of ``value_added`` (1,000 in the table schema).

    Raises
    ------
    ConfigError
        If a needed column is missing, the year has no firm with positive value added
        or no worker with wages and hours.
    """
    import polars as pl

    f = firms if isinstance(firms, pl.DataFrame) else pl.from_pandas(firms)
    w = workers if isinstance(workers, pl.DataFrame) else pl.from_pandas(workers)
    for name, df, cols in (
        ("firms", f, ["firm_id", "year", "value_added", "employment"]),
        ("workers", w, ["firm_id", "year", "hourly_wage", "hours"]),
    ):
        miss = [c for c in cols if c not in df.columns]
        if miss:
            raise ConfigError(f"data calibration moments: table {name} lacks column(s) {miss}")
    f = f.filter((pl.col("year") == year) & (pl.col("value_added") > 0))
    w = w.filter(pl.col("year") == year).drop_nulls(["hourly_wage", "hours"])
    w = w.join(f.select("firm_id"), on="firm_id", how="semi")
    if f.height == 0 or w.height == 0:
        raise ConfigError(
            f"data calibration moments: no firm with value added > 0 and workers with wages "
            f"and hours in {year}"
        )
    paying = f.join(w.select("firm_id").unique(), on="firm_id", how="semi")
    bill = float((w["hourly_wage"] * w["hours"]).sum())
    wy = bill / (float(paying["value_added"].sum()) * value_added_unit)
    if "purchases_abroad" in f.columns:
        off = (
            f["purchases_abroad"].fill_null(0.0).clip(0.0) / f["value_added"] * f["employment"]
        ).sum()
        rate = float(off) / float(f["employment"].sum())
    else:
        rate = float("nan")
    return DataMoments(int(year), wy, rate, f.height, w.height)


def with_data_moments(
    cal: YearCalibration,
    moments: DataMoments,
    keys: tuple[str, ...] = ("wage_bill_share", "offshoring_rate"),
) -> YearCalibration:
    """The calibration with ``keys`` (``wage_bill_share``, ``offshoring_rate``) replaced by
    the values computed from data (NaN values are not used)."""
    import dataclasses

    new = {k: getattr(moments, k) for k in keys if np.isfinite(getattr(moments, k))}
    return dataclasses.replace(cal, **new)
