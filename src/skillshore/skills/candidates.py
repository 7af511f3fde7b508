"""The top candidates of the title matcher from two sources of evidence (issue 16).

Seed slide "Measurement: Worker Skill": a user reviews the matcher's five best candidates
(:mod:`skillshore.skills.review`), so the five should cover the plausible readings of a
title, not five neighbours of one reading. The linear score of
:class:`~skillshore.skills.matcher.TitleMatcher` ranks occupations by the words they share
with the title; a title that names only a field of study ("Musicology, cand.mag.",
"Process technology, AP degree") may share few words with the jobs the field leads to. The
second source is the field of education: the title is matched to the programme names of
the ISCED-F 2013 detailed fields (:func:`~skillshore.skills.fields.field_table`), and the
best-scoring occupations of the field's family (:data:`~skillshore.skills.fields.FIELD_OCCUPATIONS`)
that are not already among the first candidates take the last :data:`FIELD_SLOTS` places.
The first candidate, its score and its confidence are the linear score's; the field only
changes which occupations fill the lower ranks.

The third source is a **second reading** of a composite title (sixth round,
``docs/skills.md``): a title the matcher is unsure of ("Sprøjtecertifikat,
plantebeskyttelsesmidler", "Pædagog, specialisering i social- og specialpædagogik") is
split into its parts (:func:`title_segments`), each part is scored on its own, and the best
part's candidate not yet proposed takes the last place when it scores, on its part, at
least as high as the candidate it replaces scores on the whole title
(:func:`add_segment_reading`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from skillshore.skills.fields import FIELD_OCCUPATIONS, field_table
from skillshore.skills.lexicon import expand_title
from skillshore.skills.text import _roots, clean_title

if TYPE_CHECKING:
    from skillshore.skills.matcher import TitleMatcher

__all__ = [
    "FIELD_MIN_DICE",
    "FIELD_SLOTS",
    "FieldFamilies",
    "SEGMENT_MAX_CONFIDENCE",
    "add_segment_reading",
    "title_segments",
    "top_candidates",
]

FIELD_SLOTS = 2
"""Places of the top five given to the field's family (the last ones)."""
FIELD_MIN_DICE = 0.6
"""Smallest IDF-weighted Dice overlap of the title with one of a field's programme names
for the field to propose candidates."""
SEGMENT_MAX_CONFIDENCE = 0.5
"""Titles whose first candidate has a calibrated confidence below this (the matches more
likely wrong than right, flagged for review by default) get a second reading of their
parts (:func:`add_segment_reading`)."""
_SEGMENT_SPLIT = re.compile(
    r"\s*(?:[,;:/()]|\s-\s|\s(?:i|og|med|in|and|with|for|of|af|til)\s)\s*", re.IGNORECASE
)


