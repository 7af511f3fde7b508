"""The O*NET data the skills stage uses: a compact bundle shipped in the package.

The bundle (``skillshore/skills/data/onet/``, built by ``scripts/build_onet_bundle.py``
from the raw O*NET files) holds O*NET-SOC 2019 occupations with titles,
descriptions, task text, the 35 skill ratings (importance and level) and the
crosswalks to O*NET-SOC 2010 and ISCO-08. O*NET is CC BY 4.0: see ATTRIBUTION.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from skillshore.errors import SkillshoreError

__all__ = ["OnetBundle", "load_bundle", "BUNDLE_DIR", "ATTRIBUTION"]

BUNDLE_DIR = Path(__file__).parent / "data" / "onet"
ATTRIBUTION = (
    "O*NET(TM) database, U.S. Department of Labor, Employment and Training Administration "
    "(USDOL/ETA), licensed under CC BY 4.0. USDOL/ETA has not approved, endorsed, or tested "
    "these files or their use. SOC-ISCO crosswalk: Hardy, Keister and Lewandowski (2018)."
)


@dataclass(frozen=True)
class OnetBundle:
    """O*NET tables keyed by O*NET-SOC 2019 code (``onet_soc``).

    Attributes
    ----------
    occupations : DataFrame[onet_soc, title, description, isco]
    skills : DataFrame[onet_soc, element_id, element, importance, level]
    tasks : DataFrame[onet_soc, tasks]
    crosswalk : DataFrame[soc2010, title2010, onet_soc, title2019]
    """

    occupations: pl.DataFrame
    skills: pl.DataFrame
    tasks: pl.DataFrame
    crosswalk: pl.DataFrame
    source: str = "bundle"


@lru_cache(maxsize=4)
def _load(path: str) -> OnetBundle:
    p = Path(path)
    need = ["occupations", "skills", "tasks", "crosswalk_2010_2019"]
    missing = [n for n in need if not (p / f"{n}.parquet").exists()]
    if missing:
        raise SkillshoreError(
            f"{p}: O*NET bundle incomplete, missing {missing} (run scripts/build_onet_bundle.py)"
        )
    return OnetBundle(
        occupations=pl.read_parquet(p / "occupations.parquet"),
        skills=pl.read_parquet(p / "skills.parquet"),
        tasks=pl.read_parquet(p / "tasks.parquet"),
        crosswalk=pl.read_parquet(p / "crosswalk_2010_2019.parquet"),
        source=str(p),
    )


def load_bundle(path: str | Path | None = None) -> OnetBundle:
    """Load the O*NET bundle (the shipped one by default; cached)."""
    return _load(str(Path(path) if path is not None else BUNDLE_DIR))
