"""Narrow offshoring, Bartik inputs and the firm-year IV dataset, against hand computations."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl
import pytest

from skillshore.errors import DataValidationError
from skillshore.offshoring.measures import (
    build_firm_panel,
    exposure_shares,
    industry_ratio,
    narrow_offshoring,
    shift_share,
    source_countries,
    world_export_supply,
    world_import_demand,
)
from skillshore.panel import baseline_sample, build_worker_panel, main_industry
from skillshore.tables import load_default
from tests.panel.sim import simulate_economy


def _firms() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "firm_id": [1, 1, 2, 2, 3, 3],
            "year": [2000, 2001] * 3,
            "industry": ["251100"] * 2 + ["251150"] * 2 + ["281100"] * 2,
            "employment": [10, 20, 5, 5, 50, 50],
            "value_added": [100.0, 0.0, 50.0, 50.0, 200.0, 200.0],
        },
        schema_overrides={"year": pl.Int32},
    )


_CUSTOMS_SCHEMA = {
    "firm_id": pl.Int64,
    "year": pl.Int32,
    "country": pl.Utf8,
    "hs6": pl.Utf8,
    "flow": pl.Utf8,
    "value": pl.Float64,
}


def _customs_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=_CUSTOMS_SCHEMA, orient="row")


def _customs() -> pl.DataFrame:
    rows = [
        (1, 2000, "CHN", "700510", "import", 10.0),
        (1, 2000, "CHN", "620520", "import", 4.0),  # product not exported
        (1, 2000, "DEU", "700510", "import", 7.0),  # not a source country
        (1, 2000, "CHN", "010121", "import", 3.0),  # raw material, although exported
        (1, 2000, "USA", "010121", "export", 1.0),
        (1, 2000, "USA", "700510", "export", 20.0),
        (1, 2001, "CHN", "700510", "import", 6.0),  # exported in 2000 only
        (1, 2001, "VNM", "847130", "import", 5.0),
        (1, 2001, "USA", "847130", "export", 2.0),
        (2, 2000, "VNM", "847130", "import", 8.0),
        (2, 2000, "CHN", "847130", "import", 2.0),
        (2, 2000, "DEU", "847130", "export", 1.0),
        (3, 2000, "CHN", "870421", "import", 30.0),
        (3, 2000, "USA", "870421", "export", 10.0),
        (3, 2001, "CHN", "870421", "import", 40.0),
        (3, 2001, "IND", "870421", "import", 10.0),
        (3, 2001, "USA", "870421", "export", 5.0),
    ]
    return _customs_frame(rows)


def _by_key(df: pl.DataFrame, col: str) -> dict:
    return {(r["firm_id"], r["year"]): r[col] for r in df.iter_rows(named=True)}


def test_narrow_offshoring_china_by_hand():
    out = narrow_offshoring(_customs(), _firms(), normalise="none")
    assert _by_key(out, "imports_narrow") == {
        (1, 2000): 10.0,
        (1, 2001): 0.0,
        (2, 2000): 2.0,
        (2, 2001): 0.0,
        (3, 2000): 30.0,
        (3, 2001): 40.0,
    }
    pw = _by_key(narrow_offshoring(_customs(), _firms()), "offshoring")
    assert pw == pytest.approx(
        {
            (1, 2000): 1.0,
            (1, 2001): 0.0,
            (2, 2000): 0.4,
            (2, 2001): 0.0,
            (3, 2000): 0.6,
            (3, 2001): 0.8,
        }
    )
    va = _by_key(narrow_offshoring(_customs(), _firms(), normalise="value_added"), "offshoring")
    assert va[(1, 2001)] is None  # value added 0
    assert va[(1, 2000)] == pytest.approx(0.1) and va[(3, 2001)] == pytest.approx(0.2)


def test_low_wage_any_year_and_raw_materials():
    lw = source_countries("low_wage", load_default("low_wage"))
    assert {"CHN", "VNM", "IND"} <= set(lw) and "DEU" not in lw
    out = _by_key(
        narrow_offshoring(_customs(), _firms(), countries=lw, normalise="none"), "imports_narrow"
    )
    assert out == {
        (1, 2000): 10.0,
        (1, 2001): 5.0,
        (2, 2000): 10.0,
        (2, 2001): 0.0,
        (3, 2000): 30.0,
        (3, 2001): 50.0,
    }
    anyy = _by_key(
        narrow_offshoring(_customs(), _firms(), normalise="none", export_match="any_year"),
        "imports_narrow",
    )
    assert anyy[(1, 2001)] == 6.0 and anyy[(1, 2000)] == 10.0
    raw_ok = _by_key(
        narrow_offshoring(_customs(), _firms(), normalise="none", raw_material_hs2=()),
        "imports_narrow",
    )
    assert raw_ok[(1, 2000)] == 13.0


def test_industry_ratio_of_sums():
    off = narrow_offshoring(_customs(), _firms(), normalise="none")
    inds = main_industry(_firms(), (2000, 2001))
    r4 = industry_ratio(off, "imports_narrow", _firms(), inds, digits=4)
    got = {(r["industry"], r["year"]): r["imports_narrow"] for r in r4.iter_rows(named=True)}
    # 2511 = firms 1 and 2: (10 + 2) / (10 + 5) in 2000, 0 / 25 in 2001
    assert got == pytest.approx(
        {("2511", 2000): 0.8, ("2511", 2001): 0.0, ("2811", 2000): 0.6, ("2811", 2001): 0.8}
    )
    r6 = industry_ratio(off, "imports_narrow", _firms(), inds, digits=6, normalise="none")
    assert (
        r6.filter((pl.col("industry") == "251150") & (pl.col("year") == 2000))[
            "imports_narrow"
        ].item()
        == 2.0
    )


def _base_customs() -> pl.DataFrame:
    rows = [
        (1, 1999, "CHN", "700510", "import", 6.0),
        (1, 1999, "DEU", "700510", "import", 2.0),
        (1, 1999, "CHN", "620520", "import", 4.0),
        (1, 1999, "CHN", "010121", "import", 100.0),  # raw: excluded
        (2, 1999, "VNM", "847130", "import", 4.0),
        (2, 1999, "USA", "847130", "export", 3.0),
        (1, 1999, "USA", "700510", "export", 1.0),
        (1, 2000, "CHN", "870421", "import", 50.0),  # not a base year
    ]
    return _customs_frame(rows)


def _world() -> pl.DataFrame:
    rows = [
        ("CHN", "USA", "700510", 2000, 100.0),
        ("CHN", "DNK", "700510", 2000, 50.0),  # to the home country: excluded
        ("CHN", "DEU", "700510", 2001, 80.0),
        ("VNM", "USA", "847130", 2000, 40.0),
        ("CHN", "USA", "847130", 2001, 20.0),
        ("DEU", "USA", "700510", 2000, 999.0),
        ("DNK", "USA", "700510", 2000, 5.0),  # from the home country: not in WID
    ]
    return pl.DataFrame(
        rows,
        schema={
            "exporter": pl.Utf8,
            "importer": pl.Utf8,
            "hs6": pl.Utf8,
            "year": pl.Int32,
            "value": pl.Float64,
        },
        orient="row",
    )


def test_exposure_shares_shocks_and_instrument():
    inds = main_industry(_firms(), (2000, 2001))
    s6 = exposure_shares(_base_customs(), inds, (1999, 1999))
    got6 = {(r["industry"], r["hs6"]): r["share"] for r in s6.iter_rows(named=True)}
    assert got6 == pytest.approx(
        {("251100", "700510"): 8 / 12, ("251100", "620520"): 4 / 12, ("251150", "847130"): 1.0}
    )
    s4 = exposure_shares(_base_customs(), inds, (1999, 1999), digits=4)
    got4 = {(r["industry"], r["hs6"]): r["share"] for r in s4.iter_rows(named=True)}
    assert got4 == pytest.approx(
        {("2511", "700510"): 0.5, ("2511", "620520"): 0.25, ("2511", "847130"): 0.25}
    )
    e6 = exposure_shares(_base_customs(), inds, (1999, 1999), flow="export")
    assert {(r["industry"], r["hs6"]): r["share"] for r in e6.iter_rows(named=True)} == {
        ("251100", "700510"): 1.0,
        ("251150", "847130"): 1.0,
    }

    wes = world_export_supply(_world())
    assert {(r["hs6"], r["year"]): r["wes"] for r in wes.iter_rows(named=True)} == {
        ("700510", 2000): 100.0,
        ("700510", 2001): 80.0,
        ("847130", 2001): 20.0,
    }
    wid = world_import_demand(_world())
    assert {(r["hs6"], r["year"]): r["wid"] for r in wid.iter_rows(named=True)} == {
        ("700510", 2000): 1099.0,
        ("700510", 2001): 80.0,
        ("847130", 2000): 40.0,
        ("847130", 2001): 20.0,
    }
    inst = shift_share(s4, wes, "wes")
    assert {
        (r["industry"], r["year"]): r["instrument"] for r in inst.iter_rows(named=True)
    } == pytest.approx({("2511", 2000): 50.0, ("2511", 2001): 45.0})
    # against a dense matrix product S (industries x products) @ W (products x years)
    inst6 = shift_share(s6, wes, "wes")
    ind_l, prod_l, yr_l = ["251100", "251150"], ["700510", "620520", "847130"], [2000, 2001]
    S = np.array([[got6.get((k, h), 0.0) for h in prod_l] for k in ind_l])
    wes_d = {(r["hs6"], r["year"]): r["wes"] for r in wes.iter_rows(named=True)}
    W = np.array([[wes_d.get((h, t), 0.0) for t in yr_l] for h in prod_l])
    expected = S @ W
    for r in inst6.iter_rows(named=True):
        assert r["instrument"] == pytest.approx(
            expected[ind_l.index(r["industry"]), yr_l.index(r["year"])]
        )


def test_bad_inputs():
    with pytest.raises(DataValidationError):
        narrow_offshoring(_customs(), _firms(), normalise="per_capita")
    with pytest.raises(DataValidationError):
        source_countries("low_wage")
    with pytest.raises(DataValidationError):
        source_countries(["china"])
    with pytest.raises(DataValidationError, match="value"):
        narrow_offshoring(_customs().drop("value"), _firms())
    with pytest.raises(DataValidationError):
        exposure_shares(
            _base_customs(), main_industry(_firms(), (2000, 2001)), (1999, 1999), digits=3
        )


# ----------------------------------------------------------------- firm panel
YEARS, BASE = (1996, 1999), (1994, 1995)


@pytest.fixture(scope="module")
def built():
    e = simulate_economy(seed=4)
    s = baseline_sample(e["firms"], YEARS)
    p = build_worker_panel(e["workers"], s, load_default("offshorability"))
    fp = build_firm_panel(
        p, s, e["firms"], e["customs"], e["world_trade"], load_default("low_wage"), base_years=BASE
    )
    return e, s, p, fp


def test_firm_panel_outcomes_and_counts(built):
    e, s, p, fp = built
    d = fp.data
    assert d.select("firm_id", "year", "occ_group").is_duplicated().sum() == 0
    assert set(d["occ_group"].unique().to_list()) == {
        "all",
        "high",
        "low_high_skill",
        "low_mid_low_skill",
    }
    pdf = p.to_pandas()
    for r in d.sample(20, seed=0).iter_rows(named=True):
        sub = pdf[(pdf.firm_id == r["firm_id"]) & (pdf.year == r["year"])]
        if r["occ_group"] != "all":
            sub = sub[sub.occ_group == r["occ_group"]]
        cont = sub[sub.continuing.astype(bool)]
        assert r["n_workers"] == len(sub) and r["n_workers_cont"] == len(cont)
        assert r["avg_cognitive"] == pytest.approx(100 * sub.cognitive.mean())
        assert r["avg_cognitive_inv"] == pytest.approx(100 * sub.cognitive_invariant.mean())
        if len(cont):
            assert r["avg_cognitive_cont_inv"] == pytest.approx(
                100 * cont.cognitive_invariant.mean()
            )
    assert "Rows" in fp.to_frame().columns


def _loop_offshoring(e, industry: str, year: int) -> float:
    """Industry China narrow offshoring per worker, by explicit loops over the raw rows."""
    firms = e["firms"].filter(pl.col("year").is_between(*YEARS))
    first = {}
    for r in firms.sort("year").iter_rows(named=True):
        first.setdefault(r["firm_id"], r["industry"])
    members = {f for f, k in first.items() if k == industry}
    exported = {
        (r["firm_id"], r["hs6"])
        for r in e["customs"].iter_rows(named=True)
        if r["flow"] == "export" and r["year"] == year
    }
    num = sum(
        r["value"]
        for r in e["customs"].iter_rows(named=True)
        if r["firm_id"] in members
        and r["year"] == year
        and r["flow"] == "import"
        and r["country"] == "CHN"
        and (r["firm_id"], r["hs6"]) in exported
        and r["hs6"][:2] not in {f"{i:02d}" for i in (*range(1, 16), 25, 26, 27)}
    )
    den = sum(
        r["employment"]
        for r in firms.iter_rows(named=True)
        if r["firm_id"] in members and r["year"] == year
    )
    return num / den


def _loop_instrument(e, industry: str, year: int) -> float:
    imports = defaultdict(float)
    first = {}
    for r in (
        e["firms"].filter(pl.col("year").is_between(*YEARS)).sort("year").iter_rows(named=True)
    ):
        first.setdefault(r["firm_id"], r["industry"])
    for r in e["customs"].iter_rows(named=True):
        if (
            BASE[0] <= r["year"] <= BASE[1]
            and r["flow"] == "import"
            and first.get(r["firm_id"]) == industry
            and int(r["hs6"][:2]) not in (*range(1, 16), 25, 26, 27)
        ):
            imports[r["hs6"]] += r["value"]
    total = sum(imports.values())
    wes = defaultdict(float)
    for r in e["world_trade"].iter_rows(named=True):
        if r["exporter"] == "CHN" and r["importer"] != "DNK" and r["year"] == year:
            wes[r["hs6"]] += r["value"]
    return sum(v / total * wes[h] for h, v in imports.items())


def test_firm_panel_offshoring_and_instrument_by_loops(built):
    e, s, p, fp = built
    d = fp.data.filter(pl.col("occ_group") == "all")
    for industry, year in (("251100", 1996), ("281100", 1998)):
        row = d.filter((pl.col("industry") == industry) & (pl.col("year") == year)).head(1)
        assert row["off_china"].item() == pytest.approx(_loop_offshoring(e, industry, year))
        assert row["iv_china"].item() == pytest.approx(_loop_instrument(e, industry, year))


def test_firm_panel_firm_attributes(built):
    e, s, p, fp = built
    d = fp.data.filter(pl.col("occ_group") == "all")
    f = e["firms"].filter(pl.col("year").is_between(*YEARS))
    j = d.join(f.select("firm_id", "year", "region", "sales", "employment"), on=["firm_id", "year"])
    assert (
        j["copenhagen"] == j["region"].is_in(["Copenhagen", "Copenhagen environs"]).cast(pl.Int8)
    ).all()
    np.testing.assert_allclose(j["log_sales"], np.log(j["sales"].to_numpy()))
    np.testing.assert_allclose(j["log_size"], np.log(j["employment"].to_numpy()))
    # each type dummy is constant within a firm and splits the sample's firms at the median
    per_firm = d.group_by("firm_id").agg(
        pl.col("low_va", "low_spk", "low_tfp", "labour_intensive").n_unique()
    )
    assert (per_firm.drop("firm_id").max_horizontal() == 1).all()
    firms_low = d.group_by("firm_id").agg(pl.col("low_va").first())["low_va"]
    assert firms_low.sum() == s.n_firms // 2
    assert d["sector_year"].to_list()[0] == f"{d['sector'][0]}_{d['year'][0]}"


def test_firm_panel_rescale_and_errors(built):
    e, s, p, fp = built
    fp2 = build_firm_panel(
        p,
        s,
        e["firms"],
        e["customs"],
        e["world_trade"],
        load_default("low_wage"),
        base_years=BASE,
        rescale="minmax",
        scale=100,
    )
    y = fp2.data["avg_cognitive"]
    assert y.min() >= 0 and y.max() <= 100
    lo, hi = p["cognitive"].min(), p["cognitive"].max()
    np.testing.assert_allclose(
        fp2.data["avg_cognitive"], (fp.data["avg_cognitive"] / 100 - lo) / (hi - lo) * 100
    )
    args = (p, s, e["firms"], e["customs"], e["world_trade"], load_default("low_wage"))
    with pytest.raises(DataValidationError):
        build_firm_panel(*args, base_years=BASE, scale=0)
    with pytest.raises(DataValidationError):
        build_firm_panel(*args, base_years=BASE, normalise="per_capita")
    with pytest.raises(DataValidationError, match="interpersonal_invariant|interpersonal"):
        build_firm_panel(
            p.drop("interpersonal_invariant"), *args[1:], base_years=BASE, skills=["interpersonal"]
        )


def test_source_given_as_string_or_low_wage_name():
    a = narrow_offshoring(_customs(), _firms(), countries="CHN")
    b = narrow_offshoring(_customs(), _firms(), countries=["CHN"])
    assert a.equals(b)
    lw = load_default("low_wage")
    c = narrow_offshoring(_customs(), _firms(), countries="low_wage", low_wage=lw, normalise="none")
    assert _by_key(c, "imports_narrow")[(1, 2001)] == 5.0
    w = world_export_supply(_world(), countries="low_wage", low_wage=lw)
    got = {(r["hs6"], r["year"]): r["wes"] for r in w.iter_rows(named=True)}
    assert got[("847130", 2000)] == 40.0 and got[("700510", 2000)] == 100.0
    with pytest.raises(DataValidationError):
        narrow_offshoring(_customs(), _firms(), countries="low_wage")