class FieldFamilies:
    """Programme names of the ISCED-F detailed fields, indexed on a matcher's word roots,
    and the occupation family of each field among the matcher's occupations."""

    def __init__(self, matcher: TitleMatcher):
        ft = field_table()
        codes = sorted(set(ft["iscedf"].to_list()))
        pos = {c: k for k, c in enumerate(codes)}
        ft = ft.with_columns(g=pl.col("iscedf").replace_strict(pos)).sort("g")
        self.codes = codes
        self._m = matcher
        self._RT, self._mass = matcher._name_matrix(ft["name"].to_list())
        self._group = ft["g"].to_numpy()
        self._memo: tuple[tuple[str, ...], np.ndarray] | None = None
        soc = matcher.soc.astype(str)
        self.member = np.zeros((len(codes), len(soc)), dtype=bool)
        for c, k in pos.items():
            for prefix in FIELD_OCCUPATIONS[c]:
                self.member[k] |= np.char.startswith(soc, prefix)

    def dice(self, titles: list[str], roots: list[list[str]] | None = None) -> np.ndarray:
        """``(len(titles), n_fields)``: best IDF-weighted Dice overlap of each title's query
        words (cleaned title and added words, as in the matcher; ``roots`` when the caller
        has them) with each field's names."""
        key = tuple(titles)
        if self._memo is not None and self._memo[0] == key:  # features() and the top five
            return self._memo[1]
        m = self._m
        q = roots or [_roots(f"{clean_title(t)} {expand_title(t)}") for t in titles]
        Qi = m._counts(q, binary=True).multiply(m._idf[None, :]).tocsr()
        qmass = np.maximum(np.asarray(Qi.sum(1)).ravel(), 1e-9)
        out = m._group_dice(Qi, qmass, self._RT, self._mass, self._group, len(self.codes))
        self._memo = (key, out)
        return out

    def best_field(
        self, titles: list[str], roots: list[list[str]] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Index of each title's best-matching field and its Dice overlap."""
        d = self.dice(titles, roots)
        best = d.argmax(axis=1) if d.shape[1] else np.zeros(len(titles), dtype=np.int64)
        return best, d[np.arange(len(titles)), best] if d.shape[1] else np.zeros(len(titles))

    def in_family(
        self,
        titles: list[str],
        min_dice: float = FIELD_MIN_DICE,
        roots: list[list[str]] | None = None,
    ) -> np.ndarray:
        """``(len(titles), n_occupations)``: 1 where the occupation is in the family of the
        title's best field and that field's overlap is at least ``min_dice``."""
        best, value = self.best_field(titles, roots)
        return (self.member[best] & (value >= min_dice)[:, None]).astype(float)


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best of each row, best first; ties go to the lower index."""
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    val = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -val), axis=1)
    return np.take_along_axis(part, order, axis=1)


def top_candidates(
    scores: np.ndarray,
    k: int,
    field_dice: np.ndarray | None = None,
    member: np.ndarray | None = None,
    slots: int = FIELD_SLOTS,
    min_dice: float = FIELD_MIN_DICE,
) -> np.ndarray:
    """Indices ``(n_titles, k)`` of the candidates of each title, best first.

    The first ``k - slots`` are the best by ``scores``; where the title's best field has a
    Dice overlap of at least ``min_dice``, the next ``slots`` are the best-scoring
    occupations of that field's family not already chosen; the rest follow ``scores``.
    Without ``field_dice`` the ranking is by ``scores`` alone.
    """
    n, n_occ = scores.shape
    k = min(k, n_occ)
    idx = _best(scores, k) if n else np.zeros((0, k), dtype=np.int64)
    if field_dice is None or member is None or not n or not field_dice.shape[1]:
        return idx
    keep = max(k - slots, 1)
    best = field_dice.argmax(axis=1)
    for q in np.flatnonzero(field_dice[np.arange(n), best] >= min_dice):
        fam = member[best[q]].copy()
        fam[idx[q, :keep]] = False
        if not fam.any():
            continue
        s = np.where(fam, scores[q], -np.inf)[None, :]
        extra = _best(s, min(slots, int(fam.sum())))[0]
        rest = [i for i in idx[q] if i not in set(idx[q, :keep]) | set(extra)]
        idx[q] = np.concatenate([idx[q, :keep], extra, rest])[:k]
    return idx


def title_segments(title: str) -> list[str]:
    """The parts of a composite title: split at punctuation (``, ; : / ( )``, a spaced
    dash) and at the English and Danish linking words "in, and, with, for, of; i, og, med,
    af, til"; parts of at most two characters and parts that clean to nothing (a level
    marker) are dropped. Empty unless at least two parts remain."""
    parts = [p for p in _SEGMENT_SPLIT.split(title) if p and len(p) > 2]
    parts = [p for p in parts if clean_title(p).strip()]
    return parts if len(parts) >= 2 else []


def add_segment_reading(
    idx: np.ndarray,
    scores: np.ndarray,
    titles: list[str],
    eligible: np.ndarray,
    segment_scores: Callable[[list[str]], np.ndarray],
    per_segment: int = 3,
) -> np.ndarray:
    """Give the last place of ``idx`` to a second reading of each eligible composite title.

    Parameters
    ----------
    idx : numpy.ndarray
        ``(n_titles, k)`` candidates, best first (:func:`top_candidates`); ``k >= 2``.
    scores : numpy.ndarray
        ``(n_titles, n_occupations)`` scores of the whole titles.
    titles : list of str
        The raw titles.
    eligible : numpy.ndarray
        Boolean ``(n_titles,)``: titles that may get a second reading.
    segment_scores : callable
        Parts -> ``(n_parts, n_occupations)`` scores on the scale of ``scores``.
    per_segment : int
        Each part proposes the first of its ``per_segment`` best occupations not yet among
        the candidates.

    Returns
    -------
    numpy.ndarray
        The candidates: where the best proposal (by its part's score) scores at least the
        whole title's score of the last candidate, it replaces the last candidate. The
        first candidate never changes.
    """
    out = idx.copy()
    if idx.shape[1] < 2 or not len(titles):
        return out
    segs = {q: title_segments(titles[q]) for q in np.flatnonzero(eligible)}
    segs = {q: p for q, p in segs.items() if p}
    if not segs:
        return out
    flat = [p for parts in segs.values() for p in parts]
    S = segment_scores(flat)
    best = _best(S, min(per_segment, S.shape[1]))
    row = 0
    for q, parts in segs.items():
        chosen = set(out[q].tolist())
        proposals: list[tuple[float, int]] = []
        for r in range(row, row + len(parts)):
            for j in best[r]:
                if j not in chosen and all(j != p for _, p in proposals):
                    proposals.append((float(S[r, j]), int(j)))
                    break
        row += len(parts)
        proposals = [p for p in proposals if p[0] >= scores[q, out[q, -1]]]
        if proposals:
            out[q, -1] = max(proposals)[1]
    return out
