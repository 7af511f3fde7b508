"""Results of the title matcher: :class:`TitleMatches` and the override rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from skillshore._results import TableMixin
from skillshore.errors import DataValidationError
from skillshore.skills.onet import OnetBundle

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TitleMatches"]


@dataclass(frozen=True)
class TitleMatches(TableMixin):
    """Ranked O*NET matches of catalog titles (one ``best`` row per code).

    Attributes
    ----------
    best : polars.DataFrame
        ``code, title, onet_soc, onet_title, score, margin, confidence, source, flagged``;
        ``score`` is the ranking score in [0, 1], ``margin`` the best minus the second-best
        score, ``confidence`` the calibrated probability that the match is acceptable
        (its conditional-logit probability through the fitted map
        :data:`~skillshore.skills.matcher.CALIBRATION`)
        (lexical, or lexical + semantic with ``method`` "lexical+semantic"); ``source`` is "matcher" or "override"
        (score and confidence 1).
    top : polars.DataFrame
        ``code, rank, onet_soc, onet_title, score, confidence`` (top-k candidates per code).
    min_confidence : float
        Matches with a confidence below it are flagged (``min_score`` is a deprecated
        read-only alias).
    method : str
        "lexical" or "lexical+semantic".
    """

    best: pl.DataFrame
    top: pl.DataFrame
    min_confidence: float
    method: str = "lexical"
    title: str = "Matching catalog titles to O*NET occupations"

    @property
    def min_score(self) -> float:
        """Deprecated alias of :attr:`min_confidence` (it always compared a confidence)."""
        return self.min_confidence

    @property
    def coverage(self) -> float:
        """Share of codes matched with a confidence >= ``min_confidence`` or overridden."""
        return float((~self.best["flagged"]).mean()) if self.best.height else float("nan")

    def review(self) -> pl.DataFrame:
        """The flagged codes with their top-k candidates, for a user to override."""
        flagged = self.best.filter(pl.col("flagged")).select("code", "title")
        return flagged.join(self.top, on="code", how="left").sort(["code", "rank"])

    def to_frame(self) -> pd.DataFrame:
        b = self.best
        m = b.filter(pl.col("source") == "matcher")
        rows: dict[str, Any] = {
            "method": self.method,
            "codes": b.height,
            "overridden": int((b["source"] == "override").sum()),
            f"confidence >= {self.min_confidence}": int((~b["flagged"]).sum()),
            "flagged for review": int(b["flagged"].sum()),
            "coverage": f"{100 * self.coverage:.1f}%",
        }
        if m.height:
            q, c = m["score"].quantile, m["confidence"].quantile
            rows |= {
                "score p10 / median / p90": f"{q(0.1):.3f} / {q(0.5):.3f} / {q(0.9):.3f}",
                "confidence p10 / median / p90": f"{c(0.1):.3f} / {c(0.5):.3f} / {c(0.9):.3f}",
                "mean confidence (expected share of acceptable best matches)": f"{m['confidence'].mean():.3f}",
                "median margin to 2nd": f"{m['margin'].median():.3f}",
            }
        import pandas as pd

        return pd.DataFrame({"value": {k: str(v) for k, v in rows.items()}})


def _deprecated_min_score(min_confidence: float, min_score: float | None) -> float:
    if min_score is None:
        return min_confidence
    import warnings

    warnings.warn(
        "min_score is deprecated: it is compared with the confidence; use min_confidence",
        DeprecationWarning,
        stacklevel=3,
    )
    return min_score


def _apply_overrides(
    best: pl.DataFrame, overrides: pl.DataFrame, bundle: OnetBundle
) -> pl.DataFrame:
    if "choice" in overrides.columns:  # a filled review file (skillshore.skills.review)
        from skillshore.skills.review import overrides_from_review

        overrides = overrides_from_review(overrides)
    overrides = (
        overrides.filter(pl.col("onet_soc").is_not_null())
        if "onet_soc" in overrides.columns
        else overrides
    )
    for col in ("code", "onet_soc"):
        if col not in overrides.columns:
            raise DataValidationError(f"skill overrides: missing column '{col}' (code -> onet_soc)")
    ov = overrides.select(
        pl.col("code").cast(pl.Utf8), pl.col("onet_soc").cast(pl.Utf8).alias("ov")
    )
    unknown = ov.filter(~pl.col("ov").is_in(bundle.occupations["onet_soc"].implode()))
    if unknown.height:
        raise DataValidationError(
            f"skill overrides: unknown O*NET-SOC 2019 code(s) {unknown['ov'].to_list()[:5]}"
        )
    occ = bundle.occupations.select(
        pl.col("onet_soc").alias("ov"), pl.col("title").alias("ov_title")
    )
    return (
        best.join(ov.join(occ, on="ov", how="left"), on="code", how="left")
        .with_columns(
            onet_soc=pl.coalesce("ov", "onet_soc"),
            onet_title=pl.coalesce("ov_title", "onet_title"),
            source=pl.when(pl.col("ov").is_not_null()).then(pl.lit("override")).otherwise("source"),
            score=pl.when(pl.col("ov").is_not_null()).then(pl.lit(1.0)).otherwise("score"),
            confidence=pl.when(pl.col("ov").is_not_null())
            .then(pl.lit(1.0))
            .otherwise("confidence"),
        )
        .drop("ov", "ov_title")
    )
