"""The shipped concordances (built by ``scripts/build_concordances.py`` from
``../shared/data/classifications``; sources and licences in its ``SOURCE.md``).

Every function returns a frame ``[by...,] source, target[, weight, priority]`` for
:func:`skillshore.registers.harmonise.recode`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import polars as pl

from skillshore.errors import ConfigError, DataValidationError

__all__ = [
    "CLASSIFICATIONS",
    "HS_REVISIONS",
    "MANUFACTURING_BY_CLASSIFICATION",
    "country_concordance",
    "hs_concordance",
    "hs_revision",
    "isco_concordance",
    "load",
    "manufacturing_sectors",
    "nace1_to_nace11_bridge",
    "nace_concordance",
]

DATA = Path(__file__).parent / "data"
HS_REVISIONS = (1992, 1996, 2002, 2007)

from skillshore._constants import (  # noqa: E402  (one definition, shared with panel)
    CLASSIFICATIONS,
    MANUFACTURING_BY_CLASSIFICATION,
    manufacturing_sectors,
)


@cache
def load(name: str) -> pl.DataFrame:
    """One shipped concordance by file stem (``nace11_to_nace2``, ``isco88_to_isco08``,
    ``hs_conversion``, ``hs_codes``, ``countries``)."""
    return pl.read_parquet(DATA / f"{name}.parquet")


def nace_concordance() -> pl.DataFrame:
    """NACE Rev.1.1 class (4 digits) -> NACE Rev.2 class, equal weights per source.

    Eurostat's table has no weights; a Rev.1.1 class with n Rev.2 targets gets 1/n on
    each (rule ``"largest"`` then keeps the smallest target code: a documented
    arbitrary choice; supply a key with DST's own DB03 -> DB07 link to do better).
    """
    return load("nace11_to_nace2").with_columns(weight=pl.lit(1.0))


def nace1_to_nace11_bridge() -> pl.DataFrame:
    """NACE Rev.1 (DB93) class -> the same NACE Rev.1.1 (DB03) class, for the classes
    both revisions have.

    No Rev.1 -> Rev.1.1 table was found; 486 of the 503 Rev.1 classes exist unchanged in
    Rev.1.1. The 17 others (in manufacturing 27.35 and 29.40, which Rev.1.1 split into
    29.41-29.43; the rest in energy, wholesale, hotels, IT, business services and
    sanitation) have no target here and are reported as unmapped: give them a key.
    """
    c = load("nace_classes")
    r1 = c.filter(pl.col("revision") == "rev1")["code"]
    r11 = c.filter(pl.col("revision") == "rev1_1")["code"]
    both = r1.filter(r1.is_in(r11.implode()))
    return pl.DataFrame({"source": both, "target": both})


def isco_concordance(employment: pl.DataFrame | None = None) -> pl.DataFrame:
    """ISCO-88 unit group -> ISCO-08 unit group (ILO correspondence table).

    Parameters
    ----------
    employment : polars.DataFrame, optional
        ``isco08, employment``: weights for the many-to-many links (e.g. employment by
        ISCO-08 group in a year coded in both). A link's weight is the target's
        employment; without weights every link weighs the same.

    Notes
    -----
    Rule ``"largest"`` keeps the target with the largest weight; ties prefer a link
    without the ILO's partial flag ``p`` (the ISCO-88 group supplies the whole ISCO-08
    group), then the smaller code.
    """
    c = load("isco88_to_isco08").with_columns(priority=pl.col("partial").cast(pl.Int32))
    if employment is None:
        return c.with_columns(weight=pl.lit(1.0)).drop("partial")
    w = employment.select(
        pl.col("isco08").cast(pl.Utf8).alias("target"), pl.col("employment").cast(pl.Float64)
    )
    return (
        c.join(w, on="target", how="left")
        .with_columns(weight=pl.col("employment").fill_null(0.0) + 1e-9)
        .drop("partial", "employment")
    )


def hs_revision(year: int) -> int:
    """HS edition of the EU Combined Nomenclature in ``year`` (CN8[:6] is an HS6 code of it).

    CN 1988-1995 -> HS1992 (H0), 1996-2001 -> HS1996, 2002-2006 -> HS2002, 2007-2011 -> HS2007.
    """
    y = int(year)
    if y < 1988 or y > 2011:
        raise DataValidationError(f"year {y}: no HS edition shipped for it (1988-2011).")
    return 1992 if y < 1996 else 1996 if y < 2002 else 2002 if y < 2007 else 2007


def hs_concordance(target: int, years: Iterable[int], revision: int | None = None) -> pl.DataFrame:
    """``year, source, target`` from each year's HS edition to edition ``target``.

    Years whose edition equals ``target`` map every code of that edition to itself;
    newer editions use UNSD's many-to-one conversion. ``revision`` fixes one edition for
    every year (e.g. BACI's HS96 release) instead of the year's edition.
    """
    if target not in HS_REVISIONS:
        raise ConfigError(f"HS target edition must be one of {HS_REVISIONS}, got {target}.")
    codes, conv = load("hs_codes"), load("hs_conversion")
    parts = []
    for y in sorted(set(int(v) for v in years)):
        r = hs_revision(y) if revision is None else int(revision)
        if r == target:
            c = codes.filter(pl.col("revision") == r).select(
                pl.col("code").alias("source"), pl.col("code").alias("target")
            )
        elif r > target:
            c = conv.filter((pl.col("from_rev") == r) & (pl.col("to_rev") == target)).select(
                pl.col("from_code").alias("source"), pl.col("to_code").alias("target")
            )
        else:
            raise ConfigError(
                f"year {y} is coded in HS{r}, older than the target edition HS{target}: only "
                "newer -> older conversions are shipped; choose the oldest edition of the data "
                "as target (e.g. hs_target = 1992 when the years start before 1996)."
            )
        parts.append(c.with_columns(year=pl.lit(y, pl.Int32)))
    return pl.concat(parts).select("year", "source", "target")


def country_concordance(code: str, years: Iterable[int]) -> pl.DataFrame:
    """``year, source, target``: ISO alpha-2 (``code="alpha2"``) or UN M49 numeric
    (``code="m49"``, zero-padded to 3 digits) -> ISO alpha-3, including the historical
    entities of 1993-2006 (Yugoslavia YU/890 -> YUG, Serbia and Montenegro CS/891 -> SCG,
    Czechoslovakia CS/200 -> CSK; ``CS`` is read by year)."""
    if code not in ("alpha2", "m49", "alpha3"):
        raise ConfigError(f"country code must be alpha2, m49 or alpha3, got {code!r}.")
    c = load("countries")
    parts = []
    for y in sorted(set(int(v) for v in years)):
        ok = (~pl.col("historical")) | ((pl.col("first_year") <= y) & (pl.col("last_year") >= y))
        cur = c.filter(ok)
        if code == "alpha2":
            # a current entity owns its alpha-2 unless a historical one is valid that year
            hist2 = cur.filter(pl.col("historical"))["alpha2"].to_list()
            cur = cur.filter(pl.col("historical") | ~pl.col("alpha2").is_in(hist2))
        parts.append(
            cur.select(pl.col(code).alias("source"), pl.col("alpha3").alias("target"))
            .unique(maintain_order=True)
            .with_columns(year=pl.lit(y, pl.Int32))
        )
    return pl.concat(parts).select("year", "source", "target")
