"""Map the second fresh title set's labels from O*NET-SOC 2010 to 2019 (the matcher's codes).

    python scripts/fresh2_to_soc2019.py

Its writer labelled with the codes of ``Skills.xlsx`` (O*NET-SOC 2010); the matcher ranks
2019 codes. Each label becomes the 2019 codes the official crosswalk
(``../shared/data/onet/2010_to_2019_Crosswalk.xlsx``) maps it to among the matcher's
occupations, joined by "|" (11 of 542 labels split into several). Mechanical: the matcher
is not run. Writes ``tests/data/skills_fresh2_titles.csv``.
"""

from pathlib import Path

import pandas as pd

from skillshore.skills import occupation_skills

ROOT = Path(__file__).resolve().parents[1]
xw = pd.read_excel(
    ROOT.parent / "shared/data/onet/2010_to_2019_Crosswalk.xlsx", header=3, dtype=str
)
xw.columns = ["c10", "t10", "c19", "t19"]
ours = set(occupation_skills()["onet_soc"].to_list())
to19 = xw.groupby("c10")["c19"].apply(lambda s: sorted(set(s) & ours))
src = pd.read_csv(
    ROOT / "tests/data/skills_fresh2_titles_soc2010.csv", dtype=str, keep_default_na=False
)


def conv(code: str) -> str:
    return "|".join(to19.get(code, [])) if code else ""


out = src.rename(columns={"onet_soc": "onet_soc_2010", "alt_onet_soc": "alt_onet_soc_2010"})
out["onet_soc"] = out["onet_soc_2010"].map(conv)
out["alt_onet_soc"] = out["alt_onet_soc_2010"].map(conv)
if (out["onet_soc"] == "").any():
    raise SystemExit(f"unmapped labels: {out.loc[out['onet_soc'] == '', 'onet_soc_2010'].tolist()}")
cols = ["title", "kind", "onet_soc", "alt_onet_soc", "difficulty", "style"]
out[cols + ["onet_soc_2010", "alt_onet_soc_2010"]].to_csv(
    ROOT / "tests/data/skills_fresh2_titles.csv", index=False
)
print(f"{len(out)} rows, {(out['onet_soc'].str.contains('|', regex=False)).sum()} labels split")
