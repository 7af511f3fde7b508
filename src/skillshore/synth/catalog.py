"""Education and training catalog of the synthetic economy: free-text titles with a
known true O*NET occupation (so the skills stage's text matching can be scored).

Titles are written the way a Danish register catalog translated to English reads
(seed slide "Measurement: Worker Skill": "Glazier", "Truck driver with crane",
"Classical philology, cand.mag."): the O*NET title is shortened to one lay noun
phrase, plurals made singular, and a degree or programme suffix added by the
occupation's skill level.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl

__all__ = ["make_title", "build_catalog"]

_SUFFIX_BY_MAJOR = {
    "1": [", cand.merc.", ", MBA", " (management programme)"],
    "2": [", cand.mag.", ", cand.polyt.", ", cand.scient.", ", master's programme"],
    "3": [", prof.bach.", ", diploma programme", ", academy profession degree"],
    "4": [" (EUD)", ", commercial education", ", vocational training"],
    "5": [" (EUD)", ", vocational training", " assistant training"],
    "6": [", agricultural training", " (EUD)"],
    "7": [" (EUD)", ", apprenticeship", ", journeyman certificate", ""],
    "8": [" (AMU)", ", operator training", ", vocational training", ""],
    "9": [" (AMU)", ", short course", ""],
    "0": [", military academy"],
}

_IRREGULAR = {
    "Workers": "worker",
    "Persons": "person",
    "Women": "woman",
    "Men": "man",
    "Machinists": "machinist",
    "Analysts": "analyst",
    "Fitters": "fitter",
}


def _singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if re.search(r"(ss|us|is)$", word):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ches|shes|xes)$", word):
        return word[:-2]
    if word.endswith("s") and len(word) > 3:
        return word[:-1]
    return word


def make_title(
    onet_title: str, isco: str | None, rng: np.random.Generator, training: bool = False
) -> str:
    """A catalog-style title for an O*NET occupation title."""
    t = re.sub(r"\s*\(.*?\)", "", onet_title)
    parts = [p.strip() for p in re.split(r",| and | or |/", t) if p.strip()]
    head = parts[0]
    if len(parts) > 1 and rng.random() < 0.3:
        alt = parts[1]
        if len(alt.split()) >= 2 and not alt.lower().startswith(
            ("except", "all other", "including")
        ):
            head = alt
    words = head.split()
    if words:
        words[-1] = _singular(words[-1])
    head = " ".join(words)
    if rng.random() < 0.5 and head:
        head = head[0].upper() + head[1:].lower()
    if training:
        prefix = rng.choice(["Course in ", "Further training: ", "AMU course, ", "Certificate in "])
        return f"{prefix}{head.lower()}"
    suffixes = _SUFFIX_BY_MAJOR.get((isco or "9")[0], [""])
    return head + str(rng.choice(suffixes))


def build_catalog(
    occ: pl.DataFrame, n_codes: int, train_share: float, rng: np.random.Generator
) -> pl.DataFrame:
    """Draw ``n_codes`` catalog entries from O*NET occupations (with skills and ISCO).

    Returns ``code, kind, title, onet_soc`` (the last column is the truth, not written
    to the catalog table).
    """
    n_train = int(round(n_codes * train_share))
    n_educ = n_codes - n_train
    occ = occ.filter(pl.col("isco").is_not_null())
    # manufacturing-heavy occupational mix: crafts and operators more frequent
    major = occ["isco"].str.slice(0, 1).to_numpy()
    weight = np.select(
        [np.isin(major, ["7", "8"]), np.isin(major, ["2", "3"]), major == "4"], [3.0, 1.5, 1.5], 0.6
    )
    p = weight / weight.sum()
    picks = rng.choice(occ.height, size=n_codes, replace=n_codes > occ.height, p=p)
    rows = []
    for k, idx in enumerate(picks):
        o = occ.row(int(idx), named=True)
        training = k >= n_educ
        code = f"{(9000 if training else 3000) + k:04d}" if n_codes < 6000 else f"{k:05d}"
        rows.append(
            {
                "code": code,
                "kind": "training" if training else "education",
                "title": make_title(o["title"], o["isco"], rng, training),
                "onet_soc": o["onet_soc"],
            }
        )
    return pl.DataFrame(rows)
