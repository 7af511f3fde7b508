"""Occupational offshorability (seed appendix slide "Occupational Offshorability").

The default is the seed's table by 1-digit ISCO-08, shipped as the raw table default
``skillshore/tables/defaults/offshorability.csv`` (:func:`default_offshorability`). When the
O*NET release has Work Activities and Work Context, :func:`onet_offshorability` computes an
index per O*NET occupation and aggregates it to 4-digit ISCO-08, in the same ``isco,
offshorability`` layout, so it can replace the default everywhere (the high/low split is
:func:`skillshore.panel.occupations.assign_occupation_groups`: high-offshorable means an
index above a threshold, 0 by default as in the seed).

Method (Firpo, Fortin and Lemieux 2011, as used by Acemoglu and Autor 2011): a job is hard to
offshore when it needs face-to-face contact or presence on site.

* **face-to-face**: Work Context "Face-to-Face Discussions" (4.C.1.a.2.l, context scale CX)
  and the Work Activities "Establishing and Maintaining Interpersonal Relationships"
  (4.A.4.a.4), "Assisting and Caring for Others" (4.A.4.a.5), "Performing for or Working
  Directly with the Public" (4.A.4.a.8), "Coaching and Developing Others" (4.A.4.b.5);
* **on-site**: the Work Activities "Inspecting Equipment, Structures, or Materials"
  (4.A.1.b.2), "Handling and Moving Objects" (4.A.3.a.2), "Controlling Machines and
  Processes" (4.A.3.a.3), "Operating Vehicles, Mechanized Devices, or Equipment" (4.A.3.a.4),
  "Repairing and Maintaining Mechanical Equipment" (4.A.3.b.4) and "... Electronic
  Equipment" (4.A.3.b.5).

Work activities enter with their importance (IM), the work context with CX. Each element is
standardised across occupations, a composite is the mean of its standardised elements, and
``offshorability = -(face_to_face + on_site)``, standardised across occupations (mean 0, sd 1).
ISCO-08 values are weighted means over the O*NET occupations that map to the ISCO code
(weights from :meth:`OnetBundle.isco_map`), standardised again across ISCO codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl

from skillshore._results import TableMixin
from skillshore.errors import SkillshoreError
from skillshore.skills.onet import OnetBundle, load_bundle

__all__ = [
    "FACE_TO_FACE",
    "ON_SITE",
    "OffshorabilityIndex",
    "default_offshorability",
    "onet_offshorability",
]

FACE_TO_FACE: dict[str, str] = {
    "4.C.1.a.2.l": "work_context",
    "4.A.4.a.4": "work_activities",
    "4.A.4.a.5": "work_activities",
    "4.A.4.a.8": "work_activities",
    "4.A.4.b.5": "work_activities",
}
ON_SITE: dict[str, str] = {
    "4.A.1.b.2": "work_activities",
    "4.A.3.a.2": "work_activities",
    "4.A.3.a.3": "work_activities",
    "4.A.3.a.4": "work_activities",
    "4.A.3.b.4": "work_activities",
    "4.A.3.b.5": "work_activities",
}
_DEFAULT = Path(__file__).resolve().parents[1] / "tables" / "defaults" / "offshorability.csv"


def default_offshorability() -> pl.DataFrame:
    """The seed's offshorability index by 1-digit ISCO-08 (``isco, offshorability, description``)."""
    return pl.read_csv(_DEFAULT, schema_overrides={"isco": pl.Utf8, "offshorability": pl.Float64})


def _z(col: str) -> pl.Expr:
    return (pl.col(col) - pl.col(col).mean()) / pl.col(col).std()


@dataclass(frozen=True)
class OffshorabilityIndex(TableMixin):
    """O*NET offshorability per occupation and per ISCO-08 code.

    Attributes
    ----------
    by_occupation : DataFrame[onet_soc, title, face_to_face, on_site, offshorability]
    by_isco : DataFrame[isco, offshorability, n_occupations]
        In the layout of the ``offshorability`` raw table (4-digit prefixes).
    """

    by_occupation: pl.DataFrame
    by_isco: pl.DataFrame
    title: str = "O*NET offshorability by ISCO-08 major group"

    def table(self) -> pl.DataFrame:
        """``isco, offshorability``: ready for :func:`assign_occupation_groups`."""
        return self.by_isco.select("isco", "offshorability")

    def to_frame(self) -> pd.DataFrame:
        major = (
            self.by_isco.group_by(pl.col("isco").str.slice(0, 1).alias("ISCO major group"))
            .agg(
                pl.col("offshorability").mean().alias("mean index"),
                pl.len().alias("4-digit codes"),
            )
            .sort("ISCO major group")
        )
        return major.to_pandas().set_index("ISCO major group")


def onet_offshorability(bundle: OnetBundle | None = None) -> OffshorabilityIndex:
    """O*NET offshorability index (see module docstring for the method).

    Parameters
    ----------
    bundle : OnetBundle, optional
        Must have Work Activities and Work Context (a full O*NET release); the shipped bundle
        has neither and raises.
    """
    bundle = bundle or load_bundle()
    if bundle.work_activities is None or bundle.work_context is None:
        raise SkillshoreError(
            "the O*NET offshorability index needs Work Activities and Work Context; the data at "
            f"{bundle.source} lacks them (use the seed's 1-digit table, default_offshorability(), "
            "or point the O*NET path at a full O*NET text release)"
        )
    wa = bundle.work_activities.select("onet_soc", "element_id", pl.col("importance").alias("v"))
    wc = bundle.work_context.select("onet_soc", "element_id", pl.col("context").alias("v"))
    src = {"work_activities": wa, "work_context": wc}
    comps = []
    for name, elements in (("face_to_face", FACE_TO_FACE), ("on_site", ON_SITE)):
        parts = []
        for eid, domain in elements.items():
            e = src[domain].filter(pl.col("element_id") == eid)
            if e.height == 0:
                raise SkillshoreError(f"O*NET {domain} has no element {eid} (needed for {name})")
            parts.append(e.with_columns(_z("v").alias("z")))
        comps.append(
            pl.concat(parts)
            .group_by("onet_soc")
            .agg(pl.col("z").mean().alias(name), pl.len().alias(f"_n_{name}"))
            .filter(pl.col(f"_n_{name}") == len(elements))
            .drop(f"_n_{name}")
        )
    occ = comps[0].join(comps[1], on="onet_soc", how="inner")
    occ = occ.with_columns((-(pl.col("face_to_face") + pl.col("on_site"))).alias("raw"))
    occ = occ.with_columns(_z("raw").alias("offshorability")).drop("raw")
    occ = bundle.occupations.select("onet_soc", "title").join(occ, on="onet_soc", how="inner")
    isco = (
        bundle.isco_map()
        .join(occ.select("onet_soc", "offshorability"), on="onet_soc", how="inner")
        .group_by("isco")
        .agg(
            ((pl.col("offshorability") * pl.col("weight")).sum() / pl.col("weight").sum()).alias(
                "raw"
            ),
            pl.col("onet_soc").n_unique().alias("n_occupations"),
        )
    )
    if isco.height > 1:
        isco = isco.with_columns(_z("raw").alias("offshorability"))
    else:
        isco = isco.with_columns(pl.col("raw").alias("offshorability"))
    return OffshorabilityIndex(
        by_occupation=occ.sort("onet_soc"),
        by_isco=isco.select("isco", "offshorability", "n_occupations").sort("isco"),
    )
