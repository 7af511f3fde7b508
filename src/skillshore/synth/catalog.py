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


_CAND_BY_SOC = {
    "11": ", cand.merc.",
    "13": ", cand.merc.",
    "15": ", cand.scient.",
    "17": ", cand.polyt.",
    "19": ", cand.scient.",
    "21": ", cand.mag.",
    "23": ", cand.jur.",
    "25": ", cand.mag.",
    "27": ", cand.mag.",
    "29": ", cand.med.",
}
_ABBREV = {
    "technician": "tech.",
    "technicians": "tech.",
    "assistant": "asst.",
    "operator": "op.",
    "mechanical": "mech.",
    "electrical": "el.",
    "supervisor": "supv.",
    "maintenance": "maint.",
}


def _head(title: str) -> str:
    """The occupational noun phrase of an O*NET title: its first comma/and/or part that
    ends in a plural noun and has two or more words (else the first part)."""
    t = re.sub(r"\s*\(.*?\)", "", title)
    parts = [p.strip() for p in re.split(r",| and | or |/", t) if p.strip()]
    for p in parts:
        if (
            len(p.split()) >= 2
            and p.endswith("s")
            and not p.lower().startswith(("except", "all other", "including"))
        ):
            return p
    return parts[0] if parts else t


def make_title(
    onet_title: str,
    isco: str | None,
    rng: np.random.Generator,
    training: bool = False,
    onet_soc: str | None = None,
) -> str:
    """A catalog-style title for an O*NET occupation title (module docstring): the
    title's occupational noun phrase in the singular, sometimes lower-cased or
    abbreviated, with a degree or programme suffix by skill level (Danish long-cycle
    degrees by the SOC major group) or a training prefix."""
    words = _head(onet_title).split()
    if words:
        words[-1] = _singular(words[-1])
    if rng.random() < 0.3:
        words = [_ABBREV.get(w.lower(), w) for w in words]
    head = " ".join(words)
    if rng.random() < 0.5 and head:
        head = head[0].upper() + head[1:].lower()
    if training:
        prefix = rng.choice(["Course in ", "Further training: ", "AMU course, ", "Certificate in "])
        return f"{prefix}{head.lower()}"
    major = (isco or "9")[0]
    suffixes = list(_SUFFIX_BY_MAJOR.get(major, [""]))
    if major == "2" and onet_soc and onet_soc[:2] in _CAND_BY_SOC:
        suffixes = [_CAND_BY_SOC[onet_soc[:2]], _CAND_BY_SOC[onet_soc[:2]], ", master's programme"]
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
        code = f"{6000 + k - n_educ:04d}" if training else f"{2000 + k:04d}"
        rows.append(
            {
                "code": code,
                "kind": "training" if training else "education",
                "title": make_title(o["title"], o["isco"], rng, training, o["onet_soc"]),
                "onet_soc": o["onet_soc"],
            }
        )
    return pl.DataFrame(rows)
