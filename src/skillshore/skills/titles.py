"""Shipped job-title and education tables of the title matcher (issue 16).

Built by ``scripts/build_title_data.py`` from ``../shared/data/classifications`` into
``skillshore/skills/data/titles/`` (sources and attribution in its ``SOURCE.md``):

* ``titles.parquet`` (``onet_soc, isco, title, source``): O*NET 27.0 Alternate Titles and
  Sample of Reported Titles (O*NET-SOC 2019 codes) and ESCO v1.2 English occupation labels
  (ISCO-08 unit groups);
* ``education.parquet`` (``onet_soc, job_zone, rl_1 .. rl_12``): O*NET 27.0 Job Zones and the
  share of respondents in each category of Required Level of Education.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import polars as pl

__all__ = ["ATTRIBUTION_TITLES", "education_table", "title_table"]

ATTRIBUTION_TITLES = (
    "Alternate titles, reported titles, Job Zones and Education, Training, and Experience: "
    "O*NET 27.0 Database by the U.S. Department of Labor, Employment and Training "
    "Administration (USDOL/ETA), used under the CC BY 4.0 license; USDOL/ETA has not approved, "
    "endorsed or tested this use. Occupation labels: ESCO v1.2 (European Commission), English."
)


def _path(name: str):  # type: ignore[no-untyped-def]
    return resources.files("skillshore.skills") / "data" / "titles" / name


@lru_cache(maxsize=1)
def title_table() -> pl.DataFrame:
    """``onet_soc, isco, title, source`` ("alternate", "reported" or "esco")."""
    with resources.as_file(_path("titles.parquet")) as p:
        return pl.read_parquet(p)


@lru_cache(maxsize=1)
def education_table() -> pl.DataFrame:
    """``onet_soc, job_zone, rl_1 .. rl_12`` (shares in [0, 1])."""
    with resources.as_file(_path("education.parquet")) as p:
        return pl.read_parquet(p)
